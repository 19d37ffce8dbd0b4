"""Where the test suite's processor time goes: `python bench/testcpu.py [pytest arguments]`.

Runs the tests in one process (`-p no:xdist`, so that nothing else runs meanwhile) inside a
cgroup of their own (bench/cpugroup.py), and reads the cgroup's processor time before and
after each test: every process the test starts counts, the print processes, Chromium and the
Nu Html Checker's Java included. A fixture shared by many tests counts for the first test
that asks for it. Prints the processor time per module and the costliest tests; nothing is
written unless KFSREPORT_TEST_CPU_KEEP names a file for every test's row. Not a measurement of `make test`'s wall time (bench/setup_and_tests.py is).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from cpugroup import CpuGroup  # bench/, the folder of this script

REPO = Path(__file__).resolve().parent.parent
RESULT = "KFSREPORT_TEST_CPU_FILE"
"""Where the plugin half of this file writes each test's processor time."""
KEEP = "KFSREPORT_TEST_CPU_KEEP"
"""If set: a file where every test's row (id, processor time, wall time) is kept as JSON."""


# --- the plugin, loaded into pytest with `-p testcpu` --------------------------------------------

_rows: list[tuple[str, float, float]] = []


def _used() -> float:
    with open(os.environ["KFSREPORT_TEST_CPU_USAGE"], encoding="ascii") as usage:
        text = usage.read()
    if "usage_usec" in text:
        return int(dict(line.split() for line in text.splitlines())["usage_usec"]) / 1e6
    return int(text) / 1e9


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Generator[None, object, object]:
    cpu, wall = _used(), time.monotonic()
    result = yield
    _rows.append((item.nodeid, _used() - cpu, time.monotonic() - wall))
    return result


def pytest_sessionfinish(session: Any) -> None:
    Path(os.environ[RESULT]).write_text(json.dumps(_rows), encoding="utf-8")


# --- the command ---------------------------------------------------------------------------------


def main(arguments: list[str]) -> int:
    with CpuGroup() as group, tempfile.TemporaryDirectory() as folder:
        if group.usage_file is None:
            print("Ingen cgroup att mäta i (kräver skrivrätt under /sys/fs/cgroup).", file=sys.stderr)  # noqa: T201
            return 2
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
            "KFSREPORT_TEST_CPU_USAGE": str(group.usage_file),
            RESULT: str(Path(folder) / "rows.json"),
        }
        started, total = time.monotonic(), group.seconds()
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "testcpu", *arguments]
        done = subprocess.run(command, cwd=REPO, env=env, preexec_fn=group.enter, check=False)
        total, wall = group.seconds() - total, time.monotonic() - started
        rows = json.loads(Path(env[RESULT]).read_text(encoding="utf-8")) if Path(env[RESULT]).exists() else []
    if os.environ.get(KEEP):
        Path(os.environ[KEEP]).write_text(json.dumps(rows, indent=0), encoding="utf-8")
    modules: Counter[str] = Counter()
    for nodeid, cpu, _ in rows:
        modules[nodeid.split("::")[0]] += cpu
    lines = [f"Processortid {total:.1f} s (väggtid {wall:.1f} s), {len(rows)} tester", "", "Per modul:"]
    lines += [f"{cpu:8.1f} s  {module}" for module, cpu in modules.most_common(25)]
    lines += ["", "Dyraste testerna:"]
    lines += [f"{cpu:8.1f} s  {nodeid}" for nodeid, cpu, _ in sorted(rows, key=lambda r: -r[1])[:30]]
    print("\n".join(lines))  # noqa: T201
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
