"""Debian's Chromium, driven by Playwright for the browser tests (tests/test_browser.py).

Playwright is only the driver here: it launches the Chromium that apt-get installed
(`executable_path`), never a browser of its own, and nothing is downloaded. Every page is
opened in one recorded context that notes each request a page makes and refuses any request
to the network, so a page that tried to fetch something is caught without anything leaving
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
    """One Chromium for a test module, with one tab that `page()` opens each URL in.

    The tab's context records each request and refuses any to the network. It is made once:
    a fresh context for every page cost Chromium a new renderer process, about 0.7 s of
    processor time a page (tests/test_browser.py opens some 80), where a navigation in the
    same tab costs 0.2 s. Each URL is a new document (its own DOM, scripts, focus and
    scrolling), and the tab goes back to `about:blank` when a page is done, so the next
    opening is a new load, never a reload of the same document."""

    def __init__(self, browser: PlaywrightBrowser) -> None:
        self.requests: list[str] = []
        """The URLs the last page requested (data: URLs are not requests)."""
        self._context = browser.new_context()
        self._context.on("request", lambda request: self.requests.append(request.url))
        self._context.route(_NETWORK, _refuse)
        self._tab = self._context.new_page()

    @contextmanager
    def page(self, url: str, width: int, height: int = 900) -> Iterator[Page]:
        self._tab.set_viewport_size({"width": width, "height": height})
        self.requests = []
        try:
            self._tab.goto(url, wait_until="load")
            yield self._tab
        finally:
            self._tab.goto("about:blank")

    def close(self) -> None:
        self._context.close()


def _refuse(route: Route) -> None:
    route.abort("blockedbyclient")


@contextmanager
def open_browser(executable: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=ARGS)
        opened = Browser(browser)
        try:
            yield opened
        finally:
            opened.close()
            browser.close()
