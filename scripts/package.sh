#!/usr/bin/env bash
# `npm run package`: builds the release app and bundles it as a .deb and an .rpm with the Tauri
# bundler, offline. The packages land in the target folder's release/bundle/{deb,rpm}/; their
# paths are printed last.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ensure_packages "${DESKTOP_PACKAGES[@]}"
ensure_npm_packages
say "Building the release app and its packages (several minutes on two cores)"
npx tauri build --bundles deb,rpm --ci >&2
bundle="$(target_dir)/release/bundle"
ls -1 "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm
