"""A heading written with a number of its own where the build numbers it too (two numbers,
"2.1 4.2 Förslaget om …"), and the consultation response's way out: `numbered: false`."""

from __future__ import annotations

import pytest

from tests.conftest import edit
from tests.rendering import errors_of, html_of

RESPONSE = """\
---
title: Regionens synpunkter
---

Synpunkterna följer betänkandets avsnitt.

## 4.2 Förslaget om en samlad ingång {#avsnitt-4-2}

Regionen tillstyrker förslaget.

## 5.1. Förslaget om åldersgränsen

Regionen avstyrker förslaget, se {{ ref("avsnitt-4-2") }}.
"""


def _with(make_project, text: str, name: str = "03-synpunkter.md"):
    root = make_project("minimal")
    (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def test_a_section_written_with_its_own_number_is_an_error_at_its_line_with_the_way_out(make_project):
    errors = errors_of(_with(make_project, RESPONSE))
    assert errors[0] == (
        "content/03-synpunkter.md:7: rubriken ”4.2 Förslaget om en samlad ingång” börjar med ett "
        "eget nummer (4.2) och skulle stå som ”3.1 4.2 Förslaget om en samlad ingång”, med två "
        "nummer. Ta bort numret; bygget numrerar rubrikerna. Är numren ett annat dokuments, som "
        "avsnitten i ett betänkande som ett remissvar svarar på, skriv numbered: false i kapitlets "
        "front matter: då numreras varken kapitlet eller dess rubriker, och rubrikerna står som du "
        "skriver dem."
    ), errors
    assert errors[1].startswith("content/03-synpunkter.md:11: rubriken ”5.1. Förslaget om åldersgränsen”")
    assert len(errors) == 2


def test_an_unnumbered_chapter_keeps_the_other_documents_numbers_as_written(make_project):
    root = _with(
        make_project,
        RESPONSE.replace("title: Regionens synpunkter\n", "title: Regionens synpunkter\nnumbered: false\n"),
    )
    html = html_of(root)
    assert "4.2 Förslaget om en samlad ingång" in html
    assert "3.1" not in html
    # A reference to such a section cites its number, as the response's text does.
    assert 'se <a class="xref" href="#avsnitt-4-2">avsnitt 4.2</a>.' in html


@pytest.mark.parametrize(
    "title", ["2025 i korthet", "10 år med beredningen", "Mål 4.2 och 4.3", "3,5 miljoner kronor"]
)
def test_a_heading_that_only_begins_with_a_number_of_its_own_words_is_right(make_project, title):
    root = _with(make_project, f"---\ntitle: Läget\n---\n\n## {title}\n\nText.\n")
    assert title in html_of(root)


def test_a_section_beyond_the_numbering_depth_may_carry_its_own_number(make_project):
    root = _with(make_project, RESPONSE)
    edit(root / "report.yaml", "year: 2030\n", "year: 2030\nnumbering_depth: 1\n")
    assert "4.2 Förslaget om en samlad ingång" in html_of(root)


@pytest.mark.parametrize(
    ("front", "own"),
    [
        ("title: 3. Resultat i länet", "3."),
        ("title: Kapitel 3 Resultat", "Kapitel 3"),
        ("title: Bilaga 2 Budget\nappendix: ja", "Bilaga 2"),
    ],
)
def test_a_chapter_or_appendix_title_with_its_own_number_is_an_error_at_the_title_line(
    make_project, front, own
):
    root = _with(make_project, f"---\n{front}\n---\n\nText.\n", name="93-sist.md")
    errors = errors_of(root)
    assert len(errors) == 1 and errors[0].startswith("content/93-sist.md:2: rubriken"), errors
    assert f"eget nummer ({own})" in errors[0]
