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

Stages are plain functions. What runs where is decided here: with `print_pdf`, a
`printworker.PrintWorker` on the second core imports WeasyPrint while this process
loads, validates and draws, and lays out the print page while this process makes the web
page. The caches (drawn charts, font subsets) live in the cache folder given (`cache.py`),
never in the report folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport.errors import BuildFailed, Problems

if TYPE_CHECKING:
    from kfsreport.charts.figures import Charts
    from kfsreport.load import Sources
    from kfsreport.printworker import PrintWorker
    from kfsreport.render import Document
    from kfsreport.validate import Report


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

    @property
    def failed(self) -> bool:
        return bool(self.problems.errors)


def make(
    project: Path,
    formats: Sequence[str] | None = None,
    *,
    cache: Path | None,
    print_pdf: bool = False,
    on_stage: Callable[[str], None] | None = None,
    on_print: Callable[[str], None] | None = None,
) -> Made:
    """Run the stages on the report in `project` for `formats` (default: report.yaml's).

    `cache`: the report's cache folder (`cache.cache_dir`), or None for no cache at all.
    `print_pdf`: lay out the PDFs (else the print edition is only rendered to HTML).
    `on_stage`: called with each stage's name as it starts (progress and timings).
    `on_print`: given the print edition's HTML as soon as it is sound (the preview's PDF)."""
    stage = on_stage or _no_progress
    made = Made(project.resolve())
    worker = None
    if print_pdf and (formats is None or "pdf" in formats):
        from kfsreport.printworker import PrintWorker

        worker = PrintWorker.start()  # WeasyPrint is imported there while this process works
    try:
        _stages(made, formats, cache, worker, stage, on_print, print_pdf)
    except BuildFailed as failed:
        made.problems.extend(failed.errors)
    finally:
        if worker is not None:
            worker.close()
    return made


def _stages(
    made: Made,
    formats: Sequence[str] | None,
    cache: Path | None,
    worker: PrintWorker | None,
    stage: Callable[[str], None],
    on_print: Callable[[str], None] | None,
    print_pdf: bool,
) -> None:
    # The heavy stages are imported here, not at the top, so that a build with nothing to do
    # and `kfsreport --help` never load pandas, Altair or WeasyPrint.
    from kfsreport.charts.figures import render_charts
    from kfsreport.load import load_project
    from kfsreport.pdf import write_pdf_bytes
    from kfsreport.render import Document, render_chapters, render_edition
    from kfsreport.templates import template_dirs
    from kfsreport.validate import validate

    stage("load")
    made.sources, made.problems = load_project(made.root)
    problems = made.problems
    stage("validate")
    report = made.report = validate(made.sources, problems)
    wanted = list(formats or report.settings.formats)
    if worker is not None and "pdf" not in wanted:
        worker.close()  # report.yaml asks for the web page only
        worker = None
    dirs = template_dirs(report.root)
    stage("charts")
    charts = made.charts = render_charts(report, dirs, problems, worker, cache)
    stage("render")
    chapters = render_chapters(report, problems, charts, cache)
    printed = render_edition(chapters, "print", problems) if "pdf" in wanted else None
    if printed is not None and not problems:
        if worker is not None:  # the worker lays out while the web page is made here
            worker.send(printed, report.root, dirs)
        if on_print is not None:
            on_print(printed)
    screen = render_edition(chapters, "screen", problems) if "html" in wanted else None
    problems.raise_if_any()
    made.document = Document(screen, printed)
    if printed is not None and print_pdf:
        stage("pdf")
        if worker is not None:
            made.pdfs = worker.receive(problems)
        else:
            made.pdfs = write_pdf_bytes(printed, report.root, dirs, problems)
        problems.raise_if_any()


def _no_progress(stage: str) -> None:
    """The stage callback when nobody asked for progress."""
