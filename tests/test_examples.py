"""The example reports in exempel/ build, pass `check --strict` and say what their sources say."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import built_report

REPO = Path(__file__).parent.parent
INTERIM = REPO / "exempel" / "delarsrapport-2024"
PLAN = REPO / "exempel" / "vasternorrland-plan"


@pytest.fixture(scope="module")
def interim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interim report per August 2024, copied and built once per run (read only)."""
    return built_report(tmp_path_factory, INTERIM)


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
    assert html.count('<td class="goal-progress" data-label="') == 4


def test_make_report_builds_the_examples_too():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "EXAMPLES := exempel/delarsrapport-2024 exempel/vasternorrland-plan" in makefile
    assert "--project $$example" in makefile


# --- another region's plan (seed 003), with its own theme ----------------------------------


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Region Västernorrland's plan, copied and built once per run (read only)."""
    return built_report(tmp_path_factory, PLAN)


def _pdf_text(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.replace("\u00a0", " ").replace("\u00ad", "").split())


def test_the_plan_example_passes_check_strict(plan, cli):
    run = cli("check", "--project", str(plan), "--strict")
    assert run.code == 0, run.out


def test_the_plan_example_says_what_the_plan_says(plan):
    flat = _pdf_text(plan / "output/plan-battre-kompetensforsorjning.pdf")
    for said in (
        "Region Västernorrland",
        "Västernorrlands kompetensråd",
        "Plan för bättre kompetensförsörjning",
        "ett av fyra strategiska områden",
        "Västernorrlands län 2020–2030",
        "Strategisk plan RUS",
        "Under 2025 kartläggs",
        "Kompetensrådet följer upp",
        "den regionala utvecklingsnämnden och för samverkansrådet",
        "Tillit, samverkan och gemensamt ansvar",
        "Tydliga mål och synliga resultat",
        "Enkel och tydlig kommunikation",
        "Bilaga 1",
    ):
        assert said in flat, said
    html = (plan / "output/plan-battre-kompetensforsorjning.html").read_text(encoding="utf-8")
    start = html.index('<div class="plan focus-areas">')
    table = html[start : html.index("</table>", start)]
    rows = re.split(r'<th scope="row" class="goal" data-label="[^"]+">', table)[1:]
    titles = [row.split("<", 1)[0] for row in rows]
    assert titles == [
        "Livslångt lärande",
        "Hållbara och konkurrenskraftiga arbetsgivare",
        "Matchning och tillvaratagande av kompetens",
        "Kunskap om tillgång och efterfrågan på kompetens",
    ]
    assert [row.count("<li>") for row in rows] == [5, 5, 4, 2]


def test_the_plan_example_is_another_regions_from_report_yaml_alone(plan):
    """Its own name and colours, from report.yaml's theme: no copied stylesheet, no template,
    and nothing of Västerbotten in either edition."""
    assert not (PLAN / "templates").exists()
    html = (plan / "output/plan-battre-kompetensforsorjning.html").read_text(encoding="utf-8")
    flat = _pdf_text(plan / "output/plan-battre-kompetensforsorjning.pdf")
    assert "västerbott" not in html.lower() and "västerbott" not in flat.lower()
    assert "--brand: #005a8c;" in html and "--accent: #8cc63f;" in html
    assert '<meta name="dcterms.temporal"' not in html  # a plan has no reporting period
    assert "Årsrapport" not in html and "Årsrapport" not in flat
