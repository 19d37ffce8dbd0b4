"""The one user-error type and the collector that gathers them.

Every mistake an editor can make ends up as a `ReportError` with the file and line it
concerns, printed as `path:line: message`. Stages collect errors in a `Problems` list and
raise them together, so one run reports every problem in every file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ReportError(Exception):
    """A mistake in the report folder, located by file and line, in plain Swedish."""

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None
    hint: str = ""

    def __str__(self) -> str:
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} {self.hint}".rstrip() if self.hint else text


class BuildFailed(Exception):
    """Raised by a stage when it found one or more problems; carries all of them."""

    def __init__(self, errors: Iterable[ReportError]) -> None:
        self.errors = sorted(errors, key=_order)
        super().__init__("\n".join(str(e) for e in self.errors))


def _order(error: ReportError) -> tuple[str, int, int]:
    return (error.path, error.line or 0, error.column or 0)


@dataclass
class Problems:
    """Collects located errors from one stage; `raise_if_any()` ends the stage."""

    errors: list[ReportError] = field(default_factory=list)

    def add(self, error: ReportError) -> None:
        if error not in self.errors:
            self.errors.append(error)

    def fail(
        self, path: str, line: int | None, message: str, hint: str = "", column: int | None = None
    ) -> None:
        """Record a problem at `path:line` (the one place call sites report through)."""
        self.add(ReportError(message, path, line, column, hint))

    def extend(self, errors: Iterable[ReportError]) -> None:
        for error in errors:
            self.add(error)

    def __iter__(self) -> Iterator[ReportError]:
        return iter(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildFailed(self.errors)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """Return ` (menade du 'x'?)` for the closest candidate, or an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"(menade du '{matches[0]}'?)" if matches else ""


def relative(path: Path, root: Path) -> str:
    """Show `path` relative to the report folder, as editors know it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
