"""Runs and the delivery contract end to end: a run ends delivered (a real send went out) or escalated (a person
is told, here through a real signed webhook to a local receiver). Silence is a failure: a run closed, idle or past
its deadline without delivering is escalated by Warden itself. A run belongs to one principal and survives a
restart of the cell."""

import json
import re
import time

import httpx
import pytest

from conftest import eventually, PY, ROOT, SECRET_ENV, Process, client_credentials_token, start_cell
from mcp_client import json_headers

DELIVERY = """
channels:
  webhook:
    signing_key: secret://webhook-key
    allow_plaintext_loopback: true
delivery:
  required_roles: [mailer]
  run_deadline_seconds: 15
  run_idle_seconds: 8
  notify_window_seconds: 0
  escalate_to: {{ webhook: "http://127.0.0.1:{port}/escalations" }}
"""


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    d = tmp_path_factory.mktemp("escalations")
    hook = Process("webhook", [PY, str(ROOT / "e2e/peers/webhook_sink.py"), "--out", str(d / "hooks.jsonl")], ready="READY")
    hook.port = int(re.search(r"READY (\d+)", hook.output()).group(1))
    hook.out = d / "hooks.jsonl"
    yield hook
    hook.stop()


@pytest.fixture(scope="module")
def runs_cell(idp, http_upstream, receiver, tmp_path_factory):
    SECRET_ENV.update({"WARDEN_SECRET_WEBHOOK_KEY": "webhook-signing-key-0123456789abcdef"})  # pragma: allowlist secret
    cell = start_cell(tmp_path_factory.mktemp("runs"), idp, http_upstream, extra=DELIVERY.format(port=receiver.port))
    yield cell
    cell.process.stop()


@pytest.fixture(scope="module")
def mailer(idp, runs_cell):
    return client_credentials_token(idp, "mailer-agent", "mailer-pass", runs_cell.mcp_url)


class Agent:
    """Raw JSON-RPC over Streamable HTTP, with an optional explicit run id (`Warden-Run-Id`)."""

    def __init__(self, cell, token, run=None):
        self.cell, self.token, self.run = cell, token, run
        self.session = self.post({"method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
            session=False).headers["mcp-session-id"]

    def headers(self, session=True):
        headers = json_headers(self.token, self.session if session else None)
        if self.run:
            headers["Warden-Run-Id"] = self.run
        return headers

    def post(self, message, session=True):
        r = httpx.post(self.cell.mcp_url, headers=self.headers(session), json={"jsonrpc": "2.0", "id": 1, **message},
                       timeout=30)
        assert r.status_code == 200, r.text
        return r

    def call(self, tool, arguments, meta=None):
        params = {"name": tool, "arguments": arguments}
        if meta:
            params["_meta"] = meta
        return self.post({"method": "tools/call", "params": params}).json()

    def close(self):
        assert httpx.delete(self.cell.mcp_url, headers=self.headers(), timeout=10).status_code == 204


def run_state(cell, run_id):
    return json.loads(cell.cli("runs", "show", run_id).stdout)


def escalations(receiver, run_id):
    if not receiver.out.exists():
        return []
    bodies = [json.loads(json.loads(line)["body"]) for line in receiver.out.read_text().splitlines()]
    return [b for b in bodies if b.get("run") == run_id or run_id in b.get("runs", [])]


def wait_for(predicate, seconds=12):
    return eventually(predicate, seconds)


def test_a_run_that_sends_is_delivered(runs_cell, mailer):
    message = {"to": "cfo@example.com", "subject": "Report", "body": "Q3 is done."}
    grant = runs_cell.cli("grant", "mint", "--tool", "billing.send_email", "--to", "cfo@example.com").stdout.strip()
    agent = Agent(runs_cell, mailer, run="r-sends")
    result = agent.call("billing.send_email", message, meta={"warden/grant": grant})
    assert not result["result"].get("isError"), result
    agent.close()
    state = run_state(runs_cell, "r-sends")
    assert state["state"] == "delivered" and state["delivered_by"] == "billing.send_email", state


def test_a_session_closed_with_nothing_done_is_escalated_and_a_person_is_notified(runs_cell, mailer, receiver):
    agent = Agent(runs_cell, mailer)
    agent.close()
    notices = wait_for(lambda: escalations(receiver, agent.session))
    assert notices and notices[0]["by"] == "closed" and notices[0]["kind"] == "warden.escalation", notices
    state = wait_for(lambda: (s := run_state(runs_cell, agent.session))["escalations"][0]["notification"] == "sent" and s)
    assert state["state"] == "escalated" and state["ended_by"] == "closed", state
    # Both are ledger entries once the next checkpoint covers them.
    ledger = lambda: runs_cell.cli("ledger", "entries", "--count", "1000000").stdout  # noqa: E731
    assert wait_for(lambda: '"kind":"run.escalated"' in (text := ledger()) and '"kind":"run.escalation-notified"' in text)


def test_a_malformed_run_id_is_refused_before_anything_is_recorded(runs_cell, mailer):
    before = len(runs_cell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines())
    agent = Agent(runs_cell, mailer)
    agent.run = "../../etc/passwd"
    refused = agent.call("billing.echo", {"text": "x"})
    assert refused["error"]["data"]["rule"] == "run.refused", refused
    r = httpx.post(runs_cell.mcp_url, headers=agent.headers(session=False) | {"Warden-Run-Id": "a b"},
                   json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18"}})
    assert r.status_code == 400 and "run.refused" in r.text
    time.sleep(1.5)
    after = runs_cell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines()
    assert not any("../../etc/passwd" in line for line in after)
    assert len(after) - before <= 3  # the agent's own session start only (run.started), never the refused name


def test_the_escalate_tool_ends_the_run_and_tells_a_person(runs_cell, mailer, receiver):
    agent = Agent(runs_cell, mailer, run="r-asks")
    result = agent.call("warden.escalate", {"reason": "invoice INV-9 is missing", "summary": "looked in billing"})
    assert not result["result"].get("isError"), result
    notices = wait_for(lambda: escalations(receiver, "r-asks"))
    assert notices[0]["by"] == "agent" and notices[0]["reason"] == "invoice INV-9 is missing", notices
    # The ended run takes no more calls.
    again = agent.call("billing.echo", {"text": "still there?"})
    assert again["error"]["data"]["rule"] == "run.refused", again


def test_another_principal_cannot_reach_a_run_by_its_id(runs_cell, idp):
    """A run id is scoped to the principal that started it: another principal presenting the same id gets a run of
    its own and can neither use, end, nor squat on the owner's (nor learn that it exists)."""
    analyst = client_credentials_token(idp, "analyst-agent", "analyst-pass", runs_cell.mcp_url)
    owner = Agent(runs_cell, client_credentials_token(idp, "clerk-agent", "clerk-pass", runs_cell.mcp_url), run="r-mine")
    assert not owner.call("billing.echo", {"text": "mine"})["result"].get("isError")
    thief = Agent(runs_cell, analyst, run="r-mine")
    thief.call("billing.echo", {"text": "yours now"})
    thief.close()
    shown = eventually(lambda: (s := json.loads(runs_cell.cli("runs", "show", "r-mine", "--agent", "clerk-agent").stdout))
                       ["calls"] == 1 and s)
    assert shown and shown["calls"] == 1 and shown["state"] == "open", shown
    both = runs_cell.cli("runs", "show", "r-mine", check=False)
    assert both.returncode != 0 and "add --agent" in both.stderr


def test_idle_and_overdue_runs_are_escalated(runs_cell, mailer, receiver):
    idle = Agent(runs_cell, mailer, run="r-idle")
    assert not idle.call("billing.echo", {"text": "one call, then silence"})["result"].get("isError")
    busy = Agent(runs_cell, mailer, run="r-busy")
    started = time.time()
    ended = None
    while time.time() - started < 25:  # busy keeps calling (never idle) until its 15 s deadline ends it
        answer = busy.call("billing.echo", {"text": "working"})
        if "error" in answer:
            ended = answer
            break
        time.sleep(1.5)
    assert ended and ended["error"]["data"]["rule"] == "run.refused", ended
    assert run_state(runs_cell, "r-busy")["ended_by"] == "deadline"
    idle_state = run_state(runs_cell, "r-idle")
    assert idle_state["state"] == "escalated" and idle_state["ended_by"] == "idle", idle_state
    assert wait_for(lambda: escalations(receiver, "r-idle")) and wait_for(lambda: escalations(receiver, "r-busy"))


def test_a_run_continues_across_a_restart_of_the_cell(runs_cell, mailer, idp, http_upstream):
    before = Agent(runs_cell, mailer, run="r-restart")
    assert not before.call("billing.echo", {"text": "before"})["result"].get("isError")
    runs_cell.process.stop()
    restarted = start_cell(runs_cell.config_path.parent, idp, http_upstream, reuse=runs_cell)
    runs_cell.process = restarted.process
    after = Agent(runs_cell, mailer, run="r-restart")
    assert not after.call("billing.echo", {"text": "after"})["result"].get("isError")
    # (calls are counted just after each reply)
    state = eventually(lambda: (s := run_state(runs_cell, "r-restart"))["calls"] == 2 and s) or run_state(runs_cell, "r-restart")
    assert state["state"] == "open" and state["calls"] == 2, state
