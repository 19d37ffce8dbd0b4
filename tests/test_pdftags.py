"""The structure repair (kfsreport/printing/pdftags.py) and the checks that see what it repairs
(kfsreport/commands/check/pdfstructure.py): each defect WeasyPrint leaves is planted into a repaired PDF
(a ten-page report with every structure the defects need, `structure`), and `check_pdf` must
report it; the repaired demo reads chapter by chapter, in whole words."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from kfsreport.commands.check.pdfcheck import check_pdf
from tests.conftest import FIXTURES, built_once
from tests.test_pdf import UA, raw_pdf

SMALL = "testrapport-2030.pdf"


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = []
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack += list(node)[::-1]
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                stack.append(node.K)
    return found


def of_role(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    return [e for e in elements(pdf) if str(e.S) == role]


def struct_text(path: Path) -> str:
    """The tagged text as a screen reader gets it, element by element. Poppler's time for this
    grows with pages × elements (a minute of CPU for the 32-page demo, 2 s for 7 pages), so
    the tests read it from the small fixture report (`small_pdf`)."""
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def small_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/minimal built once per test run: seven pages with a contents page
    (leaders), running page numbers and the title on the cover and the inside page."""
    from kfsreport.commands.build import build

    def make(out: Path) -> None:
        build(FIXTURES / "minimal", ["pdf"], out_dir=out)

    return built_once(tmp_path_factory, "minimal-pdf", make) / SMALL


STRUCTURE_CHAPTER = """\
---
title: Öppna data
---

Länets kommuner delar sina mätningar som [Open Data]{lang=en}, fritt för vem som helst att
använda.

## Insamling {#insamling}

{{ figur("besok") }}

## Bearbetning {#bearbetning}

LONG

## Spridning {#spridning}

Resultaten läggs ut varje kvartal.

SCB
: Statistiska centralbyrån

Öppna data
: Data som vem som helst får använda.
: Också data som kommunerna delar med varandra.
"""
STRUCTURE_DATA = "kommun;besok\nNorsjö;12\nMalå;7\nSorsele;9\n"
STRUCTURE_CHARTS = """\
charts:
  - id: besok
    type: bar
    title: Besök per kommun
    x: kommun
    y: besok
    data: data/besok.csv
    source: Kommunernas egna räkningar.
    alt: Norsjö hade flest besök, tolv, och Malå färst, sju.
"""


def plant_structure(root: Path) -> None:
    """tests/fixtures/minimal in `root`, with a chapter that has every structure a planted
    defect needs and the minimal report lacks: a figure, two English words, a contents list of
    three links under one chapter, and a paragraph that goes on over a page break."""
    long = " ".join(
        f"Mätpunkt {i} visar att besöken ökade under våren och minskade igen under hösten." for i in range(90)
    )
    (root / "content/03-oppna-data.md").write_text(STRUCTURE_CHAPTER.replace("LONG", long), encoding="utf-8")
    (root / "data/besok.csv").write_text(STRUCTURE_DATA, encoding="utf-8")
    (root / "data/charts.yaml").write_text(STRUCTURE_CHARTS, encoding="utf-8")


@pytest.fixture(scope="session")
def structure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of `plant_structure` built once per test run (ten pages): the folder, with
    its PDF in `output/`. Its checks take a tenth of the demo's 37 pages', so the planted
    defects are planted here."""
    from kfsreport.commands.build import build

    def make(folder: Path) -> None:
        root = folder / "rapport"
        shutil.copytree(FIXTURES / "minimal", root)
        plant_structure(root)
        build(root, ["pdf"])

    return built_once(tmp_path_factory, "pdf-structure", make) / "rapport"


@pytest.fixture(scope="session")
def structure_pdf(structure: Path) -> Path:
    return structure / "output" / SMALL


@pytest.fixture(scope="session")
def structure_problems(structure_pdf: Path) -> list[str]:
    """What `check_pdf` finds in it, read once per test process: none."""
    return check_pdf(structure_pdf)


# --- the repaired demo ------------------------------------------------------------------------


def test_the_demo_has_one_sect_per_chapter_spanning_its_pages(demo):
    with pikepdf.open(demo / UA) as pdf:
        sects = [s for s in of_role(pdf, "/Sect") if any(str(k.get("/S")) == "/H2" for k in s.K)]
        headings = [e for e in of_role(pdf, "/H2")]
        assert len(sects) == len(headings) - 1  # the contents' heading is not in a chapter
        assert len(of_role(pdf, "/Part")) == 1
        pages = {
            pdf.pages.index(pikepdf.Page(m.Pg))
            for s in sects
            for m in s.K
            if isinstance(m, pikepdf.Dictionary) and "/Pg" in m
        }
        assert len(pages) > 1
        assert not any(
            str(k.get("/S")) == "/H2" for h in headings for k in h.K if isinstance(k, pikepdf.Dictionary)
        )


def test_no_hint_of_the_repair_is_left_in_the_file(demo):
    data = (demo / UA).read_bytes()
    with pikepdf.open(demo / UA) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert not any(key.startswith("/Kfs") for key in obj)
        for page in pdf.pages:
            assert b"Kfs" not in page.Contents.read_bytes()
    assert data.startswith(b"%PDF-1.7")


@pytest.mark.parametrize("report", ["demo", "small"])
def test_running_heads_and_page_numbers_are_artifacts(report, demo, small_pdf):
    path = demo / UA if report == "demo" else small_pdf
    with pikepdf.open(path) as pdf:
        pagination = re.compile(rb"/Artifact\s*<<\s*/Type\s*/Pagination")
        marked = [i for i, page in enumerate(pdf.pages) if pagination.search(page.Contents.read_bytes())]
        assert len(marked) > len(pdf.pages) // 2


def test_a_screen_reader_reads_no_leaders_and_no_running_heads(small_pdf):
    seen = subprocess.run(["pdftotext", str(small_pdf), "-"], capture_output=True, text=True).stdout
    assert ". . ." in seen  # the contents' leaders are on the page …
    text = struct_text(small_pdf)
    assert '"Inledning"' in text
    assert ". . ." not in text  # … and not in what is read aloud
    # the title is in the tree twice (cover and inside page), not once per page
    assert text.count("Testrapport 2030") <= 2


def test_the_contents_is_a_toc_with_one_readable_link_per_entry(demo):
    with pikepdf.open(demo / UA) as pdf:
        (toc,) = [t for t in of_role(pdf, "/TOC") if str(t.P.S) != "/TOCI"]
        entries = of_role(pdf, "/TOCI")
        assert len(entries) >= 15
        nested = [t for t in of_role(pdf, "/TOC") if str(t.P.S) == "/TOCI"]
        assert nested  # 2.1 under 2, and so on
        labels = set()
        for link in of_role(pdf, "/Link"):
            for kid in link.K:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    labels.add(str(kid.Obj.Contents))
        assert any(label.startswith("Kapitel 1 Sammanfattning, sidan ") for label in labels)
        assert any(label.startswith("Avsnitt 2.1 ") for label in labels)
        assert not [label for label in labels if "-" in label and " " not in label]


def test_cover_facts_are_a_list_of_labels_and_bodies(demo):
    with pikepdf.open(demo / UA) as pdf:
        for item in of_role(pdf, "/LI"):
            assert str(item.P.S) == "/L"
            assert all(
                str(k.S) in ("/Lbl", "/LBody")
                for k in item.K
                if isinstance(k, pikepdf.Dictionary) and "/S" in k
            )
        assert not [d for d in of_role(pdf, "/Div") if str(d.P.S) == "/L"]


def test_a_definition_list_is_a_list_of_terms_as_labels_and_definitions_as_bodies(structure_pdf):
    """`Term` / `: förklaring` (`dl.definitions`): one LI per term, the term its Lbl, each
    definition an LBody, read aloud in that order."""
    from kfsreport.commands.check.spoken import spoken

    with pikepdf.open(structure_pdf) as pdf:
        heard = [(u.role, u.text) for u in spoken(pdf) if u.role in ("/Lbl", "/LBody")]
        items = [[str(k.S) for k in _structs_of(item)] for item in of_role(pdf, "/LI")[-2:]]
    assert heard[-5:] == [
        ("/Lbl", "SCB"),
        ("/LBody", "Statistiska centralbyrån"),
        ("/Lbl", "Öppna data"),
        ("/LBody", "Data som vem som helst får använda."),
        ("/LBody", "Också data som kommunerna delar med varandra."),
    ]
    assert items[-2:] == [["/Lbl", "/LBody"], ["/Lbl", "/LBody", "/LBody"]]


def _structs_of(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def test_tables_figures_and_ids(demo):
    with pikepdf.open(demo / UA) as pdf:
        headers = of_role(pdf, "/TH")
        assert headers and all("/Scope" in h.A for h in headers)
        assert "/IDTree" in pdf.Root.StructTreeRoot
        for figure in of_role(pdf, "/Figure"):
            x1, y1, x2, y2 = (float(v) for v in figure.A.BBox)
            height = float(pikepdf.Page(figure.Pg).MediaBox[3])
            assert 0 <= x1 < x2 and 0 <= y1 < y2 <= height


def test_english_phrases_have_their_language(demo):
    with pikepdf.open(demo / UA) as pdf:
        marked = [e for e in elements(pdf) if str(e.get("/Lang", "")) == "en"]
        assert len(marked) >= 5
        assert str(pdf.Root.Lang) == "sv"


def test_words_are_whole_across_layout_hyphens(demo):
    raw = subprocess.run(["pdftotext", "-raw", str(demo / UA), "-"], capture_output=True, text=True).stdout
    assert "inkluderande" in raw
    assert not [line for line in raw.splitlines() if line.endswith("-") and line[-2:-1].isalpha()]


# --- each defect, planted, is reported ---------------------------------------------------------


def plant(tmp_path: Path, pdf: Path, change: Callable[[pikepdf.Pdf], None]) -> list[str]:
    """`change` made in a copy of the repaired `pdf` (tmp_path / its name), and what
    `check_pdf` finds in it."""
    path = tmp_path / pdf.name
    shutil.copy(pdf, path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)
        pdf.save(path)
    return check_pdf(path)


def _detach(pdf: pikepdf.Pdf) -> None:
    stray = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Span))
    pdf.Root.StructTreeRoot.ParentTree.Nums[1].append(stray)


def _nest_link(pdf: pikepdf.Pdf) -> None:
    outer, inner = of_role(pdf, "/Link")[:2]
    outer.K.append(inner)
    inner.P = outer


def _unlink(pdf: pikepdf.Pdf) -> None:
    of_role(pdf, "/Link")[-1].S = pikepdf.Name.Span


def _slug(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            annotation.Contents = pikepdf.String("fullmaktigeberedningen-for-kompetensforsorjning")


def _plain_toc(pdf: pikepdf.Pdf) -> None:
    for element in of_role(pdf, "/TOC"):
        element.S = pikepdf.Name.L
    for element in of_role(pdf, "/TOCI"):
        element.S = pikepdf.Name.LI
    for element in of_role(pdf, "/Reference"):
        element.S = pikepdf.Name.LBody


def _two_links(pdf: pikepdf.Pdf) -> None:
    reference = of_role(pdf, "/Reference")[0]
    reference.K.append(
        pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Link, P=reference))
    )


def _heading_in_heading(pdf: pikepdf.Pdf) -> None:
    heading = of_role(pdf, "/H2")[1]
    span = [k for k in heading.K if isinstance(k, pikepdf.Dictionary)][-1]
    span.S = pikepdf.Name.H2


def _split_chapter(pdf: pikepdf.Pdf) -> None:
    sect = [s for s in of_role(pdf, "/Sect") if str(s.P.S) == "/Part"][0]
    paragraph = [k for k in sect.K if isinstance(k, pikepdf.Dictionary) and str(k.get("/S")) == "/P"][-1]
    rest = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.Sect, P=sect.P, K=pikepdf.Array([paragraph])
        )
    )
    part = sect.P
    index = [k.objgen for k in part.K].index(sect.objgen)
    part.K.insert(index + 1, rest)


def _unscoped(pdf: pikepdf.Pdf) -> None:
    for header in of_role(pdf, "/TH"):
        del header.A["/Scope"]


def _unreferenced(pdf: pikepdf.Pdf) -> None:
    for header in of_role(pdf, "/TH"):
        if "/Headers" in header.A:
            del header.A["/Headers"]


def _dangling(pdf: pikepdf.Pdf) -> None:
    for cell in of_role(pdf, "/TD"):
        if "/A" in cell and "/Headers" in cell.A:
            cell.A.Headers = pikepdf.Array([pikepdf.String("finns-inte")])


def _no_id_tree(pdf: pikepdf.Pdf) -> None:
    del pdf.Root.StructTreeRoot["/IDTree"]


def _pixels(pdf: pikepdf.Pdf) -> None:
    for figure in of_role(pdf, "/Figure"):
        figure.A.BBox = pikepdf.Array([100, 300, 700, 1300])


def _space_left_out(pdf: pikepdf.Pdf) -> None:
    """The space between two English words, "Open" and "Data" (a box of its own, which
    WeasyPrint does not draw), left out of the tree, as it was before the repair read it."""
    for span in of_role(pdf, "/Span"):
        if str(span.get("/ActualText", "")) == " " and str(span.P.get("/Lang", "")) == "en":
            span.ActualText = pikepdf.String("")
            return
    raise AssertionError("no space between two English words in the report")


def _leaders_read(pdf: pikepdf.Pdf) -> None:
    """The contents' leader dots as text, as WeasyPrint tagged them."""
    link = of_role(pdf, "/Link")[1]
    link.ActualText = pikepdf.String("1 Sammanfattning . . . . . . . . . . . . 5")


def _paragraph_split(pdf: pikepdf.Pdf) -> None:
    """A paragraph that goes on over a page break split into two P elements, one per page."""
    for paragraph in of_role(pdf, "/P"):
        kids = list(paragraph.K) if isinstance(paragraph.K, pikepdf.Array) else [paragraph.K]
        later = [
            k
            for k in kids
            if isinstance(k, pikepdf.Dictionary) and "/Pg" in k and k.Pg.objgen != paragraph.Pg.objgen
        ]
        if not later:
            continue
        cut = kids.index(later[0])
        rest = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem,
                S=pikepdf.Name.P,
                P=paragraph.P,
                Pg=later[0].Pg,
                K=pikepdf.Array(kids[cut:]),
            )
        )
        for kid in kids[cut:]:
            if str(kid.get("/Type")) == "/StructElem":
                kid.P = rest
        paragraph.K = pikepdf.Array(kids[:cut])
        siblings = [k.objgen for k in paragraph.P.K]
        paragraph.P.K.insert(siblings.index(paragraph.objgen) + 1, rest)
        return
    raise AssertionError("no paragraph over a page break in the report")


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        (_detach, "finns inte i taggträdet"),
        (_nest_link, "länktaggar (Link) ligger inuti andra länktaggar"),
        (_unlink, "ligger inte i en länktagg"),
        (_slug, "saknar en läsbar beskrivning"),
        (_plain_toc, "inte som TOC med TOCI"),
        (_two_links, "har inte precis en länk"),
        (_heading_in_heading, "inuti en annan rubrik"),
        (_split_chapter, "kapitel är delade"),
        (_unscoped, "saknar /Scope"),
        (_unreferenced, "hänvisas inte till av någon cell"),
        (_dangling, "som inte finns i taggträdet"),
        (_no_id_tree, "saknar /IDTree"),
        (_pixels, "utanför sidan"),
        (_space_left_out, "sidan 7: ”OpenData” (sidan visar ”Open Data”)"),
        (_leaders_read, "1 textblock läser upp utfyllnadspunkter (sidan"),
        (_paragraph_split, "1 stycke är delat i två P-element där sidan bryts (sidan 8)"),
    ],
)
def test_each_planted_defect_is_reported(tmp_path, structure_pdf, structure_problems, change, reported):
    assert structure_problems == []
    problems = plant(tmp_path, structure_pdf, change)
    assert any(reported in problem for problem in problems), problems


def test_a_run_together_word_is_reported_with_its_page_by_check_pdf(tmp_path, structure, cli):
    """`kfsreport check --pdf` names the file, the page and the word, in Swedish, and what to do."""
    out = tmp_path / "ut"
    out.mkdir()
    shutil.copy(structure / "output" / SMALL, out / SMALL)
    run = cli("check", "--project", str(structure), "--pdf", "--out", str(out))
    assert f"{out / SMALL}: PDF-granskningen hittade inga fel." in run.out
    plant(tmp_path, structure / "output" / SMALL, _space_left_out)  # into tmp_path / SMALL
    shutil.copy(tmp_path / SMALL, out / SMALL)
    run = cli("check", "--project", str(structure), "--pdf", "--out", str(out))
    assert run.code == 1 and "Traceback" not in run.err
    line = next(line for line in run.out.splitlines() if "ihopskriv" in line)
    found = re.search(r"^(.+?): fel: 1 ord är ihopskrivet .*: sidan (\d+): ”OpenData”", line)
    assert found and found.group(1) == str(out / SMALL), line
    assert "bygg om PDF:en med kfsreport build" in line
    page = found.group(2)
    shown = subprocess.run(
        ["pdftotext", "-f", page, "-l", page, str(out / SMALL), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Open Data" in " ".join(shown.split())  # the page it names shows the two words


def test_layout_hyphens_without_the_repair_are_reported_and_with_it_are_not(tmp_path):
    from weasyprint import HTML

    from kfsreport.printing.pdf import write_variants
    from kfsreport.printing.pdftags import install

    body = (
        '<p style="width: 25mm; hyphens: auto">Kompetensförsörjningsutmaningarna arbetsmarknadspolitiken</p>'
    )
    raw = raw_pdf(tmp_path, body, pdf_variant="pdf/ua-1")
    assert any("avstavningstecken" in p for p in check_pdf(raw))
    html = f'<html lang="sv"><head><title>T</title></head><body>{body}</body></html>'
    repaired = tmp_path / "repaired.pdf"
    install()  # before the layout, as pdf.lay_out does
    repaired.write_bytes(write_variants(HTML(string=html).render(), archive=False)[""])
    assert not any("avstavningstecken" in p for p in check_pdf(repaired))


def test_a_hyphen_across_a_page_break_is_reported(tmp_path):
    # Two pages whose text is "…kompetens-" / "försörjning": pdftotext shows that as text.
    body = '<p style="hyphenate-character: \'-\'">Kompetens-</p><p style="break-before: page">försörjning</p>'
    problems = check_pdf(raw_pdf(tmp_path, body, pdf_variant="pdf/ua-1"))
    assert "1 ord avstavas över en sidbrytning (sidan 1)." in problems


PAGE_TURNS = (
    '<html lang="sv"><head><title>T</title><style>@page { size: 60mm 40mm; margin: 5mm }'
    ' p { hyphens: auto; margin: 0; font-size: 10pt; hyphenate-character: "-" }'
    " .no-hyphens { hyphens: manual }</style></head><body><p>"
    + "Beredningen följer kompetensförsörjningen i länets kommuner och regioner, och den "
    "arbetsmarknadspolitiska utvecklingen påverkar utbildningsförvaltningarnas planering. "
    * 3
    + "</p></body></html>"
)
"""Four small pages whose first layout ends page 1 in "ut-" before a middle line
"bildningsförvaltningar-" (a word hyphenated twice), and page 3 in "ut-" / "vecklingen"."""


def test_a_page_turn_hyphen_that_reads_whole_is_still_reported_and_the_build_leaves_none(tmp_path):
    from weasyprint import HTML

    from kfsreport.printing import pageturn
    from kfsreport.printing.pdf import lay_out, write_variants
    from kfsreport.printing.pdftags import install
    from kfsreport.render.hyphenation import page_turn_words

    install()  # before the layout, as pdf.lay_out does
    with pageturn.off():  # the layout WeasyPrint makes alone, words split at page turns
        first = HTML(string=PAGE_TURNS).render()
    assert page_turn_words(first) == {"utbildningsförvaltningarnas", "utvecklingen"}
    once = tmp_path / "once.pdf"
    once.write_bytes(write_variants(first, archive=False)[""])
    assert "avstavningstecken" not in " ".join(check_pdf(once))  # /ActualText reads them whole
    assert "2 ord avstavas över en sidbrytning (sidan 1, 3)." in check_pdf(once)

    pdfs, refused = lay_out(PAGE_TURNS, tmp_path, [], archive=False)
    assert pdfs is not None and refused == []
    built = tmp_path / "built.pdf"
    built.write_bytes(pdfs[""])
    assert not [p for p in check_pdf(built) if "sidbrytning" in p]


def test_kept_page_references_are_pydyfs_own_and_follow_added_pages():
    """`page_references` keeps pydyf's tuple instead of making it anew on every read (which
    made writing a long PDF quadratic): the same tuple as pydyf's own property, on a made-up
    PDF, again after pages are added, and the same object while no page is added."""
    import pydyf

    from kfsreport.printing import pdftags

    pdftags.install()
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_object(pydyf.Dictionary())  # objects between pages: numbers not 1, 2, 3
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    kept = pdftags.page_references(pdf)
    assert kept == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    assert len(kept) == 3 and kept[0] != b"1 0 R"
    assert pdftags.page_references(pdf) is kept  # not made again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    again = pdftags.page_references(pdf)
    assert len(again) == 4 and again[:3] == kept and again[3] == f"{pdf.objects[-1].number} 0 R".encode()
    assert pdftags.pydyf_page_references.fget(pdf) == again == pdf.page_references
