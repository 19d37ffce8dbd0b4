"""A chapter's footnotes in the PDF: never a page that holds nothing but them; lists counted
as written."""

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


def test_the_last_footnote_never_goes_over_to_a_page_alone(tmp_path: Path) -> None:
    # A budget report: two footnotes at the chapter's end, the second went to a page of its own.
    def pages(paragraphs: int) -> list[str]:
        body = "".join(f"Rad {i} i texten.\n\n" for i in range(paragraphs))
        body += "Sista raden.[^1] Och en till.[^2]\n\n[^1]: Den första fotnoten.\n[^2]: Den andra fotnoten.\n"
        return _pages(project(tmp_path / str(paragraphs), {"01-a.md": chapter("A", body)}))

    first = next(page for page in pages(40) if "Rad 0 " in page)
    fit = sum(1 for i in range(40) if f"Rad {i} " in first)
    for paragraphs in range(fit - 4, fit + 1):
        alone = [p for p in pages(paragraphs) if "andra fotnoten" in p and "första fotnoten" not in p]
        assert alone == [], paragraphs


def test_a_numbered_list_that_starts_at_five_counts_from_five_in_the_pdf(tmp_path: Path) -> None:
    # WeasyPrint ignores <ol start="5">: the list printed 1, 2, 3.
    import subprocess

    from weasyprint import HTML

    body = "Text före listan.\n\n5. femte\n6. sjätte\n"
    pdf = HTML(string=print_html_of(project(tmp_path / "r", {"01-a.md": chapter("A", body)}))).write_pdf()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"5\.\s+femte\s+6\.\s+sjätte", text), text
