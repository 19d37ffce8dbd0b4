"""The screen edition's frame, read as HTML: landmarks, skip link, contents, footnotes,
tables and the accessibility statement filled from report.yaml. (The page in a browser,
with axe-core and the Nu Html Checker, is tests/test_browser.py.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.rendering import SETTINGS, chapter, errors_of, html_of, print_html_of, project

CHAPTERS = {
    "01-a.md": chapter("Inledning", "Text.[^1] Mer.[^1]\n\n## Bakgrund\n\nText.\n\n[^1]: En fotnot.\n"),
    "02-b.md": chapter("Resultat", "## Läget\n\n### Norr\n\nText.\n"),
}
CONTACT = """contact:
  name: Sekretariatet
  email: sekretariatet@example.se
  phone: 090-10 00 00
"""


class _Elements(HTMLParser):
    """Start tags in document order, as (tag, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _body(html: str) -> str:
    return html[html.index("<body") :]


def _statement(html: str) -> str:
    start = html.index('<aside class="statement"')
    return html[start : html.index("</aside>", start)]


def test_the_page_has_one_of_each_landmark_and_a_swedish_title(tmp_path):
    html = html_of(project(tmp_path, CHAPTERS))
    assert '<html lang="sv">' in html
    assert "<title>Testrapport 2030 – Testberedningen</title>" in html
    tags = [tag for tag, _ in _Elements(_body(html)).tags]
    assert [tags.count(tag) for tag in ("header", "nav", "main", "footer", "h1")] == [1, 1, 1, 1, 1]


def test_the_skip_link_is_the_first_focusable_element_and_points_at_main(tmp_path):
    tags = _Elements(_body(html_of(project(tmp_path, CHAPTERS)))).tags
    focusable = [
        (tag, attrs)
        for tag, attrs in tags
        if (tag == "a" and "href" in attrs) or tag in ("button", "summary", "input") or "tabindex" in attrs
    ]
    assert focusable[0] == ("a", {"class": "skip-link", "href": "#innehall"})
    assert ("main", {"id": "innehall", "class": "report-body"}) in tags


def test_the_contents_nest_sections_under_their_chapter_with_numbers(tmp_path):
    html = html_of(project(tmp_path, CHAPTERS, settings=SETTINGS + "numbering_depth: 3\n"))
    nav = html[html.index('<nav class="toc"') : html.index("</nav>")]
    text = re.sub(r"<[^>]+>", "", nav)
    assert [" ".join(line.split()) for line in text.splitlines() if line.strip()] == [
        "Innehåll",
        "Visa innehållet",  # the summary of the disclosure a phone shows folded
        "1 Inledning",
        "1.1 Bakgrund",
        "2 Resultat",
        "2.1 Läget",
        "2.1.1 Norr",
        "Tillgänglighetsredogörelse",
    ]
    assert nav.count("<ol") == nav.count("</ol>") == 4  # the list, chapter 1, chapter 2, 2.1
    assert nav.count("<li") == nav.count("</li>") == 5


def test_footnotes_are_linked_both_ways_with_swedish_names(tmp_path):
    html = html_of(project(tmp_path, CHAPTERS))
    assert re.findall(r'<a href="#(fn-[^"]+)" id="(fnref-[^"]+)" aria-label="([^"]+)">1</a>', html) == [
        ("fn-inledning-1", "fnref-inledning-1", "Fotnot 1"),
        ("fn-inledning-1", "fnref-inledning-1:1", "Fotnot 1"),
    ]
    assert '<section class="footnotes" aria-label="Fotnoter">' in html
    assert re.findall(
        r'<a href="#([^"]+)" class="footnote-backref" aria-label="([^"]+)">([^<]+)</a>', html
    ) == [
        ("fnref-inledning-1", "Tillbaka till texten vid fotnot 1", "Tillbaka till texten"),
        (
            "fnref-inledning-1:1",
            "Tillbaka till texten vid fotnot 1, hänvisning 2",
            "Tillbaka till texten (2)",
        ),
    ]
    assert "↩" not in html


def test_a_markdown_table_scrolls_in_a_named_region_the_keyboard_reaches(tmp_path):
    body = "| Kommun | Invånare |\n|---|---:|\n| Norsjö | 3 894 |\n\n| | |\n|---|---|\n| a | b |\n"
    html = html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert re.findall(r'<div class="table-wrap"[^>]*>', html) == [
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Tabell: Kommun, Invånare">',
        '<div class="table-wrap" role="region" tabindex="0" aria-label="Tabell">',
    ]


def test_the_statement_without_settings_is_full_and_uses_the_report_contact(tmp_path):
    statement = _statement(html_of(project(tmp_path, CHAPTERS, settings=SETTINGS + CONTACT)))
    text = " ".join(re.sub(r"<[^>]+>", "", statement).split())
    # soft hyphens, so that the word breaks with a hyphen on a phone
    heading = "Till\u00adgäng\u00adlig\u00adhets\u00adre\u00addo\u00adgö\u00adrelse"
    assert f'<h2 id="tillganglighet-rubrik">{heading}</h2>' in statement
    assert "gäller webbsidan ”Testrapport 2030” från Testberedningen, publicerad 20 augusti 2030" in text
    assert "Sidan är helt förenlig med lagen om tillgänglighet till digital offentlig service." in text
    assert "Vi känner inte till några brister i sidans tillgänglighet." in text
    assert "Skriv till sekretariatet@example.se eller ring 090-10 00 00." in text
    assert '<a href="https://www.digg.se/">www.digg.se</a>' in statement
    assert "Myndigheten för digital förvaltning (DIGG) har tillsyn" in text
    assert "axe-core" in text and "Nu Html Checker" in text
    assert "Sidan bedömdes senast 20 augusti 2030. Redogörelsen uppdaterades senast 20 augusti 2030." in text


def test_the_statement_is_filled_from_the_accessibility_settings(tmp_path):
    settings = (
        SETTINGS
        + CONTACT
        + """accessibility:
  contact_email: tillganglighet@example.se
  response_time: tre arbetsdagar
  manual_testing: Sidan har lästs med skärmläsaren NVDA.
  assessed: 2030-08-01
  updated: 2030-08-15
  known_issues:
    - Diagrammens text kan inte förstoras för sig.
"""
    )
    text = " ".join(
        re.sub(r"<[^>]+>", "", _statement(html_of(project(tmp_path, CHAPTERS, settings=settings)))).split()
    )
    assert "Sidan är delvis förenlig med lagen" in text
    assert "Kända brister Diagrammens text kan inte förstoras för sig." in text
    assert (
        "Skriv till tillganglighet@example.se eller ring 090-10 00 00. Vi svarar inom tre arbetsdagar."
        in text
    )
    assert "Sidan har lästs med skärmläsaren NVDA." in text
    assert "Sidan bedömdes senast 1 augusti 2030. Redogörelsen uppdaterades senast 15 augusti 2030." in text


def test_the_statement_can_say_the_page_is_not_compliant(tmp_path):
    settings = SETTINGS + "accessibility:\n  conformance: none\n"
    text = " ".join(
        re.sub(r"<[^>]+>", "", _statement(html_of(project(tmp_path, CHAPTERS, settings=settings)))).split()
    )
    assert "Sidan är inte förenlig med lagen" in text
    assert "Kontakta Region Test." in text


def test_the_footer_links_to_the_statement_and_gives_the_contact(tmp_path):
    html = html_of(project(tmp_path, CHAPTERS, settings=SETTINGS + CONTACT))
    footer = html[html.index('<footer class="site-footer">') : html.index("</footer>")]
    assert '<a href="#tillganglighetsredogorelse">Tillgänglighetsredogörelse</a>' in footer
    assert '<a href="mailto:sekretariatet@example.se">sekretariatet@example.se</a>' in footer
    assert 'id="tillganglighetsredogorelse"' in html


def test_a_misspelt_accessibility_key_is_a_located_error(tmp_path):
    settings = SETTINGS + "accessibility:\n  known_issue: [x]\n"
    errors = errors_of(project(tmp_path, CHAPTERS, settings=settings))
    assert len(errors) == 1
    assert errors[0].startswith("report.yaml:9: ")
    assert "known_issue" in errors[0] and "known_issues" in errors[0]


def test_long_words_in_the_web_pages_headings_may_break_with_a_hyphen_on_a_phone(tmp_path):
    # "Tillgänglighetsredogörels" / "e" at 375 px: a long compound in a heading broke where
    # the line ended. Soft hyphens, at the joints of avstavning.txt where the word is listed.
    body = "## Kompetensförsörjningsarbetet i länet {#arbetet}\n\nText.\n"
    chapters = {"01-kompetensforsorjningsplanen.md": chapter("Kompetensförsörjningsplanen", body)}
    root = project(tmp_path, chapters)
    (root / "avstavning.txt").write_text("kompetens|försörjnings|arbetet\n", encoding="utf-8")
    screen = html_of(root)
    assert "Kompetens\u00adförsörjnings\u00adarbetet i länet</h3>" in screen
    assert "> Kompe\u00adtens\u00adför\u00adsörj\u00adnings\u00adplanen</h2>" in screen
    head, body_html = screen.split("<body", 1)
    assert "\u00ad" not in head  # the <title>
    toc = body_html[body_html.index('aria-labelledby="toc-rubrik"') : body_html.index("</nav>")]
    assert "\u00ad" not in toc and 'id="arbetet"' in screen
    printed = print_html_of(root)
    assert "<h3" in printed and not re.search(r"<h[2-6][^>]*>[^<]*\u00ad", printed)
