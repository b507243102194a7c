"""Guardrails for the rest of the security review: approvers see the whole action and every step is a ledger entry;
a missing channel secret stops only the channels; a webhook cannot be aimed at the cell's own network."""

import json
import re
import time

import pytest

from conftest import eventually, SECRET_ENV, client_credentials_token, start_cell
from test_security_review import Agent


def ledger(cell):
    return [json.loads(line) for line in cell.cli("ledger", "entries", "--count", "1000000").stdout.splitlines()]


def wait_for(predicate, seconds=10):
    return eventually(predicate, seconds)


def test_an_approver_sees_the_whole_action_and_every_step_is_recorded(cell, tokens):
    """Hole 3: the request carries the full action (recipients, every argument, canonical form), the person's
    decision (who, when, why) and the execution are ledger entries."""
    mailer = Agent(cell, tokens["mailer"])
    action = {
        "to": "dana@example.com", "cc": ["eve@example.net"], "subject": "Invoice 77",
        "body": "Please pay INV-77 today.\nThanks, accounts",
    }
    held = mailer.call("billing.send_email", action)["result"]
    assert held["_meta"]["warden/refusal"]["rule"] == "grant.missing" and held["_meta"].get("warden/held"), held
    approval = re.search(r"apr-[0-9a-f]+", held["_meta"]["warden/refusal"]["message"]).group(0)

    listing = cell.cli("approvals", "list").stdout
    entry = listing[listing.index(approval):]
    for shown in ['"mailto:dana@example.com"', '"mailto:eve@example.net"', '"subject" = "Invoice 77"',
                  '"body" = "Please pay INV-77 today.\\nThanks, accounts"']:
        assert shown in entry, (shown, entry)
    shown = cell.cli("approvals", "show", approval).stdout
    assert "canonical action:" in shown and "action sha256:" in shown, shown

    decided = cell.cli("approvals", "approve", approval, "--approver", "alice", "--reason", "known customer").stdout
    assert "approved by alice" in decided
    sent = mailer.call("billing.send_email", action)["result"]
    assert not sent.get("isError"), sent

    def recorded():
        entries = ledger(cell)
        requested = [e for e in entries if e["kind"] == "approval.requested" and e.get("approval") == approval]
        decided = [e for e in entries if e["kind"] == "approval.decided" and e.get("approval") == approval]
        executed = [e for e in entries if e["kind"] == "tool.executed"
                    and f"grant.minted-by:approval:{approval}" in e.get("reasons", [])]
        return requested and decided and executed and (requested, decided, executed)

    found = wait_for(recorded)
    assert found, "request, decision and execution must each be a ledger entry"
    _, decided_entries, _ = found
    assert decided_entries[0]["approver"] == "alice" and decided_entries[0]["decision"] == "approved"
    assert "decided_at" in decided_entries[0]


MISSING_SECRET_CHANNEL = """
channels:
  webhook:
    signing_key: secret://nobody-set-this-secret
"""


def test_a_missing_channel_secret_stops_only_the_channels(idp, http_upstream, tmp_path):
    """Suspected hole: a missing channel secret stopped the whole cell. Now only that upstream is out of service
    (its tools are unknown), the cell serves the rest, and the log names the rule."""
    cell = start_cell(tmp_path, idp, http_upstream, extra=MISSING_SECRET_CHANNEL)
    try:
        assert cell.process.alive()
        assert "upstream.not-started" in cell.process.output()
        analyst = Agent(cell, client_credentials_token(idp, "analyst-agent", "analyst-pass", cell.mcp_url))
        assert not analyst.call("billing.lookup_invoice", {"invoice_id": "INV-1001"})["result"].get("isError")
        mailer = Agent(cell, client_credentials_token(idp, "mailer-agent", "mailer-pass", cell.mcp_url))
        gone = mailer.call("warden.post_webhook", {"url": "https://hooks.example/x", "payload": {}})
        assert gone["error"]["data"]["rule"] == "tool.not-available", gone
    finally:
        cell.process.stop()


WEBHOOK_CHANNEL = """
channels:
  webhook:
    signing_key: secret://webhook-key
"""


@pytest.mark.parametrize("url", [
    "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1:6379/", "https://127.0.0.0x1:8443/",
    "https://localhost/admin",
])
def test_a_webhook_cannot_be_aimed_at_the_cells_own_network(idp, http_upstream, tmp_path_factory, url):
    """Suspected hole: webhook URLs accepted private, loopback and link-local addresses. With a valid grant for
    exactly that URL, the send path still refuses (no `allow_networks` configured)."""
    cell = webhook_cell(idp, http_upstream, tmp_path_factory)
    mailer = Agent(cell, client_credentials_token(idp, "mailer-agent", "mailer-pass", cell.mcp_url))
    minted = cell.cli("grant", "mint", "--tool", "warden.post_webhook", "--webhook", url, check=False)
    if minted.returncode != 0:
        # The grant normaliser already refuses to name such a host: nothing can be sent there either.
        assert "refused" in (minted.stdout + minted.stderr).lower()
        return
    result = mailer.call("warden.post_webhook", {"url": url, "payload": {"x": 1}}, meta={"warden/grant": minted.stdout.strip()})
    text = json.dumps(result)
    assert result["result"]["isError"] and "does not allow" in text, result


_webhook_cell = {}


def webhook_cell(idp, http_upstream, tmp_path_factory):
    if "cell" not in _webhook_cell:
        SECRET_ENV.update({"WARDEN_SECRET_WEBHOOK_KEY": "webhook-signing-key-0123456789abcdef"})  # pragma: allowlist secret
        _webhook_cell["cell"] = start_cell(tmp_path_factory.mktemp("webhook-ssrf"), idp, http_upstream, extra=WEBHOOK_CHANNEL)
    return _webhook_cell["cell"]


@pytest.fixture(scope="module", autouse=True)
def _stop_webhook_cell():
    yield
    if "cell" in _webhook_cell:
        _webhook_cell["cell"].process.stop()
