"""Default-deny ingress: a connection from outside the listener's allowlist is closed at accept, before any
HTTP byte is read or written."""

import socket

import httpx


def raw_exchange(source_ip, port, payload=b"GET /.well-known/oauth-protected-resource HTTP/1.1\r\nHost: x\r\n\r\n"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    s.bind((source_ip, 0))
    s.connect(("127.0.0.1", port))
    received = b""
    try:
        s.sendall(payload)
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received:
                break
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        s.close()
    return received


def test_source_outside_allowlist_gets_no_http_bytes(cell):
    # The cell allows 127.0.0.1/32 only; 127.0.0.2 is another loopback source on this machine.
    assert raw_exchange("127.0.0.2", cell.port) == b""


def test_source_inside_allowlist_is_served(cell):
    response = raw_exchange("127.0.0.1", cell.port)
    assert response.startswith(b"HTTP/1.1 200")


def test_refused_sources_do_not_disturb_the_listener(cell):
    for _ in range(20):
        assert raw_exchange("127.0.0.3", cell.port) == b""
    r = httpx.get(f"{cell.base}/.well-known/oauth-protected-resource/mcp", timeout=5)
    assert r.status_code == 200


def test_admin_listener_has_its_own_allowlist(cell):
    assert raw_exchange("127.0.0.2", cell.admin_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") == b""
    assert httpx.get(f"http://127.0.0.1:{cell.admin_port}/healthz", timeout=5).text.strip() == "ok"


def test_metrics_count_refusals_and_decisions_without_personal_data(cell, tokens):
    from test_tool_access import call, list_names  # noqa: F401  (reuse the SDK helpers)
    from mcp_client import run

    raw_exchange("127.0.0.2", cell.port)
    run(call(cell, tokens["analyst"], "billing.echo", {"text": "metrics canary.user@example.org"}))
    text = httpx.get(f"http://127.0.0.1:{cell.admin_port}/metrics", timeout=5).text
    refusals = [line for line in text.splitlines() if line.startswith('warden_ingress_refusals_total{listener="agents"}')]
    assert refusals and int(refusals[0].split()[-1]) >= 1
    assert 'warden_decisions_total{outcome="allow",rule="allowed"}' in text
    assert "warden_tool_call_duration_seconds_bucket" in text and "warden_ledger_entries" in text
    assert "canary.user@example.org" not in text and "analyst-agent" not in text
