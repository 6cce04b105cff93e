"""A live server in a thread and headless Debian Chromium driven by Playwright.

One Chromium serves the whole run (starting it costs seconds): `chromium()` lends it to a
test, which gets fresh contexts (own cookies and storage) that are closed afterwards. It is
Debian's headless shell when installed (tools/ensure-chromium.sh): the same engine without
the desktop browser around it, which took half the CPU for the same tests here (9.5 s
against 21 s); else the full browser.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
     if os.path.exists(path)), "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage"]
_shared: dict = {}


def require_chromium() -> None:
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    message = ("Chromium missing: run `sudo apt-get install chromium chromium-headless-shell` "
               "(make test does as root)")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class _Lent:
    """The shared browser as one test sees it: the contexts it opens close when it ends."""

    def __init__(self, browser):
        self._browser, self._contexts = browser, []

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        self._contexts.append(context)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()

    def __getattr__(self, name):
        return getattr(self._browser, name)


def _browser():
    if "browser" not in _shared or not _shared["browser"].is_connected():
        from playwright.sync_api import sync_playwright

        if "playwright" not in _shared:
            _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=FLAGS, headless=True)
    return _shared["browser"]


@contextmanager
def chromium():
    require_chromium()
    lent = _Lent(_browser())
    try:
        yield lent
    finally:
        lent.close()


def shutdown() -> None:
    """End of the run: close the shared browser, if one was started."""
    browser, playwright = _shared.pop("browser", None), _shared.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()
