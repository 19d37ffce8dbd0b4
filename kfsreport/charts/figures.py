"""Stage 3, charts: each placed chart's numbers computed with pandas and drawn as SVG.

Reads the validated Report (chart descriptions, facts, data files) and produces one
`Figure` per chart placed in the text, numbered "Figur N" in the order of placement.
SVGs come from the cache when nothing that shapes them changed; new ones are returned as
cache entries for the write stage to store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kfsreport import locale
from kfsreport.charts.compute import chart_frame
from kfsreport.charts.draw import value_label, vega_lite
from kfsreport.charts.spec import ChartSpec
from kfsreport.charts.svg import CACHE_DIR, cache_key, cached_svg, svg_text, to_svg, with_fonts
from kfsreport.errors import Problems
from kfsreport.validate import Report

FONT_FILES = {400: "fonts/SourceSans3-Regular.ttf", 600: "fonts/SourceSans3-Semibold.ttf"}


@dataclass(frozen=True)
class DataTable:
    """A chart's numbers as a table for readers who cannot see the chart."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Figure:
    spec: ChartSpec
    number: int
    svg: str
    table: DataTable


@dataclass
class Charts:
    figures: dict[str, Figure] = field(default_factory=dict)
    cache_entries: dict[Path, bytes] = field(default_factory=dict)


def render_charts(report: Report, template_dirs: list[Path], problems: Problems) -> Charts:
    """Compute and draw every chart the text places; raise with every problem found."""
    result = Charts()
    for chart_id, number in report.figure_numbers.items():
        spec = report.charts[chart_id]
        origin = (report.charts_path, report.chart_lines.get(chart_id))
        frame = chart_frame(spec, report.root, report.facts, problems, origin)
        if frame is None:
            continue
        spec_dict = vega_lite(spec, frame)
        key = cache_key(spec_dict)
        svg = cached_svg(report.root, key)
        if svg is None:
            fonts = [d / "fonts" for d in template_dirs if (d / "fonts").is_dir()]
            svg = _with_report_font(to_svg(spec_dict, fonts), template_dirs)
            result.cache_entries[report.root / CACHE_DIR / f"{key}.svg"] = svg.encode("utf-8")
        result.figures[chart_id] = Figure(spec, number, svg, data_table(spec, frame))
    problems.raise_if_any()
    return result


def data_table(spec: ChartSpec, frame: pd.DataFrame) -> DataTable:
    """The plotted numbers, formatted the Swedish way, as rows of text."""
    headers = [spec.x_title or spec.x]
    if spec.series:
        headers.append(spec.series)
    headers.append(spec.y_title or spec.y)
    monthly = _monthly(frame[spec.x])
    rows = []
    for _, row in frame.iterrows():
        cells = [_text(row[spec.x], monthly)]
        if spec.series:
            cells.append(_text(row[spec.series]))
        cells.append(value_label(spec, row[spec.y]))
        rows.append(cells)
    return DataTable(headers, rows)


def _monthly(column: pd.Series) -> bool:
    """True for a date column where every date is the first of its month (a monthly series)."""
    return bool(pd.api.types.is_datetime64_any_dtype(column) and (column.dt.day == 1).all())


def _text(value: object, monthly: bool = False) -> str:
    if isinstance(value, pd.Timestamp):
        return locale.month(value.date()) if monthly else locale.date(value.date())
    return str(value)


def _with_report_font(svg: str, template_dirs: list[Path]) -> str:
    from kfsreport.stylesheets import find_template_file, subset_font

    chars = set(svg_text(svg))
    faces = {}
    for weight, name in FONT_FILES.items():
        path = find_template_file(template_dirs, name)
        if path is not None:
            faces[weight] = subset_font(path, chars, base=False)  # only the chart's own characters
    return with_fonts(svg, faces)
