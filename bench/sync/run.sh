#!/usr/bin/env bash
# Sync benchmarks (release build): initial pull vs raw bulk insert, and A→B visibility latency.
# Usage: bench/sync/run.sh [ROWS] [ROUNDS]   (defaults 100000 and 200)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo run --release -q -p onetrip-client --example bench_sync -- "${1:-100000}" "${2:-200}"
