"""How fast the preview shows a saved edit: `python bench/serve_reload.py [--project DIR] [-n N]`.

Copies the report (default: the demo in this repository) to a temporary folder, starts the
preview on a free port on 127.0.0.1, and N times appends a word to a chapter, then measures
from the save until the page served at / contains the word, the way the browser sees it: the
reload event arrives and the page is fetched again. Prints the median and the slowest time.
The aim (issue 6) is 0.15 s; this is measured here, never asserted in the tests.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kfsreport.serve import PreviewServer

REPO = Path(__file__).resolve().parent.parent
PARTS = ("report.yaml", "ordlista.txt", "content", "data", "templates")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("-n", type=int, default=20, help="antal ändringar (standard 20)")
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
    print(f"{len(times)} ändringar: median {statistics.median(times):.3f} s, längst {max(times):.3f} s")  # noqa: T201
    return 0


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
    while True:
        line = stream.fp.readline().decode("utf-8")
        if line.startswith("data: "):
            return line.removeprefix("data: ").strip()


if __name__ == "__main__":
    sys.exit(main())
