"""Fixtures that run Warden against real peers: the authlib OAuth server, Python MCP upstreams (stdio and
HTTP, official SDK), and the `warden` binary itself as a subprocess. Nothing here is mocked."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
import pytest

import canaries

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def warden_bin() -> str:
    path = os.environ.get("WARDEN_BIN")
    if not path:
        out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True)
        path = str(Path(out.stdout.strip()) / "warden")
    assert Path(path).exists(), f"warden binary not found at {path}; build first"
    return path


def eventually(predicate, seconds=12):
    """Polls `predicate` until it returns something truthy (or the time is up), and returns its last value."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    return predicate()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process whose output is collected to a file; waits for a line that says it is ready (`ready_count`
    times: `warden serve` says it once per listener, the admin listener often first)."""

    def __init__(self, name, argv, ready, env=None, cwd=None, timeout=60, ready_count=1):
        self.name = name
        self.log_path = Path(tempfile.mkstemp(prefix=f"warden-e2e-{name}-", suffix=".log")[1])
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=cwd,
            start_new_session=True,
        )  # stdin stays open: some peers run until their standard input closes
        if Path(argv[0]).name == "warden":
            canaries.WARDEN_OUTPUTS.append(self.log_path)
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.log_path.read_text(errors="replace")
            if text.count(ready) >= ready_count:
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {self.proc.returncode}:\n{text[-4000:]}")
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{name} not ready after {timeout}s:\n{self.log_path.read_text(errors='replace')[-4000:]}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session", autouse=True)
def canary_sweep(tmp_path_factory):
    """After every test of the session (cells stopped, ledgers closed): no canary and no access token in any
    warden output or ledger entry the whole suite produced. See canaries.py."""
    yield
    bundles = canaries.ledger_bundles(tmp_path_factory.getbasetemp())
    texts = {f"warden CLI output #{i}": out for i, out in enumerate(canaries.CLI_OUTPUTS)}
    files = [p for p in canaries.WARDEN_OUTPUTS if p.exists()] + bundles
    hits = canaries.sweep(texts, files, canaries.ISSUED_TOKENS)
    assert not hits, f"planted canaries or tokens leaked: {hits[:20]}"
    if os.environ.get("WARDEN_E2E_FULL") == "1":
        # A full run must actually have swept something, or the check could pass by looking at nothing.
        assert canaries.WARDEN_OUTPUTS and bundles and canaries.ISSUED_TOKENS, "the canary sweep saw no outputs"


@pytest.fixture(scope="session")
def idp():
    """The authlib authorization server with one client per role used in the tests."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    key_dir = Path(tempfile.mkdtemp(prefix="warden-idp-"))
    proc = Process(
        "idp",
        [
            PY, str(ROOT / "e2e/idp/authlib_server.py"), "--port", str(port), "--issuer", issuer,
            "--client", "analyst-agent:analyst-pass:analyst",
            "--client", "clerk-agent:clerk-pass:clerk",
            "--client", "mailer-agent:mailer-pass:mailer",
            "--client", "auditor-agent:auditor-pass:auditor",
            "--client", "nobody-agent:nobody-pass:",
            "--export-signing-keys", str(key_dir / "jwks.json"),
            # canary PII in every token (claims Warden may read, never log)
            "--extra-claims", json.dumps({"email": canaries.CANARIES["email"], "name": canaries.PLANTED}),
        ],
        ready="READY",
    )
    proc.issuer = issuer
    proc.key_dir = key_dir
    proc.signing_keys = key_dir / "jwks.json"
    yield proc
    proc.stop()


def client_credentials_token(idp, client_id, secret, resource, **extra):
    data = {"grant_type": "client_credentials", "resource": resource, **extra}
    r = httpx.post(f"{idp.issuer}/token", data=data, auth=(client_id, secret), timeout=10)
    assert r.status_code == 200, r.text
    canaries.ISSUED_TOKENS.append(r.json()["access_token"])
    return r.json()["access_token"]


@pytest.fixture(scope="session")
def http_upstream():
    port = free_port()
    proc = Process(
        "upstream-http",
        [PY, str(ROOT / "e2e/upstreams/demo_server.py"), "--transport", "http", "--port", str(port)],
        ready="WARDEN-UPSTREAM-READY",
    )
    proc.url = f"http://127.0.0.1:{port}/mcp"
    yield proc
    proc.stop()


def warden(*args, env=None, check=True):
    """Runs a warden CLI command and returns its stdout."""
    run = subprocess.run([warden_bin(), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)
    # `warden approvals` shows a person the whole held action (that is the control): it is the one CLI output
    # allowed to hold the agent's arguments, so it is left out of the canary sweep.
    if "approvals" not in args[:1]:
        canaries.CLI_OUTPUTS.append(run.stdout + run.stderr)
    if check:
        assert run.returncode == 0, run.stdout + run.stderr
    return run


class Cell:
    def __init__(self, config_path, data_dir, port, admin_port, process):
        self.config_path = config_path
        self.data_dir = data_dir
        self.port = port
        self.admin_port = admin_port
        self.process = process
        self.base = f"{'https' if 'tls:' in config_path.read_text() else 'http'}://127.0.0.1:{port}"
        self.mcp_url = f"{self.base}/mcp"
        self.outbox = config_path.parent / "outbox.jsonl"

    def cli(self, *args, check=True):
        return warden(*args, "--config", str(self.config_path), env=SECRET_ENV, check=check)


def write_config(
    tmp: Path, *, port, admin_port, issuer, upstream_url, allow=("127.0.0.1/32",), extra="", tenant="acme", scopes=(),
    tls=None, policy=None, limits=None,
):
    """Writes a cell's configuration; `limits` adds keys to the `limits:` block, `extra` appends YAML."""
    allow_yaml = "[" + ", ".join(allow) + "]"
    scheme = "https" if tls else "http"
    tls_yaml = ""
    if tls:
        tls_yaml = "\n            tls: {" + ", ".join(f"{k}: {json.dumps(str(v))}" for k, v in tls.items()) + "}"
    limits_yaml = "".join(f"\n          {key}: {json.dumps(value)}" for key, value in (limits or {}).items())
    roles_yaml = "roles:\n          analyst: [read]\n          clerk: [read, mutate]\n          mailer: [read, send]"
    if policy is not None:
        (tmp / "policies.cedar").write_text(policy)
        roles_yaml = "policy:\n          file: policies.cedar"
    config = textwrap.dedent(
        f"""\
        tenant: {tenant}
        data_dir: data
        public_url: {scheme}://127.0.0.1:{port}
        listeners:
          agents:
            bind: 127.0.0.1:{port}
            allow: {allow_yaml}{tls_yaml}
          admin:
            bind: 127.0.0.1:{admin_port}
            allow: [127.0.0.1/32]
        limits:
          max_body_bytes: 1048576
          read_timeout_seconds: 3{limits_yaml}
        auth:
          issuer: {issuer}
          allow_loopback_http: true
          role_claims: [roles]
          required_scopes: [{", ".join(scopes)}]
        upstreams:
          billing:
            transport: stdio
            command: [{json.dumps(PY)}, {json.dumps(str(ROOT / "e2e/upstreams/demo_server.py"))}, --transport, stdio]
            env:
              BILLING_API_KEY: secret://billing-api-key
              DEMO_OUTBOX: {json.dumps(str(tmp / "outbox.jsonl"))}
            tools:
              lookup_invoice: {{effect: read, output: trusted}}
              update_invoice_status: {{effect: mutate, critical: [invoice_id], output: trusted}}
              send_email: {{effect: send, recipients: {{to: email, cc: email, bcc: email}}, not_recipients: [subject, body], output: trusted}}
              pay_invoice: {{effect: spend, critical: [invoice_id, amount, iban], output: trusted}}
              echo: read
              env_var_digest: read
              crash: read
              slow: read
              search_invoices: {{effect: read, output: trusted}}
              quote: {{effect: read, output: trusted}}
              reject: read
          remote:
            transport: http
            url: {upstream_url}
            headers:
              Authorization: "Bearer ${{secret://remote-token}}"
            tools:
              lookup_invoice: {{effect: read, output: trusted}}
              update_invoice_status: {{effect: mutate, critical: [invoice_id], output: trusted}}
              echo: read
              http_header_digest: read
        {roles_yaml}
        """
    )
    path = tmp / "warden.yaml"
    path.write_text(config + extra)
    return path


SECRET_ENV = {"WARDEN_SECRET_BILLING_API_KEY": "billing-key-for-tests", "WARDEN_SECRET_REMOTE_TOKEN": "remote-token"}


def start_cell(tmp: Path, idp, http_upstream, reuse=None, approve=True, **kwargs) -> Cell:
    """Starts a cell (approving its tools first unless `approve=False`); `reuse` restarts an earlier cell on its
    config and ports."""
    env = {**os.environ, **SECRET_ENV}
    if reuse is not None:
        config, port, admin_port = reuse.config_path, reuse.port, reuse.admin_port
    else:
        port, admin_port = free_port(), free_port()
        config = write_config(
            tmp, port=port, admin_port=admin_port, issuer=idp.issuer, upstream_url=http_upstream.url, **kwargs
        )
        if approve:
            approve_tools(config)
    return serve_cell(config, port, admin_port)


def approve_tools(config: Path) -> str:
    """`warden tools approve --all` on a configuration (pins what its upstreams offer now); returns its stderr."""
    approved = subprocess.run([warden_bin(), "tools", "approve", "--all", "--config", str(config)],
                              capture_output=True, text=True, env={**os.environ, **SECRET_ENV}, timeout=120)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    return approved.stderr


def start_webhook_sink(directory: Path) -> Process:
    """A real webhook receiver (`peers/webhook_sink.py`) writing each request to `directory/hooks.jsonl`."""
    hook = Process("webhook", [PY, str(ROOT / "e2e/peers/webhook_sink.py"), "--out", str(directory / "hooks.jsonl")],
                   ready="READY")
    hook.port = int(re.search(r"READY (\d+)", hook.output()).group(1))
    hook.out = directory / "hooks.jsonl"
    return hook


def serve_cell(config: Path, port, admin_port) -> Cell:
    """Runs `warden serve` on a configuration already written (and approved, or not) for these ports."""
    env = {**os.environ, **SECRET_ENV}
    proc = Process("warden", [warden_bin(), "serve", "--config", str(config)], ready="warden: ready", env=env,
                   ready_count=2)
    return Cell(config, config.parent / "data", port, admin_port, proc)


@pytest.fixture(scope="session")
def cell(idp, http_upstream, tmp_path_factory):
    c = start_cell(tmp_path_factory.mktemp("cell"), idp, http_upstream)
    yield c
    c.process.stop()


@pytest.fixture(scope="session")
def tokens(idp, cell):
    resource = cell.mcp_url
    return {
        "analyst": client_credentials_token(idp, "analyst-agent", "analyst-pass", resource),
        "clerk": client_credentials_token(idp, "clerk-agent", "clerk-pass", resource),
        "nobody": client_credentials_token(idp, "nobody-agent", "nobody-pass", resource),
        "mailer": client_credentials_token(idp, "mailer-agent", "mailer-pass", resource),
    }
