"""A chapter's footnotes in the PDF: never a page that holds nothing but them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.rendering import chapter, print_html_of, project


def _pages(root: Path) -> list[str]:
    """The text of each page of the print edition, as WeasyPrint lays it out."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    document = HTML(string=print_html_of(root)).render()
    return [
        re.sub(
            r"\s+",
            " ",
            " ".join(b.text for b in page._page_box.descendants() if isinstance(b, boxes.TextBox)),
        )
        for page in document.pages
    ]


def test_a_chapters_footnotes_never_stand_alone_on_a_page(tmp_path: Path) -> None:
    # A survey report's method chapter ended with a page holding only its one footnote: the
    # text filled the page and the footnotes, which follow the chapter's text, did not fit.
    def pages(paragraphs: int) -> list[str]:
        body = "".join(f"Rad {i} i texten.\n\n" for i in range(paragraphs))
        body += "Sista raden.[^1]\n\n[^1]: Fotnoten om källan.\n"
        return _pages(project(tmp_path / str(paragraphs), {"01-a.md": chapter("A", body)}))

    first = next(page for page in pages(40) if "Rad 0 " in page)
    fit = sum(1 for i in range(40) if f"Rad {i} " in first)  # one-line paragraphs on the page
    for paragraphs in range(fit - 3, fit + 1):  # the text just fits, its footnotes do not
        alone = [p for p in pages(paragraphs) if "Fotnoten" in p and "Rad " not in p and "Sista" not in p]
        assert alone == [], paragraphs
