"""How wide a chart prints and how tall a figure a page holds, read from the print stylesheets
the report uses (its own `templates/css/` first, then the package's), so that the chart-height
check (`pages.refuse_too_tall`) follows a report's own page size, margins and chart width.

Only what decides a figure's room is read, with the cascade's simple rules (a later
declaration wins over an earlier one of the same specificity, custom properties are resolved):
the page's `size` and `margin` (`@page`, `@page :left`/`:right` and the chapters' named page),
the chart image's `width`/`max-width` and the figure's `margin-top` (an `em` counted as
12 pt). A value this does not understand (`calc()`, an unknown unit) counts as none. WeasyPrint keeps a
figure's top margin at the top of a page and lets its bottom margin fall off the page, so a
figure fits when its top margin and chart fit in the type area (a figure that does not is
split: its caption alone at the foot of one page, the chart on the next).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kfsreport.render.stylesheets import DUPLEX, STYLESHEETS, find_template_file

_MM = {
    "em": 12 * 25.4 / 72,
    "rem": 12 * 25.4 / 72,
    "mm": 1.0,
    "cm": 10.0,
    "q": 0.25,
    "in": 25.4,
    "pt": 25.4 / 72,
    "pc": 25.4 / 6,
    "px": 25.4 / 96,
}
_PAPER = {
    "a5": (148.0, 210.0),
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "b5": (176.0, 250.0),
    "b4": (250.0, 353.0),
    "jis-b5": (182.0, 257.0),
    "jis-b4": (257.0, 364.0),
    "letter": (215.9, 279.4),
    "legal": (215.9, 355.6),
    "ledger": (279.4, 431.8),
}
_LENGTH = re.compile(r"(-?\d*\.?\d+)([a-z]*|%)", re.I)
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)")
CHART_PX = 340
"""A chart's own width in px (charts/draw.py WIDTH): its size where the stylesheet sets none."""


@dataclass(frozen=True)
class PrintRoom:
    chart_width_mm: float
    """How wide a chart prints."""
    figure_mm: float
    """The tallest chart a page holds in its figure: the type area less the figure's top margin."""
    area_mm: float = 170.0
    """The type area's width (a table of many columns is laid out at it)."""
    landscape_area_mm: float = 257.0
    """The type area's width on a landscape page (`{.liggande}`: the page turned, same margins)."""


@dataclass
class _Cascade:
    """The declarations read so far, each with the (specificity, order) that set it."""

    values: dict[str, tuple[tuple[int, int, int, int], str]]
    order: int = 0

    def set(self, name: str, value: str, specificity: tuple[int, int, int]) -> None:
        self.order += 1
        key = (*specificity, self.order)
        if name not in self.values or key >= self.values[name][0]:
            self.values[name] = (key, value)

    def get(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[1] if found else None


def print_room(dirs: list[Path], duplex: bool) -> PrintRoom:
    """The room for a chart in the print edition the stylesheets in `dirs` make."""
    import tinycss2

    names = STYLESHEETS["print"] + ((DUPLEX,) if duplex else ())
    rules: list[Any] = []
    for name in names:
        path = find_template_file(dirs, name)
        if path is not None:
            text = path.read_text(encoding="utf-8", errors="replace")
            rules += tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    page, image, figure, custom = (_Cascade({}) for _ in range(4))
    _read(rules, page, image, figure, custom)
    known = {name: value for name, (_, value) in custom.values.items()}
    width, height = _paper(_resolve(page.get("size") or "A4", known))
    top = _length(_resolve(page.get("margin-top") or "0", known)) or 0.0
    bottom = _length(_resolve(page.get("margin-bottom") or "0", known)) or 0.0
    left = _length(_resolve(page.get("margin-left") or "0", known)) or 0.0
    right = _length(_resolve(page.get("margin-right") or "0", known)) or 0.0
    area = width - left - right
    chart = _length(_resolve(image.get("width") or "auto", known), area) or CHART_PX * _MM["px"]
    widest = _length(_resolve(image.get("max-width") or "none", known), area)
    chart = min(chart, widest if widest is not None else chart, area)
    above = _length(_resolve(figure.get("margin-top") or "0", known), area) or 0.0
    return PrintRoom(
        chart_width_mm=chart,
        figure_mm=height - top - bottom - max(above, 0.0),
        area_mm=area,
        landscape_area_mm=max(width, height) - left - right,
    )


def _read(rules: list[Any], page: _Cascade, image: _Cascade, figure: _Cascade, custom: _Cascade) -> None:
    import tinycss2

    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content is not None:
            media = tinycss2.serialize(rule.prelude).lower()
            if "print" in media or "all" in media:
                _read(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                    page,
                    image,
                    figure,
                    custom,
                )
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content is not None:
            if _body_page(tinycss2.serialize(rule.prelude)):
                for name, value in _declarations(rule.content):
                    for side, part in _margins(name, value):
                        page.set(side, part, (0, 0, 0))
        elif rule.type == "qualified-rule":
            declarations = _declarations(rule.content)
            for selector in tinycss2.serialize(rule.prelude).split(","):
                selector = selector.strip()
                last = re.split(r"[\s>+~]+", selector)[-1]
                specificity = _specificity(selector)
                for name, value in declarations:
                    if name.startswith("--"):
                        custom.set(name, value, specificity)
                    elif ":" in last:
                        continue
                    elif re.search(r"\.chart-image\b", last):
                        if name in ("width", "max-width"):
                            image.set(name, value, specificity)
                    elif last in ("figure", "figure.chart", ".chart"):
                        for side, part in _margins(name, value):
                            if side == "margin-top":
                                figure.set(side, part, specificity)


def _declarations(content: list[Any]) -> list[tuple[str, str]]:
    import tinycss2

    found = []
    for item in tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            name = item.name if item.name.startswith("--") else item.lower_name
            found.append((name, tinycss2.serialize(item.value).strip()))
    return found


def _body_page(prelude: str) -> bool:
    """Whether an `@page` rule's selector applies to the pages a chapter's figures stand on:
    every page, a left or right one, or the chapters' named page (not the cover, a blank or
    a first page)."""
    for selector in prelude.split(","):
        words = selector.strip().lower()
        name = re.match(r"[\w-]*", words).group(0)  # type: ignore[union-attr]
        pseudo = words[len(name) :].replace(" ", "")
        if name in ("", "chapter") and pseudo in ("", ":left", ":right"):
            return True
    return False


def _margins(name: str, value: str) -> list[tuple[str, str]]:
    """`margin` spelled out per side; any other declaration as it is (`size`, `margin-top`)."""
    if name != "margin":
        return [(name, value)]
    parts = value.split()
    if not 1 <= len(parts) <= 4:
        return []
    top = parts[0]
    right = parts[1] if len(parts) > 1 else top
    bottom = parts[2] if len(parts) > 2 else top
    left = parts[3] if len(parts) > 3 else right
    return [("margin-top", top), ("margin-right", right), ("margin-bottom", bottom), ("margin-left", left)]


def _specificity(selector: str) -> tuple[int, int, int]:
    ids = selector.count("#")
    classes = len(re.findall(r"\.[\w-]|\[|:(?!:)", selector))
    types = len(re.findall(r"(?:^|[\s>+~])[a-zA-Z][\w-]*", selector))
    return ids, classes, types


def _resolve(value: str, known: dict[str, str]) -> str:
    """`value` with each `var(--name, fallback)` replaced, as deep as ten levels."""
    for _ in range(10):
        replaced = _VAR.sub(lambda m: known.get(m.group(1), m.group(2) or ""), value)
        if replaced == value:
            break
        value = replaced
    return value.strip()


def _length(value: str, whole: float | None = None) -> float | None:
    """A length in mm (a percentage of `whole`), or None for anything else (`auto`, `calc()`)."""
    found = _LENGTH.fullmatch(value.strip())
    if found is None:
        return None
    number, unit = float(found.group(1)), found.group(2).lower()
    if unit == "%":
        return number * whole / 100 if whole is not None else None
    if unit == "" and number == 0:
        return 0.0
    return number * _MM[unit] if unit in _MM else None


def _paper(size: str) -> tuple[float, float]:
    """The page's width and height in mm from a `size` value (A4 when not understood)."""
    words = size.lower().split()
    landscape = "landscape" in words
    words = [word for word in words if word not in ("landscape", "portrait")]
    width, height = _PAPER["a4"]
    if words and words[0] in _PAPER:
        width, height = _PAPER[words[0]]
    elif words:
        lengths = [_length(word) for word in words]
        if all(length is not None and length > 0 for length in lengths):
            width, height = float(lengths[0]), float(lengths[-1])  # type: ignore[arg-type]
    if landscape and width < height or "portrait" in size.lower() and width > height:
        width, height = height, width
    return width, height
