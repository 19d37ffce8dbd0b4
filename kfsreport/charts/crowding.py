"""Whether two labels of a drawn chart's axis meet, measured in the SVG vl-convert drew.

vl-convert places the labels but cannot measure the report font (it estimates every
character as equally wide), so where its labels end is known only once the chart is drawn:
each label's box is its position in the SVG and its width in the report font
(`measure.py`). The SVG is drawn at its real size, 340 px with 14 px text, and every medium
scales it as a whole, so labels apart here are apart in print, on a screen and on a phone.
The charts stage draws a crowded chart again with fewer ticks (`figures._draw_all`).
"""

from __future__ import annotations

import html
import re

from kfsreport.charts.measure import text_width

GAP = 4.0
"""The least room in px between two labels of one axis."""
_AXIS = re.compile(r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', re.S)
_TEXT = re.compile(r"<text([^>]*?)(?:/>|>(.*?)</text>)", re.S)  # an empty label closes itself
_LINE = re.compile(r"<tspan[^>]*>(.*?)</tspan>", re.S)
Box = tuple[float, float, float, float]


def label_boxes(svg: str) -> list[list[tuple[str, Box]]]:
    """Each axis's labels in `svg` with their boxes (left, top, right, bottom) in px."""
    axes = []
    for group in _AXIS.findall(svg):
        labels = []
        for attributes, content in _TEXT.findall(group):
            lines = [html.unescape(line) for line in (_LINE.findall(content) or [content])]
            below = sum(float(dy) for dy in re.findall(r'dy="([-\d.]+)"', content))
            labels.append(("\n".join(lines), _box(attributes, lines, below)))
        axes.append(labels)
    return axes


def _box(attributes: str, lines: list[str], below: float) -> Box:
    x, y = (float(v) for v in re.search(r"translate\(([-\d.e]+),([-\d.e]+)\)", attributes).groups())  # type: ignore[union-attr]
    size = float(re.search(r'font-size="([\d.]+)px"', attributes).group(1))  # type: ignore[union-attr]
    weight = 600 if re.search(r'font-weight="(bold|[6-9]00)"', attributes) else 400
    width = max(text_width(line, size, weight) for line in lines)
    anchor = re.search(r'text-anchor="(\w+)"', attributes)
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor.group(1) if anchor else "start"]
    # Capitals stand about 3/4 of the size above the baseline, descenders a quarter below.
    above, under = size * 0.75, below + size * 0.25
    upright = re.search(r"rotate\((?:-90|270)\)(?: translate\(([-\d.e]+),([-\d.e]+)\))?", attributes)
    if upright:  # read from the bottom up; a translation after the turn moves along the turned axes
        x, y = x + float(upright.group(2) or 0), y - float(upright.group(1) or 0)
        return x - above, y - start - width, x + under, y - start
    return x + start, y - above, x + start + width, y + under


def crowded(svg: str, gap: float = GAP) -> list[tuple[str, str]]:
    """The pairs of labels on one axis of `svg` that are nearer each other than `gap` px."""
    pairs = []
    for labels in label_boxes(svg):
        for i, (first, a) in enumerate(labels):
            for second, b in labels[i + 1 :]:
                apart_x = a[2] + gap <= b[0] or b[2] + gap <= a[0]
                apart_y = a[3] <= b[1] or b[3] <= a[1]
                if not (apart_x or apart_y):
                    pairs.append((first, second))
    return pairs


def meet(svg: str, gap: float = GAP) -> bool:
    """Whether two labels on one axis of `svg` are nearer each other than `gap` px: what
    `crowded` lists, answered without comparing every pair. Sorted by their left edge, a
    label is compared only with those that start before it ends, and the first pair that
    meets answers, so an axis of thousands of labels costs milliseconds, not seconds."""
    for labels in label_boxes(svg):
        boxes = sorted(box for _, box in labels)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if a[2] + gap <= b[0]:
                    break  # b, and every label after it, starts right of a with room to spare
                if not (a[3] <= b[1] or b[3] <= a[1]):
                    return True
    return False
