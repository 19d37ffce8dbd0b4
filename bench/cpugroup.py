"""Processor time of a command and every process it starts, counted by a Linux cgroup.

`resource.getrusage(RUSAGE_CHILDREN)` only counts the processes a command waits for: a
browser that the tests start and end outside their process tree (Chromium under Playwright),
a Java virtual machine (the Nu Html Checker) or a print process left to end on its own is
not in it, and `make test` used to look 60–80 s cheaper than it is. A cgroup counts every
process started inside it, however it ends. Used by bench/setup_and_tests.py for `make test`
and by bench/testcpu.py for each test.

`CpuGroup()` makes a cgroup of its own (cgroup v2, or v1's `cpuacct`), where the machine lets
this user; `usable` says whether it did, else the callers fall back to getrusage.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


class CpuGroup:
    """A cgroup for one measurement: start commands in it with `preexec_fn=group.enter`, read
    the processor time of everything run in it so far with `seconds()`, `close()` at the end."""

    def __init__(self, name: str = f"kfsreport-bench-{os.getpid()}") -> None:
        self.folder: Path | None = None
        self._usage: Path | None = None
        self._v2 = False
        for parent, usage, v2 in (
            (ROOT, "cpu.stat", True),  # v2 when /sys/fs/cgroup/cpu.stat is there
            (ROOT / "cpuacct", "cpuacct.usage", False),
        ):
            if not (parent / usage).exists() and not (parent / "cgroup.controllers").exists():
                continue
            with contextlib.suppress(OSError):
                folder = parent / name
                folder.mkdir(exist_ok=True)
                if (folder / usage).exists() and os.access(folder / "cgroup.procs", os.W_OK):
                    self.folder, self._usage, self._v2 = folder, folder / usage, v2
                    return
                folder.rmdir()

    @property
    def usable(self) -> bool:
        return self._usage is not None

    @property
    def usage_file(self) -> Path | None:
        """The file the kernel keeps the processor time in (read by bench/testcpu.py's plugin)."""
        return self._usage

    def enter(self) -> None:
        """Move the calling process into the cgroup (its children follow): a `preexec_fn`."""
        assert self.folder is not None
        (self.folder / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float:
        """Processor time, user and system, of every process that has run in the cgroup."""
        assert self._usage is not None
        text = self._usage.read_text()
        if self._v2:
            fields = dict(line.split() for line in text.splitlines() if line.strip())
            return int(fields["usage_usec"]) / 1e6
        return int(text) / 1e9

    def close(self) -> None:
        """Remove the cgroup (left as it is while a process still runs in it)."""
        if self.folder is not None:
            with contextlib.suppress(OSError):
                self.folder.rmdir()

    def __enter__(self) -> CpuGroup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
