#!/usr/bin/env bash
# Queue benchmark (release build): issue / call / finish with many windows busy, through the
# server and straight to the storage (the limit), on SQLite and, when a URL is given, on a fresh
# PostgreSQL database made for the run and dropped after it.
# Usage: bench/queue/run.sh [WINDOWS] [SECONDS] [POSTGRES_URL]   (defaults 200 and 10)
# BENCH_RATE sets the offered load of the paced half (default 2000 operations per second).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo build --release -q -p onetrip-client --example bench_queue
bin="${CARGO_TARGET_DIR:-target}/release/examples/bench_queue"
"$bin" "${1:-200}" "${2:-10}"
if [ -n "${3:-}" ]; then
  db="onetrip_bench_$$"
  psql "$3" -qc "CREATE DATABASE $db"
  trap 'psql "$3" -qc "DROP DATABASE IF EXISTS $db"' EXIT
  "$bin" "${1:-200}" "${2:-10}" "${3%/*}/$db"
fi
