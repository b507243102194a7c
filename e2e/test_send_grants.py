"""Every external send needs a grant minted for that exact send, checked in the send path: refusals name
their rule, are recorded, and nothing reaches the upstream's outbox."""

import json
import time

import pytest

from canaries import PLANTED
from conftest import SECRET_ENV, start_cell, warden
from mcp_client import mcp_session, run

MESSAGE = {"to": "alice@example.com", "subject": "Invoice INV-1001", "body": "Paid today. " + PLANTED}


async def send(cell, token, args, grant=None):
    async with mcp_session(cell.mcp_url, token) as s:
        meta = {"warden/grant": grant} if grant else None
        return await s.call_tool("billing.send_email", args, meta=meta)


def refusal(result):
    assert result.isError, result
    return (result.meta or {}).get("warden/refusal", {}).get("rule")


def outbox(cell):
    return [json.loads(line) for line in cell.outbox.read_text().splitlines()] if cell.outbox.exists() else []


def mint(cell, *args):
    return cell.cli("grant", "mint", "--tool", "billing.send_email", *args).stdout.strip()


def send_refused(cell, tokens, args, grant, rule):
    before = len(outbox(cell))
    result = run(send(cell, tokens["mailer"], args, grant))
    assert refusal(result) == rule, result
    assert len(outbox(cell)) == before, "a refused send reached the upstream"


def decisions(cell):
    """The cell's ledger entries, read back through `warden ledger entries` (checkpoints lag by up to 1 s)."""
    out = cell.cli("ledger", "entries", "--count", "1000000").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_send_tool_is_listed_to_a_role_with_send(cell, tokens):
    async def names():
        async with mcp_session(cell.mcp_url, tokens["mailer"]) as s:
            return [t.name for t in (await s.list_tools()).tools]

    assert "billing.send_email" in run(names())


def test_unsigned_send_is_refused(cell, tokens):
    send_refused(cell, tokens, MESSAGE, None, "grant.missing")


def test_granted_send_goes_out_once_and_replay_is_refused(cell, tokens):
    grant = mint(cell, "--to", "alice@example.com")
    result = run(send(cell, tokens["mailer"], MESSAGE, grant))
    assert not result.isError, result
    assert outbox(cell)[-1]["to"] == "alice@example.com"
    send_refused(cell, tokens, MESSAGE, grant, "grant.replayed")


def test_grant_for_a_used_for_b_is_refused(cell, tokens):
    grant = mint(cell, "--to", "alice@example.com")
    send_refused(cell, tokens, MESSAGE | {"to": "mallory@example.net"}, grant, "grant.recipient_not_covered")


def test_extra_bcc_is_refused(cell, tokens):
    grant = mint(cell, "--to", "alice@example.com")
    send_refused(cell, tokens, MESSAGE | {"bcc": ["mallory@example.net"]}, grant, "grant.recipient_not_covered")


@pytest.mark.parametrize("address", ["Alice <mallory@example.net>", "alice@example.com@evil.example", '"alice@example.com"@evil.example'])
def test_address_tricks_are_refused(cell, tokens, address):
    grant = mint(cell, "--to", "alice@example.com")
    send_refused(cell, tokens, MESSAGE | {"to": address}, grant, "grant.recipient-malformed")


def test_expired_grant_is_refused(cell, tokens):
    grant = mint(cell, "--to", "alice@example.com", "--ttl", "1")
    time.sleep(2.1)
    send_refused(cell, tokens, MESSAGE, grant, "grant.expired")


def test_tampered_grant_is_refused(cell, tokens):
    grant = mint(cell, "--to", "alice@example.com")
    prefix, payload, tag = grant.split(".")
    flipped_tag = tag[:-2] + ("A" if tag[-2] != "A" else "B") + tag[-1]
    send_refused(cell, tokens, MESSAGE, f"{prefix}.{payload}.{flipped_tag}", "grant.bad_signature")
    flipped_payload = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    result = run(send(cell, tokens["mailer"], MESSAGE, f"{prefix}.{flipped_payload}.{tag}"))
    assert refusal(result) in ("grant.bad_signature", "grant.malformed")


def test_content_bound_grant_covers_that_message_only(cell, tokens):
    grant = mint(cell, "--to", "alice@example.com", "--arguments", json.dumps(MESSAGE))
    send_refused(cell, tokens, MESSAGE | {"body": "Please pay to IBAN DE00 ..."}, grant, "grant.content_mismatch")
    grant = mint(cell, "--to", "alice@example.com", "--arguments", json.dumps(MESSAGE))
    assert not run(send(cell, tokens["mailer"], MESSAGE, grant)).isError


def test_grant_for_another_tool_is_refused(cell, tokens):
    grant = cell.cli("grant", "mint", "--tool", "billing.other_send", "--to", "alice@example.com").stdout.strip()
    send_refused(cell, tokens, MESSAGE, grant, "grant.wrong_tool")


def test_refusals_are_recorded(cell, tokens):
    send_refused(cell, tokens, MESSAGE, None, "grant.missing")
    time.sleep(1.5)  # the next checkpoint covers the entry
    # A send nothing covers is held for a person (decision "hold"), and a hold is always recorded.
    recorded = [
        d for d in decisions(cell) if d.get("tool") == "billing.send_email" and d.get("decision") in ("deny", "hold")
    ]
    assert recorded and recorded[-1]["rule"] == "grant.missing" and recorded[-1]["decision"] == "hold"
    assert all("alice@example.com" not in json.dumps(d) for d in recorded), "recipients leaked into the record"


def test_grant_of_another_tenant_is_refused(cell, tokens, idp, http_upstream, tmp_path):
    other = start_cell(tmp_path, idp, http_upstream, tenant="globex")
    try:
        foreign = other.cli("grant", "mint", "--tool", "billing.send_email", "--to", "alice@example.com").stdout.strip()
    finally:
        other.process.stop()
    before = len(outbox(cell))
    result = run(send(cell, tokens["mailer"], MESSAGE, foreign))
    assert refusal(result) in ("grant.wrong_tenant", "grant.unknown_key")
    assert len(outbox(cell)) == before


def test_retired_key_no_longer_verifies(idp, http_upstream, tmp_path):
    cell = start_cell(tmp_path, idp, http_upstream)
    token = __import__("conftest").client_credentials_token(idp, "mailer-agent", "mailer-pass", cell.mcp_url)
    try:
        old = mint(cell, "--to", "alice@example.com")
        keep = mint(cell, "--to", "alice@example.com")
    finally:
        cell.process.stop()
    cell.cli("keys", "rotate", "--purpose", "grants")
    # rotated: the old key still verifies until it is retired
    restarted = start_cell(tmp_path, idp, http_upstream, reuse=cell)
    try:
        assert not run(send(restarted, token, MESSAGE, keep)).isError
    finally:
        restarted.process.stop()
    cell.cli("keys", "retire", "--purpose", "grants", "--version", "1")
    restarted = start_cell(tmp_path, idp, http_upstream, reuse=cell)
    try:
        result = run(send(restarted, token, MESSAGE, old))
        assert refusal(result) == "grant.unknown_key"
    finally:
        restarted.process.stop()


# --- Grants minted by an explicit policy rule (trusted recipients) -------------------------------------------

AUTO_GRANTS = """\
grants:
  auto:
    - id: vendors-for-auditors
      tools: [billing.send_email]
      roles: [auditor]
      recipients:
        email_domains: [vendor.example]
    - id: trusted-partners
      tools: [billing.send_email]
      roles: [mailer]
      max_recipients: 3
      recipients:
        email_domains: [partner.example]
        directory: trusted.txt
"""


@pytest.fixture(scope="module")
def trusted_cell(idp, http_upstream, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trusted")
    (tmp / "trusted.txt").write_text("# the tenant's trusted directory\nceo@acme.example\n\nCFO@Acme.Example\n")
    c = start_cell(tmp, idp, http_upstream, extra=AUTO_GRANTS)
    yield c
    c.process.stop()


@pytest.fixture(scope="module")
def mailer_token(idp, trusted_cell):
    return __import__("conftest").client_credentials_token(idp, "mailer-agent", "mailer-pass", trusted_cell.mcp_url)


def test_rule_mints_a_grant_for_trusted_recipients_and_names_itself(trusted_cell, mailer_token):
    args = MESSAGE | {"to": "ap@partner.example", "cc": ["ceo@acme.example"]}
    result = run(send(trusted_cell, mailer_token, args))
    assert not result.isError, result
    assert outbox(trusted_cell)[-1]["to"] == "ap@partner.example"
    time.sleep(1.5)
    allowed = [d for d in decisions(trusted_cell) if d.get("tool") == "billing.send_email" and d.get("decision") == "allow"]
    assert allowed and "grant.minted-by:policy:trusted-partners" in allowed[-1]["reasons"], allowed


@pytest.mark.parametrize(
    "extra",
    [
        {"bcc": ["mallory@example.net"]},  # one untrusted recipient refuses the whole send
        {"to": "ap@mail.partner.example"},  # a trusted domain does not trust its subdomains
        {"to": "sales@vendor.example"},  # that rule is for another role
        {"to": "cfo@acme.example"},  # the directory keeps the local part's case: CFO@ is trusted, cfo@ is not
        {"cc": ["a@partner.example", "b@partner.example", "c@partner.example"]},  # over max_recipients
    ],
)
def test_rule_does_not_cover_the_send(trusted_cell, mailer_token, extra):
    before = len(outbox(trusted_cell))
    result = run(send(trusted_cell, mailer_token, MESSAGE | {"to": "ap@partner.example"} | extra))
    assert refusal(result) == "grant.missing", result
    assert len(outbox(trusted_cell)) == before


def test_a_presented_grant_is_never_replaced_by_a_rule(trusted_cell, mailer_token):
    grant = mint(trusted_cell, "--to", "ap@partner.example")
    prefix, payload, tag = grant.split(".")
    forged = f"{prefix}.{payload}.{tag[:-2] + ('A' if tag[-2] != 'A' else 'B') + tag[-1]}"
    before = len(outbox(trusted_cell))
    result = run(send(trusted_cell, mailer_token, MESSAGE | {"to": "ap@partner.example"}, forged))
    assert refusal(result) == "grant.bad_signature"
    assert len(outbox(trusted_cell)) == before


def test_bad_rules_stop_the_configuration(trusted_cell, tmp_path):
    config = trusted_cell.config_path.read_text()
    broken = config.replace("tools: [billing.send_email]\n      roles: [mailer]", "tools: [billing.lookup_invoice]\n      roles: [mailer]")
    (tmp_path / "warden.yaml").write_text(broken)
    (tmp_path / "trusted.txt").write_text("ceo@acme.example\n")
    out = warden("config", "check", str(tmp_path / "warden.yaml"), env=SECRET_ENV, check=False)
    assert out.returncode != 0 and "not a configured send tool" in out.stdout + out.stderr
    (tmp_path / "warden.yaml").write_text(config)
    (tmp_path / "trusted.txt").write_text("ceo@acme.example\nAlice <mallory@example.net>\n")
    out = warden("config", "check", str(tmp_path / "warden.yaml"), env=SECRET_ENV, check=False)
    assert out.returncode != 0 and "trusted.txt:2" in out.stdout + out.stderr


# --- Grants attached to the exact call (an approval or an admin), never handed to the agent -------------------


def test_attached_grant_lets_that_exact_call_through_once(cell, tokens):
    args = MESSAGE | {"to": "bob@example.com", "subject": "Attached"}
    out = mint(
        cell, "--to", "bob@example.com", "--arguments", json.dumps(args), "--approval", "apr-17", "--attach",
        "--agent", "mailer-agent",
    )
    assert out.startswith("attached a grant (approval:apr-17)"), out
    assert not out.startswith("wg1."), "an attached grant must not be printed for the agent"
    # other arguments: not the approved action, nothing attached to it
    send_refused(cell, tokens, args | {"body": "changed"}, None, "grant.missing")
    result = run(send(cell, tokens["mailer"], args))
    assert not result.isError, result
    assert outbox(cell)[-1]["to"] == "bob@example.com"
    send_refused(cell, tokens, args, None, "grant.missing")
    time.sleep(1.5)
    allowed = [d for d in decisions(cell) if d.get("tool") == "billing.send_email" and d.get("decision") == "allow"]
    assert "grant.attached" in allowed[-1]["reasons"], allowed[-1]
    assert "grant.minted-by:approval:apr-17" in allowed[-1]["reasons"], allowed[-1]


def test_attach_needs_the_exact_arguments_and_the_agent(cell):
    out = cell.cli("grant", "mint", "--tool", "billing.send_email", "--to", "bob@example.com", "--attach", check=False)
    assert out.returncode != 0 and "--attach needs --arguments" in out.stderr
    out = cell.cli(
        "grant", "mint", "--tool", "billing.send_email", "--to", "bob@example.com", "--attach",
        "--arguments", json.dumps(MESSAGE), check=False,
    )
    assert out.returncode != 0 and "--attach needs --agent" in out.stderr


def test_an_attachment_for_another_agent_is_not_used(cell, tokens):
    args = MESSAGE | {"to": "bob@example.com", "subject": "For someone else"}
    mint(cell, "--to", "bob@example.com", "--arguments", json.dumps(args), "--attach", "--agent", "another-agent")
    send_refused(cell, tokens, args, None, "grant.missing")


def test_a_held_send_approved_by_a_person_goes_out_once(cell, tokens):
    """No grant and no rule: the send is held for approval; the approval mints a grant for exactly those
    recipients and that content, attached to the agent's identical call, which then goes out once."""
    import re

    args = MESSAGE | {"to": "carol@example.com", "subject": "Held for approval"}
    before = len(outbox(cell))
    held = run(send(cell, tokens["mailer"], args))
    assert refusal(held) == "grant.missing"
    approval = re.search(r"apr-[0-9a-f]+", held.meta["warden/refusal"]["message"]).group(0)
    out = cell.cli("approvals", "approve", approval, "--approver", "alice").stdout
    assert "grant for 1 recipient(s) is attached" in out, out
    # a different message is a different action: still held
    send_refused(cell, tokens, args | {"bcc": ["mallory@example.net"]}, None, "grant.missing")
    sent = run(send(cell, tokens["mailer"], args))
    assert not sent.isError, sent
    assert outbox(cell)[-1]["to"] == "carol@example.com" and len(outbox(cell)) == before + 1
    send_refused(cell, tokens, args, None, "grant.missing")  # once
    time.sleep(1.5)
    allowed = [d for d in decisions(cell) if d.get("tool") == "billing.send_email" and d.get("decision") == "allow"]
    assert f"grant.minted-by:approval:{approval}" in allowed[-1]["reasons"], allowed[-1]
