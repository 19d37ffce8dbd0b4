"""Tables with grouped column headings: a row of group headings above the row of column heads.

    | Post       | Budget |         | Utfall  |
    |            | helår  | jan–aug | jan–aug |
    |------------|-------:|--------:|--------:|

Two header rows stand above the delimiter row (`|---|`), each with as many cells as it has.
In the upper row, a heading followed by empty cells spans those columns (`Budget` over
`helår` and `jan–aug`; `| Budget ||` as in MultiMarkdown is the same), and a heading over a
single column is a group of one (`Utfall`). A heading with an empty cell under it stands in
both rows (`Post`), whichever row it is written in: the upper row's empty cells before its
first heading belong to no group. At most two header rows: a third is an error, as is a row
whose cell count differs from the delimiter row's, an upper row with nothing in it, and a
group whose columns do not all have a heading of their own.

`grouped_table` is a block rule before markdown-it's own table rule: it finds the rows above
the delimiter, lets the table rule parse the table from the lowest header row (the plugin
stays as it is), and rebuilds the `<thead>` with `colspan`, `rowspan` and `scope`. The table
gets `meta["columns"]` (its column count) and `meta["heads"]` (each column's full heading,
`Budget helår`), which `tablewidth`, `check/totals` and the page's table box read; each header
cell's `meta["column"]` and `meta["colspan"]` say where it stands. Mistakes are noted on the
table (`meta["head_errors"]`) and reported by `check_table_heads` with the other checks of a
chapter, which also finds a header row written under the delimiter row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, table
from markdown_it.token import Token

from kfsreport.errors import Problems

HEAD_ROWS = 2
"""At most this many header rows above the delimiter row."""
_SCAN = 6
"""How many rows above a delimiter row are looked at (more are an error, not a table)."""
_DELIMITER = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
_CELL_DELIMITER = re.compile(r":?-{3,}:?")
_CAPTION = re.compile(r"(?:Tabell|Table|Tab|Tabelle|Tabel|Tabla)\b", re.IGNORECASE)
"""A caption line (`Tabell: Kostnad | andel`) above a table is never one of its rows."""


@dataclass(frozen=True)
class _Cell:
    text: str
    column: int
    colspan: int = 1
    rowspan: int = 1
    group: bool = False
    """A group heading: one with column heads under it."""


def cells_of(line: str) -> list[str]:
    """The cells of a table row as markdown-it's table rule splits it (`\\|` is no divider)."""
    cells = escapedSplit(mdTrim(line))
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return [mdTrim(cell) for cell in cells]


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def grouped_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A table with more than one header row (markdown-it block rule, before `table`)."""
    delimiter = None
    for line in range(start, min(end, start + _SCAN + 1)):
        if state.sCount[line] < state.blkIndent or state.is_code_block(line):
            return False
        text = _line(state, line).strip()
        if line > start and _DELIMITER.fullmatch(text) and "-" in text:
            delimiter = line
            break
        if "|" not in text or _CAPTION.match(text):
            return False
    if delimiter is None or delimiter - start < 2:
        return False
    lowest = delimiter - 1
    if _line(state, lowest).lstrip().startswith("|") and not _line(state, start).lstrip().startswith("|"):
        return False  # a sentence with a | in it right above a table written with outer bars
    if not table(state, lowest, end, True):
        return False
    if silent:
        return True
    first = len(state.tokens)
    table(state, lowest, end, False)
    opened = state.tokens[first]
    assert opened.map is not None
    opened.map[0] = start
    upper = [cells_of(_line(state, line)) for line in range(start, lowest)]
    _rebuild_head(state.tokens, first, upper, start)
    return True


def _rebuild_head(tokens: list[Token], first: int, upper: list[list[str]], start: int) -> None:
    """Replace the one-row `<thead>` the table rule wrote with the grouped one."""
    table_open = tokens[first]
    head_open, head_close = (
        first + 1,
        next(i for i in range(first, len(tokens)) if tokens[i].type == "thead_close"),
    )
    leaf_cells = [t for t in tokens[head_open:head_close] if t.type == "inline"]
    aligns = [t.attrs.get("style") for t in tokens[head_open:head_close] if t.type == "th_open"]
    lowest = leaf_cells[0].map[0] if leaf_cells and leaf_cells[0].map else start
    columns = len(leaf_cells)
    errors: list[tuple[int, str, str]] = []
    """(line counted from the table's first line, message, hint)"""
    table_open.meta["head_errors"] = errors
    table_open.meta["columns"] = columns
    leaves = [t.content for t in leaf_cells]
    table_open.meta["heads"] = list(leaves)
    if len(upper) > HEAD_ROWS - 1:
        errors.append(
            (
                0,
                f"tabellen har {len(upper) + 1} rubrikrader ovanför raden med streck; högst {HEAD_ROWS} går.",
                "Slå ihop de översta raderna till en rad med grupprubriker (till exempel ”Budget 2025”), "
                "eller dela tabellen i två.",
            )
        )
        return
    group_row = upper[0]
    if len(group_row) != columns:
        errors.append(
            (
                0,
                f"den övre rubrikraden har {len(group_row)} rutor men tabellen har {columns} kolumner "
                "(raden med streck).",
                "Ge raden en ruta per kolumn: en grupprubrik och sedan en tom ruta (| |) för varje "
                "ytterligare kolumn den står över.",
            )
        )
        return
    if not any(group_row):
        errors.append(
            (
                0,
                "den övre rubrikraden är tom.",
                "Skriv grupprubrikerna i den (till exempel | | Budget | | Utfall |) eller ta bort raden.",
            )
        )
        return
    top, bottom, problems = _grid(group_row, leaves)
    errors.extend((lowest - start, message, hint) for message, hint in problems)
    table_open.meta["head_warnings"] = [
        (lowest - start, *_unlike(cell, leaves, aligns))
        for cell in top
        if cell.group and _unlike(cell, leaves, aligns)
    ]
    table_open.meta["heads"] = [_head_of(top + bottom, c) for c in range(columns)]
    tokens[head_open].map = [start, lowest + 1]
    line_of = {0: start, 1: lowest}
    head: list[Token] = [tokens[head_open]]
    tokens[head_open].meta["colgroups"] = [cell.colspan for cell in top]
    for row, cells in enumerate((top, bottom)):
        head.append(_token("tr_open", "tr", 1, line_of[row]))
        for cell in cells:
            th = _token("th_open", "th", 1, line_of[row])
            th.meta.update(column=cell.column, colspan=cell.colspan)
            if cell.colspan > 1:
                th.attrs["colspan"] = str(cell.colspan)
            if cell.rowspan > 1:
                th.attrs["rowspan"] = str(cell.rowspan)
            th.attrs["scope"] = "colgroup" if cell.group else "col"
            if cell.group:
                th.attrs["class"] = "column-group"
            elif aligns[cell.column]:
                th.attrs["style"] = str(aligns[cell.column])
            from_leaf = row == 1 or (cell.rowspan > 1 and not group_row[cell.column])
            inline = _token("inline", "", 0, lowest if from_leaf else start)
            inline.content, inline.children = cell.text, []
            head += [th, inline, _token("th_close", "th", -1, None)]
        head.append(_token("tr_close", "tr", -1, None))
    head.append(tokens[head_close])
    tokens[head_open : head_close + 1] = head


def _token(kind: str, tag: str, nesting: Literal[-1, 0, 1], line: int | None) -> Token:
    token = Token(kind, tag, nesting, block=True)
    if line is not None:
        token.map = [line, line + 1]
    return token


def _grid(group_row: list[str], leaves: list[str]) -> tuple[list[_Cell], list[_Cell], list[tuple[str, str]]]:
    """The cells of the upper and lower header rows, and what is wrong with them."""
    top: list[_Cell] = []
    bottom: list[_Cell] = []
    problems: list[tuple[str, str]] = []
    column, columns = 0, len(leaves)
    while column < columns:
        text = group_row[column]
        if not text:  # before the first group heading: the column's head stands in both rows
            top.append(_Cell(leaves[column], column, rowspan=2))
            column += 1
            continue
        span = 1
        while column + span < columns and not group_row[column + span]:
            span += 1
        under = leaves[column : column + span]
        if span == 1 and not under[0]:
            top.append(_Cell(text, column, rowspan=2))
        else:
            top.append(_Cell(text, column, colspan=span, group=True))
            bottom += [_Cell(leaf, column + i) for i, leaf in enumerate(under)]
            missing = [column + i + 1 for i, leaf in enumerate(under) if not leaf]
            if missing:
                problems.append(_unheaded(text, span, missing, columns))
        column += span
    if not bottom:
        problems.append(
            (
                "den nedre rubrikraden är tom, så tabellen har bara en rubrikrad.",
                "Skriv rubrikerna på raden direkt ovanför raden med streck och ta bort den tomma raden.",
            )
        )
    return top, bottom, problems


def _unheaded(group: str, span: int, missing: list[int], columns: int) -> tuple[str, str]:
    which = ", ".join(str(c) for c in missing)
    return (
        f"grupprubriken ”{group}” står över {span} kolumner (de tomma rutorna efter den i övre raden), "
        f"men kolumn {which} under den har ingen egen rubrik i nedre raden.",
        "Skriv kolumnens rubrik i nedre raden. Ska kolumnen inte höra till gruppen, skriv dess rubrik "
        "i övre raden i stället och lämna rutan under den tom (då gäller rubriken båda raderna).",
    )


def _unlike(group: _Cell, leaves: list[str], aligns: list[Any]) -> tuple[str, str] | tuple[()]:
    """A group of right-aligned columns (numbers) whose last column is not: most likely a
    column of text of its own ("Kommentar"), whose heading was written in the lower row with
    an empty cell above it, which makes it part of the group to its left."""
    first, last = group.column, group.column + group.colspan - 1
    right = "text-align:right"
    if group.colspan < 2 or any(aligns[c] != right for c in range(first, last)) or aligns[last] == right:
        return ()
    return (
        f"grupprubriken ”{group.text}” står också över kolumnen ”{leaves[last]}”, som är ställd på "
        "ett annat sätt än gruppens andra kolumner (den tomma rutan över den fortsätter gruppen).",
        f"Hör ”{leaves[last]}” inte till gruppen, skriv rubriken i övre raden och lämna rutan under "
        "den tom; då gäller rubriken båda raderna.",
    )


def _head_of(cells: list[_Cell], column: int) -> str:
    """A column's full heading: its group's heading and its own (`Budget helår`)."""
    return " ".join(
        cell.text for cell in cells if cell.text and cell.column <= column < cell.column + cell.colspan
    )


def grouped_heads(tokens: list[Token], start: int) -> list[str]:
    """Each column's full heading, as text, of the grouped table opening at `tokens[start]`."""
    from kfsreport.render.markdown import plain_text

    cells: list[_Cell] = []
    column, span = 0, 1
    for token in tokens[start + 1 :]:
        if token.type == "thead_close":
            break
        if token.type == "th_open":
            column, span = token.meta.get("column", 0), token.meta.get("colspan", 1)
        elif token.type == "inline":
            cells.append(_Cell(plain_text(token), column, colspan=span))
    columns = int(tokens[start].meta.get("columns", 0))
    return [head for head in (_head_of(cells, c) for c in range(columns)) if head]


def check_table_heads(tokens: list[Token], path: str, problems: Problems) -> None:
    """Report the mistakes `grouped_table` noted, and header rows written under the delimiter row:
    a second row of `---` in a table, or a first body row under a header that looks like a
    row of group headings (empty cells after a heading)."""
    for index, token in enumerate(tokens):
        if token.type != "table_open" or not token.map:
            continue
        for line, message, hint in token.meta.get("head_errors", []):  # lines from the table's first
            problems.fail(path, token.map[0] + line + 1, message, hint)
        for line, message, hint in token.meta.get("head_warnings", []):
            problems.warn(path, token.map[0] + line + 1, message, hint)
        rows = _body_rows(tokens, index)
        for line, cells in rows:
            if cells and all(_CELL_DELIMITER.fullmatch(cell) for cell in cells):
                problems.fail(
                    path,
                    line + 1,
                    "en andra rad med streck (|---|) i tabellen; den skulle synas som en rad med streck.",
                    "Alla rubrikrader står ovanför den enda raden med streck: flytta raden ovanför "
                    "den upp dit och ta bort den här raden.",
                )
        if "head_errors" not in token.meta and rows and _looks_like_lower_head(tokens, index, rows[0][1]):
            problems.fail(
                path,
                rows[0][0] + 1,
                "rubrikraden har tomma rutor efter en rubrik, och raden under strecket ser ut som "
                "en andra rubrikrad.",
                "Står grupprubriker över kolumnrubriker, skriv båda rubrikraderna ovanför raden med "
                "streck (| Post | Budget | | / | | helår | jan–aug | / |---|---:|---:|).",
            )


def _body_rows(tokens: list[Token], start: int) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    in_body = False
    for token in tokens[start + 1 :]:
        if token.type == "table_close":
            break
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tr_open" and in_body and token.map:
            rows.append((token.map[0], []))
        elif token.type == "inline" and in_body and rows:
            rows[-1][1].append(token.content.strip())
    return rows


def _looks_like_lower_head(tokens: list[Token], start: int, first_row: list[str]) -> bool:
    heads = [t.content.strip() for t in tokens[start + 1 :] if t.type == "inline"][: len(first_row)]
    after_heading = any(not head and any(heads[:i]) for i, head in enumerate(heads))
    return after_heading and bool(first_row) and not first_row[0] and any(first_row)
