# kfsreport: two commands on a fresh Debian 12 machine with Python 3.11.
#   make report   set up everything and build the demo report into output/
#   make test     set up everything and run the whole test suite
# Everyday targets (README, handbok/): check, check-pdf, serve, new MAPP=…, handbok; each takes
# PROJECT=folder for another report folder.
# Debian packages are installed with apt-get when missing (as root, or through sudo).

PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
# The program alone (make report and the everyday targets), and with the test and lint tools.
RUN_STAMP := $(VENV)/.installed-report
STAMP    := $(VENV)/.installed
# uv from PyPI fills .venv/ in seconds (tools/install-python.sh); `make PIP=pip` uses pip
# instead, as does a uv that cannot be installed.
UV_VERSION := 0.13.8
PIP      ?= uv
# npm ci writes this file; it is older than package-lock.json when the pins have changed.
NODE_STAMP := node_modules/.package-lock.json
# libharfbuzz-subset0: without it WeasyPrint subsets fonts itself and every PDF is ~1.7× slower.
# chromium: the HTML edition is tested in a real browser; hunspell-sv: Swedish spelling in check;
# hunspell-en-us: check suggests [ord]{lang=en} for English words;
# faketime: the test that a build made at another time gives the same bytes.
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils chromium hunspell-sv hunspell-en-us faketime
# Commands the tests need, and the Debian packages that provide them when they are missing.
DEB_COMMANDS := npm:nodejs,npm java:default-jre-headless
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: report check check-pdf serve new handbok test golden visual lint bench check-deb node-deps clean help

# The report folder the everyday targets work on: `make check PROJECT=../arsrapport-2026`.
PROJECT  ?= .
# `make new MAPP=../arsrapport-2026 [AR=2026]`
MAPP     ?=
# make itself defines AR (the archiver, `ar`); a year is only AR given on the command line (`make new AR=2027`).
AR       := $(if $(filter command line,$(origin AR)),$(AR))

help:
	@echo "make report   bygg rapporten till output/ (installerar det som behövs); i den här mappen även exemplen i exempel/"
	@echo "make check    granska rapporten inför utskick (check --strict)"
	@echo "make check-pdf  granska de byggda PDF-filerna i output/"
	@echo "make serve    förhandsvisa rapporten på http://127.0.0.1:8000/"
	@echo "make new MAPP=../arsrapport-2026   börja nästa års rapport i en ny mapp"
	@echo "make handbok  bygg handboken till handbok/output/"
	@echo "make test     kör alla tester"
	@echo "make golden   skriv om tests/golden/ efter en avsedd ändring (granska diffen)"
	@echo "make visual   skriv om sidbilderna i tests/visual/ efter en avsedd ändring av layouten"
	@echo "make lint     ruff och mypy"
	@echo "make bench    mät byggtider och skriv bench/RESULTS.md"
	@echo "Alla rapportmål tar PROJECT=MAPP för en annan rapportmapp."

# The example reports in exempel/ (the interim report per August 2024 and another region's
# plan), built with the demo.
EXAMPLES := exempel/delarsrapport-2024 exempel/vasternorrland-plan

report: $(RUN_STAMP)
	$(BIN)/kfsreport build --project "$(PROJECT)"
	@if [ "$(PROJECT)" = "." ]; then for example in $(EXAMPLES); do \
	  $(BIN)/kfsreport build --project $$example || exit 1; done; fi
	@$(MAKE) --no-print-directory list-output OUTDIR="$(abspath $(PROJECT))/output"
	@if [ "$(PROJECT)" = "." ]; then for example in $(EXAMPLES); do \
	  $(MAKE) --no-print-directory list-output OUTDIR="$(CURDIR)/$$example/output"; done; fi

# The PDF for the council first, then the archive copy, then the web page.
list-output:
	@echo
	@echo "Klart. Öppna:"
	@ls -1 "$(OUTDIR)"/*.pdf "$(OUTDIR)"/*.html 2>/dev/null | \
	  awk '/-arkiv\.pdf$$/ {archive=archive $$0 "\n"; next} /\.html$$/ {html=html $$0 "\n"; next} {print} \
	  END {printf "%s%s", archive, html}' | sed 's/^/  /'

check: $(RUN_STAMP)
	$(BIN)/kfsreport check --strict --project "$(PROJECT)"

check-pdf: $(RUN_STAMP)
	$(BIN)/kfsreport check --pdf --project "$(PROJECT)"

serve: $(RUN_STAMP)
	$(BIN)/kfsreport serve --project "$(PROJECT)"

new: $(RUN_STAMP)
	@if [ -z "$(MAPP)" ]; then echo "Skriv vilken mapp den nya rapporten ska ligga i, till exempel: make new MAPP=../arsrapport-2026"; exit 2; fi
	$(BIN)/kfsreport new "$(MAPP)" --from "$(PROJECT)" $(if $(AR),--year $(AR))

handbok: $(RUN_STAMP)
	$(BIN)/kfsreport build --project handbok
	@$(MAKE) --no-print-directory list-output OUTDIR="$(CURDIR)/handbok/output"

# One test process per core (pytest-xdist); a test module marked xdist_group runs in one of
# them. `make test WORKERS=0` runs everything in this process. The package is compiled first,
# so the Python processes the tests start do not each compile it (where PYTHONDONTWRITEBYTECODE
# keeps Python from saving what it compiles).
WORKERS  ?= auto

test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m compileall -q kfsreport >/dev/null
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

# The demo's chapter HTML and PDF text as reviewed files (tests/test_golden.py): after an
# intended change, write them anew and review `git diff tests/golden/` before committing.
golden: $(STAMP)
	KFSREPORT_GOLDEN=update $(BIN)/python -m pytest -q tests/test_golden.py

visual: $(STAMP)
	KFSREPORT_UPDATE_VISUAL=1 $(BIN)/python -m pytest -q tests/test_visual.py -k reference

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check kfsreport tests build.py
	$(BIN)/ruff format --check kfsreport tests build.py
	$(BIN)/mypy

# Debian packages WeasyPrint and the tests need; apt-get runs only if one is missing.
check-deb:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	for pair in $(DEB_COMMANDS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $$(echo $${pair#*:} | tr , ' ')"; \
	done; \
	$(PYTHON) -c "import ensurepip" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installerar Debianpaket:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Reinstalled when the pins in pyproject.toml change. The full install serves make report too.
$(RUN_STAMP): pyproject.toml | check-deb
	PIP=$(PIP) UV_VERSION=$(UV_VERSION) sh tools/install-python.sh $(PYTHON) $(VENV) .
	@touch $(RUN_STAMP)

$(STAMP): pyproject.toml | check-deb
	PIP=$(PIP) UV_VERSION=$(UV_VERSION) sh tools/install-python.sh $(PYTHON) $(VENV) ".[test]"
	@touch $(STAMP) $(RUN_STAMP)

# axe-core and vnu-jar for the browser tests (tests/test_browser.py), and pdf.js for hearing the
# PDF's tags as Firefox does (tests/test_spoken.py), as package-lock.json pins them. --ignore-scripts: vnu-jar's install script would fetch a Java of its own; Java and
# Chromium come from apt-get (check-deb).
node-deps: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json | check-deb
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(NODE_STAMP)

clean:
	rm -rf output handbok/output $(EXAMPLES:%=%/output) .pytest_cache .mypy_cache .ruff_cache
