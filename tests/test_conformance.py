"""An independent validator on every report in the repository: page-validation (PyPI,
a Rust reimplementation of veraPDF's PDF/UA-1 and PDF/A rules that runs offline) must find
no failed rule, PDF/UA-1 on the accessible file and PDF/A-2a on the archive file."""

from __future__ import annotations

from pathlib import Path

import page
import pytest

from tests.conftest import FIXTURES

# Every report folder in the repository whose PDF the tests build (the demo is `demo`).
REPORTS = sorted(p.parent.name for p in FIXTURES.glob("*/report.yaml"))


def failures(path: Path, profile: str) -> list[str]:
    report = page.validate_pdf(path, profile=profile)
    return sorted({f"{f.rule_id}: {f.message}" for f in report.failures}) if not report.is_compliant else []


def test_the_demo_is_pdf_ua_1(demo):
    assert failures(demo / "arsrapport-2025.pdf", "ua1") == []


def test_the_demo_archive_file_is_pdf_a_2a_and_pdf_ua_1(demo):
    assert failures(demo / "arsrapport-2025-arkiv.pdf", "2a") == []
    assert failures(demo / "arsrapport-2025-arkiv.pdf", "ua1") == []


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_in_the_repository_passes(make_project, name, tmp_path):
    from kfsreport.build import build

    root = make_project(name)
    out = tmp_path / "out"
    build(root, out_dir=out)
    pdfs = sorted(out.glob("*.pdf"))
    for pdf in pdfs:
        assert failures(pdf, "ua1") == [], pdf.name
        if pdf.stem.endswith("-arkiv"):
            assert failures(pdf, "2a") == [], pdf.name


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
