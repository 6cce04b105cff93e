#!/bin/sh
# The browser tests drive Debian's Chromium through Playwright: its headless shell
# (chromium-headless-shell, the renderer Playwright itself uses headless; about half the CPU
# of the full browser) when installed, else chromium. Install both when missing.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromium-headless-shell ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium and chromium-headless-shell for the browser tests (apt-get)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq chromium chromium-headless-shell >/dev/null && exit 0
  echo "apt-get could not install chromium." >&2
  [ -x /usr/bin/chromium ] && exit 0
  exit 1
fi
[ -x /usr/bin/chromium ] && exit 0  # the full browser does the same, more slowly
echo "Browser tests need Chromium: run 'sudo apt-get install chromium chromium-headless-shell'." >&2
[ "${CI:-}" = "true" ] && exit 1
exit 0
