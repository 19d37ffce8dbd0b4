"""Tables with grouped column headings (two header rows above the `|---|` row): the HTML's
`colspan`, `rowspan` and `scope`, the features every Markdown table has, and the mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.totals import check_totals
from kfsreport.errors import Problems
from kfsreport.render.markdown import make_parser, parse_chapter
from tests.rendering import chapter, errors_of, html_of, print_html_of, project, warnings_of

BUDGET = """\
Tabell: Budget och utfall per post {#budget}
| Post       | Budget |         | Utfall  |
|            | helår  | jan–aug | jan–aug |
|------------|-------:|--------:|--------:|
| Personal   | 1 200  | 800     | 790     |
| Lokaler    | 300    | 200     | 230     |
| **Summa**  | 1 500  | 1 000   | {sum}   |
"""


DELIMITER = "|---|---:|---:|---:|\n"


def budget(total: str) -> str:
    return BUDGET.replace("{sum}", total)


def grouped(tmp_path: Path, body: str, **front: str) -> Path:
    """A report of one chapter whose body starts on line 5."""
    return project(tmp_path, {"01-ekonomi.md": chapter("Ekonomi", body, **front)})


def head_of(html: str) -> str:
    """The table's `<thead>`, without the spans that keep numbers and words whole."""
    head = html[html.index("<thead>") : html.index("</thead>") + len("</thead>")]
    return re.sub(r'<span class="(?:nowrap|no-hyphens)">(.*?)</span>', r"\1", head)


def test_two_header_rows_give_group_headings_over_their_columns(tmp_path):
    html = html_of(grouped(tmp_path, budget("1 020")))
    assert head_of(html) == (
        "<thead>\n<tr>\n"
        '<th rowspan="2" scope="col">Post</th>\n'
        '<th colspan="2" scope="colgroup" class="column-group">'
        '<span class="column-group-name">Budget</span></th>\n'
        '<th scope="colgroup" class="column-group"><span class="column-group-name">Utfall</span></th>\n'
        "</tr>\n<tr>\n"
        '<th scope="col" style="text-align:right">helår</th>\n'
        '<th scope="col" style="text-align:right">jan–aug</th>\n'
        '<th scope="col" style="text-align:right">jan–aug</th>\n'
        "</tr>\n</thead>"
    )
    # the group headings' scope="colgroup" refers to these
    assert '<colgroup></colgroup><colgroup span="2"></colgroup><colgroup></colgroup>\n<thead>' in html
    assert (
        '<table id="budget">\n<caption><span class="table-number">Tabell 1.</span> Budget och utfall' in html
    )
    assert html.count("<tr>") == 5  # two header rows and three rows of numbers
    assert "| Post" not in html and "|---" not in html


def test_a_heading_in_either_row_with_nothing_under_or_over_it_stands_in_both(tmp_path):
    body = (
        "|        | 2024    |     | Förändring |\n"
        "| Kommun | Kvinnor | Män |            |\n"
        "|--------|--------:|----:|-----------:|\n"
        "| Norsjö | 1 900   | 2 000 | −1 %     |\n"
    )
    head = head_of(html_of(grouped(tmp_path, body)))
    assert '<th rowspan="2" scope="col">Kommun</th>' in head
    assert (
        '<th colspan="2" scope="colgroup" class="column-group">'
        '<span class="column-group-name">2024</span></th>' in head
    )
    assert '<th rowspan="2" scope="col" style="text-align:right">Förändring</th>' in head
    assert re.findall(r"<tr>\n(.*?)</tr>", head, re.DOTALL)[1].count("<th") == 2


def test_a_span_may_be_written_as_in_multimarkdown(tmp_path):
    body = (
        "| Post | Budget || Utfall |\n| | helår | jan–aug | jan–aug |\n" + DELIMITER + "| A | 1 | 2 | 3 |\n"
    )
    head = head_of(html_of(grouped(tmp_path, body)))
    assert (
        '<th colspan="2" scope="colgroup" class="column-group"><span class="column-group-name">Budget<'
        in head
    )


def test_a_caption_with_a_bar_in_it_is_a_caption_not_a_row_of_group_headings(tmp_path):
    html = html_of(grouped(tmp_path, "Tabell: Kostnad | andel\n| Post | kr |\n|---|---:|\n| A | 1 |\n"))
    assert "Kostnad | andel</caption>" in html and "colspan" not in html


def test_a_sentence_with_a_bar_right_above_a_table_is_no_row_of_it(tmp_path):
    html = html_of(
        grouped(tmp_path, "Kostnaden i kr | tkr visas här.\n| Post | kr |\n|---|---:|\n| A | 1 |\n")
    )
    assert "<p>Kostnaden i kr | tkr visas här.</p>" in html and "colspan" not in html


def test_a_grouped_table_without_caption_is_named_by_its_full_column_headings(tmp_path):
    body = budget("1 020").split("\n", 1)[1]
    html = html_of(grouped(tmp_path, body))
    assert 'aria-label="Tabell: Post, Budget helår, Budget jan–aug, Utfall jan–aug"' in html


def test_cells_of_the_header_rows_hold_values_footnotes_and_markup_in_an_english_chapter(tmp_path):
    body = (
        "Tabell: Budget {.liggande}\n"
        "| Item | **Budget** {{ rapport.year }} | | Outcome[^1] |\n"
        "| | full year | Jan–Aug | Jan–Aug |\n"
        "|---|---:|---:|---:|\n"
        "| Staff | 1 200 | 800 | 790 |\n\n"
        "[^1]: Preliminary.\n"
    )
    html = print_html_of(grouped(tmp_path, body, lang="en"))
    head = head_of(html)
    assert "<strong>Budget</strong> 2030</span></th>" in head
    assert 'class="footnote' in head
    assert '<div class="table-wrap landscape"' in html


def test_the_sum_row_check_names_a_grouped_column_by_both_its_headings():
    problems = Problems()
    body = budget("1 000")
    parsed = parse_chapter(make_parser(), "content/01-ekonomi.md", "Ekonomi", True, None, body, 5, problems)
    problems.raise_if_any()
    findings = Findings()
    check_totals(parsed, findings)
    assert [str(f)[:125] for f in findings.items] == [
        "content/01-ekonomi.md:11: summaraden ”Summa” stämmer inte i kolumnen ”Utfall jan–aug”: "
        "raderna ovanför blir tillsammans 1\u00a0020"
    ]


def test_a_grouped_tables_numbers_are_measured_in_their_own_columns(tmp_path):
    """Twelve columns under four group headings: the widest number of each column is measured
    in that column (the upper row's headings span several and are not)."""
    groups = "| Kommun |" + "".join(f" {year} | | |" for year in range(2021, 2025)) + "\n"
    leaves = "| |" + " Kvinnor | Män | Totalt |" * 4 + "\n"
    row = "| Norsjö |" + " 1 234 567 890 |" * 12 + "\n"
    body = "Tabell: Invånare\n" + groups + leaves + "|---|" + "---:|" * 12 + "\n" + row
    assert errors_of(grouped(tmp_path, body))[0].startswith(
        "content/01-ekonomi.md:6: tabellen har 13 kolumner och ryms inte på sidans bredd"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # more cells in the upper row than there are columns
            "| Post | Budget | | Utfall | |\n| | helår | jan–aug | jan–aug |\n"
            + DELIMITER
            + "| A | 1 | 2 | 3 |\n",
            "content/01-ekonomi.md:5: den övre rubrikraden har 5 rutor men tabellen har 4 kolumner (raden "
            "med streck). Ge raden en ruta per kolumn: en grupprubrik och sedan en tom ruta (| |) för "
            "varje ytterligare kolumn den står över.",
        ),
        (  # a group over columns one of which has no heading of its own
            "| Post | Budget | | |\n| | helår | jan–aug | |\n|---|---:|---:|---:|\n| A | 1 | 2 | 3 |\n",
            "content/01-ekonomi.md:6: grupprubriken ”Budget” står över 3 kolumner (de tomma rutorna "
            "efter den i övre raden), men kolumn 4 under den har ingen egen rubrik i nedre raden. Skriv "
            "kolumnens rubrik i nedre raden. Ska kolumnen inte höra till gruppen, skriv dess rubrik i "
            "övre raden i stället och lämna rutan under den tom (då gäller rubriken båda raderna).",
        ),
        (  # the upper row is empty
            "| | | |\n| Post | helår | jan–aug |\n|---|---:|---:|\n| A | 1 | 2 |\n",
            "content/01-ekonomi.md:5: den övre rubrikraden är tom. Skriv grupprubrikerna i den (till "
            "exempel | | Budget | | Utfall |) eller ta bort raden.",
        ),
        (  # three header rows
            "| | Budget | |\n| | 2025 | |\n| Post | helår | jan–aug |\n|---|---:|---:|\n| A | 1 | 2 |\n",
            "content/01-ekonomi.md:5: tabellen har 3 rubrikrader ovanför raden med streck; högst 2 går. "
            "Slå ihop de översta raderna till en rad med grupprubriker (till exempel ”Budget 2025”), "
            "eller dela tabellen i två.",
        ),
        (  # the lower header row written under the delimiter row
            "| Post | Budget | | Utfall |\n|---|---:|---:|---:|\n| | helår | jan–aug | jan–aug |\n"
            "| A | 1 | 2 | 3 |\n",
            "content/01-ekonomi.md:7: rubrikraden har tomma rutor efter en rubrik, och raden under strecket "
            "ser ut som en andra rubrikrad. Står grupprubriker över kolumnrubriker, skriv båda "
            "rubrikraderna ovanför raden med streck (| Post | Budget | | / | | helår | jan–aug | / "
            "|---|---:|---:|).",
        ),
        (  # a second delimiter row between the two header rows and the body
            "| Post | Budget | | Utfall |\n|---|---:|---:|---:|\n| | helår | jan–aug | jan–aug |\n"
            "|---|---:|---:|---:|\n| A | 1 | 2 | 3 |\n",
            "content/01-ekonomi.md:8: en andra rad med streck (|---|) i tabellen; den skulle synas som en "
            "rad med streck. Alla rubrikrader står ovanför den enda raden med streck: flytta raden "
            "ovanför den upp dit och ta bort den här raden.",
        ),
    ],
)
def test_mistakes_with_grouped_headings_are_located_errors(tmp_path, body, expected):
    assert expected in errors_of(grouped(tmp_path, body))


@pytest.mark.parametrize(
    ("groups", "leaves", "group"),
    [
        ("| | Budget | | |", "| Post | helår | jan–aug | Kommentar |", "Budget"),
        ("| | Budget | | Utfall | |", "| Post | helår | jan–aug | jan–aug | Kommentar |", "Utfall"),
    ],
)
def test_a_text_column_after_a_group_of_numbers_is_a_warning_that_it_joined_the_group(
    tmp_path, groups, leaves, group
):
    """The kind of slip the syntax allows: a column's heading in the lower row with an empty
    cell over it continues the group to its left, which a column of text after a group of
    numbers hardly means to."""
    columns = groups.count("|") - 1
    delimiter = "|---|" + "---:|" * (columns - 2) + "---|"
    body = "\n".join((groups, leaves, delimiter, "| A |" + " 1 |" * (columns - 2) + " ny |")) + "\n"
    found = warnings_of(grouped(tmp_path, body))
    assert len(found) == 1 and found[0].startswith(
        f"content/01-ekonomi.md:6: grupprubriken ”{group}” står också över kolumnen ”Kommentar”, som är "
        "ställd på ett annat sätt än gruppens andra kolumner (den tomma rutan över den fortsätter gruppen)."
    )
    fixed = "\n".join(
        (groups[:-2] + " Kommentar |", leaves.replace(" Kommentar |", " |"), *body.split("\n")[2:])
    )
    assert warnings_of(grouped(tmp_path / "fixed", fixed)) == []


def test_the_lower_row_with_a_cell_count_of_its_own_is_not_a_table_but_an_error(tmp_path):
    body = "| Post | Budget | |\n| | helår | jan–aug | extra |\n|---|---:|---:|\n| A | 1 | 2 |\n"
    assert errors_of(grouped(tmp_path, body))


def test_the_pdf_tags_a_grouped_head_with_spans_and_every_cell_names_its_headings(tmp_path):
    """Two header rows in THead, repeated on the next page but tagged once; "2024" spans three
    columns and every cell under it names it (WeasyPrint counted it as one column)."""
    import subprocess

    import pikepdf
    from weasyprint import HTML

    from kfsreport.printing.pdf import write_variants
    from kfsreport.printing.pdftags import install
    from kfsreport.render.markdown import make_parser

    rows = "".join(f"| Ort {i} | {i} | {i + 1} | {2 * i + 1} | 7 |\n" for i in range(40))
    md = make_parser()
    table = md.render(
        "| Kommun | 2024 | | | Antal |\n| | Kvinnor | Män | Totalt | |\n|---|---:|---:|---:|---:|\n" + rows
    )
    html = (
        '<html lang="sv"><head><title>T</title><style>@page { size: 120mm 80mm; margin: 5mm }'
        " thead { display: table-header-group } tr { break-inside: avoid }</style></head>"
        f"<body>{table}</body></html>"
    )
    install()
    path = tmp_path / "grupper.pdf"
    path.write_bytes(write_variants(HTML(string=html).render(), archive=False)[""])
    with pikepdf.open(path) as pdf:
        found = list(_elements(pdf.Root.StructTreeRoot.K))
        heads = [e for e in found if str(e.S) == "/THead"]
        assert len(heads) == 1 and [str(k.S) for k in heads[0].K] == ["/TR", "/TR"]
        ths = [e for e in found if str(e.S) == "/TH"]
        attributes = [{str(k): str(v) for k, v in th.A.items() if k != "/O"} for th in ths]
        assert attributes[:4] == [
            {"/RowSpan": "2", "/Scope": "/Column"},
            {"/ColSpan": "3", "/Scope": "/Column"},
            {"/RowSpan": "2", "/Scope": "/Column"},
            {"/Scope": "/Column"},
        ]
        names = dict(
            zip(
                (str(th.ID) for th in ths),
                ("Kommun", "2024", "Antal", "Kvinnor", "Män", "Totalt"),
                strict=True,
            )
        )
        cells = [e for e in found if str(e.S) == "/TD"]
        assert len(cells) == 40 * 5
        expected_heads = (["Kommun"], ["2024", "Kvinnor"], ["2024", "Män"], ["2024", "Totalt"], ["Antal"])
        for cell, expected in zip(cells[-5:], expected_heads, strict=True):  # on the last page
            assert [names[str(h)] for h in cell.A.Headers] == expected
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert all("2024" in page and "Kvinnor" in page for page in pages if page.strip())


def _elements(node):
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for item in node:
            yield from _elements(item)
    elif hasattr(node, "get") and "/S" in node:
        yield node
        if "/K" in node:
            yield from _elements(node.K)


def test_an_empty_cell_keeps_its_place_in_the_pdfs_table(tmp_path):
    """A sum row with an empty comment cell: the empty TD was dropped from the tags, its row a
    column short, and the file failed PDF/UA-1 (rows and columns that do not add up)."""
    import page
    import pikepdf
    from weasyprint import HTML

    from kfsreport.printing.pdf import write_variants
    from kfsreport.printing.pdftags import install

    table = make_parser().render(
        "| Post | tkr | Kommentar |\n|---|---:|---|\n| A | 1 | ny |\n| Summa | 1 | |\n"
    )
    install()
    path = tmp_path / "tom.pdf"
    html = f'<html lang="sv"><head><title>T</title></head><body>{table}</body></html>'
    path.write_bytes(write_variants(HTML(string=html).render(), archive=False)[""])
    with pikepdf.open(path) as pdf:
        rows = [e for e in _elements(pdf.Root.StructTreeRoot.K) if str(e.S) == "/TR"]
        assert [len(row.K) for row in rows] == [3, 3, 3]
    assert page.validate_pdf(path, profile="ua1").is_compliant
