"""The print stylesheets as WeasyPrint reads them: its warnings (an unknown property, a value
it ignores) become check warnings at the stylesheet's own line, so `--strict` catches a
stylesheet slip before the PDF quietly looks different."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from kfsreport.commands.check.findings import Findings
from kfsreport.errors import shown
from kfsreport.printing.pdf import make_fetcher
from kfsreport.render.stylesheets import STYLESHEETS, find_template_file
from kfsreport.render.templates import template_dirs

_AT = re.compile(r" at (\d+):\d+")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def check_print_stylesheets(root: Path, findings: Findings) -> None:
    """Parse each print stylesheet with WeasyPrint; each warning it gives is ours."""
    from kfsreport.printing.engine import load_weasyprint

    load_weasyprint()
    from weasyprint import CSS

    dirs = template_dirs(root)
    logger = logging.getLogger("weasyprint")
    for name in STYLESHEETS["print"]:
        path = find_template_file(dirs, name)
        if path is None:
            continue  # the build reports a missing stylesheet
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
        where = shown(path, root)
        for message in collect.messages:
            at = _AT.search(message)
            findings.warning(
                where,
                int(at.group(1)) if at else None,
                f"WeasyPrint: {message}",
                "Rätta regeln i stilmallen; WeasyPrint hoppar annars över den i PDF:en.",
            )
