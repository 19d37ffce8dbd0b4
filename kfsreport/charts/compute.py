"""From a chart description to its table of numbers: read the data, then compute with pandas.

The data come from a file in `data/` (read by `kfsreport.load.datasets`), from `values:` written
in the description, or from the facts themselves (`facts: plan.activities`). One optional
computation (share, change, cumulative, per 1 000, count) then derives the plotted column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from kfsreport.charts.spec import COMPUTE_KEY, SERIES_KEY, SOURCE_KEY, ChartSpec, ColumnType, Compute
from kfsreport.errors import Problems, ReportError, suggest
from kfsreport.load.datasets import read_dataset
from kfsreport.load.schema import Facts, Words

Origin = tuple[str, int | None]


class ComputeError(ReportError):
    """A computation that cannot be done with these data, not yet located; in Swedish."""


def chart_frame(
    spec: ChartSpec,
    root: Path,
    facts: Facts,
    problems: Problems,
    origin: Origin,
    keys: Mapping[str, int] | None = None,
    words: Words | None = None,
) -> pd.DataFrame | None:
    """The numbers a chart plots: its data source with the computation applied. A problem
    with a column is reported at the line of the key that names it (`keys`); charts of the
    facts label statuses and priorities with report.yaml's `words`."""
    keys = keys or {}
    frame = _source(spec, root, facts, problems, origin, keys, words or Words())
    if frame is None:
        return None
    if not _has_columns(frame, needed_columns(spec), problems, origin, keys):
        return None
    if not _types_for_read_columns(spec, problems, origin, keys):
        return None
    if spec.series and spec.type in ("bar", "part_of_whole", "key_number"):
        problems.fail(
            origin[0],
            keys.get(SERIES_KEY, origin[1]),
            f"diagrammet '{spec.id}' är av typen {spec.type}, som inte delar upp värdena i serier, "
            f"så series: {spec.series} skulle inte synas: värdena skulle ritas ovanpå varandra.",
            hint="Skriv type: grouped_bar eller stacked_bar, eller ta bort series.",
        )
        return None
    if spec.series_columns and spec.series:
        frame = _long(frame, spec.series_columns, spec.series, spec.y)
    if not _every_place_named(spec, frame, problems, origin, keys):
        return None
    try:
        frame = apply(spec.compute, frame) if spec.compute else frame
    except ComputeError as error:  # reported at the chart's `compute:` line
        problems.fail(origin[0], keys.get(COMPUTE_KEY, origin[1]), error.message, hint=error.hint)
        return None
    plotted = [spec.x, spec.y] + ([spec.series] if spec.series else [])
    if not _has_columns(frame, plotted, problems, origin, keys):
        return None
    if frame.empty:
        problems.fail(*origin, f"diagrammet '{spec.id}' har inga rader att visa.")
        return None
    if spec.type != "key_number" and not _one_value_per_place(spec, frame, problems, origin, keys):
        return None
    if spec.type == "part_of_whole" and not _no_negative_part(spec, frame, problems, origin, keys):
        return None
    return sorted_by_value(spec, frame)


def sorted_by_value(spec: ChartSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a bar chart with `sort: ascending` or `descending` in the order of their
    category's value (its total, for grouped and stacked bars), ties in the file's order.
    The chart and its table of figures both follow it. (Sorting was Vega's, by the names:
    fifteen municipalities came out in reverse alphabetical order, Å before Ä as in no
    Swedish list, when the writer asked for the largest first.)"""
    if spec.sort == "data" or spec.type not in ("bar", "grouped_bar", "stacked_bar"):
        return frame
    totals = frame.groupby(spec.x, sort=False)[spec.y].sum(min_count=1)
    order = totals.sort_values(ascending=spec.sort == "ascending", kind="stable", na_position="last")
    rank = {category: i for i, category in enumerate(order.index)}
    keys = frame[spec.x].map(rank)
    return frame.iloc[keys.argsort(kind="stable")].reset_index(drop=True)


def _long(frame: pd.DataFrame, columns: list[str], series: str, value: str) -> pd.DataFrame:
    """A wide table (a column per series) as a long one: a row per category and series, the
    series in the order of `columns` (so a stacked bar stacks them in that order)."""
    kept = [column for column in frame.columns if column not in columns]
    return frame.melt(id_vars=kept, value_vars=columns, var_name=series, value_name=value)


def _no_negative_part(
    spec: ChartSpec, frame: pd.DataFrame, problems: Problems, origin: Origin, keys: Mapping[str, int]
) -> bool:
    """A part of a whole below zero cannot be drawn as a part: the bar came apart, its labels
    out of place."""
    negative = [(row, value) for row, value in zip(frame[spec.x], frame[spec.y], strict=True) if value < 0]
    if negative:
        row, value = negative[0]
        shown = f"{value:g}".replace(".", ",").replace("-", "−")
        problems.fail(
            origin[0],
            keys.get(spec.y, origin[1]),
            f"diagrammet '{spec.id}' visar delar av en helhet (part_of_whole), men '{row}' har det "
            f"negativa värdet {shown}; en del av en helhet kan inte vara mindre än noll.",
            hint="Visa värdena som staplar med type: bar, som också kan visa negativa tal.",
        )
    return not negative


def _types_for_read_columns(
    spec: ChartSpec, problems: Problems, origin: Origin, keys: Mapping[str, int]
) -> bool:
    """A type in `columns:` for a column the chart does not read is a misspelt name: without
    this, the column it meant was read with its default type, and the line did nothing."""
    read = [*needed_columns(spec), spec.x, spec.y, *([spec.series] if spec.series else [])]
    unread = [column for column in spec.columns if column not in read]
    for column in unread:
        close = suggest(column, read)
        problems.fail(
            origin[0],
            keys.get(column, origin[1]),
            f"diagrammet '{spec.id}': columns nämner kolumnen '{column}', som diagrammet inte läser"
            + (f" {close}" if close else "")
            + ".",
            hint="Rätta namnet, eller ta bort raden.",
        )
    return not unread


def _every_place_named(
    spec: ChartSpec, frame: pd.DataFrame, problems: Problems, origin: Origin, keys: Mapping[str, int]
) -> bool:
    """A category (or series) cell left empty would give a bar, a point or a slice without a
    name; Excel's merged cells leave such cells, as does a row finished in a hurry."""
    named = True
    for column in [spec.x] + ([spec.series] if spec.series else []):
        if column not in frame.columns:
            continue
        empty = [row for row, value in enumerate(frame[column], start=1) if _blank(value)]
        if not empty:
            continue
        named = False
        problems.fail(
            origin[0],
            keys.get(column, origin[1]),
            f"diagrammet '{spec.id}': kolumnen '{column}' är tom på {len(empty)} av datans rader "
            f"(först på datarad {empty[0]}), så det som ritas där skulle sakna namn.",
            hint="Skriv namnet på varje rad. En sammanslagen cell i Excel lämnar de andra cellerna "
            "tomma: dela upp den och skriv namnet i varje cell.",
        )
    return named


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def _one_value_per_place(
    spec: ChartSpec, frame: pd.DataFrame, problems: Problems, origin: Origin, keys: Mapping[str, int]
) -> bool:
    """Two rows with the same category (and series) would be drawn on top of each other."""
    place = [spec.x] + ([spec.series] if spec.series else [])
    repeats = frame.groupby(place, sort=False, dropna=False).size()
    repeats = repeats[repeats > 1]
    if repeats.empty:
        return True
    key = repeats.index[0] if isinstance(repeats.index[0], tuple) else (repeats.index[0],)
    where = " och ".join(f"'{value}'" for value in key)
    problems.fail(
        origin[0],
        keys.get(SOURCE_KEY, origin[1]),
        f"diagrammet '{spec.id}': {where} står på {int(repeats.iloc[0])} "
        "rader i datan, så värdena skulle ritas ovanpå varandra.",
        hint="Ta bort raden som är för mycket, eller räkna ihop raderna med compute: (till exempel count).",
    )
    return False


def needed_columns(spec: ChartSpec) -> list[str]:
    """The columns the description reads from its source (before the computation)."""
    produced = _produced(spec.compute)
    if spec.series_columns:  # `series` and `y` are made from these columns (`_long`)
        made = {spec.series, spec.y, produced}
        read = [spec.x, *spec.series_columns, *_inputs(spec.compute)]
        return list(dict.fromkeys(c for c in read if c and c not in made))
    wanted = [spec.x, spec.series, *_inputs(spec.compute)]
    if spec.y != produced:
        wanted.append(spec.y)
    return list(dict.fromkeys(c for c in wanted if c and c != produced))


def column_types(spec: ChartSpec) -> dict[str, ColumnType]:
    """Each needed column's type: as `columns:` says, else by its role (values are numbers)."""
    numeric = {spec.y, *(spec.series_columns or []), *_numeric_inputs(spec.compute)}
    return {
        column: spec.columns.get(column, "number" if column in numeric else "text")
        for column in needed_columns(spec)
    }


def apply(compute: Compute, frame: pd.DataFrame) -> pd.DataFrame:
    """Apply the one computation in `compute` and return the new frame."""
    frame = frame.copy()
    if compute.share:
        column, total = compute.share.column, frame[compute.share.column]
        sums = (
            frame.groupby(compute.share.within)[column].transform("sum")
            if compute.share.within
            else total.sum()
        )
        if (pd.Series(sums) == 0).any():
            raise ComputeError(f"andelen kan inte räknas ut: summan av '{column}' är 0.")
        frame[compute.share.name] = total / sums * 100
    elif compute.change:
        start, end = frame[compute.change.start], frame[compute.change.end]
        if compute.change.mode == "percent":
            if (start == 0).any():
                raise ComputeError(
                    f"förändringen i procent kan inte räknas ut när '{compute.change.start}' är 0."
                )
            frame[compute.change.name] = (end - start) / start * 100
        else:
            frame[compute.change.name] = end - start
    elif compute.cumulative:
        frame[compute.cumulative.name] = frame[compute.cumulative.column].cumsum()
    elif compute.per_1000:
        population = frame[compute.per_1000.population]
        if (population == 0).any():
            raise ComputeError(
                f"'{compute.per_1000.population}' är 0 på någon rad; det går inte att dela med 0."
            )
        frame[compute.per_1000.name] = frame[compute.per_1000.column] / population * 1000
    elif compute.count:
        frame = frame.groupby(compute.count.by, sort=False).size().reset_index(name=compute.count.name)
    return frame


def facts_frame(facts: Facts, source: str, words: Words | None = None) -> pd.DataFrame:
    """The facts as a table, for charts that count them (`facts: plan.activities`). Statuses
    and priorities are labelled with the words the templates use (report.yaml's `words:`)."""
    words = words or Words()
    status_labels = words.status.model_dump()
    priority_labels = {"high": words.high_priority, "normal": words.normal_priority}
    goals = {goal.id: goal for goal in facts.plan.goals}
    if source == "plan.activities":
        rows: Iterable[dict[str, Any]] = (
            {
                "id": a.id,
                "goal": a.goal,
                "goal_label": goals[a.goal].label or goals[a.goal].text if a.goal in goals else a.goal,
                "text": a.text,
                "status": a.status,
                "status_label": status_labels[a.status],
                "responsible": a.responsible or "",
                "period": a.period or "",
                "count": 1,
            }
            for a in facts.plan.activities
        )
    elif source == "economy":
        rows = _economy_rows(facts)
    elif source == "action_plan":
        rows = (
            {
                "group": group.title,
                "text": action.text,
                "priority": action.priority,
                "priority_label": priority_labels[action.priority],
                "responsible": action.responsible or "",
                "period": action.period or "",
                "count": 1,
            }
            for group in (facts.action_plan.groups if facts.action_plan else [])
            for action in group.actions
        )
    else:
        lists: dict[str, Sequence[BaseModel]] = {
            "plan.goals": facts.plan.goals,
            "assignments": facts.assignments,
            "conclusions": facts.conclusions,
            "recommendations": facts.recommendations,
            "meetings": facts.meetings,
            "members": facts.members,
        }
        items = lists[source]
        rows = ({**item.model_dump(mode="json"), "count": 1} for item in items)
        if source == "plan.goals":
            rows = (
                {**row, "status_label": status_labels[row["status"]] if row["status"] else ""} for row in rows
            )
    return pd.DataFrame(list(rows))


def _economy_rows(facts: Facts) -> list[dict[str, Any]]:
    """The economy as rows `post`, `belopp`: budget, the period's budget, outcome, forecast."""
    economy = facts.economy
    if economy is None:
        return []
    posts = [
        ("Budget för året", economy.budget),
        ("Budget för perioden", economy.budget_period),
        ("Utfall", economy.outcome),
        ("Prognos för året", economy.forecast),
    ]
    return [{"post": post, "belopp": value, "count": 1} for post, value in posts if value is not None]


def _source(
    spec: ChartSpec,
    root: Path,
    facts: Facts,
    problems: Problems,
    origin: Origin,
    keys: Mapping[str, int],
    words: Words,
) -> pd.DataFrame | None:
    if spec.facts:
        return facts_frame(facts, spec.facts, words)
    types = column_types(spec)
    if spec.data:
        return read_dataset(
            root,
            spec.data,
            types,
            problems,
            origin,
            sheet=spec.sheet,
            missing=spec.missing,
            separators=(spec.decimal, spec.thousands),
            key_lines=keys,
        )
    return _inline(spec.values or [], types, problems, origin, keys)


def _inline(
    rows: list[dict[str, str | None]],
    types: dict[str, ColumnType],
    problems: Problems,
    origin: Origin,
    keys: Mapping[str, int],
) -> pd.DataFrame | None:
    from kfsreport.load.datasets import convert_cell

    frame: dict[str, list[Any]] = {column: [] for column in types}
    ok = True
    for number, row in enumerate(rows, start=1):
        for column, kind in types.items():
            text = row.get(column)
            try:
                frame[column].append(convert_cell("" if text is None else str(text), kind))
            except ValueError as error:
                problems.fail(*origin, f"values, rad {number}, kolumnen '{column}': {error}")
                ok = False
    if not rows:
        problems.fail(*origin, "values är tom.", "Skriv minst en rad.")
        return None
    known = {key for row in rows for key in row}
    if not _has_columns(pd.DataFrame(columns=sorted(known)), list(types), problems, origin, keys):
        return None
    return pd.DataFrame(frame) if ok else None


def _has_columns(
    frame: pd.DataFrame, wanted: list[str], problems: Problems, origin: Origin, keys: Mapping[str, int]
) -> bool:
    present = [str(c) for c in frame.columns]
    missing = [column for column in wanted if column not in present]
    for column in missing:
        hint = suggest(column, present) or f"Kolumner som finns: {', '.join(present)}."
        problems.fail(origin[0], keys.get(column, origin[1]), f"kolumnen '{column}' finns inte.", hint=hint)
    return not missing


def _produced(compute: Compute | None) -> str | None:
    if compute is None:
        return None
    step = next(getattr(compute, name) for name in type(compute).model_fields if getattr(compute, name))
    return str(step.name)


def _inputs(compute: Compute | None) -> list[str]:
    if compute is None:
        return []
    if compute.share:
        return [compute.share.column] + ([compute.share.within] if compute.share.within else [])
    if compute.change:
        return [compute.change.start, compute.change.end]
    if compute.cumulative:
        return [compute.cumulative.column]
    if compute.per_1000:
        return [compute.per_1000.column, compute.per_1000.population]
    return list(compute.count.by) if compute.count else []


def _numeric_inputs(compute: Compute | None) -> list[str]:
    if compute is None or compute.count:
        return []
    inputs = _inputs(compute)
    if compute.share and compute.share.within:
        inputs.remove(compute.share.within)
    return inputs
