"""Gateway overhead benchmark (not a test): the same MCP tools/call workload against the upstream directly and
through Warden, on loopback, at concurrency 1 and 16. Prints p50/p99 latency for both paths, the added latency,
and the throughput ratio. Both paths use the same raw JSON-RPC client, so client overhead cancels out.

    WARDEN_BIN=.build/release/warden .venv/bin/python bench/gateway_bench.py [--calls 2000] [--baseline OLDER_WARDEN]

The current binary is $WARDEN_BIN (else `swift build --show-bin-path`, a debug build: measure release builds).

With --baseline, a second cell runs the older binary in the same run, against the same upstream and IdP, so the
before/after figures come from one run on one machine (the cells are measured in turn, never at once, in
--rounds interleaved rounds whose median is the summary). Each
cell gets a minimal configuration both versions accept (one read tool); every cell's per-agent rate limit is
raised so the benchmark measures the path, not the limiter. The current binary is measured twice: with its tool
unlabelled (untrusted output: values indexed, text fenced, the run tainted) and labelled `output: trusted`.

The current binary also runs with `mcp.server_timing: true`: each answer's `Server-Timing` header says how long
Warden itself took (its handler's time minus the upstream's, both ledger records included), and the bench
reports that figure's p50: unlike "added", it leaves out the Python client and upstream, whose noise on a shared
machine is larger than Warden's whole cost.
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "e2e"))
import conftest  # noqa: E402  (reuses the e2e process helpers)

INIT = {
    "jsonrpc": "2.0",
    "id": 0,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}


def parse_body(response):
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        for line in response.text.splitlines():
            if line.startswith("data:"):
                return json.loads(line[5:])
        raise RuntimeError("no data in SSE response")
    return response.json()


async def open_session(client, url, headers):
    r = await client.post(url, headers=headers, json=INIT)
    r.raise_for_status()
    session = r.headers["mcp-session-id"]
    h = headers | {"Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"}
    await client.post(url, headers=h, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    return h


def own_ms(response):
    """Warden's own time for one call from its `Server-Timing` header (`mcp.server_timing: true`), else None."""
    for part in response.headers.get("server-timing", "").split(","):
        name, _, duration = part.strip().partition(";dur=")
        if name == "warden" and duration:
            return float(duration)
    return None


async def run_path(url, headers, tool, calls, concurrency):
    latencies = []
    own = []
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=concurrency * 2)) as client:
        sessions = [await open_session(client, url, headers) for _ in range(concurrency)]
        counter = iter(range(calls))

        async def worker(h):
            for i in counter:
                body = {"jsonrpc": "2.0", "id": i + 1, "method": "tools/call", "params": {"name": tool, "arguments": {"text": "x"}}}
                t0 = time.perf_counter()
                r = await client.post(url, headers=h, json=body)
                data = parse_body(r)
                latencies.append(time.perf_counter() - t0)
                if (mine := own_ms(r)) is not None:
                    own.append(mine)
                if "error" in data or data["result"].get("isError"):
                    raise RuntimeError(f"call failed: {data}")

        # warm-up
        for h in sessions:
            body = {"jsonrpc": "2.0", "id": 0, "method": "tools/call", "params": {"name": tool, "arguments": {"text": "w"}}}
            parse_body(await client.post(url, headers=h, json=body))
        started = time.perf_counter()
        await asyncio.gather(*(worker(h) for h in sessions))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "calls_per_s": len(latencies) / elapsed,
        # Warden's own time per call (handler time minus the upstream's), when the cell reports it.
        "own_p50_ms": statistics.median(own) if own else None,
    }


CONFIG = """\
tenant: bench
data_dir: data
public_url: http://127.0.0.1:{port}
listeners:
  agents: {{ bind: "127.0.0.1:{port}", allow: [127.0.0.1/32] }}
auth:
  issuer: {issuer}
  allow_loopback_http: true
  role_claims: [roles]
upstreams:
  remote:
    transport: http
    url: {upstream}
    headers: {{ Authorization: "Bearer ${{secret://remote-token}}" }}
    tools: {{ echo: {tool} }}
roles:
  analyst: [read]
{extra}"""


def start(binary, idp, upstream, extra="", tool="read"):
    """A cell of `binary` on a fresh data folder, its one tool approved; returns (process, mcp url)."""
    folder = Path(tempfile.mkdtemp(prefix="warden-bench-"))
    port = conftest.free_port()
    config = folder / "warden.yaml"
    config.write_text(CONFIG.format(port=port, issuer=idp.issuer, upstream=upstream.url, extra=extra, tool=tool))
    env = {**conftest.os.environ, **conftest.SECRET_ENV}
    approve = conftest.subprocess.run([binary, "tools", "approve", "--all", "--config", str(config)],
                                      capture_output=True, text=True, env=env, timeout=120)
    assert approve.returncode == 0, approve.stdout + approve.stderr
    proc = conftest.Process("warden-bench", [binary, "serve", "--config", str(config)], ready="warden: ready", env=env)
    return proc, f"http://127.0.0.1:{port}/mcp"


def measure(label, url, headers, upstream, upstream_headers, calls, concurrency):
    """One round for one cell at one concurrency: the direct path, then through the cell, back to back."""
    direct = asyncio.run(run_path(upstream.url, upstream_headers, "echo", calls, concurrency))
    through = asyncio.run(run_path(url, headers, "remote.echo", calls, concurrency))
    for name, r in (("direct", direct), (label, through)):
        print(f"{concurrency:>11} {name:>9} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f} {r['calls_per_s']:>9.0f}")
    added = through["p50_ms"] - direct["p50_ms"]
    ratio = through["calls_per_s"] / direct["calls_per_s"]
    own = through["own_p50_ms"]
    print(
        f"{concurrency:>11} {'added':>9} {added:>8.3f} {through['p99_ms'] - direct['p99_ms']:>8.3f} "
        f"throughput ratio {label}/direct = {ratio:.2f}"
        + (f"; Warden's own time p50 {own:.3f} ms (Server-Timing)" if own is not None else "")
    )
    return added, ratio, own


def compare(args):
    """The current binary (and --baseline, when given) in one run: same IdP, same upstream, measured in turn."""
    idp = upstream = None
    cells = []
    try:
        port = conftest.free_port()
        issuer = f"http://127.0.0.1:{port}"
        idp = conftest.Process(
            "idp", [conftest.PY, str(ROOT / "e2e/idp/authlib_server.py"), "--port", str(port), "--issuer", issuer,
                    "--client", "bench:bench-pass:analyst"], ready="READY")
        idp.issuer = issuer
        up_port = conftest.free_port()
        upstream = conftest.Process(
            "upstream", [conftest.PY, str(ROOT / "e2e/upstreams/demo_server.py"), "--transport", "http",
                         "--json-response", "--port", str(up_port)], ready="WARDEN-UPSTREAM-READY")
        upstream.url = f"http://127.0.0.1:{up_port}/mcp"
        base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        upstream_headers = base | {"Authorization": "Bearer remote-token"}
        current = conftest.warden_bin()
        print(f"current: {current}" + ("  (a DEBUG build: set WARDEN_BIN to a release build)" if "/debug/" in current else ""))
        if args.baseline:
            print(f"baseline: {args.baseline}")
        print(f"{'concurrency':>11} {'path':>9} {'p50 ms':>8} {'p99 ms':>8} {'calls/s':>9}")
        unlimited = "limits: { tool_calls_per_minute: 1000000 }\n"
        timed = unlimited + "mcp: { server_timing: true }\n"
        # A baseline from 604a2f2 on knows `mcp.server_timing` too (--baseline-timed): then both report their own time.
        baseline_extra = timed if args.baseline_timed else unlimited
        binaries = [("baseline", args.baseline, baseline_extra, "read")] if args.baseline else []
        # The current binary twice: its echo unlabelled (untrusted output: indexed, fenced, recorded in the run
        # before the reply) and labelled trusted (indexed and recorded, not fenced or tainting).
        # The current binary reports its own time per call (`mcp.server_timing`); an older one may not know the key.
        binaries.append(("untrusted", conftest.warden_bin(), timed, "read"))
        if not args.untrusted_only:
            binaries.append(("trusted", conftest.warden_bin(), timed, "{ effect: read, output: trusted }"))
        started = []
        for label, binary, extra, tool in binaries:
            proc, url = start(binary, idp, upstream, extra, tool)
            cells.append(proc)
            token = conftest.client_credentials_token(idp, "bench", "bench-pass", url)
            started.append((label, url, base | {"Authorization": f"Bearer {token}"}))
        # Rounds interleave the cells, so a slow spell of this shared machine touches every cell alike; the
        # summary takes the median of the rounds.
        results = {}
        for round_number in range(1, args.rounds + 1):
            print(f"-- round {round_number} of {args.rounds}")
            for concurrency in (1, 16):
                for label, url, headers in started:
                    results.setdefault((label, concurrency), []).append(
                        measure(label, url, headers, upstream, upstream_headers, args.calls, concurrency))
        print(f"-- median of {args.rounds} rounds: added p50 ms and throughput ratio to direct")
        for (label, concurrency), rounds in results.items():
            added = statistics.median(a for a, _, _ in rounds)
            ratio = statistics.median(r for _, r, _ in rounds)
            owns = [o for _, _, o in rounds if o is not None]
            own = f"   Warden's own p50 {statistics.median(owns):.3f} ms" if owns else ""
            print(f"{concurrency:>11} {label:>9} added p50 {added:>7.3f} ms   throughput ratio {ratio:.2f}{own}")
    finally:
        for p in cells + [upstream, idp]:
            if p is not None and hasattr(p, "proc"):
                p.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--baseline", help="an older warden binary to measure in the same run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over all cells (median reported)")
    parser.add_argument("--baseline-timed", action="store_true",
                        help="the baseline knows mcp.server_timing (604a2f2 or later): report its own time too")
    parser.add_argument("--untrusted-only", action="store_true", help="measure the current binary's untrusted cell only")
    compare(parser.parse_args())


if __name__ == "__main__":
    main()
