"""The one user-error type, the collector that gathers them, and how a file is named in them.

Every mistake an editor can make ends up as a `ReportError` with the file, line and (when
known) column it concerns, printed as `fil:rad:kolumn: message. Hint.`. The stages' own
exceptions (`links.Refused`, `expressions.ExpressionError`, `charts.compute.ComputeError`,
`stylesheets.UnreadableFont`, `images.UnsafeImage`) are `ReportError`s raised without a place,
which the stage that catches them supplies. A fault of the computer rather than the report (a
system library WeasyPrint needs, `printing.engine`) is a `ReportError` without a file, which
the command line prints as it is. Stages collect errors and warnings in a `Problems`; errors
are raised together in a `BuildFailed` (`raise_if_any`), so one run reports every problem in
every file, and warnings are kept for the command to print and count (`check --strict` fails
on them).

No other exception carries a message to the user. The few others are a library's own
protocol and are turned into a `ReportError` where they are caught: Jinja's `SecurityError`
(the sandbox's `LimitError` is one, so a refused expression is one kind of failure),
pydantic's `ValueError` from a field's validator, WeasyPrint's `FatalURLFetchingError`
from the guarded fetcher, and `expressions._Unusable` from a filter.

A `ReportError` pickles (it crosses into the print process and back) and compares by value.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


class ReportError(Exception):
    """A mistake in the report folder, located by file, line and column, in plain Swedish.

    Build it one way: the message, then everything else by keyword
    (`ReportError("…", path="content/01.md", line=3, hint="Skriv …")`)."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint

    def located(self, path: str, line: int | None = None, column: int | None = None) -> ReportError:
        """The same mistake as a plain `ReportError` at `path:line:column`."""
        return ReportError(
            self.message,
            path=path,
            line=line,
            column=column if column is not None else self.column,
            hint=self.hint,
        )

    def _key(self) -> tuple[Any, ...]:
        return (type(self), self.message, self.path, self.line, self.column, self.hint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReportError) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.message, self.path, self.line, self.column, self.hint))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self})"

    def __str__(self) -> str:
        return self.labelled("")

    def labelled(self, label: str) -> str:
        """`fil:rad:kolumn: label: message. Hint.` (`label`: "fel", "varning" or none)."""
        where = self.path
        if where and self.line is not None:
            where = f"{where}:{self.line}"
            if self.column is not None:
                where = f"{where}:{self.column}"
        message = f"{label}: {self.message}" if label else self.message
        text = f"{where}: {message}" if where else message
        return f"{text} {self.hint}".rstrip() if self.hint else text


def _restore(
    kind: type[ReportError], message: str, path: str, line: int | None, column: int | None, hint: str
) -> ReportError:
    """Unpickle any `ReportError` subclass, whatever its own constructor takes."""
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    error.message, error.path, error.line, error.column, error.hint = message, path, line, column, hint
    return error


class BuildFailed(Exception):
    """Raised by a stage when it found one or more problems; carries all of them."""

    def __init__(self, errors: Iterable[ReportError], warnings: Iterable[ReportError] = ()) -> None:
        self.errors = sorted(errors, key=_order)
        self.warnings = sorted(warnings, key=_order)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self) -> tuple[Any, ...]:
        return (BuildFailed, (self.errors, self.warnings))


def _order(error: ReportError) -> tuple[str, int, int]:
    return (error.path, error.line or 0, error.column or 0)


@dataclass
class Problems:
    """Collects located errors (which stop the build) and warnings (which do not) from the
    stages; `raise_if_any()` ends a stage that found errors."""

    errors: list[ReportError] = field(default_factory=list)
    warnings: list[ReportError] = field(default_factory=list)

    def add(self, error: ReportError) -> None:
        if error not in self.errors:
            self.errors.append(error)

    def fail(
        self, path: str, line: int | None, message: str, hint: str = "", column: int | None = None
    ) -> None:
        """Record a problem at `path:line` (the one place call sites report through)."""
        self.add(ReportError(message, path=path, line=line, column=column, hint=hint))

    def warn(
        self, path: str, line: int | None, message: str, hint: str = "", column: int | None = None
    ) -> None:
        """Record something to look at that does not stop the build; commands print and count it."""
        warning = ReportError(message, path=path, line=line, column=column, hint=hint)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def extend(self, errors: Iterable[ReportError]) -> None:
        for error in errors:
            self.add(error)

    def take(self, other: Problems) -> None:
        """Add the errors and warnings `other` collected (work done apart, to be remembered
        only if it found nothing)."""
        self.extend(other.errors)
        self.warnings.extend(w for w in other.warnings if w not in self.warnings)

    def __iter__(self) -> Iterator[ReportError]:
        return iter(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildFailed(self.errors, self.warnings)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """Return ` (menade du 'x'?)` for the closest candidate, or an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"(menade du '{matches[0]}'?)" if matches else ""


def shown(path: Path, root: Path) -> str:
    """How every message names a file: relative to the report folder, as editors know it
    (`content/01-inledning.md`); a file of the package's own templates by the name it would
    have in the report's `templates/` (where a copy would override it)."""
    for base, prefix in ((root, ""), (PACKAGE_TEMPLATES, "templates/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.name


_OS_REASONS = {
    errno.EACCES: "du har inte behörighet",
    errno.EPERM: "du har inte behörighet",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "platsen går bara att läsa",
    errno.ENOENT: "mappen finns inte",
    errno.ENOTDIR: "en del av sökvägen är en fil, inte en mapp",
    errno.EISDIR: "det är en mapp",
    errno.EADDRNOTAVAIL: "adressen finns inte på den här datorn",
}


def os_reason(error: OSError) -> str:
    """Why the system refused, in Swedish (the system's own text is English)."""
    return _OS_REASONS.get(error.errno or 0, f"systemet vägrade (felkod {error.errno})")
