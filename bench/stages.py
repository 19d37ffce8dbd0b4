"""One instrumented build in a fresh process: `python bench/stages.py PROJECT OUT [--html FILE]`.

Runs the build's own pipeline (`kfsreport.pipeline.make`, the PDF not printed there) and
then WeasyPrint's layout and the PDF writing in this process as `pdf.lay_out` does them,
timing each stage (imports, load, validate, charts, render, WeasyPrint layout, a second
layout for a word split at a page turn, WeasyPrint's PDF writing, the tag repair, the archive
copy, write), and prints the
timings as JSON. With `--html`, also saves the final print HTML, so the bare `weasyprint`
command can lay out exactly the same document for comparison. Used by bench/run.py.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

started = time.perf_counter()


def main(argv: list[str]) -> int:
    project, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    save_html = Path(argv[argv.index("--html") + 1]) if "--html" in argv else None
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = now - mark
        mark = now

    import weasyprint  # noqa: F401  (the imports a build pays for, all at once)

    from kfsreport.commands.build import output_name
    from kfsreport.pipeline import make
    from kfsreport.printing import pageturn, pdftags, weasyprint_1051
    from kfsreport.printing.pdf import (
        VARIANTS,
        _without_page_turn_hyphens,
        archive_copy,
        make_fetcher,
        write_variants,
    )
    from kfsreport.render.templates import template_dirs
    from kfsreport.write.cache import cache_dir
    from kfsreport.write.output import write_outputs

    timings["imports"] = time.perf_counter() - started
    current = ""

    def stage(name: str) -> None:  # each stage's time ends when the next one starts
        nonlocal current
        if current:
            lap(current)
        current = name

    mark = time.perf_counter()
    made = make(project, ["html", "pdf"], cache=cache_dir(project), on_stage=stage)
    lap(current)
    made.problems.raise_if_any()
    assert made.report is not None and made.document is not None and made.charts is not None
    report, document, charts = made.report, made.document, made.charts
    from weasyprint.text.fonts import FontConfiguration

    pageturn.install()  # as pdf.lay_out lays out: no page ends in a hyphen
    weasyprint_1051.install()
    fetcher = make_fetcher([project, *template_dirs(project)])
    fonts = FontConfiguration()
    html = document.print_html or ""
    layout = weasyprint.HTML(string=html, base_url=project.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=fonts
    )
    lap("weasyprint_layout")
    # The safety net of pdf.lay_out: the whole layout again if a word is still split across a
    # page turn (none should be; a time here shows that pageturn missed one).
    layout = _without_page_turn_hyphens(html, project, fetcher, fonts, layout)
    lap("page_turn_relayout")
    if layout.color_profiles:  # a template's own @color-profile: write_variants does it all
        pdfs = write_variants(layout)
        lap("pdf_write")
        timings["tags_repair"] = timings["archive"] = 0.0
    else:  # write_variants, a step at a time
        pdftags.install()
        pdftags.prepare(layout)
        written = bytes(layout.write_pdf(pdf_variant=VARIANTS[""]))
        lap("pdf_write")
        accessible = pdftags.repair(written)
        lap("tags_repair")
        pdfs = {"": accessible, "-arkiv": archive_copy(accessible, layout.metadata)}
        lap("archive")
    name = output_name(report.settings)
    files = {out / f"{name}.html": (document.screen_html or "").encode("utf-8")}
    files.update({out / f"{name}{suffix}.pdf": data for suffix, data in pdfs.items()})
    write_outputs(files)
    write_outputs(charts.cache_entries)
    lap("write")
    timings["pages"] = len(layout.pages)
    timings["total"] = time.perf_counter() - started
    if save_html is not None:
        save_html.write_text(document.print_html or "", encoding="utf-8")
    print(json.dumps(timings))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
