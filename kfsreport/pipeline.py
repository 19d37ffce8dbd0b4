"""The pipeline, written out once: load → validate → charts → render → print.

`build`, `check`, `serve`, the test helpers and the benchmark all call `make()`, which runs
the stages in order and gathers what they found instead of stopping at the first stage that
fails: every error and every warning ends up in `Made.problems`, so each command can print
and count all of them (`check --strict` fails on every warning it prints). The command
decides what happens next; only `build` writes outputs (`output.write_outputs`).

The stages, one module (or package) each, in the order they run:

1. load      `load.py`           read report.yaml, the facts, the charts file, the chapters
2. validate  `validate.py`       parse and check everything into one `Report`
3. charts    `charts/`           compute each placed chart's numbers and draw it as SVG
4. render    `render.py`         chapters to HTML, then the print page and the web page
5. print     `pdf.py`            the print page through WeasyPrint into PDF/UA and PDF/A
6. write     `output.py`         the outputs put in place atomically (build only)

Stages are plain functions with no process code. What runs where is decided here, and only
here: with `print_pdf`, `make()` starts a print process (`printworker.PrintServer`, spawned,
the same the preview uses) that imports WeasyPrint on the second core while this process
loads and validates, starts vl-convert and draws the charts this process has computed,
and lays out the print page while this process makes the web page; with no print page to
make (`check`), the web page is rendered while the charts are drawn, with stand-ins the drawn
charts then replace (`_screen_while_drawn`). If it cannot start or fails, the failure is
logged with its traceback (`--verbose`) and the work is done here; the outputs are the same.
When WeasyPrint is already imported here, there is nothing to gain and no process is started.
A caller that makes many builds (the test suite) can keep one print process for all of them
(`keep_printer`) instead of one per build. The caches (drawn charts, font subsets) live in
the cache folder given (`cache.py`), never in the report folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kfsreport.errors import BuildFailed, Problems

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from kfsreport.charts.figures import Charts, ChartsInProgress, Draw
    from kfsreport.load.folder import Sources
    from kfsreport.printing.inparts import InParts
    from kfsreport.printing.printworker import PrintServer
    from kfsreport.render.pages import Document
    from kfsreport.validate.report import Report


@dataclass
class Made:
    """What the stages made, as far as they got, and every problem they found."""

    root: Path
    problems: Problems = field(default_factory=Problems)
    sources: Sources | None = None
    report: Report | None = None
    charts: Charts | None = None
    document: Document | None = None
    pdfs: dict[str, bytes] | None = None
    """Each PDF variant by file-name suffix (`""`, `"-arkiv"`), when printed."""
    plan: dict[Path, bytes] = field(default_factory=dict)
    """The layout's facts for the next build (`printing/parts.py`), by cache file; the
    build writes them with the other cache entries."""

    @property
    def failed(self) -> bool:
        return bool(self.problems.errors)


_kept: PrintServer | None = None


def keep_printer(printer: PrintServer | None) -> PrintServer | None:
    """Hand every `make()` in this process from now on to `printer`, a print process the
    caller keeps running (and closes), instead of a new one per build; None: a new one per
    build again. Returns the one kept before. Outputs are the same either way."""
    global _kept
    before, _kept = _kept, printer
    return before


def make(
    project: Path,
    formats: Sequence[str] | None = None,
    *,
    cache: Path | None,
    print_pdf: bool = False,
    on_stage: Callable[[str], None] | None = None,
    on_print: Callable[[str], None] | None = None,
    printer: PrintServer | None = None,
    on_valid: Callable[[Made], None] | None = None,
) -> Made:
    """Run the stages on the report in `project` for `formats` (default: report.yaml's).

    `cache`: the report's cache folder (`cache.cache_dir`), or None for no cache at all.
    `print_pdf`: lay out the PDFs (else the print edition is only rendered to HTML).
    `on_stage`: called with each stage's name as it starts (progress and timings).
    `on_print`: given the print edition's HTML as soon as it is sound (the preview's PDF).
    `printer`: a print process the caller has started and will close (`check` has its charts
    drawn there), instead of the one `make` would start for a PDF.
    `on_valid`: called with what is made so far as soon as the report is validated and the
    print process asked to start vl-convert, before the charts are computed (`check` hands
    its words to the print process then)."""
    stage = on_stage or _no_progress
    made = Made(project.resolve())
    own = printer is None
    second: PrintServer | None = None
    if own:
        printer = print_process() if print_pdf and (formats is None or "pdf" in formats) else None
        if printer is not None and printer is not _kept:
            second = _second_process(cache)
    try:
        _stages(made, formats, cache, (printer, second), stage, on_print, print_pdf, own, on_valid)
    except BuildFailed as failed:
        made.problems.extend(failed.errors)
    finally:
        if own:
            release(printer)
            release(second)
    return made


def print_process(ahead: bool = True) -> PrintServer | None:
    """The print process for one build: the kept one, or a new one importing WeasyPrint from
    now on (`ahead`; else only when a request needs it, for a `check` that may not); None
    where a new one would not help."""
    import sys

    from kfsreport.printing.printworker import PrintServer

    if _kept is not None:
        return _kept
    if "weasyprint" in sys.modules or (os.cpu_count() or 1) < 2:
        return None
    failed = "PDF-processen kunde inte starta (%s); PDF:en görs i den här processen."
    return _started(PrintServer(ahead), failed)


def _second_process(cache: Path | None) -> PrintServer | None:
    """A second print process for a report whose last layout says where a second part of
    its pages can begin (`printing/inparts.py`), started now like the first; else None."""
    from kfsreport.printing.inparts import usable_plan
    from kfsreport.printing.printworker import PrintServer

    if usable_plan(cache) is None:
        return None
    return _started(PrintServer(), "Den andra PDF-processen kunde inte starta (%s).")


def _started(printer: PrintServer, failed: str) -> PrintServer | None:
    """`printer`, started; None (with `failed` logged) if it cannot be."""
    try:
        printer.start()
    except OSError as error:
        log.info(failed, error)
        return None
    return printer


def release(printer: PrintServer | None) -> None:
    """The build is done with `printer`: ended, unless it is the kept one, which is only rid
    of a layout the build stopped waiting for."""
    if printer is None:
        return
    if printer is _kept:
        printer.cancel()
    else:
        printer.close()


def _draw_with(printer: PrintServer | None) -> Draw:
    """Charts drawn by the print process (vl-convert is already warm there), or here."""
    from kfsreport.charts.figures import draw_here

    def draw(specs: list[dict[str, Any]], font_dirs: list[Path]) -> list[str]:
        svgs = printer.draw(specs, font_dirs) if printer is not None else None
        return svgs if svgs is not None else draw_here(specs, font_dirs)

    return draw


def _stages(
    made: Made,
    formats: Sequence[str] | None,
    cache: Path | None,
    printers: tuple[PrintServer | None, PrintServer | None],
    stage: Callable[[str], None],
    on_print: Callable[[str], None] | None,
    print_pdf: bool,
    own: bool = True,
    on_valid: Callable[[Made], None] | None = None,
) -> None:
    # The heavy stages are imported here, not at the top, so that a build with nothing to do
    # and `kfsreport --help` never load pandas, Altair or WeasyPrint.
    from kfsreport.charts.figures import begin_charts, uncached
    from kfsreport.load.folder import load_project
    from kfsreport.render.pages import Document, refuse_too_tall, render_chapters, render_edition
    from kfsreport.render.templates import template_dirs
    from kfsreport.validate.report import validate

    printer, second = printers
    stage("load")
    made.sources, made.problems = load_project(made.root)
    problems = made.problems
    stage("validate")
    report = made.report = validate(made.sources, problems)
    wanted = list(formats or report.settings.formats)
    # The PDF's limits are checked when this build makes it, or when `check` (the web page
    # only) looks at a report whose builds do.
    printing = "pdf" in wanted or "pdf" in report.settings.formats
    if printer is not None and own and "pdf" not in wanted:
        release(printer)  # report.yaml asks for the web page only
        release(second)
        printer = second = None
    dirs = template_dirs(report.root)
    stage("charts")
    if printer is not None and uncached(report, dirs, cache):
        printer.warm_charts()  # vl-convert starts there while pandas and Altair load here
    if on_valid is not None:
        on_valid(made)
    # With the print process drawing and no print page waiting for the charts (check), the
    # web page is rendered while they are drawn, with stand-ins the drawn charts replace.
    later = printer is not None and "pdf" not in wanted
    drawing = begin_charts(report, dirs, problems, cache, _draw_with(printer), background=later)
    if later and not problems:
        screen = _screen_while_drawn(made, drawing, cache, stage, "html" in wanted, printing)
        problems.raise_if_any()
        made.document = Document(screen, None)
        return
    charts = made.charts = drawing.finish()
    problems.raise_if_any()
    if printing:  # before the chapters, which raise every problem found so far
        refuse_too_tall(charts, report, problems)
    stage("render")
    chapters = render_chapters(report, problems, charts, cache)
    printed = render_edition(chapters, "print", problems) if "pdf" in wanted else None
    sent = False
    in_parts = _in_parts(cache, printer, second) if print_pdf else None
    if printed is not None and not problems:
        if in_parts is not None:  # two parts on two processes while the web page is made here
            in_parts.send(printed, report.root, dirs)
            sent = True
        elif printer is not None and print_pdf:  # laid out there while the web page is made here
            printer.send(printed, report.root, dirs, plan=cache is not None)
            sent = True
        if on_print is not None:
            on_print(printed)
    screen = render_edition(chapters, "screen", problems) if "html" in wanted else None
    problems.raise_if_any()
    made.document = Document(screen, printed)
    if printed is not None and print_pdf:
        from kfsreport.printing.inparts import plan_file, plan_json
        from kfsreport.printing.pdf import report_refused, write_pdf_bytes

        stage("pdf")
        answer = None
        if in_parts is not None and sent:
            answer = in_parts.receive()
            facts = in_parts.facts
        elif printer is not None and sent:
            answer = printer.receive()
            facts = [found] if (found := printer.facts()) is not None else []
        if answer is not None:
            made.pdfs, refused = answer
            report_refused(refused, problems)
            if cache is not None and not refused:
                # No plan (a report that cannot be laid out in parts) replaces the last one,
                # so the next build does not try the parts again.
                made.plan[plan_file(cache)] = plan_json(facts) or NO_PLAN
        else:  # no print process, or it failed (logged): the same work here
            made.pdfs = write_pdf_bytes(printed, report.root, dirs, problems)
        problems.raise_if_any()


def _in_parts(cache: Path | None, printer: PrintServer | None, second: PrintServer | None) -> InParts | None:
    """The two-part layout when both processes run and the last build left a usable plan."""
    from kfsreport.printing.inparts import InParts, usable_plan

    if printer is None or second is None:
        return None
    plan = usable_plan(cache)
    return InParts(plan, printer, second) if plan is not None else None


def _screen_while_drawn(
    made: Made,
    drawing: ChartsInProgress,
    cache: Path | None,
    stage: Callable[[str], None],
    html: bool,
    printing: bool,
) -> str | None:
    """The web page, rendered while the print process draws the charts (`drawing`), and
    then filled with them: the page a build makes, in less time. `printing`: the drawn
    charts are also checked against the PDF's page (the report makes one)."""
    from kfsreport.render.pages import fill_charts, refuse_too_tall, render_chapters, render_edition

    assert made.report is not None
    stage("render")
    try:
        chapters = render_chapters(made.report, made.problems, drawing.stand_ins, cache)
        screen = render_edition(chapters, "screen", made.problems) if html else None
    except BaseException as failed:
        with contextlib.suppress(Exception):  # the drawing is waited for, then kept
            made.charts = drawing.finish()
            if printing and isinstance(failed, BuildFailed):  # `make` reports both
                refuse_too_tall(made.charts, made.report, made.problems)
        raise
    made.charts = drawing.finish()
    if printing:
        refuse_too_tall(made.charts, made.report, made.problems)
    return fill_charts(screen, drawing.stand_ins, made.charts, chapters, made.problems) if screen else None


NO_PLAN = b"{}"
"""The layout plan's file when the last layout left none (`parts.load_plan` reads no plan)."""


def _no_progress(stage: str) -> None:
    """The stage callback when nobody asked for progress."""
