"""Canary PII and secrets planted in every input the e2e suite sends, and the sweep that proves none of them
reaches a log line or a ledger entry.

Planted: in every access token (the test issuer adds them as `email`/`name` claims), in every HTTP request's
headers and every `tools/call`'s `_meta` (mcp_client), in the arguments of every non-send call (an extra
`note` argument; send arguments are bound by grant content digests, so email bodies carry them instead), and
in the demo upstream's tool outputs (invoice contact fields). The sweep runs when the session ends, over every
`warden` process's output, every `warden` CLI output, and every ledger entry bundle written under the
session's temporary directory; it also looks for every access token the suite was issued.
"""

from pathlib import Path

CANARIES = {
    "email": "canary.person.7731@example.org",
    "iban": "GB82WEST12345698765432",
    "card": "4111 1111 1111 1111",
    "aws": "AKIAQCANARY7EXAMPLE9",  # pragma: allowlist secret (a planted canary, not a key)
    "github": "ghp_" + "C" * 36,
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeS10b2tlbg",  # pragma: allowlist secret
    "phone": "+44 20 7946 0958",
    # Values no redaction pattern can recognise: only keeping foreign text out of the logs protects them.
    # The demo upstream's `reject` tool sends them back in a JSON-RPC error message (test_security_review).
    "name": "Wilhelmina Canarybrook",
    "dob": "1961-04-27",
    "password": "Tr0ub4dor-canary-pw-5512",  # pragma: allowlist secret (a planted canary)
}

# Planted in every token, request header, `_meta` and argument (see above). The last three canaries are not:
# they are sent only where a test puts them, and swept for everywhere.
PLANTED = " ".join(value for key, value in CANARIES.items() if key not in ("name", "dob", "password"))

# Outputs of warden processes and CLI runs, and every access token issued, collected during the session.
WARDEN_OUTPUTS: list[Path] = []
CLI_OUTPUTS: list[str] = []
ISSUED_TOKENS: list[str] = []


def needles(tokens=()):
    """What must never appear: each canary (also without spaces) and the signature part of each token."""
    found = {}
    for name, canary in CANARIES.items():
        found[name] = canary
        found[name + " (compact)"] = canary.replace(" ", "")
    for index, token in enumerate(tokens):
        found[f"access token #{index}"] = token.rsplit(".", 1)[-1]
    return found


def sweep(texts, files, tokens=()):
    """Returns (what, where) for every needle found in the given texts (name -> text) and files."""
    hits = []
    wanted = needles(tokens)
    sources = dict(texts)
    for path in files:
        sources[str(path)] = Path(path).read_bytes().decode("utf-8", errors="replace")
    for where, text in sources.items():
        for what, needle in wanted.items():
            if needle in text:
                hits.append((what, where))
    return hits


def ledger_bundles(root: Path):
    """Every entry bundle of every ledger under `root` (C2SP tlog-tiles `tile/entries/...`)."""
    return [p for p in root.rglob("*") if p.is_file() and "/ledger/tile/entries/" in str(p)]
