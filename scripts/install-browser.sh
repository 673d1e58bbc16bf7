#!/usr/bin/env bash
# Make a headless Chromium available to the browser tests and PNG export.
# Debian's chromium when we can install packages (root); otherwise Playwright's
# own download. Stops with a clear message when neither is possible.
set -euo pipefail
# strace lets tests/maps/test_browser_network.py prove the PNG export's
# Chromium sends nothing to any network; best effort, the test says if missing.
if ! command -v strace >/dev/null 2>&1 && [ "$(id -u)" = "0" ] \
  && command -v apt-get >/dev/null 2>&1; then
  echo "Installing strace for the offline-browser test..." >&2
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do  # another apt-get may hold the lock for a while
    if apt-get install -y -qq strace >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get install -y -qq strace >/dev/null; }; then
      break
    fi
    sleep $((attempt * 10))
  done
fi
if [ -n "${KZMAP_CHROMIUM:-}" ] && [ -x "${KZMAP_CHROMIUM}" ]; then
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  command -v chromium >/dev/null 2>&1 && exit 0
fi
if [ -x .venv/bin/playwright ] && .venv/bin/playwright install chromium; then
  exit 0
fi
echo "error: no headless Chromium. Install Debian's 'chromium' package (as root)," >&2
echo "or set KZMAP_CHROMIUM to a Chromium executable, then rerun 'make test'." >&2
exit 1
