"""Where the PDF may break words: names, paragraph ends, compounds at their joints, page turns."""

from __future__ import annotations

from pathlib import Path

from kfsreport.render.hyphenation import SOFT, mark_breaks, protect_words, read_word_list
from tests.rendering import chapter, print_html_of, project

WORDS = {"äldreomsorgen": f"äldre{SOFT}omsorgen"}


def test_names_and_words_with_digits_are_never_hyphenated() -> None:
    html = mark_breaks("<p>Här arbetar Region Västerbotten sedan 2025 med många frågor i länet.</p>", {})
    assert '<span class="no-hyphens">Västerbotten</span>' in html
    assert '<span class="no-hyphens">2025</span>' in html


def test_a_paragraphs_last_two_words_are_kept_whole() -> None:
    html = mark_breaks("<ul><li>ett längre arbetsliv med kompetensförsörjningen</li></ul>", {})
    assert '<span class="no-hyphens">med kompetensförsörjningen</span></li>' in html


def test_headings_styles_and_attributes_are_left_alone() -> None:
    source = (
        '<head><style>p { color: Red }</style></head><h3 id="Ab">Rubrik Västerbotten</h3><img alt="Region X">'
    )
    assert mark_breaks(source, {}) == source


def test_a_listed_compound_is_never_broken_inside_a_part() -> None:
    html = mark_breaks("<p>Äldreomsorgen och äldreomsorgen behöver folk i hela länet.</p>", WORDS)
    assert '<span class="no-hyphens">Äldreomsorgen</span>' in html
    assert '<span class="no-hyphens">äldreomsorgen</span>' in html


def test_the_word_list_is_read_from_the_report_folder(tmp_path: Path) -> None:
    (tmp_path / "avstavning.txt").write_text("# kommentar\näldre-omsorgen\nutan\n", encoding="utf-8")
    assert read_word_list(tmp_path) == WORDS
    assert read_word_list(tmp_path / "saknas") == {}


def test_a_word_split_across_a_page_turn_is_kept_whole_everywhere() -> None:
    html = protect_words(
        f"<p>behov ska tillgodoses, och äldre{SOFT}omsorgen</p>", {"tillgodoses", "äldreomsorgen"}
    )
    assert '<span class="no-hyphens">tillgodoses</span>' in html
    assert '<span class="no-hyphens">äldreomsorgen</span>' in html


def test_the_print_edition_uses_the_report_folders_word_list(tmp_path: Path) -> None:
    root = project(
        tmp_path / "r",
        {"01-a.md": chapter("Inledning", "Personalen i äldreomsorgen behöver mer tid för vård.\n")},
    )
    (root / "avstavning.txt").write_text("äldre-omsorgen\n", encoding="utf-8")
    assert '<span class="no-hyphens">äldreomsorgen</span>' in print_html_of(root)


def test_link_text_is_left_whole() -> None:
    html = '<p>se <a class="xref" href="#a">avsnitt 3.1, Västerbotten</a> och tillgodoses</p>'
    assert '<a class="xref" href="#a">avsnitt 3.1, Västerbotten</a>' in mark_breaks(html, {})
    protected = protect_words('<p><a href="#a">tillgodoses</a> tillgodoses</p>', {"tillgodoses"})
    assert protected == '<p><a href="#a">tillgodoses</a> <span class="no-hyphens">tillgodoses</span></p>'
