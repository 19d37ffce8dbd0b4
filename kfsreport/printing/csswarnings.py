"""WeasyPrint's warnings about the report's own print stylesheets, as it reads them for the PDF.

`kfsreport check` turns each into a warning at the stylesheet's line. Only the stylesheets
in the report's `templates/css/` are read: the package's own, which a secretary cannot
change, give WeasyPrint no warning (tests/test_stylesheets.py), so a report without
stylesheets of its own needs no WeasyPrint in `check` at all. Parsing needs
WeasyPrint, whose import is most of the cost, so `check` asks its print process
(`printworker`) when it has one, and keeps the answer in the report's cache under a hash of
the stylesheets and the WeasyPrint version (`stylesheets_key`): an unchanged stylesheet is not
parsed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from importlib.metadata import version
from pathlib import Path

from kfsreport import __version__
from kfsreport.errors import PACKAGE_TEMPLATES, Problems
from kfsreport.load.folder import SETTINGS_FILE
from kfsreport.load.yamlfile import read_yaml
from kfsreport.render.stylesheets import edition_stylesheets, find_template_file
from kfsreport.write.fingerprint import file_digest

Warning_ = tuple[str, str]
"""The stylesheet's path and WeasyPrint's message."""


def print_stylesheets(root: Path, dirs: list[Path]) -> list[Path]:
    """The print stylesheets the build uses for the report in `root`, where they are found:
    base.css and print.css, and duplex.css and memo.css when report.yaml asks for them (a
    missing one is the build's error, not a stylesheet warning)."""
    duplex, memo = _print_settings(root)
    return [
        path
        for name in edition_stylesheets("print", duplex, memo)
        if (path := find_template_file(dirs, name)) is not None
    ]


def _print_settings(root: Path) -> tuple[bool, bool]:
    """`print: duplex` and `layout: memo` as report.yaml says them (the build reports a
    report.yaml it cannot read; here it only means the plain print stylesheets)."""
    try:
        text = (root / SETTINGS_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return False, False
    located = read_yaml(text, SETTINGS_FILE, Problems())
    data = located.data if located is not None else None
    if not isinstance(data, dict):
        return False, False
    return data.get("print") == "duplex", data.get("layout") == "memo"


def own_print_stylesheets(root: Path, dirs: list[Path]) -> list[Path]:
    """The print stylesheets the build uses that the report brings itself (not the package's)."""
    return [path for path in print_stylesheets(root, dirs) if not path.is_relative_to(PACKAGE_TEMPLATES)]


def stylesheets_key(root: Path, dirs: list[Path]) -> str | None:
    """A hash of what the warnings depend on: each of the report's own print stylesheets' path
    and bytes, and the versions of kfsreport and WeasyPrint; None if one cannot be read."""
    parts: list[object] = [__version__, version("weasyprint")]
    for path in own_print_stylesheets(root, dirs):
        digest = file_digest(path)
        if digest is None:
            return None
        parts.append([str(path), digest.hex()])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def css_warnings(root: Path, dirs: list[Path]) -> list[Warning_]:
    """Parse each of the report's own print stylesheets the build uses with WeasyPrint and
    return every warning it logs."""
    own = own_print_stylesheets(root, dirs)
    if not own:
        return []
    from kfsreport.printing.engine import load_weasyprint
    from kfsreport.printing.pdf import make_fetcher

    load_weasyprint()
    from weasyprint import CSS

    logger = logging.getLogger("weasyprint")
    found: list[Warning_] = []
    for path in own:
        collect = _Collect()
        saved, propagate = logger.handlers[:], logger.propagate
        logger.handlers, logger.propagate = [collect], False
        try:
            CSS(
                string=path.read_text(encoding="utf-8"),
                base_url=path.parent.as_uri() + "/",
                url_fetcher=make_fetcher([root, *dirs]),
            )
        finally:
            logger.handlers, logger.propagate = saved, propagate
        found += [(str(path), message) for message in collect.messages]
    return found
