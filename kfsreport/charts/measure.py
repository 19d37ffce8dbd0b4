"""How wide a chart's text is when vl-convert draws it in the report font.

The axes (`charts/axes.py`) choose their ticks and wrap their labels from these widths, so
that no two labels meet at the chart's real size (340 px with 14 px text: 9 pt in print,
14 px on a screen, full width on a phone). The widths are the font's advance widths, without
kerning, which a label's box never needs to be exact about.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_FOLDER = Path(__file__).resolve().parent.parent / "templates" / "fonts"
FACES = {400: "SourceSans3-Regular.ttf", 600: "SourceSans3-Semibold.ttf"}


@cache
def _advances(weight: int) -> tuple[dict[int, int], int, float]:
    """The face's advance width per character, the width of a missing glyph, and units per em."""
    from fontTools.ttLib import TTFont

    with TTFont(FONT_FOLDER / FACES[weight]) as font:
        metrics = font["hmtx"].metrics
        widths = {code: metrics[name][0] for code, name in font.getBestCmap().items()}
        return widths, metrics[".notdef"][0], float(font["head"].unitsPerEm)


def text_width(text: str, size: float, weight: int = 400) -> float:
    """The widest line of `text` (lines split at newlines) in px at `size` px."""
    widths, missing, units = _advances(600 if weight >= 600 else 400)
    return max(sum(widths.get(ord(c), missing) for c in line) for line in text.split("\n")) * size / units
