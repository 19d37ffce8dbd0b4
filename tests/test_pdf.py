"""The PDF editions: conformance promises, navigation, layout rules and the PDF checker."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pikepdf

from kfsreport.commands.check.pdfcheck import check_pdf
from tests.conftest import REPO
from tests.test_demo import HEADINGS

UA = "arsrapport-2025.pdf"


def pages_text(pdf: Path, *options: str) -> list[str]:
    command = ["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True)
    return [page.replace("\u00a0", " ") for page in text.stdout.split("\f")]


def test_the_demo_pdf_passes_the_checker(demo, demo_pdf_problems):
    assert demo_pdf_problems == []
    assert not (demo / "arsrapport-2025-arkiv.pdf").exists()  # one file, unless archive_copy


def test_the_one_file_declares_pdf_ua_1_and_pdf_a_2a(demo):
    with pikepdf.open(demo / UA) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "A")
        assert "/OutputIntents" in pdf.Root
        assert "/StructTreeRoot" in pdf.Root


def test_archive_copy_writes_the_same_file_under_a_second_name(make_project, cli):
    root = make_project("minimal")
    settings = root / "report.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "archive_copy: true\n", encoding="utf-8")
    assert cli("build", "--project", str(root), "--format", "pdf").code == 0
    one = (root / "output/testrapport-2030.pdf").read_bytes()
    assert (root / "output/testrapport-2030-arkiv.pdf").read_bytes() == one


def test_metadata_comes_from_report_yaml_and_not_the_clock(demo):
    with pikepdf.open(demo / UA) as pdf:
        info = pdf.docinfo
        assert str(info["/Author"]) == "Fullmäktigeberedningen för kompetensförsörjning"
        assert str(info["/Subject"]).startswith("Beredningens redovisning av kompetensförsörjningen")
        assert "avtalssamverkan" in str(info["/Keywords"])
        assert str(info["/CreationDate"]).startswith("D:20251125")
        assert str(info["/ModDate"]).startswith("D:20251125")


def test_every_chapter_and_section_is_a_bookmark(demo):
    with pikepdf.open(demo / UA) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(re.sub(r"\s+", " ", item.title).strip())
            stack[:0] = list(item.children)
    for heading in HEADINGS:
        assert heading in titles


def test_contents_entries_are_links_to_their_pages(demo):
    with pikepdf.open(demo / UA) as pdf:
        contents_page = pdf.pages[2]
        links = [a for a in contents_page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
    assert len(links) >= len(HEADINGS)


def test_cover_and_inside_page_carry_no_running_header_or_page_number(demo):
    pages = pages_text(demo / UA)
    cover = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert cover[:3] == [
        "REGION VÄSTERBOTTEN",
        "Fullmäktigeberedningen för kompetensförsörjning",
        "Årsrapport 2025",
    ]
    assert not any(line.isdigit() for line in cover)
    assert "Innehåll" in pages[2]


def test_running_header_names_the_chapter(demo):
    pages = pages_text(demo / UA)
    later = next(page for page in pages if "3.2 Ett förlängt arbetsliv" in page and "Innehåll" not in page)
    assert later.lstrip().startswith("3 Resultat")


def test_the_plan_table_breaks_between_rows_with_its_header_repeated(demo):
    pages = [re.sub(r"\s+", " ", page) for page in pages_text(demo / UA)]
    holding = [i for i, page in enumerate(pages) if "Genomförd ," in page]
    assert holding == list(range(holding[0], holding[-1] + 1)), "the table's pages follow each other"
    assert sum(pages[i].count("Genomförd ,") for i in holding) == 8
    for i in holding:
        assert "Mål" in pages[i] and "Aktiviteter" in pages[i], (
            f"page {i + 1} has the table without its header"
        )


def test_figures_keep_their_caption_and_source_on_one_page(demo):
    for page in pages_text(demo / UA):
        for number in re.findall(r"Figur (\d+)\. ", page):
            after = page[page.index(f"Figur {number}. ") :]
            assert "Källa:" in after, f"Figur {number} has its source on another page"


def test_copied_text_gives_whole_swedish_words(demo):
    """Every word pdftotext extracts is a word of the report: hyphenation never leaves halves."""
    html = (demo / "arsrapport-2025.html").read_text(encoding="utf-8")
    body = unescape(re.sub(r"<[^>]+>", "", html.split("</style>", 1)[1]))
    settings = (REPO / "report.yaml").read_text(encoding="utf-8")  # the cover and inside page
    words = {w.lower() for w in re.findall(WORD, body + settings)}
    # A word with a hyphen of its own (IT-utrustning) may end a line at that hyphen.
    words |= {w.replace("-", "").lower() for w in re.findall(WORD + "-" + WORD, body)}
    extracted = _across_pages(demo / UA, 3)
    halves = sorted({w for w in re.findall(WORD, extracted) if w.lower() not in words})
    assert halves == []


WORD = r"[A-Za-zÅÄÖåäöÉé]+"


def _across_pages(pdf: Path, first: int) -> str:
    """The body text with running headers and page numbers removed, and a word hyphenated
    over a page break put together again (pdftotext itself joins only within a page; the
    layout text tells whether a page's last line ends in a hyphen)."""
    flowing = pages_text(pdf)[first:]
    layout = pages_text(pdf, "-layout")[first:]
    text = ""
    for page, laid_out in zip(flowing, layout, strict=True):
        lines = [line for line in page.splitlines() if line.strip()]
        if lines and lines[0] == "Årsrapport 2025":
            lines = lines[2:]
        body = re.sub(r"(?<=\D)\d+$", "", "\n".join(lines))  # the page number, glued on
        text += body
        last_lines = [line for line in laid_out.splitlines() if line.strip()][-2:-1]
        if not (last_lines and last_lines[0].rstrip().endswith("-")):
            text += "\n"
    return text


# --- the checker finds what is wrong ----------------------------------------------------------


def raw_pdf(tmp_path: Path, body: str, name: str = "r.pdf", **options: object) -> Path:
    from weasyprint import HTML

    html = f'<html lang="sv"><head><title>T</title></head><body>{body}</body></html>'
    path = tmp_path / name
    HTML(string=html).write_pdf(path, **options)
    return path


SVG = (
    "data:image/svg+xml;base64,"
    "PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHdpZHRoPScxMCcgaGVpZ2h0PScxMCcvPg=="
)


def test_checker_reports_an_untagged_pdf(tmp_path):
    problems = check_pdf(raw_pdf(tmp_path, "<h1>A</h1><h2>B</h2>"))
    assert "PDF:en saknar taggstruktur (StructTreeRoot)." in problems
    assert "XMP-metadata: pdfuaid:part är '', men filen lovar '1'." in problems


def test_checker_reports_figures_without_alt_and_skipped_heading_levels(tmp_path):
    body = f'<h1>A</h1><h3>C</h3><img src="{SVG}">'
    problems = check_pdf(raw_pdf(tmp_path, body, pdf_variant="pdf/ua-1"))
    assert "1 figur(er) saknar alternativtext (/Alt)." in problems
    assert "rubriknivå H3 följer direkt på H1 (en nivå hoppas över)." in problems


def test_checker_holds_an_archive_file_to_its_name(tmp_path):
    path = raw_pdf(tmp_path, "<h1>A</h1>", name="r-arkiv.pdf", pdf_variant="pdf/ua-1")
    assert "XMP-metadata: pdfaid:part är '', men filen lovar '2'." in check_pdf(path)


def test_checker_reports_a_font_that_is_not_embedded(tmp_path, demo):
    path = tmp_path / UA
    shutil.copy(demo / UA, path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        descriptor = font.DescendantFonts[0].FontDescriptor
        del descriptor["/FontFile2"]
        pdf.save(path)
    assert any(p.startswith("typsnittet ") and p.endswith("är inte inbäddat.") for p in check_pdf(path))


def test_checker_reports_hyphens_that_copy_along(tmp_path):
    body = (
        '<p style="width: 25mm; hyphens: auto">Kompetensförsörjningsutmaningarna arbetsmarknadspolitiken</p>'
    )
    path = raw_pdf(tmp_path, body, pdf_variant="pdf/ua-1")
    assert any("avstavningstecken" in p for p in check_pdf(path))


def test_checker_passes_a_pdf_built_by_the_pipeline_for_a_fixture(make_project, cli):
    root = make_project("minimal")
    assert cli("build", "--project", str(root), "--format", "pdf").code == 0
    assert check_pdf(root / "output/testrapport-2030.pdf") == []


def test_check_pdf_reviews_the_built_pdfs(make_project, cli):
    root = make_project("minimal")
    run = cli("check", "--project", str(root), "--pdf")
    assert run.code == 1
    assert "output/: inga PDF-filer att granska. Bygg först med kfsreport build." in run.err
    assert cli("build", "--project", str(root), "--format", "pdf").code == 0
    run = cli("check", "--project", str(root), "--pdf")
    assert run.code == 0
    assert "output/testrapport-2030.pdf: PDF-granskningen hittade inga fel." in run.out
    ua_only = raw_pdf(root, "<h1>A</h1>", pdf_variant="pdf/ua-1")
    (root / "output/testrapport-2030-arkiv.pdf").write_bytes(ua_only.read_bytes())
    run = cli("check", "--project", str(root), "--pdf")
    assert run.code == 1
    assert (
        "output/testrapport-2030-arkiv.pdf: fel: XMP-metadata: pdfaid:part är '', men filen lovar '2'."
        in run.out
    )


# --- the archive file --------------------------------------------------------------------------


def canonical(pdf: pikepdf.Pdf) -> object:
    """The whole object graph from the catalog and the document information, with numbers
    of objects replaced by the order in which they are first met, and streams by their
    decoded bytes: two files with the same content compare equal however they are laid out.
    Structure element identifiers (/ID, and /Headers and the /IDTree naming them) are renamed the same way,
    as WeasyPrint derives them from object numbers."""
    seen: dict[tuple[int, int], int] = {}
    names: dict[str, str] = {}

    def walk(obj: object, identifier: bool = False) -> object:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return ("ref", seen[obj.objgen])
            seen[obj.objgen] = len(seen)
        if isinstance(obj, pikepdf.Stream):
            meta = {k: walk(v) for k, v in obj.stream_dict.items() if k not in ("/Length", "/Filter")}
            return ("stream", meta, obj.read_bytes())
        if isinstance(obj, pikepdf.Dictionary):
            identifiers = ("/ID", "/Headers", "/Names")  # /Names: the /IDTree's and the anchors'
            return {key: walk(obj[key], key in identifiers) for key in sorted(obj.keys())}
        if isinstance(obj, pikepdf.Array):
            return [walk(item, identifier) for item in obj]
        if identifier and isinstance(obj, pikepdf.String):
            return names.setdefault(str(obj), f"id{len(names)}")
        return str(obj) if isinstance(obj, (pikepdf.Name, pikepdf.String)) else obj

    return walk(pdf.Root), walk(pdf.trailer.Info)


def test_the_archive_file_is_what_weasyprint_itself_writes_for_pdf_a_2a(make_project):
    from weasyprint import HTML

    from kfsreport.errors import Problems
    from kfsreport.load.folder import load_project
    from kfsreport.printing.pdf import PDFUA_XMP, make_fetcher, write_variants
    from kfsreport.printing.pdftags import repair
    from kfsreport.render.pages import render
    from kfsreport.render.templates import template_dirs
    from kfsreport.validate.report import validate

    root = make_project("minimal")
    sources, problems = load_project(root)
    html = render(validate(sources, problems), ["pdf"], Problems()).print_html
    fetcher = make_fetcher([root, *template_dirs(root)])
    layout = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render()
    ours = write_variants(layout)["-arkiv"]
    # Both go through the structure repair (kfsreport.printing.pdftags), which runs on every PDF we write.
    theirs = repair(bytes(layout.write_pdf(pdf_variant="pdf/a-2a")))
    with pikepdf.open(io.BytesIO(ours)) as mine, pikepdf.open(io.BytesIO(theirs)) as weasy:
        # Ours also declares PDF/UA-1, with the extension schema PDF/A requires for that.
        xmp = mine.Root.Metadata.read_bytes()
        assert PDFUA_XMP in xmp
        mine.Root.Metadata.write(xmp.replace(PDFUA_XMP, b"").rstrip(b"\n"))
        # pdfstreams.save may add line feeds after the packet (a cross-reference stream ending in CR).
        weasy.Root.Metadata.write(weasy.Root.Metadata.read_bytes().rstrip(b"\n"))
        assert canonical(mine) == canonical(weasy)
        assert len(mine.trailer.ID) == 2
        assert sum(len(page.get("/Annots", [])) for page in mine.pages) > 0  # links are compared too
        assert mine.pdf_version == weasy.pdf_version == "1.7"


def test_a_line_broken_after_a_hyphen_the_text_writes_is_no_cut_word(tmp_path):
    from kfsreport.commands.check.pdfcheck import hyphen_pairs

    # "med apt-" / "get och": the hyphen of apt-get (handbok: `apt-get`), not one the layout
    # added; "Kompetensför-" / "sörjnings…" next to it is, and stays reported.
    text = "Installera med apt-get och sedan Kompetensförsörjningsutmaningarna."
    style = "width: 22mm; hyphens: auto; hyphenate-character: '-'"
    path = raw_pdf(tmp_path, f'<p style="{style}">{text}</p>', pdf_variant="pdf/ua-1")
    shown = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout
    assert "apt-\nget" in shown

    def cut_lines(written: frozenset[str]) -> int:
        found = re.search(r"(\d+) rader slutar med ett avstavningstecken", " ".join(check_pdf(path, written)))
        return int(found.group(1)) if found else 0

    layout_hyphens = shown.count("-\n") - 1
    assert layout_hyphens >= 1
    assert cut_lines(frozenset()) == layout_hyphens + 1  # without the report's text: counted too
    assert cut_lines(hyphen_pairs(text)) == layout_hyphens


def test_the_hyphen_pairs_are_every_two_parts_a_hyphen_joins() -> None:
    from kfsreport.commands.check.pdfcheck import hyphen_pairs

    assert hyphen_pairs("Kör apt-get, se tabell-atgardsplan-1 och 2023-2030") == {
        "apt-get",
        "tabell-atgardsplan",
        "atgardsplan-1",
        "2023-2030",
    }


def test_the_layout_runs_with_the_cyclic_collector_paused_and_resumed_after() -> None:
    """`without_collector` pauses Python's cyclic garbage collector while a layout is made
    and written (it went through the growing layout again and again), and turns it on again
    afterwards, also when the layout fails; a caller that had it off keeps it off."""
    import gc

    import pytest

    from kfsreport.printing.pdf import without_collector

    assert gc.isenabled()
    assert without_collector(gc.isenabled) is False
    assert gc.isenabled()

    def fails() -> None:
        raise ValueError("layout")

    with pytest.raises(ValueError, match="layout"):
        without_collector(fails)
    assert gc.isenabled()
    gc.disable()
    try:
        assert without_collector(lambda: 1) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_pdf_is_laid_out_and_written_without_the_cyclic_collector(tmp_path, monkeypatch) -> None:
    import gc

    from kfsreport.printing import pdf

    seen = []
    write = pdf.write_variants

    def spied(document, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return write(document, **kwargs)

    monkeypatch.setattr(pdf, "write_variants", spied)
    pdfs, refused = pdf.lay_out("<p>Hej</p>", tmp_path, [], archive=False)
    assert pdfs is not None and pdfs[""].startswith(b"%PDF") and refused == []
    assert seen == [False] and gc.isenabled()
