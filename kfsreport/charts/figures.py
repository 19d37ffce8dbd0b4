"""Stage 3, charts: each placed chart's numbers computed with pandas and drawn as SVG.

Reads the validated Report (chart descriptions, facts, data files) and produces one
`Figure` per chart placed in the text, numbered "Figur N" in the order of placement.
A chart whose description, data and drawing code are unchanged comes from the cache whole
(SVG and table of numbers), without loading pandas or Altair; new ones are returned as cache
entries for the write stage to store. Drawing is a function given by the caller (the
pipeline draws in its print process when it has one), by default `draw_here`.

A figure's SVG names the report font but does not carry it: WeasyPrint draws chart text with
the fonts of the print stylesheet, so the print edition (and the PDF's critical path) needs no
font work. The web page shows each chart as an `<img>`, which cannot see the page's fonts,
so `screen_svg` embeds the subset of the font that the chart draws.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kfsreport import __version__
from kfsreport.charts.spec import SOURCE_KEY, ChartSpec
from kfsreport.charts.svg import CACHE_VERSION, svg_text, to_svg, with_fonts
from kfsreport.errors import Problems, shown
from kfsreport.load.folder import inside
from kfsreport.render import locale
from kfsreport.render.stylesheets import (
    UnreadableFont,
    find_template_file,
    subset_font,
)
from kfsreport.validate.report import Report
from kfsreport.write.cache import fonts_dir
from kfsreport.write.fingerprint import file_digest, library_version

if TYPE_CHECKING:
    import pandas as pd

THINNING = 6
"""How many times a chart whose axis labels meet is drawn again with fewer (`draw.vega_lite`)."""
FONT_FILES = {400: "fonts/SourceSans3-Regular.ttf", 600: "fonts/SourceSans3-Semibold.ttf"}


@dataclass(frozen=True)
class DataTable:
    """A chart's numbers as a table for readers who cannot see the chart."""

    headers: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Figure:
    spec: ChartSpec
    number: int | str
    svg: str
    table: DataTable


@dataclass
class Charts:
    figures: dict[str, Figure] = field(default_factory=dict)
    cache_entries: dict[Path, bytes] = field(default_factory=dict)


Draw = Callable[[list[dict[str, Any]], list[Path]], list[str]]
"""Vega-Lite specs and font folders in, one SVG per spec out."""


def draw_here(specs: list[dict[str, Any]], font_dirs: list[Path]) -> list[str]:
    """Draw with vl-convert in this process."""
    return [to_svg(spec, font_dirs) for spec in specs]


def render_charts(
    report: Report,
    template_dirs: list[Path],
    problems: Problems,
    cache: Path | None = None,
    draw: Draw = draw_here,
) -> Charts:
    """Compute and draw every chart the text places; raise with every problem found.

    Charts not in `cache` (the report's cache folder; none: no cache) are computed here and
    drawn all at once by `draw`."""
    result = Charts()
    drawn: dict[str, tuple[str, DataTable]] = {}
    missing = _missing(report, template_dirs, cache, drawn)
    if missing:
        for (chart_id, key), svg_and_table in _draw_all(report, missing, template_dirs, problems, draw):
            drawn[chart_id] = svg_and_table
            if key and cache:
                entry = {"svg": svg_and_table[0], "table": asdict(svg_and_table[1])}
                result.cache_entries[cache / "charts" / f"{key}.json"] = json.dumps(entry).encode()
    for chart_id, number in report.figure_numbers.items():
        if chart_id in drawn:
            result.figures[chart_id] = Figure(report.charts[chart_id], number, *drawn[chart_id])
    problems.raise_if_any()
    return result


def uncached(report: Report, template_dirs: list[Path], cache: Path | None) -> bool:
    """True if some chart the text places must be drawn (it is not in `cache`)."""
    return bool(_missing(report, template_dirs, cache, {}))


def _missing(
    report: Report, template_dirs: list[Path], cache: Path | None, found: dict[str, tuple[str, DataTable]]
) -> list[tuple[str, str | None]]:
    """The placed charts not in `cache`, with their keys; those in it are put in `found`."""
    missing: list[tuple[str, str | None]] = []
    for chart_id in report.figure_numbers:
        key = source_key(report, report.charts[chart_id], template_dirs)
        cached = _cached(cache / "charts" / f"{key}.json") if key and cache else None
        if cached is None:
            missing.append((chart_id, key))
        else:
            found[chart_id] = cached
    return missing


def source_key(report: Report, spec: ChartSpec, template_dirs: list[Path]) -> str | None:
    """A hash of everything a chart is made from, or None if its data file cannot be read."""
    parts: list[Any] = [
        CACHE_VERSION,
        __version__,
        [library_version(name) for name in ("vl-convert-python", "altair", "pandas")],
        spec.model_dump(mode="json"),
        report.settings.theme.model_dump(mode="json"),
        locale.d3_number_locale(),
        locale.d3_time_locale(),
    ]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode())
    if spec.data:
        path = inside(report.root, report.root / spec.data)
        data = file_digest(path) if path is not None else None
        if data is None:
            return None
        digest.update(data)
    if spec.facts:
        digest.update(report.facts.model_dump_json().encode())
        digest.update(report.settings.words.model_dump_json().encode())
    for name in FONT_FILES.values():
        font = find_template_file(template_dirs, name)
        digest.update((file_digest(font) if font else None) or b"-")
    return digest.hexdigest()


def _cached(path: Path) -> tuple[str, DataTable] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return str(entry["svg"]), DataTable(**entry["table"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _draw_all(
    report: Report,
    missing: list[tuple[str, str | None]],
    template_dirs: list[Path],
    problems: Problems,
    draw: Draw,
) -> list[tuple[tuple[str, str | None], tuple[str, DataTable]]]:
    """Read the data, compute with pandas and describe with Altair, then draw every
    description at once with `draw`, and again, with fewer axis labels, each chart whose
    labels met (`crowding.py`)."""
    from kfsreport.charts.compute import chart_frame
    from kfsreport.render.theme import palette

    colours = palette(report.settings.theme)
    frames = []
    for chart_id, key in missing:
        spec = report.charts[chart_id]
        keys = report.column_lines.get(chart_id, {})
        origin = (report.charts_path, keys.get(SOURCE_KEY, report.chart_lines.get(chart_id)))
        frame = chart_frame(spec, report.root, report.facts, problems, origin, keys, report.settings.words)
        if frame is not None:
            frames.append(((chart_id, key), spec, frame))
    fonts = [d / "fonts" for d in template_dirs if (d / "fonts").is_dir()]
    svgs = draw_apart([(spec, frame) for _, spec, frame in frames], colours, fonts, draw)
    return [
        (ident, (svg, data_table(spec, frame)))
        for (ident, spec, frame), svg in zip(frames, svgs, strict=True)
    ]


def draw_apart(
    charts: list[tuple[ChartSpec, pd.DataFrame]], colours: list[str] | None, fonts: list[Path], draw: Draw
) -> list[str]:
    """Each chart's SVG, drawn all at once by `draw`, and drawn again with fewer axis labels
    (`draw.vega_lite`'s `fewer`) while two labels of one axis meet (`crowding.py`). A chart
    starts at the first step whose labels are few enough to be apart (`draw.first_step`):
    the steps before it would all be drawn only to meet."""
    from kfsreport.charts.crowding import meet
    from kfsreport.charts.draw import first_step, vega_lite

    svgs: dict[int, str] = {}
    step = {i: first_step(spec, frame, THINNING) for i, (spec, frame) in enumerate(charts)}
    pending = list(range(len(charts)))
    while pending:
        drawn = draw([vega_lite(*charts[i], colours, step[i]) for i in pending], fonts)
        svgs.update(zip(pending, drawn, strict=True))
        pending = [i for i in pending if step[i] < THINNING and meet(svgs[i])]
        for i in pending:
            step[i] += 1
    return [svgs[i] for i in range(len(charts))]


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


def screen_svg(
    svg: str, root: Path, template_dirs: list[Path], problems: Problems, cache: Path | None = None
) -> str:
    """The SVG with the report font embedded, subset to the characters it draws (each subset
    is kept in the cache's shared `fonts/`, so an unchanged chart costs no font work)."""
    chars = set(svg_text(svg))
    faces = {}
    for weight, name in FONT_FILES.items():
        path = find_template_file(template_dirs, name)
        if path is None:
            continue
        try:
            faces[weight] = subset_font(path, chars, fonts_dir(cache) if cache else None, base=False)
        except UnreadableFont as error:
            problems.add(error.located(shown(path, root)))
            return svg
    return with_fonts(svg, faces)
