"""The values inside a stacked bar's segments, the names of a part of a whole and the names
of many lines are measured in the drawn SVG like the axes' labels (`crowding.py`), and a
chart whose labels would not be readable is drawn so that they are."""

from __future__ import annotations

import re

import pandas as pd

from kfsreport.charts.crowding import bars, crowded, outside_segments, parts_crowded
from kfsreport.charts.figures import draw_apart, draw_here
from tests.test_chart_labels import FONTS, spec

SEGMENT_TEXTS = re.compile(r'<g class="mark-text role-mark delvarden_marks"[^>]*>(.*?)</g>', re.S)


def _drawn(chart, frame) -> str:
    return draw_apart([(chart, frame)], None, [FONTS], draw_here)[0]


def _segment_values(svg: str) -> list[str]:
    found = SEGMENT_TEXTS.search(svg)
    assert found, "the stacked bar's values are measured as their own layer"
    return [text for text in re.findall(r">([^<]+)</text>", found.group(1)) if text.strip()]


def test_a_vertical_stacked_bars_values_stand_inside_their_segments():
    """They stood at each segment's top, half in the next segment, and a value wider than
    its bar ran out over the white beside it."""
    chart = spec("stacked_bar", x="x", y="y", series="s", unit="%", orientation="vertical")
    frame = pd.DataFrame(
        {
            "x": ["Skola", "Vård", "Omsorg", "Kultur"] * 3,
            "s": ["a"] * 4 + ["b"] * 4 + ["c"] * 4,
            "y": [3, 40, 50, 20, 30, 55, 45, 9, 67, 5, 5, 71],
        }
    )
    svg = _drawn(chart, frame)
    assert outside_segments(svg) == []
    assert set(_segment_values(svg)) == {
        "30\u00a0%",
        "40\u00a0%",
        "50\u00a0%",
        "20\u00a0%",
        "55\u00a0%",
        "45\u00a0%",
        "9\u00a0%",
        "67\u00a0%",
        "71\u00a0%",
    }
    wide = spec("stacked_bar", x="x", y="y", series="s", unit="tkr", orientation="vertical")
    many = pd.DataFrame({"x": list("ABCDEFGH") * 2, "s": ["a"] * 8 + ["b"] * 8, "y": [12345, 23456] * 8})
    svg = _drawn(wide, many)
    assert outside_segments(svg) == [] and _segment_values(svg) == []  # wider than every bar


def test_a_stacked_segments_value_is_decided_by_the_width_the_bar_was_drawn_with():
    """Short names leave the bars about 300 px, not the 190 px the chart's size foretold:
    a 14 % segment (42 px) has room for its value, which was left out."""
    chart = spec("stacked_bar", x="x", y="y", series="s", unit="%")
    frame = pd.DataFrame({"x": ["A", "B"] * 2, "s": ["a", "a", "b", "b"], "y": [14, 50, 86, 50]})
    svg = _drawn(chart, frame)
    assert "14\u00a0%" in _segment_values(svg)
    assert outside_segments(svg) == []


def test_parts_whose_names_meet_beside_the_bar_are_listed_under_it():
    chart = spec("part_of_whole", x="x", y="y", unit="%")
    frame = pd.DataFrame(
        {
            "x": ["Kommunal verksamhet", "Regional verksamhet", "Privat sektor", "Statlig", "Ideell sektor"],
            "y": [40, 25, 20, 10, 5],
        }
    )
    svg = _drawn(chart, frame)
    assert not parts_crowded(svg) and crowded(svg) == []
    assert "delnamn_lista_marks" in svg
    for name in frame["x"]:
        assert name in svg
    # Two parts with room beside the bar keep their names there, over and under it.
    two = pd.DataFrame({"x": ["Kvinnor", "Män"], "y": [11, 89]})
    svg = _drawn(chart, two)
    assert "delnamn_over_marks" in svg and "delnamn_lista_marks" not in svg


def test_a_name_too_long_for_the_list_is_wrapped_inside_the_chart():
    chart = spec("part_of_whole", x="x", y="y", unit="%")
    name = "Kommunernas gemensamma verksamhet för kompetensförsörjning i hela länet"
    frame = pd.DataFrame({"x": [name, "Övrigt", "Annat", "Mer"], "y": [30, 30, 30, 10]})
    svg = _drawn(chart, frame)
    assert not parts_crowded(svg)
    right = max(box[2] for box in bars(svg))
    assert right > 250


def test_more_lines_than_the_height_can_name_get_a_legend_of_colours_and_symbols():
    """Twenty series: their names beside the lines' ends stood 16 px apart from the top
    down past the plot's bottom, each far from its line, and pushed the years off the axis."""
    chart = spec("line", x="x", y="y", series="s")
    frame = pd.DataFrame(
        {
            "x": [2020, 2021, 2022] * 20,
            "s": [f"Kommun {i}" for i in range(20) for _ in range(3)],
            "y": [i + j * 1.0 for i in range(20) for j in range(3)],
        }
    )
    svg = _drawn(chart, frame)
    assert "vardeetiketter_marks" not in svg
    legend = re.search(r'<g class="mark-group role-legend"(.*)', svg, re.S)
    assert legend is not None
    for i in range(20):
        assert f">Kommun {i}<" in legend.group(1)
    assert svg.count('class="mark-group role-legend"') == 1  # one legend: colour and symbol
    for year in ("2020", "2021", "2022"):
        assert f">{year}<" in svg
    few = frame[frame["s"].isin(["Kommun 1", "Kommun 2", "Kommun 3"])]
    assert "vardeetiketter_marks" in _drawn(chart, few)


def test_crowding_finds_values_outside_their_segments_and_parts_that_meet():
    segment = '<g class="mark-rect role-mark layer_0_marks"><path d="M0,0h30v20h-30Z"/></g>'
    text = (
        '<g class="mark-text role-mark delvarden_marks"><text text-anchor="middle" '
        'transform="translate(15,14)" font-size="14px" font-weight="600">{}</text></g>'
    )
    assert outside_segments(segment + text.format("5")) == []
    assert outside_segments(segment + text.format("12 345 tkr")) == ["12 345 tkr"]
    parts = (
        '<g class="mark-text role-mark delnamn_over_marks">'
        '<text text-anchor="start" transform="translate(0,-7)" font-size="14px">Kommunal verksamhet</text>'
        '<text text-anchor="start" transform="translate(40,-7)" font-size="14px">Privat</text></g>'
    )
    assert parts_crowded(segment.replace("h30", "h300") + parts)
    assert not parts_crowded(segment.replace("h30", "h300") + parts.replace("translate(40", "translate(200"))
    assert parts_crowded(segment + parts.replace("translate(40", "translate(200"))  # past the bar's end


def test_a_stacked_chart_with_a_value_still_outside_its_segment_is_drawn_without_them(monkeypatch):
    """The safety net under the measuring: whatever decided that a value fits, one drawn
    outside its segment leaves the chart without the segments' values (they are in its
    table and alt text)."""
    from kfsreport.charts import draw

    monkeypatch.setattr(draw, "segments_fit", lambda spec, data, *args, **kwargs: [True] * len(data))
    chart = spec("stacked_bar", x="x", y="y", series="s", unit="tkr", orientation="vertical")
    frame = pd.DataFrame({"x": list("ABCDEFGH") * 2, "s": ["a"] * 8 + ["b"] * 8, "y": [12345, 23456] * 8})
    svg = _drawn(chart, frame)
    assert outside_segments(svg) == [] and "delvarden_marks" not in svg
