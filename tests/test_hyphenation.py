"""Where the PDF may break words: names, paragraph ends, compounds at their joints, page turns."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kfsreport.errors import Problems
from kfsreport.render.hyphenation import SOFT, mark_breaks, protect_words, read_word_list
from tests.conftest import REPO
from tests.rendering import chapter, print_html_of, project

WORDS = {"äldreomsorgen": f"äldre{SOFT}omsorgen"}


def test_names_and_words_with_digits_are_never_hyphenated() -> None:
    html = mark_breaks("<p>Här arbetar Region Västerbotten sedan 2025 med många frågor i länet.</p>", {})
    assert '<span class="no-hyphens">Västerbotten</span>' in html
    assert '<span class="no-hyphens">2025</span>' in html


def test_a_character_reference_is_never_split_by_a_mark(tmp_path: Path) -> None:
    # `&#39;` (an apostrophe) holds digits: marked as a word with digits, the PDF printed it.
    html = mark_breaks("<p>Det är SKR&#39;s siffror, &#34;citat 2024&#34; &amp; mer text.</p>", {})
    assert "&#39;s siffror" in html and "&#34;citat" in html
    assert "&#<" not in html and "&<" not in html
    text = 'Det är SKR\'s siffror och "citat" här.\n'
    root = project(tmp_path / "r", {"01-a.md": chapter("Inledning", text)})
    printed = print_html_of(root)
    assert 'SKR</span>&#39;s siffror och <span class="no-hyphens">&#34;citat&#34; här.' in printed


def test_a_paragraphs_last_two_words_are_kept_whole() -> None:
    html = mark_breaks("<ul><li>ett längre arbetsliv med kompetensförsörjningen</li></ul>", {})
    assert '<span class="no-hyphens">med kompetensförsörjningen</span></li>' in html


def test_headings_styles_and_attributes_are_left_alone() -> None:
    source = (
        '<head><style>p { color: Red }</style></head><h3 id="Ab">Rubrik Västerbotten</h3><img alt="Region X">'
    )
    assert mark_breaks(source, {}) == source


def test_a_listed_compound_breaks_at_its_joint_and_nowhere_else() -> None:
    html = mark_breaks("<p>Personalen i äldreomsorgen behöver folk i hela länet.</p>", WORDS)
    assert f'<span class="no-hyphens">äldre{SOFT}omsorgen</span>' in html


def test_a_listed_compound_that_starts_with_a_capital_is_kept_whole_as_a_name() -> None:
    html = mark_breaks("<p>Äldreomsorgen behöver folk i hela länet.</p>", WORDS)
    assert '<span class="no-hyphens">Äldreomsorgen</span>' in html


def test_a_listed_compound_covers_its_inflected_forms() -> None:
    words = {"arbetsgivare": f"arbets{SOFT}givare"}
    html = mark_breaks("<p>Arbetsgivarnas och arbetsgivarens ansvar är stort i hela länet.</p>", words)
    assert f'<span class="no-hyphens">arbets{SOFT}givarens</span>' in html


def test_a_compound_among_a_paragraphs_last_two_words_loses_its_joints() -> None:
    html = mark_breaks("<p>Länet behöver folk till äldreomsorgen.</p>", WORDS)
    assert '<span class="no-hyphens">äldreomsorgen</span>.' in html
    assert SOFT not in html


def test_the_word_list_is_read_from_the_report_folder_with_either_mark_at_the_joints(tmp_path: Path) -> None:
    (tmp_path / "avstavning.txt").write_text(
        "# kommentar\näldre-omsorgen\nkompetens|försörjning\nutan\n", encoding="utf-8"
    )
    problems = Problems()
    assert read_word_list(tmp_path, problems) == {
        **WORDS,
        "kompetensförsörjning": f"kompetens{SOFT}försörjning",
        "utan": "utan",  # no joint: kept whole
    }
    assert read_word_list(tmp_path / "saknas", problems) == {}
    assert problems.errors == []


def test_a_word_list_line_that_is_not_a_word_with_joints_is_located(tmp_path: Path) -> None:
    (tmp_path / "avstavning.txt").write_text(
        "kompetens||försörjning\narbets plats\n|ledning\nsjuk|sköterskor\n", encoding="utf-8"
    )
    problems = Problems()
    assert read_word_list(tmp_path, problems) == {"sjuksköterskor": f"sjuk{SOFT}sköterskor"}
    assert [(e.path, e.line) for e in problems.errors] == [
        ("avstavning.txt", 1),
        ("avstavning.txt", 2),
        ("avstavning.txt", 3),
    ]
    assert "'arbets plats' är inte ett ord med sina fogar." in str(problems.errors[1])


def test_a_word_list_not_saved_as_utf8_is_a_located_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "avstavning.txt").write_bytes("sjuk|sköterskor\n".encode("cp1252"))
    problems = Problems()
    assert read_word_list(tmp_path, problems) == {}
    assert [(e.path, e.line) for e in problems.errors] == [("avstavning.txt", 1)]


def test_the_demos_compounds_break_at_their_joints_in_the_pdf_and_read_whole(tmp_path: Path) -> None:
    """Real words from the demo, in a column so narrow that each must break: the lines end at
    the joints (`kompetens-`, `sjuk-`), never inside a part, and the text layer reads each
    word whole, without the soft hyphen."""
    from weasyprint import HTML

    from kfsreport.printing.pdf import write_variants
    from kfsreport.printing.pdftags import install
    from tests.layout import line_ends

    words = read_word_list(REPO, Problems())
    body = mark_breaks(
        '<p style="width: 30mm">om kompetensförsörjningen och fler sjuksköterskor och '
        "undersköterskor i äldreomsorgen behövs i hela länet</p>",
        words,
    )
    html = f'<html lang="sv"><head><title>T</title></head><body>{body}</body></html>'
    install()
    document = HTML(string=html).render()
    ends = line_ends(document)
    assert {"kompetens", "sjuk", "under", "äldre"} <= set(ends), ends
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(write_variants(document, archive=False)[""])
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    for word in ("kompetensförsörjningen", "sjuksköterskor", "undersköterskor", "äldreomsorgen"):
        assert word in raw.split(), raw
    assert SOFT not in raw


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
    (root / "avstavning.txt").write_text("äldre|omsorgen\n", encoding="utf-8")
    assert f'<span class="no-hyphens">äldre{SOFT}omsorgen</span>' in print_html_of(root)


def test_link_text_is_left_whole() -> None:
    html = '<p>se <a class="xref" href="#a">avsnitt 3.1, Västerbotten</a> och tillgodoses</p>'
    assert '<a class="xref" href="#a">avsnitt 3.1, Västerbotten</a>' in mark_breaks(html, {})
    protected = protect_words('<p><a href="#a">tillgodoses</a> tillgodoses</p>', {"tillgodoses"})
    assert protected == '<p><a href="#a">tillgodoses</a> <span class="no-hyphens">tillgodoses</span></p>'


PAGE_TURN_TEXT = " ".join(
    ["verksamhetsplaneringen tillgodoses kommunalförbundets medlemsorganisationerna"] * 6
)


def _lines_per_page(height_mm: int, text: str = PAGE_TURN_TEXT) -> list[list[str]]:
    """The text of each line on each page of one paragraph laid out on pages `height_mm` high."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from kfsreport.printing import pageturn

    pageturn.install()
    html = (
        f"<html lang=sv><style>@page {{ size: 70mm {height_mm}mm; margin: 4mm }} body {{ font-size: 10pt;"
        f" hyphens: auto; hyphenate-character: '-'; orphans: 1; widows: 1 }}"
        " .no-hyphens { hyphens: manual }</style>"
        f"<p>{text}</p>"
    )
    pages = []
    for page in HTML(string=html).render().pages:
        lines = [box for box in page._page_box.descendants() if isinstance(box, boxes.LineBox)]
        pages.append(
            ["".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox)) for line in lines]
        )
    return pages


def test_no_page_ends_in_a_hyphen_but_the_same_line_is_hyphenated_without_the_page_turn() -> None:
    tall = [line for page in _lines_per_page(400) for line in page]
    turned = 0
    for height in (30, 34, 38, 42, 46, 50, 54, 58, 62, 66):
        pages = _lines_per_page(height)
        for page, following in zip(pages, pages[1:], strict=False):
            assert not page[-1].rstrip().endswith("-"), (height, page[-1])
            # The word the page would have split starts the next page whole.
            assert not following[0].startswith(("tionerna", "ringen", "ses", "bundets")), following[0]
        first = len(pages[0])
        if tall[first - 1].rstrip().endswith("-"):  # without the page turn, that line is hyphenated
            turned += 1
    assert turned >= 3  # the page turns above fall after a hyphenated line more than once
    assert any(line.rstrip().endswith("-") for line in tall)  # hyphenation elsewhere stays


COMPOUND_TEXT = " ".join(
    f'{filler} <span class="no-hyphens">{compound}</span>'
    for filler, compound in zip(
        ["i", "vi ser", "och i", "de", "ett par", "at"] * 4,
        [
            "kompetens\u00adförsörjningen",
            "äldre\u00adomsorgen",
            "arbets\u00admarknaden",
            "verksamhets\u00adplaneringen",
        ]
        * 6,
        strict=False,
    )
)
"""Listed compounds as the print edition marks them: a soft hyphen at each joint, `hyphens: manual`."""


def test_a_compound_is_not_split_at_its_joint_across_a_page_turn_but_is_elsewhere() -> None:
    # Pango breaks at a soft hyphen whatever `hyphens` says: the line that ends the page is
    # laid out from the text without them (else the whole document was laid out a second time).
    tall = [line for page in _lines_per_page(400, COMPOUND_TEXT) for line in page]
    turned = 0
    for height in range(30, 70, 3):
        pages = _lines_per_page(height, COMPOUND_TEXT)
        for page, following in zip(pages, pages[1:], strict=False):
            assert not page[-1].rstrip().endswith(("-", "\u00ad")), (height, page[-1])
            assert not following[0].startswith(("försörjningen", "omsorgen", "marknad")), following[0]
        if tall[len(pages[0]) - 1].rstrip().endswith("-"):  # without the page turn: split at a joint
            turned += 1
    assert turned >= 2
    assert any(line.rstrip().endswith("-") for line in tall)  # the joints still break elsewhere


def test_a_long_chapter_title_is_not_hyphenated_in_the_contents(tmp_path: Path) -> None:
    """Headings are never hyphenated, but the contents broke a long chapter title as body text
    (”samhällsomställ-” / ”ning”)."""
    from weasyprint import HTML

    from kfsreport.printing.pdftags import install
    from tests.layout import line_ends

    title = "Omvärldsanalys – befolkning, pandemi och en samhällsomställning i norr som saknar motstycke"
    html = print_html_of(project(tmp_path, {"01-a.md": chapter(title, "Text.\n")}))
    install()
    document = HTML(string=html).render()
    ends = line_ends(document)
    assert not [end for end in ends if end.lower() in title.lower()], ends


def test_a_number_with_a_decimal_comma_or_digit_groups_is_one_mark() -> None:
    # `2` and `9` marked apart let WeasyPrint break `2,9 %` after the comma ("2," / "9 %").
    html = mark_breaks("<p>Det motsvarar 2,9\u00a0% av budgeten, 1\u00a0250 tkr, dnr 2026/118 i år.</p>", {})
    assert '<span class="no-hyphens">2,9</span>\u00a0%' in html
    assert '<span class="no-hyphens">1\u00a0250</span>' in html
    assert '<span class="no-hyphens">2026/118</span>' in html
