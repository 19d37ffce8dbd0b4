"""Whether two labels of a drawn chart meet, measured in the SVG vl-convert drew: two labels
of one axis, or a value beside a mark (a bar's value, a series' name at its line's end: the
layer `draw.VALUES`) and another value or any axis's label.

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
"""The least room in px between two labels side by side."""
_AXIS = re.compile(r'<g class="mark-text role-axis-label"[^>]*>(.*?)</g>', re.S)
_VALUES = re.compile(r'<g class="mark-text role-mark vardeetiketter_marks"[^>]*>(.*?)</g>', re.S)
_SEGMENTS = re.compile(r'<g class="mark-text role-mark delvarden_marks"[^>]*>(.*?)</g>', re.S)
_PARTS = re.compile(r'<g class="mark-text role-mark delnamn_\w+_marks"[^>]*>(.*?)</g>', re.S)
_BARS = re.compile(r'<g class="mark-rect role-mark [^"]*"[^>]*>(.*?)</g>', re.S)
_RECT = re.compile(r'd="M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)h[-\d.e]+Z"')
_TEXT = re.compile(r"<text([^>]*?)(?:/>|>(.*?)</text>)", re.S)  # an empty label closes itself
_LINE = re.compile(r"<tspan[^>]*>(.*?)</tspan>", re.S)
Box = tuple[float, float, float, float]


def label_boxes(svg: str) -> list[list[tuple[str, Box]]]:
    """Each axis's labels in `svg` with their boxes (left, top, right, bottom) in px."""
    return _boxes(svg, _AXIS)


def value_boxes(svg: str) -> list[tuple[str, Box]]:
    """The values beside the marks of `svg` (`draw.VALUES`) with their boxes."""
    return [label for group in _boxes(svg, _VALUES) for label in group]


def bars(svg: str) -> list[Box]:
    """The boxes of the bars (and a stacked bar's segments) drawn in `svg`."""
    boxes = []
    for group in _BARS.findall(svg):
        for x, y, w, h in _RECT.findall(group):
            left, top, right, bottom = float(x), float(y), float(x) + float(w), float(y) + float(h)
            boxes.append((min(left, right), min(top, bottom), max(left, right), max(top, bottom)))
    return boxes


def outside_segments(svg: str, margin: float = 1.0) -> list[str]:
    """The values written in a stacked bar's segments (`draw.SEGMENTS`) that do not lie
    inside a segment, `margin` px from its edges: cut by the next segment, or white on white."""
    segments = bars(svg)
    return [
        text
        for group in _boxes(svg, _SEGMENTS)
        for text, box in group
        if text.strip() and not any(_within(box, segment, margin) for segment in segments)
    ]


def _within(box: Box, outer: Box, margin: float) -> bool:
    return (
        box[0] >= outer[0] + margin
        and box[1] >= outer[1] + margin
        and box[2] <= outer[2] - margin
        and box[3] <= outer[3] - margin
    )


def parts_crowded(svg: str, gap: float = GAP) -> bool:
    """Whether two names of a part of a whole (`draw.PARTS`) meet, or one runs past the right
    end of the bar, out of the chart."""
    labels = [box for group in _boxes(svg, _PARTS) for _, box in group]
    end = max((box[2] for box in bars(svg)), default=None)
    if end is not None and any(box[2] > end + gap for box in labels):
        return True
    return _meet_among([(False, box) for box in labels], gap)


def _boxes(svg: str, groups: re.Pattern[str]) -> list[list[tuple[str, Box]]]:
    axes = []
    for group in groups.findall(svg):
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
    """The pairs of labels of `svg` nearer each other than `gap` px: on one axis, or a value
    beside a mark and another value or an axis's label."""
    pairs = []
    values = value_boxes(svg)
    axes = label_boxes(svg)
    groups = [*axes, values + [label for axis in axes for label in axis]]
    for group, labels in enumerate(groups):
        valued = group == len(groups) - 1
        for i, (first, a) in enumerate(labels):
            for j, (second, b) in enumerate(labels[i + 1 :], start=i + 1):
                if valued and i >= len(values) and j >= len(values):
                    continue  # two axis labels: compared above, on their own axis
                if _near(a, b, gap):
                    pairs.append((first, second))
    parts = [label for group in _boxes(svg, _PARTS) for label in group]
    end = max((box[2] for box in bars(svg)), default=None)
    for i, (first, a) in enumerate(parts):
        if end is not None and a[2] > end + gap:
            pairs.append((first, "stapelns slut"))
        pairs += [(first, second) for second, b in parts[i + 1 :] if _near(a, b, gap)]
    return pairs


def _near(a: Box, b: Box, gap: float) -> bool:
    apart_x = a[2] + gap <= b[0] or b[2] + gap <= a[0]
    apart_y = a[3] <= b[1] or b[3] <= a[1]
    return not (apart_x or apart_y)


def meet(svg: str, gap: float = GAP) -> bool:
    """Whether two labels of `svg` are nearer each other than `gap` px: what `crowded`
    lists, answered without comparing every pair. Sorted by their left edge, a label is
    compared only with those that start before it ends, and the first pair that meets
    answers, so an axis of thousands of labels costs milliseconds, not seconds."""
    values = [(True, box) for _, box in value_boxes(svg)]
    axes = [[(False, box) for _, box in axis] for axis in label_boxes(svg)]
    if any(_meet_among(axis, gap) for axis in axes) or parts_crowded(svg, gap):
        return True
    return bool(values) and _meet_among(values + [label for axis in axes for label in axis], gap)


def values_meet(svg: str, gap: float = GAP) -> bool:
    """Whether a value beside a mark meets another value or an axis's label."""
    values = [(True, box) for _, box in value_boxes(svg)]
    axes = [(False, box) for axis in label_boxes(svg) for _, box in axis]
    return bool(values) and _meet_among(values + axes, gap)


def _meet_among(labels: list[tuple[bool, Box]], gap: float) -> bool:
    """Whether two of `labels` meet, of which one at least is a value if any is (`True`)."""
    valued = any(value for value, _ in labels)
    ordered = sorted(labels, key=lambda label: label[1])
    for i, (value_a, a) in enumerate(ordered):
        for value_b, b in ordered[i + 1 :]:
            if a[2] + gap <= b[0]:
                break  # b, and every label after it, starts right of a with room to spare
            if valued and not (value_a or value_b):
                continue
            if not (a[3] <= b[1] or b[3] <= a[1]):
                return True
    return False
