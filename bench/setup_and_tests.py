"""A fresh set-up and the whole test suite, timed: `python bench/setup_and_tests.py` (or as part of
`make bench`, bench/run.py).

Clones the repository's committed state into a temporary folder and there, as on a new
machine whose Debian packages are already installed, with empty caches for uv, pip and
kfsreport: times `make report` (the Python packages into .venv/, then the first build), then
`make test` with CI=true (after `npm ci`, which is not timed). Run alone, it replaces its own
section of bench/RESULTS.md and leaves the rest as it was.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cpugroup import CpuGroup  # bench/, the folder of this script

REPO = Path(__file__).resolve().parent.parent
HEADING = "## Installation och tester"
# Measured before uv and pytest-xdist, on the same kind of machine (issue 19).
EARLIER_SETUP = "64 s (pip)"
EARLIER_TESTS = "150–260 s (en process)"


@dataclass
class Timings:
    install: float
    first_build: float
    setup_cpu: float
    """Processor time of `make report` and every process it started."""
    tests: float | None
    tests_cpu: float | None
    """Processor time of `make test` and every process it started."""
    outcome: str
    """pytest's closing line, or why the tests were not run."""
    load: tuple[float, float]
    """The machine's load average (1 min) before and after."""
    tests_counted: str = "alla dess processer (en cgroup)"
    """Which processes `tests_cpu` counts: with no cgroup to measure in, only those `make
    test` waits for (not Chromium, which ends outside its process tree)."""

    @property
    def setup(self) -> float:
        return self.install + self.first_build


def _cpu() -> float:
    """Processor time, user and system, of every finished child process so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(
    command: list[str], cwd: Path, env: dict[str, str], group: CpuGroup | None = None
) -> tuple[float, str]:
    started = time.perf_counter()
    enter = group.enter if group is not None and group.usable else None
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, preexec_fn=enter)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        tail = done.stdout[-3000:] + done.stderr[-3000:]
        raise SystemExit(f"{' '.join(command)} misslyckades i {cwd}:\n{tail}")
    return elapsed, done.stdout


def measure(scratch: Path, tests: bool = True) -> Timings:
    """Time a fresh `make report` and (with `tests`) `make test` in a clone under `scratch`."""
    clone = scratch / "klon"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    env = {
        **os.environ,
        "CI": "true",
        "UV_CACHE_DIR": str(scratch / "uv-cache"),
        "PIP_NO_CACHE_DIR": "1",
        "KFSREPORT_CACHE": str(scratch / "kfsreport-cache"),
    }
    env.pop("VIRTUAL_ENV", None)
    before = os.getloadavg()[0]
    cpu = _cpu()
    install, _ = _run(["make", ".venv/.installed-report"], clone, env)
    first_build, _ = _run(["make", "report"], clone, env)
    setup_cpu = _cpu() - cpu
    suite: float | None = None
    suite_cpu: float | None = None
    outcome = "inte körda (--no-tests)"
    counted = ""
    if tests:
        _run(["make", "node-deps", ".venv/.installed"], clone, env)
        with CpuGroup() as group:  # Chromium and Java too, which getrusage does not see
            cpu = group.seconds() if group.usable else _cpu()
            suite, out = _run(["make", "test"], clone, env, group)
            suite_cpu = (group.seconds() if group.usable else _cpu()) - cpu
            counted = "alla dess processer (en cgroup)" if group.usable else "de processer den väntar på"
        closing = [line for line in out.splitlines() if re.search(r"\d+ passed", line)]
        outcome = closing[-1].strip("= ") if closing else "?"
    load = (before, os.getloadavg()[0])
    return Timings(install, first_build, setup_cpu, suite, suite_cpu, outcome, load, counted)


def _verdict(value: float, limit: float) -> str:
    return "uppfyllt" if value <= limit else f"**missat** med {(value / limit - 1) * 100:.0f} %"


def _cpu_note(t: Timings) -> str:
    if t.tests_cpu is None:
        return ""
    cores = os.cpu_count() or 1
    return (
        f"; processortid {t.tests_cpu:.0f} s för {t.tests_counted}, så på en maskin med "
        f"{cores} lediga kärnor inte under {t.tests_cpu / cores:.0f} s"
    )


def section(t: Timings) -> str:
    """The Markdown section for bench/RESULTS.md."""
    rows = [
        (
            "ny maskin: `make report` efter Debianpaketen ≤ 30 s",
            f"{t.setup:.1f} s",
            _verdict(t.setup, 30),
            EARLIER_SETUP,
        )
    ]
    if t.tests is not None:
        rows.append(("`make test` ≤ 120 s", f"{t.tests:.1f} s", _verdict(t.tests, 120), EARLIER_TESTS))
    return "\n".join(
        [
            HEADING,
            "",
            "| mål | uppmätt | | tidigare |",
            "|---|---:|---|---:|",
            *[f"| {goal} | {value} | {verdict} | {earlier} |" for goal, value, verdict, earlier in rows],
            "",
            f"`make report` i en ny klon med tomma cacher för uv, pip och kfsreport: Pythonpaketen "
            f"{t.install:.1f} s (uv, hämtade från PyPI), första bygget {t.first_build:.1f} s (tom "
            f"diagramcache, Python kompilerar modulerna första gången); processortid {t.setup_cpu:.0f} s, "
            f"resten är väntan på nätet eller på processorn. `make test` med CI=true i "
            f"samma klon: {t.outcome}{_cpu_note(t)}. Maskinens belastning (load average, 1 min) "
            "före och efter: "
            f"{t.load[0]:.1f} och {t.load[1]:.1f} på {os.cpu_count()} kärnor; över antalet kärnor "
            "delar mätningen processorn med andra och tiderna blir längre.",
            "",
        ]
    )


def replace_section(results: str, new: str) -> str:
    """`results` with its set-up section replaced by `new` (or `new` added at the end)."""
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(results):
        return pattern.sub(lambda _: new + "\n", results, count=1).rstrip("\n") + "\n"
    return results.rstrip("\n") + "\n\n" + new


def keep_section(earlier: str, results: str) -> str:
    """`results` with the set-up section from `earlier` results, if they had one."""
    found = re.search(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", earlier, re.M | re.S)
    return replace_section(results, found.group(0).rstrip("\n") + "\n") if found else results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-tests", action="store_true", help="bara installationen och första bygget")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        text = section(measure(Path(folder), tests=not args.no_tests))
    results = REPO / "bench/RESULTS.md"
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark\n"
    results.write_text(replace_section(old, text), encoding="utf-8")
    print(text)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
