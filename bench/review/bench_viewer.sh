#!/usr/bin/env bash
# The viewer benchmark (bench_viewer.mjs): the release desktop app under Xvfb through
# tauri-driver, and the same UI in Chromium from an onetrip-server, both beside pdftoppm.
#
#   npx tauri build --no-bundle --ci && npm run build:web \
#     && cargo build --release -p onetrip-server -p onetrip-drawings \
#     && bash bench/review/bench_viewer.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')}"
PROFILE="${PROFILE:-release}"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_for_url() { for _ in $(seq 1 150); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "timed out: $1" >&2; return 1; }
n=110; while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & PIDS+=($!)
export DISPLAY=":$n"
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
WEB_PORT="$(free_port)"
"$TARGET/$PROFILE/onetrip-server" --listen "127.0.0.1:$WEB_PORT" --data-dir "$(mktemp -d)" --web-dir ui/dist >/dev/null 2>&1 & PIDS+=($!)
wait_for_url "http://127.0.0.1:$WEB_PORT/api/health"
DRIVER_PORT="$(free_port)"
keyctl session - env ONETRIP_DATA_DIR="$(mktemp -d)" "$HOME/.cargo/bin/tauri-driver" --port "$DRIVER_PORT" >/dev/null 2>&1 & PIDS+=($!)
wait_for_url "http://127.0.0.1:$DRIVER_PORT/status"
ONETRIP_APP="$TARGET/$PROFILE/onetrip-desktop" ONETRIP_WEBDRIVER="http://127.0.0.1:$DRIVER_PORT" \
  ONETRIP_BASE_URL="http://127.0.0.1:$WEB_PORT" ONETRIP_DRAWING_SET_BIN="$TARGET/$PROFILE/drawing-set" \
  node bench/review/bench_viewer.mjs
