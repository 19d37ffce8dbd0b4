"""A chart's numbers as a Vega-Lite spec (built with Altair) in the report's theme.

One theme for every chart: the report's font, a palette whose colours all reach 3:1
against white, white gaps between adjacent marks, and direct labels with the numbers
formatted the Swedish way (Babel), so no reading depends on colour alone.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from kfsreport import locale
from kfsreport.charts.spec import ChartSpec
from kfsreport.charts.svg import FONT

FONT_STACK = f"'{FONT}', sans-serif"
"""Quoted: an unquoted family name ending in a digit is not valid CSS, and browsers ignore it."""
PALETTE = ["#0b5563", "#c0560f", "#5b6b7b", "#7b3f98", "#2e7d32"]
INK = "#1c2329"
WIDTH = 560
LABEL = "_etikett"
STACK_ORDER = "_ordning"


def vega_lite(spec: ChartSpec, frame: pd.DataFrame) -> dict[str, Any]:
    """The Vega-Lite spec (a dict) for `spec` drawn from `frame`."""
    import altair as alt

    data = frame.copy()
    data[LABEL] = [value_label(spec, v) for v in data[spec.y]]
    if spec.type in ("bar", "grouped_bar", "stacked_bar") and not pd.api.types.is_datetime64_any_dtype(
        data[spec.x]
    ):
        data[spec.x] = [_wrap(str(v)) for v in data[spec.x]]
    for column in data.columns:
        if pd.api.types.is_datetime64_any_dtype(data[column]):
            data[column] = data[column].dt.strftime("%Y-%m-%d")
    if spec.type == "stacked_bar" and spec.series:
        # One stable stacking order, the series' first appearance, whatever order the rows have.
        first = {name: i for i, name in enumerate(pd.unique(data[spec.series]))}
        data[STACK_ORDER] = [first[name] for name in data[spec.series]]
    base = alt.Chart(data)
    draw = {
        "bar": _bar,
        "grouped_bar": _grouped,
        "stacked_bar": _stacked,
        "line": _line,
        "part_of_whole": _part_of_whole,
    }[spec.type]
    chart = draw(alt, base, spec, data)
    # Altair refuses more than 5 000 rows by default, to protect notebooks; the rows here come
    # from the report's own data file, already bounded by its size (datasets.MAX_DATA_BYTES).
    with alt.data_transformers.disable_max_rows():
        return dict(chart.configure(**_theme()).to_dict())


def value_label(spec: ChartSpec, value: Any) -> str:
    """A value as the text next to its mark: `6,9 %`, `+60 %`, `1 417 tkr`."""
    if pd.isna(value):
        return "–"
    decimals = spec.decimals if spec.decimals is not None else (0 if float(value).is_integer() else 1)
    return locale.with_unit(float(value), spec.unit, decimals, spec.signed)


def axis_format(spec: ChartSpec) -> dict[str, Any]:
    """d3 number format (with the Swedish locale) and the unit added to every axis label."""
    decimals = spec.decimals or 0
    axis: dict[str, Any] = {"format": f"{'+' if spec.signed else ''},.{decimals}f"}
    if decimals == 0:
        axis["tickMinStep"] = 1  # no repeated labels such as 0 1 1 2 for small counts
    if spec.unit:
        axis["labelExpr"] = f"datum.label + '\u00a0{spec.unit}'"
    return axis


def _theme() -> dict[str, Any]:
    text = {"labelFont": FONT_STACK, "titleFont": FONT_STACK, "labelColor": INK, "titleColor": INK}
    return {
        "font": FONT_STACK,
        "background": "white",
        "view": {"stroke": None},
        "axis": {
            **text,
            "labelFontSize": 12,
            "titleFontSize": 12,
            "titleFontWeight": 600,
            "gridColor": "#d5dde0",
            "domainColor": "#7c8a90",
            "tickColor": "#7c8a90",
        },
        "legend": {**text, "labelFontSize": 12, "titleFontSize": 12, "orient": "top", "title": None},
        "range": {"category": PALETTE},
        "bar": {"stroke": "white", "strokeWidth": 1.5},
        "text": {"font": FONT_STACK, "fontSize": 12, "color": INK},
    }


def _sort(spec: ChartSpec) -> Any:
    return {"data": None, "ascending": "ascending", "descending": "descending"}[spec.sort]


def _horizontal(spec: ChartSpec) -> bool:
    return spec.orientation != "vertical"


def _value(alt: Any, spec: ChartSpec, **extra: Any) -> Any:
    return (
        alt.X(f"{spec.y}:Q", title=spec.y_title, axis=alt.Axis(**axis_format(spec)), **extra)
        if _horizontal(spec)
        else alt.Y(f"{spec.y}:Q", title=spec.y_title, axis=alt.Axis(**axis_format(spec)), **extra)
    )


def _wrap(text: str, width: int = 24) -> str:
    """Break a long category name into lines (vl-convert cannot measure the report font,
    so it would otherwise cut the label short)."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _lines(categories: Any) -> int:
    return sum(str(c).count("\n") + 1 for c in categories)


def _category(alt: Any, spec: ChartSpec) -> Any:
    lines = {"labelExpr": "split(datum.label, '\\n')", "labelLimit": 0}
    axis = alt.Axis(ticks=False, domain=False, labelLineHeight=14, **lines)
    if _horizontal(spec):  # the labels say what the categories are; a rotated title only gets in the way
        return alt.Y(f"{spec.x}:N", title=None, sort=_sort(spec), axis=axis)
    return alt.X(f"{spec.x}:N", title=spec.x_title, sort=_sort(spec), axis=alt.Axis(labelAngle=0, **lines))


def _size(spec: ChartSpec, rows: int, lines: int = 1) -> dict[str, int]:
    """Room for each bar, and for every line of a wrapped category name."""
    if _horizontal(spec):
        return {"width": WIDTH - 200, "height": max(60, rows * 30 + lines * 14)}
    return {"width": WIDTH - 60, "height": 260}


def _bar(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame) -> Any:
    bars = base.mark_bar(color=PALETTE[0]).encode(_category(alt, spec), _value(alt, spec))
    layers = [bars]
    if spec.labels:
        if _horizontal(spec):
            # A negative value's label goes just right of zero, clear of the category labels.
            labelled = base.transform_calculate(_at=f"max(datum['{spec.y}'], 0)")
            layers.append(
                labelled.mark_text(align="left", dx=5).encode(
                    _category(alt, spec), alt.X("_at:Q"), text=f"{LABEL}:N"
                )
            )
        else:
            layers.append(
                base.mark_text(baseline="bottom", dy=-4).encode(
                    _category(alt, spec), alt.Y(f"{spec.y}:Q"), text=f"{LABEL}:N"
                )
            )
    return alt.layer(*layers).properties(**_size(spec, len(data), _lines(data[spec.x])))


def _grouped(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame) -> Any:
    series = alt.Color(f"{spec.series}:N", sort=None, legend=alt.Legend(orient="top"))
    offset = (
        alt.YOffset(f"{spec.series}:N", sort=None)
        if _horizontal(spec)
        else alt.XOffset(f"{spec.series}:N", sort=None)
    )
    bars = base.mark_bar().encode(_category(alt, spec), _value(alt, spec), series, offset)
    layers = [bars]
    if spec.labels:
        if _horizontal(spec):
            text = base.mark_text(align="left", dx=5).encode(
                _category(alt, spec), alt.X(f"{spec.y}:Q"), offset, text=f"{LABEL}:N"
            )
        else:
            text = base.mark_text(baseline="bottom", dy=-3).encode(
                _category(alt, spec), alt.Y(f"{spec.y}:Q"), offset, text=f"{LABEL}:N"
            )
        layers.append(text)
    groups = data[spec.series].nunique()
    size = _size(spec, len(data[spec.x].unique()) * groups, _lines(data[spec.x].unique()))
    return alt.layer(*layers).properties(**size)


def _stacked(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame) -> Any:
    series = alt.Color(f"{spec.series}:N", sort=None, legend=alt.Legend(orient="top"))
    order = alt.Order(f"{STACK_ORDER}:Q")
    ordered = base
    bars = ordered.mark_bar().encode(_category(alt, spec), _value(alt, spec, stack="zero"), series, order)
    layers = [bars]
    if spec.labels:
        position = (
            alt.X(f"{spec.y}:Q", stack="zero", bandPosition=0.5)
            if _horizontal(spec)
            else alt.Y(f"{spec.y}:Q", stack="zero")
        )
        layers.append(
            ordered.transform_filter(f"datum['{spec.y}'] > 0")
            .mark_text(color="white", fontWeight=600, xOffset=-10 if _horizontal(spec) else 0)
            .encode(_category(alt, spec), position, order, text=f"{LABEL}:N")
        )
    categories = data[spec.x].unique()
    return alt.layer(*layers).properties(**_size(spec, len(categories), _lines(categories)))


def _line(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame) -> Any:
    temporal = spec.columns.get(spec.x) == "date"
    if temporal:  # monthly ticks named the Swedish way: "jan 2025"
        axis = alt.Axis(labelAngle=0, format="%b %Y", tickCount={"interval": "month", "step": 1})
        x = alt.X(f"yearmonth({spec.x}):T", title=spec.x_title, axis=axis)
    else:
        x = alt.X(f"{spec.x}:O", title=spec.x_title, axis=alt.Axis(labelAngle=0))
    y = alt.Y(f"{spec.y}:Q", title=spec.y_title, axis=alt.Axis(**axis_format(spec)))
    encodings: list[Any] = [x, y]
    if spec.series:
        encodings += [
            alt.Color(f"{spec.series}:N", sort=None, legend=None),
            alt.Shape(f"{spec.series}:N", legend=None),
        ]
    line = base.mark_line(point={"size": 60, "filled": True}, strokeWidth=2.5).encode(*encodings)
    layers = [line if spec.series else line.encode(color=alt.value(PALETTE[0]))]
    if spec.series:
        last = base.transform_window(
            _sista="rank()", sort=[alt.SortField(spec.x, order="descending")], groupby=[spec.series]
        )
        layers.append(
            last.transform_filter("datum._sista == 1")
            .mark_text(align="left", dx=8, fontWeight=600)
            .encode(x, y, alt.Color(f"{spec.series}:N", sort=None, legend=None), text=f"{spec.series}:N")
        )
    return alt.layer(*layers).properties(width=WIDTH - 160, height=260)


def _part_of_whole(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame) -> Any:
    total = float(data[spec.y].sum()) or 1.0
    data = data.assign(_start=data[spec.y].cumsum().shift(fill_value=0) / total * 100)
    data["_text"] = [f"{name} {label}" for name, label in zip(data[spec.x], data[LABEL], strict=True)]
    data["_rad"] = ["över" if i % 2 == 0 else "under" for i in range(len(data))]
    whole = alt.Chart(data)
    colour = alt.Color(f"{spec.x}:N", sort=None, legend=None)
    bars = whole.mark_bar(height=36).encode(
        alt.X(f"{spec.y}:Q", stack="normalize", axis=None, title=None), colour, alt.Order("_start:Q")
    )
    above = whole.transform_filter("datum._rad == 'över'").mark_text(
        align="left", baseline="bottom", y=-4, fontWeight=600
    )
    below = whole.transform_filter("datum._rad == 'under'").mark_text(
        align="left", baseline="top", y=44, fontWeight=600
    )
    labels = [
        mark.encode(alt.X("_start:Q", scale=alt.Scale(domain=[0, 100]), axis=None), text="_text:N")
        for mark in (above, below)
    ]
    bar = bars.properties(width=WIDTH - 40, height=40)
    return alt.layer(bar, *labels).resolve_scale(x="independent").properties(width=WIDTH - 40, height=40)
