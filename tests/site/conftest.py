"""Fixtures for the tests of the built site: the HTML folder, a local server, a browser.

The HTML folder is `$SITE_HTML` (default `_build/html`); screenshots go to `$SITE_SCREENSHOTS`
(default `_build/screenshots`). The browser is the system Chromium (`/usr/bin/chromium`, or
`$CHROMIUM`), driven by Playwright; no browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_pages import HTML_DIR, ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",  # containers (CI) have a small /dev/shm
]
SCREENSHOTS = Path(os.environ.get("SITE_SCREENSHOTS", ROOT / "_build" / "screenshots"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Serve the built HTML on a free localhost port for the whole session."""
    if not (HTML_DIR / "index.html").exists():
        pytest.fail(f"no built site in {HTML_DIR} (build the book first, or set SITE_HTML)")
    handler = functools.partial(_QuietHandler, directory=str(HTML_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session (the system package, never a download)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs the Debian package chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def browser_context(browser: object) -> Iterator[object]:
    """A browser context with a laptop-sized viewport, shared by every page visit."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where one screenshot per page is kept as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
