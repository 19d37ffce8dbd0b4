"""The HTML edition in a real browser, as the intranet's readers get it.

Each page (the demo and the fixture reports) is built into a temporary folder and opened
from disk in Debian's Chromium, driven by Playwright (no browser download). axe-core runs
the WCAG 2.0 and 2.1 A and AA rules at a desktop and at a phone width; the Nu Html Checker
validates the markup; and the page must load nothing but itself, put the skip link first in
the Tab order, show focus, and fit 320 px without sideways scrolling.

`make test` installs axe-core and vnu-jar with `npm ci` (package-lock.json pins them), and
Chromium and Java with apt-get. Without Chromium or Java the tests that need them are
skipped with a reason; without `node_modules` they fail and say how to install it.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from tests.browser import Browser, open_browser
from tests.conftest import FIXTURES, REPO, SLOW_FIRST, built_report

log = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules/axe-core/axe.min.js"
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_DEMO_BYTES = 1_500_000

# One worker runs this whole module, so Chromium, the pages and the Java checker start once.
pytestmark = pytest.mark.xdist_group("browser")

SOURCES = {
    path.parent.name: path.parent
    for path in sorted(FIXTURES.glob("*/report.yaml")) + sorted(REPO.glob("exempel/*/report.yaml"))
}
"""Every fixture report under tests/fixtures/ and every example under exempel/, by folder name."""
PAGES = ["demo", *SOURCES]
"""The demo report, the fixture reports and the examples."""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian-paketet chromium saknas (make test installerar det)"
)
needs_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="java saknas (make test installerar default-jre-headless)"
)


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO)} saknas: kör `make test` (eller `npm ci --ignore-scripts`).")
    return path


@dataclass(frozen=True)
class Page:
    name: str
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()


@pytest.fixture(scope="module")
def pages(
    tmp_path_factory: pytest.TempPathFactory, demo: Path, request: pytest.FixtureRequest
) -> dict[str, Page]:
    """Every page, from the run's shared builds (`demo`, `first_release`, `built_report`),
    which the conformance, visual and example tests read too."""
    built = {"demo": Page("demo", demo / "arsrapport-2025.html")}
    for name in PAGES[1:]:
        if SOURCES[name] == FIXTURES / "demo-2025-first":
            out = request.getfixturevalue("first_release")
        else:
            out = built_report(tmp_path_factory, SOURCES[name]) / "output"
        built[name] = Page(name, next(out.glob("*.html")))
    return built


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with open_browser(CHROMIUM) as opened:
        yield opened


def test_the_browser_tests_run_in_one_worker(request):
    """Under `make test` (`--dist loadgroup`) this module's group keeps it in one worker, so
    Chromium and the Nu Html Checker's JVM start once (tests/conftest.py)."""
    if request.config.getoption("loadgroup", default=False):
        assert request.node.nodeid.endswith("@browser"), request.node.nodeid


def test_the_slow_modules_are_handed_out_first(request):
    """Under `make test` the tests of `SLOW_FIRST` come before every other test outside a
    group, so no long test is left for the end of the run (tests/conftest.py)."""
    if not request.config.getoption("loadgroup", default=False):
        return
    alone = [item.path.name for item in request.session.items if "@" not in item.nodeid]
    slow = [name in SLOW_FIRST for name in alone]
    assert slow == sorted(slow, reverse=True), alone


def test_demo_page_is_at_most_one_and_a_half_megabytes(pages):
    assert pages["demo"].path.stat().st_size <= MAX_DEMO_BYTES


# --- axe-core -------------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_a_or_aa_violations(pages, browser, name, width):
    axe = _needs(AXE).read_text(encoding="utf-8")
    with browser.page(pages[name].url, width=width) as page:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.add_script_tag(content=axe)
        results = page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
    assert results["passes"], "axe ran no rule"
    assert _violations(results) == []


def _violations(results: dict[str, Any]) -> list[str]:
    """One readable line per failing element: rule, impact, element and what to fix."""
    lines = []
    for rule in results["violations"]:
        for node in rule["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{rule['id']} ({rule['impact']}): {' '.join(node['target'])}: {summary}")
    return lines


# --- the Nu Html Checker --------------------------------------------------------------------


@pytest.fixture(scope="module")
def vnu_messages(pages) -> dict[str, list[dict[str, Any]]]:
    """The checker's messages for every page, from one run (the JVM starts once)."""
    paths = {page.path.resolve(): page.name for page in pages.values()}
    run = subprocess.run(
        ["java", "-jar", str(_needs(VNU)), "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    messages: dict[str, list[dict[str, Any]]] = {name: [] for name in paths.values()}
    for message in json.loads(run.stderr or run.stdout)["messages"]:
        path = Path(unquote(urlparse(message.get("url", "")).path)).resolve()
        messages[paths[path]].append(message)
    return messages


@needs_java
@pytest.mark.parametrize("name", PAGES)
def test_nu_html_checker_finds_no_errors(vnu_messages, name):
    messages = vnu_messages[name]
    errors = [_message(m) for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    for warning in (m for m in messages if m not in errors):
        log.warning("vnu: %s", _message(warning))  # allowed, and listed in the test's log
    assert errors == []


def _message(message: dict[str, Any]) -> str:
    where = f"rad {message.get('lastLine', '?')}"
    extract = " ".join(message.get("extract", "").split())[:120]
    return f"{message['type']} {where}: {message['message']} [{extract}]"


# --- what the page does in the browser ------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_loading_the_page_requests_nothing_but_the_file(pages, browser, name):
    url = pages[name].url
    with browser.page(url, width=1280) as page:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(200)
        requested = list(browser.requests)
    assert requested == [url]


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_the_first_tab_reaches_the_skip_link_which_shows_and_leads_to_the_text(pages, browser, name):
    with browser.page(pages[name].url, width=1280) as page:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement, r = e.getBoundingClientRect();
                       return {cls: e.className, text: e.textContent, href: e.getAttribute('href'),
                               visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0}; }"""
        )
        assert focused == {
            "cls": "skip-link",
            "text": "Hoppa till innehållet",
            "href": "#innehall",
            "visible": True,
        }
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        inside_main = page.evaluate("() => document.activeElement.closest('main') !== null")
    assert inside_main


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_every_focused_element_shows_a_focus_indicator(pages, browser, name):
    with browser.page(pages[name].url, width=1280) as page:
        unmarked = []
        for _ in range(40):
            page.keyboard.press("Tab")
            unmarked += page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                           if (e === document.body) return [];  // Tab has left the page
                           const marked = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                                          || s.boxShadow !== 'none';
                           return marked ? [] : [e.outerHTML.slice(0, 100)]; }"""
            )
    assert unmarked == []


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_at_320_px_the_page_does_not_scroll_sideways(pages, browser, name):
    with browser.page(pages[name].url, width=320) as page:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        widths = page.evaluate(
            """() => ({scroll: document.documentElement.scrollWidth, viewport: window.innerWidth,
                       wider: [...document.querySelectorAll('body *')]
                         .filter(e => !e.closest('.table-wrap'))
                         .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                         .slice(0, 5).map(e => e.outerHTML.slice(0, 80))})"""
        )
    assert widths["wider"] == []
    assert widths["scroll"] <= widths["viewport"]


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_every_link_inside_the_page_has_a_target(pages, browser, name):
    with browser.page(pages[name].url, width=1280) as page:
        missing = page.evaluate(
            """() => [...document.querySelectorAll('a[href^="#"]')]
                       .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
                       .filter(id => !document.getElementById(id))"""
        )
    assert missing == []


@needs_chromium
def test_footnotes_link_to_the_note_and_back_to_the_text(pages, browser):
    with browser.page(pages["screen"].url, width=1280) as page:
        page.click("sup.footnote-ref a >> nth=1")
        note = page.evaluate("() => document.querySelector(':target').id")
        page.click(f"[id='{note}'] a.footnote-backref >> nth=0")
        back = page.evaluate("() => document.querySelector(':target').id")
    assert (note, back) == ("fn-ett-langre-arbetsliv-1", "fnref-ett-langre-arbetsliv-1")


@needs_chromium
def test_on_a_phone_the_contents_are_folded_and_the_text_starts_near_the_top(pages, browser):
    with browser.page(pages["demo"].url, width=375) as page:
        folded = page.evaluate(
            """() => ({list: document.querySelector('.toc-list').checkVisibility(),
                       text: document.querySelector('.report-body h2').getBoundingClientRect().top})"""
        )
        page.click(".toc-details > summary")
        opened = page.evaluate("() => document.querySelector('.toc-list').checkVisibility()")
    assert folded == {"list": False, "text": folded["text"]} and folded["text"] < 700
    assert opened
    with browser.page(pages["demo"].url, width=1280) as page:
        wide = page.evaluate(
            """() => ({list: document.querySelector('.toc-list').checkVisibility(),
                       summary: document.querySelector('.toc-details > summary').checkVisibility()})"""
        )
    assert wide == {"list": True, "summary": False}


@needs_chromium
def test_on_a_phone_a_long_title_keeps_its_words_whole_and_appendix_numbers_fit(pages, browser):
    """`Plan för bättre kompetensförsörjning` at 375 px: the compound fits the header whole,
    and `Bilaga 1` in the contents stays on one line at 1280 px."""
    with browser.page(pages["vasternorrland-plan"].url, width=375) as page:
        fits = page.evaluate(
            """() => { const h1 = document.querySelector('.site-header h1');
                       h1.style.overflowWrap = 'normal';
                       return h1.scrollWidth <= h1.clientWidth; }"""
        )
    assert fits
    with browser.page(pages["vasternorrland-plan"].url, width=1280) as page:
        lines = page.evaluate(
            """() => [...document.querySelectorAll('.toc .toc-number')].map(n => {
                       const range = document.createRange(); range.selectNodeContents(n);
                       return [n.textContent.replace(/\\s+/g, ' '), range.getClientRects().length]; })"""
        )
    assert ["Bilaga 1", 1] in lines, lines
    assert [entry for entry in lines if entry[1] != 1] == []
