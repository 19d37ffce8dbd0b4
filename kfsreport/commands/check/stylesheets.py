"""The report's own print stylesheets as WeasyPrint reads them: its warnings (an unknown
property, a value it ignores) become check warnings at the stylesheet's own line, so
`--strict` catches a stylesheet slip before the PDF quietly looks different. A report
without stylesheets of its own has none to read (`csswarnings.own_print_stylesheets`).

The warnings come from the report's cache when the stylesheets are unchanged
(`printing.csswarnings.stylesheets_key`), else from the print process `check` started, else
from WeasyPrint in this process."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport.commands.check.findings import Findings
from kfsreport.errors import shown
from kfsreport.printing.csswarnings import Warning_, css_warnings, own_print_stylesheets, stylesheets_key
from kfsreport.render.templates import template_dirs
from kfsreport.write.output import write_outputs

if TYPE_CHECKING:
    from kfsreport.printing.printworker import PrintServer

_AT = re.compile(r" at (\d+):\d+")


def cached_warnings(root: Path, cache: Path | None) -> list[Warning_] | None:
    """The warnings kept for these stylesheets (none if the report has none of its own), or
    None if they must be parsed."""
    if not own_print_stylesheets(root, template_dirs(root)):
        return []
    path = _cache_file(root, cache)
    if path is None:
        return None
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return [(str(where), str(message)) for where, message in kept]
    except (OSError, ValueError, TypeError):
        return None


def check_print_stylesheets(
    root: Path, findings: Findings, cache: Path | None = None, printer: PrintServer | None = None
) -> None:
    """Parse each of the report's own print stylesheets with WeasyPrint; each warning it gives
    is ours."""
    dirs = template_dirs(root)
    warnings = cached_warnings(root, cache)
    if warnings is None:
        warnings = printer.css_warnings(root, dirs) if printer is not None else None
        if warnings is None:
            warnings = css_warnings(root, dirs)
        _keep(root, cache, warnings)
    for where, message in warnings:
        at = _AT.search(message)
        findings.warning(
            shown(Path(where), root),
            int(at.group(1)) if at else None,
            f"WeasyPrint: {message}",
            "Rätta regeln i stilmallen; WeasyPrint hoppar annars över den i PDF:en.",
        )


def _cache_file(root: Path, cache: Path | None) -> Path | None:
    key = stylesheets_key(root, template_dirs(root)) if cache is not None else None
    return cache / "checks" / f"css-{key}.json" if cache is not None and key is not None else None


def _keep(root: Path, cache: Path | None, warnings: list[Warning_]) -> None:
    path = _cache_file(root, cache)
    if path is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_outputs({path: json.dumps(warnings, ensure_ascii=False).encode()})
