"""Whether a Markdown table fits its page in the PDF with no number broken inside a cell.

A number in a table cell (`60,5 %`, `2023`, `−4,2`, `2019–2023`) is kept on one line
(`NUMBER`, `render/pages.py`); the words around it may break. print.css lays out a table of
ten columns or more at the type area's width (`very-many-columns`: fixed layout, the first
column 15 %, the rest in equal shares, 7,5 pt text), and a narrower table by its content. A
table whose numbers need more room than that is refused at its line before anything is laid
out, with what to do: give it a landscape page (`{.liggande}` on its `Tabell:` line), leave
out columns or split it. The widths are the report font's advance widths
(`charts/measure.py`); the type sizes and cell padding mirror print.css, so a report's own
stylesheet that sets other sizes for tables is not followed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from kfsreport.charts.measure import text_width
from kfsreport.errors import Problems
from kfsreport.render.markdown import LANDSCAPE, ParsedChapter
from kfsreport.render.numbers import bind
from kfsreport.render.printroom import PrintRoom

NUMBER = re.compile(r"(?<!\S)[(\[−+±≈~]?\d[^ \t\n<>]*")
"""A word that begins with a digit (after a bracket or a sign) and what is joined to it
(`2019–2023`, `(12)`, `−4,2`), hard spaces included: `60,5 %` and `12 400` once
`numbers.bind` has joined them. Not a word that only holds a digit (`covid-19`, an address)."""
MANY_COLUMNS = 6
"""From this many columns a table is `many-columns` (print.css: 8,5 pt, every word may be
hyphenated)."""
VERY_MANY_COLUMNS = 10
"""From this many columns a table is also `very-many-columns` (print.css: fixed layout at the
type area's width, 7,5 pt)."""
FIRST_COLUMN = 0.15
_MM_PER_PT = 25.4 / 72
_PX_PER_PT = 96 / 72


@dataclass(frozen=True)
class _Layout:
    font_pt: float
    padding_em: float
    """Each side of a cell."""
    fixed: bool


def _layout(columns: int) -> _Layout:
    if columns >= VERY_MANY_COLUMNS:
        return _Layout(7.5, 0.3, fixed=True)
    return _Layout(8.5 if columns >= MANY_COLUMNS else 9.0, 0.6, fixed=False)


@dataclass(frozen=True)
class _Table:
    line: int
    columns: int
    landscape: bool
    widest: list[tuple[float, str]]
    """Per column, its widest number in mm with the cell's padding, and the number."""

    def short(self, area_mm: float) -> tuple[float, str, float] | None:
        """(needed, number, available) for a column too narrow for its widest number, or
        None when every number fits."""
        if _layout(self.columns).fixed:
            share = area_mm * (1 - FIRST_COLUMN) / (self.columns - 1)
            rooms = [area_mm * FIRST_COLUMN] + [share] * (self.columns - 1)
            for (width, number), room in zip(self.widest, rooms, strict=True):
                if width > room:
                    return width, number, room
            return None
        needed = sum(width for width, _ in self.widest)
        if needed <= area_mm:
            return None
        width, number = max(self.widest)
        return width, number, width - (needed - area_mm)


def refuse_too_wide(chapters: list[ParsedChapter], room: PrintRoom, problems: Problems) -> None:
    """Each table whose numbers do not fit its page (portrait, or landscape with
    `{.liggande}`) without breaking is an error at the table's first line."""
    for chapter in chapters:
        for table in _tables(chapter.tokens):
            area = room.landscape_area_mm if table.landscape else room.area_mm
            short = table.short(area)
            if short is None:
                continue
            needed, number, available = short
            where = "en liggande sida" if table.landscape else "sidans bredd"
            problems.fail(
                chapter.path,
                table.line,
                f"tabellen har {table.columns} kolumner och ryms inte på {where} i PDF-filen utan att "
                f"tal bryts inne i cellerna: ”{number}” behöver {math.ceil(needed)} mm men "
                f"kolumnen får {max(math.floor(available), 0)} mm.",
                hint=(
                    "Ta bort kolumner eller dela tabellen i två (till exempel hälften av åren i var)."
                    if table.landscape
                    else f"Ge tabellen en liggande sida med {{.{LANDSCAPE}}} sist på raden Tabell: "
                    f"(Tabell: Rubrik {{.{LANDSCAPE}}}), ta bort kolumner eller dela tabellen i två."
                ),
            )


def landscape(table: Token) -> bool:
    """Whether a table is to have a landscape page: `{.liggande}` on its `Tabell:` line, or as
    the class of a table without one (`{.liggande}` on the line above it)."""
    return bool(table.meta.get("landscape")) or LANDSCAPE in str(table.attrGet("class") or "").split()


def _tables(tokens: list[Token]) -> Iterator[_Table]:
    for index, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        rows = list(_rows(tokens, index))
        columns = token.meta.get("columns") or (len(rows[0]) if rows else 0)
        if columns == 0:
            continue
        layout = _layout(columns)
        widest = [(0.0, "")] * columns
        for row in rows:
            for column, (text, head) in row:
                if 0 <= column < columns:
                    widest[column] = max(widest[column], _number_width(text, head, layout))
        line = (token.map[0] + 1) if token.map else 1
        yield _Table(line, columns, landscape(token), widest)


def _rows(tokens: list[Token], start: int) -> Iterator[list[tuple[int, tuple[str, bool]]]]:
    """Each row of the table opening at `start`: each cell's column, text and whether it is a
    head. A group heading over several columns (`render/tablehead.py`) is left out: its
    columns together are wider than any of their numbers."""
    row: list[tuple[int, tuple[str, bool]]] = []
    head, column, span = False, 0, 1
    for token in tokens[start + 1 :]:
        if token.type == "table_close":
            return
        if token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            head = token.type == "th_open"
            column = token.meta.get("column", len(row))
            span = token.meta.get("colspan", 1)
        elif token.type == "inline" and span > 1:
            row.append((-1, ("", head)))
        elif token.type == "inline":
            text = "".join(c.content for c in token.children or [] if c.type in ("text", "code_inline"))
            row.append((column, (text, head)))
        elif token.type == "tr_close":
            yield row


def _number_width(text: str, head: bool, layout: _Layout) -> tuple[float, str]:
    """The widest number in a cell's text, in mm with the cell's padding, and the number."""
    size = layout.font_pt * _PX_PER_PT
    weight = 600 if head else 400
    found = [
        (text_width(m.group(), size, weight) / _PX_PER_PT * _MM_PER_PT, m.group())
        for m in NUMBER.finditer(bind(text))
    ]
    if not found:
        return 0.0, ""
    width, number = max(found)
    return width + 2 * layout.padding_em * layout.font_pt * _MM_PER_PT, number
