"""A second party runs `warden witness`; the cell submits every new checkpoint to it (C2SP tlog-witness) and
keeps the cosignatures. A ledger rolled back after a newer checkpoint was witnessed is detected twice: by the
witness, which refuses the older tree (the cell raises the alarm), and by `warden ledger verify --trusted` with
the witness's copy of the newest cosigned checkpoint, which names the sizes."""

import os
import shutil
import time

import httpx

from conftest import SECRET_ENV, Cell, Process, free_port, warden, warden_bin, write_config
from mcp_client import mcp_session, run

ORIGIN = "warden.cell/acme"


def wait_for(predicate, timeout=20, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def traffic(cell, token, n=2):
    async def scenario():
        async with mcp_session(cell.mcp_url, token) as s:
            for _ in range(n):
                await s.call_tool("billing.echo", {"text": "witness me"})

    run(scenario())


def cosigned_size(cell, witness_name):
    """The size of the cell's checkpoint when it carries a line from the witness, else 0."""
    text = (cell.data_dir / "ledger" / "checkpoint").read_text()
    if f"\u2014 {witness_name} " not in text:
        return 0
    return int(text.splitlines()[1])


def wal_entries(path):
    """The complete records of a ledger write-ahead log (`WLEDGER1`, then `uint32 length || entry || leaf hash`; zeros
    after the last record are its preallocated end)."""
    data = path.read_bytes()
    position, count = 8, 0
    while position + 4 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        if length == 0 or position + 4 + length + 32 > len(data):
            break
        position += 4 + length + 32
        count += 1
    return count


def start_witness(tmp, port, log_key):
    key = tmp / "witness.key"
    state = tmp / "witness-state"
    proc = Process(
        "warden-witness",
        [warden_bin(), "witness", "serve", "--listen", f"127.0.0.1:{port}", "--key", str(key), "--state", str(state),
         "--log", log_key],
        ready="witness: ready",
    )
    return proc, state


def start_cell_process(config, port, admin_port):
    proc = Process("warden", [warden_bin(), "serve", "--config", str(config)], ready="warden: ready", env={**os.environ, **SECRET_ENV})
    wait_for(lambda: proc.output().count("warden: ready") >= 2, what="both listeners")
    return Cell(config, config.parent / "data", port, admin_port, proc)


def test_witness_cosigns_and_a_rollback_is_detected(idp, http_upstream, tmp_path):
    port, admin_port, witness_port = free_port(), free_port(), free_port()
    # The witness key is made first, so the cell's configuration can name it.
    warden("witness", "keygen", "--name", "witness.test/w1", "--out", str(tmp_path / "witness.key"))
    vkey = warden("witness", "key", "--key", str(tmp_path / "witness.key")).stdout.strip()
    (tmp_path / "witness.vkey").write_text(vkey)
    extra = f"ledger:\n  witnesses:\n    - url: http://127.0.0.1:{witness_port}\n      key: {vkey}\n"
    config = write_config(tmp_path, port=port, admin_port=admin_port, issuer=idp.issuer, upstream_url=http_upstream.url, extra=extra)
    warden("tools", "approve", "--all", "--config", str(config), env=SECRET_ENV)
    log_key = warden("ledger", "key", "--config", str(config), env=SECRET_ENV).stdout.strip()
    witness, state = start_witness(tmp_path, witness_port, log_key)
    cell = start_cell_process(config, port, admin_port)
    try:
        token = __import__("conftest").client_credentials_token(idp, "analyst-agent", "analyst-pass", cell.mcp_url)
        traffic(cell, token)
        first = wait_for(lambda: cosigned_size(cell, "witness.test/w1"), what="a cosigned checkpoint")
        # the cosignature verifies under the witness key, through `ledger verify --witness` (background entries,
        # e.g. a run closing with its session, may add a checkpoint the witness has not cosigned yet: wait for it)
        verified = lambda: cell.cli("ledger", "verify", "--witness", vkey, check=False).stdout  # noqa: E731
        out = wait_for(lambda: (text := verified()).startswith("ok: ") and text, what="a verified cosignature")
        assert out.startswith("ok: ") and "cosigned by witness.test/w1" in out, out
        snapshot = tmp_path / "ledger-snapshot"
        shutil.copytree(cell.data_dir / "ledger", snapshot)
        # The snapshot may hold entries newer than the first cosigned checkpoint, and its write-ahead log entries
        # newer than its own checkpoint (background entries land between a checkpoint and the copy): the rollback
        # check needs a cosigned checkpoint larger than every entry the snapshot holds, since the cell recovers its
        # ledger from the log.
        snapshot_size = max(int((snapshot / "checkpoint").read_text().splitlines()[1]),
                            wal_entries(snapshot / "ledger.wal"))
        traffic(cell, token, n=4)
        wait_for(lambda: cosigned_size(cell, "witness.test/w1") > max(first, snapshot_size),
                 what="a cosigned checkpoint larger than the snapshot")
        # the witness shows the newest checkpoint it cosigned for this log
        witnessed = tmp_path / "witnessed.checkpoint"
        witnessed.write_text(warden("witness", "show", "--state", str(state), "--vkey", vkey, "--origin", ORIGIN).stdout)
        assert witnessed.read_text().startswith(ORIGIN + "\n")
        # a submission ledger entry was recorded for the cosignature
        entries = cell.cli("ledger", "entries", "--count", "100000").stdout
        assert '"kind":"witness.cosigned"' in entries
        # the witness speaks the protocol strictly to anyone else
        base = f"http://127.0.0.1:{witness_port}"
        assert httpx.post(base + "/add-checkpoint", content=b"hello", timeout=5).status_code == 400
        assert httpx.get(base + "/add-checkpoint", timeout=5).status_code == 405
    finally:
        cell.process.stop()

    # Roll the ledger back to the older, validly signed state.
    shutil.rmtree(cell.data_dir / "ledger")
    shutil.copytree(snapshot, cell.data_dir / "ledger")
    out = warden("ledger", "verify", "--config", str(config), "--trusted", str(witnessed), env=SECRET_ENV, check=False)
    assert out.returncode != 0
    assert "rolled back" in (out.stdout + out.stderr) or "smaller" in (out.stdout + out.stderr), out.stdout + out.stderr

    # The cell itself pins the newest checkpoint a witness cosigned (data_dir/witnesses): it refuses to open the
    # rolled-back ledger rather than sign a history the witness never saw.
    try:
        refused = start_cell_process(config, port, admin_port)
        refused.process.stop()
        raise AssertionError("the cell started on a ledger rolled back below a witnessed checkpoint")
    except RuntimeError as error:
        assert "a witness cosigned" in str(error), str(error)

    # Even with the cell's own record of the witness gone too, the witness refuses the older tree: alarm.
    shutil.rmtree(cell.data_dir / "witnesses")
    cell = start_cell_process(config, port, admin_port)
    try:
        def conflicts():
            text = httpx.get(f"http://127.0.0.1:{admin_port}/metrics", timeout=5).text
            return "warden_witness_conflicts 1" in text

        wait_for(conflicts, what="the witness conflict alarm on /metrics")
        time.sleep(1.5)
        assert '"kind":"witness.conflict"' in cell.cli("ledger", "entries", "--count", "100000").stdout
    finally:
        cell.process.stop()
        witness.stop()


def test_witness_serve_refuses_a_malformed_log_key(tmp_path):
    key = tmp_path / "w2.key"
    warden("witness", "keygen", "--name", "witness.test/w2", "--out", str(key))
    out = warden(
        "witness", "serve", "--listen", "127.0.0.1:0", "--key", str(key), "--state", str(tmp_path / "state"),
        "--log", "not-a-key", check=False,
    )
    assert out.returncode != 0 and "trusted log" in out.stderr, out.stderr
