"""No two labels of a chart's axis meet, whatever the numbers: measured in the drawn SVG.

Charts are drawn 340 px wide with 14 px text and scaled as a whole in print (9 pt), on a
screen and on a phone, so labels apart in the SVG are apart everywhere. The boxes here are
measured independently of the package: positions from the SVG, widths from the font file.
"""

from __future__ import annotations

import html
import random
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from kfsreport.charts.crowding import crowded, meet
from kfsreport.charts.draw import first_step, vega_lite
from kfsreport.charts.figures import THINNING, draw_apart, draw_here
from kfsreport.charts.spec import ChartSpec

FONTS = Path(__file__).resolve().parent.parent / "kfsreport" / "templates" / "fonts"


@cache
def _font(weight: int) -> tuple[dict[int, int], float]:
    with TTFont(FONTS / ("SourceSans3-Semibold.ttf" if weight >= 600 else "SourceSans3-Regular.ttf")) as font:
        metrics = font["hmtx"].metrics
        return {code: metrics[name][0] for code, name in font.getBestCmap().items()}, font["head"].unitsPerEm


def _width(text: str, size: float, weight: int) -> float:
    advances, units = _font(weight)
    return sum(advances[ord(c)] for c in text) * size / units


def axis_labels(svg: str) -> list[list[tuple[str, float, float, float, float]]]:
    """Each axis's labels as (text, left, top, right, bottom) in px."""
    return _labels(svg, "mark-text role-axis-label")


def value_labels(svg: str) -> list[tuple[str, float, float, float, float]]:
    """The values beside the marks (a bar's value, a series' name at its line's end)."""
    return [label for group in _labels(svg, "mark-text role-mark vardeetiketter_marks") for label in group]


def _labels(svg: str, kind: str) -> list[list[tuple[str, float, float, float, float]]]:
    axes = []
    for group in re.findall(f'<g class="{kind}"[^>]*>(.*?)</g>', svg, re.S):
        labels = []
        for attrs, content in re.findall(r"<text([^>]*?)(?:/>|>(.*?)</text>)", group, re.S):
            lines = [
                html.unescape(t) for t in (re.findall(r"<tspan[^>]*>(.*?)</tspan>", content) or [content])
            ]
            x, y = map(float, re.search(r"translate\(([-\d.e]+),([-\d.e]+)\)", attrs).groups())
            size = float(re.search(r'font-size="([\d.]+)px"', attrs).group(1))
            weight = 600 if 'font-weight="bold"' in attrs or 'font-weight="600"' in attrs else 400
            width = max(_width(line, size, weight) for line in lines)
            anchor = re.search(r'text-anchor="(\w+)"', attrs).group(1)
            start = -{"start": 0, "middle": width / 2, "end": width}[anchor]
            under = sum(float(d) for d in re.findall(r'dy="([-\d.]+)"', content)) + size * 0.25
            upright = re.search(r"rotate\((?:-90|270)\)(?: translate\(([-\d.e]+),([-\d.e]+)\))?", attrs)
            if upright:
                x, y = x + float(upright.group(2) or 0), y - float(upright.group(1) or 0)
                box = (x - size * 0.75, y - start - width, x + under, y - start)
            else:
                box = (x + start, y - size * 0.75, x + start + width, y + under)
            labels.append(("\n".join(lines), *box))
        axes.append(labels)
    return axes


def overlaps(svg: str, gap: float = 3.0) -> list[tuple[str, str]]:
    """Pairs of labels that meet: on one axis, or a value and another value or an axis label."""
    found = []
    axes = axis_labels(svg)
    values = value_labels(svg)
    groups = [*axes, values + [label for axis in axes for label in axis]]
    for group, labels in enumerate(groups):
        for i, a in enumerate(labels):
            for j, b in enumerate(labels[i + 1 :], start=i + 1):
                if group == len(axes) and i >= len(values) and j >= len(values):
                    continue  # two axis labels, compared on their own axis
                beside = a[3] + gap <= b[1] or b[3] + gap <= a[1]
                stacked = a[4] <= b[2] or b[4] <= a[2]
                if not (beside or stacked):
                    found.append((a[0], b[0]))
    return found


def spec(kind: str, **keys: object) -> ChartSpec:
    return ChartSpec.model_validate(
        {"id": "d", "type": kind, "title": "T", "alt": "Diagram i test.", "source": "S", "values": [], **keys}
    )


INTERIM = (
    spec("bar", x="post", y="belopp", unit="tkr", x_title="Post", y_title="Belopp i tkr"),
    pd.DataFrame(
        {"post": ["Budget för året", "Budget för perioden", "Utfall"], "belopp": [2653, 1547, 1417]}
    ),
)
NAMES = ["Norsjö", "Lycksele", "Sorsele", "Vindeln", "Åsele", "Dorotea", "Storuman", "Vilhelmina"]
LONG = ["Kommunens egen personal i äldreomsorgen", "Bemanningsföretag och inhyrda sjuksköterskor"]
ZERO = re.compile("0(,0+)?(\xa0.+)?$")
UNITS = [None, "tkr", "%", "invånare", "kr"]


def generated(seed: int) -> tuple[ChartSpec, pd.DataFrame]:
    """A chart of random kind and size: amounts in the millions with thousands separators,
    small shares with decimals, signed changes, long category names that leave a narrow axis."""
    rng = random.Random(seed)
    kind = rng.choice(["bar", "bar", "grouped_bar", "stacked_bar", "line"])
    scale = 10 ** rng.randint(0, 7)
    count = rng.randint(1, 6)
    names = rng.sample(NAMES + LONG, count) if rng.random() < 0.4 else NAMES[:count]
    signed = kind == "bar" and rng.random() < 0.3
    unit = rng.choice(UNITS)
    keys: dict[str, object] = {"x": "x", "y": "y", "unit": unit, "signed": signed}
    if rng.random() < 0.4:
        keys["y_title"] = "Värde" + (f" i {unit}" if unit else "")
    if kind != "line" and rng.random() < 0.3:
        keys["orientation"] = "vertical"
    if rng.random() < 0.3:
        keys["decimals"] = 1

    def value() -> float:
        amount = rng.random() * scale
        return round(amount * (rng.choice([-1, 1]) if signed else 1), 1)

    if kind == "line":
        if rng.random() < 0.5:
            months = rng.randint(3, 36)
            dates = pd.date_range("2023-01-01", periods=months, freq="MS")
            frame = pd.DataFrame({"x": dates, "y": [value() for _ in dates]})
            keys["columns"] = {"x": "date"}
        else:
            years = [str(2000 + i) for i in range(rng.randint(3, 25))]
            frame = pd.DataFrame({"x": years, "y": [value() for _ in years]})
    elif kind == "bar":
        frame = pd.DataFrame({"x": names, "y": [value() for _ in names]})
    else:
        series = ["Kvinnor", "Män"]
        rows = [(n, s, abs(value())) for n in names for s in series]
        frame = pd.DataFrame(rows, columns=["x", "s", "y"])
        keys["series"] = "s"
    return spec(kind, **keys), frame


def test_the_interim_reports_economy_chart_no_longer_runs_two_labels_together():
    first = draw_here([vega_lite(*INTERIM)], [FONTS])[0]
    assert ("2\xa0000", "3\xa0000") in overlaps(first), "the precondition: drawn once, two labels met"
    assert meet(first), "the charts stage sees it too"
    svg = draw_apart([INTERIM], None, [FONTS], draw_here)[0]
    assert overlaps(svg) == [] and not meet(svg)
    values = [label[0] for label in axis_labels(svg)[0]]
    assert values[0] == "0" and float(values[-1].replace("\xa0", "")) > 2653, values


@pytest.mark.parametrize("seeds", [range(0, 40), range(40, 80)], ids=["1-40", "41-80"])
def test_no_axis_labels_meet_in_generated_charts(seeds):
    charts = [generated(seed) for seed in seeds]
    svgs = draw_apart(charts, None, [FONTS], draw_here)
    for seed, (chart, frame), svg in zip(seeds, charts, svgs, strict=True):
        assert overlaps(svg) == [], (seed, chart.type, chart.orientation, frame.to_dict("list"))
        if chart.type != "line" and not frame["y"].eq(0).all():
            zero = [label for axis in axis_labels(svg) for label in axis if ZERO.match(label[0])]
            assert zero, (seed, "zero is labelled")


def _many(kind: str, count: int, **keys: object) -> tuple[ChartSpec, pd.DataFrame]:
    """A chart of `count` categories: years for a line, municipalities for bars."""
    names = [str(1800 + i) for i in range(count)] if kind == "line" else [f"Kommun {i}" for i in range(count)]
    values = [i % 7 + 1 for i in range(count)]
    return spec(kind, x="x", y="y", **keys), pd.DataFrame({"x": names, "y": values})


def _sweep(chart: ChartSpec, frame: pd.DataFrame) -> tuple[int, list[bool], str]:
    """The thinning as it was before the labels were counted: drawn at every step from the
    first until two labels no longer meet (or the last step), and whether each step met."""
    met = []
    for fewer in range(THINNING + 1):
        svg = draw_here([vega_lite(chart, frame, None, fewer)], [FONTS])[0]
        met.append(meet(svg))
        if not met[-1]:
            break
    return fewer, met, svg


@pytest.mark.parametrize(
    ("chart", "first"),
    [
        (_many("line", 200), 2),  # 200 years: every third before 4 px can part them
        (_many("line", 100), 1),
        (_many("bar", 90, orientation="vertical", labels=False), THINNING),  # upright or not, 90 names meet
        (_many("line", 8), 0),
    ],
    ids=["line-200", "line-100", "vertical-bars-90", "line-8"],
)
def test_a_crowded_axis_starts_at_the_first_step_its_labels_can_be_apart_and_ends_where_every_step_did(
    chart, first
):
    """A chart with more labels than its axis can hold apart is drawn first at the step whose
    count can (`draw.first_step`): every step before it meets when drawn, and the chart the
    charts stage ends with is the one the step-by-step thinning ends with."""
    spec_, frame = chart
    assert first_step(spec_, frame, THINNING) == first
    step, met, svg = _sweep(spec_, frame)
    assert met[:first] == [True] * first  # what the count proved
    assert step >= first
    assert draw_apart([chart], None, [FONTS], draw_here) == [svg]


@pytest.mark.parametrize(
    "chart",
    [
        _many("bar", 400),  # horizontal bars: the chart grows with its names
        (
            spec("line", x="x", y="y", columns={"x": "date"}),
            pd.DataFrame({"x": pd.date_range("1990-01-01", periods=400, freq="MS"), "y": range(400)}),
        ),  # a time axis: Vega chooses its ticks
    ],
    ids=["horizontal-bars", "time-axis"],
)
def test_an_axis_the_count_cannot_judge_starts_at_the_first_step(chart):
    assert first_step(*chart, THINNING) == 0


def test_labels_are_counted_as_they_are_drawn():
    """Dates on an ordinal axis are drawn by day, so 400 hours are 17 labels; names that
    differ only in their spaces wrap to one label under vertical bars."""
    hours = pd.DataFrame({"x": pd.date_range("2030-01-01", periods=400, freq="h"), "y": range(400)})
    assert first_step(spec("line", x="x", y="y"), hours, THINNING) == 0
    spaced = pd.DataFrame({"x": [f"Kommun{' ' * i}A" for i in range(1, 101)], "y": range(100)})
    assert first_step(spec("bar", x="x", y="y", orientation="vertical"), spaced, THINNING) == 0
    assert first_step(*_many("bar", 100, orientation="vertical"), THINNING) == THINNING


def test_a_chart_of_5001_years_is_drawn_once_at_the_last_step():
    """No step of the thinning can part 5 001 labels (every 7th is 715 labels across 340 px),
    so the chart is drawn once, at the last step, not seven times (the issue's 5 001 rows)."""
    chart = _many("line", 5_001)
    calls: list[list[dict]] = []

    def counting(specs: list[dict], fonts: list[Path]) -> list[str]:
        calls.append(specs)
        return draw_here(specs, fonts)

    (svg,) = draw_apart([chart], None, [FONTS], counting)
    assert calls == [[vega_lite(*chart, None, THINNING)]]
    assert meet(svg)  # as at every step before it


def _axis(labels: list[tuple[float, float, str]]) -> str:
    texts = "".join(
        f'<text transform="translate({x},{y})" font-size="14px" text-anchor="middle">{text}</text>'
        for x, y, text in labels
    )
    return f'<svg><g class="mark-text role-axis-label">{texts}</g></svg>'


@pytest.mark.parametrize(
    ("labels", "met"),
    [
        ([(i * 40.0, 0.0, str(i)) for i in range(300)], False),  # a long axis, every label apart
        ([(i * 40.0, 0.0, str(i)) for i in range(300)] + [(11_962.0, 0.0, "x")], True),  # the last two
        ([(0.0, i * 20.0, f"{i} {i}") for i in range(300)], False),  # one above the other, apart
        ([(0.0, i * 20.0, str(i)) for i in range(299)] + [(12.0, 5_970.0, "ny")], True),  # on the last
        ([(float(i), 0.0, str(i)) for i in range(300)], True),  # every label on the one before it
        ([(40.0, 0.0, "b"), (0.0, 0.0, "en lång etikett")], True),  # out of order
    ],
    ids=["apart", "last-two-meet", "stacked", "stacked-and-on-the-last", "all-meet", "unsorted"],
)
def test_the_charts_stage_finds_meeting_labels_as_crowded_lists_them(labels, met):
    """`meet` (the charts stage's question, without comparing every pair) answers as
    `crowded` (every pair) does, wherever on the axis the meeting labels are."""
    svg = _axis(labels)
    assert meet(svg) == bool(crowded(svg)) == met


def test_a_stacked_bars_values_stand_in_the_middle_of_their_segments():
    """The labels of a horizontal stacked bar were drawn 10 px left of each segment's middle,
    so the value of a narrow first segment ran over the axis into the category's name
    (”arbetssätt1”)."""
    chart = spec("stacked_bar", x="x", y="y", series="s")
    frame = pd.DataFrame(
        [
            ("Arbetsmiljö och arbetssätt", "Högst", 1),
            ("Arbetsmiljö och arbetssätt", "Övriga", 3),
            ("Löner och villkor", "Högst", 2),
            ("Löner och villkor", "Övriga", 5),
        ],
        columns=["x", "s", "y"],
    )
    svg = draw_apart([(chart, frame)], None, [FONTS], draw_here)[0]
    bars = re.search(r'<g class="mark-rect role-mark[^>]*>(.*?)</g>', svg, re.S).group(1)
    texts = re.search(r'<g class="mark-text role-mark[^>]*>(.*?)</g>', svg, re.S).group(1)
    middles = sorted(
        round(float(x) + float(w) / 2, 1) for x, w in re.findall(r'd="M([-\d.]+),[-\d.]+h([-\d.]+)', bars)
    )
    labels = sorted(round(float(x), 1) for x in re.findall(r"translate\(([-\d.]+),", texts))
    assert len(labels) == 4 and labels == middles


def test_a_stacked_segment_too_narrow_for_its_value_shows_none():
    """A survey's stacked bar of answers in per cent: the label of a 12 % segment was cut by
    the next segment ("2 %"), and a 5 % one's ran over the axis. The values stay in the
    chart's table and alt text."""
    for orientation in ("horizontal", "vertical"):
        chart = spec("stacked_bar", x="x", y="y", series="s", unit="%", orientation=orientation)
        frame = pd.DataFrame(
            {"x": ["Skola"] * 4 + ["Vård"] * 4, "s": list("abcd") * 2, "y": [5, 30, 43, 22, 12, 30, 38, 20]}
        )
        svg = draw_apart([(chart, frame)], None, [FONTS], draw_here)[0]
        texts = re.search(r'<g class="mark-text role-mark[^>]*>(.*?)</g>', svg, re.S).group(1)
        shown = re.findall(r">([^<]+)</text>", texts)
        assert "5\u00a0%" not in shown and "30\u00a0%" in shown, (orientation, shown)
    horizontal = spec("stacked_bar", x="x", y="y", series="s", unit="%")
    svg = draw_apart([(horizontal, frame)], None, [FONTS], draw_here)[0]
    assert "12\u00a0%" not in re.findall(r">([^<]+)</text>", svg)
    # The others stay in the middles of their own segments (left out, not blanked, they moved).
    bars = re.search(r'<g class="mark-rect role-mark[^>]*>(.*?)</g>', svg, re.S).group(1)
    texts = re.search(r'<g class="mark-text role-mark[^>]*>(.*?)</g>', svg, re.S).group(1)
    middles = {
        round(float(x) + float(w) / 2, 1) for x, w in re.findall(r'd="M([-\d.]+),[-\d.]+h([-\d.]+)', bars)
    }
    placed = re.findall(r"translate\(([-\d.]+),[^)]*\)[^>]*>([^<]+)</text>", texts)
    assert len(placed) == 6 and {round(float(x), 1) for x, _ in placed} <= middles, placed


def test_a_line_charts_unit_that_is_a_word_names_the_axis_instead_of_every_label():
    """`150 000 invånare` on every value label, beside the series' names at the lines' ends,
    squeezed three years of two lines into a sliver and dropped the middle year's label."""
    import json

    chart = spec("line", x="År", y="Invånare", series="Grupp", unit="invånare")
    frame = pd.DataFrame(
        [
            (year, group, value)
            for year in ("2020", "2025", "2030")
            for group, value in (("Unga", 143512), ("Äldre", 56210))
        ],
        columns=["År", "Grupp", "Invånare"],
    )
    text = json.dumps(vega_lite(chart, frame, None, 0), ensure_ascii=False)
    assert '"title": "invånare"' in text
    assert "\u00a0invånare" not in text
    percent = spec("line", x="År", y="Invånare", series="Grupp", unit="%")
    assert "\u00a0%" in json.dumps(vega_lite(percent, frame, None, 0), ensure_ascii=False)


YEARS = [str(2018 + i) for i in range(7)]
AMOUNTS = [48210.5, 98450.5, 76000.2, 112003.0, 99999.9, 123456.7, 88888.8]
VERTICAL = {
    "four-years": (
        spec("bar", x="x", y="y", unit="tkr", orientation="vertical"),
        pd.DataFrame({"x": YEARS[:4], "y": AMOUNTS[:4]}),
    ),
    "seven-years": (
        spec("bar", x="x", y="y", unit="tkr", orientation="vertical"),
        pd.DataFrame({"x": YEARS, "y": AMOUNTS}),
    ),
    "grouped": (
        spec("grouped_bar", x="x", y="y", series="s", unit="tkr", orientation="vertical"),
        pd.DataFrame(
            [
                (year, name, value)
                for year in YEARS[:3]
                for name, value in (("Budget", 98450.5), ("Utfall", 112003.4))
            ],
            columns=["x", "s", "y"],
        ),
    ),
}


@pytest.mark.parametrize("chart", VERTICAL.values(), ids=VERTICAL.keys())
def test_the_values_over_narrow_vertical_bars_meet_neither_each_other_nor_the_value_axis(chart):
    """Long amounts over narrow bars (`98 450,5 tkr`) ran into each other, and the first
    bar's into the value axis's labels, while the charts stage measured only the axes."""
    first = draw_here([vega_lite(*chart)], [FONTS])[0]
    assert any(
        value_labels(first)[0][0] in pair or value_labels(first)[1][0] in pair for pair in overlaps(first)
    )
    assert meet(first), "the charts stage sees it too"
    svg = draw_apart([chart], None, [FONTS], draw_here)[0]
    assert overlaps(svg) == [] and not meet(svg)
    assert len(value_labels(svg)) == len(chart[1]), "every bar still carries its value"


def test_values_no_drawing_keeps_apart_are_left_to_the_axis():
    """Twenty bars in five groups: even upright, the values are wider than their bars; the
    chart is drawn without them (the value axis labelled again), not with values on values."""
    chart = (
        spec("grouped_bar", x="x", y="y", series="s", orientation="vertical"),
        pd.DataFrame(
            [(name, year, 1201 + 99 * i) for name in NAMES[:5] for i, year in enumerate(YEARS[:4])],
            columns=["x", "s", "y"],
        ),
    )
    last = draw_here([vega_lite(*chart, None, THINNING)], [FONTS])[0]
    assert overlaps(last), "the precondition: at the last step the values still meet"
    svg = draw_apart([chart], None, [FONTS], draw_here)[0]
    assert value_labels(svg) == [] and overlaps(svg) == []
    assert len(axis_labels(svg)[0]) > 2, "the value axis has its labels back, not only zero"


LINES = {
    "close-ends": pd.DataFrame(
        [
            (year, group, value + int(year) % 3)
            for year in ("2020", "2021", "2022")
            for group, value in (("Kvinnor i vården", 40.0), ("Män i vården", 41.0), ("Övriga", 12.0))
        ],
        columns=["x", "s", "y"],
    ),
    "at-zero": pd.DataFrame(
        [
            (year, group, value)
            for year in ("2020", "2021")
            for group, value in (("Kvinnor", 0.0), ("Män", 0.5))
        ],
        columns=["x", "s", "y"],
    ),
}


@pytest.mark.parametrize("frame", LINES.values(), ids=LINES.keys())
def test_the_series_names_at_the_lines_ends_are_moved_apart_in_their_order(frame):
    """Two lines ending a percent apart had their names one on the other."""
    chart = spec("line", x="x", y="y", series="s", unit="%")
    svg = draw_apart([(chart, frame)], None, [FONTS], draw_here)[0]
    assert overlaps(svg) == [] and not meet(svg)
    names = {name: box for name, *box in value_labels(svg)}
    assert names.keys() == set(frame["s"])
    last = frame[frame["x"] == frame["x"].max()].sort_values("y")
    tops = [names[name][1] for name in last["s"]]
    assert tops == sorted(tops, reverse=True), "the lowest line's name stands lowest"


def test_the_charts_stage_measures_values_with_the_axes_labels():
    axis = (
        '<g class="mark-text role-axis-label"><text transform="translate(20,50)" font-size="14px" '
        'text-anchor="end">100 000</text></g>'
    )

    def values(*placed: tuple[float, float, str]) -> str:
        texts = "".join(
            f'<text transform="translate({x},{y})" font-size="14px" text-anchor="middle">{text}</text>'
            for x, y, text in placed
        )
        return f'<g class="mark-text role-mark vardeetiketter_marks">{texts}</g>'

    apart = values((80.0, 50.0, "48 210,5"), (160.0, 50.0, "98 450,5"))
    assert not meet(f"<svg>{axis}{apart}</svg>") and crowded(f"<svg>{axis}{apart}</svg>") == []
    into_axis = values((30.0, 50.0, "48 210,5"))
    assert meet(f"<svg>{axis}{into_axis}</svg>") and crowded(f"<svg>{axis}{into_axis}</svg>") == [
        ("48 210,5", "100 000")
    ]
    on_each_other = values((80.0, 50.0, "48 210,5"), (110.0, 52.0, "98 450,5"))
    assert meet(f"<svg>{on_each_other}</svg>")
    assert crowded(f"<svg>{on_each_other}</svg>") == [("48 210,5", "98 450,5")]


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_a_grouped_bar_with_one_row_per_category_draws_each_bar_where_its_category_is(orientation):
    """Outcome for past years, a forecast and next year's budget, one bar a year coloured by
    what it is: each bar was shifted into its series' slot beside two empty ones, the first
    year's against the axis with its value over the axis labels."""
    import json

    chart = spec("grouped_bar", x="År", y="Belopp", series="Typ", unit="tkr", orientation=orientation)
    frame = pd.DataFrame(
        [
            ("2024", "Utfall", 41950.0),
            ("2025", "Utfall", 44310.0),
            ("2026", "Prognos", 46020.0),
            ("2027", "Budget", 48200.0),
        ],
        columns=["År", "Typ", "Belopp"],
    )
    single = json.dumps(vega_lite(chart, frame, None, 0))
    offset = '"yOffset"' if orientation == "horizontal" else '"xOffset"'
    assert offset not in single and '"field": "Typ"' in single
    both = pd.concat([frame, frame.assign(Typ="Budget")])
    assert offset in json.dumps(vega_lite(chart, both, None, 0))
