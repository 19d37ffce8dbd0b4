"""How deep the contents goes (`contents_depth`, render/contents.py), and the PDF's bookmarks
with it: the same headings in both."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from tests.rendering import SETTINGS, chapter, errors_of, html_of, print_html_of, project

BODY = "## Avsnitt\n\nText.\n\n### Under\n\nText.\n\n#### Fjärde nivån\n\nText.\n\n##### Femte\n\nText.\n"


def _report(root: Path, setting: str = "") -> Path:
    chapters = {
        "01-a.md": chapter("A", BODY),
        "02-b.md": chapter("B", "### Direkt under kapitlet\n\nText.\n"),
    }
    return project(root, chapters, settings=SETTINGS + setting)


def _contents(html: str) -> list[tuple[str, str]]:
    toc = html[html.index('aria-labelledby="toc-rubrik"') :]
    toc = toc[: toc.index("</nav>")]
    return re.findall(r'<li class="toc-level-(\d)".*?<span class="toc-title">([^<]*)</span>', toc)


def test_by_default_the_contents_goes_as_deep_as_the_numbering(tmp_path):
    entries = [("1", "A"), ("2", "Avsnitt"), ("1", "B"), ("2", "Direkt under kapitlet")]
    root = _report(tmp_path)
    assert _contents(html_of(root)) == entries
    assert _contents(print_html_of(root)) == entries
    assert ".chapter h4, .chapter h5, .chapter h6 { bookmark-level: none; }" in print_html_of(root)


def test_contents_depth_4_lists_the_fourth_level_in_both_editions(tmp_path):
    root = _report(tmp_path, "contents_depth: 4\n")
    entries = [("1", "A"), ("2", "Avsnitt"), ("3", "Under"), ("4", "Fjärde nivån"), ("1", "B")]
    entries.append(("2", "Direkt under kapitlet"))
    screen, printed = html_of(root), print_html_of(root)
    assert _contents(screen) == _contents(printed) == entries
    assert ".chapter h6 { bookmark-level: none; }" in printed
    assert "bookmark-level: none" not in screen


@pytest.mark.parametrize(("value", "message"), [("5", "högst 4"), ("0", "minst 1")])
def test_contents_depth_out_of_range_is_a_located_error(tmp_path, value, message):
    root = _report(tmp_path, f"contents_depth: {value}\n")
    assert errors_of(root) == [
        f"report.yaml:8: 'contents_depth' är '{value}' men ska vara {message}. Ändra värdet."
    ]


def test_the_bookmarks_list_the_same_headings_as_the_contents(tmp_path):
    from kfsreport.commands.build import build

    root = _report(tmp_path / "r", "contents_depth: 3\n")
    build(root, ["pdf"])
    with pikepdf.open(root / "output" / "testrapport-2030.pdf") as pdf, pdf.open_outline() as outline:
        found: list[tuple[int, str]] = []

        def walk(items: list[pikepdf.OutlineItem], level: int) -> None:
            for item in items:
                found.append((level, " ".join(item.title.split())))
                walk(list(item.children), level + 1)

        walk(list(outline.root), 1)
    headings = [
        (level, title) for level, title in found if "Under" in title or "Avsnitt" in title or "nivån" in title
    ]
    assert headings == [(2, "1.1 Avsnitt"), (3, "Under")]
