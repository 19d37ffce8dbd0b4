"""What `check` found: located errors and warnings, each with a suggested fix.

An error is something a reader would meet as a fault (a broken link, a missing alternative
text); a warning is something to look at before the report is sent (spelling, long
sentences, typography). The manual's chapter on checking lists which is which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kfsreport.errors import ReportError


@dataclass(frozen=True)
class Finding:
    error: ReportError
    warning: bool = False

    @property
    def path(self) -> str:
        return self.error.path

    def __str__(self) -> str:
        return str(self.error)


@dataclass
class Findings:
    """Collects findings from every rule; one rule never stops another."""

    items: list[Finding] = field(default_factory=list)

    def error(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self._add(Finding(ReportError(message, path=path, line=line, hint=hint)))

    def warning(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        self._add(Finding(ReportError(message, path=path, line=line, hint=hint), warning=True))

    def errors_from(self, errors: list[ReportError]) -> None:
        for error in errors:
            self._add(Finding(error))

    def warnings_from(self, warnings: list[ReportError]) -> None:
        for warning in warnings:
            self._add(Finding(warning, warning=True))

    def _add(self, finding: Finding) -> None:
        if finding not in self.items:
            self.items.append(finding)
