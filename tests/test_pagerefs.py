"""Page numbers after cross-references in the PDF (`avsnitt 2.1 på s. 6`,
render/pagerefs.py and print.css): which references get one (`page_references`), that the
web page gets none, and that the page is text inside the reference's Link in the tags."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.rendering import SETTINGS, chapter, errors_of, html_of, print_html_of, project

FIRST = 'Se {{ ref("resultat") }}, [metoden](#metod) och {{ ref("metod") }}.\n\n## Metod {#metod}\n\nText.\n'
SECOND = "## Resultat {#resultat}\n\nText.\n"


def _report(root: Path, setting: str = "", english: str = "") -> Path:
    chapters = {"01-a.md": chapter("A", FIRST), "02-b.md": chapter("B", SECOND)}
    if english:
        chapters["03-c.md"] = chapter("Summary", english, lang="en")
    return project(root, chapters, settings=SETTINGS + setting)


def _marked(html: str) -> list[str]:
    start = html.index('<main id="innehall"')
    return [part.split('"', 1)[0] for part in html[start:].split('<a class="xref page-ref" href="#')[1:]]


def test_a_reference_to_another_chapter_gets_its_page_in_print_only(tmp_path):
    root = _report(tmp_path)
    assert _marked(print_html_of(root)) == ["resultat"]
    assert "page-ref" not in html_of(root)


@pytest.mark.parametrize(("setting", "marked"), [("all", ["resultat", "metod", "metod"]), ("none", [])])
def test_page_references_says_which_references_get_a_page(tmp_path, setting, marked):
    root = _report(tmp_path, f"page_references: {setting}\n")
    assert _marked(print_html_of(root)) == marked


def test_page_references_with_another_value_is_a_located_error(tmp_path):
    root = _report(tmp_path, "page_references: alla\n")
    assert errors_of(root) == [
        "report.yaml:8: 'page_references' har värdet 'alla', som inte är tillåtet. "
        "Välj ett av: 'other_chapters', 'all', 'none'."
    ]


def test_the_page_is_text_inside_the_link_in_swedish_and_english(tmp_path):
    from kfsreport.commands.build import build

    root = _report(tmp_path / "r", english='See {{ ref("resultat") }}.\n')
    build(root, ["pdf"])
    pdf = root / "output" / "testrapport-2030.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    text = " ".join(text.replace("\u00a0", " ").split())
    assert "Se avsnitt 2.1 på s. 5, metoden och avsnitt 1.1." in text
    assert "See section 2.1 on p. 5." in text
    with pikepdf.open(pdf) as opened:
        links = [e for e in _elements(opened) if str(e.get("/S")) == "/Link"]
        assert not [e for e in links if any(str(k.get("/S")) == "/Link" for k in _kids(e))]
        contents = [
            str(a.Contents) for page in opened.pages for a in page.get("/Annots", []) if "/Contents" in a
        ]
    assert "avsnitt 2.1 på s. 5" in contents and "section 2.1 on p. 5" in contents


def _kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary)]


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += [kid for kid in _kids(node) if "/S" in kid]
    return found


def test_a_chapter_laid_out_alone_gets_the_pages_of_the_last_full_layout(monkeypatch):
    from kfsreport.printing import chapterlayout

    last = chapterlayout._Layout(first_page={"resultat": 4, "metod": 3}, counters=[1, 2, 3, 4, 5])
    monkeypatch.setattr(chapterlayout._State, "last", last)
    html = (
        '<a class="xref page-ref" href="#resultat">avsnitt 2.1</a> '
        '<a class="xref page-ref" href="#metod">avsnitt 1.1</a> <h3 id="metod">Metod</h3> '
        '<a class="xref page-ref" href="#okand">x</a>'
    )
    assert chapterlayout.pages_of_references(html) == html.replace(
        'href="#resultat">', 'href="#resultat" data-page="5">'
    )


def test_a_page_written_by_hand_after_a_reference_is_a_located_error(tmp_path):
    body = (
        'Se {{ ref("resultat") }} på s. 12 och [metoden](#metod) (sidan 3).\n\n'
        "## Metod {#metod}\n\nSKR (2024), s. 14, och [här](#metod), sid 2.\n"
    )
    root = project(tmp_path, {"01-a.md": chapter("A", body), "02-b.md": chapter("B", SECOND)})
    hint = (
        "Ta bort sidnumret. En hänvisning inom samma kapitel får sin sida med page_references: "
        "all i report.yaml; page_references: none tar bort dem."
    )
    assert errors_of(root) == [
        f"content/01-a.md:5: ”{written}” efter en hänvisning: bygget skriver själv sidan i PDF-filen "
        f"(”avsnitt 3.1 på s. 14”), så den skulle stå två gånger, och en sida skriven för hand blir "
        f"fel när sidorna flyttas. {hint}"
        for written in ("på s. 12", "(sidan 3)")
    ]
    (root / "report.yaml").write_text(SETTINGS + "page_references: none\n", encoding="utf-8")
    html_of(root)


def test_the_second_part_of_a_layout_in_two_is_given_its_own_anchors_too():
    # Laid out in two parts, "bilaga 1 på s. 15" on the second part's first page read "på s. 0":
    # its target lay later in the same part, and only a whole layout's later passes mend that.
    from kfsreport.printing import parts

    anchors = {"tidig": [2, {"page": [3]}], "sen": [14, {"page": [15]}]}
    plan = parts.Plan(18, [None] * 19, {}, anchors, [True] * 19)
    first, second = plan.seeds(9)
    assert first.anchors == {"sen": anchors["sen"]}
    assert second.anchors == anchors
    state = [None, None, None, [{}, {}], None]
    found_first = parts.Facts(0, 9, [state] * 10, {}, {"tidig": anchors["tidig"]}, safe=[True] * 10)
    found_second = parts.Facts(9, 9, [state] * 10, {}, {"sen": anchors["sen"]}, safe=[True] * 10)
    seeds = (first, parts.Seed(9, None, 18, state, {}, second.anchors))
    assert parts.agree(seeds, (found_first, found_second))
    moved = parts.Facts(9, 9, [state] * 10, {}, {"sen": [15, {"page": [16]}]}, safe=[True] * 10)
    assert not parts.agree(seeds, (found_first, moved))
