"""The small Makefile `kfsreport new` writes into a new report folder.

With it a secretary runs `make check`, `make serve`, `make report` and `make new MAPP=…` in the
new folder without knowing where kfsreport is installed: the Makefile names the Python that
ran `new`, which has kfsreport and its libraries.
"""

from __future__ import annotations

import shlex
import sys

MAKEFILE = "Makefile"

_TEMPLATE = """\
# Kommandon för den här rapporten, skapade av kfsreport new. Skriv till exempel: make check
# KFSREPORT är kommandot som kör kfsreport; ändra det om programmet flyttas.
KFSREPORT ?= {command}
MAPP ?=
# make själv har AR (arkivprogrammet ar); ett år är bara AR på kommandoraden (make new AR=2027).
AR := $(if $(filter command line,$(origin AR)),$(AR))

.PHONY: help report check check-pdf serve new

help:
\t@echo "make report   bygg rapporten till output/"
\t@echo "make check    granska rapporten inför utskick (check --strict)"
\t@echo "make check-pdf  granska de byggda PDF-filerna i output/"
\t@echo "make serve    förhandsvisa rapporten på http://127.0.0.1:8000/"
\t@echo "make new MAPP=../arsrapport-{next_year}   börja nästa års rapport i en ny mapp"

report:
\t$(KFSREPORT) build --project .

check:
\t$(KFSREPORT) check --strict --project .

check-pdf:
\t$(KFSREPORT) check --pdf --project .

serve:
\t$(KFSREPORT) serve --project .

new:
\t@if [ -z "$(MAPP)" ]; then \\
\t  echo "Skriv vilken mapp den nya rapporten ska ligga i,"; \\
\t  echo "till exempel: make new MAPP=../arsrapport-{next_year}"; \\
\t  exit 2; \\
\tfi
\t$(KFSREPORT) new "$(MAPP)" --from . $(if $(AR),--year $(AR))
"""


def makefile_text(year: int) -> str:
    """The Makefile for a report of `year`, running kfsreport with this very Python."""
    command = f"{shlex.quote(sys.executable)} -m kfsreport".replace("$", "$$")
    return _TEMPLATE.format(command=command, next_year=year + 1)
