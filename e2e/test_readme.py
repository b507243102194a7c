"""The README, followed to the letter: its quick start runs as written and its example configuration passes
`warden config check`. A new user's first steps must not be where Warden breaks."""

import asyncio
import os
import re
import shlex
import socket
import subprocess
import time

import pytest

import canaries
from conftest import ROOT, Process, warden_bin
from mcp_client import BUILTIN_ESCALATE, mcp_session, run

README = ROOT / "README.md"
# The quick start's cell: `CellOptions` defaults (`--port`, `--admin-port`), which the README's commands rely on.
QUICK_START_PORTS = (8790, 8791)


def readme_section(title: str) -> str:
    """The text of `## title` up to the next `## ` heading."""
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def shell_commands(section: str) -> list[list[str]]:
    """Every command of the section's shell code blocks, as argv (comments dropped), in order."""
    commands = []
    for block in re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", section, re.S):
        for line in block.splitlines():
            argv = shlex.split(line, comments=True)
            if argv:
                commands.append(argv)
    return commands


def as_built(argv: list[str]) -> list[str] | None:
    """`swift run warden …` with the built binary; None for `./scripts/test` (the suite running itself)."""
    if argv[0] == "./scripts/test":
        return None
    assert argv[:3] == ["swift", "run", "warden"], f"the quick start has a command this test cannot run: {argv}"
    return [warden_bin(), *argv[3:]]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the cell binds: TIME_WAIT is no conflict
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def test_quick_start_commands_run_as_written(tmp_path):
    """Runs the quick start's commands exactly (in a fresh folder): serve in the background, then the rest in
    order, then an MCP client with the printed token, as the README tells the reader to do."""
    section = readme_section("Quick start")
    commands = [c for c in map(as_built, shell_commands(section)) if c is not None]
    assert [c[1] for c in commands] == ["demo", "serve", "tools", "token"], commands
    busy = [p for p in QUICK_START_PORTS if port_in_use(p)]
    if busy:
        pytest.skip(f"the README's quick start uses the default ports {QUICK_START_PORTS}; {busy} in use here")
    endpoint = re.search(r"prints the MCP endpoint \(`(http://[^`]+)`\)", section).group(1)

    serve = None
    token = None
    try:
        for argv in commands:
            if argv[1] == "demo":  # first in the quick start: the whole story, in a folder it removes
                out = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                                     env={**os.environ, "TMPDIR": str(tmp_path)})
                canaries.CLI_OUTPUTS.append(out.stdout + out.stderr)
                assert out.returncode == 0 and "signed checkpoint verified" in out.stdout, out.stdout + out.stderr
                continue
            if argv[1] == "serve":
                serve = start_serve(argv, cwd=tmp_path)
                continue
            out = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
            assert out.returncode == 0, f"{shlex.join(argv)}:\n{out.stdout}{out.stderr}"
            if argv[1] == "token":
                token = out.stdout.strip()
                canaries.ISSUED_TOKENS.append(token)  # must never reach the cell's log or ledger
            else:
                canaries.CLI_OUTPUTS.append(out.stdout + out.stderr)
        assert serve is not None and token, "the quick start starts a cell and prints a token"
        output = serve.output()
        assert f"warden: MCP endpoint {endpoint}" in output, output
        # The hint names no flags: the cell runs on the defaults the commands above rely on.
        hint = re.search(r"warden: get a token:  (\S+) token --role analyst\n", output)
        assert hint and os.path.samefile(hint.group(1), warden_bin()), output

        async def scenario():
            async with mcp_session(endpoint, token) as s:
                # The approval was given after `serve` started: the running cell picks it up within about a second.
                deadline = time.time() + 5
                while True:
                    names = sorted(t.name for t in (await s.list_tools()).tools if t.name != BUILTIN_ESCALATE)
                    if names or time.time() > deadline:
                        break
                    await asyncio.sleep(0.25)
                result = await s.call_tool("demo.lookup_invoice", {"invoice_id": "INV-1001"}) if names else None
                return names, result

        names, result = run(scenario())
        # Depends on the running cell picking up `warden tools approve --all` made after it started (pin watcher).
        assert names == ["demo.list_invoices", "demo.lookup_invoice", "demo.read_inbox"], (
            "the analyst should see the read tools once `warden tools approve --all` has run, without a restart "
            f"of the cell; saw {names}"
        )
        assert not result.isError and "Northwind" in result.content[0].text, result
    finally:
        if serve is not None:
            serve.stop()

    # "`swift run warden ledger verify` proves that your quick-start cell's own record is intact."
    assert "`swift run warden ledger verify`" in section
    out = subprocess.run([warden_bin(), "ledger", "verify"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("ok: "), out.stdout + out.stderr


def start_serve(argv, cwd):
    """`warden serve` in the background; returns once the agents listener is ready (the admin listener may
    announce itself first). Skips the test if another process took the default ports meanwhile."""
    try:
        serve = Process("warden-readme", argv, ready="warden: ready", cwd=cwd)
    except RuntimeError as e:
        if "Address already in use" in str(e):
            pytest.skip(f"the README's quick start uses the default ports {QUICK_START_PORTS}; taken meanwhile")
        raise
    deadline = time.time() + 30
    while serve.output().count("warden: ready") < 2:
        if not serve.alive():
            text = serve.output()
            serve.stop()
            if "Address already in use" in text:
                pytest.skip(f"the README's quick start uses the default ports {QUICK_START_PORTS}; taken meanwhile")
            pytest.fail(f"warden serve exited:\n{text[-4000:]}")
        assert time.time() < deadline, serve.output()
        time.sleep(0.05)
    return serve


def test_configuration_example_passes_config_check(tmp_path):
    """The README's example configuration, written to a file as a reader would, passes `warden config check`."""
    blocks = re.findall(r"```yaml\n(.*?)```", readme_section("Configuration"), re.S)
    assert blocks, "the README's Configuration section has a YAML example"
    (tmp_path / "warden.yaml").write_text(blocks[0])
    out = subprocess.run(
        [warden_bin(), "config", "check", "warden.yaml"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    canaries.CLI_OUTPUTS.append(out.stdout + out.stderr)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "warden.yaml: ok (tenant acme, 1 upstreams)" in out.stdout
