"""Every decision is appended to the cell's Merkle ledger; `warden ledger verify` proves it unchanged and
names the first bad index when it is not."""

import json
import shutil
import subprocess
import time

import httpx

from conftest import SECRET_ENV, warden, warden_bin
from mcp_client import mcp_session, run


def entries(cell):
    out = cell.cli("ledger", "entries", "--count", "1000000").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def make_traffic(cell, tokens):
    async def scenario():
        async with mcp_session(cell.mcp_url, tokens["analyst"]) as s:
            await s.call_tool("billing.echo", {"text": "ledger me"})
            await s.call_tool("billing.lookup_invoice", {"invoice_id": "INV-1001"})

    run(scenario())
    time.sleep(1.5)


def test_calls_are_recorded_with_digests_not_contents(cell, tokens):
    make_traffic(cell, tokens)
    recorded = entries(cell)
    kinds = {e["kind"] for e in recorded}
    assert {"tool.decision", "tool.executed"} <= kinds
    executed = [e for e in recorded if e["kind"] == "tool.executed" and e["tool"] == "billing.echo"]
    assert executed and len(executed[-1]["arguments_sha256"]) == 64 and len(executed[-1]["result_sha256"]) == 64
    assert all("ledger me" not in json.dumps(e) for e in recorded), "tool arguments leaked into the ledger"
    assert all(e["tenant"] == "acme" for e in recorded)


def test_ledger_verifies_and_proofs_check(cell, tokens, tmp_path):
    make_traffic(cell, tokens)
    saved = tmp_path / "checkpoint"
    shutil.copy(cell.data_dir / "ledger" / "checkpoint", saved)
    make_traffic(cell, tokens)
    out = cell.cli("ledger", "verify").stdout
    assert out.startswith("ok: ")
    assert "verified" in cell.cli("ledger", "prove", "--index", "0").stdout
    assert "verified" in cell.cli("ledger", "consistency", "--old-checkpoint", str(saved)).stdout
    # the newer checkpoint as trusted state: the current ledger must not be older than what was seen
    assert cell.cli("ledger", "verify", "--trusted", str(saved)).stdout.startswith("ok: ")


def test_tampered_entry_is_detected_with_its_index(cell, tokens, tmp_path):
    make_traffic(cell, tokens)
    key = cell.cli("ledger", "key").stdout.strip()
    copy = tmp_path / "ledger"
    shutil.copytree(cell.data_dir / "ledger", copy)
    bundles = sorted(p for p in (copy / "tile" / "entries").rglob("*") if p.is_file())
    assert bundles, "no entry bundles on disk"
    # Older partial bundles stay beside the current one; change the first entry in every bundle file.
    for target in bundles:
        data = bytearray(target.read_bytes())
        position = data.index(b'"kind"') + 3
        data[position] ^= 0x01
        target.write_bytes(bytes(data))
    result = subprocess.run(
        [warden_bin(), "ledger", "verify", "--dir", str(copy), "--key", key],
        capture_output=True, text=True, env=SECRET_ENV | {"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "FAILED: entry 0:" in result.stdout, result.stdout


def test_verifier_refuses_a_foreign_key(cell, tokens):
    make_traffic(cell, tokens)
    other = "warden.cell/acme+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    result = cell.cli("ledger", "verify", "--key", other, check=False)
    assert result.returncode != 0


def test_auditors_read_the_ledger_as_tlog_tiles_on_the_admin_listener(cell, idp, tokens):
    import httpx

    from conftest import client_credentials_token

    make_traffic(cell, tokens)
    admin = f"http://127.0.0.1:{cell.admin_port}/ledger"
    auditor = client_credentials_token(idp, "auditor-agent", "auditor-pass", cell.mcp_url)
    r = httpx.get(f"{admin}/checkpoint", headers={"Authorization": f"Bearer {auditor}"}, timeout=10)
    assert r.status_code == 200 and r.text.startswith("warden.cell/acme\n")
    size = int(r.text.splitlines()[1])
    assert size > 0
    bundle = f"tile/entries/000.p/{size}" if size < 256 else "tile/entries/000"
    b = httpx.get(f"{admin}/{bundle}", headers={"Authorization": f"Bearer {auditor}"}, timeout=10)
    assert b.status_code == 200 and b.content[2:].startswith(b"{")
    assert httpx.get(f"{admin}/checkpoint", timeout=10).status_code == 401
    assert httpx.get(f"{admin}/checkpoint", headers={"Authorization": f"Bearer {tokens['analyst']}"}, timeout=10).status_code == 403
    for path in ("../master.key", "%2e%2e/master.key", "ledger.wal", "tile/../../master.key"):
        assert httpx.get(f"{admin}/{path}", headers={"Authorization": f"Bearer {auditor}"}, timeout=10).status_code in (400, 404)


def test_start_and_refused_authentications_are_recorded(cell, tokens):
    make_traffic(cell, tokens)  # the checkpoint lags up to a second behind the first entries
    recorded = entries(cell)
    started = [e for e in recorded if e["kind"] == "cell.started"]
    assert started, "the cell's start is not in the ledger"
    facts = started[-1]
    assert len(facts["configuration_sha256"]) == 64
    assert set(facts["active_key_ids"]) >= {"grants", "ledger-signing"}
    assert "billing" in facts["upstreams"]
    # Refused authentications are tallied per rule, one entry per interval, never with the token.
    def refused_so_far():
        tallies = [e for e in entries(cell) if e["kind"] == "auth.refused"]
        assert all("c2lnbmF0dXJl" not in json.dumps(e) for e in tallies)
        return sum(sum(e["counts"].values()) for e in tallies)

    before = refused_so_far()
    bogus = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl"  # pragma: allowlist secret
    for _ in range(3):
        httpx.post(cell.mcp_url, headers={"Authorization": f"Bearer {bogus}"}, json={}, timeout=5)
    deadline = time.time() + 15
    while time.time() < deadline and refused_so_far() < before + 3:
        time.sleep(1)
    assert refused_so_far() >= before + 3, "refused authentications were not recorded"
