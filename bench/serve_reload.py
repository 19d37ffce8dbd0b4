"""How fast the preview shows a saved edit: `python bench/serve_reload.py [--project DIR] [-n N]`.

Copies the report (default: the demo in this repository) to a temporary folder, starts the
preview on a free port on 127.0.0.1, and N times appends a word to a chapter, then measures
from the save until the page served at / contains the word, the way the browser sees it: the
reload event arrives and the page is fetched again. Prints the median and the slowest time.
The aim (issue 6) is 0.15 s; this is measured here, never asserted in the tests.

Then the PDF: a few more edits, each timed from the save until `/rapport.pdf` has the word,
next to WeasyPrint's own layout and writing of the same print HTML in this process (with
WeasyPrint already imported), which is what a refresh should cost and no more.

Then the chapter PDF (issue 19: 0.5 s): for each chapter named with --chapter (default: the
one edited above, the report's last), a few edits timed from the save until
`/kapitel/<id>.pdf` has the word, with the chapter's number of pages: a word added at the
chapter's end, then a word written into the paragraph in the middle of the chapter's file.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kfsreport.commands.serve import PreviewServer

REPO = Path(__file__).resolve().parent.parent
PARTS = ("report.yaml", "ordlista.txt", "content", "data", "templates")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("-n", type=int, default=20, help="antal ändringar (standard 20)")
    parser.add_argument("--pdf", type=int, default=5, help="antal ändringar för PDF:en (standard 5)")
    parser.add_argument(
        "--chapter",
        action="append",
        default=[],
        help="kapitelfil i content/ vars PDF mäts (flera går; standard: den sista)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "rapport"
        project.mkdir()
        for part in PARTS:
            source = args.project / part
            if source.is_dir():
                shutil.copytree(source, project / part)
            elif source.exists():
                shutil.copy(source, project / part)
        chapter = sorted((project / "content").glob("*.md"))[-1]
        with PreviewServer(project, port=0) as server:
            port = int(server.url.rstrip("/").rsplit(":", 1)[1])
            times = [_one_edit(chapter, port, f"Mätord{i}") for i in range(args.n)]
            _fetch(port, "/rapport.pdf")  # the first PDF starts the PDF process
            pdf_times = [_one_pdf_edit(chapter, port, f"Pdford{i}") for i in range(args.pdf)]
            _chapters_laid_out_in_advance(server)  # so that WeasyPrint alone has the cores to itself
            layout = _weasyprint_alone(server, args.pdf)
            chapters = []
            for name in args.chapter or [chapter.name]:
                edited = project / "content" / name
                chapter_id = _chapter_id(server, edited)
                _fetch(port, "/rapport.pdf")  # the whole PDF of the last edits, which moves the chapters
                _chapters_laid_out_in_advance(server)  # the first save comes after a quiet while
                seconds = [
                    _one_pdf_edit(edited, port, f"Kapitelord{i}", f"/kapitel/{chapter_id}.pdf")
                    for i in range(args.pdf)
                ]
                pages = server.preview.pdf.chapters.made[chapter_id].pages
                _fetch(port, "/rapport.pdf")
                _chapters_laid_out_in_advance(server)
                inside = [
                    _one_pdf_edit(edited, port, f"Mittord{i}", f"/kapitel/{chapter_id}.pdf", middle=True)
                    for i in range(args.pdf)
                ]
                chapters.append(
                    (name, pages, statistics.median(seconds), seconds[0], statistics.median(inside))
                )
    print(f"{len(times)} ändringar: median {statistics.median(times):.3f} s, längst {max(times):.3f} s")  # noqa: T201
    print(  # noqa: T201
        f"PDF efter {len(pdf_times)} ändringar: median {statistics.median(pdf_times):.3f} s; "
        f"WeasyPrints egen layout och skrivning: median {layout:.3f} s"
    )
    for name, pages, median, first, inside in chapters:
        print(  # noqa: T201
            f"Kapitlets PDF, {name} ({pages} sidor), efter {args.pdf} ändringar: median {median:.3f} s, "
            f"första {first:.3f} s; ett ord mitt i kapitlet: median {inside:.3f} s"
        )
    return 0


def _chapters_laid_out_in_advance(server: PreviewServer) -> None:
    """Wait until the preview, quiet after the last PDF, has laid out the chapters in advance
    (`chapterpdf.Chapters.warm`)."""
    from kfsreport.commands.pdfbuilds import QUIET

    builds = server.preview.pdf
    time.sleep(QUIET + 0.5)
    with builds.done:
        builds.done.wait_for(lambda: not (builds.chapter_running or builds.chapters.warm), 600)


def _chapter_id(server: PreviewServer, chapter: Path) -> str:
    """The id of the chapter in this file (its address /kapitel/<id>.pdf)."""
    from kfsreport.commands.chapterpdf import chapter_spans

    html, _, _ = server.preview.print_edition()
    source = f"content/{chapter.name}"
    return next(span.id for span in chapter_spans(html or "") if span.source == source)


def _one_pdf_edit(
    chapter: Path, port: int, word: str, path: str = "/rapport.pdf", middle: bool = False
) -> float:
    """Seconds from saving `word` in `chapter` (at its end, or `middle`: at the start of the
    paragraph nearest the middle of the file) until `path` has it."""
    lines = chapter.read_text(encoding="utf-8").split("\n")
    if middle:
        prose = [n for n, line in enumerate(lines) if line[:1].isalpha() and len(line) > 40]
        at = min(prose, key=lambda n: abs(n - len(lines) // 2))
        lines[at] = f"{word} {lines[at]}"
    else:
        lines.append(f"\n{word}.\n")
    started = time.perf_counter()
    chapter.write_text("\n".join(lines), encoding="utf-8")
    while True:  # the PDF being made may still be the one from before the save
        pdf = _fetch(port, path)
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        if word.encode() in text:
            return time.perf_counter() - started


def _weasyprint_alone(server: PreviewServer, repeats: int) -> float:
    """Median time of WeasyPrint laying out and writing the same print HTML, import excluded."""
    from weasyprint import HTML

    from kfsreport.printing.pdf import make_fetcher
    from kfsreport.render.templates import template_dirs

    html, root, _ = server.preview.print_edition()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fetcher = make_fetcher([root, *template_dirs(root)])
        HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render().write_pdf(
            pdf_variant="pdf/ua-1"
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    return body


def _one_edit(chapter: Path, port: int, word: str) -> float:
    events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    events.request("GET", "/events")
    stream = events.getresponse()
    shown = _next_version(stream)
    started = time.perf_counter()
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{word}.\n")
    while _next_version(stream) == shown:
        pass
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/")
    body = connection.getresponse().read().decode("utf-8")
    elapsed = time.perf_counter() - started
    connection.close()
    events.close()
    if word not in body:
        sys.exit(f"sidan visade inte ändringen {word}")
    return elapsed


def _next_version(stream: http.client.HTTPResponse) -> str:
    """The page's next version from the event stream; the PDF's own events (`event: pdf`,
    whose data is the link's HTML) are passed over."""
    event = ""
    while True:
        line = stream.fp.readline().decode("utf-8")
        if line.startswith("event: "):
            event = line.removeprefix("event: ").strip()
        elif line.startswith("data: ") and event == "reload":
            return line.removeprefix("data: ").strip()
        elif not line.strip():
            event = ""


if __name__ == "__main__":
    sys.exit(main())
