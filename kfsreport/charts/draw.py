"""A chart's numbers as a Vega-Lite spec (built with Altair) in the report's theme.

One theme for every chart: the report's font, a palette whose colours all reach 3:1
against white, white gaps between adjacent marks, and direct labels with the numbers
formatted the Swedish way (Babel), so no reading depends on colour alone.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from kfsreport.charts.spec import ChartSpec
from kfsreport.charts.svg import FONT
from kfsreport.render import locale

FONT_STACK = f"'{FONT}', sans-serif"
"""Quoted: an unquoted family name ending in a digit is not valid CSS, and browsers ignore it."""
PALETTE = ["#0b5563", "#c0560f", "#5b6b7b", "#7b3f98", "#2e7d32"]
INK = "#1c2329"
WIDTH = 340
"""Every chart's full width in px, labels included: narrow enough for a 375 px phone to show it
at full size, so its 14 px text stays 14 px; print.css prints it at a fixed width where 14 px
is 9 pt."""
TEXT = 14
"""Chart text in px."""
LINE = TEXT + 3
"""The distance between the lines of a category name in px."""
UPRIGHT_WRAP: tuple[int | None, ...] = (18, 10, 6, None)
"""Characters a line of a category name under vertical bars, one step per drawing in which
names met; at the last step the names stand upright on one line."""
UNIT_TO_TITLE = 2
"""The drawing (`fewer`) from which a crowded value axis names its unit in its title."""
VALUES_UPRIGHT = 3
"""The drawing (`fewer`) from which the values over vertical bars stand upright, one bar wide,
when they met each other or the value axis's labels (long amounts over narrow bars)."""
VALUES = "vardeetiketter"
"""The name of the layer of text beside the marks (values, the series' names at a line's end),
which `crowding.py` measures with the axes' labels (its marks' class is `VALUES_marks`)."""
SEGMENTS = "delvarden"
"""The layer of values inside a stacked bar's segments (its marks' class is `SEGMENTS_marks`),
which `crowding.py` measures against the segments drawn."""
PARTS = "delnamn"
"""The layers of names and values of a part of a whole (`PARTS_over`, `PARTS_under`, or
`PARTS_lista` when they are listed under the bar), which `crowding.py` measures."""
PARTS_LISTED = 1
"""The drawing (`fewer`) from which a part of a whole lists its parts under the bar, one a
line after a square of its colour, because their names met beside the bar."""
Room = tuple[float, float]
"""A stacked bar's room as drawn: px per unit of the values, and the bars' thickness in px."""
ZERO_ONLY = 5
"""The drawing (`fewer`) from which a value axis whose labels still meet labels only its
zero, its grid lines still drawn, when every bar carries its value."""
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
"""Months between a line chart's time-axis labels, the first that keeps them apart."""
LABEL = "_etikett"
STACK_ORDER = "_ordning"


def vega_lite(
    spec: ChartSpec,
    frame: pd.DataFrame,
    colours: list[str] | None = None,
    fewer: int = 0,
    *,
    validate: bool = False,
    room: Room | None = None,
) -> dict[str, Any]:
    """The Vega-Lite spec (a dict) for `spec` drawn from `frame` in `colours` (the theme's palette).

    `room`: a stacked bar's room measured in its drawing at the same step, from which each
    segment's value is written only where it fits (`segments_fit`; else estimated).

    `fewer` thins the axes' labels, a step at a time, when a drawing showed two of them
    meeting (`crowding.py`): fewer value ticks, months further apart on a line chart's time
    axis, every second (third …) year on an ordinal one, narrower category names under
    vertical bars.

    `validate`: Altair checks the whole spec against the Vega-Lite schema, a quarter of the
    time this function takes (jsonschema, at each drawing); the specs this function makes are
    checked so for every kind of chart and every thinning step by tests/test_charts.py, and a
    build does not check them again: nor does Altair check each part as it is made (its
    debug mode, on unless `validate` is off). Channels are given as objects (`alt.Text(…)`,
    `alt.ColorValue(…)`), never as text or dicts, which Altair would first look up among all
    its schema classes. The spec is the same either way (tests/test_charts.py)."""
    from altair.utils.schemapi import debug_mode

    with debug_mode(validate):
        return _vega_lite(spec, frame, colours, fewer, validate, room)


def _vega_lite(
    spec: ChartSpec,
    frame: pd.DataFrame,
    colours: list[str] | None,
    fewer: int,
    validate: bool,
    room: Room | None = None,
) -> dict[str, Any]:
    import altair as alt

    data = frame.copy()
    labelled = spec.model_copy(update={"unit": None}) if unit_title(spec, fewer) else spec
    data[LABEL] = [value_label(labelled, v) for v in data[spec.y]]
    if spec.type == "stacked_bar":  # blanked, not left out: the labels' stack needs every row
        fits = segments_fit(spec, frame, fewer, room)
        data[LABEL] = [label if fit else "" for label, fit in zip(data[LABEL], fits, strict=True)]
    if spec.type in ("bar", "grouped_bar", "stacked_bar") and not pd.api.types.is_datetime64_any_dtype(
        data[spec.x]
    ):
        width = 18 if _horizontal(spec) else UPRIGHT_WRAP[min(fewer, len(UPRIGHT_WRAP) - 1)]
        data[spec.x] = [_wrap(str(v), width) for v in data[spec.x]]
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
        "key_number": _key_number,
    }[spec.type]
    palette = colours or PALETTE
    chart = draw(alt, base, spec, data, palette, fewer)
    # The whole chart, labels included, is WIDTH px wide (see WIDTH).
    fit = alt.AutoSizeParams(type="fit-x", contains="padding")
    chart = chart.properties(width=WIDTH, autosize=fit)
    # Altair refuses more than 5 000 rows by default, to protect notebooks; the rows here come
    # from the report's own data file, already bounded by its size (datasets.MAX_DATA_BYTES).
    with alt.data_transformers.disable_max_rows():
        return dict(chart.configure(**_theme(palette)).to_dict(validate=validate))


def value_label(spec: ChartSpec, value: Any) -> str:
    """A value as the text next to its mark: `6,9 %`, `+60 %`, `1 417 tkr`."""
    if pd.isna(value):
        return "–"
    decimals = spec.decimals if spec.decimals is not None else (0 if float(value).is_integer() else 1)
    return locale.with_unit(float(value), spec.unit, decimals, spec.signed)


def axis_format(spec: ChartSpec, ticks: list[float], fewer: int = 0) -> dict[str, Any]:
    """d3 number format (with the Swedish locale) with as many decimals as the `ticks` need,
    and the unit added to every axis label unless the axis has a title (which then names
    it), or the labels met when drawn with it (`unit_title`)."""
    decimals = next(d for d in range(4) if all(round(t, d) == round(t, 10) for t in ticks) or d == 3)
    axis: dict[str, Any] = {"format": f"{'+' if spec.signed else ''},.{decimals}f"}
    if decimals == 0:
        axis["tickMinStep"] = 1  # no repeated labels such as 0 1 1 2 for small counts
    label = "(datum.value == 0 ? '0' : datum.label)" if spec.signed else "datum.label"
    if spec.unit and not spec.y_title and not unit_title(spec, fewer):
        axis["labelExpr"] = f"{label} + '\u00a0{spec.unit}'"
    elif spec.signed:
        axis["labelExpr"] = label
    return axis


def _theme(palette: list[str]) -> dict[str, Any]:
    text = {"labelFont": FONT_STACK, "titleFont": FONT_STACK, "labelColor": INK, "titleColor": INK}
    return {
        "font": FONT_STACK,
        "background": "white",
        "view": {"stroke": None},
        "axis": {
            **text,
            "labelFontSize": TEXT,
            "titleFontSize": TEXT,
            "titleFontWeight": 600,
            "gridColor": "#d5dde0",
            "domainColor": "#7c8a90",
            "tickColor": "#7c8a90",
            "labelOverlap": False,  # the value axis has few ticks (value_ticks); show every one
        },
        "legend": {
            **text,
            "labelFontSize": TEXT,
            "titleFontSize": TEXT,
            "labelLimit": 0,
            "orient": "top",
            "direction": "vertical",
            "title": None,
        },
        "range": {"category": palette},
        "bar": {"stroke": "white", "strokeWidth": 1.5},
        "text": {"font": FONT_STACK, "fontSize": TEXT, "color": INK},
    }


def _sort(spec: ChartSpec) -> Any:
    """The categories in the frame's order: `sort:` has ordered its rows by value
    (`compute.sorted_by_value`)."""
    return None


def _horizontal(spec: ChartSpec) -> bool:
    """Bars run left to right (the value axis is across); a line's values run up."""
    return spec.orientation != "vertical" and spec.type != "line"


def value_ticks(spec: ChartSpec, data: pd.DataFrame, fewer: int = 0) -> list[float]:
    """The value axis's labelled ticks: at most four or five across a narrow horizontal axis
    (six up a vertical one), `fewer` intervals less for a chart whose labels met when drawn
    (`crowding.py`), always including zero, from the smallest to a tick past the largest bar
    (the stacked total for a stacked chart), so no bar ends on or beyond the last label and
    no label is dropped for overlapping."""
    import math

    values = data[spec.y].fillna(0)
    if spec.type == "stacked_bar":
        high = float(values.clip(lower=0).groupby(data[spec.x]).sum().max())
        low = float(values.clip(upper=0).groupby(data[spec.x]).sum().min())
    else:
        high, low = float(values.max()), float(values.min())
    high, low = max(high, 0.0), min(low, 0.0)
    if spec.type == "stacked_bar" and spec.unit == "%" and low == 0 and abs(high - 100) < 0.5:
        high = 99.999  # shares of a whole (a survey's answers): the axis ends at 100 %, not 150 %
    span = (high - low) or 1.0
    narrow = _horizontal(spec)  # a value axis about 160 px wide
    most = max((3 if spec.unit and not spec.y_title else 4) if narrow else 5, 1) - fewer
    most = max(most, 2 if low < 0 < high else 1)
    magnitude = 10 ** math.floor(math.log10(span / most))
    whole = spec.decimals == 0 or (spec.decimals is None and bool((values % 1 == 0).all()))
    for m in (1, 2, 2.5, 5, 10, 20, 25, 50):
        step = max(m * magnitude, 1.0) if whole else m * magnitude
        if whole and step % 1:
            continue
        first = math.floor(low / step) * step
        if low < 0 and first == low:
            first -= step
        last = math.floor(high / step + 1) * step if high > 0 else 0.0
        if (last - first) / step <= most + 0.01:
            break
    count = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(count + 1)]


def _axis(alt: Any, spec: ChartSpec, data: pd.DataFrame, fewer: int) -> Any:
    """The value axis, the same for every layer (layers' axes are merged, and a layer without
    these settings would bring back Vega's dropping of every other label)."""
    ticks = value_ticks(spec, data, fewer)
    axis = axis_format(spec, ticks, fewer)
    if fewer >= ZERO_ONLY and spec.labels:  # the bars carry their values; the axis its zero
        axis["labelExpr"] = "datum.value == 0 ? '0' : ''"
    return alt.Axis(values=ticks, labelOverlap=False, **axis)


def _value(
    alt: Any, spec: ChartSpec, data: pd.DataFrame, fewer: int, field: str | None = None, **extra: Any
) -> Any:
    """The value channel of `field` (the values' column unless given): scale, axis and title."""
    ticks = value_ticks(spec, data, fewer)
    scale = alt.Scale(domain=[ticks[0], ticks[-1]], nice=False, zero=True)
    axis = _axis(alt, spec, data, fewer)
    channel = alt.X if _horizontal(spec) else alt.Y
    title = (spec.y_title or spec.unit) if unit_title(spec, fewer) else spec.y_title
    return channel(f"{field or spec.y}:Q", title=title, axis=axis, scale=scale, **extra)


def unit_title(spec: ChartSpec, fewer: int) -> bool:
    """True if the unit moves from every value label (on the axis and beside the bars) to
    the axis title (or is left to the chart's own axis title, which names it): the labels
    met even with three ticks (long amounts, a long unit). A key number or a part of a
    whole keeps its unit. A line chart names a unit that is a word (`invånare`, `personer`)
    in the axis title from the start: on every value label it took so much of the width
    that, beside the series' names, the lines were squeezed into a sliver."""
    bars = spec.type not in ("key_number", "part_of_whole")
    word = spec.type == "line" and len(spec.unit or "") > 3
    return bool(bars and spec.unit and (fewer >= UNIT_TO_TITLE or word))


def _wrap(text: str, width: int | None = 18) -> str:
    """Break a long category name into lines between words (vl-convert cannot measure the
    report font, so it would otherwise cut the label short); `None`: one line."""
    if width is None:
        return text
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _category(alt: Any, spec: ChartSpec, fewer: int) -> Any:
    lines = {"labelExpr": "split(datum.label, '\\n')", "labelLimit": 0}
    # A name of several lines is centred on its bar (Vega puts its first line there).
    centred = {"expr": f"-(length(split(datum.label, '\\n')) - 1) * {LINE / 2}"}
    axis = alt.Axis(ticks=False, domain=False, labelLineHeight=LINE, labelOffset=centred, **lines)
    if _horizontal(spec):  # the labels say what the categories are; a rotated title only gets in the way
        # Room above the first and below the last bar for a label of several lines.
        scale = alt.Scale(paddingOuter=0.45)
        return alt.Y(f"{spec.x}:N", title=None, sort=_sort(spec), axis=axis, scale=scale)
    # Under vertical bars, names narrower at each step, and turned upright when even single
    # words meet (UPRIGHT_WRAP).
    angle = 0 if fewer < len(UPRIGHT_WRAP) - 1 else -90
    return alt.X(
        f"{spec.x}:N", title=spec.x_title, sort=_sort(spec), axis=alt.Axis(labelAngle=angle, **lines)
    )


def _size(spec: ChartSpec, rows: int, names: Any) -> dict[str, int]:
    """Room for each bar, and for every line of a wrapped category name (`names`, each once),
    so that the longest name, centred on its bars, stays clear of its neighbours'."""
    if _horizontal(spec):
        counts = [str(name).count("\n") + 1 for name in names]
        least = (len(counts) + 1) * (max(counts, default=1) * LINE + 6)
        return {"width": WIDTH - 150, "height": max(60, rows * 32 + sum(counts) * LINE, least)}
    return {"width": WIDTH - 60, "height": 260}


def _bar(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, palette: list[str], fewer: int) -> Any:
    bars = base.mark_bar(color=palette[0]).encode(_category(alt, spec, fewer), _value(alt, spec, data, fewer))
    layers = [bars]
    if spec.labels:
        if _horizontal(spec):
            # A negative value's label goes just right of zero, clear of the category labels.
            labelled = base.transform_calculate(_at=f"max(datum['{spec.y}'], 0)")
            layers.append(
                labelled.mark_text(align="left", dx=5)
                .encode(
                    _category(alt, spec, fewer),
                    alt.X("_at:Q", axis=_axis(alt, spec, data, fewer)),
                    text=alt.Text(f"{LABEL}:N"),
                )
                .properties(name=VALUES)
            )
        else:
            layers.append(
                _over_bars(alt, base, spec, data, fewer, dy=-4).encode(
                    _category(alt, spec, fewer), text=alt.Text(f"{LABEL}:N")
                )
            )
    return alt.layer(*layers).properties(**_size(spec, len(data), data[spec.x]))


def _over_bars(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, fewer: int, dy: int) -> Any:
    """The values over vertical bars, named `VALUES`: across, centred over each bar, or from
    `VALUES_UPRIGHT` on, upright from the bar's top (a negative bar's from zero), as wide as
    a line of text."""
    if fewer < VALUES_UPRIGHT:
        mark = base.mark_text(baseline="bottom", dy=dy)
        return mark.encode(alt.Y(f"{spec.y}:Q", axis=_axis(alt, spec, data, fewer))).properties(name=VALUES)
    at = base.transform_calculate(_at=f"max(datum['{spec.y}'], 0)")
    mark = at.mark_text(angle=270, align="left", baseline="middle", dx=-dy)
    return mark.encode(alt.Y("_at:Q", axis=_axis(alt, spec, data, fewer))).properties(name=VALUES)


def _grouped(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, palette: list[str], fewer: int) -> Any:
    series = alt.Color(f"{spec.series}:N", sort=None, legend=alt.Legend(orient="top"))
    # One row per category (outcome for past years, a forecast, next year's budget): each bar
    # in its series' colour where the category is, not shifted to its series' slot beside
    # empty ones.
    single = not data[spec.x].duplicated().any()
    offset = (
        alt.YOffset(f"{spec.series}:N", sort=None)
        if _horizontal(spec)
        else alt.XOffset(f"{spec.series}:N", sort=None)
    )
    channels = [series] if single else [series, offset]
    bars = base.mark_bar().encode(_category(alt, spec, fewer), _value(alt, spec, data, fewer), *channels)
    layers = [bars]
    if spec.labels:
        if _horizontal(spec):
            text = base.mark_text(align="left", dx=5).encode(
                _category(alt, spec, fewer),
                alt.X(f"{spec.y}:Q", axis=_axis(alt, spec, data, fewer)),
                *channels[1:],
                text=alt.Text(f"{LABEL}:N"),
            )
            text = text.properties(name=VALUES)
        else:
            text = _over_bars(alt, base, spec, data, fewer, dy=-3).encode(
                _category(alt, spec, fewer), *channels[1:], text=alt.Text(f"{LABEL}:N")
            )
        layers.append(text)
    groups = 1 if single else data[spec.series].nunique()
    size = _size(spec, len(data[spec.x].unique()) * groups, data[spec.x].unique())
    return alt.layer(*layers).properties(**size)


def _stacked(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, palette: list[str], fewer: int) -> Any:
    series = alt.Color(f"{spec.series}:N", sort=None, legend=alt.Legend(orient="top"))
    order = alt.Order(f"{STACK_ORDER}:Q")
    ordered = base
    bars = ordered.mark_bar().encode(
        _category(alt, spec, fewer), _value(alt, spec, data, fewer, stack="zero"), series, order
    )
    layers = [bars]
    if spec.labels:
        channel = alt.X if _horizontal(spec) else alt.Y
        position = channel(f"{spec.y}:Q", stack="zero", bandPosition=0.5, axis=_axis(alt, spec, data, fewer))
        layers.append(
            ordered.transform_filter(f"datum['{spec.y}'] > 0")
            .mark_text(color="white", fontWeight=600, baseline="middle")
            .encode(_category(alt, spec, fewer), position, order, text=alt.Text(f"{LABEL}:N"))
            .properties(name=SEGMENTS)
        )
    categories = data[spec.x].unique()
    return alt.layer(*layers).properties(**_size(spec, len(categories), categories))


def segments_fit(spec: ChartSpec, data: pd.DataFrame, fewer: int, room: Room | None = None) -> list[bool]:
    """For each segment of a stacked bar, whether its value's label fits inside it, with room
    to spare on every side: a 2 % answer in a survey's stacked bar had its label cut by the
    next segment. `room` is the bars' scale and thickness as drawn (`figures`, measured in
    the SVG); without it they are estimated from the chart's size (`_size`), which the
    drawing may change. A segment without a label still has its value in the chart's table
    and alt text."""
    from kfsreport.charts.measure import text_width

    labelled = spec.model_copy(update={"unit": None}) if unit_title(spec, fewer) else spec
    labels = [value_label(labelled, v) for v in data[spec.y]]
    if room is None:
        ticks = value_ticks(spec, data, fewer)
        span = (ticks[-1] - ticks[0]) or 1.0
        length = _size(spec, 1, [""])["width"] if _horizontal(spec) else 260
        room = (length / span, float(WIDTH))
    scale, thickness = room
    fits = []
    for value, label in zip(data[spec.y].fillna(0), labels, strict=True):
        wide = text_width(label, TEXT, 600) + 6
        along, across = (wide, TEXT + 2) if _horizontal(spec) else (TEXT + 4, wide)
        fits.append(abs(float(value)) * scale >= along and thickness >= across)
    return fits


def measured_room(
    spec: ChartSpec, data: pd.DataFrame, bars: list[tuple[float, float, float, float]]
) -> Room | None:
    """A stacked bar's room as drawn, from its segments' boxes in the SVG (`crowding.bars`):
    the px a unit of the values takes along the bars, and the bars' thickness; None if
    nothing was drawn."""
    total = float(data[spec.y].fillna(0).abs().sum())
    if not bars or not total:
        return None
    along = [(right - left) if _horizontal(spec) else (bottom - top) for left, top, right, bottom in bars]
    across = [(bottom - top) if _horizontal(spec) else (right - left) for left, top, right, bottom in bars]
    return sum(along) / total, min(across)


def _line(alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, palette: list[str], fewer: int) -> Any:
    temporal = spec.columns.get(spec.x) == "date"
    if temporal:  # monthly ticks named the Swedish way: "jan 2025", further apart if they meet
        months = MONTH_STEPS[min(fewer, len(MONTH_STEPS) - 1)]
        axis = alt.Axis(labelAngle=0, format="%b %Y", tickCount={"interval": "month", "step": months})
        x = alt.X(f"yearmonth({spec.x}):T", title=spec.x_title, axis=axis)
    else:  # every category, or every second, third … if their names meet
        shown = _ordered(data[spec.x])[:: fewer + 1]
        x = alt.X(f"{spec.x}:O", title=spec.x_title, axis=alt.Axis(labelAngle=0, values=shown))
    y = _value(alt, spec, data, fewer)
    encodings: list[Any] = [x, y]
    named = bool(spec.series) and names_fit(spec, data)
    if spec.series:
        encodings += [
            alt.Color(f"{spec.series}:N", sort=None, legend=None),
            alt.Shape(f"{spec.series}:N", legend=None),
        ]
    if spec.series and not named:
        # The legend of colours and symbols comes from the points, drawn as a layer of their
        # own: a line's points give a legend of colours and another of symbols.
        legend = _series_legend(alt, data[spec.series])
        keys = [
            alt.Color(f"{spec.series}:N", sort=None, legend=legend),
            alt.Shape(f"{spec.series}:N", sort=None, legend=legend),
        ]
        lines = base.mark_line(strokeWidth=2.5).encode(*encodings)
        points = base.mark_point(size=60, filled=True, opacity=1).encode(x, y, *keys)
        both = alt.layer(lines, points).resolve_scale(color="independent", shape="independent")
        return both.properties(width=WIDTH - 160, height=LINE_HEIGHT)
    line = base.mark_line(point={"size": 60, "filled": True}, strokeWidth=2.5).encode(*encodings)
    layers = [line if spec.series else line.encode(color=alt.ColorValue(palette[0]))]
    if named:
        ticks = value_ticks(spec, data, fewer)
        ends = alt.Chart(_line_ends(spec, data, ticks[0], ticks[-1]))
        at = _value(alt, spec, data, fewer, NAME_AT)
        layers.append(
            ends.mark_text(align="left", dx=8, fontWeight=600)
            .encode(
                x,
                at,
                alt.Color(f"{spec.series}:N", sort=None, legend=None),
                text=alt.Text(f"{spec.series}:N"),
            )
            .properties(name=VALUES)
        )
    return alt.layer(*layers).properties(width=WIDTH - 160, height=LINE_HEIGHT)


LINE_HEIGHT = 260
"""A line chart's plot height in px."""


def names_fit(spec: ChartSpec, data: pd.DataFrame) -> bool:
    """Whether the series' names fit beside their lines' ends, a line of text each up the
    plot's height (`_line_ends`); more series ending at one x than that (about 16) are named
    in a legend of colours and symbols above the chart instead."""
    rows = data.dropna(subset=[spec.y])
    ends = rows.sort_values(spec.x, kind="stable").groupby(spec.series, sort=False).tail(1)
    most = int(ends.groupby(spec.x, sort=False).size().max()) if len(ends) else 0
    return most * (TEXT + 2) <= LINE_HEIGHT


def _series_legend(alt: Any, names: pd.Series) -> Any:
    """A legend of every series' colour and symbol, in two columns when the names are short."""
    from kfsreport.charts.measure import text_width

    widest = max((text_width(str(name), TEXT) for name in pd.unique(names)), default=0.0)
    return alt.Legend(orient="top", columns=2 if widest <= WIDTH / 2 - 40 else 1, symbolLimit=0)


NAME_AT = "_namn_vid"
"""Where a series' name stands beside its line's last point (`_line_ends`)."""


def _line_ends(spec: ChartSpec, data: pd.DataFrame, low: float, high: float) -> pd.DataFrame:
    """Each series' last point (the latest x), with the height its name stands at: the point's,
    moved up or down just enough that no two names at the same x meet (a line of text apart,
    within the plot), so that lines ending close together are still told apart by name."""
    rows = data.dropna(subset=[spec.y])
    ends = rows.sort_values(spec.x, kind="stable").groupby(spec.series, sort=False).tail(1).copy()
    span = (high - low) or 1.0
    apart = (TEXT + 2) * span / LINE_HEIGHT  # a line of text, in the values' units
    at: dict[Any, float] = {}
    for _, group in ends.groupby(spec.x, sort=False):
        order = group[spec.y].astype(float).sort_values(kind="stable")
        heights = _spread(list(order), apart, low, high)
        at.update(zip(order.index, heights, strict=True))
    ends[NAME_AT] = [at[index] for index in ends.index]
    return ends


def _spread(values: list[float], apart: float, low: float, high: float) -> list[float]:
    """`values` (ascending) moved up just enough that each is `apart` from the one below (the
    lowest half of that above `low`, clear of the axis's labels under the plot), and if that
    pushed the highest over `high`, down from there; a chart of more series than the plot's
    height holds is then measured as crowded (`crowding.py`)."""
    placed: list[float] = []
    for value in values:
        placed.append(max(value, placed[-1] + apart) if placed else max(value, low + apart / 2))
    if placed and placed[-1] > high:
        placed[-1] = high
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - apart)
    return placed


def first_step(spec: ChartSpec, frame: pd.DataFrame, last: int) -> int:
    """The first thinning step (`fewer`, at most `last`) at which the labels of the chart's
    category axis can be apart, known by counting them before anything is drawn.

    The labels' centres lie on an axis at most WIDTH px long, so K labels stand apart only if
    each centre is a label's width and `crowding.GAP` from the next: (K - 1) x (GAP + the
    least width) px. A line chart's ordinal axis shows every (fewer + 1)th name, so 5 000 years
    need every 86th before any two can be apart, and a chart drawn at each step in between
    would only show that again (`figures.draw_apart`). Under vertical bars every category is
    named; upright names (UPRIGHT_WRAP's last step) are TEXT px across each. An axis this
    cannot judge (a time axis, the values) starts at 0."""
    from kfsreport.charts.crowding import GAP

    def apart(count: int, least: float) -> bool:
        return (count - 1) * (GAP + least) <= WIDTH

    column = frame[spec.x]
    if pd.api.types.is_datetime64_any_dtype(column):  # as `vega_lite` hands dates to Vega
        column = column.dt.strftime("%Y-%m-%d")
    # Names that differ only in their spaces may wrap to the same label: counted once.
    names = len({" ".join(str(value).split()) for value in column.dropna()})
    for fewer in range(last):
        if spec.type == "line" and spec.columns.get(spec.x) != "date":
            shown = _ordered(column)[:: fewer + 1]
            if apart(sum(1 for value in shown if not pd.isna(value)), 0):
                return fewer
        elif spec.type in ("bar", "grouped_bar", "stacked_bar") and not _horizontal(spec):
            if apart(names, TEXT if fewer >= len(UPRIGHT_WRAP) - 1 else 0):
                return fewer
        else:
            return fewer
    return last


def _ordered(column: pd.Series) -> list[Any]:
    """The distinct values in the order an ordinal axis shows them (ascending)."""
    values = [v.item() if hasattr(v, "item") else v for v in pd.unique(column)]
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _part_of_whole(
    alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, palette: list[str], fewer: int
) -> Any:
    """One bar of the parts, each named with its value: beside the bar, over and under it by
    turns, or from `PARTS_LISTED` on (the names met or ran past the bar's end, measured in
    the drawing by `crowding.parts_crowded`) listed under it, one a line after a square of
    its colour."""
    total = float(data[spec.y].sum()) or 1.0
    data = data.assign(_start=data[spec.y].cumsum().shift(fill_value=0) / total * 100)
    data["_text"] = [f"{name} {label}" for name, label in zip(data[spec.x], data[LABEL], strict=True)]
    data["_rad"] = ["över" if i % 2 == 0 else "under" for i in range(len(data))]
    colour = alt.Color(f"{spec.x}:N", sort=None, legend=None)
    if fewer >= PARTS_LISTED:
        return _parts_listed(alt, data, spec, colour)
    whole = alt.Chart(data)
    bars = whole.mark_bar(height=36).encode(
        alt.X(f"{spec.y}:Q", stack="normalize", axis=None, title=None), colour, alt.Order("_start:Q")
    )
    above = whole.transform_filter("datum._rad == 'över'").mark_text(
        align="left", baseline="bottom", y=-4, fontWeight=600
    )
    below = whole.transform_filter("datum._rad == 'under'").mark_text(
        align="left", baseline="top", y=46, fontWeight=600
    )
    labels = [
        mark.encode(
            alt.X("_start:Q", scale=alt.Scale(domain=[0, 100]), axis=None), text=alt.Text("_text:N")
        ).properties(name=f"{PARTS}_{where}")
        for mark, where in ((above, "over"), (below, "under"))
    ]
    bar = bars.properties(width=WIDTH - 40, height=40)
    return alt.layer(bar, *labels).resolve_scale(x="independent").properties(width=WIDTH - 40, height=40)


LIST_ROW = LINE + 5
"""The distance in px between the first lines of two parts listed under the bar."""


def _parts_listed(alt: Any, data: pd.DataFrame, spec: ChartSpec, colour: Any) -> Any:
    """The bar of parts with the parts listed under it, each after a square of its colour,
    a name too long for the line wrapped between words."""
    square = 12
    lines = [_wrap_px(text, WIDTH - 40 - square - 8) for text in data["_text"]]
    tops, top = [], 52.0
    for text in lines:
        tops.append(top)
        top += LIST_ROW + (text.count("\n")) * LINE
    listed = data.assign(_text=lines, _top=tops, _mid=[t + TEXT / 2 for t in tops])
    whole = alt.Chart(listed)
    bars = whole.mark_bar(height=36).encode(
        alt.X(f"{spec.y}:Q", stack="normalize", axis=None, title=None), colour, alt.Order("_start:Q")
    )
    swatches = whole.mark_square(size=square * square, opacity=1, x=square / 2).encode(
        alt.Y("_mid:Q", scale=None, axis=None), colour
    )
    names = (
        whole.mark_text(
            align="left", baseline="top", x=square + 8, fontWeight=600, lineBreak="\n", lineHeight=LINE
        )
        .encode(alt.Y("_top:Q", scale=None, axis=None), text=alt.Text("_text:N"))
        .properties(name=f"{PARTS}_lista")
    )
    return (
        alt.layer(bars.properties(width=WIDTH - 40, height=40), swatches, names)
        .resolve_scale(x="independent", y="independent")
        .properties(width=WIDTH - 40, height=40)
    )


def _wrap_px(text: str, width: float) -> str:
    """`text` broken between words into lines at most `width` px wide in the chart's bold text
    (a single word wider than that keeps its own line)."""
    from kfsreport.charts.measure import text_width

    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", TEXT, 600) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _key_number(
    alt: Any, base: Any, spec: ChartSpec, data: pd.DataFrame, palette: list[str], fewer: int
) -> Any:
    """One share or amount as a big number with its name below (the first row's value)."""
    first = data.head(1)
    one = alt.Chart(first)
    number = one.mark_text(
        align="left", baseline="alphabetic", x=0, y=46, fontSize=46, fontWeight=700
    ).encode(text=alt.Text(f"{LABEL}:N"), color=alt.ColorValue(palette[0]))
    name = one.mark_text(align="left", baseline="top", x=0, y=58, fontSize=TEXT + 2).encode(
        text=alt.Text(f"{spec.x}:N")
    )
    return alt.layer(number, name).properties(height=80)
