"""The preview's chapter PDF: save one chapter and `/kapitel/<id>.pdf` is that chapter laid out
alone, page for page what the whole PDF has for it (folios, running heads, figure numbers),
never from files older than the ones on disk, never from broken files; an unknown chapter
is a Swedish 404. And the bookkeeping behind it (`chapterpdf.Chapters`): numbers from a full
layout that no longer matches what precedes the chapter are said to be so."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kfsreport.commands.chapterpdf import ChapterPdf, Chapters, Job, alone, chapter_spans
from kfsreport.commands.serve import PreviewServer
from kfsreport.printing.chapterlayout import Place
from tests.conftest import edit
from tests.test_serve import Events, get

PACKAGE_CSS = Path(__file__).resolve().parent.parent / "kfsreport" / "templates" / "css"

SECOND_CHART = """  - id: butiker-igen
    type: bar
    title: Butiker i byarna, samma siffror en gång till
    alt: Stapeldiagram. Fjällby har sju byabutiker, Östra dalen fyra och Norra sjön två.
    data: data/butiker.csv
    x: kommun
    y: butiker
    y_title: Antal butiker
    source: Beredningens inventering 2031
"""


def _paragraphs(topic: str, count: int) -> str:
    return "\n\n".join(
        f"Stycke {n} om {topic}: beredningen har gått igenom vad byarna i kommunen har kvar av "
        f"service, hur långt det är till närmaste butik och vad invånarna själva vill ändra på. "
        f"Svaren från by nummer {n} liknar de andra, men vägen dit är längre om vintern."
        for n in range(1, count + 1)
    )


@pytest.fixture
def chapters(make_project) -> Path:
    """A two-sided report with a foreword of several pages, a chapter whose figure is the
    report's second, and a long chapter after it. Its own print stylesheet sets the left
    pages' running head on the inside cover, long before the chapters."""
    project = make_project("annan-region")
    (project / "templates" / "css").mkdir(parents=True)
    (project / "templates" / "css" / "print.css").write_text(
        (PACKAGE_CSS / "print.css").read_text(encoding="utf-8")
        + '\n.colophon { string-set: report-title "Fjällmarks årsrapport"; }\n',
        encoding="utf-8",
    )
    charts = project / "data" / "charts.yaml"
    charts.write_text(charts.read_text(encoding="utf-8") + SECOND_CHART, encoding="utf-8")
    (project / "content" / "00-inledning.md").write_text(
        '---\ntitle: Inledning\n---\n\n{{ figur("butiker") }}\n\n' + _paragraphs("inledningen", 30) + "\n",
        encoding="utf-8",
    )
    edit(project / "content" / "01-landsbygden.md", '{{ figur("butiker") }}', '{{ figur("butiker-igen") }}')
    (project / "content" / "02-uppfoljning.md").write_text(
        "---\ntitle: Uppföljning\n---\n\n" + _paragraphs("uppföljningen", 45) + "\n", encoding="utf-8"
    )
    return project


@pytest.fixture
def running(chapters: Path) -> Iterator[tuple[Path, int]]:
    with PreviewServer(chapters, port=0) as server:
        yield chapters, int(server.url.rstrip("/").rsplit(":", 1)[1])


def pages_text(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def page_images(pdf: bytes, first: int, last: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "in.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "30", "-gray", "-f", str(first), "-l", str(last), "in.pdf", "p"],
            cwd=folder,
            check=True,
        )
        return [image.read_bytes() for image in sorted(Path(folder).glob("p-*.pgm"))]


def saved_chapter(events: Events, chapter_id: str) -> str:
    """Wait until the page's PDF status links to the chapter's PDF; return the status."""
    while True:
        status = events.next("pdf")
        if f'href="/kapitel/{chapter_id}.pdf"' in status:
            return status


def held_everywhere(server: PreviewServer) -> None:
    """Wait until the chapters have been laid out in advance, each at its place."""
    builds = server.preview.pdf
    chapters = builds.chapters

    def held() -> bool:
        known = {chapter_id: place for chapter_id, (place, _) in chapters.known.items()}
        return bool(known) and chapters.held == known and not builds.chapter_running

    with builds.done:
        assert builds.done.wait_for(held, 300), (chapters.held, chapters.known)


def test_a_saved_chapter_is_laid_out_alone_exactly_as_on_its_pages_in_the_whole_pdf(chapters):
    """The first whole PDF tells where the chapters go; the preview then lays them out in
    advance, so even the first save of a chapter starts from the page its edit changes."""
    with PreviewServer(chapters, port=0) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        _saved_twice(server, chapters, port)


def _saved_twice(server: PreviewServer, project: Path, port: int) -> None:
    assert get(port, "/rapport.pdf")[0] == 200  # the first full layout: the chapters' places
    held_everywhere(server)
    events = Events(port)
    edit(project / "content" / "02-uppfoljning.md", "Stycke 44 om", "Nyskrivet stycke 44 om")
    status = saved_chapter(events, "uppfoljning")
    made = server.preview.pdf.chapters.made["uppfoljning"]
    assert made.begun > 0  # laid out from the page of the edit, the pages before kept
    assert "Förhandsvisning av kapitlet" in status and "den fil du skickar är hela PDF:en" in status
    assert "de kan ändras" not in status  # nothing before the chapter changed: the numbers are exact
    code, kind, chapter = get(port, "/kapitel/uppfoljning.pdf")
    assert (code, kind) == (200, "application/pdf")
    code, _, full = get(port, "/rapport.pdf")
    assert code == 200
    texts, whole = pages_text(chapter), pages_text(full)
    assert "Uppföljning" in texts[0] and any("Nyskrivet stycke 44" in text for text in texts[made.begun :])
    first = next(number for number, text in enumerate(whole) if "Uppföljning" in text and number > 3)
    assert len(texts) >= 3
    assert f"sidorna {first + 1}–{first + len(texts)})" in status
    for offset, text in enumerate(texts):
        folio = str(first + offset + 1)
        assert folio in text.split("\n"), f"folio {folio} missing on the chapter's page {offset + 1}"
        # Two-sided: a left page's running head is set on the inside cover only.
        if (first + offset) % 2 == 1:
            assert "Fjällmarks årsrapport" in text.split("\n")
    assert page_images(chapter, 1, len(texts)) == page_images(full, first + 1, first + len(texts))
    # Saved again near its end: laid out from the page the edit can change
    # (`chapterresume`), and still page for page the whole PDF's.
    edit(project / "content" / "02-uppfoljning.md", "Stycke 43 om", "Stycke 43, omskrivet, om")
    events.reload()  # the page rebuilt from the save; the chapter's PDF follows it
    chapter = get(port, "/kapitel/uppfoljning.pdf")[2]
    full = get(port, "/rapport.pdf")[2]
    texts = pages_text(chapter)
    assert any("Stycke 43, omskrivet" in text for text in texts[1:])
    assert texts == pages_text(full)[first : first + len(texts)]
    assert page_images(chapter, 1, len(texts)) == page_images(full, first + 1, first + len(texts))
    events.close()


def test_the_whole_pdf_is_laid_out_in_two_parts_from_the_second_time_on(running, caplog):
    """The first whole PDF is laid out in one piece and leaves its facts; after a change, the
    next comes from two parts, page for page what one piece gives, and the chapters' places
    for the chapter PDF then come from the parts' facts: a chapter saved after that is still
    exact."""
    import logging

    project, port = running
    caplog.set_level(logging.INFO, logger="kfsreport.printing.inparts")
    assert get(port, "/rapport.pdf")[0] == 200
    assert "två delar" not in caplog.text
    events = Events(port)
    edit(project / "content" / "02-uppfoljning.md", "Stycke 3 om", "Nyskrivet stycke 3 om")
    saved_chapter(events, "uppfoljning")  # the rebuild is done; the whole PDF is under way
    code, _, split = get(port, "/rapport.pdf")
    assert code == 200 and "lades ut i två delar samtidigt" in caplog.text
    from kfsreport.printing.pdf import lay_out
    from kfsreport.render.templates import template_dirs

    printed = project / "print.html"
    printed.write_text(_print_edition(project), encoding="utf-8")
    whole = lay_out(printed.read_text(encoding="utf-8"), project, template_dirs(project), archive=False)[0]
    assert whole is not None
    count = len(pages_text(split))
    assert pages_text(split) == pages_text(whole[""])
    assert page_images(split, 1, count) == page_images(whole[""], 1, count)
    edit(project / "content" / "01-landsbygden.md", "räknat deras butiker", "räknat alla deras butiker")
    saved_chapter(events, "landsbygdens-service")
    code, _, chapter = get(port, "/kapitel/landsbygdens-service.pdf")
    assert code == 200 and "räknat alla deras butiker" in " ".join(" ".join(pages_text(chapter)).split())
    code, _, full = get(port, "/rapport.pdf")
    texts = pages_text(chapter)
    first = next(n for n, text in enumerate(pages_text(full)) if "Landsbygdens service" in text and n > 2)
    assert page_images(chapter, 1, len(texts)) == page_images(full, first + 1, first + len(texts))
    events.close()


def _print_edition(project: Path) -> str:
    from kfsreport.pipeline import make

    made = make(project, ["pdf"], cache=None)
    assert made.document is not None and made.document.print_html is not None
    return made.document.print_html


def test_a_chapter_asked_for_before_the_pdf_comes_after_the_first_full_layout(running):
    _, port = running
    code, kind, chapter = get(port, "/kapitel/landsbygdens-service.pdf")  # nothing laid out yet
    assert (code, kind) == (200, "application/pdf")
    code, _, full = get(port, "/rapport.pdf")
    assert code == 200
    whole = pages_text(full)
    first = next(number for number, text in enumerate(whole) if "Landsbygdens service" in text and number > 2)
    count = len(pages_text(chapter))
    assert page_images(chapter, 1, count) == page_images(full, first + 1, first + count)


def test_a_chapter_keeps_the_figure_numbers_of_the_whole_report(running):
    project, port = running
    assert get(port, "/rapport.pdf")[0] == 200
    events = Events(port)
    edit(project / "content" / "01-landsbygden.md", "räknat deras butiker", "räknat alla deras butiker")
    saved_chapter(events, "landsbygdens-service")
    code, _, chapter = get(port, "/kapitel/landsbygdens-service.pdf")
    assert code == 200
    text = " ".join(" ".join(pages_text(chapter)).split())
    assert "räknat alla deras butiker" in text
    assert "Figur 2. Butiker i byarna, samma siffror en gång till" in text
    assert "Figur 1." not in text
    events.close()


def test_a_chapter_pdf_is_never_older_than_the_files(running):
    project, port = running
    assert get(port, "/rapport.pdf")[0] == 200
    events = Events(port)
    chapter = project / "content" / "01-landsbygden.md"
    edit(chapter, "räknat deras butiker", "räknat ORD1 butiker")
    saved_chapter(events, "landsbygdens-service")
    edit(chapter, "räknat ORD1 butiker", "räknat ORD2 butiker")
    events.reload()
    code, _, pdf = get(port, "/kapitel/landsbygdens-service.pdf")  # waits for the new one
    text = " ".join(" ".join(pages_text(pdf)).split())
    assert code == 200 and "ORD2" in text and "ORD1" not in text
    events.close()


def test_a_broken_edit_gives_no_chapter_pdf_but_its_message(running):
    project, port = running
    assert get(port, "/rapport.pdf")[0] == 200
    events = Events(port)
    chapter = project / "content" / "01-landsbygden.md"
    edit(chapter, "räknat deras butiker", "räknat {{ fakta.finns_inte }} butiker")
    events.pdf_state("Ingen ny PDF förrän felen är rättade")
    code, kind, body = get(port, "/kapitel/landsbygdens-service.pdf")
    assert (code, kind) == (503, "text/plain; charset=utf-8")
    message = body.decode("utf-8")
    assert message.startswith("Kapitlets PDF kunde inte göras:") and "content/01-landsbygden.md:" in message
    assert "Traceback" not in message
    assert "/kapitel/" not in get(port)[2].decode("utf-8").split('id="kfsreport-pdf"', 1)[1]
    events.close()


def test_an_unknown_chapter_is_not_found_in_swedish(running):
    _, port = running
    for path in ("/kapitel/finns-inte.pdf", "/kapitel/", "/kapitel/uppfoljning", "/kapitel/%2e%2e.pdf"):
        code, kind, body = get(port, path)
        text = body.decode("utf-8")
        assert (code, kind) == (404, "text/plain; charset=utf-8"), path
        assert "finns inte i rapporten" in text and "/kapitel/uppfoljning.pdf" in text
        assert "Traceback" not in text


def test_a_change_to_the_data_promises_no_chapter_pdf(running):
    project, port = running
    assert get(port, "/rapport.pdf")[0] == 200
    events = Events(port)
    facts = project / "data" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    events.reload()
    events.pdf_state("PDF:en är klar")
    assert "/kapitel/" not in get(port)[2].decode("utf-8").split('id="kfsreport-pdf"', 1)[1]
    events.close()


# --- the bookkeeping, without a layout ---------------------------------------------------------

HEAD = '<!DOCTYPE html>\n<html lang="sv"><head><style>p{}</style></head>\n<body class="edition-print">\n'


def _print_html(*chapters: tuple[str, str], contents: str = "Innehåll") -> str:
    sections = "".join(
        f'<section class="chapter" data-chapter="{name}" data-source="content/{name}.md">\n'
        f'<h2 class="chapter-title" id="{name}"><span class="heading-number">1</span> {text}</h2>\n'
        f"<p>{text}</p>\n</section>\n"
        for name, text in chapters
    )
    main = f'<main id="innehall" class="report-body">\n{sections}</main>'
    return f'{HEAD}<nav class="toc">{contents}</nav>\n{main}\n</body>\n</html>\n'


def test_a_chapter_is_cut_out_with_the_head_and_nothing_else():
    html = _print_html(("a", "Första"), ("b", "Andra &amp; sista"))
    spans = chapter_spans(html)
    assert [(span.id, span.source, span.heading) for span in spans] == [
        ("a", "content/a.md", "1 Första"),
        ("b", "content/b.md", "1 Andra & sista"),
    ]
    only = alone(html, spans[1])
    assert only.startswith(HEAD) and "Andra" in only and "Första" not in only and "Innehåll" not in only
    assert only.rstrip().endswith("</section>\n</main>\n</body>\n</html>")


def test_numbers_from_a_full_layout_that_no_longer_matches_are_said_to_be_so():
    state = Chapters()
    before = _print_html(("a", "Första"), ("b", "Andra"))
    state.edition(before, Path("/r"), 1)
    place = Place(page=7, index=6, right=True)
    state.learn(before, {"a": Place(5, 4, True), "b": place})
    # An edit of b itself: everything before it as in the full layout, the numbers are exact.
    state.edition(_print_html(("a", "Första"), ("b", "Andra, ändrad")), Path("/r"), 2)
    state.saved(["content/b.md"])
    job = state.job(2)
    assert job is not None and job.exact and job.place == place and "ändrad" in job.html
    # A chapter grew before it: laid out with the last full layout's numbers, and said so.
    grown = _print_html(("a", "Första, mycket längre"), ("b", "Andra"))
    state.edition(grown, Path("/r"), 3)
    state.saved(["content/b.md"])
    job = state.job(3)
    assert job is not None and not job.exact
    state.finished(job, ChapterPdf(job.span, b"%PDF", 3, job.place, 2, job.exact), None)
    assert "sidnumren från den senaste hela PDF:en, de kan ändras" in state.note(3, current=True)
    assert "sidorna 7–8" in state.note(3, current=True)
    # The full layout that follows moved it: the chapter PDF goes and is made again.
    state.learn(grown, {"a": Place(5, 4, True), "b": Place(9, 8, True)})
    assert "b" not in state.made and state.job(3) is not None
    # A new or renamed chapter is in no full layout yet: nothing is promised for it.
    state.edition(_print_html(("a", "Första"), ("ny", "Ny")), Path("/r"), 4)
    state.saved(["content/ny.md"])
    assert state.promised is None and state.job(4) is None and state.note(4, current=True) == ""
    # A save of anything but one chapter's file promises nothing either.
    state.saved(["data/facts.yaml"])
    assert state.promised is None


def _saved_b() -> tuple[Chapters, str, Job | None]:
    """Chapters a and b placed by a full layout, b just saved: its layout job taken."""
    state = Chapters()
    html = _print_html(("a", "Första"), ("b", "Andra"))
    state.edition(html, Path("/r"), 1)
    state.learn(html, {"a": Place(5, 4, True), "b": Place(7, 6, True)})
    state.saved(["content/b.md"])
    return state, html, state.job(1)


def test_a_chapter_asked_for_again_is_not_laid_out_again():
    """The page asks for the chapter PDF while it is being made and after: one layout per
    change of the files, not one per request (each would hold the next save's layout up)."""
    state, html, job = _saved_b()
    assert job is not None and state.waiting("b", 1)
    state.want("b", 1)  # asked again while it is laid out
    assert state.job(1) is None and state.waiting("b", 1)
    state.finished(job, ChapterPdf(job.span, b"%PDF", 1, job.place, 2, job.exact), None)
    state.want("b", 1)  # asked again once made
    assert state.job(1) is None and not state.waiting("b", 1)
    # The files change while it is laid out: the request is for the new files and is queued.
    state.working = ("b", 1)
    state.want("b", 2)
    state.edition(_print_html(("a", "Första"), ("b", "Andra, ändrad")), Path("/r"), 2)
    job = state.job(2)
    assert job is not None and "ändrad" in job.html and state.waiting("b", 2)
    assert not state.waiting("b", 3)  # a request for files not yet rebuilt waits for their edition


def test_a_chapter_laid_out_while_a_full_layout_moved_it_is_laid_out_again():
    state, html, job = _saved_b()
    assert job is not None
    state.learn(html, {"a": Place(5, 4, True), "b": Place(9, 8, True)})  # done meanwhile
    state.finished(job, ChapterPdf(job.span, b"%PDF", 1, job.place, 2, job.exact), None)
    assert state.fresh("b", 1) is None
    again = state.job(1)
    assert again is not None and again.place == Place(9, 8, True)
    state.finished(again, None, "Kapitlets PDF kunde inte göras: trasig.")
    assert not state.waiting("b", 1) and state.errors["b"] == (1, "Kapitlets PDF kunde inte göras: trasig.")


def test_chapters_are_laid_out_in_advance_when_quiet_nearest_the_last_saved_first():
    """Once a whole PDF tells where the chapters are, each chapter not yet held at its place
    is laid out in advance, so that its first save starts from the page the edit changes:
    only when the preview is quiet, after any chapter asked for, nearest the last one saved."""
    state = Chapters()
    places = {name: Place(3 * n + 3, 3 * n + 2, True) for n, name in enumerate("abcd")}
    html = _print_html(("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"))
    state.edition(html, Path("/r"), 1)
    state.learn(html, places)
    assert state.warm == ["a", "b", "c", "d"]  # nothing saved yet: from the first chapter on
    assert state.job(1) is None and not state.job_ready(1)  # not while the preview is busy
    assert state.job_ready(1, warm=True)
    state.want("d", 1)  # a chapter asked for goes first
    first = state.job(1, warm=True)
    assert first is not None and first.span.id == "d"
    state.finished(first, ChapterPdf(first.span, b"%PDF", 1, first.place, 2, first.exact), None)
    job = state.job(1, warm=True)
    assert job is not None and job.span.id == "a" and job.exact and job.place == places["a"]
    state.finished(job, ChapterPdf(job.span, b"%PDF", 1, job.place, 2, job.exact), None)
    assert state.held == {"d": places["d"], "a": places["a"]}
    # A save ends the laying out in advance; the saved chapter is laid out as always.
    edited = _print_html(("a", "A"), ("b", "B"), ("c", "C, ändrad"), ("d", "D"))
    state.edition(edited, Path("/r"), 2)
    assert state.warm == [] and not state.job_ready(2, warm=True)
    state.saved(["content/c.md"])
    job = state.job(2, warm=True)
    assert job is not None and job.span.id == "c"
    state.finished(job, ChapterPdf(job.span, b"%PDF", 2, job.place, 2, job.exact), None)
    # The whole PDF of the save: the chapters not held at their place, c's neighbours first.
    state.learn(edited, places)
    assert state.warm == ["b"]
    moved = {**places, "a": Place(4, 3, False), "d": Place(14, 13, True)}
    state.learn(edited, moved)
    assert state.warm == ["b", "d", "a"]
    job = state.job(2, warm=True)
    assert job is not None and job.span.id == "b"
    state.finished(job, None, "Kapitlets PDF kunde inte göras: trasig.")
    assert "b" not in state.held  # the print process forgets a layout that failed
    # A whole PDF of files that changed since (a save came meanwhile) warms nothing.
    state.edition(html, Path("/r"), 3)
    state.learn(edited, moved)
    assert state.warm == []


def test_a_whole_pdf_finished_after_a_broken_save_keeps_the_files_errors():
    """The whole PDF of an earlier save is still being laid out when a broken save comes:
    when it is done, the PDF and the chapter PDF still answer with the files' errors."""
    from kfsreport.commands.pdfbuilds import PdfBuilds
    from kfsreport.errors import ReportError

    builds = PdfBuilds(lambda: (None, Path("/r"), []))
    try:
        builds.wanted = True
        generation = builds.generation
        builds.expect()
        error = ReportError(message="rutan avslutas inte.", path="content/03-resultat.md", line=367)
        builds.broken([error])
        builds._built(b"%PDF-1.7", None, generation)  # the earlier files' PDF, done now
        assert builds.state() == "error"
        pdf, told = builds.get(timeout=1)
        assert pdf is None and told is not None and "content/03-resultat.md:367" in told
        chapter, told = builds.get_chapter("resultat", timeout=1)
        assert chapter is None and told is not None and "content/03-resultat.md:367" in told
    finally:
        builds.close()


def test_a_preview_started_on_broken_files_answers_a_chapter_address_with_the_error(make_project):
    """Before any build has worked the preview knows no chapters, but it knows why: the
    chapter address gives the files' errors, as /rapport.pdf does, not "no such chapter"."""
    project = make_project("annan-region")
    chapter = project / "content" / "01-landsbygden.md"
    edit(chapter, "räknat deras butiker", "räknat {{ fakta.finns_inte }} butiker")
    with PreviewServer(project, port=0) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        code, kind, body = get(port, "/kapitel/landsbygdens-service.pdf")
        message = body.decode("utf-8")
        assert (code, kind) == (503, "text/plain; charset=utf-8")
        assert message.startswith("Kapitlets PDF kunde inte göras:")
        assert "content/01-landsbygden.md:" in message
        assert "finns inte i rapporten" not in message and "Traceback" not in message
        events = Events(port)
        edit(chapter, "räknat {{ fakta.finns_inte }} butiker", "räknat deras butiker")
        events.reload()
        code, _, body = get(port, "/kapitel/finns-inte.pdf")  # known chapters now: a plain 404
        assert code == 404 and "/kapitel/landsbygdens-service.pdf" in body.decode("utf-8")
        events.close()
