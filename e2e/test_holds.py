"""Holds a finance team relies on, end to end against a real cell: a Cedar `@hold` permit holds with its reason;
spends within the agent's budget run, one over it waits for a person; an approval covers its exact amount only;
retries and double approvals still execute once; every request, decision and execution is in the ledger."""

import json
import re
import time

import pytest

from conftest import SECRET_ENV, client_credentials_token, eventually, start_cell, start_webhook_sink
from test_runs import Agent

POLICY = """
permit (principal, action, resource);

@hold("invoices marked disputed need the controller")
permit (principal, action == Action::"billing.update_invoice_status", resource)
when { context.args has status && context.args.status == "disputed" };
"""

BUDGETS = """
channels:
  webhook:
    signing_key: secret://webhook-key
    allow_plaintext_loopback: true
approvals:
  notify: {{ webhook: "http://127.0.0.1:{port}/approvals" }}
  request_seconds: 30
  spend: over_budget
  spend_amounts:
    billing.pay_invoice: {{amount: amount, currency: EUR}}
  budgets:
    per_run: {{EUR: "1000.00"}}
    per_day: {{EUR: "1500.00"}}
"""

IBAN = "GB82WEST12345698765432"  # the invoice's own IBAN (trusted output of lookup_invoice)


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    hook = start_webhook_sink(tmp_path_factory.mktemp("approver-notices"))
    yield hook
    hook.stop()


@pytest.fixture(scope="module")
def hcell(idp, http_upstream, receiver, tmp_path_factory):
    SECRET_ENV.update({"WARDEN_SECRET_WEBHOOK_KEY": "webhook-signing-key-0123456789abcdef"})  # pragma: allowlist secret
    cell = start_cell(tmp_path_factory.mktemp("holds"), idp, http_upstream, policy=POLICY,
                      extra=BUDGETS.format(port=receiver.port))
    yield cell
    cell.process.stop()


@pytest.fixture(scope="module")
def token(idp, hcell):
    return client_credentials_token(idp, "clerk-agent", "clerk-pass", hcell.mcp_url)


def result(response):
    return response["result"]


def refusal(res):
    return res.get("_meta", {}).get("warden/refusal", {})


def ledger(cell):
    return [json.loads(line) for line in cell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines()]


def pay(agent, amount):
    agent.call("billing.lookup_invoice", {"invoice_id": "INV-1001"})  # the trusted source of the IBAN
    return result(agent.call("billing.pay_invoice", {"invoice_id": "INV-1001", "amount": amount, "iban": IBAN}))


def approve(cell, res, approver="controller"):
    approval = re.search(r"apr-[0-9a-f]+", refusal(res)["message"]).group(0)
    out = cell.cli("approvals", "approve", approval, "--approver", approver, "--reason", "checked", check=False)
    return approval, out


def test_a_policy_hold_waits_with_its_reason_and_runs_once_when_approved(hcell, token):
    agent = Agent(hcell, token)
    agent.call("billing.lookup_invoice", {"invoice_id": "INV-1002"})
    held = result(agent.call("billing.update_invoice_status", {"invoice_id": "INV-1002", "status": "disputed"}))
    assert held["_meta"].get("warden/held") and refusal(held)["rule"] == "policy.hold", held
    assert "invoices marked disputed need the controller" in refusal(held)["message"]
    other = result(agent.call("billing.update_invoice_status", {"invoice_id": "INV-1002", "status": "open"}))
    assert not other.get("isError"), other
    shown = hcell.cli("approvals", "show", re.search(r"apr-[0-9a-f]+", refusal(held)["message"]).group(0)).stdout
    assert "held because: policy " in shown and "invoices marked disputed need the controller" in shown, shown
    approval, out = approve(hcell, held)
    assert out.returncode == 0, out.stderr
    runs = [result(agent.call("billing.update_invoice_status", {"invoice_id": "INV-1002", "status": "disputed"}))
            for _ in range(3)]
    assert sum(1 for r in runs if not r.get("isError")) == 1, runs
    assert all(refusal(r).get("rule") == "policy.hold" for r in runs if r.get("isError")), runs
    # The repeat raised a new request: its approver is warned that this exact action ran before.
    repeat = next(re.search(r"apr-[0-9a-f]+", refusal(r)["message"]).group(0) for r in runs if r.get("isError"))
    warned = hcell.cli("approvals", "show", repeat).stdout
    assert f"WARNING: this exact action was used before as {approval}" in warned, warned

    def recorded():
        entries = ledger(hcell)
        return (any(e["kind"] == "approval.requested" and e.get("approval") == approval for e in entries)
                and any(e["kind"] == "approval.decided" and e.get("approval") == approval for e in entries)
                and any(e["kind"] == "tool.executed" and f"approval.used:{approval}" in e.get("reasons", [])
                        for e in entries))
    assert eventually(recorded), "request, decision and execution are each in the ledger"


def test_spends_within_budget_run_and_one_over_it_waits(hcell, token):
    agent = Agent(hcell, token)
    assert not pay(agent, "600.00").get("isError")
    assert not pay(agent, "400.00").get("isError")
    held = pay(agent, "0.01")
    assert refusal(held)["rule"] == "budget.exceeded", held
    assert "the run would spend 1000.01 EUR of its 1000.00 EUR budget" in refusal(held)["message"]
    fresh = Agent(hcell, token)  # another run: the day's budget (1500) still counts what was spent
    assert refusal(pay(fresh, "600.00"))["rule"] == "budget.exceeded"


def test_an_approval_covers_its_exact_amount_and_is_used_once(hcell, token, idp):
    other = client_credentials_token(idp, "mailer-agent", "mailer-pass", hcell.mcp_url)
    agent = Agent(hcell, other)
    held = pay(agent, "1200.00")
    assert refusal(held)["rule"] == "budget.exceeded", held
    # The agent's own principal cannot approve its action.
    approval = re.search(r"apr-[0-9a-f]+", refusal(held)["message"]).group(0)
    own = hcell.cli("approvals", "approve", approval, "--approver", "mailer-agent", check=False)
    assert own.returncode != 0 and "cannot approve" in (own.stdout + own.stderr)
    _, out = approve(hcell, held)
    assert out.returncode == 0, out.stderr
    twice = hcell.cli("approvals", "approve", approval, "--approver", "controller", check=False)
    assert twice.returncode != 0 and "already approved" in (twice.stdout + twice.stderr)
    # An approval of 1200.00 does not cover 12000.00.
    assert refusal(pay(agent, "12000.00"))["rule"] == "budget.exceeded"
    done = pay(agent, "1200.00")
    assert not done.get("isError"), done
    assert refusal(pay(agent, "1200.00"))["rule"] == "budget.exceeded"


def test_an_amount_the_budget_cannot_read_is_refused(hcell, token):
    agent = Agent(hcell, token)
    refused = pay(agent, "1,200.00")
    assert refusal(refused)["rule"] == "budget.amount-unreadable", refused
    assert not refused["_meta"].get("warden/held")


def test_approvers_are_told_of_each_new_request_on_the_configured_channel(hcell, token, receiver):
    agent = Agent(hcell, token)
    held = result(agent.call("billing.update_invoice_status", {"invoice_id": "INV-1001", "status": "disputed"}))
    approval = re.search(r"apr-[0-9a-f]+", refusal(held)["message"]).group(0)

    def told():
        if not receiver.out.exists():
            return None
        for line in receiver.out.read_text().splitlines():
            body = json.loads(line).get("body", {})
            if isinstance(body, str):
                body = json.loads(body)
            payload = body.get("payload", body)
            if payload.get("approval") == approval:
                return payload
        return None

    notice = eventually(told)
    assert notice and notice["kind"] == "warden.approval-requested", notice
    assert notice["tool"] == "billing.update_invoice_status" and notice["agent"] == "clerk-agent"
    assert eventually(lambda: any(e["kind"] == "approval.notified" and e.get("approval") == approval
                                  for e in ledger(hcell)))


def test_an_expired_request_cannot_be_approved_and_the_call_stays_held(hcell, token):
    agent = Agent(hcell, token)
    held = result(agent.call("billing.update_invoice_status", {"invoice_id": "INV-1002", "status": "disputed",
                                                              "note": "expiry test"}))
    approval = re.search(r"apr-[0-9a-f]+", refusal(held)["message"]).group(0)
    time.sleep(31)  # approvals.request_seconds: 30
    late = hcell.cli("approvals", "approve", approval, "--approver", "controller", check=False)
    assert late.returncode != 0 and "expired" in (late.stdout + late.stderr), late.stdout + late.stderr
    again = result(agent.call("billing.update_invoice_status", {"invoice_id": "INV-1002", "status": "disputed",
                                                               "note": "expiry test"}))
    assert again["_meta"].get("warden/held") and refusal(again)["rule"] == "policy.hold", again
    assert approval not in refusal(again)["message"], "a new request replaces the expired one"
