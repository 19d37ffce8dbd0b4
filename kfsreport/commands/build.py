"""`kfsreport build`: the pipeline (`pipeline.make`) with the PDFs printed, then the outputs written.

Nothing is written until every file has been loaded, validated, rendered and printed; a
problem anywhere stops the build with every problem found, and the previous outputs stay as
they were. When nothing the report reads has changed since the last build into the same
folder (`fingerprint`), nothing is done at all. The record of that and the write lock live
in the report's cache folder (`cache.py`); the output folder holds only what is published.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport.errors import BuildFailed, ReportError, os_reason
from kfsreport.pipeline import make
from kfsreport.write.cache import build_record, cache_dir
from kfsreport.write.fingerprint import build_record as record_of
from kfsreport.write.fingerprint import inputs_digest, is_current, reads_of
from kfsreport.write.output import output_lock, write_outputs

if TYPE_CHECKING:
    from kfsreport.load.schema import ReportSettings


@dataclass(frozen=True)
class BuildResult:
    written: list[Path]
    unchanged: bool = False
    """True when nothing had changed since the last build, so nothing was rebuilt."""
    warnings: list[ReportError] = field(default_factory=list)
    """What the stages warned about (the command prints them; they do not stop the build)."""


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
    root = project.resolve()
    target = (out_dir or root / "output").resolve()
    cache = cache_dir(root)
    record, lock = build_record(cache, target)
    if is_current(record, root, formats, target):
        return BuildResult([], unchanged=True)
    unusable = target.exists() and not target.is_dir()  # known now, not after the layout
    made = make(root, formats, cache=cache, print_pdf=not unusable, on_stage=on_stage)
    problems = made.problems
    if unusable:
        problems.fail(
            str(target), None, "finns redan och är en fil, inte en mapp.", "Välj en annan mapp med --out."
        )
    problems.raise_if_any()
    assert made.report is not None and made.document is not None and made.charts is not None
    name = output_name(made.report.settings)
    files: dict[Path, bytes] = {}
    if made.document.screen_html is not None:
        files[target / f"{name}.html"] = made.document.screen_html.encode("utf-8")
    from kfsreport.printing.pdf import published

    for suffix, pdf in published(made.pdfs, made.report.settings.archive_copy).items():
        files[target / f"{name}{suffix}.pdf"] = pdf
    if on_stage is not None:
        on_stage("write")
    try:
        with output_lock(lock):
            written = write_outputs(files)
    except OSError as error:
        where = str(target)
        message = f"kunde inte skriva utdata: {os_reason(error)}."
        raise BuildFailed([ReportError(message, path=where)], problems.warnings) from None
    reads = reads_of(made.report)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        entries = {**made.charts.cache_entries, **made.plan}
        entries[record] = record_of(inputs_digest(root, formats, target, reads), reads, files)
        write_outputs(entries)
    return BuildResult(written, warnings=problems.warnings)


def output_name(settings: ReportSettings) -> str:
    """`output_name` from report.yaml, or the title as a file name: `arsrapport-2025`. A
    long title's name ends at the last whole word within `MAX_NAME` characters: a file to
    attach and archive, whose path Windows' 260 characters must hold."""
    from kfsreport.render.markdown import slug

    if settings.output_name:
        return settings.output_name
    name = slug(settings.title)
    if name == "avsnitt":  # a title without a letter or digit to name the file by
        return "rapport"
    if len(name) > MAX_NAME:
        cut = name[: MAX_NAME + 1].rfind("-")
        name = name[:cut] if cut > 0 else name[:MAX_NAME]
    return name


MAX_NAME = 60
"""The longest file name (without its extension) made from the title."""
