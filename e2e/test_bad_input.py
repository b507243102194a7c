"""Bad input gets a clear error, loses nothing, and the cell keeps serving."""

import socket
import time

import httpx

from mcp_client import json_headers, raw_initialize


def post_raw(cell, token, session, body: bytes):
    return httpx.post(cell.mcp_url, headers=json_headers(token, session), content=body, timeout=30)


def still_serving(cell, token):
    session = raw_initialize(cell.mcp_url, token)
    r = httpx.post(
        cell.mcp_url,
        headers=json_headers(token, session),
        json={"jsonrpc": "2.0", "id": 7, "method": "ping"},
        timeout=10,
    )
    return r.status_code == 200 and r.json()["result"] == {}


def test_malformed_json_is_a_parse_error(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    r = post_raw(cell, tokens["analyst"], session, b'{"jsonrpc": "2.0", "id": 1, "method": ')
    assert r.status_code == 400
    assert r.json()["error"]["code"] == -32700
    assert still_serving(cell, tokens["analyst"])


def test_duplicate_keys_are_refused(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    r = post_raw(cell, tokens["analyst"], session, b'{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"}')
    assert r.status_code == 400
    assert r.json()["error"]["code"] in (-32700, -32600)


def test_batch_is_refused(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    r = post_raw(cell, tokens["analyst"], session, b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]')
    assert r.status_code == 400
    assert r.json()["error"]["code"] == -32600


def test_unknown_method_is_method_not_found(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    r = post_raw(cell, tokens["analyst"], session, b'{"jsonrpc":"2.0","id":3,"method":"resources/list"}')
    assert r.status_code == 200
    assert r.json()["error"]["code"] == -32601
    assert r.json()["id"] == 3


def test_fifty_megabyte_body_is_refused_and_cell_survives(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    body = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"' + b"a" * (50 * 1024 * 1024) + b'"}}'
    try:
        r = post_raw(cell, tokens["analyst"], session, body)
        assert r.status_code == 413
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass  # the server may close the connection while the client is still sending; that is a refusal too
    assert still_serving(cell, tokens["analyst"])


def test_slow_loris_is_cut_off(cell, tokens):
    s = socket.create_connection(("127.0.0.1", cell.port), timeout=15)
    s.sendall(b"POST /mcp HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    closed = False
    try:
        for _ in range(30):
            time.sleep(0.5)
            s.sendall(b"X-Slow: 1\r\n")
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    if not closed:
        try:
            closed = s.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            closed = True
    s.close()
    assert closed, "a client trickling headers kept its connection past the read deadline"
    assert time.monotonic() - started < 15
    assert still_serving(cell, tokens["analyst"])


def test_session_of_another_agent_is_unknown(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    r = post_raw(cell, tokens["clerk"], session, b'{"jsonrpc":"2.0","id":1,"method":"ping"}')
    assert r.status_code == 404


def test_missing_session_is_bad_request_and_ended_session_is_not_found(cell, tokens):
    r = httpx.post(
        cell.mcp_url,
        headers=json_headers(tokens["analyst"]),
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
        timeout=10,
    )
    assert r.status_code == 400
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    d = httpx.delete(cell.mcp_url, headers=json_headers(tokens["analyst"], session), timeout=10)
    assert d.status_code == 204
    r = post_raw(cell, tokens["analyst"], session, b'{"jsonrpc":"2.0","id":1,"method":"ping"}')
    assert r.status_code == 404


def test_foreign_origin_is_forbidden(cell, tokens):
    headers = json_headers(tokens["analyst"]) | {"Origin": "https://evil.example"}
    r = httpx.post(cell.mcp_url, headers=headers, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=10)
    assert r.status_code == 403


def test_unsupported_protocol_version_header_is_bad_request(cell, tokens):
    session = raw_initialize(cell.mcp_url, tokens["analyst"])
    headers = json_headers(tokens["analyst"], session) | {"MCP-Protocol-Version": "1999-01-01"}
    r = httpx.post(cell.mcp_url, headers=headers, json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=10)
    assert r.status_code == 400
