"""WeasyPrint's warnings about the print stylesheets, as it reads them for the PDF.

`kfsreport check` turns each into a warning at the stylesheet's line. Parsing needs
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
from kfsreport.render.stylesheets import STYLESHEETS, find_template_file
from kfsreport.write.fingerprint import file_digest

Warning_ = tuple[str, str]
"""The stylesheet's path and WeasyPrint's message."""


def print_stylesheets(dirs: list[Path]) -> list[Path]:
    """The print stylesheets the build uses, where they are found (a missing one is the
    build's error, not a stylesheet warning)."""
    return [path for name in STYLESHEETS["print"] if (path := find_template_file(dirs, name)) is not None]


def stylesheets_key(dirs: list[Path]) -> str | None:
    """A hash of what the warnings depend on: each print stylesheet's path and bytes, and the
    versions of kfsreport and WeasyPrint; None if a stylesheet cannot be read."""
    parts: list[object] = [__version__, version("weasyprint")]
    for path in print_stylesheets(dirs):
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
    """Parse each print stylesheet with WeasyPrint and return every warning it logs."""
    from kfsreport.printing.engine import load_weasyprint
    from kfsreport.printing.pdf import make_fetcher

    load_weasyprint()
    from weasyprint import CSS

    logger = logging.getLogger("weasyprint")
    found: list[Warning_] = []
    for path in print_stylesheets(dirs):
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
