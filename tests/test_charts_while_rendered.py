"""With the print process drawing the charts and no print page waiting for them (`check`),
the web page is rendered while they are drawn, with stand-ins (`figures.ChartsInProgress`),
and then filled with the drawn charts: the page, the charts and what is kept in the cache
are those of a page rendered after the drawing, and so are the problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfsreport import pipeline
from kfsreport.charts.figures import Charts, stand_in
from kfsreport.printing.printworker import PrintServer
from kfsreport.render import pages
from kfsreport.render.templates import b64
from tests.test_charts import with_charts

pytestmark = pytest.mark.xdist_group("check")


def _printer() -> PrintServer:
    printer = pipeline._kept
    assert printer is not None  # tests/conftest.py keeps one for the whole run
    return printer


def _entries(made: pipeline.Made, cache: Path) -> dict[str, bytes]:
    assert made.charts is not None
    return {path.relative_to(cache).as_posix(): data for path, data in made.charts.cache_entries.items()}


def _rendered_with(monkeypatch: pytest.MonkeyPatch) -> list[Charts]:
    """The charts each page is rendered with, from now on."""
    seen: list[Charts] = []
    real = pages.render_chapters

    def render_chapters(report, problems, charts=None, cache=None):  # type: ignore[no-untyped-def]
        seen.append(charts)
        return real(report, problems, charts, cache)

    monkeypatch.setattr(pages, "render_chapters", render_chapters)
    return seen


def test_the_demos_page_rendered_while_its_charts_are_drawn_is_the_page_rendered_after(
    make_project, tmp_path, monkeypatch
):
    root = make_project("demo")  # its charts include one drawn again with fewer labels
    after = pipeline.make(root, ["html"], cache=tmp_path / "efter")
    seen = _rendered_with(monkeypatch)
    during = pipeline.make(root, ["html"], cache=tmp_path / "under", printer=_printer())
    assert not after.problems.errors and not during.problems.errors
    assert len(seen) == 1 and seen[0].stand_ins and set(seen[0].stand_ins) <= set(seen[0].figures)
    assert during.document is not None and after.document is not None
    assert during.document.screen_html == after.document.screen_html
    assert "kfsreport-ritas" not in during.document.screen_html
    assert during.charts is not None and after.charts is not None and not during.charts.stand_ins
    assert {k: f.svg for k, f in during.charts.figures.items()} == {
        k: f.svg for k, f in after.charts.figures.items()
    }
    assert _entries(during, tmp_path / "under") == _entries(after, tmp_path / "efter")


def test_charts_the_print_process_fails_to_draw_are_drawn_here(make_project, tmp_path, monkeypatch):
    root = with_charts(make_project)
    after = pipeline.make(root, ["html"], cache=tmp_path / "efter")
    monkeypatch.setattr(PrintServer, "draw", lambda self, specs, fonts: None)
    during = pipeline.make(root, ["html"], cache=tmp_path / "under", printer=_printer())
    assert during.document is not None and after.document is not None
    assert during.document.screen_html == after.document.screen_html


def test_a_page_that_fails_while_its_charts_are_drawn_reports_and_keeps_them(make_project, tmp_path):
    root = with_charts(make_project)
    partial = root / "templates/partials/figure.html.j2"
    partial.parent.mkdir(parents=True)
    partial.write_text("<figure>{{ figure.svg | finnsinte }}</figure>\n", encoding="utf-8")
    made = pipeline.make(root, ["html"], cache=tmp_path / "cache", printer=_printer())
    assert made.report is not None  # valid: the page failed while the charts were drawn
    assert any("filtret 'finnsinte' finns inte" in str(error) for error in made.problems.errors)
    assert made.charts is not None and not made.charts.stand_ins
    assert sorted(made.charts.figures) == ["andel", "utfall"]
    assert all(
        f.svg.startswith("<svg") and "kfsreport-ritas" not in f.svg for f in made.charts.figures.values()
    )
    assert len(made.charts.cache_entries) == 2
    # The print process answered the drawing before it was let go: it answers the next request.
    assert _printer().draw([{"mark": "point"}], []) is not None


def test_a_chart_with_bad_data_is_reported_as_when_drawn_first(make_project, tmp_path):
    root = with_charts(make_project)
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,många\nLycksele,12\n", encoding="utf-8")
    after = pipeline.make(root, ["html"], cache=tmp_path / "efter")
    during = pipeline.make(root, ["html"], cache=tmp_path / "under", printer=_printer())
    assert [str(e) for e in during.problems.errors] == [str(e) for e in after.problems.errors]
    assert any("data/utfall.csv:2" in str(e) for e in during.problems.errors)


def test_a_stand_in_uses_every_base64_character_so_the_pages_fonts_are_the_same():
    for number in range(300):
        encoded = b64(stand_in(number))
        assert len(set(encoded)) == 65, number  # A–Z, a–z, 0–9, + and / and the padding =
    assert len({stand_in(number) for number in range(300)}) == 300
