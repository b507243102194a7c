"""Guardrails from the security review: each section is one hole that was found, each test names the control it
guards and the rule that must refuse. Every test drives the real `warden` binary with real peers (authlib IdP,
official MCP SDK upstreams); requests whose exact bytes matter are written by hand with httpx.

Refusals of a `tools/call` are tool results with `isError: true` and `_meta["warden/refusal"] = {rule, message}`;
a tool the caller may not see answers like an unknown tool: a JSON-RPC error with `data.rule ==
"tool.not-available"`."""

import base64
import json
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from canaries import CANARIES
from mcp_client import json_headers
from conftest import (
    SECRET_ENV, client_credentials_token, free_port, serve_cell, start_cell, warden, write_config,
)

PROTOCOL = "2025-06-18"


# --- Raw JSON-RPC over one session (no SDK in between, so no added arguments and exact number spellings) -------


def headers(token, session=None):
    return json_headers(token, session)  # the one helper (its protocol version is PROTOCOL)


INITIALIZE = {
    "jsonrpc": "2.0", "id": 0, "method": "initialize",
    "params": {"protocolVersion": PROTOCOL, "capabilities": {}, "clientInfo": {"name": "review", "version": "1"}},
}


def message_of(response):
    """The JSON-RPC message of an HTTP response (JSON, or the first `data:` event of an SSE stream)."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        return next(json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:"))
    return response.json()


def initialize(http, url, token):
    """POSTs `initialize`; returns the HTTP response (status and Mcp-Session-Id are what the tests look at)."""
    return http.post(url, headers=headers(token), json=INITIALIZE)


class Agent:
    """One agent's MCP session over plain HTTP."""

    def __init__(self, cell, token):
        self.url = cell.mcp_url
        self.token = token
        self.http = httpx.Client(timeout=30)
        r = initialize(self.http, self.url, token)
        assert r.status_code == 200, r.text
        self.session = r.headers["mcp-session-id"]
        self.ids = iter(range(1, 10**9))

    def post(self, body: bytes):
        return self.http.post(self.url, headers=headers(self.token, self.session), content=body)

    def request(self, method, params=None):
        body = {"jsonrpc": "2.0", "id": next(self.ids), "method": method}
        if params is not None:
            body["params"] = params
        r = self.post(json.dumps(body).encode())
        assert r.status_code in (200, 429), r.text
        return message_of(r)

    def call(self, name, arguments, meta=None):
        params = {"name": name, "arguments": arguments}
        if meta:
            params["_meta"] = meta
        return self.request("tools/call", params)

    def call_with_raw_arguments(self, name, arguments_json: bytes):
        """A tools/call whose `arguments` object is spliced in byte for byte (`{"limit": 5e6}` stays 5e6)."""
        head = json.dumps({"jsonrpc": "2.0", "id": next(self.ids), "method": "tools/call", "params": {"name": name}})
        body = head[:-2].encode() + b', "arguments": ' + arguments_json + b"}}"
        json.loads(body)  # still one well-formed JSON-RPC request
        r = self.post(body)
        assert r.status_code == 200, r.text
        return message_of(r)

    def tool_names(self):
        message = self.request("tools/list", {})
        return sorted(t["name"] for t in message["result"]["tools"] if t["name"] != "warden.escalate")

    def close(self):
        self.http.close()


def refused(message, rule):
    """Asserts a tool-level refusal by `rule` and returns the result."""
    result = message.get("result")
    assert result is not None and result.get("isError"), f"expected a refusal by {rule}, got {message}"
    got = ((result.get("_meta") or {}).get("warden/refusal") or {}).get("rule")
    assert got == rule, f"expected rule {rule}, got {got}: {message}"
    return result


def runs(message):
    """Whether a tools/call answer is a successful tool result (not a refusal, tool error or JSON-RPC error)."""
    return "result" in message and not message["result"].get("isError")


def succeeded(message):
    result = message.get("result")
    assert result is not None and not result.get("isError"), f"expected success, got {message}"
    return result


def text_of(result):
    return "".join(c.get("text", "") for c in result.get("content", []) if c.get("type") == "text")


def token_for(idp, cell, who):
    return client_credentials_token(idp, f"{who}-agent", f"{who}-pass", cell.mcp_url)


def subject_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["sub"]


def ledger(cell):
    out = cell.cli("ledger", "entries", "--count", "1000000").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def outbox(cell):
    return [json.loads(line) for line in cell.outbox.read_text().splitlines()] if cell.outbox.exists() else []


def eventually(probe, seconds, interval=0.1):
    """Calls `probe` until it returns a truthy value or `seconds` have passed; returns the last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# --- 1. Numbers Cedar cannot see ----------------------------------------------------------------------------------
# A JSON number the Cedar context cannot hold (5e6, 5000000.0, 1e20 for a Long) used to be left out of
# `context.args`, so `context.args has limit` was false and the forbid did not apply: the call ran unbounded.

NUMBERS_POLICY = """\
permit (principal, action, resource);
forbid (principal, action, resource) when { context.args has limit && context.args.limit > 1000 };
forbid (principal, action == Action::"billing.quote", resource)
when { context.args.amount.greaterThan(decimal("1000.0")) };
"""


@pytest.fixture(scope="module")
def numbers(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("numbers"), idp, http_upstream, policy=NUMBERS_POLICY)
    agent = Agent(cell, token_for(idp, cell, "analyst"))
    yield cell, agent
    agent.close()
    cell.process.stop()


@pytest.mark.parametrize(
    "spelling", [b"5000000.0", b"5e6", b"1e20", b"100000000000000000000"],
    ids=["float-spelling", "exponent", "beyond-long-exponent", "beyond-long-digits"],
)
def test_integer_argument_not_an_exact_long_is_refused_before_the_upstream(numbers, spelling):
    """Guards: every argument a Cedar policy may test reaches it with its declared type. An `integer` argument
    spelled as a float or exponent, or beyond Cedar's Long range, is refused by `arguments.type` instead of being
    dropped from `context.args` (which let `context.args has limit && ...` pass); the upstream never runs."""
    _, agent = numbers
    message = agent.call_with_raw_arguments("billing.search_invoices", b'{"limit": ' + spelling + b"}")
    result = refused(message, "arguments.type")
    assert "INV-S" not in json.dumps(result), "the upstream ran the call"


def test_integer_argument_over_the_policy_bound_is_forbidden_by_cedar(numbers):
    """Guards: Cedar sees integer arguments. `limit: 5000000` is refused by `policy.cedar-forbid`; `limit: 2`
    runs."""
    _, agent = numbers
    refused(agent.call_with_raw_arguments("billing.search_invoices", b'{"limit": 5000000}'), "policy.cedar-forbid")
    ok = succeeded(agent.call_with_raw_arguments("billing.search_invoices", b'{"limit": 2}'))
    assert "INV-S0001" in json.dumps(ok)


def test_number_argument_is_a_cedar_decimal(numbers):
    """Guards: a JSON Schema `number` argument is typed `decimal` in the generated Cedar schema, so a policy can
    bound it. `amount: 5000000.0` is refused by `policy.cedar-forbid`; `amount: 12.5` runs."""
    _, agent = numbers
    refused(agent.call_with_raw_arguments("billing.quote", b'{"amount": 5000000.0, "currency": "EUR"}'),
            "policy.cedar-forbid")
    ok = succeeded(agent.call_with_raw_arguments("billing.quote", b'{"amount": 12.5, "currency": "EUR"}'))
    assert "12.5" in json.dumps(ok)


def test_number_beyond_decimal_precision_is_refused(numbers):
    """Guards: a number Cedar's decimal cannot hold exactly (more than four decimal places) is refused by
    `arguments.number`, never rounded into something a policy judges differently."""
    _, agent = numbers
    message = agent.call_with_raw_arguments("billing.quote", b'{"amount": 0.00001, "currency": "EUR"}')
    refused(message, "arguments.number")


def test_number_spelled_as_a_string_is_refused(numbers):
    """Guards: argument types follow the pinned schema. `amount: "12.5"` (a string for a `number`) is refused by
    `arguments.type`."""
    _, agent = numbers
    refused(agent.call_with_raw_arguments("billing.quote", b'{"amount": "12.5", "currency": "EUR"}'), "arguments.type")


# --- 2. Arguments against the pinned inputSchema ---------------------------------------------------------------
# Arguments were passed through unchecked: an undeclared argument (say `reply_to` on a send, `bcc` on a tool that
# was classified without it) reached the upstream, which the gatekeeper and the send grant never saw.


@pytest.fixture(scope="module")
def analyst(cell, tokens):
    agent = Agent(cell, tokens["analyst"])
    yield agent
    agent.close()


def test_declared_arguments_run(analyst):
    """Control for the argument checks below: the same tool with exactly its declared arguments runs."""
    ok = succeeded(analyst.call("billing.lookup_invoice", {"invoice_id": "INV-1002"}))
    assert "Globex" in json.dumps(ok)


def test_undeclared_argument_is_refused(analyst):
    """Guards: arguments must match the pinned inputSchema. An argument the schema does not declare (`memo`;
    the demo's tools declare an optional `note` for the canary planting) is refused by `arguments.undeclared`."""
    refused(analyst.call("billing.lookup_invoice", {"invoice_id": "INV-1002", "memo": "x"}), "arguments.undeclared")


def test_missing_required_argument_is_refused(analyst):
    """Guards: arguments must match the pinned inputSchema. Leaving out a required argument is refused by
    `arguments.required`."""
    refused(analyst.call("billing.lookup_invoice", {}), "arguments.required")


def test_wrongly_typed_argument_is_refused(analyst):
    """Guards: arguments must match the pinned inputSchema. `invoice_id: 7` (a number for a string) is refused by
    `arguments.type`."""
    refused(analyst.call("billing.lookup_invoice", {"invoice_id": 7}), "arguments.type")


def test_send_with_an_undeclared_argument_is_refused_and_nothing_is_sent(cell, tokens):
    """Guards: a send grant covers the arguments Warden understood, so nothing else may ride along. A granted send
    with an undeclared `reply_to` is refused by `arguments.undeclared`; the outbox does not grow."""
    grant = cell.cli("grant", "mint", "--tool", "billing.send_email", "--to", "boss@corp.example").stdout.strip()
    mailer = Agent(cell, tokens["mailer"])
    try:
        before = len(outbox(cell))
        args = {"to": "boss@corp.example", "subject": "Q3", "body": "numbers attached", "reply_to": "x@evil.example"}
        refused(mailer.call("billing.send_email", args, meta={"warden/grant": grant}), "arguments.undeclared")
        assert len(outbox(cell)) == before, "a refused send reached the upstream"
    finally:
        mailer.close()


FULL_RECIPIENTS = (
    "send_email: {effect: send, recipients: {to: email, cc: email, bcc: email}, not_recipients: [subject, body], "
    "output: trusted}"
)
TO_ONLY = "send_email: {effect: send, recipients: {to: email}, not_recipients: [subject, body]}"
TO_ONLY_NOT_CC_BCC = "send_email: {effect: send, recipients: {to: email}, not_recipients: [cc, bcc, subject, body]}"


def send_config(tmp, idp, http_upstream, line):
    port, admin = free_port(), free_port()
    config = write_config(tmp, port=port, admin_port=admin, issuer=idp.issuer, upstream_url=http_upstream.url)
    text = config.read_text()
    assert FULL_RECIPIENTS in text
    config.write_text(text.replace(FULL_RECIPIENTS, line))
    return config, port, admin


def pins(config):
    path = config.parent / "data" / "tool-pins.json"
    return json.loads(path.read_text()) if path.exists() else {}


def test_send_tool_with_an_undeclared_array_field_is_not_approved(idp, http_upstream, tmp_path):
    """Guards: every field of a send tool that can hold addresses is declared. With `recipients: {to: email}` only,
    send_email's `cc` and `bcc` (arrays of strings) would carry recipients no grant checks: `warden tools approve
    --all` exits non-zero naming `billing.send_email` and `cc`, and still approves the other tools."""
    config, _, _ = send_config(tmp_path, idp, http_upstream, TO_ONLY)
    out = warden("tools", "approve", "--all", "--config", str(config), env=SECRET_ENV, check=False)
    text = out.stdout + out.stderr
    assert out.returncode != 0, text
    assert "billing.send_email" in text and "cc" in text, text
    pinned = pins(config)
    assert "billing.echo" in pinned and "billing.lookup_invoice" in pinned, pinned
    assert "billing.send_email" not in pinned, pinned


def test_declaring_not_recipients_lets_approve_succeed(idp, http_upstream, tmp_path):
    """Guards (the way out of the refusal above): `not_recipients: [cc, bcc]` states that those fields carry no
    recipients; approve then succeeds for every tool."""
    config, _, _ = send_config(tmp_path, idp, http_upstream, TO_ONLY_NOT_CC_BCC)
    out = warden("tools", "approve", "--all", "--config", str(config), env=SECRET_ENV, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "billing.send_email" in pins(config)


def test_cell_refuses_a_send_tool_with_an_undeclared_field_even_if_pinned(idp, http_upstream, tmp_path):
    """Guards: the undeclared-field check also runs in the serving cell, not only at approve. send_email is pinned
    under a good configuration; the cell then starts on `recipients: {to: email}` and refuses a granted send by
    `catalog.send-field-undeclared`; nothing is sent."""
    config, port, admin = send_config(tmp_path, idp, http_upstream, FULL_RECIPIENTS)
    warden("tools", "approve", "--all", "--config", str(config), env=SECRET_ENV)
    assert "billing.send_email" in pins(config)
    config.write_text(config.read_text().replace(FULL_RECIPIENTS, TO_ONLY))
    cell = serve_cell(config, port, admin)
    try:
        grant = cell.cli("grant", "mint", "--tool", "billing.send_email", "--to", "boss@corp.example").stdout.strip()
        mailer = Agent(cell, token_for(idp, cell, "mailer"))
        args = {"to": "boss@corp.example", "subject": "Q3", "body": "numbers", "bcc": ["mallory@evil.example"]}
        refused(mailer.call("billing.send_email", args, meta={"warden/grant": grant}), "catalog.send-field-undeclared")
        mailer.close()
        assert outbox(cell) == [], "a send through an undeclared field reached the upstream"
    finally:
        cell.process.stop()


# --- 4. Sessions per subject ----------------------------------------------------------------------------------------
# One agent could open `max_sessions` sessions and lock every other agent out (503) until they idled away.


@pytest.fixture(scope="module")
def session_cell(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("sessions"), idp, http_upstream,
                      extra="mcp:\n  max_sessions: 4\n  max_sessions_per_subject: 3\n")
    yield cell
    cell.process.stop()


def test_one_subject_cannot_fill_the_cell(session_cell, idp):
    """Guards: sessions are capped per subject and a full cell evicts, never refuses. With max_sessions 4 and
    max_sessions_per_subject 3, the analyst opens 10 sessions (all 200; its oldest is gone: 404, its newest
    works); then the mailer and the clerk each open one (200), the second by evicting the least recently used
    session of the subject holding the most. Nobody gets 503."""
    cell = session_cell
    who = {name: token_for(idp, cell, name) for name in ("analyst", "mailer", "clerk")}
    ping = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    with httpx.Client(timeout=15) as http:
        opened = []
        for _ in range(10):
            r = initialize(http, cell.mcp_url, who["analyst"])
            assert r.status_code == 200, (r.status_code, r.text)
            opened.append(r.headers["mcp-session-id"])
        first = http.post(cell.mcp_url, headers=headers(who["analyst"], opened[0]), json=ping)
        assert first.status_code == 404, (first.status_code, first.text)
        newest = http.post(cell.mcp_url, headers=headers(who["analyst"], opened[-1]), json=ping)
        assert newest.status_code == 200, (newest.status_code, newest.text)
        for name in ("mailer", "clerk"):
            r = initialize(http, cell.mcp_url, who[name])
            assert r.status_code == 200, (name, r.status_code, r.text)
            listed = http.post(cell.mcp_url, headers=headers(who[name], r.headers["mcp-session-id"]), json=ping)
            assert listed.status_code == 200, (name, listed.status_code, listed.text)
        newest = http.post(cell.mcp_url, headers=headers(who["analyst"], opened[-1]), json=ping)
        assert newest.status_code == 200, "the analyst's most recently used session was evicted"


# --- 5. Pins take effect in a running cell --------------------------------------------------------------------------
# Pins were read once at start: a revoked tool stayed callable until a restart, and a cell started before the
# first `tools approve` (the quick-start order) served nothing until restarted.


@pytest.fixture(scope="module")
def unapproved_cell(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("pins"), idp, http_upstream, approve=False)
    yield cell
    cell.process.stop()


def test_tools_approved_after_start_are_served_without_restart(unapproved_cell, idp):
    """Guards: the quick-start order works. A cell started before any `tools approve` lists no tools; after
    `warden tools approve --all` in another process, `tools/list` shows them within 3 s, with no restart."""
    cell = unapproved_cell
    agent = Agent(cell, token_for(idp, cell, "analyst"))
    try:
        assert agent.tool_names() == []
        cell.cli("tools", "approve", "--all")
        names = eventually(lambda: (listed := agent.tool_names()) and "billing.echo" in listed and listed, 3.0)
        assert names, "no tools listed 3 s after `warden tools approve --all`"
        assert "billing.lookup_invoice" in names and "billing.update_invoice_status" not in names, names
    finally:
        agent.close()


def test_revoke_and_approve_take_effect_in_a_running_cell(unapproved_cell, idp):
    """Guards: a pin change reaches the running cell. `warden tools revoke billing.echo` exits 0 and within 3 s
    echo is refused by `catalog.unpinned-tool` and no longer listed; `warden tools approve billing.echo` makes it
    callable again within 3 s; the ledger records `catalog.pins-changed`."""
    cell = unapproved_cell
    cell.cli("tools", "approve", "--all")  # so this test does not depend on the one above
    agent = Agent(cell, token_for(idp, cell, "analyst"))
    try:
        assert eventually(lambda: runs(agent.call("billing.echo", {"text": "hi"})), 3.0)
        revoked = cell.cli("tools", "revoke", "billing.echo", check=False)
        assert revoked.returncode == 0, revoked.stdout + revoked.stderr

        def refused_call():
            message = agent.call("billing.echo", {"text": "hi"})
            return None if runs(message) else message

        message = eventually(refused_call, 3.0)
        assert message, "billing.echo still runs 3 s after it was revoked"
        refused(message, "catalog.unpinned-tool")
        assert "billing.echo" not in agent.tool_names()
        cell.cli("tools", "approve", "billing.echo")
        back = eventually(lambda: runs(agent.call("billing.echo", {"text": "back"})), 3.0)
        assert back, "billing.echo is still refused 3 s after it was approved again"
        changed = eventually(lambda: [e for e in ledger(cell) if e["kind"] == "catalog.pins-changed"], 5.0, 0.5)
        assert changed, "no catalog.pins-changed entry in the ledger"
    finally:
        agent.close()


# --- 6. Refusal flood and rate limit --------------------------------------------------------------------------------
# Every refused call was one ledger entry (an agent could grow the ledger without bound by guessing names), and
# nothing bounded how fast one agent could call tools.

UNKNOWN_TOOL = "billing.no_such_tool"


def tally(entry, agent, rule):
    """The count a `tool.refusals-tallied` entry gives for (agent, rule). The entry's exact shape is not fixed by
    the contract; accepted: {tallies: [{agent, rule, count}]} (what the cell writes), {agent, rule, count},
    {agent, counts: {rule: n}}."""
    if entry.get("kind") != "tool.refusals-tallied":
        return 0
    listed = entry.get("tallies", entry.get("counts"))
    if isinstance(listed, list):
        return sum(c.get("count", 0) for c in listed if c.get("agent") == agent and c.get("rule") == rule)
    counts = entry.get("counts")
    if entry.get("agent") != agent:
        return 0
    if isinstance(counts, dict):
        return counts.get(rule, 0)
    return entry.get("count", 0) if entry.get("rule") == rule else 0


@pytest.fixture(scope="module")
def flood_cell(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("flood"), idp, http_upstream)
    yield cell
    cell.process.stop()


def test_refusal_flood_is_tallied_not_recorded_one_by_one(flood_cell, idp):
    """Guards: the ledger cannot be flooded through refusals. 500 calls of an unknown tool by one agent grow the
    ledger by fewer than 50 entries, and within ~6 s a `tool.refusals-tallied` entry counts them for that agent
    and rule `catalog.unknown-tool` (every refusal is accounted for, individually or in a tally)."""
    cell = flood_cell
    token = token_for(idp, cell, "analyst")
    agent = Agent(cell, token)
    try:
        succeeded(agent.call("billing.echo", {"text": "before"}))
        time.sleep(1.2)  # the checkpoint covers everything so far
        before = ledger(cell)
        started = time.monotonic()
        for _ in range(500):
            message = agent.call(UNKNOWN_TOOL, {})
            assert message.get("error", {}).get("data", {}).get("rule") == "tool.not-available", message
        assert time.monotonic() - started < 30
    finally:
        agent.close()
    subject = subject_of(token)

    def accounted():
        new = ledger(cell)[len(before):]
        tallied = sum(tally(e, subject, "catalog.unknown-tool") for e in new)
        single = sum(1 for e in new if e.get("kind") == "tool.decision" and e.get("rule") == "catalog.unknown-tool")
        return (new, tallied, single) if tallied and tallied + single >= 500 else None

    found = eventually(accounted, 6.0, 0.5)
    new = ledger(cell)[len(before):]
    kinds = sorted({e.get("kind") for e in new})
    assert len(new) < 50, f"500 refusals grew the ledger by {len(new)} entries ({kinds})"
    assert found, f"no tool.refusals-tallied entry accounts for the 500 refusals of {subject}: {new[-5:]}"


@pytest.fixture(scope="module")
def limited_cell(idp, http_upstream, tmp_path_factory):
    cell = start_cell(tmp_path_factory.mktemp("rate"), idp, http_upstream, limits={"tool_calls_per_minute": 30})
    yield cell
    cell.process.stop()


def test_tool_calls_are_rate_limited_per_agent(limited_cell, idp):
    """Guards: `limits.tool_calls_per_minute` bounds each agent. 40 quick echo calls by the analyst: the first
    runs, then calls get JSON-RPC error -32029 with `data.rule == "limits.agent-rate"` and a positive integer
    `data.retry_after_seconds`; meanwhile the clerk's calls still run (the limit is per agent)."""
    cell = limited_cell
    analyst = Agent(cell, token_for(idp, cell, "analyst"))
    clerk = Agent(cell, token_for(idp, cell, "clerk"))
    try:
        answers = [analyst.call("billing.echo", {"text": f"call {n}"}) for n in range(40)]
        succeeded(answers[0])
        ok = [a for a in answers if runs(a)]
        limited = [a for a in answers if "error" in a]
        assert 1 <= len(ok) <= 32, f"{len(ok)} of 40 calls ran under a limit of 30 per minute"
        assert limited, "no call was rate limited"
        assert len(ok) + len(limited) == 40, [a for a in answers if a not in ok and a not in limited][:3]
        for answer in limited:
            error = answer["error"]
            assert error["code"] == -32029, error
            assert error["data"]["rule"] == "limits.agent-rate", error
            retry = error["data"]["retry_after_seconds"]
            assert isinstance(retry, int) and not isinstance(retry, bool) and retry > 0, error
        for n in range(3):
            succeeded(clerk.call("billing.echo", {"text": f"clerk {n}"}))
    finally:
        analyst.close()
        clerk.close()


# --- 7. Upstream text never reaches the logs ------------------------------------------------------------------------
# An upstream's JSON-RPC error was logged with its message ("upstream call failed ... error: JSON-RPC error ...:
# <upstream text>"); redaction masks emails and card numbers, not a name, a birth date or a password.

UPSTREAM_CANARIES = ("name", "dob", "password", "email")


def test_upstream_error_message_reaches_neither_agent_nor_log(cell, tokens):
    """Guards: foreign text is never logged. billing.reject makes the upstream answer with a JSON-RPC error whose
    message holds a name, a date of birth and a password-like string (canaries.py, swept at session end); the
    agent gets a generic tool error without them, and the cell's log contains none of them."""
    agent = Agent(cell, tokens["analyst"])
    try:
        message = agent.call("billing.reject", {"reason": "audit"})
    finally:
        agent.close()
    result = message.get("result")
    assert result is not None and result.get("isError") and text_of(result), f"expected a tool error, got {message}"
    answer = json.dumps(message)
    for key in UPSTREAM_CANARIES:
        assert CANARIES[key] not in answer, f"the upstream's {key} reached the agent"
    time.sleep(0.5)
    logs = cell.process.output()
    for key in UPSTREAM_CANARIES:
        assert CANARIES[key] not in logs, f"the upstream's {key} canary is in the cell's log"


# --- 8. Tokens outside the Authorization header, malformed and untyped tokens ------------------------------------
# `?access_token=` was matched case-sensitively and undecoded, so `?ACCESS_TOKEN=` or `?access%5Ftoken=` slipped
# through whenever a header token was present too (and the query token landed in access logs and proxies).


def post_initialize(cell, authorization=None, query=""):
    h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if authorization is not None:
        h["Authorization"] = authorization
    return httpx.post(cell.mcp_url + query, headers=h, json=INITIALIZE, timeout=10)


@pytest.mark.parametrize("name", ["ACCESS_TOKEN", "Access_Token", "access%5Ftoken", "access%5ftoken"])
def test_token_in_query_is_refused_in_any_case_or_encoding(cell, tokens, name):
    """Guards: no access token in the URI (MCP authorization, RFC 6750 §2.3). A query parameter named
    access_token in any letter case or percent-encoding gets 400, even beside a valid Authorization header."""
    r = post_initialize(cell, f"Bearer {tokens['analyst']}", f"?{name}={tokens['analyst']}")
    assert r.status_code == 400, (r.status_code, r.text)


def test_access_token_as_a_query_value_is_not_a_token(cell, tokens):
    """Control for the rule above: only parameter names count; `?x=access_token` with a valid header is served."""
    r = post_initialize(cell, f"Bearer {tokens['analyst']}", "?x=access_token")
    assert r.status_code == 200, (r.status_code, r.text)


@pytest.mark.parametrize("authorization", ["Bearer", "Bearer a.b!c", "Bearer not-base64.@@@.x"])
def test_malformed_bearer_credentials_are_an_invalid_token(cell, authorization):
    """Guards: broken bearer credentials are answered as RFC 6750 §3.1 says: 401 with a `WWW-Authenticate`
    challenge carrying `invalid_token` (so clients go back to their authorization server)."""
    r = post_initialize(cell, authorization)
    assert r.status_code == 401, (r.status_code, r.text)
    challenge = r.headers.get("www-authenticate", "")
    assert challenge.startswith("Bearer ") and "invalid_token" in challenge, challenge


def signed_like_the_issuer(idp, tokens, typ):
    """The analyst's token's claims, signed with the IdP's real RSA key under a header with the given `typ`."""
    keys = KeySet.import_key_set(json.loads(idp.signing_keys.read_text()))
    claims = json.loads(base64.urlsafe_b64decode(tokens["analyst"].split(".")[1] + "=="))
    return jwt.encode({"alg": "RS256", "kid": "rsa-1", "typ": typ}, claims, keys)


def test_untyped_jwt_of_the_issuer_is_not_an_access_token(cell, idp, tokens):
    """Guards: RFC 9068 `typ: at+jwt` is required, so an ID token (or any other JWT) of the same issuer cannot be
    replayed as an access token. The same claims and key under `typ: JWT` get 401 `invalid_token`; under
    `typ: at+jwt` they are accepted (control)."""
    assert post_initialize(cell, f"Bearer {signed_like_the_issuer(idp, tokens, 'at+jwt')}").status_code == 200
    r = post_initialize(cell, f"Bearer {signed_like_the_issuer(idp, tokens, 'JWT')}")
    assert r.status_code == 401, (r.status_code, r.text)
    assert "invalid_token" in r.headers.get("www-authenticate", "")
