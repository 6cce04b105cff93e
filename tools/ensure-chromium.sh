#!/bin/sh
# The browser tests drive Debian's chromium through Playwright. Install it when missing.
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium for the browser tests (apt-get)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    && exit 0
  echo "apt-get could not install chromium." >&2
  exit 1
fi
echo "Browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2
[ "${CI:-}" = "true" ] && exit 1
exit 0
