#!/usr/bin/env bash
# Checks that /api/openapi.json describes what a real onetrip-server answers: schemathesis
# with all of its checks against a fresh server on SQLite, signed in as the demo admin. The
# event streams never end, so they are left out; logout is checked on its own at the end,
# since it ends the session the other requests use.
# Usage: scripts/api-check.sh SERVER-BINARY OUTPUT-FOLDER
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER="$1"
OUTPUT="$2"
SCHEMATHESIS="$ROOT/.venv/bin/schemathesis"
CONFIG="$ROOT/tests/api/schemathesis.toml"

DATA="$(mktemp -d)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$SERVER" --listen "127.0.0.1:$PORT" --data-dir "$DATA" >"$OUTPUT/api-check-server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/api/health" 2>/dev/null && break
  sleep 0.2
done

token() {
  curl -fsS -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))'
}
TOKEN="$(token admin Yuhuan@2026)"
# An applicant's account, for the portal's routes, which refuse staff.
curl -fsS -o /dev/null -X POST "$BASE/api/applicants" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $TOKEN" \
  -d '{"username":"api-check","password":"Jianshe@2026","display_name":"王经办","organisation_name":"玉环市城市建设投资有限公司","credit_code":"91330000MA2ABCDE1L","phone":"13805761234"}'
APPLICANT="$(token api-check Jianshe@2026)"

run() {
  # Hypothesis keeps its example database in the working folder: keep it with the output.
  (cd "$OUTPUT" && "$SCHEMATHESIS" --config-file "$CONFIG" run "$BASE/api/openapi.json" \
    -H "Authorization: Bearer ${AS:-$TOKEN}" --checks all "$@")
}
run --exclude-path-regex '/events$|^/api/portal/' --exclude-path /api/auth/logout | tee "$OUTPUT/api-check.txt"
AS="$APPLICANT" run --include-path-regex '^/api/portal/' | tee -a "$OUTPUT/api-check.txt"
run --include-path /api/auth/logout | tee -a "$OUTPUT/api-check.txt"
