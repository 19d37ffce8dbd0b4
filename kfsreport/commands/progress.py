"""Progress and stage timings for the commands: what a long build is doing, and how long each part took.

The pipeline calls a `Stages` object with the name of each stage as it starts. On a terminal,
a rich status line on stderr appears only when the whole run takes longer than about a second
(a quick build shows nothing); the timings go to the log at INFO level, which `--verbose`
shows. Nothing here prints to stdout.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

SHOW_AFTER = 1.0
"""Seconds before the progress line appears; a quicker run shows nothing."""

LABELS = {
    "load": "läser in filerna",
    "validate": "kontrollerar",
    "charts": "ritar diagrammen",
    "render": "gör HTML",
    "pdf": "gör PDF:en",
    "write": "skriver utdata",
    "rules": "kontrollerar text och struktur",
    "spelling": "kontrollerar stavningen",
}


class Stages:
    """Called with each stage's name as it starts; records timings and shows progress."""

    def __init__(self, show_progress: bool | None = None) -> None:
        self.timings: list[tuple[str, float]] = []
        self._current: str | None = None
        self._started = 0.0
        self._first = time.perf_counter()
        self._lock = threading.Lock()
        self._status: Any = None
        self._timer: threading.Timer | None = None
        if show_progress is None:
            show_progress = sys.stderr.isatty()
        self._show = show_progress

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        with self._lock:
            self._finish_current(now)
            self._current, self._started = stage, now
            if self._status is not None:
                self._status.update(_label(stage) + " …")

    def __enter__(self) -> Stages:
        if self._show:
            self._timer = threading.Timer(SHOW_AFTER, self._start_status)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._finish_current(time.perf_counter())
            self._current = None
            if self._timer is not None:
                self._timer.cancel()
            if self._status is not None:
                self._status.stop()
                self._status = None
        if self.timings:
            log.info("Tider: %s", summary(self.timings, time.perf_counter() - self._first))

    def _finish_current(self, now: float) -> None:
        if self._current is not None:
            self.timings.append((self._current, now - self._started))

    def _start_status(self) -> None:
        from rich.console import Console

        with self._lock:
            if self._current is None:
                return
            console = Console(stderr=True)
            self._status = console.status(_label(self._current) + " …")
            self._status.start()


def summary(timings: list[tuple[str, float]], total: float) -> str:
    """`läser in filerna 0,03 s · kontrollerar 0,04 s · … · totalt 1,20 s`."""
    parts = [f"{_label(stage)} {_seconds(seconds)}" for stage, seconds in timings]
    return " · ".join([*parts, f"totalt {_seconds(total)}"])


def _label(stage: str) -> str:
    return LABELS.get(stage, stage)


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + " s"
