"""Stage 3, charts: each placed chart's numbers computed with pandas and drawn as SVG.

Reads the validated Report (chart descriptions, facts, data files) and produces one
`Figure` per chart placed in the text, numbered "Figur N" in the order of placement.
A chart whose description, data and drawing code are unchanged comes from the cache whole
(SVG and table of numbers), without loading pandas or Altair; new ones are returned as cache
entries for the write stage to store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kfsreport import __version__, locale
from kfsreport.charts.spec import ChartSpec
from kfsreport.charts.svg import CACHE_DIR, CACHE_VERSION, svg_text, to_svg, with_fonts
from kfsreport.errors import Problems
from kfsreport.load import inside
from kfsreport.validate import Report

if TYPE_CHECKING:
    import pandas as pd

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
        key = source_key(report, spec, template_dirs)
        drawn = _cached(report.root, key) if key else None
        if drawn is None:
            origin = (report.charts_path, report.chart_lines.get(chart_id))
            drawn = _draw(report, spec, origin, template_dirs, problems)
            if drawn is None:
                continue
            if key:
                entry = {"svg": drawn[0], "table": asdict(drawn[1])}
                result.cache_entries[report.root / CACHE_DIR / f"{key}.json"] = json.dumps(entry).encode()
        result.figures[chart_id] = Figure(spec, number, *drawn)
    problems.raise_if_any()
    return result


def source_key(report: Report, spec: ChartSpec, template_dirs: list[Path]) -> str | None:
    """A hash of everything a chart is made from, or None if its data file cannot be read."""
    parts: list[Any] = [
        CACHE_VERSION,
        __version__,
        [version(name) for name in ("vl-convert-python", "altair", "pandas")],
        spec.model_dump(mode="json"),
        locale.d3_number_locale(),
        locale.d3_time_locale(),
    ]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())
    if spec.data:
        path = inside(report.root, report.root / spec.data)
        if path is None or not path.is_file():
            return None
        digest.update(path.read_bytes())
    if spec.facts:
        digest.update(report.facts.model_dump_json().encode())
    for name in FONT_FILES.values():
        font = _font(template_dirs, name)
        digest.update(font.read_bytes() if font else b"-")
    return digest.hexdigest()


def _cached(root: Path, key: str) -> tuple[str, DataTable] | None:
    try:
        entry = json.loads((root / CACHE_DIR / f"{key}.json").read_text(encoding="utf-8"))
        return str(entry["svg"]), DataTable(**entry["table"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _draw(
    report: Report,
    spec: ChartSpec,
    origin: tuple[str, int | None],
    template_dirs: list[Path],
    problems: Problems,
) -> tuple[str, DataTable] | None:
    """Read the data, compute with pandas, draw with Altair and vl-convert (imported only here)."""
    from kfsreport.charts.compute import chart_frame
    from kfsreport.charts.draw import vega_lite

    frame = chart_frame(spec, report.root, report.facts, problems, origin)
    if frame is None:
        return None
    fonts = [d / "fonts" for d in template_dirs if (d / "fonts").is_dir()]
    svg = _with_report_font(to_svg(vega_lite(spec, frame), fonts), template_dirs)
    return svg, data_table(spec, frame)


def _font(template_dirs: list[Path], name: str) -> Path | None:
    from kfsreport.stylesheets import find_template_file

    return find_template_file(template_dirs, name)


def data_table(spec: ChartSpec, frame: pd.DataFrame) -> DataTable:
    """The plotted numbers, formatted the Swedish way, as rows of text."""
    from kfsreport.charts.draw import value_label

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
    import pandas as pd

    return bool(pd.api.types.is_datetime64_any_dtype(column) and (column.dt.day == 1).all())


def _text(value: object, monthly: bool = False) -> str:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return locale.month(value.date()) if monthly else locale.date(value.date())
    return str(value)


def _with_report_font(svg: str, template_dirs: list[Path]) -> str:
    from kfsreport.stylesheets import subset_font

    chars = set(svg_text(svg))
    faces = {}
    for weight, name in FONT_FILES.items():
        path = _font(template_dirs, name)
        if path is not None:
            faces[weight] = subset_font(path, chars, base=False)  # only the chart's own characters
    return with_fonts(svg, faces)
