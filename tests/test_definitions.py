"""Definition lists (an abbreviation list, a glossary): `Term` on its own line, `: förklaring`
on the next. Each term with its definitions is one `<div>` in the `<dl>`, which the PDF's tags
make a list item with the term as label (tests/test_pdftags.py hears it), and the mistakes
that would publish something else are located errors."""

from __future__ import annotations

import re

import pytest

from tests.rendering import chapter, errors_of, html_of, print_html_of, project

GLOSSARY = """\
Förkortningarna i rapporten:

AF
: Arbetsförmedlingen

SCB
: Statistiska centralbyrån
: Myndigheten som för den officiella statistiken.

Folkbokförd
:   Den som är skriven i en kommun.

    Också den som är tillfälligt borta.
"""


def test_a_tight_list_has_no_paragraphs_in_its_definitions(tmp_path):
    body = "AF\n: Arbetsförmedlingen\n  med fortsättning\n: Andra\n\nKFS\n: Kompetens\n"
    root = project(tmp_path, {"01-ord.md": chapter("Ord", body)})
    assert (
        '<dl class="definitions">\n<div><dt>AF</dt>\n<dd>Arbetsförmedlingen\nmed fortsättning</dd>\n'
        "<dd>Andra</dd>\n</div>\n<div><dt>KFS</dt>\n<dd>Kompetens</dd>\n</div>\n</dl>"
    ) in html_of(root)


def test_a_definition_list_groups_each_term_with_its_definitions_in_both_editions(tmp_path):
    root = project(tmp_path, {"01-ord.md": chapter("Ord", GLOSSARY)})
    for html in (html_of(root), re.sub(r'<span class="no-hyphens">(.*?)</span>', r"\1", print_html_of(root))):
        assert (
            '<dl class="definitions">\n<div><dt>AF</dt>\n<dd>\n<p>Arbetsförmedlingen</p>\n</dd>\n</div>\n'
            "<div><dt>SCB</dt>\n<dd>\n<p>Statistiska centralbyrån</p>\n</dd>\n"
            "<dd>\n<p>Myndigheten som för den officiella statistiken.</p>\n</dd>\n</div>\n"
            "<div><dt>Folkbokförd</dt>\n<dd>\n<p>Den som är skriven i en kommun.</p>\n"
            "<p>Också den som är tillfälligt borta.</p>\n</dd>\n</div>\n</dl>"
        ) in html
        assert ": Arbetsförmedlingen" not in html


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("AF\n\n\n: Arbetsförmedlingen\n", 8),  # two blank lines part the definition from its term
        ("Statistiska\ncentralbyrån\n: Myndigheten för statistik\n", 7),  # a term of two lines
        ("AF\n:Arbetsförmedlingen\n", 6),  # no space after the colon
    ],
)
def test_a_definition_without_its_term_is_a_located_error(tmp_path, body, line):
    root = project(tmp_path, {"01-ord.md": chapter("Ord", body)})
    assert errors_of(root) == [
        f"content/01-ord.md:{line}: raden ser ut som en förklaring i en definitionslista men står "
        "inte direkt under en term, så den skulle visas som vanlig text med kolon först. "
        "I en definitionslista står termen ensam på en rad och förklaringen på raden direkt under, "
        "efter kolon och mellanslag: SCB på en rad och ”: Statistiska centralbyrån” på nästa. "
        "Termen är en enda rad, utan tom rad före förklaringen."
    ]


def test_a_term_without_a_definition_inside_the_list_is_a_located_error(tmp_path):
    body = "AF\n: Arbetsförmedlingen\n\nSCB\n\nKFS\n: Kompetensförsörjning\n"
    root = project(tmp_path, {"01-ord.md": chapter("Ord", body)})
    assert errors_of(root) == [
        "content/01-ord.md:8: ”SCB” står mellan två termer i en definitionslista men har ingen "
        "förklaring, så listan delas i två med raden som ett stycke emellan. Skriv förklaringen "
        "på raden under termen (: förklaring), eller ta bort raden."
    ]


def test_a_term_with_no_blank_line_before_it_is_a_located_error(tmp_path):
    body = "AF\n: Arbetsförmedlingen\nKFS\n: Kompetensförsörjning\n"
    root = project(tmp_path, {"01-ord.md": chapter("Ord", body)})
    assert errors_of(root) == [
        "content/01-ord.md:7: raden ”KFS” står utan tom rad före sig under en förklaring i en "
        "definitionslista, så den blir en del av förklaringen, och förklaringen under den hör då "
        "till termen ovanför. Skriv en tom rad före varje ny term. Är raden en fortsättning på "
        "förklaringen, dra in den med mellanslag."
    ]


def test_a_colon_inside_a_line_and_a_box_are_no_definitions(tmp_path):
    body = "Tid: kl. 10 i sal A.\n\n::: faktaruta\nInnehåll.\n:::\n\n~50 personer kom.\n"
    root = project(tmp_path, {"01-ord.md": chapter("Ord", body)})
    html = html_of(root)
    assert "<dl" not in html.split('class="report-body"', 1)[1].split("</main>")[0]


@pytest.mark.parametrize("blank", ["\n", ""])
def test_a_definition_after_a_footnote_text_is_one_error_and_the_footnote_stays_one(tmp_path, blank):
    # The footnote text became a term: "har ingen fotnotstext" and "texten hänvisar aldrig till
    # den" for the same footnote, and nothing about the definition without a term.
    body = f"LIX\n\n: Läsbarhetsindex[^lix]\n{blank}[^lix]: Ett mått på läsbarhet.\n\n: Utan term.\n"
    root = project(tmp_path, {"01-ord.md": chapter("Ord", body)})
    (error,) = errors_of(root)
    assert error.startswith(f"content/01-ord.md:{11 if blank else 10}: raden ser ut som en förklaring")
    body = f"LIX\n\n: Läsbarhetsindex[^lix]\n{blank}[^lix]: Ett mått på läsbarhet.\n"
    html = html_of(project(tmp_path, {"01-ord.md": chapter("Ord", body)}))
    assert "<dt>LIX</dt>" in html and "<dt>[^lix]" not in html
    assert re.search(r'<li id="fn-[^"]*" class="footnote-item"><p>Ett mått på läsbarhet\.', html)
