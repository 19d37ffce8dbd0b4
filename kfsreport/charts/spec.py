"""The chart description in `data/charts.yaml`: what a chart shows and where its numbers come from.

The manual's chapter on charts documents every key; `kfsreport.charts.compute` turns a
description into a table of numbers and `kfsreport.charts.draw` into a Vega-Lite spec.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Literal

from markupsafe import Markup
from pydantic import Field, model_validator

from kfsreport.errors import Problems, suggest
from kfsreport.load.invisible import INVISIBLE_HINT, has_invisible, visible
from kfsreport.load.schema import Flag, Identifier, Strict, Text, WholeNumber, Year, cited
from kfsreport.load.yamlfile import Located
from kfsreport.render.expressions import ExpressionError
from kfsreport.validate.schemacheck import check_part

ChartType = Literal["bar", "grouped_bar", "stacked_bar", "line", "part_of_whole", "key_number"]
ColumnType = Literal["text", "number", "integer", "date"]
FactsSource = Literal[
    "plan.activities",
    "plan.goals",
    "assignments",
    "conclusions",
    "recommendations",
    "meetings",
    "members",
    "economy",
    "action_plan",
]
Column = Text


class Share(Strict):
    """Each value as per cent of the total (or of its group's total)."""

    column: Column
    within: Column | None = None
    name: Column = "andel"


class Change(Strict):
    """The change from one column to another, in per cent or in percentage points."""

    start: Column
    end: Column
    mode: Literal["percent", "points", "difference"] = "percent"
    name: Column = "förändring"


class Cumulative(Strict):
    """A running total in the order of the rows (or of the x column)."""

    column: Column
    name: Column = "ackumulerat"


class PerThousand(Strict):
    """A value per 1 000 inhabitants (or of another population column)."""

    column: Column
    population: Column
    name: Column = "per_1000"


class Count(Strict):
    """The number of rows for each combination of the `by` columns."""

    by: list[Column] = Field(min_length=1)
    name: Column = "antal"


class Compute(Strict):
    share: Share | None = None
    change: Change | None = None
    cumulative: Cumulative | None = None
    per_1000: PerThousand | None = None
    count: Count | None = None

    @model_validator(mode="after")
    def _one(self) -> Compute:
        chosen = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(chosen) != 1:
            raise ValueError("ange precis en beräkning: share, change, cumulative, per_1000 eller count")
        return self


class ChartSpec(Strict):
    id: Identifier
    type: ChartType
    title: Text
    alt: Annotated[str, Field(min_length=10, max_length=20_000)]
    description: Text | None = None
    source: Text
    source_year: Year | None = None
    data: Text | None = None
    sheet: Text | None = None
    values: list[dict[str, str | None]] | None = None
    facts: FactsSource | None = None
    columns: dict[Column, ColumnType] = {}
    missing: list[str] = []
    decimal: Literal[",", "."] | None = None
    thousands: Literal[",", ".", " "] | None = None
    compute: Compute | None = None
    x: Column
    y: Column
    series: Column | None = None
    series_columns: list[Column] | None = None
    """A wide table, as survey tools and Excel export it (a column per series, `Kvinnor`,
    `Män`): the columns become rows, named by `series` and valued in `y`."""
    unit: Text | None = None
    decimals: WholeNumber | None = Field(default=None, ge=0, le=3)
    signed: Flag = False
    x_title: Text | None = None
    y_title: Text | None = None
    orientation: Literal["horizontal", "vertical"] | None = None
    sort: Literal["data", "ascending", "descending"] = "data"
    labels: Flag = True

    @property
    def citation(self) -> str:
        """The source with its year, as the caption and `{{ kallor }}` show it."""
        return cited(self.source, self.source_year)

    @model_validator(mode="after")
    def _one_source(self) -> ChartSpec:
        sources = [name for name in ("data", "values", "facts") if getattr(self, name) is not None]
        if len(sources) != 1:
            raise ValueError(
                "ange precis en datakälla: data (en fil), values (tabell i beskrivningen) eller facts"
            )
        if self.series_columns is not None:
            self._check_series_columns(self.series_columns)
        if self.type in ("grouped_bar", "stacked_bar") and self.series is None:
            raise ValueError(f"diagramtypen {self.type} behöver series (kolumnen med serierna)")
        return self

    def _check_series_columns(self, columns: list[str]) -> None:
        if len(columns) < 2:
            one = columns[0] if columns else "kolumnen"
            raise ValueError(
                f"series_columns nämner {len(columns)} kolumn, men är till för flera serier; "
                f"för en enda kolumn, skriv y: {one} och ta bort series_columns"
            )
        if self.series is None:
            raise ValueError(
                "series_columns behöver series: ett namn på det som kolumnerna "
                f"{', '.join(columns)} är (till exempel series: Kön), och y: ett namn på deras värden"
            )
        if self.facts is not None:
            raise ValueError("series_columns kan inte användas med facts, bara med data eller values")
        for key in ("x", "y", "series"):
            if getattr(self, key) in columns:
                raise ValueError(
                    f"{key}: '{getattr(self, key)}' står också i series_columns; med series_columns "
                    "är series och y nya namn: series på det som kolumnerna är, y på deras värden"
                )
        if twice := next((column for i, column in enumerate(columns) if column in columns[:i]), None):
            raise ValueError(
                f"series_columns nämner kolumnen {twice} två gånger, så samma värden skulle ritas som "
                "två serier; ta bort den ena, eller skriv namnet på den kolumn som menades"
            )


SOURCE_KEY = "\0källa"
"""In `key_lines`, the line of the key naming the chart's data (`data:`, `values:`, `facts:`)."""
COMPUTE_KEY = "\0beräkning"
"""In `key_lines`, the line of the chart's `compute:` key."""
SERIES_KEY = "\0serier"
"""In `key_lines`, the line of the chart's `series:` key (its column may be named earlier)."""


def key_lines(located: Located) -> dict[str, dict[str, int]]:
    """For each chart id, the line of the key that names each column (`y: Antal` → Antal's
    line), so a problem with a column is reported where the column is named."""
    data = located.data if isinstance(located.data, dict) else {}
    items = data.get("charts") if isinstance(data.get("charts"), list) else []
    found: dict[str, dict[str, int]] = {}
    for i, item in enumerate(items or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        lines: dict[str, int] = {}
        for key in ("data", "values", "facts", "sheet"):
            if key in item:
                lines.setdefault(SOURCE_KEY, located.line(("charts", i, key)))
        if "compute" in item:
            lines[COMPUTE_KEY] = located.line(("charts", i, "compute"))
        if "series" in item:
            lines[SERIES_KEY] = located.line(("charts", i, "series"))
        for loc, value in _column_keys(item, ("charts", i)):
            lines.setdefault(value, located.line(loc))
        found[item["id"]] = lines
    return found


Loc = tuple[str | int, ...]


def _column_keys(item: dict[str, object], at: Loc) -> list[tuple[Loc, str]]:
    keys: list[tuple[Loc, str]] = []
    for key in ("y", "x", "series"):
        if isinstance(item.get(key), str):
            keys.append(((*at, key), str(item[key])))
    wide = item.get("series_columns")
    for i, column in enumerate(wide if isinstance(wide, list) else []):
        if isinstance(column, str):
            keys.append(((*at, "series_columns", i), column))
    columns = item.get("columns")
    for name in columns if isinstance(columns, dict) else {}:
        keys.append(((*at, "columns", name), str(name)))
    compute = item.get("compute")
    for step, options in compute.items() if isinstance(compute, dict) else []:
        for key, value in options.items() if isinstance(options, dict) else []:
            for i, column in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(column, str) and key != "mode":
                    where = (*at, "compute", step, key) + ((i,) if isinstance(value, list) else ())
                    keys.append((where, column))
    return keys


class ChartFile(Strict):
    charts: list[ChartSpec] = []


class Placements:
    """Numbers charts "Figur N" in the order the text places them (used while validating)."""

    def __init__(
        self,
        charts: dict[str, ChartSpec],
        broken: set[str] | None = None,
        *,
        unread: Collection[str] = (),
        named: Collection[str] = (),
    ) -> None:
        self.charts = charts
        self.broken = broken or set()
        self.unread = set(unread)
        """With data/charts.yaml unreadable (reported), the ids the text places with `figur()`
        that its text has: each may be one of its charts, so neither `figur()` nor `ref()` to
        it is an error."""
        self.named = set(named)
        """With data/charts.yaml unreadable, the ids its text gives: suggestions for a misspelt one."""
        self.numbers: dict[str, int | str] = {}
        self.appendix: int | None = None
        """N while the text of "Bilaga N" is placed: its figures are numbered BN.1, BN.2 …"""
        self._in_appendix: dict[int, int] = {}

    def place(self, chart_id: str) -> Markup:
        if chart_id in self.broken or chart_id in self.unread:
            return Markup("")  # already reported in data/charts.yaml
        if chart_id not in self.charts:
            guess = suggest(chart_id, sorted(self.charts.keys() | self.named))
            raise ExpressionError(
                f"figur(\"{visible(chart_id)}\"): inget diagram har id:t '{visible(chart_id)}' "
                f"{guess or '(diagrammen beskrivs i data/charts.yaml)'}"
                + (f". {INVISIBLE_HINT}" if has_invisible(chart_id) else "")
            )
        if chart_id in self.numbers:
            raise ExpressionError(
                f'figur("{chart_id}") står redan på ett annat ställe; en figur visas en gång.'
            )
        if self.appendix is None:
            self.numbers[chart_id] = sum(isinstance(n, int) for n in self.numbers.values()) + 1
        else:
            count = self._in_appendix[self.appendix] = self._in_appendix.get(self.appendix, 0) + 1
            self.numbers[chart_id] = f"B{self.appendix}.{count}"
        return Markup("")

    def label(self, chart_id: str) -> str | None:
        known = chart_id in self.charts or chart_id in self.broken or chart_id in self.unread
        return "figur" if known else None


def check_charts(
    located: Located, problems: Problems
) -> tuple[dict[str, ChartSpec], dict[str, int], set[str]]:
    """The valid chart descriptions by id and the line of each; report the rest.

    Each chart is checked on its own, so one mistake does not hide the other charts; the
    ids of charts with mistakes are returned too, so the text's references to them do not
    add a second, misleading error.
    """
    data = located.data if isinstance(located.data, dict) else {}
    check_part(ChartFile, {k: v for k, v in data.items() if k != "charts"}, located, (), problems)
    items = data.get("charts") or []
    if not isinstance(items, list):
        problems.fail(located.path, located.line(("charts",)), "charts ska vara en lista med diagram.")
        items = []
    charts: dict[str, ChartSpec] = {}
    lines: dict[str, int] = {}
    broken: set[str] = set()
    for i, item in enumerate(items):
        line = located.line(("charts", i, "id"))
        chart = check_part(ChartSpec, item, located, ("charts", i), problems)
        if chart is None:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                broken.add(item["id"])
        elif chart.id in charts:
            problems.fail(
                located.path, line, f"diagrammet '{chart.id}' finns redan på rad {lines[chart.id]}."
            )
        else:
            charts[chart.id] = chart
            lines[chart.id] = line
    return charts, lines, broken
