"""Tool calls are traced as OpenTelemetry spans exported over OTLP/HTTP JSON to a real receiver that parses them
with the official opentelemetry-proto messages: one server span per call (tool, effect, decision, rule,
outcome) with a client span for the upstream call; never arguments, results, or planted canaries."""

import json
import time

import httpx
from mcp.shared.exceptions import McpError

import canaries
from conftest import PY, ROOT, Process, client_credentials_token, free_port, start_cell
from mcp_client import mcp_session, run


def test_tool_calls_are_traced_without_contents(idp, http_upstream, tmp_path):
    spans_file = tmp_path / "spans.jsonl"
    receiver = Process(
        "otlp-receiver",
        [PY, str(ROOT / "e2e/peers/otlp_receiver.py"), str(spans_file), "--fail-first", "1"],
        ready="READY",
    )
    port = int(receiver.output().split("READY ")[1].split()[0])
    extra = f"observability:\n  tracing:\n    endpoint: http://127.0.0.1:{port}\n    service_name: warden-e2e\n"
    cell = start_cell(tmp_path, idp, http_upstream, extra=extra)
    try:
        token = client_credentials_token(idp, "analyst-agent", "analyst-pass", cell.mcp_url)

        async def scenario():
            async with mcp_session(cell.mcp_url, token) as s:
                await s.call_tool("billing.lookup_invoice", {"invoice_id": "INV-1001"})
                try:  # hidden from this role: a JSON-RPC error, but still a traced, refused call
                    await s.call_tool("billing.update_invoice_status", {"invoice_id": "INV-1001", "status": "paid"})
                except McpError:
                    pass

        run(scenario())

        def spans():
            if not spans_file.exists():
                return []
            return [json.loads(line) for line in spans_file.read_text().splitlines() if line.strip()]

        deadline = time.time() + 20  # the first export is answered 503 and retried
        while len([s for s in spans() if s["span"]["name"] == "tools/call"]) < 2 and time.time() < deadline:
            time.sleep(0.3)
        recorded = spans()
        calls = [s for s in recorded if s["span"]["name"] == "tools/call"]
        assert len(calls) == 2, recorded

        def attributes(span):
            return {a["key"]: next(iter(a["value"].values())) for a in span["span"].get("attributes", [])}

        by_tool = {attributes(s)["warden.tool"]: s for s in calls}
        allowed = attributes(by_tool["billing.lookup_invoice"])
        assert allowed["warden.decision"] == "allow" and allowed["warden.effect"] == "read"
        assert allowed["warden.outcome"] == "ok"
        denied = attributes(by_tool["billing.update_invoice_status"])
        assert denied["warden.decision"] == "deny" and denied["warden.rule"].startswith("policy.")
        # the upstream call is a client span, child of the allowed call's server span
        server = by_tool["billing.lookup_invoice"]["span"]
        upstream = [s["span"] for s in recorded if s["span"]["name"] == "upstream billing"]
        assert upstream and upstream[0]["parentSpanId"] == server["spanId"]
        assert upstream[0]["traceId"] == server["traceId"]
        assert by_tool["billing.lookup_invoice"]["resource"]["service.name"] == "warden-e2e"
        # spans never carry arguments, results or the canaries planted in them
        text = spans_file.read_text()
        assert "INV-1001" not in text and "Acme GmbH" not in text
        assert not canaries.sweep({"spans": text}, []), "a canary reached a span"
        metrics = httpx.get(f"http://127.0.0.1:{cell.admin_port}/metrics", timeout=5).text
        assert "warden_trace_spans_exported" in metrics
    finally:
        cell.process.stop()
        receiver.stop()
