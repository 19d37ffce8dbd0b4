"""The type sizes of texts in fixed places of the PDF: the largest at which they fit.

The cover.
print.css places the committee, the title, the subtitle and an interim report's period at
the bottom of the cover's field (`.cover-titles`), which has a fixed height under the logo
or the organisation's name. A long title at the full 44 pt, under a committee name of three
lines, grew up over the organisation's name. Each text is wrapped here, word by word, with
the report font's advance widths (`charts/measure.py`) at the widths print.css gives it; the
first title size at which the whole block fits the field, and every word of the title fits
its line, is chosen, and a committee name longer than two lines is set smaller. The sizes,
widths and the field's height mirror print.css (`.cover-*`); a report's own stylesheet with
other ones is not followed.

The year in numbers (`{{ aret_i_siffror }}`) stands in the side column, its figures in
20 pt; a figure and the first word of its unit are never broken apart (`1 417 000 000
kronor`), and at 20 pt such a run grew out over the text beside the column. The figure gets
the largest size at which its widest unbroken run fits the column (`side_figure_size`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kfsreport.charts.measure import text_width

TITLE_SIZES = (44, 38, 32, 27, 23)
"""The title's sizes in pt, largest first (print.css: `.cover-title` and `.cover-title-NN`)."""
KIND_SIZE, KIND_SMALL = 15.0, 12.0
"""The committee's size in pt, and its size when it would take more than two lines
(`.cover-kind`, `.cover-kind-small`)."""
SUBTITLE_SIZE, PERIOD_SIZE = 17.0, 14.0
TITLE_WIDTH_MM, NARROW_WIDTH_MM = 166.0, 140.0
"""The titles' block between the cover's 22 mm margins; the committee and subtitle lines."""
FIELD_MM = 125.0
"""The height the block may take: the field's 189 mm less its 20 mm padding at the top, the
logo's 20 mm at most, 18 mm at the bottom and 6 mm between the logo and the block."""
_PX_PER_PT = 96 / 72
_PX_PER_MM = 96 / 25.4
_MM_PER_PT = 25.4 / 72


SIDE_FIGURE_SIZES = (20, 16, 13, 11)
"""A side column figure's sizes in pt (print.css: `aside.year-in-numbers dd`, `.figure-NN`)."""
SIDE_MM = 50.0
"""The side column (print.css `--side`)."""


@dataclass(frozen=True)
class CoverSizes:
    """The classes the cover's texts get: empty where print.css's own size fits."""

    title: str = ""
    kind: str = ""


def cover_sizes(committee: str, title: str, subtitle: str | None, period: str | None) -> CoverSizes:
    """The largest sizes at which the cover's texts fit its field."""
    kind_lines = _lines(committee, KIND_SIZE, NARROW_WIDTH_MM, 600)
    kind_size = KIND_SIZE if kind_lines <= 2 else KIND_SMALL
    if kind_size != KIND_SIZE:
        kind_lines = _lines(committee, kind_size, NARROW_WIDTH_MM, 600)
    rest = kind_lines * kind_size * 1.25 * _MM_PER_PT + 5
    if subtitle:
        rest += _lines(subtitle, SUBTITLE_SIZE, NARROW_WIDTH_MM, 400) * SUBTITLE_SIZE * 1.25 * _MM_PER_PT
    if period:
        rest += 3 + _lines(period, PERIOD_SIZE, TITLE_WIDTH_MM, 400) * PERIOD_SIZE * 1.25 * _MM_PER_PT
    kind = "" if kind_size == KIND_SIZE else "cover-kind-small"
    for size in TITLE_SIZES:
        widest = max((text_width(word, size * _PX_PER_PT, 700) for word in title.split()), default=0)
        height = _lines(title, size, TITLE_WIDTH_MM, 700) * size * 1.02 * _MM_PER_PT + 5
        if widest <= TITLE_WIDTH_MM * _PX_PER_MM and rest + height <= FIELD_MM:
            return CoverSizes("" if size == TITLE_SIZES[0] else f"cover-title-{size}", kind)
    return CoverSizes(f"cover-title-{TITLE_SIZES[-1]}", kind)


def _lines(text: str, size_pt: float, width_mm: float, weight: int) -> int:
    """How many lines `text` takes, broken at spaces, at `size_pt` in `width_mm`."""
    room = width_mm * _PX_PER_MM
    size = size_pt * _PX_PER_PT
    lines, line = 0, ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size, weight) > room:
            lines, line = lines + 1, word
        else:
            line = candidate
    return lines + (1 if line else 0)


def side_figure_size(text: object) -> str:
    """The class that sets the figure `text` (number and unit, hard spaces joining what must
    not break) smaller in the side column, or "" where it fits at full size."""
    runs = str(text).split(" ")
    room = SIDE_MM * _PX_PER_MM
    for size in SIDE_FIGURE_SIZES:
        if max(text_width(run, size * _PX_PER_PT, 700) for run in runs) <= room:
            return "" if size == SIDE_FIGURE_SIZES[0] else f"figure-{size}"
    return f"figure-{SIDE_FIGURE_SIZES[-1]}"
