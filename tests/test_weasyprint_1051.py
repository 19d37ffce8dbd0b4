"""The workaround for WeasyPrint #1051 (`printing/weasyprint_1051.py`): a run of text that
fits its line but for the space before the next element is not cut after its first word,
which WeasyPrint then hyphenates alone on its line ("Strate-" / "gin ska")."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from kfsreport.printing import weasyprint_1051

FONT = Path(weasyprint_1051.__file__).parent.parent / "templates" / "fonts" / "SourceSans3-Regular.ttf"
PAGE = """<html lang="sv"><style>
@font-face {{ font-family: Test; src: url("{font}") }}
@page {{ size: 120mm 60mm; margin: 5mm }}
p {{ font: 10pt Test; hyphens: auto; width: {width}mm; margin: 0 0 6mm }}
.no-hyphens {{ hyphens: manual }}
</style>{paragraphs}</html>"""
TEXT = 'Strategin ska <span class="no-hyphens">kunna genomföras.</span>'
WIDTHS = [round(18 + i * 0.2, 1) for i in range(60)]
"""Column widths in mm around the width of "Strategin ska": at some of them the text fits
only without its final space."""


def lines_of(width: float) -> list[str]:
    """The lines of the paragraph laid out `width` mm wide (WeasyPrint's line boxes)."""
    from weasyprint import HTML

    page = PAGE.format(font=FONT.as_uri(), width=width, paragraphs=f"<p>{TEXT}</p>")
    document = HTML(string=page).render()
    lines = []

    def walk(box: object, into: list[str]) -> None:
        for child in getattr(box, "children", []):
            if type(child).__name__ == "TextBox":
                into.append(child.text)
            else:
                walk(child, into)

    def find(box: object) -> None:
        for child in getattr(box, "children", []):
            if type(child).__name__ == "LineBox":
                parts: list[str] = []
                walk(child, parts)
                lines.append(" ".join(part.strip() for part in parts if part.strip()))
            else:
                find(child)

    find(document.pages[0]._page_box)
    return lines


def test_a_run_that_fits_but_for_its_last_space_is_not_cut_after_its_first_word():
    weasyprint_1051.install()
    with weasyprint_1051.off():
        broken = [w for w in WIDTHS if lines_of(w)[:2] == ["Strate\u2010", "gin ska"]]
    assert broken, "the precondition: WeasyPrint alone hyphenates the first word alone on its line"
    assert all(lines_of(w)[0] == "Strategin ska" for w in broken), broken


def test_the_laid_out_pdf_keeps_the_words_together():
    from weasyprint import HTML

    weasyprint_1051.install()
    with weasyprint_1051.off():
        width = next(w for w in WIDTHS if lines_of(w)[:2] == ["Strate\u2010", "gin ska"])
    pdf = HTML(string=PAGE.format(font=FONT.as_uri(), width=width, paragraphs=f"<p>{TEXT}</p>")).write_pdf()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.decode().splitlines() if line.strip()]
    assert lines[0] == "Strategin ska" and not any(line.endswith("\u2010") for line in lines), lines
