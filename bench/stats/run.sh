#!/usr/bin/env bash
# Statistics benchmark (release build): a month of tickets at one site, and the supervisor's
# statistics over it, on SQLite and, when a URL of an empty database is given, PostgreSQL.
# Usage: bench/stats/run.sh [TICKETS] [POSTGRES_URL]   (default 100000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo build --release -q -p onetrip-server --example bench_stats
bin="${CARGO_TARGET_DIR:-target}/release/examples/bench_stats"
"$bin" "${1:-100000}"
if [ -n "${2:-}" ]; then "$bin" "${1:-100000}" "$2"; fi
