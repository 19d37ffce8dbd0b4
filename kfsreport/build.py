"""The build pipeline: load → validate → charts → render → print → write.

Nothing is written until every file has been loaded, validated and rendered; a problem
anywhere stops the build with every problem found, and the previous outputs stay as they were.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport.errors import BuildFailed, ReportError
from kfsreport.fingerprint import STAMP, inputs_digest, is_current, stamp
from kfsreport.load import load_project
from kfsreport.output import output_lock, write_outputs
from kfsreport.printworker import PrintWorker

if TYPE_CHECKING:
    from kfsreport.charts.figures import Charts
    from kfsreport.errors import Problems
    from kfsreport.render import Document
    from kfsreport.schema import ReportSettings
    from kfsreport.validate import Report


@dataclass(frozen=True)
class BuildResult:
    written: list[Path]
    unchanged: bool = False
    """True when nothing had changed since the last build, so nothing was rebuilt."""


def build(
    project: Path,
    formats: Sequence[str] | None = None,
    out_dir: Path | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the report in `project` into `out_dir` (default `project/output`).

    `on_stage` is called with each stage's name as it starts (progress and timings). When no
    input changed since the last build into the same folder, nothing is done at all.
    """
    target = (out_dir or project / "output").resolve()
    digest = inputs_digest(project.resolve(), formats, target)
    if is_current(target, digest):
        return BuildResult([], unchanged=True)
    stage = on_stage or _no_progress
    # WeasyPrint is imported by a worker on the second core while this process does the rest.
    worker = PrintWorker.start() if formats is None or "pdf" in formats else None
    try:
        made = _make(project, formats, worker, stage)
    finally:
        if worker is not None:
            worker.close()
    report, charts, document, pdfs, problems = made
    if target.exists() and not target.is_dir():
        problems.fail(
            str(target), None, "finns redan och är en fil, inte en mapp.", "Välj en annan mapp med --out."
        )
    problems.raise_if_any()
    name = output_name(report.settings)
    files: dict[Path, bytes] = {}
    if document.screen_html is not None:
        files[target / f"{name}.html"] = document.screen_html.encode("utf-8")
    for suffix, pdf in (pdfs or {}).items():
        files[target / f"{name}{suffix}.pdf"] = pdf
    files[target / STAMP] = stamp(digest, files)
    stage("write")
    try:
        with output_lock(target):
            written = [path for path in write_outputs(files) if path.name != STAMP]
    except OSError as error:
        raise BuildFailed(
            [ReportError(f"kunde inte skriva utdata: {error.strerror or error}.", str(target))]
        ) from None
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        write_outputs(charts.cache_entries)
    return BuildResult(written)


def _make(
    project: Path, formats: Sequence[str] | None, worker: PrintWorker | None, stage: Callable[[str], None]
) -> tuple[Report, Charts, Document, dict[str, bytes] | None, Problems]:
    """Load, validate, draw, render and print; the problems found are raised by the caller."""
    # The heavy stages are imported here, not at the top, so that a build with nothing to do
    # and `kfsreport --help` never load pandas, Altair or WeasyPrint.
    from kfsreport.charts.figures import render_charts
    from kfsreport.pdf import write_pdf_bytes
    from kfsreport.render import render
    from kfsreport.templates import template_dirs
    from kfsreport.validate import validate

    stage("load")
    sources, problems = load_project(project)
    stage("validate")
    report = validate(sources, problems)
    wanted = list(formats or report.settings.formats)
    if worker is not None and "pdf" not in wanted:
        worker.close()  # report.yaml asks for the web page only
        worker = None
    stage("charts")
    charts = render_charts(report, template_dirs(report.root), problems, worker)
    stage("render")
    dirs = template_dirs(report.root)

    def start_layout(html: str) -> None:  # the worker lays out while the web page is made
        if worker is not None:
            worker.send(html, report.root, dirs)

    document = render(report, wanted, problems, charts, on_print=start_layout)
    pdfs = None
    if document.print_html is not None:
        stage("pdf")
        if worker is not None:
            pdfs = worker.receive(problems)
        else:
            pdfs = write_pdf_bytes(document.print_html, report.root, dirs, problems)
    return report, charts, document, pdfs, problems


def _no_progress(stage: str) -> None:
    """The stage callback when nobody asked for progress."""


def output_name(settings: ReportSettings) -> str:
    """`output_name` from report.yaml, or the title as a file name: `arsrapport-2025`."""
    from kfsreport.markdown import slug

    return settings.output_name or slug(settings.title)
