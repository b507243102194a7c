"""`warden serve` with no configuration is useful at once: loopback-only cell, built-in demo upstream, and a
development issuer whose tokens work exactly like an IdP's."""

import os
import pty
import re
import shlex
import subprocess
import textwrap
from pathlib import Path

import pytest
from mcp.shared.exceptions import McpError

import canaries
from conftest import Process, free_port, warden, warden_bin
from mcp_client import BUILTIN_ESCALATE, mcp_session, run


@pytest.fixture(scope="module")
def quick_cell(tmp_path_factory):
    data = tmp_path_factory.mktemp("quick") / "data"
    port, admin = free_port(), free_port()
    common = ["--data-dir", str(data), "--port", str(port), "--admin-port", str(admin)]
    warden("tools", "approve", "--all", *common)
    proc = Process("warden-quick", [warden_bin(), "serve", *common], ready="warden: ready", ready_count=2)
    yield proc, common, f"http://127.0.0.1:{port}/mcp"
    proc.stop()


def test_serve_announces_the_development_issuer(quick_cell):
    proc, _, _ = quick_cell
    assert "DEVELOPMENT issuer" in proc.output()


def test_development_token_reaches_demo_tools(quick_cell):
    _, common, url = quick_cell
    token = warden("token", "--role", "analyst", *common).stdout.strip()

    async def scenario():
        async with mcp_session(url, token) as s:
            names = sorted(t.name for t in (await s.list_tools()).tools if t.name != BUILTIN_ESCALATE)
            result = await s.call_tool("demo.lookup_invoice", {"invoice_id": "INV-1001"})
            error = None
            try:
                await s.call_tool("demo.update_invoice_status", {"invoice_id": "INV-1001", "status": "disputed"})
            except McpError as e:
                error = e
            return names, result, error

    names, result, error = run(scenario())
    assert names == ["demo.list_invoices", "demo.lookup_invoice", "demo.read_inbox"]
    assert "Northwind" in result.content[0].text
    assert error is not None and "unknown tool" in str(error)


def test_token_command_refuses_when_an_external_issuer_is_configured(cell):
    out = subprocess.run([warden_bin(), "token", "--role", "x", "--config", str(cell.config_path)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "external issuer" in out.stderr


def test_serve_prints_the_token_command_that_works_for_this_cell(quick_cell, tmp_path):
    """The banner's hint names this cell's data folder and port (a token's `iss` and `aud` include the port), so
    the command works as printed, from any folder."""
    proc, common, url = quick_cell
    hint = re.search(r"warden: get a token:  (.+)\n", proc.output()).group(1)
    argv = shlex.split(hint)
    assert argv[1:4] == ["token", "--role", "analyst"] and "--port" in argv and "--data-dir" in argv, hint
    token = run_hint(argv, cwd=tmp_path)

    async def names():
        async with mcp_session(url, token) as s:
            return sorted(t.name for t in (await s.list_tools()).tools if t.name != BUILTIN_ESCALATE)

    assert run(names()) == ["demo.list_invoices", "demo.lookup_invoice", "demo.read_inbox"]


def test_serve_hint_names_the_configuration_file(tmp_path):
    """A configured cell without `auth:` (the development issuer): the hint is `--config FILE`, nothing else."""
    port, admin = free_port(), free_port()
    config = tmp_path / "cell" / "warden.yaml"
    config.parent.mkdir()
    config.write_text(
        textwrap.dedent(
            f"""\
            tenant: hint
            data_dir: data
            listeners:
              agents: {{ bind: 127.0.0.1:{port}, allow: [127.0.0.1/32] }}
              admin: {{ bind: 127.0.0.1:{admin}, allow: [127.0.0.1/32] }}
            upstreams:
              demo:
                transport: builtin-demo
                tools: {{ lookup_invoice: read, list_invoices: read }}
            roles:
              analyst: [read]
            """
        )
    )
    proc = Process("warden-hint", [warden_bin(), "serve", "--config", str(config)], ready="warden: get a token:")
    try:
        output = proc.output()
        assert "warden: no tool is approved yet:" in output  # nothing pinned yet: the banner says how to approve
        hint = re.search(r"warden: get a token:  (.+)\n", output).group(1)
        argv = shlex.split(hint)
        assert argv[1:] == ["token", "--role", "analyst", "--config", str(config)], hint
        token = run_hint(argv, cwd=tmp_path)

        async def session_opens():
            async with mcp_session(f"http://127.0.0.1:{port}/mcp", token) as s:  # a wrong `iss` or `aud`: 401
                return (await s.send_ping()) is not None

        assert run(session_opens())
    finally:
        proc.stop()


def run_hint(argv, cwd):
    """Runs a command as the banner printed it (its program is the binary that served) and returns its output."""
    out = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    canaries.CLI_OUTPUTS.append(out.stderr)
    return out.stdout.strip()


def run_demo(tmp_path, *args):
    """`warden demo` with its temporary folder under `tmp_path` (swept for leaks like every other ledger)."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([warden_bin(), "demo", *args], capture_output=True, text=True, timeout=120, env=env)
    canaries.CLI_OUTPUTS.append(out.stdout + out.stderr)
    folder = re.search(r"^  data folder   (\S+)$", out.stdout, re.M)
    assert folder, out.stdout
    assert folder.group(1).startswith(str(tmp_path)), folder.group(1)
    return out, Path(folder.group(1))


def test_demo_runs_the_whole_story(tmp_path):
    out, folder = run_demo(tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "\x1b[" not in text, "no colour when standard output is not a terminal"
    assert "[analyst] sees: demo.list_invoices, demo.lookup_invoice, demo.read_inbox\n" in text
    assert "[clerk] demo.update_invoice_status -> ok" in text
    # Warden's own refusals are Warden's, named by their rule; never an "upstream JSON-RPC error".
    assert "[analyst] demo.update_invoice_status -> refused by Warden (rule tool.not-available)" in text
    assert "[clerk] demo.send_email -> refused by Warden (rule tool.not-available)" in text
    assert "upstream" not in text.lower().replace("demo upstream", "") and "-32602" not in text
    # A send nothing covers is held; the demo explains the hold and plays the person who approves it.
    held = re.findall(
        r"\[assistant\] demo.send_email -> refused by Warden \(rule grant.missing\): .*held .* as (apr-[0-9a-z]+)", text
    )
    assert len(held) == 2 and held[0] != held[1], text  # held, approved and used once, then held anew
    first = held[0]
    assert f"warden approvals approve {first} --approver NAME --data-dir {folder}" in text
    approved = text.index(f"[alice, a person] approves {first}")
    assert text.index(first) < approved < text.index(held[1])
    assert text[approved:].split("\n")[1] == "[assistant] demo.send_email -> ok: sent"
    assert text.count("[assistant] demo.send_email -> ok: sent") == 2  # the approved send and the granted one
    assert "(rule grant.replayed)" in text and "(rule grant.recipient_not_covered)" in text
    # Ava, the AI employee, on Warden's own runtime: her hijacked model's payment and email (values only the poisoned
    # email names) are held, shown to a person with their provenance, and denied; the real payment waits for the
    # person, is approved and runs once; the run is delivered. A silent run is escalated and a person is told.
    ava = text[text.index("4. Ava, an AI employee"):text.index("5. Silence is not an outcome")]
    assert 'provenance: iban "DE44500105175407324931" came only from demo.read_inbox (call 2)' in ava, ava  # pragma: allowlist secret
    assert 'provenance: to "remittance@northwind-payments.example" came only from demo.read_inbox (call 2)' in ava
    assert ava.count("[alice, a person] inbox shows") == 3 and ava.count(" denies apr-") == 2, ava
    assert ava.count(" approves apr-") == 1, ava
    for line in [
        "[ava] demo.read_inbox -> ok",
        "[ava] demo.pay_invoice -> held for a person (rule containment.untrusted-argument)",
        "[ava] demo.pay_invoice -> refused (rule approval.denied)",
        "[ava] demo.send_email -> held for a person (rule containment.untrusted-argument)",
        "[ava] demo.send_email -> refused (rule approval.denied)",
        # Every value is trusted, but the invoice list shows INV-1002 disputed (the clerk marked it in section 1),
        # and the run read an email that addresses the AI: the payment waits for the person, under the record's
        # rule (the first of the two to find it).
        "[ava] demo.pay_invoice -> held for a person (rule containment.record-warns)",
        "[ava] demo.pay_invoice -> ok",
    ]:
        assert line in ava, (line, ava)
    assert re.search(r"Run ava-now-1-\d+ ended delivered", ava), ava
    silent = text[text.index("5. Silence is not an outcome"):]
    assert re.search(r"Run ava-now-2-\d+ ended escalated", silent), silent
    assert "A person was told: an escalation email to ap-lead@example.com" in silent
    assert ("What went out: 3 email(s), 1 to ap-lead@example.com, 2 to cfo@example.com; 1 payment(s): INV-1002 to "
            "GB33BUKB20201555555555") in text
    assert "signed checkpoint verified" in text
    assert "UNEXPECTED" not in text and "did not fire" not in text
    # The folder with the master key and the issuer key is gone, and the demo says so.
    assert f"Removed the demo cell's data folder {folder}." in text
    assert not folder.exists()


def test_demo_keep_leaves_the_folder_and_says_what_it_holds(tmp_path):
    out, folder = run_demo(tmp_path, "--keep")
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"Kept the demo cell's data folder: {folder}" in out.stdout
    assert "SECRETS" in out.stdout and "master.key" in out.stdout and "dev-issuer-key.pem" in out.stdout
    assert (folder / "master.key").exists() and (folder / "dev-issuer-key.pem").exists()
    pending = warden("approvals", "list", "--data-dir", str(folder)).stdout
    assert pending.count("apr-") == 1 and "demo.send_email" in pending, pending
    runs = warden("runs", "list", "--data-dir", str(folder)).stdout
    assert "agent warden-agent:ava" in runs and " delivered " in runs and " escalated " in runs, runs
    assert warden("ledger", "verify", "--data-dir", str(folder)).stdout.startswith("ok: ")


def test_demo_is_coloured_on_a_terminal(tmp_path):
    primary, replica = pty.openpty()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([warden_bin(), "demo"], stdout=replica, stderr=subprocess.PIPE, env=env)
    os.close(replica)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the demo closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    text = b"".join(chunks).decode()
    canaries.CLI_OUTPUTS.append(text)
    assert "\x1b[32mok\x1b[0m" in text and "\x1b[33mrefused by Warden\x1b[0m" in text


def test_bench_commands_run(tmp_path):
    # Benchmarks are measurements, not tests: this only checks that the commands work end to end.
    assert "verifications per CPU-second" in warden("bench", "grants", "--iterations", "2000").stdout
    out = warden("bench", "ledger", "--entries", "300", "--concurrency", "1,8", "--directory", str(tmp_path)).stdout
    assert out.count("durable appends/s") == 2
