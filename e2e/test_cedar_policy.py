"""With `policy.file` configured, Cedar decides every listing and call: fail closed on parse, validation and
evaluation errors, and a broken new version leaves the old one in force."""

import json
import subprocess
import time

import pytest
from mcp.shared.exceptions import McpError

from conftest import SECRET_ENV, client_credentials_token, start_cell, warden_bin, write_config, free_port
from mcp_client import BUILTIN_ESCALATE, mcp_session, run

POLICY = """
// Analysts read; clerks read and mutate, but never touch a paid invoice.
permit (principal in Role::"analyst", action in Action::"read", resource);
permit (principal in Role::"clerk", action in [Action::"read", Action::"mutate"], resource);
forbid (principal, action == Action::"billing.update_invoice_status", resource)
when { context.args.invoice_id == "INV-1003" };
// Strict mode: an evaluation error in a matching policy denies.
forbid (principal, action == Action::"billing.lookup_invoice", resource)
when { context.args.invoice_id == "INV-OVERFLOW" && 9223372036854775807 + 1 > 0 };
"""


@pytest.fixture(scope="module")
def cedar_cell(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("cedar"), idp, http_upstream, policy=POLICY)
    yield cell
    cell.process.stop()


def token(idp, cell, who):
    return client_credentials_token(idp, f"{who}-agent", f"{who}-pass", cell.mcp_url)


async def listing(cell, tok):
    async with mcp_session(cell.mcp_url, tok) as s:
        return sorted(t.name for t in (await s.list_tools()).tools if t.name != BUILTIN_ESCALATE)


async def call(cell, tok, name, args):
    error = None
    async with mcp_session(cell.mcp_url, tok) as s:
        try:
            return await s.call_tool(name, args)
        except McpError as e:
            error = e
    raise error


def test_listing_follows_the_policy(cedar_cell, idp):
    analyst = run(listing(cedar_cell, token(idp, cedar_cell, "analyst")))
    clerk = run(listing(cedar_cell, token(idp, cedar_cell, "clerk")))
    assert "billing.lookup_invoice" in analyst and "billing.update_invoice_status" not in analyst
    assert "billing.update_invoice_status" in clerk
    assert run(listing(cedar_cell, token(idp, cedar_cell, "nobody"))) == []


def test_read_role_cannot_call_mutating_tool(cedar_cell, idp):
    with pytest.raises(McpError):
        run(call(cedar_cell, token(idp, cedar_cell, "analyst"), "billing.update_invoice_status", {"invoice_id": "INV-1001", "status": "disputed"}))


def test_forbid_wins_over_permit(cedar_cell, idp):
    clerk = token(idp, cedar_cell, "clerk")
    ok = run(call(cedar_cell, clerk, "billing.update_invoice_status", {"invoice_id": "INV-1001", "status": "disputed"}))
    assert not ok.isError
    refused = run(call(cedar_cell, clerk, "billing.update_invoice_status", {"invoice_id": "INV-1003", "status": "open"}))
    assert refused.isError and refused.meta["warden/refusal"]["rule"] == "policy.cedar-forbid"


def test_evaluation_error_denies_in_strict_mode(cedar_cell, idp):
    analyst = token(idp, cedar_cell, "analyst")
    assert not run(call(cedar_cell, analyst, "billing.lookup_invoice", {"invoice_id": "INV-1001"})).isError
    refused = run(call(cedar_cell, analyst, "billing.lookup_invoice", {"invoice_id": "INV-OVERFLOW"}))
    assert refused.isError and refused.meta["warden/refusal"]["rule"] == "policy.cedar-error"


def test_policy_with_a_type_error_is_refused_at_start(idp, http_upstream, tmp_path):
    port, admin = free_port(), free_port()
    config = write_config(tmp_path, port=port, admin_port=admin, issuer=idp.issuer, upstream_url=http_upstream.url,
                          policy='permit (principal, action, resource) when { context.args.invoice_id > 5 };\n')
    out = subprocess.run([warden_bin(), "serve", "--config", str(config)], capture_output=True, text=True,
                         env={**__import__("os").environ, **SECRET_ENV}, timeout=60)
    assert out.returncode != 0
    assert "policy.validation-error" in out.stderr and "policies.cedar" in out.stderr


def test_broken_policy_file_leaves_the_old_policy_in_force(cedar_cell, idp):
    analyst = token(idp, cedar_cell, "analyst")
    path = cedar_cell.config_path.parent / "policies.cedar"
    original = path.read_text()
    try:
        path.write_text("permit (principal, action, resource) when { ;\n")  # syntax error
        time.sleep(3)
        assert "billing.lookup_invoice" in run(listing(cedar_cell, analyst))
        path.write_text("permit (principal, action == Action::\"billing.nope\", resource);\n")  # unknown action
        time.sleep(3)
        assert "billing.lookup_invoice" in run(listing(cedar_cell, analyst))
        path.write_text('forbid (principal, action, resource);\n')  # valid: takes effect
        time.sleep(3)
        assert run(listing(cedar_cell, analyst)) == []
    finally:
        path.write_text(original)
        time.sleep(3)
    assert "billing.lookup_invoice" in run(listing(cedar_cell, analyst))
    kinds = [line for line in cedar_cell.cli("ledger", "entries", "--count", "100000").stdout.splitlines() if "policy." in line]
    assert any('"policy.refused"' in k for k in kinds) and any('"policy.loaded"' in k for k in kinds)


def test_policy_cli_check_test_and_explain(cedar_cell, tmp_path):
    assert cedar_cell.cli("policy", "check").stdout.startswith("ok: cedar:")
    broken = tmp_path / "broken.cedar"
    broken.write_text('permit (principal, action, resource) when { context.args.nope == 1 };\n')
    out = cedar_cell.cli("policy", "check", str(broken), check=False)
    assert out.returncode == 2 and "policy.validation-error" in out.stderr and "broken.cedar" in out.stderr
    cases = tmp_path / "tests.json"
    cases.write_text(json.dumps([
        {"name": "analyst reads", "agent": "a", "roles": ["analyst"], "tool": "billing.lookup_invoice",
         "arguments": {"invoice_id": "INV-1001"}, "expect": "allow"},
        {"name": "analyst cannot mutate", "agent": "a", "roles": ["analyst"], "tool": "billing.update_invoice_status",
         "arguments": {"invoice_id": "INV-1001", "status": "open"}, "expect": "deny"},
        {"name": "paid invoice is protected", "agent": "c", "roles": ["clerk"], "tool": "billing.update_invoice_status",
         "arguments": {"invoice_id": "INV-1003", "status": "open"}, "expect": "deny"},
    ]))
    assert "policy tests: 3 passed, 0 failed" in cedar_cell.cli("policy", "test", str(cases)).stdout
    cases.write_text(json.dumps([{"agent": "a", "roles": ["analyst"], "tool": "billing.update_invoice_status",
                                  "arguments": {"invoice_id": "INV-1001", "status": "open"}, "expect": "allow"}]))
    assert cedar_cell.cli("policy", "test", str(cases), check=False).returncode == 1
    explained = cedar_cell.cli("policy", "explain", "--role", "clerk", "--tool", "billing.update_invoice_status",
                               "--arguments", '{"invoice_id": "INV-1003", "status": "open"}').stdout
    assert "policy2 (forbid): satisfied" in explained and "policy.cedar-forbid" in explained


def test_sighup_reloads_the_policy_and_keeps_the_cell_running(cedar_cell, idp):
    import os
    import signal

    analyst = token(idp, cedar_cell, "analyst")
    path = cedar_cell.config_path.parent / "policies.cedar"
    original = path.read_text()
    try:
        path.write_text('forbid (principal, action, resource);\n')
        os.kill(cedar_cell.process.proc.pid, signal.SIGHUP)
        time.sleep(0.7)
        assert cedar_cell.process.alive(), "SIGHUP must reload the policy, not end the cell"
        assert run(listing(cedar_cell, analyst)) == []
    finally:
        path.write_text(original)
        os.kill(cedar_cell.process.proc.pid, signal.SIGHUP)
        time.sleep(0.7)
    assert "billing.lookup_invoice" in run(listing(cedar_cell, analyst))
