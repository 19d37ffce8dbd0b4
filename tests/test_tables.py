"""Numbered tables: "Tabell N." in every table's caption (Markdown tables and the directives'
tables), "Tabell B1.1" in an appendix, `ref()` to a table, and the mistakes with `Tabell:`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.rendering import chapter, errors_of, html_of, print_html_of, project

TABLE = "| Kommun | Invånare |\n|---|---:|\n| Norsjö | 3 894 |\n"


def with_tables(make_project, body: str, appendix: str | None = None) -> Path:
    """The minimal fixture (its chapter 2 holds `{{ plan }}` and a Markdown table without a
    caption, which is not numbered) with a third chapter, whose body starts on line 5, and
    optionally an appendix."""
    root = make_project("minimal")
    (root / "content/03-extra.md").write_text("---\ntitle: Extra\n---\n\n" + body, encoding="utf-8")
    if appendix is not None:
        (root / "content/90-bilaga.md").write_text(
            "---\ntitle: Tabeller\nappendix: ja\n---\n\n" + appendix, encoding="utf-8"
        )
    return root


def captions(html: str) -> list[str]:
    return re.findall(r"<caption>(.*?)</caption>", html, re.DOTALL)


def test_every_table_is_numbered_in_page_order_with_its_caption(make_project):
    body = (
        'Se {{ ref("invanare") }} och {{ ref("tabell-plan") }}.\n\nTabell: Invånare per kommun {#invanare}\n'
        + TABLE
    )
    html = html_of(with_tables(make_project, body))
    assert captions(html) == [
        '<span class="table-number">Tabell 1.</span> Verksamhetsplanens mål och aktiviteter, '
        "fastställd 17 februari 2030",
        '<span class="table-number">Tabell 2.</span> Invånare per kommun',
    ]
    assert '<table id="invanare">\n<caption>' in html
    assert '<table class="plan-table" id="tabell-plan">' in html
    assert (
        'Se <a class="xref" href="#invanare">tabell 2</a> och '
        '<a class="xref" href="#tabell-plan">tabell 1</a>.'
    ) in html
    assert 'aria-label="Invånare per kommun"' in html
    assert "Tabell: Invånare" not in html


@pytest.mark.parametrize("between", ["", "\n"])
def test_the_caption_line_may_stand_right_above_the_table_or_a_blank_line_before_it(make_project, between):
    html = html_of(with_tables(make_project, "Tabell: Invånare\n" + between + TABLE))
    assert '<span class="table-number">Tabell 2.</span> Invånare' in html


def test_the_caption_can_hold_markup_and_values(make_project):
    html = html_of(with_tables(make_project, "Tabell: *Invånare* {{ tal.invanare }}\n" + TABLE))
    assert '<span class="table-number">Tabell 2.</span> <em>Invånare</em> 3\u00a0894\u00a0invånare' in html


def test_an_appendixs_tables_are_numbered_on_their_own_and_a_charts_table_not_at_all(make_project):
    root = with_tables(make_project, "Tabell: I kapitlet\n" + TABLE, appendix="Tabell: I bilagan\n" + TABLE)
    (root / "data/charts.yaml").write_text(
        "charts:\n  - id: andel\n    type: bar\n    title: Andel\n    values:\n"
        '      - {Kön: Kvinnor, Andel: "6,9"}\n    x: Kön\n    y: Andel\n    source: Test\n'
        "    alt: Stapel som visar andelen kvinnor.\n",
        encoding="utf-8",
    )
    (root / "content/04-figur.md").write_text(
        '---\ntitle: Figur\n---\n\n{{ figur("andel") }}\n', encoding="utf-8"
    )
    for html, edition in ((html_of(root), "screen"), (print_html_of(root), "print")):
        found = [
            re.sub(r'<span class="no-hyphens">(.*?)</span>', r"\1", caption) for caption in captions(html)
        ]
        assert '<span class="table-number">Tabell 2.</span> I kapitlet' in found
        assert '<span class="table-number">Tabell B1.1.</span> I bilagan' in found
        # The chart's own table keeps the figure's number; print leaves it out (it hides it).
        assert ("Figur 1. Andel" in found) == (edition == "screen")
        assert sum("Tabell" in caption for caption in found) == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Tabell: Invånare\n\nEn mening.\n",
            "content/03-extra.md:5: raden börjar med 'Tabell:' men står inte direkt före en tabell. "
            "Skriv tabellens rubrik på raden ovanför tabellen (Tabell: Rubrik), eller skriv om "
            "meningen så att den inte börjar med 'Tabell:'.",
        ),
        (
            "Tabell 2: Invånare\n" + TABLE,
            "content/03-extra.md:5: skriv inte tabellens nummer ('Tabell 2:'); tabellerna numreras "
            "automatiskt. Skriv bara Tabell: Rubrik.",
        ),
        (  # a chapter in English: the caption was a paragraph with its {#id} printed
            "Table: Invånare {#invanare}\n" + TABLE,
            "content/03-extra.md:5: 'Table:' gör ingen tabellrubrik: rubriken skrivs 'Tabell:' (också i "
            "ett kapitel på ett annat språk), och numret sätts automatiskt. "
            "Skriv 'Tabell: Invånare {#invanare}'.",
        ),
        (
            "Tabell 2. Invånare\n" + TABLE,
            "content/03-extra.md:5: 'Tabell 2.' gör ingen tabellrubrik: rubriken skrivs 'Tabell:' (också i "
            "ett kapitel på ett annat språk), och numret sätts automatiskt. Skriv 'Tabell: Invånare'.",
        ),
        (
            "Tabell:  {#invanare}\n" + TABLE,
            "content/03-extra.md:5: tabellens rubrik är tom. Skriv vad tabellen visar efter "
            "'Tabell:', till exempel Tabell: Invånare per kommun.",
        ),
        (
            "Tabell: Invånare {#Invånare}\n" + TABLE,
            "content/03-extra.md:5: '{#Invånare}' kan inte vara tabellens id (id skrivs med små "
            "bokstäver, siffror och bindestreck). Skriv till exempel {#invanare-per-kommun} sist på raden.",
        ),
        (
            "Tabell: Invånare {#samverkan}\n" + TABLE,
            "content/03-extra.md:5: tabellens id 'samverkan' är redan id för en rubrik "
            "(content/01-inledning.md:9). Ge tabellen ett annat id i {#…} sist på raden Tabell:.",
        ),
        (
            'Se {{ ref("invanarna") }}.\n\nTabell: Invånare {#invanare}\n' + TABLE,
            'content/03-extra.md:5: ref("invanarna"): ingen rubrik, figur eller tabell har id:t '
            "'invanarna' (menade du 'invanare'?)",
        ),
    ],
)
def test_mistakes_with_tables_are_located_errors(make_project, body, expected):
    assert errors_of(with_tables(make_project, body)) == [expected]


def test_a_sentence_above_a_table_that_only_starts_like_a_caption_is_text(make_project):
    html = html_of(with_tables(make_project, "Tablån visar invånarna. Tabell 2 är kortare.\n" + TABLE))
    assert "<p>Tablån visar invånarna. Tabell 2 är kortare.</p>" in html


def test_a_table_id_used_twice_is_an_error_at_the_second(make_project):
    body = "Tabell: A {#t}\n" + TABLE + "\nTabell: B {#t}\n" + TABLE
    assert errors_of(with_tables(make_project, body)) == [
        "content/03-extra.md:10: tabellens id 't' är redan id för en annan tabell "
        "(content/03-extra.md:5). Ge tabellen ett annat id i {#…} sist på raden Tabell:."
    ]


def test_a_table_of_many_columns_with_long_words_stays_within_the_page(tmp_path: Path) -> None:
    """Eight columns whose cells start with long capitalised words (kept whole, as names are,
    in other text) ran off the paper's edge; a table of many columns is set smaller and may
    hyphenate every word in its cells."""

    head = "| " + " | ".join(f"Sannolikhetsbedömning {i}" for i in range(8)) + " |\n"
    row = "| " + " | ".join("Kompetensförsörjningsplaner" for _ in range(8)) + " |\n"
    body = "Tabell: Risker\n" + head + "|" + "---|" * 8 + "\n" + row
    html = print_html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert '<div class="table-wrap many-columns"' in html
    assert_tables_within_the_page(html)


def assert_tables_within_the_page(html: str) -> None:
    """Every table of the laid-out `html` ends inside its page's type area."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    widths = []
    for page in HTML(string=html).render().pages:
        box = page._page_box
        for table in (b for b in box.descendants() if isinstance(b, boxes.TableBox)):
            widths.append((table.position_x + table.margin_width(), box.content_box_x() + box.width))
    assert widths and all(right <= edge + 0.5 for right, edge in widths), widths


def test_a_table_of_sixteen_columns_is_laid_out_at_the_pages_width(tmp_path: Path) -> None:
    """Sixteen columns of five years of three indicators ran off the paper's edge, silently:
    from ten columns a table is laid out at the type area's width (fixed layout)."""

    heads = ["Kommun"] + [f"{k} {y}" for k in ("Rökfria", "Aktiva", "Övervikt") for y in range(2022, 2027)]
    row = "| Österåker-Långbyn | " + " | ".join(f"{60 + i} %" for i in range(15)) + " |\n"
    body = "Tabell: Indikatorer\n| " + " | ".join(heads) + " |\n|---|" + "---:|" * 15 + "\n" + row
    html = print_html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert '<div class="table-wrap many-columns very-many-columns"' in html
    assert_tables_within_the_page(html)
    nine = "| " + " | ".join("abcdefghi") + " |\n|" + "---|" * 9 + "\n"
    narrower = print_html_of(project(tmp_path / "b", {"01-a.md": chapter("A", nine)}))
    assert '"table-wrap many-columns"' in narrower


def twenty_columns(caption: str) -> str:
    """A table of a name and 19 years of shares, as a survey report's appendix had it."""
    years = list(range(2005, 2024))
    head = "| Kommun | " + " | ".join(str(y) for y in years) + " |\n"
    rule = "|---|" + "---:|" * len(years) + "\n"
    row = "| Skellefteå | " + " | ".join(f"{60 + i % 3},{i % 10} %" for i in range(len(years))) + " |\n"
    return f"{caption}\n{head}{rule}{row}\nText efter tabellen.\n"


def test_a_table_whose_numbers_do_not_fit_the_page_is_a_located_error_that_says_what_to_do(tmp_path):
    """Twenty columns at the type area's width broke "60,5 %" into "60," and "5 %" in the
    PDF; now the build stops at the table and points to the landscape page."""
    root = project(tmp_path, {"01-a.md": chapter("A", twenty_columns("Tabell: Andel"))})
    assert errors_of(root, ("pdf",)) == [
        "content/01-a.md:6: tabellen har 20 kolumner och ryms inte på sidans bredd i PDF-filen "
        "utan att tal bryts inne i cellerna: ”60,0\u00a0%” behöver 9 mm men kolumnen får 7 mm. "
        "Ge tabellen en liggande sida med {.liggande} sist på raden Tabell: (Tabell: Rubrik "
        "{.liggande}), ta bort kolumner eller dela tabellen i två."
    ]
    wider = twenty_columns("Tabell: Andel {.liggande}").replace(
        "| Skellefteå |", "| Skellefteå | 1 234 567 |"
    )
    wider = wider.replace("| Kommun |", "| Kommun | Invånare |").replace("|---|", "|---|---:|", 1)
    wider = wider.replace(" %", " 000 000 kr")
    assert errors_of(project(tmp_path / "b", {"01-a.md": chapter("A", wider)}), ("pdf",))[0].startswith(
        "content/01-a.md:6: tabellen har 21 kolumner och ryms inte på en liggande sida i PDF-filen "
    )


@pytest.mark.parametrize("caption", ["Tabell: Andel {.liggande}", "Tabell: Andel {#andel .liggande}"])
def test_a_table_marked_liggande_gets_a_landscape_page_of_its_own_with_no_number_broken(tmp_path, caption):
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    html = print_html_of(project(tmp_path, {"01-a.md": chapter("A", twenty_columns(caption))}))
    assert '<div class="table-wrap many-columns very-many-columns landscape"' in html
    assert ('<table id="andel">' in html) == ("#andel" in caption)
    plain = re.sub(r'<span class="no-hyphens">(.*?)</span>', r"\1", html)
    assert '<td style="text-align:right"><span class="nowrap">60,0\u00a0%</span></td>' in plain
    pages = HTML(string=html).render().pages
    table_pages = [
        page
        for page in pages
        if any(
            isinstance(b, boxes.TableBox) and b.element_tag == "table" for b in page._page_box.descendants()
        )
    ]
    assert [(p.width > p.height) for p in table_pages] == [True]
    after = pages[pages.index(table_pages[0]) + 1]
    assert after.width < after.height  # the text after it goes on upright
    for cell in (b for b in table_pages[0]._page_box.descendants() if isinstance(b, boxes.TableCellBox)):
        assert sum(isinstance(b, boxes.LineBox) for b in cell.descendants()) == 1
    assert_tables_within_the_page(html)


def test_only_an_id_and_liggande_can_stand_in_a_tables_braces(make_project):
    body = "Tabell: Invånare {#invanare .staende}\n" + TABLE
    assert errors_of(with_tables(make_project, body)) == [
        "content/03-extra.md:5: '.staende' kan inte stå sist på raden Tabell:. Där kan bara "
        "tabellens id ({#invanare}) och {.liggande} stå, som ger tabellen en liggande sida i "
        "PDF-filen, till exempel Tabell: Rubrik {#id .liggande}."
    ]


def _pages_of_rows(html: str, root: Path) -> dict[str, set[int]]:
    """The pages each body row of the laid out print edition stands on, by its first cell."""
    from weasyprint import HTML

    rows: dict[str, set[int]] = {}

    def walk(box: object, number: int, in_body: bool) -> None:
        tag = getattr(box, "element_tag", None)
        if tag == "tr" and in_body:
            cell = box.element[0]  # type: ignore[attr-defined]
            rows.setdefault("".join(cell.itertext()).strip(), set()).add(number)
        for child in getattr(box, "children", []):
            walk(child, number, in_body or tag == "tbody")

    for number, page in enumerate(HTML(string=html, base_url=str(root)).render().pages):
        walk(page._page_box, number, False)
    return rows


def test_a_tables_last_row_never_stands_alone_at_the_head_of_a_page(tmp_path):
    # A two-row table at a page's foot left its second row alone on the next page, under the
    # repeated header. 53 one-line paragraphs bring it there (checked: without the rule the
    # rows part), so the table must move whole.
    plan = " ".join(["Kommunen har tagit fram en plan för kompetensförsörjning."] * 3)
    body = "\n\n".join(["Kort rad om uppföljningen."] * 53)
    rows = f"| Umeå | {plan} |\n| Lycksele | {plan} |\n"
    table = f"Tabell: Två kommuner {{#tva}}\n\n| Kommun | Plan |\n|---|---|\n{rows}"
    root = project(tmp_path, {"01-a.md": chapter("A", body + "\n\n" + table)})
    html = print_html_of(root)
    free = "<style>tbody > tr { break-before: auto !important; break-after: auto !important; }</style>"
    parted = _pages_of_rows(html.replace("</head>", free + "</head>", 1), root)
    assert parted["Umeå"] != parted["Lycksele"], "the table no longer reaches a page's foot here"
    kept = _pages_of_rows(html, root)
    assert kept["Umeå"] == kept["Lycksele"] == parted["Lycksele"]
