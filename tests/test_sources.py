"""Sources with their year: `source_year` beside `source` on charts and key figures, the facts'
`sources` list, "Källa: X (2024)" under a figure, `{{ kallor }}`, and the mistakes with years."""

from __future__ import annotations

import pytest

from tests.conftest import edit
from tests.rendering import errors_of, html_of

CHARTS = """\
charts:
  - id: andel
    type: part_of_whole
    title: Andel kvinnor
    values:
      - {Kön: Kvinnor, Andel: "6,9"}
      - {Kön: Män, Andel: "93,1"}
    x: Kön
    y: Andel
    unit: "%"
    source: Byggföretagen
    source_year: 2024
    alt: Stapel som visar att kvinnorna är 6,9 procent.
"""


def with_sources(make_project, chart_year: str = "2024", facts_extra: str = ""):
    root = make_project("minimal")
    (root / "data/charts.yaml").write_text(CHARTS.replace("2024", chart_year), encoding="utf-8")
    edit(
        root / "data/facts.yaml",
        "    unit: invånare\n",
        "    unit: invånare\n    source: SCB, befolkningsstatistik\n    source_year: 2029\n",
    )
    edit(
        root / "data/facts.yaml",
        "figures:\n",
        "sources:\n  - source: OECD, rapport om kompetenssystemet\n    source_year: 2028\n"
        "  - source: Nordregio\n" + facts_extra + "figures:\n",
    )
    (root / "content/03-kallor.md").write_text(
        "---\ntitle: Källor\n---\n\n"
        '{{ figur("andel") }}\n\nKälla: {{ tal.invanare.kalla }}.\n\n{{ kallor }}\n',
        encoding="utf-8",
    )
    return root


def test_a_figures_source_shows_its_year_and_the_list_of_sources_has_every_source_with_its_year(
    make_project,
):
    html = html_of(with_sources(make_project))
    assert '<p class="figure-source">Källa: Byggföretagen (2024)</p>' in html
    assert "Källa: SCB, befolkningsstatistik (2029)." in html
    assert (
        '<ul class="sources">\n'
        "<li>Byggföretagen (2024)</li>\n"
        "<li>Nordregio</li>\n"
        "<li>OECD, rapport om kompetenssystemet (2028)</li>\n"
        "<li>SCB, befolkningsstatistik (2029)</li>\n"
        "</ul>"
    ) in html


def test_a_source_without_a_year_is_shown_as_before(make_project):
    root = with_sources(make_project)
    edit(root / "data/charts.yaml", "    source_year: 2024\n", "")
    html = html_of(root)
    assert '<p class="figure-source">Källa: Byggföretagen</p>' in html
    assert "<li>Byggföretagen</li>" in html


@pytest.mark.parametrize("year", ["24", "2024-25", "tjugotjugofyra", "true", "20240", "2024.0"])
def test_a_year_that_is_not_a_year_is_a_located_error(make_project, year):
    errors = errors_of(with_sources(make_project, chart_year=year))
    assert errors == [
        f"data/charts.yaml:12: 'source_year' under charts → post 1: '{year}' är inte ett årtal; "
        "skriv året då källan gavs ut med fyra siffror, till exempel 2024."
    ], errors


def test_a_year_after_the_reports_year_is_a_located_error_in_each_file(make_project):
    later = "  - source: SKR\n    source_year: 2040\n"
    root = with_sources(make_project, chart_year="2031", facts_extra=later)
    errors = errors_of(root)
    assert [error.split(": ", 1)[0] for error in errors] == ["data/charts.yaml:12", "data/facts.yaml:44"]
    assert errors[0].endswith(
        ": källans år 2031 ligger efter året då rapporten ges ut (2030, date i report.yaml); en "
        "källa kan inte vara utgiven senare än rapporten. Skriv året då källan gavs ut, till "
        "exempel det år som står i källans titel eller tryckort."
    )
    assert "källans år 2040 ligger efter året då rapporten ges ut (2030" in errors[1]


def test_a_source_from_the_year_the_report_is_published_is_right_whatever_year_it_covers(
    make_project,
):
    # A fact sheet on 2030 published in March 2031 cites the statistics published in 2031.
    root = with_sources(make_project, chart_year="2031")
    edit(root / "report.yaml", "date: 2030-08-20", "date: 2031-03-10")
    assert "Källa: Byggföretagen (2031)" in html_of(root)


def test_a_year_without_a_source_is_a_located_error(make_project):
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "    unit: tkr\n", "    unit: tkr\n    source_year: 2029\n")
    assert errors_of(root) == [
        "data/facts.yaml:56: nyckeltalet 'utfall' har ett år för källan (source_year) men ingen "
        "källa (source). Skriv källan i source, till exempel source: SKR."
    ]
