"""The printed contents as laid out: every chapter's and appendix's number on one line, in
the side column, ending before its title ("Bilaga 1" and "Bilaga 10" included)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from kfsreport.commands.build import build


def words_on_page(pdf: Path, page: int) -> list[tuple[str, float, float, float]]:
    """(word, left, top, right) of every word pdftotext finds on `page`, in points."""
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(w, float(x0), float(y0), float(x1)) for x0, y0, x1, w in re.findall(pattern, out)]


def test_appendix_numbers_stay_on_one_line_before_their_titles(make_project):
    root = make_project("minimal")
    for n in range(1, 11):
        (root / f"content/{80 + n}-bilaga.md").write_text(
            f"---\ntitle: Underlag {n}\nappendix: ja\n---\n\nText i bilaga {n}.\n", encoding="utf-8"
        )
    build(root, ["pdf"])
    pdf = next((root / "output").glob("*.pdf"))
    pages = int(
        re.search(
            r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        )[1]
    )
    toc = next(p for p in range(1, pages + 1) if any(w[0] == "Innehåll" for w in words_on_page(pdf, p)))
    words = words_on_page(pdf, toc)
    for n in (1, 10):
        label = next(i for i, w in enumerate(words) if w[0] == "Bilaga" and words[i + 1][0] == str(n))
        bilaga, number = words[label], words[label + 1]
        title = next(w for w in words if w[0] == "Underlag" and abs(w[2] - bilaga[2]) < 2)
        assert abs(number[2] - bilaga[2]) < 1, f"'Bilaga {n}' is broken over two lines"
        assert number[3] < title[1] - 5, f"'Bilaga {n}' runs into its title"
        assert bilaga[1] > 0, "and stays on the page"
