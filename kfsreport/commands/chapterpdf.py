"""The preview's chapter PDF: the chapter just saved, laid out alone at its place in the
report and served at `/kapitel/<id>.pdf` long before the whole PDF is laid out again.

The print edition marks each chapter's section with its id and source file (`data-chapter`,
`data-source`, report.html.j2), so the chapter's part can be cut out of the print HTML with
the page's head (stylesheets) around it (`alone`). Where it goes in the report comes from the
last full layout of the preview's PDF (`printing/chapterlayout.py`): the folio of its first
page, right or left page, the running heads in force, the words kept whole at page turns.
If everything before the chapter in the print HTML (cover, contents, earlier chapters) is
what that layout had, the numbers are exact (`exact`); if not (a chapter before it grew, one
was added, a heading changed the contents), the numbers are the last full layout's and the
page says so, until the full PDF that follows has been laid out: then a chapter PDF whose
numbers turn out right is marked exact, and one whose numbers moved is laid out again.
A chapter missing from the last full layout (new or renamed) gets no chapter PDF until the
full one is laid out. A memo (`layout: memo`) gets none: its chapters follow one another on
the page (css/memo.css), so a chapter laid out alone from the top of a page would show pages
its PDF does not have; a memo is a few pages, and the preview shows its whole PDF.

The chapter's print process keeps each chapter's last layout, and a chapter saved again is
laid out from the page its edit can change (`printing/chapterresume.py`). So that a chapter's
first save is as quick, the chapters are laid out in advance, one by one, once the whole PDF
is made and the preview is quiet (`warm`): nearest the chapter last saved first, skipping
those already held at their place. A save stops that (`edition`), and a chapter asked for
always goes first. `Chapters` holds this state; `serve.PdfBuilds` drives it under its lock.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from kfsreport.printing.chapterlayout import Place

CHAPTER_PREFIX = "/kapitel/"
"""A chapter's PDF is served at `/kapitel/<the chapter's id>.pdf`."""
SECTION = re.compile(r'<section class="chapter\b[^"]*" data-chapter="([^"]*)" data-source="([^"]*)">')
MEMO = re.compile(r'<body\b[^>]*\bclass="[^"]*\blayout-memo\b')
HEADING = re.compile(r'<h2 class="chapter-title"[^>]*>(.*?)</h2>', re.DOTALL)


@dataclass(frozen=True)
class Span:
    """One chapter's section in a print edition's HTML."""

    id: str
    source: str
    """The chapter's file, as `content/03-resultat.md`."""
    heading: str
    """Its heading as the reader sees it: `3 Resultat`."""
    start: int
    end: int


def chapter_spans(html: str) -> list[Span]:
    """The chapters' sections in the print HTML, in order (none if a template left out the
    marks, or in a memo, whose chapters do not begin on a page of their own)."""
    if MEMO.search(html):
        return []
    marks = list(SECTION.finditer(html))
    end_of_main = html.find("</main>")
    if end_of_main < 0:
        return []
    spans = []
    for number, mark in enumerate(marks):
        end = marks[number + 1].start() if number + 1 < len(marks) else end_of_main
        heading = HEADING.search(html, mark.end(), end)
        text = " ".join(htmllib.unescape(re.sub(r"<[^>]*>", "", heading.group(1))).split()) if heading else ""
        spans.append(
            Span(htmllib.unescape(mark.group(1)), htmllib.unescape(mark.group(2)), text, mark.start(), end)
        )
    return spans


def alone(html: str, span: Span) -> str:
    """The print HTML with this chapter only: the same head, body and main, nothing else."""
    body = re.search(r"<body\b[^>]*>", html)
    main = re.search(r"<main\b[^>]*>", html)
    if body is None or main is None:
        return html
    return f"{html[: body.end()]}\n{main.group(0)}\n{html[span.start : span.end]}</main>\n</body>\n</html>\n"


def prefix_key(html: str, span: Span) -> str:
    """What decides where the chapter starts: everything before it in the print HTML."""
    return hashlib.sha256(html[: span.start].encode("utf-8")).hexdigest()


def chapter_path(chapter_id: str) -> str:
    return f"{CHAPTER_PREFIX}{chapter_id}.pdf"


@dataclass
class ChapterPdf:
    span: Span
    pdf: bytes
    generation: int
    place: Place
    pages: int
    exact: bool
    begun: int = 0
    """The chapter's page (from 0) its layout began at: above 0 if the pages before it were
    the chapter's last layout's (`chapterresume`)."""


@dataclass(frozen=True)
class Job:
    """A chapter to lay out: its HTML alone, where it goes, and from which files."""

    span: Span
    html: str
    root: Path
    place: Place
    generation: int
    exact: bool


@dataclass
class Chapters:
    """The chapter PDFs' state; every method is called under `PdfBuilds`' lock."""

    html: str | None = None
    """The print edition of the files as they are (None until one is made, or once they change)."""
    root: Path | None = None
    generation: int = -1
    spans: dict[str, Span] = field(default_factory=dict)
    known: dict[str, tuple[Place, str]] = field(default_factory=dict)
    """From the last full layout, by id: where the chapter began, and its prefix key then."""
    queue: list[str] = field(default_factory=list)
    made: dict[str, ChapterPdf] = field(default_factory=dict)
    errors: dict[str, tuple[int, str]] = field(default_factory=dict)
    """The last failure by id, with the generation it was laid out from."""
    promised: str | None = None
    """The chapter the page's status tells about: the one last saved."""
    working: tuple[str, int] | None = None
    """The chapter being laid out, with the generation of the files it is laid out from."""
    held: dict[str, Place] = field(default_factory=dict)
    """Where the chapter's print process holds each chapter's last layout, by id: a chapter
    saved at that place again is laid out from the page its edit can change."""
    warm: list[str] = field(default_factory=list)
    """Chapters to lay out in advance while the preview is quiet (`learn`), in order."""

    def edition(self, html: str | None, root: Path | None, generation: int) -> None:
        """The print edition of the files as they are now (None: the files changed, no print
        edition came with them). New files end the laying out in advance until the whole PDF
        of them tells where the chapters are."""
        if generation != self.generation or html is None:
            self.warm = []
        self.html, self.root, self.generation = html, root, generation
        self.spans = {span.id: span for span in chapter_spans(html)} if html is not None else {}

    def saved(self, paths: list[str] | None) -> None:
        """The preview's rebuild after these files were saved (report-relative, `/`): a save of
        one chapter's file promises that chapter's PDF; a save of anything else (facts, data,
        templates, report.yaml, several chapters at once) promises none, since it may change
        every page and number."""
        by_source = {span.source: span.id for span in self.spans.values()}
        chosen = by_source.get(paths[0]) if paths and len(set(paths)) == 1 else None
        self.promised = chosen if chosen in self.known else None
        if self.promised is not None:
            self.want(self.promised, self.generation)

    def want(self, chapter_id: str, generation: int) -> None:
        """Lay out this chapter from the files of `generation`, unless its PDF from them is made
        or being made: a reader's page asking again and again never queues the same layout twice."""
        made = self.fresh(chapter_id, generation) is not None
        if not made and self.working != (chapter_id, generation) and chapter_id not in self.queue:
            self.queue.append(chapter_id)

    def job(self, generation: int, warm: bool = False) -> Job | None:
        """The next chapter to lay out from the files as they are, if any can be now: one
        asked for, else (if `warm`, the preview being quiet) one to lay out in advance."""
        if self.html is None or self.root is None or self.generation != generation:
            return None
        for chapter_id in list(self.queue):
            if chapter_id in self.spans and chapter_id in self.known:
                self.queue.remove(chapter_id)
                return self._job(chapter_id, self.html, self.root)
        while warm and self.warm:
            chapter_id = self.warm.pop(0)
            if self._to_warm(chapter_id):
                return self._job(chapter_id, self.html, self.root)
        return None

    def _job(self, chapter_id: str, html: str, root: Path) -> Job:
        span = self.spans[chapter_id]
        place, key = self.known[chapter_id]
        self.working = (chapter_id, self.generation)
        return Job(span, alone(html, span), root, place, self.generation, key == prefix_key(html, span))

    def _to_warm(self, chapter_id: str) -> bool:
        """Whether laying out this chapter in advance would give its next save a layout to
        start from: it is in the report, and not held at its place already."""
        known = self.known.get(chapter_id)
        return chapter_id in self.spans and known is not None and self.held.get(chapter_id) != known[0]

    def finished(self, job: Job, made: ChapterPdf | None, error: str | None) -> None:
        """The chapter PDF of `job` is laid out (`made`), or failed with `error`. A full layout
        that ended meanwhile and moved the chapter has it laid out again at its new place."""
        chapter_id = job.span.id
        self.working = None
        if made is None:
            self.errors[chapter_id] = (job.generation, error or "Kapitlets PDF kunde inte göras.")
            self.held.pop(chapter_id, None)  # the print process forgets a layout that failed
            return
        self.made[chapter_id] = made
        self.held[chapter_id] = job.place
        self.errors.pop(chapter_id, None)
        known = self.known.get(chapter_id)
        if known is not None and known[0] != job.place and job.generation == self.generation:
            del self.made[chapter_id]
            self.want(chapter_id, self.generation)

    def job_ready(self, generation: int, warm: bool = False) -> bool:
        """Whether `job` has a chapter to lay out now."""
        return (
            self.html is not None
            and self.generation == generation
            and (
                any(chapter_id in self.spans and chapter_id in self.known for chapter_id in self.queue)
                or (warm and any(self._to_warm(chapter_id) for chapter_id in self.warm))
            )
        )

    def learn(self, html: str, places: dict[str, Place]) -> None:
        """A full layout of `html` is done: where each chapter began in it. A chapter PDF made
        with numbers that turn out right becomes exact; one whose numbers moved is made again."""
        spans = {span.id: span for span in chapter_spans(html)}
        self.known = {
            chapter_id: (place, prefix_key(html, spans[chapter_id]))
            for chapter_id, place in places.items()
            if chapter_id in spans
        }
        for chapter_id, made in list(self.made.items()):
            known = self.known.get(chapter_id)
            if known is None or known[0] != made.place:
                del self.made[chapter_id]
                if known is not None and chapter_id in self.spans and made.generation == self.generation:
                    self.want(chapter_id, self.generation)
            elif html == self.html:
                made.exact = True
        if html == self.html:
            self.warm = self._nearest_first([i for i in self.known if self._to_warm(i)])

    def _nearest_first(self, ids: list[str]) -> list[str]:
        """`ids` by their distance from the chapter last saved (the first chapter if none):
        the chapters a writer goes on to edit are most often that one's neighbours."""
        order = list(self.spans)
        middle = order.index(self.promised) if self.promised in order else 0
        return sorted(ids, key=lambda chapter_id: abs(order.index(chapter_id) - middle))

    def fresh(self, chapter_id: str, generation: int) -> ChapterPdf | None:
        made = self.made.get(chapter_id)
        return made if made is not None and made.generation == generation else None

    def waiting(self, chapter_id: str, generation: int) -> bool:
        """Whether a PDF of this chapter from the files as they are may still come."""
        if self.fresh(chapter_id, generation) is not None:
            return False
        failed = self.errors.get(chapter_id)
        if failed is not None and failed[0] == generation:
            return False
        return chapter_id in self.queue or self.working == (chapter_id, generation)

    def note(self, generation: int, current: bool) -> str:
        """What the page's status adds about the promised chapter (HTML), or nothing."""
        chapter_id = self.promised
        if chapter_id is None or not current:
            return ""
        span = self.spans.get(chapter_id)
        heading = span.heading if span is not None else chapter_id
        made = self.fresh(chapter_id, generation)
        if made is not None:
            last = made.place.page + made.pages - 1
            pages = (
                f"sidan {made.place.page}" if last == made.place.page else f"sidorna {made.place.page}–{last}"
            )
            numbers = "" if made.exact else ", sidnumren från den senaste hela PDF:en, de kan ändras"
            return str(
                Markup(
                    '<br>Förhandsvisning av kapitlet <a href="{}">{}</a> ({}{}): bara för att titta, '
                    "den fil du skickar är hela PDF:en."
                ).format(chapter_path(chapter_id), heading, pages, numbers)
            )
        if self.waiting(chapter_id, generation):
            return str(Markup("<br>Kapitlet {} görs som förhandsvisning …").format(heading))
        return ""
