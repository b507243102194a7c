"""Fails when a detect-secrets baseline holds a finding not audited as a false positive (is_secret: false).

Used by scripts/test after `detect-secrets scan --baseline COPY`, which adds new findings to the copy."""

import json
import sys

baseline = json.load(open(sys.argv[1]))
unaudited = [
    (path, finding["type"], finding.get("line_number"))
    for path, findings in baseline["results"].items()
    for finding in findings
    if finding.get("is_secret") is not False
]
for path, kind, line in unaudited:
    print(f"unaudited potential secret: {path}:{line}: {kind}")
print(f"detect-secrets: {sum(len(v) for v in baseline['results'].values())} findings, {len(unaudited)} unaudited")
sys.exit(1 if unaudited else 0)
