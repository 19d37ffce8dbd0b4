"""Golden files: the demo's chapter HTML (normalised) and the PDF's text, page by page.

A change to what the demo renders shows as a readable diff of `tests/golden/`. When the
change is intended, write the files anew and review the diff before committing:

    make golden      (the same as: KFSREPORT_GOLDEN=update .venv/bin/python -m pytest tests/test_golden.py)
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.rendering import html_of

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KFSREPORT_GOLDEN") == "update"


def normalised(html: str) -> str:
    """One tag per line, embedded files (images, fonts, charts) shortened to their type."""
    html = re.sub(r"data:([a-z+/.-]+)(;[a-z0-9=-]+)*,[^\"')\s]+", r"data:\1,…", html)
    return re.sub(r">\s*<", ">\n<", html).strip() + "\n"


def chapters(html: str) -> dict[str, str]:
    """Each chapter's `<section>` of the web page, by its number and id."""
    main = html[html.index('<main id="innehall"') : html.index("</main>")]
    found = {}
    for number, part in enumerate(main.split('<section class="chapter')[1:], start=1):
        ident = re.search(r'<h2 class="chapter-title" id="([^"]+)"', part)
        name = f"{number:02d}-{ident.group(1) if ident else 'kapitel'}.html"
        found[name] = normalised('<section class="chapter' + part)
    return found


def pages(pdf: Path) -> str:
    """The PDF's text, each page under a line `=== sida N ===`."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    parts = text.stdout.rstrip("\f\n").split("\f")
    lines = []
    for number, page in enumerate(parts, start=1):
        lines += [f"=== sida {number} ===", *(line.rstrip() for line in page.splitlines())]
    return "\n".join(lines).rstrip() + "\n"


def compare(name: str, made: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(made, encoding="utf-8")
        return
    assert path.exists(), f"{name} saknas i tests/golden/: kör make golden och granska filen"
    assert made == path.read_text(encoding="utf-8"), (
        f"tests/golden/{name} skiljer sig; är ändringen avsedd, kör make golden och granska diffen"
    )


def test_the_demo_chapters_render_as_reviewed():
    made = chapters(html_of(REPO))
    if UPDATE:
        for old in (GOLDEN / "html").glob("*.html"):
            old.unlink()
    else:
        assert sorted(made) == sorted(p.name for p in (GOLDEN / "html").glob("*.html"))
    for name, html in made.items():
        compare(f"html/{name}", html)


@pytest.mark.skipif(subprocess.run(["which", "pdftotext"], capture_output=True).returncode, reason="poppler")
def test_the_demo_pdf_reads_as_reviewed(demo):
    compare("pdf/arsrapport-2025.txt", pages(demo / "arsrapport-2025.pdf"))
