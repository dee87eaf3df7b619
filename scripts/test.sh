#!/usr/bin/env bash
# `npm test`: installs what is missing, starts what the tests need (PostgreSQL, Xvfb, a kernel
# keyring session, WebDriver), runs every test, and stops what it started.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

OUTPUT="$ROOT/tests/output"
mkdir -p "$OUTPUT"
PIDS=()
PG_STARTED=""

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$PG_STARTED" ]; then
    say "Stopping PostgreSQL $PG_STARTED"
    as_root pg_ctlcluster $PG_STARTED stop || true
  fi
}
trap cleanup EXIT

start_postgres() {
  local version cluster port status
  read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
  if [ -z "${version:-}" ]; then
    echo "No PostgreSQL cluster found (pg_lsclusters is empty)" >&2
    return 1
  fi
  if [ "$status" != "online" ]; then
    say "Starting PostgreSQL $version/$cluster on port $port"
    as_root pg_ctlcluster "$version" "$cluster" start
    PG_STARTED="$version $cluster"
  fi
  local psql=(as_root runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt)
  "${psql[@]}" -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'onetrip') THEN
        CREATE ROLE onetrip LOGIN SUPERUSER PASSWORD 'onetrip';
      END IF; END \$\$;"
  # Databases left by earlier runs.
  for db in $("${psql[@]}" -c "SELECT datname FROM pg_database WHERE datname LIKE 'onetrip_test_%'"); do
    "${psql[@]}" -c "DROP DATABASE \"$db\"" || true
  done
  export ONETRIP_TEST_DATABASE_URL="postgres://onetrip:onetrip@127.0.0.1:$port/postgres"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_for_url() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "Timed out waiting for $1" >&2
  return 1
}

start_xvfb() {
  local n=99
  while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$OUTPUT/xvfb.log" 2>&1 &
  PIDS+=($!)
  export DISPLAY=":$n"
  for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$n" ] && return 0; sleep 0.1; done
  echo "Xvfb did not start" >&2
  return 1
}

say "Checking dependencies"
ensure_packages "${DESKTOP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_npm_packages
ensure_python_tools
if ! command -v tauri-driver >/dev/null; then
  say "Installing tauri-driver"
  cargo install tauri-driver --locked
fi
export PATH="$HOME/.cargo/bin:$PATH"

say "Formatting and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

say "UI type check and unit tests"
npm run --silent typecheck
npx vitest run

start_postgres

say "Rust tests (SQLite and PostgreSQL, blobs on an S3-compatible server; kernel keyring session)"
export ONETRIP_MOTO_SERVER="$VENV/bin/moto_server"
keyctl session - cargo test --workspace --no-fail-fast

say "Generated TypeScript bindings are current"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  git --no-pager diff -- ui/src/bindings
  echo "ui/src/bindings/ is stale: commit the files the Rust wire types generate" >&2
  exit 1
fi

say "Browser end to end: the web build against a real onetrip-server"
npm run --silent build:web
cargo build -p onetrip-server -p onetrip-drawings
TARGET="$(target_dir)"
WEB_DATA="$(mktemp -d)"
WEB_PORT="$(free_port)"
"$TARGET/debug/onetrip-server" --listen "127.0.0.1:$WEB_PORT" --data-dir "$WEB_DATA" --web-dir ui/dist \
  >"$OUTPUT/web-server.log" 2>&1 &
PIDS+=($!)
wait_for_url "http://127.0.0.1:$WEB_PORT/api/health"
ONETRIP_BASE_URL="http://127.0.0.1:$WEB_PORT" ONETRIP_OUTPUT="$OUTPUT" \
  ONETRIP_SIGNING_KEY="$WEB_DATA/issuer-ed25519.key" ONETRIP_SERVER_BIN="$TARGET/debug/onetrip-server" \
  ONETRIP_DRAWING_SET_BIN="$TARGET/debug/drawing-set" \
  node --test --test-concurrency=1 tests/web/

say "API description: schemathesis against a real onetrip-server, signed in as the demo admin"
bash scripts/api-check.sh "$TARGET/debug/onetrip-server" "$OUTPUT"

say "Desktop end to end: the real app under Xvfb through WebDriver"
APP="$(build_desktop)"
start_xvfb
DRIVER_PORT="$(free_port)"
DESKTOP_DATA="$(mktemp -d)"
# A private print system with the cups-pdf virtual printer for the app to print to.
CUPS_DIR="$(mktemp -d)"
CUPS_PORT="$(free_port)"
bash scripts/private-cups.sh "$CUPS_DIR" "$CUPS_PORT" >"$OUTPUT/cupsd.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  CUPS_SERVER="127.0.0.1:$CUPS_PORT" lpstat -p >/dev/null 2>&1 && break
  sleep 0.2
done
# The app inherits its environment from the driver: its data folder, its keyring session and
# its print system.
keyctl session - env ONETRIP_DATA_DIR="$DESKTOP_DATA" CUPS_SERVER="127.0.0.1:$CUPS_PORT" \
  tauri-driver --port "$DRIVER_PORT" >"$OUTPUT/tauri-driver.log" 2>&1 &
PIDS+=($!)
wait_for_url "http://127.0.0.1:$DRIVER_PORT/status"
ONETRIP_APP="$APP" ONETRIP_SERVER_BIN="$TARGET/debug/onetrip-server" ONETRIP_DRAWING_SET_BIN="$TARGET/debug/drawing-set" ONETRIP_WEBDRIVER="http://127.0.0.1:$DRIVER_PORT" ONETRIP_OUTPUT="$OUTPUT" \
  ONETRIP_PRINTED_DIR="$CUPS_DIR/out" ONETRIP_DATA_DIR="$DESKTOP_DATA" \
  node --test --test-concurrency=1 tests/desktop/
say "All tests passed; screenshots are in tests/output/"
