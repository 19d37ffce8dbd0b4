"""The preview's chapter PDF laid out again from the page an edit can change
(`printing/chapterresume.py`): whatever the edit, the PDF is page for page, word for word,
bookmark for bookmark the one a layout from the chapter's first page gives; only where the
edit begins decides how much is laid out again, and anything it cannot vouch for is laid
out whole."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pikepdf
import pytest

from kfsreport.commands.chapterpdf import alone, chapter_spans
from kfsreport.commands.serve import Preview
from kfsreport.printing import chapterlayout, chapterresume, stitch
from kfsreport.printing.chapterlayout import Place
from kfsreport.printing.parts import _resume
from kfsreport.render.templates import template_dirs

PACKAGE_CSS = Path(__file__).resolve().parent.parent / "kfsreport" / "templates" / "css"
PLACE = Place(page=7, index=6, right=True, strings={"report-title": "Fjällmarks årsrapport"})


def _paragraph(n: int) -> str:
    return (
        f"Stycke {n}: beredningen har gått igenom vad byarna har kvar av service, hur långt det är "
        f"till närmaste butik och vad invånarna själva vill ändra på, by för by och vinter för vinter."
    )


@pytest.fixture(scope="module")
def chapter(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A chapter of about five pages (headings, lists, paragraphs) alone, as the preview lays
    it out, and the report folder it is from."""
    import shutil

    project = tmp_path_factory.mktemp("resume") / "rapport"
    shutil.copytree(Path(__file__).parent / "fixtures" / "annan-region", project)
    (project / "templates" / "css").mkdir(parents=True)
    shutil.copy(PACKAGE_CSS / "print.css", project / "templates" / "css" / "print.css")
    parts = []
    for section in range(1, 6):
        parts.append(f"## Del {section}\n")
        parts.extend(_paragraph(section * 10 + n) + "\n" for n in range(6))
        parts.append("".join(f"- Punkt {section}.{n} i listan\n" for n in range(3)))
    (project / "content" / "02-uppfoljning.md").write_text(
        "---\ntitle: Uppföljning\n---\n\n" + "\n".join(parts), encoding="utf-8"
    )
    preview = Preview(project)
    try:
        html, root, errors = preview.print_edition()
    finally:
        preview.close()  # its print processes, which a garbage-collected Preview leaves running
    assert html is not None and not errors
    span = next(span for span in chapter_spans(html) if span.source == "content/02-uppfoljning.md")
    return alone(html, span), root


def _lay_out(html: str, root: Path) -> tuple[bytes, int]:
    pdf, refused, pages, begun = chapterlayout.lay_out_chapter(html, root, template_dirs(root), PLACE)
    assert pdf is not None and not refused
    assert begun == chapterresume.begun_at()  # what the preview is told: where the layout began
    return pdf, pages


def _from_the_start_html(html: str, root: Path) -> str:
    """`html`, after laying it out from the chapter's first page (the last layout kept)."""
    _from_the_start(html, root)
    return html


def _from_the_start(html: str, root: Path) -> bytes:
    chapterresume.forget()
    pdf, _ = _lay_out(html, root)
    assert chapterresume.begun_at() == 0
    return pdf


def _seen(pdf: bytes) -> tuple[list[bytes], list[str], list[tuple[str, int]], list[str]]:
    """Page images (30 dpi), text per page, bookmarks (title, page) and named destinations."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "30", "-gray", "in.pdf", "p"], cwd=folder, check=True)
        images = [image.read_bytes() for image in sorted(Path(folder).glob("p-*.pgm"))]
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages)}
        bookmarks = []
        with document.open_outline() as outline:
            stack = list(reversed(outline.root))
            while stack:
                item = stack.pop()
                bookmarks.append((item.title, pages[item.destination[0].objgen]))
                stack.extend(reversed(item.children))
        names = document.Root.get("/Names", {}).get("/Dests")
        destinations = [str(n) for n in list(names.Names)[::2]] if names is not None else []
    return images, text.decode("utf-8").split("\f")[:-1], bookmarks, destinations


def _paragraphs(html: str) -> list[int]:
    return [m.start() for m in re.finditer(r"<p>", html)]


EDITS = {
    "a paragraph added at the end": lambda h, ps: h.replace(
        "</section>", "<p>Ett nytt sista stycke om vintervägarna.</p>\n</section>"
    ),
    "a paragraph inserted past the middle": lambda h, ps: (
        h[: ps[-12]] + "<p>Ett infogat stycke.</p>\n" + h[ps[-12] :]
    ),
    "a paragraph removed near the end": lambda h, ps: h[: ps[-3]] + h[h.index("</p>", ps[-3]) + 4 :],
    "a late paragraph made much longer": lambda h, ps: (
        h[: ps[-8] + 3] + "Mycket mer text om vad som hände sedan, " * 12 + h[ps[-8] + 3 :]
    ),
    "a heading added before the last list": lambda h, ps: (
        h[: h.rindex("<ul")] + "<h3>En ny underrubrik</h3>\n" + h[h.rindex("<ul") :]
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_is_laid_out_from_its_page_and_gives_the_whole_layouts_pdf(chapter, name):
    html, root = chapter
    edited = EDITS[name](html, _paragraphs(html))
    assert edited != html
    before, pages_before = _lay_out(html, root)
    assert pages_before >= 4
    resumed, pages = _lay_out(edited, root)
    started = chapterresume.begun_at()
    assert started is not None and 0 < started < pages, f"{name}: laid out from page {started}"
    whole = _from_the_start(edited, root)
    assert _seen(resumed) == _seen(whole)
    assert pages == len(_seen(whole)[0])
    # The pages before it are the ones laid out before the edit.
    assert _seen(resumed)[0][:started] == _seen(before)[0][:started]


def test_blank_lines_after_the_last_block_are_no_change(chapter):
    """A paragraph added at the end of a chapter whose last block is long: Markdown leaves one
    blank line fewer after that block than before the save. Nothing on the page changed
    there, so the layout begins where the new paragraph goes, on a page that begins inside
    the long block, as when the blank lines stay the same."""
    html, root = chapter
    long_last = html.replace(
        "</section>", "<p>" + " ".join(_paragraph(n) for n in range(90, 110)) + "</p>\n\n\n</section>"
    )
    added = "<p>Ett nytt sista stycke om vintervägarna.</p>\n</section>"
    same_lines = long_last.replace("\n\n</section>", "\n\n" + added)
    fewer_lines = long_last.replace("\n\n\n</section>", "\n\n" + added)
    _from_the_start(long_last, root)
    _lay_out(same_lines, root)
    where = chapterresume.begun_at()
    _from_the_start(long_last, root)
    resumed, pages = _lay_out(fewer_lines, root)
    assert where is not None and where == chapterresume.begun_at() and where >= pages - 2
    assert _seen(resumed) == _seen(_from_the_start(fewer_lines, root))


def test_an_edit_that_keeps_its_lines_lays_out_its_own_page_only(chapter):
    """A word changed for one as long early in the chapter: the next page begins where it
    began before, so the layout stops there and the last layout's pages follow."""
    html, root = chapter
    before, pages_before = _lay_out(_from_the_start_html(html, root), root)
    at = html.index("närmaste butik", _paragraphs(html)[9])
    edited = html[:at] + "närmaste affär" + html[at + len("närmaste butik") :]
    resumed, pages = _lay_out(edited, root)
    started, ended = chapterresume.begun_at(), chapterresume.ended_at()
    assert started is not None and ended is not None and 0 < started < ended < pages == pages_before
    whole = _from_the_start(edited, root)
    assert _seen(resumed) == _seen(whole)
    assert _seen(resumed)[0][ended:] == _seen(before)[0][ended:]
    assert chapterresume.ended_at() is None  # a layout from the start runs to the end


def test_pages_after_a_forced_break_are_kept_when_blocks_were_added_before_it(chapter):
    """Two paragraphs added before a section that starts on a new page: the pages from that
    section on are the last layout's, their blocks two further on; and the layout after
    that, an edit past the break, still begins in the right block."""
    html, root = chapter
    at = html.rindex("<h2", 0, html.index("Del 4", html.index("<section")))
    forced = html[:at] + '<h2 style="break-before: page"' + html[at + 3 :]
    _from_the_start(forced, root)
    first = _paragraphs(forced)[14]
    added = forced[:first] + "<p>Ett nytt stycke.</p>\n<p>Ett till.</p>\n" + forced[first:]
    resumed, pages = _lay_out(added, root)
    ended = chapterresume.ended_at()
    assert ended is not None and ended < pages
    assert _seen(resumed) == _seen(_from_the_start(added, root))
    _lay_out(forced, root)  # the last layout: from the start again, as `forced`
    _lay_out(added, root)
    later = added.replace("</section>", "<p>Ett nytt sista stycke om vintervägarna.</p>\n</section>")
    again, _ = _lay_out(later, root)
    assert (chapterresume.begun_at() or 0) >= ended
    assert _seen(again) == _seen(_from_the_start(later, root))


def test_an_edit_on_the_first_page_lays_the_chapter_out_from_its_start(chapter):
    html, root = chapter
    first = _paragraphs(html)[0]
    edited = html[: first + 3] + "Ändrat i början. " + html[first + 3 :]
    _lay_out(html, root)
    resumed, _ = _lay_out(edited, root)
    assert chapterresume.begun_at() == 0
    assert _seen(resumed) == _seen(_from_the_start(edited, root))
    # A word for one as long there: from the first page, but only until the pages meet.
    at = html.index("närmaste butik", first)
    same_lines = html[:at] + "närmaste affär" + html[at + len("närmaste butik") :]
    _from_the_start(html, root)
    kept, pages = _lay_out(same_lines, root)
    ended = chapterresume.ended_at()
    assert chapterresume.begun_at() == 0 and ended is not None and ended < pages
    assert _seen(kept) == _seen(_from_the_start(same_lines, root))


def test_a_changed_stylesheet_or_place_lays_the_chapter_out_from_its_start(chapter):
    html, root = chapter
    restyled = html.replace("</head>", "<style>p { letter-spacing: 0.02em; }</style></head>", 1)
    _lay_out(html, root)
    _lay_out(restyled, root)
    assert chapterresume.begun_at() == 0
    _lay_out(html, root)
    moved = Place(page=9, index=8, right=True, strings=PLACE.strings)
    pdf, refused, _, _ = chapterlayout.lay_out_chapter(html, root, template_dirs(root), moved)
    assert pdf is not None and not refused and chapterresume.begun_at() == 0
    assert "9" in _seen(pdf)[1][0].split("\n")  # its folio, from the new place


def test_an_image_file_changed_under_the_same_html_lays_the_chapter_out_anew(chapter):
    """A picture on the chapter's first page is replaced by one of the same name: the HTML
    is the same, the first page is not."""
    html, root = chapter
    picture = root / "karta.svg"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
        '<rect width="200" height="60" fill="{}"/></svg>'
    )
    first = _paragraphs(html)[0]
    with_picture = html[:first] + '<p><img src="karta.svg" alt="Karta"></p>\n' + html[first:]
    picture.write_text(svg.format("#000000"), encoding="utf-8")
    before, _ = _lay_out(with_picture, root)
    picture.write_text(svg.format("#ffffff"), encoding="utf-8")
    edited = EDITS["a paragraph added at the end"](with_picture, [])
    after, _ = _lay_out(edited, root)
    assert chapterresume.begun_at() == 0
    assert _seen(after)[0][0] != _seen(before)[0][0]
    assert _seen(after) == _seen(_from_the_start(edited, root))


@pytest.mark.parametrize(
    "style, link",
    [
        (
            "@page { @bottom-left { content: counter(page) ' av ' counter(pages) !important; }"
            " @bottom-right { content: counter(page) ' av ' counter(pages) !important; } }",
            "",
        ),
        (
            "a.xref::after { content: ' (sidan ' target-counter(attr(href), page) ')'; }",
            '<a class="xref" href="#del-5">del 5</a>',
        ),
    ],
    ids=["the page count in a margin", "a page reference to a later part"],
)
def test_pages_that_show_other_pages_numbers_are_laid_out_from_the_start(chapter, style, link):
    html, root = chapter
    styled = html.replace("</head>", f"<style>{style}</style></head>", 1)
    first = _paragraphs(styled)[0]
    styled = styled[: first + 3] + link + styled[first + 3 :]
    _lay_out(styled, root)
    edited = EDITS["a paragraph added at the end"](styled, [])
    pdf, _ = _lay_out(edited, root)
    assert chapterresume.begun_at() == 0
    seen = _seen(pdf)
    assert seen == _seen(_from_the_start(edited, root))
    assert ("(sidan " in seen[1][0]) == bool(link)
    assert (re.search(r"\b\d+ av \d+\b", seen[1][-1]) is None) == bool(link)


def test_pages_that_do_not_join_are_laid_out_again_from_the_start(chapter, monkeypatch):
    html, root = chapter
    edited = EDITS["a paragraph added at the end"](html, [])
    _lay_out(html, root)

    def broken(*args: object) -> bytes:
        raise stitch.StitchError("trasig")

    monkeypatch.setattr(chapterresume, "joined", broken)
    pdf, _ = _lay_out(edited, root)
    assert chapterresume.begun_at() == 0
    monkeypatch.undo()
    assert _seen(pdf) == _seen(_from_the_start(edited, root))


def test_where_a_layout_resumes_from_the_pages_states():
    path = (0, 0, 0)

    def at(block: int | None) -> list[object]:
        """A page's encoded state resuming inside `block` of the section at `path`."""
        return [None if block is None else _resume({0: {0: {0: {block: {2: None}}}}})]

    states = [at(None), at(3), at(8), at(8), at(14), at(None)]
    assert chapterresume.resume_from(states, path, 2) == 0  # on the first page: from the start
    assert chapterresume.resume_from(states, path, 8) == 1  # page 2 begins in block 8 itself
    assert chapterresume.resume_from(states, path, 9) == 3
    assert chapterresume.resume_from(states, path, 20) == 4  # added at the end: the last page
    elsewhere = [at(None), [_resume({1: None})], at(5), at(None)]  # page 1 resumes outside it
    assert chapterresume.resume_from(elsewhere, path, 9) == 2
