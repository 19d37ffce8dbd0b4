"""The chart-height check follows the page, margins and chart width the report prints with
(`render/printroom.py`), counts the figure's top margin (a figure that does not fit is split
from its caption), and runs once per build, where the PDF is decided."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kfsreport import pipeline
from kfsreport.render import printroom
from kfsreport.render.printroom import print_room
from kfsreport.render.templates import PACKAGE_TEMPLATES, template_dirs
from tests.test_charts import errors_of, with_charts

PRINT_CSS = (PACKAGE_TEMPLATES / "css/print.css").read_text(encoding="utf-8")


def own_print_css(root: Path, old: str, new: str) -> None:
    """The report's own templates/css/print.css: the package's with `old` replaced by `new`."""
    assert old in PRINT_CSS
    (root / "templates/css").mkdir(parents=True, exist_ok=True)
    (root / "templates/css/print.css").write_text(PRINT_CSS.replace(old, new), encoding="utf-8")


def municipalities(root: Path, count: int, long_name: bool = False) -> None:
    names = [f"Kommun {number}" for number in range(count)]
    if long_name:  # wraps to two lines beside its bar: the chart grows by a line
        names[3] = "Kommunen med ett långt namn"
    rows = "".join(f"{name},{number}\n" for number, name in enumerate(names))
    (root / "data/utfall.csv").write_text("Kommun,Utfall\n" + rows, encoding="utf-8")


def test_the_package_s_stylesheet_gives_a4_s_type_area_less_the_figure_s_top_margin(make_project):
    dirs = template_dirs(make_project("minimal"))
    room = print_room(dirs, duplex=False)
    assert room.chart_width_mm == pytest.approx(77.1)
    assert room.figure_mm == pytest.approx(297 - 24 - 24 - 5)
    assert print_room(dirs, duplex=True) == room


def test_a_chart_that_fits_a_page_but_not_with_its_figure_s_margin_is_refused(make_project):
    """21 bars, one name on two lines: 244,2 mm, whole on its page, its caption alone at the
    foot of the page before (seen in a PDF); the figure needs 249,2 mm of the 249."""
    root = with_charts(make_project)
    municipalities(root, 21, long_name=True)
    errors = errors_of(root)
    assert len(errors) == 1
    expected = r"data/charts.yaml:2: diagrammet 'utfall' blir 245 mm högt .* högst 244 mm, så figurtexten"
    assert re.match(expected, errors[0])
    municipalities(root, 21)  # 240 mm: the figure fits (seen whole with its caption)
    pipeline.make(root, ["html", "pdf"], cache=None).problems.raise_if_any()


def test_a_report_s_own_page_size_and_chart_width_decide(make_project):
    root = with_charts(make_project)
    municipalities(root, 20)
    pipeline.make(root, ["html", "pdf"], cache=None).problems.raise_if_any()  # fits on A4
    own_print_css(root, "size: A4;", "size: A5;")
    assert "högst 157 mm" in errors_of(root)[0]  # 210 - 48 - 5: refused, not cut
    own_print_css(root, "size: A4;", "size: letter;")
    assert "högst 226 mm" in errors_of(root)[0]
    municipalities(root, 30)  # 343 mm at 77,1 mm wide
    assert "blir 341 mm" in errors_of(root)[0]
    # Drawn narrower (through a custom property), the same chart fits: not refused wrongly.
    own_print_css(root, "width: 77.1mm;", "width: var(--smal);")
    css = (root / "templates/css/print.css").read_text(encoding="utf-8")
    (root / "templates/css/print.css").write_text(css + "\n:root { --smal: 50mm; }\n", encoding="utf-8")
    assert print_room(template_dirs(root), duplex=False).chart_width_mm == pytest.approx(50)
    pipeline.make(root, ["html", "pdf"], cache=None).problems.raise_if_any()


def test_margins_from_a_report_s_page_rules_and_media_print(make_project):
    root = make_project("minimal")
    own_print_css(
        root,
        "figure.chart { break-inside: avoid; margin: 5mm 0 6mm;",
        "figure.chart { break-inside: avoid; margin: 1cm 0 6mm;",
    )
    css = (root / "templates/css/print.css").read_text(encoding="utf-8")
    extra = "@media print { @page chapter:left { margin: 30mm 20mm } }\n@page cover { margin: 0 }\n"
    (root / "templates/css/print.css").write_text(css + extra, encoding="utf-8")
    assert print_room(template_dirs(root), duplex=False).figure_mm == pytest.approx(297 - 60 - 10)


def test_a_build_of_both_editions_checks_the_charts_heights_once(make_project, monkeypatch):
    root = with_charts(make_project)
    calls = []

    def counted(dirs: list[Path], duplex: bool) -> printroom.PrintRoom:
        calls.append(duplex)
        return print_room(dirs, duplex)

    monkeypatch.setattr(printroom, "print_room", counted)
    pipeline.make(root, ["html", "pdf"], cache=None).problems.raise_if_any()
    assert calls == [False]
    calls.clear()
    (root / "report.yaml").write_text(
        (root / "report.yaml").read_text(encoding="utf-8") + "formats: [html]\n", encoding="utf-8"
    )
    pipeline.make(root, None, cache=None).problems.raise_if_any()
    assert calls == []  # no PDF: nothing to check
