#!/usr/bin/env bash
# Makes sure a headless Chromium is installed for the report-page browser test
# (harness/test/e2e/report-page.test.ts): Debian's chromium-headless-shell,
# else chromium, installed with apt-get when missing and we are root. Never
# downloads a browser build of its own. Prints the browser's path; without
# one it says why and still exits 0, and the browser test skips with that
# reason. AHC_CHROMIUM names a browser to use instead.
set -uo pipefail

find_chromium() {
  local c
  for c in "${AHC_CHROMIUM:-}" /usr/bin/chromium-headless-shell /usr/lib/chromium/chromium-headless-shell \
    /usr/bin/chromium /usr/lib/chromium/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [[ -n "$c" && -x "$c" ]]; then echo "$c"; return 0; fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "chromium: not installed and not root; install chromium-headless-shell (Debian) or set AHC_CHROMIUM" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not installed and no apt-get here; install a headless Chromium or set AHC_CHROMIUM" >&2
  exit 0
fi

echo "installing chromium-headless-shell with apt-get…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || echo "chromium: apt-get update failed" >&2
if ! apt-get install -y -qq --no-install-recommends chromium-headless-shell >&2; then
  echo "chromium: chromium-headless-shell not installable, trying chromium" >&2
  apt-get install -y -qq --no-install-recommends chromium >&2 || echo "chromium: apt-get install failed" >&2
fi

if path="$(find_chromium)"; then
  echo "$path"
else
  echo "chromium: could not be installed; the report-page browser test will be skipped" >&2
fi
exit 0
