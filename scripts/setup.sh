# Shared setup for `npm start` and `npm test`: installs what is missing, nothing more.
# Sourced by scripts/start.sh and scripts/test.sh.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# Debian packages the desktop app needs to build and run (Tauri on WebKitGTK), CJK fonts, and
# the CUPS client commands (lp, lpstat) it prints through.
DESKTOP_PACKAGES=(build-essential pkg-config curl wget file libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev fonts-noto-cjk
  cups-client)
# What the tests add: virtual display, WebDriver for WebKitGTK, kernel keyring tools,
# Chromium for browser tests, PostgreSQL, screenshot tools; for printing: PDF tools (poppler,
# qpdf), a QR decoder, and CUPS with its PDF-writing virtual printer.
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver keyutils chromium postgresql imagemagick
  poppler-utils qpdf zbar-tools cups printer-driver-cups-pdf)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root to run: $*" >&2; return 1; fi
}

ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_npm_packages() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing npm packages"
    npm ci --no-audit --no-fund
  fi
}

# Python tools the tests use (schemathesis; moto, an S3-compatible server), in a virtual environment inside the project's
# ignored folders; prints nothing when it is current.
PYTHON_TOOLS=(schemathesis==4.32.5 "moto[server]==5.2.5")
VENV="$ROOT/.venv"
ensure_python_tools() {
  local stamp="$VENV/.installed"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the Python environment $VENV"
    python3 -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${PYTHON_TOOLS[*]}" ]; then
    say "Installing Python tools: ${PYTHON_TOOLS[*]}"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_TOOLS[@]}"
    echo "${PYTHON_TOOLS[*]}" >"$stamp"
  fi
}

# The cargo target folder (CARGO_TARGET_DIR may move it out of the tree).
target_dir() {
  cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))'
}

# Builds the desktop app with the web UI embedded; prints the binary's path.
build_desktop() {
  say "Building the desktop app (first build takes several minutes)" >&2
  npx tauri build --debug --no-bundle --ci >&2
  echo "$(target_dir)/debug/onetrip-desktop"
}
