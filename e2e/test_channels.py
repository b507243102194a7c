"""Warden's own channels end to end: `warden.send_email` through a real SMTP server (aiosmtpd, STARTTLS and
AUTH with credentials from the vault) and `warden.post_webhook` to a local receiver, both behind send grants.
Nothing reaches either peer without a grant for exactly that send."""

import json
import re
import time
from pathlib import Path

import pytest

from canaries import PLANTED
from conftest import PY, ROOT, SECRET_ENV, Process, client_credentials_token, start_cell
from mcp_client import mcp_session, run

CHANNELS = """
channels:
  email:
    smtp: 127.0.0.1:{smtp_port}
    username: secret://smtp-user
    password: secret://smtp-password
    from: agents@acme.example
    ca_file: {ca}
  webhook:
    signing_key: secret://webhook-key
    allow_plaintext_loopback: true
"""


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    d = tmp_path_factory.mktemp("peers")
    smtp = Process("smtp", [PY, str(ROOT / "e2e/peers/smtp_sink.py"), "--out", str(d / "mail.jsonl"), "--cert-dir", str(d),
                            "--user", "warden", "--password", "smtp-secret-pass"], ready="READY")
    hook = Process("webhook", [PY, str(ROOT / "e2e/peers/webhook_sink.py"), "--out", str(d / "hooks.jsonl")], ready="READY")
    smtp.port = int(re.search(r"READY (\d+)", smtp.output()).group(1))
    hook.port = int(re.search(r"READY (\d+)", hook.output()).group(1))
    yield d, smtp, hook
    smtp.stop()
    hook.stop()


@pytest.fixture(scope="module")
def channel_cell(idp, http_upstream, peers, tmp_path_factory):
    d, smtp, hook = peers
    secrets = {"WARDEN_SECRET_SMTP_USER": "warden", "WARDEN_SECRET_SMTP_PASSWORD": "smtp-secret-pass",
               "WARDEN_SECRET_WEBHOOK_KEY": "webhook-signing-key-0123456789abcdef"}
    SECRET_ENV.update(secrets)
    cell = start_cell(tmp_path_factory.mktemp("channels"), idp, http_upstream,
                      extra=CHANNELS.format(smtp_port=smtp.port, ca=d / "cert.pem"))
    yield cell
    cell.process.stop()


def lines(path: Path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def call(cell, token, tool, args, grant=None):
    async with mcp_session(cell.mcp_url, token) as s:
        return await s.call_tool(tool, args, meta={"warden/grant": grant} if grant else None)


def test_email_goes_out_over_starttls_only_with_a_grant(channel_cell, idp, peers):
    d, _, _ = peers
    token = client_credentials_token(idp, "mailer-agent", "mailer-pass", channel_cell.mcp_url)
    message = {"to": "cfo@example.com", "bcc": ["audit@example.com"], "subject": "Invoices", "body": "INV-1002 is disputed. " + PLANTED}
    refused = run(call(channel_cell, token, "warden.send_email", message))
    assert refused.isError and refused.meta["warden/refusal"]["rule"] == "grant.missing"
    narrow = channel_cell.cli("grant", "mint", "--tool", "warden.send_email", "--to", "cfo@example.com").stdout.strip()
    refused = run(call(channel_cell, token, "warden.send_email", message, narrow))
    assert refused.meta["warden/refusal"]["rule"] == "grant.recipient_not_covered"  # the bcc is not covered
    time.sleep(0.5)
    assert lines(d / "mail.jsonl") == [], "a refused send reached the SMTP server"
    grant = channel_cell.cli("grant", "mint", "--tool", "warden.send_email", "--to", "cfo@example.com",
                             "--to", "audit@example.com", "--arguments", json.dumps(message)).stdout.strip()
    sent = run(call(channel_cell, token, "warden.send_email", message, grant))
    assert not sent.isError, sent
    mail = lines(d / "mail.jsonl")
    assert len(mail) == 1
    assert sorted(mail[0]["rcpt_tos"]) == ["audit@example.com", "cfo@example.com"]
    assert mail[0]["tls"] is True
    assert "audit@example.com" not in mail[0]["data"]  # bcc never appears in the message


def test_webhook_is_signed_and_needs_a_grant_for_that_url(channel_cell, idp, peers):
    d, _, hook = peers
    token = client_credentials_token(idp, "mailer-agent", "mailer-pass", channel_cell.mcp_url)
    url = f"http://127.0.0.1:{hook.port}/hooks/invoices"
    payload = {"url": url, "payload": {"invoice": "INV-1002", "status": "disputed"}}
    other = channel_cell.cli("grant", "mint", "--tool", "warden.post_webhook", "--webhook", f"http://127.0.0.1:{hook.port}/hooks/other").stdout.strip()
    refused = run(call(channel_cell, token, "warden.post_webhook", payload, other))
    assert refused.meta["warden/refusal"]["rule"] == "grant.recipient_not_covered"
    assert lines(d / "hooks.jsonl") == []
    grant = channel_cell.cli("grant", "mint", "--tool", "warden.post_webhook", "--webhook", url).stdout.strip()
    sent = run(call(channel_cell, token, "warden.post_webhook", payload, grant))
    assert not sent.isError, sent
    received = lines(d / "hooks.jsonl")
    assert len(received) == 1
    headers = {k.lower(): v for k, v in received[0]["headers"].items()}
    assert headers["warden-signature"].startswith("t=") and ",v1=" in headers["warden-signature"]
