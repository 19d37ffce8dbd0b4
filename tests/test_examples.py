"""The example reports in exempel/ build, pass `check --strict` and say what their sources say."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kfsreport.commands.build import build

REPO = Path(__file__).parent.parent
INTERIM = REPO / "exempel" / "delarsrapport-2024"


@pytest.fixture(scope="module")
def interim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interim report per August 2024, copied and built once for this module."""
    root = tmp_path_factory.mktemp("exempel") / "delarsrapport-2024"
    shutil.copytree(INTERIM, root, ignore=shutil.ignore_patterns("output", ".kfsreport-cache"))
    build(root)
    return root


def test_the_interim_example_passes_check_strict(interim, cli):
    run = cli("check", "--project", str(interim), "--strict")
    assert run.code == 0, run.out


def test_the_interim_example_says_what_the_interim_report_says(interim):
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(interim / "output/delarsrapport-2024.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert "Delårsrapport per augusti 2024" in flat
    assert "1 januari–31 augusti 2024" in flat
    assert "21 februari 2024" in flat
    for amount in ("2 653", "1 547", "1 417", "+130"):
        assert amount in flat
    assert "Avvikelse mot periodens budget (överskott)" in flat
    for region in ("Norrbotten", "Jämtland Härjedalen", "Västernorrland"):
        assert region in flat


def test_the_interim_example_html_has_the_period_and_the_economy_table(interim):
    html = (interim / "output/delarsrapport-2024.html").read_text(encoding="utf-8")
    assert '<meta name="dcterms.temporal" content="start=2024-01-01; end=2024-08-31">' in html
    assert (
        '<caption><span class="table-number">Tabell 2.</span> '
        "Ekonomi 1 januari–31 augusti 2024, belopp i tkr</caption>"
    ) in html
    assert html.count('<td class="goal-progress">') == 4


def test_make_report_builds_the_examples_too():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "EXAMPLES := exempel/delarsrapport-2024" in makefile
    assert "--project $$example" in makefile
