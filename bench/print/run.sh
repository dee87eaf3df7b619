#!/usr/bin/env bash
# Print benchmark: COUNT drainage permits into one PDF with onetrip-print (release build),
# against headless Chromium printing the same permits from HTML, in the same run.
# Usage: bench/print/run.sh [COUNT]   (default 1000). Figures go to bench/RESULTS.md by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
COUNT="${1:-1000}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

cargo build --release -q -p onetrip-print --example bench_permits
TARGET="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys;print(json.load(sys.stdin)["target_directory"])')"

# Peak resident memory of a command and all its child processes, sampled every 20 ms.
run_measured() {
  local log="$1"; shift
  local start end peak=0 total pid
  start=$(date +%s.%N)
  setsid "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    total=$(ps -o rss= -g "$pid" 2>/dev/null | awk '{s+=$1} END {print s+0}')
    [ "$total" -gt "$peak" ] && peak=$total
    sleep 0.02
  done
  wait "$pid"
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc -l) $((peak / 1024))"
}

echo "== onetrip-print: $COUNT permits"
"$TARGET/release/examples/bench_permits" "$COUNT" "$OUT" | tee "$OUT/print.txt"
PRINT_S=$(grep '^render_s=' "$OUT/print.txt" | cut -d= -f2)
PDF_BYTES=$(grep '^pdf_bytes=' "$OUT/print.txt" | cut -d= -f2)
# The same again as a whole process (fonts loaded, three batches, no HTML), for peak memory.
read -r PRINT_WALL PRINT_PEAK < <(run_measured "$OUT/print-again.txt" \
  env BENCH_PDF_ONLY=1 "$TARGET/release/examples/bench_permits" "$COUNT" "$OUT/again")
echo "whole process (fonts, 1 + 3 batches): ${PRINT_WALL}s, peak ${PRINT_PEAK} MiB"

echo "== headless Chromium: the same $COUNT permits from HTML"
read -r CHROME_S CHROME_PEAK < <(run_measured "$OUT/chromium.log" \
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
  --user-data-dir="$OUT/profile" --print-to-pdf="$OUT/chromium.pdf" "file://$OUT/permits.html")
CHROME_BYTES=$(stat -c %s "$OUT/chromium.pdf")
CHROME_PAGES=$(pdfinfo "$OUT/chromium.pdf" | awk '/^Pages:/ {print $2}')
echo "chromium: ${CHROME_S}s, ${CHROME_BYTES} bytes, ${CHROME_PAGES} pages, peak ${CHROME_PEAK} MiB (all processes)"

echo "== summary"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
echo "onetrip-print render (median of 3): ${PRINT_S}s; ${PDF_BYTES} bytes; $(grep '^bytes_per_extra_page=' "$OUT/print.txt" | cut -d= -f2) bytes per extra page; peak ${PRINT_PEAK} MiB"
echo "chromium: ${CHROME_S}s; ${CHROME_BYTES} bytes; peak ${CHROME_PEAK} MiB"
echo "speed-up (chromium / render): $(echo "$CHROME_S / $PRINT_S" | bc -l | xargs printf '%.1f')x"

