"""How an MCP agent waits for a person, end to end with the official Python SDK as the agent: a held `tools/call`
from a client that accepts SSE stays open (`approvals.wait_seconds`) with progress notifications; when a person
approves through the CLI meanwhile, the identical call runs once and its result ends the stream; a denial ends it
with the approver's reason; when nobody decides in time, the answer names the request and the identical call
completes it later. A client that accepts only JSON gets the hold at once."""

import asyncio
import json
import re
import threading
import time

import httpx
import pytest

from conftest import client_credentials_token, eventually, start_cell
from mcp_client import mcp_session, run

PERMIT_ALL = "permit (principal, action, resource);\n"
WAIT = """
approvals:
  wait_seconds: 8
"""
IBAN = "GB82WEST12345698765432"  # INV-1001's own IBAN (trusted output of lookup_invoice)


@pytest.fixture(scope="module")
def wcell(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("waiting"), idp, http_upstream, policy=PERMIT_ALL, extra=WAIT)
    yield cell
    cell.process.stop()


@pytest.fixture(scope="module")
def token(idp, wcell):
    return client_credentials_token(idp, "clerk-agent", "clerk-pass", wcell.mcp_url)


def pending(cell):
    return re.findall(r"^(apr-[0-9a-f]+)\s+pending\s+billing.pay_invoice", cell.cli("approvals", "list").stdout, re.M)


def decide_when_held(cell, *decision):
    """A person at the CLI: waits for the held payment and decides it (in a thread, while the agent waits)."""
    seen = {}

    def act():
        held = eventually(lambda: pending(cell), seconds=10)
        if held:
            seen["id"] = held[0]
            time.sleep(3)  # a person takes a moment: the agent meanwhile gets progress
            cell.cli("approvals", decision[0], held[0], "--approver", "controller", *decision[1:])

    thread = threading.Thread(target=act)
    thread.start()
    return thread, seen


async def pay(token, url, amount):
    progress = []

    async def on_progress(value, total, message):
        progress.append(message)

    async with mcp_session(url, token) as s:
        await s.call_tool("billing.lookup_invoice", {"invoice_id": "INV-1001"})  # the trusted source of the IBAN
        result = await s.call_tool("billing.pay_invoice", {"invoice_id": "INV-1001", "amount": amount, "iban": IBAN},
                                   progress_callback=on_progress)
    return result, progress


def executed_payments(cell, amount):
    entries = [json.loads(l) for l in cell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines()]
    return [e for e in entries if e.get("kind") == "tool.executed" and e.get("tool") == "billing.pay_invoice"]


def test_a_held_call_waits_with_progress_and_runs_once_when_a_person_approves(wcell, token):
    thread, seen = decide_when_held(wcell, "approve")
    result, progress = run(pay(token, wcell.mcp_url, "1250.00"))
    thread.join()
    assert "id" in seen, "the payment was never held"
    assert not result.isError, result
    assert any(seen["id"] in (m or "") for m in progress), progress  # progress named the request it waits for
    assert len(eventually(lambda: executed_payments(wcell, "1250.00"), seconds=15)) == 1


def test_a_denial_while_waiting_ends_the_call_with_the_reason(wcell, token):
    thread, seen = decide_when_held(wcell, "deny", "--reason", "not this month")
    result, _ = run(pay(token, wcell.mcp_url, "1250.00"))
    thread.join()
    assert result.isError, result
    text = " ".join(c.text for c in result.content if hasattr(c, "text"))
    assert "approval.denied" in text and "not this month" in text, text


def test_nobody_decides_in_time_the_answer_names_the_request_and_the_identical_call_completes_it(wcell, token):
    started = time.monotonic()
    result, progress = run(pay(token, wcell.mcp_url, "99.90"))
    assert time.monotonic() - started >= 6, "the call should have been kept open while nobody decided"
    assert result.isError and result.meta and result.meta.get("warden/held"), result
    request = result.meta["warden/approval"]
    assert request.startswith("apr-") and progress, (request, progress)
    wcell.cli("approvals", "approve", request, "--approver", "controller")
    again, _ = run(pay(token, wcell.mcp_url, "99.90"))
    assert not again.isError, again


def test_a_client_that_accepts_only_json_gets_the_hold_at_once(wcell, token):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "Content-Type": "application/json"}
    init = httpx.post(wcell.mcp_url, headers=headers, timeout=10, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
    session = {**headers, "Mcp-Session-Id": init.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
    httpx.post(wcell.mcp_url, headers=session, timeout=10, json={
        "jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "billing.lookup_invoice", "arguments": {"invoice_id": "INV-1001"}}})
    started = time.monotonic()
    held = httpx.post(wcell.mcp_url, headers=session, timeout=30, json={
        "jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "billing.pay_invoice", "arguments": {"invoice_id": "INV-1001", "amount": "12.00",
                                                                 "iban": IBAN}}})
    assert time.monotonic() - started < 6
    assert held.headers["content-type"].startswith("application/json")
    result = held.json()["result"]
    assert result["isError"] and result["_meta"]["warden/held"] and result["_meta"]["warden/approval"].startswith("apr-")


def test_one_agent_keeps_at_most_four_held_calls_open(wcell, token):
    """Each open wait holds a connection and polls the approval store: a fifth is answered at once."""
    def session():
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream",
                   "Content-Type": "application/json"}
        init = httpx.post(wcell.mcp_url, headers=headers, timeout=10, json={
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
        return {**headers, "Mcp-Session-Id": init.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}

    elapsed = []

    def held_call(i):
        headers = session()
        started = time.monotonic()
        httpx.post(wcell.mcp_url, headers=headers, timeout=30, json={
            "jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "billing.pay_invoice",
                       "arguments": {"invoice_id": "INV-1001", "amount": f"{i + 1}.01", "iban": IBAN}}})
        elapsed.append(time.monotonic() - started)

    threads = [threading.Thread(target=held_call, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    quick = [t for t in elapsed if t < 5]
    assert len(elapsed) == 5 and len(quick) == 1, elapsed


def test_an_identical_held_call_while_one_waits_is_answered_at_once(wcell, token):
    """One stream waits per request: the agent's retry of the same call gets the hold at once, so a decision
    re-runs the call once."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream",
               "Content-Type": "application/json"}
    init = httpx.post(wcell.mcp_url, headers=headers, timeout=10, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
    session = {**headers, "Mcp-Session-Id": init.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
        "name": "billing.pay_invoice", "arguments": {"invoice_id": "INV-1001", "amount": "7.77", "iban": IBAN}}}
    elapsed = []

    def post():
        started = time.monotonic()
        httpx.post(wcell.mcp_url, headers=session, timeout=30, json=call)
        elapsed.append(time.monotonic() - started)

    first = threading.Thread(target=post)
    first.start()
    time.sleep(1.5)  # the first is held and waiting
    post()
    first.join()
    assert len(elapsed) == 2 and min(elapsed) < 4 <= max(elapsed), elapsed
