"""Secrets live in the encrypted vault and reach upstreams only at run time; canary PII and secrets planted in
every input never appear in a log line or a ledger entry."""

import hashlib
import json
import subprocess
import time

import httpx

from canaries import CANARIES
from conftest import SECRET_ENV, client_credentials_token, start_cell, warden_bin
from mcp_client import json_headers, mcp_session, run



def test_vault_secret_reaches_the_upstream_and_never_the_disk_in_clear(idp, http_upstream, tmp_path):
    cell = start_cell(tmp_path, idp, http_upstream)
    cell.process.stop()
    value = "vault-held-value-" + "x" * 16
    out = subprocess.run(
        [warden_bin(), "secret", "set", "billing-api-key", "--config", str(cell.config_path)],
        input=value + "\n", capture_output=True, text=True, env=SECRET_ENV | {"PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert value not in out.stdout
    listed = cell.cli("secret", "list").stdout
    assert "secret://billing-api-key" in listed and value not in listed
    assert value.encode() not in (cell.data_dir / "vault.sealed").read_bytes()
    cell = start_cell(tmp_path, idp, http_upstream, reuse=cell)
    try:
        token = client_credentials_token(idp, "analyst-agent", "analyst-pass", cell.mcp_url)

        async def digest():
            async with mcp_session(cell.mcp_url, token) as s:
                return (await s.call_tool("billing.env_var_digest", {"name": "BILLING_API_KEY"})).content[0].text

        # The vault wins over the environment's WARDEN_SECRET_BILLING_API_KEY.
        assert hashlib.sha256(value.encode()).hexdigest() in run(digest())
    finally:
        cell.process.stop()


def test_canaries_never_reach_logs_or_the_ledger(cell, tokens):
    planted = " ".join(CANARIES.values())

    async def scenario():
        async with mcp_session(cell.mcp_url, tokens["analyst"]) as s:
            await s.call_tool("billing.echo", {"text": planted})  # argument and result carry the canaries
            await s.call_tool("remote.echo", {"text": planted})
            await s.call_tool("billing.lookup_invoice", {"invoice_id": CANARIES["email"]})

    run(scenario())
    # Hostile requests carrying canaries in the token, the session header and the body.
    httpx.post(cell.mcp_url, headers=json_headers(CANARIES["jwt"]), json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, timeout=10)
    headers = json_headers(tokens["analyst"]) | {"Mcp-Session-Id": CANARIES["github"]}
    httpx.post(cell.mcp_url, headers=headers, json={"jsonrpc": "2.0", "id": 2, "method": "ping"}, timeout=10)
    httpx.post(cell.mcp_url, headers=json_headers(tokens["analyst"]), content=planted.encode(), timeout=10)
    time.sleep(1.5)
    logs = cell.process.output()
    ledger = cell.cli("ledger", "entries", "--count", "1000000").stdout
    assert ledger.count("\n") > 3, "the ledger should hold the calls"
    for name, canary in CANARIES.items():
        compact = canary.replace(" ", "")
        assert canary not in logs and compact not in logs, f"{name} canary found in the cell's log"
        assert canary not in ledger and compact not in ledger, f"{name} canary found in the ledger"
    for line in logs.splitlines():
        if line.startswith("{"):
            json.loads(line)  # every log line is one JSON object


def test_the_suite_wide_sweep_finds_a_leak(tmp_path):
    """The session-end sweep (conftest.canary_sweep) must be able to fail: a planted value or a token's
    signature in a log or ledger file is reported with where it was found."""
    import canaries

    log = tmp_path / "warden.log"
    log.write_text('{"level":"info","message":"call","note":"' + canaries.CANARIES["iban"] + '"}\n')
    token = "header.payload.c2lnbmF0dXJl"
    assert ("iban", str(log)) in canaries.sweep({}, [log])
    assert canaries.sweep({"cli": "refused " + token}, [], [token]) == [("access token #0", "cli")]
    assert canaries.sweep({"cli": "card 4111111111111111"}, []) == [("card (compact)", "cli")]
    log.write_text("clean\n")
    assert canaries.sweep({"cli": "[REDACTED:email]"}, [log], [token]) == []


def test_keyed_hash_redaction_correlates_without_revealing(idp, http_upstream, tmp_path):
    """With `observability.redaction: keyed-hash`, a redacted value carries a keyed hash: the same person reads
    the same in every record, and the value itself appears nowhere. Here the agent's subject is its email
    address (the test issuer puts a canary email in every token)."""
    import os

    from conftest import Cell, Process, free_port, warden, write_config

    port, admin_port = free_port(), free_port()
    config = write_config(
        tmp_path, port=port, admin_port=admin_port, issuer=idp.issuer, upstream_url=http_upstream.url,
        extra="observability:\n  redaction: keyed-hash\n",
    )
    config.write_text(config.read_text().replace("role_claims: [roles]", "role_claims: [roles]\n  subject_claim: email"))
    warden("tools", "approve", "--all", "--config", str(config), env=SECRET_ENV)
    proc = Process("warden", [warden_bin(), "serve", "--config", str(config)], ready="warden: ready",
                   env={**os.environ, **SECRET_ENV}, ready_count=2)
    cell = Cell(config, tmp_path / "data", port, admin_port, proc)
    try:
        token = client_credentials_token(idp, "analyst-agent", "analyst-pass", cell.mcp_url)

        async def two_calls():
            async with mcp_session(cell.mcp_url, token) as s:
                await s.call_tool("billing.echo", {"text": "one"})
                await s.call_tool("billing.echo", {"text": "two"})

        run(two_calls())
        time.sleep(1.5)
        decisions = [
            json.loads(line) for line in cell.cli("ledger", "entries", "--count", "100000").stdout.splitlines()
            if '"tool.decision"' in line
        ]
        agents = {d["agent"] for d in decisions}
        assert len(decisions) >= 2 and len(agents) == 1, agents
        agent = agents.pop()
        assert agent.startswith("[REDACTED:email:") and len(agent) == len("[REDACTED:email:]") + 12, agent
        assert CANARIES["email"] not in json.dumps(decisions)
    finally:
        proc.stop()
