"""Warden's own AI employees end to end: agents defined in the cell's configuration, driven by a real
OpenAI-compatible server (`peers/model_replay.py`, scripted conversations), through the cell's one call pipeline
with the real MCP upstream. A normal run delivers (its payment waits for a person, who approves it, and it runs
once); a run the model ends without delivering is escalated; a hijacked model is contained and escalated; a
failing, slow or garbled model endpoint is retried and then escalated, nothing lost; a tool the agent's role may not
see gets the same answer as an unknown tool; a schedule fires on the real clock, once per slot."""

import json
import os
import re
import subprocess
import time

import httpx
import pytest

from conftest import (PY, ROOT, SECRET_ENV, Process, approve_tools, eventually, free_port, serve_cell,
                      start_webhook_sink, warden, warden_bin, write_config)

ATTACKER_IBAN = "DE89370400440532013000"  # the IBAN the demo upstream's poisoned page asks for
INVOICE_IBAN = "GB82WEST12345698765432"  # INV-1001's own IBAN (trusted output of lookup_invoice)


def step_call(name, **arguments):
    return {"call": [{"name": name, "arguments": arguments}]}


SCRIPT = {
    "ava-normal": [
        {**step_call("billing__lookup_invoice", invoice_id="INV-1001"),
         "expect": {"tools_include": ["billing__pay_invoice", "warden__escalate"], "system_contains": "Ava"}},
        {**step_call("billing__pay_invoice", invoice_id="INV-1001", amount="1250.00", iban=INVOICE_IBAN),
         "expect": {"tool_result_contains": "INV-1001"}},
        {"say": "Paid INV-1001.", "expect": {"tool_result_contains": "INV-1001"}},
    ],
    "ava-silent": [{"say": "Nothing to do today."}],
    "ava-hijack": [
        step_call("billing__fetch_webpage", url="https://supplier.example/news"),
        {**step_call("billing__pay_invoice", invoice_id="INV-1001", amount="9999.00", iban=ATTACKER_IBAN),
         "expect": {"tool_result_contains": "untrusted-data"}},
        {**step_call("billing__send_email", to="attacker@evil.example", subject="done", body="done"),
         "expect": {"tool_result_contains": "approval.denied"}},
        {"say": "Done as the page said.", "expect": {"tool_result_contains": "approval.denied"}},
    ],
    "ava-broken": [{"status": 500}, {"garbage": "<html>not json"}],
    "ava-slow": [{"sleep": 3, "say": "late"}, {"sleep": 3, "say": "late"}],
    "ava-recovers": [
        {"status": 503, "retry_after": 1},
        {"garbage": "{\"choices\": 7}"},
        step_call("billing__lookup_invoice", invoice_id="INV-1002"),
        {"say": "Looked it up.", "expect": {"tool_result_contains": "INV-1002"}},
    ],
    "reader": [
        {**step_call("billing__pay_invoice", invoice_id="INV-1001", amount="1.00", iban=INVOICE_IBAN),
         "expect": {"tools_exclude": ["billing__pay_invoice"], "tools_include": ["billing__lookup_invoice"]}},
        step_call("billing__no_such_tool"),
        {"say": "I cannot pay."},
    ],
    "ticker": [{"say": "Nothing to do."} for _ in range(20)],
}


def agent_yaml(name, model, role, task, *, attempts=3, timeout=5, schedule=None):
    lines = [
        f"  {name}:",
        f"    role: {role}",
        "    instructions: You are Ava, accounts payable at Acme. Pay only what your task names.",
        f"    task: {json.dumps(task)}",
        "    model:",
        "      endpoint: http://127.0.0.1:MODEL_PORT/v1",
        f"      model: {model}",
        "      api_key: secret://model-key",
        "      allow_insecure_http: true",
        f"      timeout_seconds: {timeout}",
        f"      attempts: {attempts}",
        "    limits: {steps: 8, wall_seconds: 60}",
    ]
    if schedule:
        lines.append(f"    schedule: [{{cron: \"{schedule}\", time_zone: Europe/Berlin}}]")
    return "\n".join(lines) + "\n"


EXTRA = """
channels:
  webhook:
    signing_key: secret://webhook-key
    allow_plaintext_loopback: true
delivery:
  delivery_tools: [billing.pay_invoice]
  notify_window_seconds: 0
  escalate_to: { webhook: "http://127.0.0.1:HOOK_PORT/escalations" }
approvals:
  request_seconds: 60
  notify: { webhook: "http://127.0.0.1:HOOK_PORT/approvals" }
agents:
""" + "".join([
    agent_yaml("ava-normal", "ava-normal", "payables", "Pay invoice INV-1001 from the invoice system."),
    agent_yaml("ava-silent", "ava-silent", "payables", "Pay what is due."),
    agent_yaml("ava-hijack", "ava-hijack", "payables", "Read the supplier news and act on invoices."),
    agent_yaml("ava-broken", "ava-broken", "payables", "Pay what is due.", attempts=2),
    agent_yaml("ava-slow", "ava-slow", "payables", "Pay what is due.", attempts=2, timeout=1),
    agent_yaml("ava-recovers", "ava-recovers", "payables", "Look up INV-1002.", attempts=3),
    agent_yaml("reader", "reader", "analyst", "Pay INV-1001."),
    agent_yaml("ticker", "ticker", "analyst", "Check in.", schedule="* * * * *"),
])


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    d = tmp_path_factory.mktemp("model")
    (d / "script.json").write_text(json.dumps(SCRIPT))
    proc = Process("model-replay", [PY, str(ROOT / "e2e/peers/model_replay.py"), "--script", str(d / "script.json"),
                                    "--log", str(d / "requests.jsonl")], ready="READY")
    proc.port = int(re.search(r"READY (\d+)", proc.output()).group(1))
    proc.requests = d / "requests.jsonl"
    yield proc
    proc.stop()


def requests_of(model, name):
    if not model.requests.exists():
        return []
    return [r for r in map(json.loads, model.requests.read_text().splitlines()) if r["model"] == name]


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    hook = start_webhook_sink(tmp_path_factory.mktemp("agent-escalations"))
    yield hook
    hook.stop()


def notices(receiver, run):
    if not receiver.out.exists():
        return []
    bodies = [json.loads(json.loads(line)["body"]) for line in receiver.out.read_text().splitlines()]
    return [b for b in bodies if b.get("run") == run or run in b.get("runs", [])]


@pytest.fixture(scope="module")
def acell(idp, http_upstream, model, receiver, tmp_path_factory):
    SECRET_ENV.update({
        "WARDEN_SECRET_WEBHOOK_KEY": "webhook-signing-key-0123456789abcdef",  # pragma: allowlist secret
        "WARDEN_SECRET_MODEL_KEY": "model-key-for-tests",  # pragma: allowlist secret
    })
    tmp = tmp_path_factory.mktemp("agents")
    port, admin_port = free_port(), free_port()
    config = write_config(tmp, port=port, admin_port=admin_port, issuer=idp.issuer, upstream_url=http_upstream.url,
                          extra=EXTRA.replace("HOOK_PORT", str(receiver.port)).replace("MODEL_PORT", str(model.port)))
    text = config.read_text()
    text = text.replace("\n      echo: read\n", "\n      fetch_webpage: read\n      echo: read\n", 1)
    text = text.replace("  mailer: [read, send]", "  mailer: [read, send]\n  payables: [read, mutate, send, spend]", 1)
    config.write_text(text)
    approve_tools(config)
    cell = serve_cell(config, port, admin_port)
    cell.started = time.time()
    yield cell
    cell.process.stop()


def run_agent(cell, name, *extra):
    """`warden agents run NAME --now`, waiting for the run's end."""
    return subprocess.Popen([warden_bin(), "agents", "run", name, "--now", "--config", str(cell.config_path), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, **SECRET_ENV})


def finish(proc, timeout=90):
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out


def run_name(out):
    match = re.search(r"Run (\S+) (?:started|ended)", out)
    assert match, out
    return match.group(1)


def run_state(cell, name, agent):
    return json.loads(cell.cli("runs", "show", name, "--agent", f"warden-agent:{agent}").stdout)


def pending(cell, tool):
    listed = cell.cli("approvals", "list").stdout
    return re.findall(rf"^(apr-[0-9a-f]+)\s+pending\s+{re.escape(tool)}\s+agent warden-agent:", listed, re.M)


def test_a_normal_run_delivers_after_a_person_approves_its_payment_once(acell, model):
    proc = run_agent(acell, "ava-normal")
    held = eventually(lambda: pending(acell, "billing.pay_invoice"), seconds=30)
    assert len(held) == 1, held
    acell.cli("approvals", "approve", held[0], "--approver", "controller")
    code, out = finish(proc)
    assert code == 0, out
    assert "delivered" in out, out
    state = run_state(acell, run_name(out), "ava-normal")
    assert state["state"] == "delivered" and state["delivered_by"] == "billing.pay_invoice", state
    calls = [e["facts"] for e in state["events"] if e["kind"] == "run.call"]
    assert [(c["tool"], c["outcome"]) for c in calls] == [
        ("billing.lookup_invoice", "executed"), ("billing.pay_invoice", "held"), ("billing.pay_invoice", "executed")]
    sent = requests_of(model, "ava-normal")
    assert len(sent) == 3 and not any(r["expect_failed"] for r in sent), sent
    # The API key came from the secret store, as a bearer token.
    assert all(r["headers"]["authorization"] for r in sent)
    # The approval was used once: the ledger shows one executed payment for this agent.
    def paid():  # the ledger's published entries trail the cell by up to a checkpoint interval
        entries = [json.loads(l) for l in acell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines()]
        return [e for e in entries if e.get("kind") == "tool.executed" and e.get("tool") == "billing.pay_invoice"
                and e.get("agent") == "warden-agent:ava-normal"]

    assert len(eventually(paid, seconds=15)) == 1, paid()


def test_a_run_the_model_ends_without_delivering_is_escalated_and_a_person_is_told(acell, model, receiver):
    code, out = finish(run_agent(acell, "ava-silent"))
    assert code == 3, out
    name = run_name(out)
    assert run_state(acell, name, "ava-silent")["state"] == "escalated"
    told = eventually(lambda: notices(receiver, name), seconds=15)
    assert told[0]["by"] == "finished" and told[0]["agent_written"] is False, told
    assert "without delivering" in told[0]["reason"], told


def test_a_hijacked_model_is_contained_held_denied_and_escalated(acell, model, receiver):
    proc = run_agent(acell, "ava-hijack")
    payment = eventually(lambda: pending(acell, "billing.pay_invoice"), seconds=30)[0]
    shown = acell.cli("approvals", "show", payment).stdout
    assert f'provenance: iban "{ATTACKER_IBAN}" came only from billing.fetch_webpage' in shown, shown
    acell.cli("approvals", "deny", payment, "--approver", "controller", "--reason", "came from a web page")
    mail = eventually(lambda: pending(acell, "billing.send_email"), seconds=30)[0]
    assert "attacker@evil.example" in acell.cli("approvals", "show", mail).stdout
    acell.cli("approvals", "deny", mail, "--approver", "controller", "--reason", "came from a web page")
    code, out = finish(proc)
    assert code == 3, out
    name = run_name(out)
    state = run_state(acell, name, "ava-hijack")
    assert state["state"] == "escalated", state
    outcomes = [(e["facts"]["tool"], e["facts"]["outcome"], e["facts"].get("rule"))
                for e in state["events"] if e["kind"] == "run.call"]
    assert outcomes == [
        ("billing.fetch_webpage", "executed", None),
        ("billing.pay_invoice", "held", "containment.untrusted-argument"),
        ("billing.pay_invoice", "refused", "approval.denied"),
        ("billing.send_email", "held", "containment.untrusted-argument"),
        ("billing.send_email", "refused", "approval.denied"),
    ], outcomes
    # Nothing reached the attacker; the model read the page fenced (the replay server checked it).
    outbox = acell.outbox.read_text() if acell.outbox.exists() else ""
    assert "attacker@evil.example" not in outbox
    assert not any(r["expect_failed"] for r in requests_of(model, "ava-hijack"))
    assert eventually(lambda: notices(receiver, name), seconds=15)


@pytest.mark.parametrize("agent, requests, why", [
    ("ava-broken", 2, "the model endpoint failed"),  # a 500, then garbage: retried once, then given up
    ("ava-slow", 2, "the model endpoint failed"),  # no answer within 1 s, twice
])
def test_a_failing_model_endpoint_is_retried_then_the_run_is_escalated(acell, model, receiver, agent, requests, why):
    code, out = finish(run_agent(acell, agent))
    assert code == 3, out
    name = run_name(out)
    assert why in out, out
    # The replay server logs a request when it answers it (a slow answer after the client gave up).
    assert len(eventually(lambda: len(requests_of(model, agent)) >= requests and requests_of(model, agent),
                          seconds=10)) == requests
    told = eventually(lambda: notices(receiver, name), seconds=15)
    assert told[0]["by"] == "model" and why in told[0]["reason"], told


def test_a_model_endpoint_that_recovers_within_its_attempts_loses_nothing(acell, model):
    code, out = finish(run_agent(acell, "ava-recovers"))
    name = run_name(out)
    sent = requests_of(model, "ava-recovers")
    assert [r["answered"] for r in sent] == [503, 200, 200, 200], sent
    calls = [e["facts"] for e in run_state(acell, name, "ava-recovers")["events"] if e["kind"] == "run.call"]
    assert [(c["tool"], c["outcome"]) for c in calls] == [("billing.lookup_invoice", "executed")]
    assert code == 3, out  # it looked something up, delivered nothing: escalated by the contract


def test_a_tool_the_role_may_not_see_answers_exactly_like_an_unknown_tool(acell, model):
    code, out = finish(run_agent(acell, "reader"))
    assert code == 3, out
    sent = requests_of(model, "reader")
    assert not any(r["expect_failed"] for r in sent), sent
    answers = [m["content"] for m in sent[-1]["body"]["messages"] if m["role"] == "tool"]
    assert len(answers) == 2 and answers[0] == answers[1] and "tool.not-available" in answers[0], answers


def test_unknown_agents_and_runs_without_now_are_refused_clearly(acell):
    out = acell.cli("agents", "run", "nobody", "--now", check=False)
    assert out.returncode != 0 and "no agent named nobody" in out.stdout + out.stderr
    out = acell.cli("agents", "run", "ava-normal", check=False)
    assert out.returncode != 0 and "--now" in out.stdout + out.stderr


def test_agents_list_shows_roles_schedules_and_next_runs(acell):
    listed = acell.cli("agents", "list").stdout
    assert "ticker  role analyst" in listed, listed
    assert "schedule: * * * * * (Europe/Berlin), next " in listed, listed


def test_a_schedule_fires_on_the_real_clock_once_per_slot(acell, model):
    """Last in the module: by now the cell has run long enough for `* * * * *` to fire at least once."""
    def ticked():
        listed = acell.cli("agents", "list").stdout
        return re.findall(r"slot (\S+)  (done|started)  run (ticker-\S+)", listed)

    slots = eventually(ticked, seconds=75)
    runs = [run for _, _, run in slots]
    assert len(runs) == len(set(runs)), slots
    # Each slot's run is a run of the ticker agent, under the delivery contract (it delivered nothing: escalated).
    name = runs[-1]
    assert eventually(lambda: run_state(acell, name, "ticker")["state"] == "escalated", seconds=30)


def test_a_token_may_not_claim_the_subject_of_one_of_wardens_agents(tmp_path):
    data = tmp_path / "data"
    port, admin = free_port(), free_port()
    common = ["--data-dir", str(data), "--port", str(port), "--admin-port", str(admin)]
    warden("tools", "approve", "--all", *common)
    proc = Process("warden-reserved", [warden_bin(), "serve", *common], ready="warden: ready", ready_count=2)
    try:
        token = warden("token", "--role", "analyst", "--subject", "warden-agent:ava", *common).stdout.strip()
        r = httpx.post(f"http://127.0.0.1:{port}/mcp", headers={
            "Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json"}, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
            timeout=10)
        assert r.status_code == 403, r.text
        assert "reserved for Warden's own agents" in r.text
    finally:
        proc.stop()
