#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and opens the desktop app in standalone mode.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'
没有可用的图形显示（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开 OneTrip 窗口。
在无显示器的机器上，请通过虚拟显示运行：xvfb-run -a npm start

No graphical display (DISPLAY and WAYLAND_DISPLAY are unset), so the OneTrip window cannot open.
On a machine without a display, run it under a virtual one:  xvfb-run -a npm start
MSG
  exit 2
fi

ensure_packages "${DESKTOP_PACKAGES[@]}"
ensure_npm_packages
app="$(build_desktop)"
say "Starting OneTrip in standalone mode; the demo accounts are printed below"
exec "$app"
