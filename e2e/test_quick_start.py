"""`warden serve` with no configuration is useful at once: loopback-only cell, built-in demo upstream, and a
development issuer whose tokens work exactly like an IdP's."""

import subprocess

import pytest
from mcp.shared.exceptions import McpError

from conftest import Process, free_port, warden, warden_bin
from mcp_client import mcp_session, run


@pytest.fixture(scope="module")
def quick_cell(tmp_path_factory):
    data = tmp_path_factory.mktemp("quick") / "data"
    port, admin = free_port(), free_port()
    common = ["--data-dir", str(data), "--port", str(port), "--admin-port", str(admin)]
    warden("tools", "approve", "--all", *common)
    proc = Process("warden-quick", [warden_bin(), "serve", *common], ready="warden: ready")
    yield proc, common, f"http://127.0.0.1:{port}/mcp"
    proc.stop()


def test_serve_announces_the_development_issuer(quick_cell):
    proc, _, _ = quick_cell
    assert "DEVELOPMENT issuer" in proc.output()


def test_development_token_reaches_demo_tools(quick_cell):
    _, common, url = quick_cell
    token = warden("token", "--role", "analyst", *common).stdout.strip()

    async def scenario():
        async with mcp_session(url, token) as s:
            names = sorted(t.name for t in (await s.list_tools()).tools)
            result = await s.call_tool("demo.lookup_invoice", {"invoice_id": "INV-1001"})
            error = None
            try:
                await s.call_tool("demo.update_invoice_status", {"invoice_id": "INV-1001", "status": "disputed"})
            except McpError as e:
                error = e
            return names, result, error

    names, result, error = run(scenario())
    assert names == ["demo.list_invoices", "demo.lookup_invoice"]
    assert "Northwind" in result.content[0].text
    assert error is not None and "unknown tool" in str(error)


def test_token_command_refuses_when_an_external_issuer_is_configured(cell):
    out = subprocess.run([warden_bin(), "token", "--role", "x", "--config", str(cell.config_path)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "external issuer" in out.stderr


def test_demo_runs_the_whole_story():
    out = subprocess.run([warden_bin(), "demo"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "[analyst] sees: demo.list_invoices, demo.lookup_invoice" in out.stdout
    assert "[clerk] demo.update_invoice_status -> ok" in out.stdout
    assert "demo.send_email -> refused" in out.stdout
    assert "[assistant] demo.send_email -> refused: Warden refused this call. refused by grant.missing" in out.stdout
    assert "[assistant] demo.send_email -> ok: sent" in out.stdout
    assert "grant.replayed" in out.stdout and "grant.recipient_not_covered" in out.stdout


def test_bench_commands_run(tmp_path):
    # Benchmarks are measurements, not tests: this only checks that the commands work end to end.
    assert "verifications per CPU-second" in warden("bench", "grants", "--iterations", "2000").stdout
    out = warden("bench", "ledger", "--entries", "300", "--concurrency", "1,8", "--directory", str(tmp_path)).stdout
    assert out.count("durable appends/s") == 2
