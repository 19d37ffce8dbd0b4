"""Stage 3, charts: each placed chart's numbers computed with pandas and drawn as SVG.

Reads the validated Report (chart descriptions, facts, data files) and produces one
`Figure` per chart placed in the text, numbered "Figur N" in the order of placement.
A chart whose description, data and drawing code are unchanged comes from the cache whole
(SVG and table of numbers), without loading pandas or Altair; new ones are returned as cache
entries for the write stage to store. Drawing is a function given by the caller (the
pipeline draws in its print process when it has one), by default `draw_here`;
`begin_charts` starts it in a thread, so that the page can be rendered meanwhile with
stand-ins (`ChartsInProgress`).

A figure's SVG names the report font but does not carry it: WeasyPrint draws chart text with
the fonts of the print stylesheet, so the print edition (and the PDF's critical path) needs no
font work. The web page shows each chart as an `<img>`, which cannot see the page's fonts,
so `screen_svg` embeds the subset of the font that the chart draws.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
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
from kfsreport.render.templates import b64
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
    stand_ins: frozenset[str] = frozenset()
    """The charts whose `svg` is a stand-in while they are drawn (`ChartsInProgress`)."""


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
    charts = begin_charts(report, template_dirs, problems, cache, draw).finish()
    problems.raise_if_any()
    return charts


def begin_charts(
    report: Report,
    template_dirs: list[Path],
    problems: Problems,
    cache: Path | None = None,
    draw: Draw = draw_here,
    *,
    background: bool = False,
) -> ChartsInProgress:
    """Compute every chart the text places that is not in `cache`, and start drawing them
    with `draw`: in a thread with `background` (the print process draws them while this
    process renders the page with `stand_ins`), else now. `finish()` gives the charts."""
    return ChartsInProgress(report, template_dirs, problems, cache, draw, background)


class ChartsInProgress:
    """The charts of one build while they are drawn.

    `stand_ins` are the charts with each one being drawn standing in as an SVG of its own
    (`stand_in`), with its real number and table: a page rendered with them is the real page
    once each stand-in's Base64 is replaced by the drawn chart's (`pages.fill_charts`). The
    stand-ins' Base64 uses every Base64 character, as a drawn chart's does, so the page's
    font subsets (made from every character on the page) are the same too."""

    def __init__(
        self,
        report: Report,
        template_dirs: list[Path],
        problems: Problems,
        cache: Path | None,
        draw: Draw,
        background: bool,
    ) -> None:
        self._report, self._cache, self._draw = report, cache, draw
        self._found: dict[str, tuple[str, DataTable]] = {}
        missing = _missing(report, template_dirs, cache, self._found)
        self._frames = _frames(report, missing, problems) if missing else []
        self._colours = _colours(report) if self._frames else None
        self._fonts = [d / "fonts" for d in template_dirs if (d / "fonts").is_dir()]
        pairs = [(spec, frame) for _, spec, frame in self._frames]
        self._steps = _first_steps(pairs)
        specs = _first_specs(pairs, self._colours, self._steps)
        if not specs:
            self._first: Callable[[], list[str]] = list
        elif background:
            self._first = _in_background(draw, specs, self._fonts)
        else:
            drawn = draw(specs, self._fonts)
            self._first = lambda: drawn
        self._tables = [data_table(spec, frame) for _, spec, frame in self._frames]
        figures = {
            chart_id: (stand_in(i), table)
            for i, (((chart_id, _), _, _), table) in enumerate(zip(self._frames, self._tables, strict=True))
        }
        self.stand_ins = _charts(report, {**self._found, **figures}, frozenset(figures))
        self._done: Charts | None = None

    def finish(self) -> Charts:
        """The drawn charts (those whose labels met drawn again with fewer), and the cache
        entries of the new ones; waits for the drawing. Raises nothing for the problems
        found: the caller does, when it is done."""
        if self._done is not None:
            return self._done
        first = self._first()
        self._first = lambda: first
        pairs = [(spec, frame) for _, spec, frame in self._frames]
        svgs = _thinned(pairs, self._colours, self._fonts, self._draw, first, self._steps)
        drawn = dict(self._found)
        entries: dict[Path, bytes] = {}
        for ((chart_id, key), _, _), svg, table in zip(self._frames, svgs, self._tables, strict=True):
            drawn[chart_id] = (svg, table)
            if key and self._cache:
                entry = {"svg": svg, "table": asdict(drawn[chart_id][1])}
                entries[self._cache / "charts" / f"{key}.json"] = json.dumps(entry).encode()
        self._done = _charts(self._report, drawn, frozenset())
        self._done.cache_entries.update(entries)
        return self._done

    def wait(self) -> None:
        """Wait for the drawing started, whatever became of it (the build stopped)."""
        with contextlib.suppress(Exception):
            self._first()


def stand_in(number: int) -> str:
    """An SVG standing in for the `number`th chart being drawn: unique, and with every
    Base64 character in its Base64, padding `=` included (see `ChartsInProgress`)."""
    text = f'<svg xmlns="http://www.w3.org/2000/svg" data-kfsreport-ritas="{number}"><desc>'
    end = "</desc></svg>"
    characters = "".join(chr(code) for code in range(0x21, 0x7F) if chr(code) not in "<>&")
    filler = characters
    while len(set(b64(text + filler + end))) < 65:  # each at all three places of a group
        filler += characters[len(filler) % len(characters) :] + "x"
    return text + filler + end


def _charts(report: Report, drawn: dict[str, tuple[str, DataTable]], stand_ins: frozenset[str]) -> Charts:
    result = Charts(stand_ins=stand_ins)
    for chart_id, number in report.figure_numbers.items():
        if chart_id in drawn:
            result.figures[chart_id] = Figure(report.charts[chart_id], number, *drawn[chart_id])
    return result


def _in_background(draw: Draw, specs: list[dict[str, Any]], fonts: list[Path]) -> Callable[[], list[str]]:
    """`draw` run in a thread; the function returned waits for its SVGs (or its exception)."""
    outcome: list[list[str]] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(draw(specs, fonts))
        except BaseException as error:  # handed to whoever waits
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def wait() -> list[str]:
        thread.join()
        if failure:
            raise failure[0]
        return outcome[0]

    return wait


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
    frames = _frames(report, missing, problems)
    fonts = [d / "fonts" for d in template_dirs if (d / "fonts").is_dir()]
    svgs = draw_apart([(spec, frame) for _, spec, frame in frames], _colours(report), fonts, draw)
    return [
        (ident, (svg, data_table(spec, frame)))
        for (ident, spec, frame), svg in zip(frames, svgs, strict=True)
    ]


def _frames(
    report: Report, missing: list[tuple[str, str | None]], problems: Problems
) -> list[tuple[tuple[str, str | None], ChartSpec, pd.DataFrame]]:
    """Each missing chart's numbers, computed with pandas (problems reported, those charts left out)."""
    from kfsreport.charts.compute import chart_frame

    frames = []
    for chart_id, key in missing:
        spec = report.charts[chart_id]
        keys = report.column_lines.get(chart_id, {})
        origin = (report.charts_path, keys.get(SOURCE_KEY, report.chart_lines.get(chart_id)))
        frame = chart_frame(spec, report.root, report.facts, problems, origin, keys, report.settings.words)
        if frame is not None:
            frames.append(((chart_id, key), spec, frame))
    return frames


def _colours(report: Report) -> list[str] | None:
    from kfsreport.render.theme import palette

    return palette(report.settings.theme)


def draw_apart(
    charts: list[tuple[ChartSpec, pd.DataFrame]], colours: list[str] | None, fonts: list[Path], draw: Draw
) -> list[str]:
    """Each chart's SVG, drawn all at once by `draw`, and drawn again with fewer axis labels
    (`draw.vega_lite`'s `fewer`) while two labels of one axis meet (`crowding.py`). A chart
    starts at the first step whose labels are few enough to be apart (`draw.first_step`):
    the steps before it would all be drawn only to meet."""
    steps = _first_steps(charts)
    specs = _first_specs(charts, colours, steps)
    return _thinned(charts, colours, fonts, draw, draw(specs, fonts) if specs else [], steps)


def _first_steps(charts: list[tuple[ChartSpec, pd.DataFrame]]) -> list[int]:
    """The thinning step each chart is first drawn at (`draw.first_step`)."""
    if not charts:
        return []  # nothing to draw: neither pandas nor Altair is loaded
    from kfsreport.charts.draw import first_step

    return [first_step(spec, frame, THINNING) for spec, frame in charts]


def _first_specs(
    charts: list[tuple[ChartSpec, pd.DataFrame]], colours: list[str] | None, steps: list[int]
) -> list[dict[str, Any]]:
    """Each chart's Vega-Lite description at its first step."""
    if not charts:
        return []
    from kfsreport.charts.draw import vega_lite

    return [vega_lite(spec, frame, colours, step) for (spec, frame), step in zip(charts, steps, strict=True)]


def _thinned(
    charts: list[tuple[ChartSpec, pd.DataFrame]],
    colours: list[str] | None,
    fonts: list[Path],
    draw: Draw,
    first: list[str],
    steps: list[int],
) -> list[str]:
    """The charts as first drawn (`first`, at `steps`), each whose labels meet drawn again
    a step further, until none meet or the last step is drawn."""
    if not charts:
        return []
    from kfsreport.charts.crowding import meet
    from kfsreport.charts.draw import vega_lite

    step = dict(enumerate(steps))
    svgs = dict(zip(range(len(charts)), first, strict=True))
    pending = [i for i in range(len(charts)) if step[i] < THINNING and meet(svgs[i])]
    while pending:
        for i in pending:
            step[i] += 1
        drawn = draw([vega_lite(*charts[i], colours, step[i]) for i in pending], fonts)
        svgs.update(zip(pending, drawn, strict=True))
        pending = [i for i in pending if step[i] < THINNING and meet(svgs[i])]
    _segments_as_drawn(charts, colours, fonts, draw, svgs, step)
    _without_values(charts, colours, fonts, draw, svgs, step)
    return [svgs[i] for i in range(len(charts))]


def _segments_as_drawn(
    charts: list[tuple[ChartSpec, pd.DataFrame]],
    colours: list[str] | None,
    fonts: list[Path],
    draw: Draw,
    svgs: dict[int, str],
    step: dict[int, int],
) -> None:
    """Stacked bars drawn again where the segments as drawn (`crowding.bars`: the plot's
    width is known only then) give other values room than the chart's size foretold: a
    value that does not fit in its segment is left out, one that does is written. A chart
    with a value still outside its segment (`crowding.outside_segments`) is drawn without
    the segments' values: the chart's table and alt text give them."""
    from kfsreport.charts.crowding import bars, outside_segments
    from kfsreport.charts.draw import measured_room, segments_fit, vega_lite

    again: dict[int, tuple[float, float]] = {}
    for i, (spec, frame) in enumerate(charts):
        if spec.type != "stacked_bar" or not spec.labels:
            continue
        room = measured_room(spec, frame, bars(svgs[i]))
        if room is not None and segments_fit(spec, frame, step[i], room) != segments_fit(
            spec, frame, step[i]
        ):
            again[i] = room
    if again:
        specs = [vega_lite(*charts[i], colours, step[i], room=room) for i, room in again.items()]
        svgs.update(zip(again, draw(specs, fonts), strict=True))
    outside = [
        i for i, (spec, _) in enumerate(charts) if spec.type == "stacked_bar" and outside_segments(svgs[i])
    ]
    if outside:
        bare = [
            vega_lite(charts[i][0].model_copy(update={"labels": False}), charts[i][1], colours, step[i])
            for i in outside
        ]
        svgs.update(zip(outside, draw(bare, fonts), strict=True))


def _without_values(
    charts: list[tuple[ChartSpec, pd.DataFrame]],
    colours: list[str] | None,
    fonts: list[Path],
    draw: Draw,
    svgs: dict[int, str],
    step: dict[int, int],
) -> None:
    """Bars whose values still meet at the last step (more bars than upright values fit
    beside each other, say twenty in five groups), drawn again without them, thinned
    from the start: the value axis and the data table give the numbers."""
    from kfsreport.charts.crowding import values_meet

    crowded = [
        i
        for i, (spec, _) in enumerate(charts)
        if step[i] == THINNING
        and spec.labels
        and spec.type in ("bar", "grouped_bar")
        and values_meet(svgs[i])
    ]
    if crowded:
        bare = [(charts[i][0].model_copy(update={"labels": False}), charts[i][1]) for i in crowded]
        svgs.update(zip(crowded, draw_apart(bare, colours, fonts, draw), strict=True))


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
