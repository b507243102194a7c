"""Every external send needs a grant minted for that exact send, checked in the send path: refusals name
their rule, are recorded, and nothing reaches the upstream's outbox."""

import json
import time

import pytest

from conftest import start_cell
from mcp_client import mcp_session, run

MESSAGE = {"to": "alice@example.com", "subject": "Invoice INV-1001", "body": "Paid today."}


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
    recorded = [d for d in decisions(cell) if d.get("tool") == "billing.send_email" and d.get("decision") == "deny"]
    assert recorded and recorded[-1]["rule"] == "grant.missing"
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
