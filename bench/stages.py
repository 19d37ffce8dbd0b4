"""One instrumented build in a fresh process: `python bench/stages.py PROJECT OUT [--html FILE]`.

Runs the same stages as `kfsreport.build.build`, timing each one finely (imports, load,
validate, charts, Markdown, templates, WeasyPrint layout, PDF write, write), and prints the
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

    from kfsreport.build import output_name
    from kfsreport.charts.figures import render_charts
    from kfsreport.errors import Problems
    from kfsreport.load import load_project
    from kfsreport.output import write_outputs
    from kfsreport.pdf import make_fetcher, write_variants
    from kfsreport.render import render
    from kfsreport.templates import template_dirs
    from kfsreport.validate import validate

    timings["imports"] = time.perf_counter() - started
    mark = time.perf_counter()
    sources, problems = load_project(project)
    lap("load")
    report = validate(sources, problems)
    lap("validate")
    charts = render_charts(report, template_dirs(project), problems)
    lap("charts")
    render(report, [], Problems(), charts)  # the chapters alone: Markdown and directives
    lap("markdown")
    document = render(report, ["html", "pdf"], problems, charts)  # chapters again, then the pages
    lap("templates")
    timings["templates"] = max(0.0, timings["templates"] - timings["markdown"])
    fetcher = make_fetcher([project, *template_dirs(project)])
    layout = weasyprint.HTML(
        string=document.print_html, base_url=project.as_uri() + "/", url_fetcher=fetcher
    ).render()
    lap("weasyprint_layout")
    pdfs = write_variants(layout)  # as the build does: the archive file on the second core
    lap("pdf_write")
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
