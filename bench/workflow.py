"""What a writer waits for while working, measured by `make bench` (bench/run.py).

- `kfsreport check` on the demo: the first run (an empty cache folder, as on a new machine
  or after the cache is cleared) and a run after it.
- A rebuild after a one-chapter edit: the demo built once, a word appended to one chapter, and
  the build timed again, next to WeasyPrint's layout and writing of the same report in one
  process (bench/stages.py), which is what such a rebuild should cost at most (aim: ≤ 1,2 ×).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass
class Workflow:
    check_first: float
    check_again: float
    edit_rebuild: float


def _run(command: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} misslyckades:\n{result.stderr}")
    return elapsed


def measure(project: Path, scratch: Path, repeats: int) -> Workflow:
    check = [str(BIN / "kfsreport"), "check", "--project", str(project), "-q"]
    firsts, agains = [], []
    for i in range(repeats):
        env = {**os.environ, "KFSREPORT_CACHE": str(scratch / f"tom-cache-{i}")}
        firsts.append(_run(check, env, ok=(0, 1)))  # warnings or spelling do not fail the timing
        agains.append(_run(check, env, ok=(0, 1)))
    out = scratch / "redigering-ut"
    build = [str(BIN / "kfsreport"), "build", "--project", str(project), "--out", str(out)]
    _run(build)
    chapter = sorted((project / "content").glob("[0-9]*.md"))[1]
    original = chapter.read_text(encoding="utf-8")
    rebuilds = []
    try:
        for i in range(repeats):
            chapter.write_text(original + f"\nRedigering {i}.\n", encoding="utf-8")
            rebuilds.append(_run(build))
    finally:
        chapter.write_text(original, encoding="utf-8")
    return Workflow(statistics.median(firsts), statistics.median(agains), statistics.median(rebuilds))
