"""Measuring a built PDF's pages as a reader sees them: rendered with pdftoppm, read with Pillow.

Used by the visual tests (tests/test_visual.py): how full each page is, whether it carries a
running head, and the size of the text inside charts.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

MM = 72 / 25.4
"""PDF points per millimetre."""
TOP_MARGIN_MM = 24
BOTTOM_MARGIN_MM = 24


def render(pdf: Path, dpi: int, folder: Path) -> list[Path]:
    """Every page of `pdf` as a PNG in `folder`, in page order."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "p")], check=True)
    return sorted(folder.glob("p-*.png"))


@dataclass(frozen=True)
class Page:
    number: int
    running_head: bool
    """Ink in the top margin: a text page after a chapter's first."""
    fill: float
    """How far down the type area the lowest ink reaches, 0 to 1."""


def _ink_rows(image: Image.Image, top: int, bottom: int) -> list[int]:
    grey = image.convert("L")
    width = grey.width
    rows = []
    pixels = grey.load()
    assert pixels is not None
    for y in range(top, bottom):
        if any(int(pixels[x, y]) < 200 for x in range(0, width, 2)):  # type: ignore[arg-type]
            rows.append(y)
    return rows


def measure(pdf: Path, dpi: int = 30) -> list[Page]:
    """Each page's running head and fill."""
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for number, png in enumerate(render(pdf, dpi, Path(tmp)), 1):
            image = Image.open(png)
            per_mm = image.height / 297
            top = round(TOP_MARGIN_MM * per_mm)
            bottom = image.height - round(BOTTOM_MARGIN_MM * per_mm)
            head = bool(_ink_rows(image, round(8 * per_mm), top - 1))
            rows = _ink_rows(image, top, bottom)
            fill = (rows[-1] - top) / (bottom - top) if rows else 0.0
            pages.append(Page(number, head, fill))
        return pages


def underfull_pages(pages: list[Page], least: float = 0.75) -> list[Page]:
    """Text pages less than `least` full that are not their chapter's last (the next page
    continues the chapter, so it has a running head)."""
    return [
        page
        for page, following in zip(pages, pages[1:], strict=False)
        if page.running_head and following.running_head and page.fill < least
    ]


def line_ends(document: Any) -> list[str]:
    """In a laid-out WeasyPrint document (`printing.pdftags` installed before the layout), the
    part of a word before each hyphen that ends a line: `kompetens` for `kompetens-`."""
    from weasyprint.formatting_structure import boxes

    ends: list[str] = []
    for page in document.pages:
        for line in page._page_box.descendants():
            if not isinstance(line, boxes.LineBox):
                continue
            texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
            if texts and getattr(texts[-1], "kfs_hyphen", 0):
                last = texts[-1].text[: -texts[-1].kfs_hyphen].split()
                ends.append(last[-1].replace("\u00ad", "") if last else "")
    return ends
