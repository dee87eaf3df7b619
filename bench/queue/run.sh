#!/usr/bin/env bash
# Queue benchmark (release build): issue / call / finish with many windows busy, through the
# server and straight to the storage (the limit), on SQLite and, when a URL is given, PostgreSQL.
# Usage: bench/queue/run.sh [WINDOWS] [SECONDS] [POSTGRES_URL]   (defaults 200 and 10)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo build --release -q -p onetrip-client --example bench_queue
bin="${CARGO_TARGET_DIR:-target}/release/examples/bench_queue"
"$bin" "${1:-200}" "${2:-10}"
if [ -n "${3:-}" ]; then "$bin" "${1:-200}" "${2:-10}" "$3"; fi
