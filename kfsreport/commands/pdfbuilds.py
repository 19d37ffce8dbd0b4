"""The preview's PDFs: the whole report's, laid out again in the background whenever the files
change once it has been asked for, and a saved chapter's, laid out first and alone
(`chapterpdf.py`), each by a warm print process of its own (`printworker.PrintServer`).
From the second time on, the whole PDF is laid out in two parts at once on two processes
(`printing/inparts.py`), from the facts of the layout before; where the chapters begin
then comes from those facts too (`parts.Plan.places`).

`serve.Preview` hands each print edition its rebuild makes to `PdfBuilds`, which decides what
is laid out when and never gives out a PDF that does not match the files: a request waits
while the files are being rebuilt and gets the errors while they are broken.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from kfsreport.commands.chapterpdf import ChapterPdf, Chapters, Job, chapter_spans
from kfsreport.errors import Problems, ReportError
from kfsreport.printing.inparts import InParts
from kfsreport.printing.parts import Plan, plan_from
from kfsreport.printing.pdf import report_refused
from kfsreport.printing.printworker import PrintServer
from kfsreport.render.templates import template_dirs

PDF_PATH = "/rapport.pdf"
PDF_WAIT = 600.0
"""Seconds a request for the PDF waits for the build in progress."""
CHAPTER_FIRST = 5.0
"""Seconds the whole PDF waits for a chapter's PDF being laid out before it starts anyway."""
QUIET = 1.0
"""Seconds after a whole PDF before the chapters are laid out in advance (`Chapters.warm`),
so that a writer who saves again at once does not find the chapter process busy."""


class PdfBuilds:
    """The PDF, laid out by a warm `PrintServer`: from each print edition the preview's
    rebuild hands over once the PDF has been asked for, or else from `make_html`."""

    def __init__(
        self,
        make_html: Callable[[], tuple[str | None, Path, list[ReportError]]],
        on_state: Callable[[str], None] = lambda state: None,
    ) -> None:
        self.make_html = make_html
        self.on_state = on_state
        self.pdf: bytes | None = None
        self.error: str | None = None
        self.wanted = False
        self.stale = True
        self.fresh = False
        """Whether `pdf` was made from the files as they are now."""
        self.awaiting = False
        """A rebuild of the page is under way and its print edition will follow."""
        self.is_broken = False
        """The last rebuild found errors in the files."""
        self.generation = 0
        """Counts changes of the files; a PDF is fresh if none happened while it was laid out."""
        self.running = False
        self.done = threading.Condition()
        self._pending: tuple[str, Path] | None = None
        self._server = PrintServer()
        self._closed = False
        self.chapters = Chapters()
        """The chapter PDFs (`chapterpdf.py`), laid out in a print process of their own, so
        that a whole PDF being laid out for an earlier save never holds one up."""
        self._chapter_server = PrintServer()
        self.chapter_running = False
        self._part_server = PrintServer()
        """The second part of the whole PDF's pages (`inparts.InParts`)."""
        self._plan: Plan | None = None
        """The last whole PDF's layout facts, for the next one in two parts."""
        self._quiet_since = -1
        """The generation whose whole PDF was made `QUIET` seconds ago with no save since."""
        self._quiet_timer: threading.Timer | None = None

    def expect(self) -> None:
        """The files changed and the page is being rebuilt: the PDF is out of date until the
        print edition that comes with the rebuild is laid out, and a request waits for it."""
        with self.done:
            self.awaiting = True
            self.is_broken = False
            self.fresh = False
            self.generation += 1
        self._tell()

    def broken(self, errors: list[ReportError]) -> None:
        """The rebuild found errors: no PDF matches the files until they are fixed."""
        with self.done:
            self.awaiting = False
            self.is_broken = True
            self.fresh = False
            self.stale = False
            self.error = "\n".join(map(str, errors))
            self.done.notify_all()
        self._tell()

    def submit(self, html: str, root: Path, saved: list[str] | None = None) -> None:
        """A new print edition from the preview's rebuild: lay it out now, the chapter whose
        file was `saved` first if one was."""
        with self.done:
            self._pending = (html, root)
            self.chapters.edition(html, root, self.generation)
            self.chapters.saved(saved)
            self.stale = True
            self.awaiting = False
            self._start_chapters()
            self._start()
        self._tell()

    def inputs_changed(self) -> None:
        """The inputs changed and no print edition came with them."""
        with self.done:
            self._pending = None
            self.chapters.edition(None, None, self.generation)
            self.chapters.promised = None
            self.stale = True
            self.awaiting = False
            if self.wanted:
                self._start()
            self.done.notify_all()
        self._tell()

    def state(self) -> str:
        """idle (never asked for), building, ready or error: what the page tells the reader."""
        with self.done:
            if not self.wanted:
                return "idle"
            if self.awaiting:
                return "building"
            if self.is_broken:
                return "error"
            if self.running or self.stale:
                return "building"
            return "ready" if self.fresh else "error"

    def chapter_note(self) -> str:
        """What the page's status says about the chapter last saved (HTML), if anything."""
        with self.done:
            current = not (self.awaiting or self.is_broken)
            return self.chapters.note(self.generation, current)

    def _tell(self) -> None:
        self.on_state(self.state())

    def get(self, timeout: float = PDF_WAIT) -> tuple[bytes | None, str | None]:
        """The current PDF (waiting for a build in progress) and the last build's error, if any."""
        with self.done:
            self.wanted = True
            if self.stale:
                self._start()
        self._tell()
        with self.done:
            self.done.wait_for(lambda: not (self.running or self.awaiting) or self._closed, timeout)
            return (self.pdf if self.fresh else None), self.error

    def get_chapter(self, chapter_id: str, timeout: float = PDF_WAIT) -> tuple[ChapterPdf | None, str | None]:
        """The chapter's PDF from the files as they are (laid out now if there is none, after
        the whole PDF if that has not been laid out yet), or why there is none."""
        with self.done:
            self.wanted = True
            if not self.is_broken:
                self.chapters.want(chapter_id, self.generation)
            if not (self.awaiting or self.is_broken):  # else the rebuild's print edition starts them
                self._start_chapters()
                if self.stale:
                    self._start()
        self._tell()
        with self.done:

            def settled() -> bool:
                if self._closed or self.is_broken:
                    return True
                if self.awaiting:
                    return False
                if not self.chapters.waiting(chapter_id, self.generation):
                    return True
                # Laid out now, or once the whole PDF under way has told where the chapter is.
                return not (self.chapter_running or self.running or self.stale)

            self.done.wait_for(settled, timeout)
            made = self.chapters.fresh(chapter_id, self.generation)
            if made is not None and not (self.awaiting or self.is_broken):
                return made, None
            failed = self.chapters.errors.get(chapter_id)
            reason = failed[1] if failed is not None and failed[0] == self.generation else None
            missing = f"kapitlet finns inte i den senaste PDF:en. Hela PDF:en finns på {PDF_PATH}."
            return None, reason or self.error or missing

    def _start(self) -> None:
        if not self.running and not self._closed:
            self.running = True
            threading.Thread(target=self._run, name="kfsreport-pdf", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.done:
                # The chapter just saved first, with a core to itself: the whole PDF can wait.
                self.done.wait_for(lambda: not self.chapter_running or self._closed, CHAPTER_FIRST)
                self.stale = False
                pending, self._pending = self._pending, None
                generation = self.generation
                if self._closed:
                    break
            pdf, error = self._build_once(pending, generation)
            with self.done:
                self._built(pdf, error, generation)
                self._start_chapters()  # a chapter that waited for this layout's places
                if not self.stale or self._closed:
                    break
        with self.done:
            self.running = False
            self.done.notify_all()
            if self.fresh and not self._closed:
                self._quiet_timer = threading.Timer(QUIET, self._became_quiet, (self.generation,))
                self._quiet_timer.daemon = True
                self._quiet_timer.start()
        self._tell()

    def _built(self, pdf: bytes | None, error: str | None, generation: int) -> None:
        """A whole PDF laid out from the files of `generation` (under the lock). If the files
        were saved broken meanwhile, their errors stay what a request is told: a layout of
        the earlier files must not clear them."""
        if pdf is not None:
            self.pdf = pdf
        self.fresh = pdf is not None and generation == self.generation
        if not self.is_broken:
            self.error = error

    def _quiet(self) -> bool:
        """Whether chapters may be laid out in advance now: the whole PDF of the files as
        they are was made `QUIET` seconds ago, and nothing has been saved or laid out since."""
        busy = self.running or self.stale or self.awaiting or self.is_broken or self._closed
        return not busy and self.fresh and self._quiet_since == self.generation

    def _became_quiet(self, generation: int) -> None:
        with self.done:
            if generation == self.generation:
                self._quiet_since = generation
                self._start_chapters()

    def _start_chapters(self) -> None:
        """Lay out the chapters asked for, if any can be now (called under the lock)."""
        idle = not (self.chapter_running or self._closed or self.awaiting)
        if idle and self.chapters.job_ready(self.generation, self._quiet()):
            self.chapter_running = True
            threading.Thread(target=self._run_chapters, name="kfsreport-kapitel", daemon=True).start()

    def _run_chapters(self) -> None:
        while True:
            with self.done:
                stopped = self._closed or self.awaiting
                job = None if stopped else self.chapters.job(self.generation, self._quiet())
                if job is None:
                    self.chapter_running = False
                    self.done.notify_all()
                    break
            self._lay_out_chapter(job)
            self._tell()
        self._tell()

    def _lay_out_chapter(self, job: Job) -> None:
        error: str | None = None
        pdf: bytes | None = None
        refused: list[str] = []
        pages = begun = 0
        try:
            pdf, refused, pages, begun = self._chapter_server.lay_out_chapter(
                job.html, job.root, template_dirs(job.root), job.place
            )
        except OSError as failure:
            error = f"Kapitlets PDF kunde inte göras: {failure}."
        if refused:
            problems = Problems()
            report_refused(refused, problems)
            error = "\n".join(map(str, problems))
        with self.done:
            made = None
            if pdf is not None:
                made = ChapterPdf(job.span, pdf, job.generation, job.place, pages, job.exact, begun)
            self.chapters.finished(job, None if refused else made, error)
            self.done.notify_all()

    def _build_once(
        self, pending: tuple[str, Path] | None, generation: int
    ) -> tuple[bytes | None, str | None]:
        if pending is None:
            made, root, errors = self.make_html()
            if made is None:
                return None, "\n".join(map(str, errors)) or "PDF:en kunde inte byggas."
            pending = (made, root)
            with self.done:
                if generation == self.generation and not self.awaiting:
                    self.chapters.edition(made, root, generation)
        html, root = pending
        try:
            pdfs, refused, joined = self._lay_out(html, root)
        except OSError as error:  # e.g. the preview is closing; the next request starts anew
            return None, f"PDF:en kunde inte byggas: {error}."
        if refused:
            problems = Problems()
            report_refused(refused, problems)
            return None, "\n".join(map(str, problems))
        pdf = (pdfs or {}).get("")
        if pdf is not None:
            ids = [span.id for span in chapter_spans(html)]
            places = self._plan.places(ids) if joined and self._plan is not None else self._server.places(ids)
            with contextlib.suppress(OSError):  # closing: nothing more to prepare
                self._chapter_server.start()  # WeasyPrint imported before the first chapter is saved
            with self.done:
                self.chapters.learn(html, places)
        return pdf, None if pdf is not None else "PDF:en kunde inte byggas."

    def _lay_out(self, html: str, root: Path) -> tuple[dict[str, bytes] | None, list[str], bool]:
        """The whole PDF, in two parts if the last layout's facts allow; the URLs refused, and
        whether the parts were used. Raises OSError if the print process failed."""
        dirs = template_dirs(root)
        plan = self._plan if self._plan is not None and self._plan.split_at() is not None else None
        self._server.start()
        _in_background(self._server.pid)
        if plan is None:
            pdfs, refused = self._server.lay_out(html, root, dirs, archive=False, remember=True, plan=True)
            found = self._server.facts()
            self._plan = plan_from([found]) if found is not None else None
            return pdfs, refused, False
        self._part_server.start()
        _in_background(self._part_server.pid)
        job = InParts(plan, self._server, self._part_server, archive=False, remember=True)
        job.send(html, root, dirs)
        answer = job.receive()
        if answer is None:
            raise OSError("PDF-processen avslutades oväntat")
        self._plan = plan_from(job.facts)
        return answer[0], answer[1], job.joined

    def close(self) -> None:
        with self.done:
            self._closed = True
            self.done.notify_all()
            if self._quiet_timer is not None:
                self._quiet_timer.cancel()
        # For good: a layout thread still at work must not start a process nobody closes.
        self._server.retire()
        self._chapter_server.retire()
        self._part_server.retire()


BACKGROUND_NICENESS = 10
"""How much lower the whole PDF's print process runs than the chapter's and the page's, where
the system allows it: on two cores busy with the page, a chapter and the whole PDF at once,
the whole PDF (which nobody waits for) gives way."""


def _in_background(pid: int | None) -> None:
    if pid is not None and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, BACKGROUND_NICENESS)
