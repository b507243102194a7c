#!/usr/bin/env bash
# Runs WardenOAuth's verifier against a real authorization server process (authlib_server.py).
# Usage: e2e/idp/run_verifier_e2e.sh [package-dir]   (PYTHON= a python with requirements.txt installed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
package_dir="${1:-.}"
python="${PYTHON:-python3}"
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
issuer="http://127.0.0.1:${port}"
client="agent-1:e2e-secret:analyst,reader"
log="$(mktemp)"

"$python" "$here/authlib_server.py" --port "$port" --issuer "$issuer" --client "$client" >"$log" 2>&1 &
idp_pid=$!
trap 'kill "$idp_pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 100); do
    grep -q "^READY " "$log" && break
    kill -0 "$idp_pid" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.1
done
grep -q "^READY " "$log" || { echo "authorization server did not start"; cat "$log"; exit 1; }

cd "$package_dir"
WARDEN_TEST_IDP_URL="$issuer" WARDEN_TEST_IDP_CLIENT="$client" swift test --filter ExternalIdentityProviderTests
