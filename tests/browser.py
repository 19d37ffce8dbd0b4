"""Debian's Chromium, driven by Playwright for the browser tests (tests/test_browser.py).

Playwright is only the driver here: it launches the Chromium that apt-get installed
(`executable_path`), never a browser of its own, and nothing is downloaded. Every page is
opened in a fresh context that records each request it makes and refuses any request to
the network, so a page that tried to fetch something is caught without anything leaving
the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser as PlaywrightBrowser
from playwright.sync_api import Page, Route, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
_NETWORK = re.compile(r"^(?!file:|data:|about:)[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class Browser:
    """One Chromium for a test module; `page()` opens a URL in a fresh, recorded context."""

    def __init__(self, browser: PlaywrightBrowser) -> None:
        self._browser = browser
        self.requests: list[str] = []
        """The URLs the last page requested (data: URLs are not requests)."""

    @contextmanager
    def page(self, url: str, width: int, height: int = 900) -> Iterator[Page]:
        context = self._browser.new_context(viewport={"width": width, "height": height})
        self.requests = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.route(_NETWORK, _refuse)
        try:
            page = context.new_page()
            page.goto(url, wait_until="load")
            yield page
        finally:
            context.close()


def _refuse(route: Route) -> None:
    route.abort("blockedbyclient")


@contextmanager
def open_browser(executable: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        try:
            yield Browser(browser)
        finally:
            browser.close()
