"""An independent validator on every report in the repository: page-validation (PyPI,
a Rust reimplementation of veraPDF's PDF/UA-1 and PDF/A rules that runs offline) must find
no failed rule, for PDF/UA-1 and for PDF/A-2a, on the one PDF file a build writes; and no
word may be hyphenated across a page break in any of them, nor run together with the next
in the text a screen reader gets."""

from __future__ import annotations

from pathlib import Path

import page
import pytest

from tests.conftest import FIXTURES, REPO, built_report

# Every report folder in the repository whose PDF the tests build (the demo is `demo`): the
# fixtures, the manual (handbok/) and any example report under exempel/.
REPORTS = sorted(
    [p.parent for p in FIXTURES.glob("*/report.yaml")]
    + [p.parent for p in REPO.glob("handbok/report.yaml")]
    + [p.parent for p in REPO.glob("exempel/*/report.yaml")]
)


def failures(path: Path, profile: str) -> list[str]:
    report = page.validate_pdf(path, profile=profile)
    return sorted({f"{f.rule_id}: {f.message}" for f in report.failures}) if not report.is_compliant else []


HEARD = ("sidbrytning", "ihopskriv", "utfyllnadspunkter", "sidan bryts", "avstavningstecken")
"""Words of the findings `page_turns` keeps."""


def page_turns(path: Path) -> list[str]:
    """`check --pdf`'s findings of a word hyphenated across a page break, read from the drawn
    text (a hyphen at the foot of a page shows even where /ActualText reads the word whole),
    of a layout hyphen that copies along, and of what a listener hears from the structure
    tree (`pdfwords`): words run together, leader dots, a paragraph split where a page breaks
    it. The report's own hyphens (`apt-get` in the manual) are read from its web page, as
    `kfsreport check --pdf` reads them from the page it renders."""
    from kfsreport.commands.check.pdfcheck import check_pdf, written_hyphens

    written = written_hyphens(
        " ".join(page.read_text(encoding="utf-8") for page in path.parent.glob("*.html"))
    )
    return [problem for problem in check_pdf(path, written) if any(word in problem for word in HEARD)]


def test_the_demo_is_pdf_ua_1(demo, demo_pdf_problems):
    assert failures(demo / "arsrapport-2025.pdf", "ua1") == []
    assert [problem for problem in demo_pdf_problems if any(word in problem for word in HEARD)] == []


def test_the_demo_is_also_pdf_a_2a(demo):
    assert failures(demo / "arsrapport-2025.pdf", "2a") == []


@pytest.mark.parametrize("root", REPORTS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_report_in_the_repository_passes(root, tmp_path_factory, request):
    if root == REPO / "handbok":
        out = request.getfixturevalue("handbok")  # built once per run, for tests/test_handbok.py too
    elif root == FIXTURES / "demo-2025-first":
        out = request.getfixturevalue("first_release")  # for tests/test_compatibility.py too
    else:  # built once per run, for the browser, visual and example tests too
        out = built_report(tmp_path_factory, root) / "output"
    pdfs = sorted(out.glob("*.pdf"))
    for pdf in pdfs:
        assert failures(pdf, "ua1") == [], pdf.name
        assert failures(pdf, "2a") == [], pdf.name
        assert page_turns(pdf) == [], pdf.name


def test_the_validator_sees_what_we_repaired(tmp_path, demo):
    """The validator is not blind: the unrepaired file of the same layout fails it."""
    import pikepdf

    path = tmp_path / "broken.pdf"
    with pikepdf.open(demo / "arsrapport-2025.pdf") as pdf:
        for page_ in pdf.pages:
            for annotation in page_.get("/Annots", []):
                if "/StructParent" in annotation:
                    del annotation["/StructParent"]
        pdf.save(path)
    assert failures(path, "ua1")
