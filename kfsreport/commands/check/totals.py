"""A sum row in a table that does not add up: `| **Summa** | **123 000** |` under rows of 123 100.

A budget report types its tables by hand, and a total copied from last year's file or left
after a row changed is the mistake nobody sees. A row whose first cell begins with a word for
a total (Summa, Totalt, Delsumma …) is compared, column by column, with the rows above it:
those since the previous sum row, or all the ordinary rows above, or the sum rows above
(a grand total under subtotals). A column is compared only when every one of those cells and
the total are numbers (`1 250`, `−3 420`, `12,5 mnkr`, bold or not); a column in per cent is
not, since shares do not add up. Rounding is allowed for: each number may be off by half its
last decimal. A warning, not an error: a total of a question where one may choose several
answers is rightly less than its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from kfsreport.commands.check.findings import Findings
from kfsreport.render.locale import number
from kfsreport.render.markdown import ParsedChapter

TOTAL_WORDS = ("summa", "delsumma", "totalt", "total", "sammanlagt")
_NUMBER = re.compile(
    r"([−+-]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?(?:[ \u00a0]?(?:tkr|mnkr|mdkr|kr))?"
)


@dataclass
class _Row:
    line: int | None
    cells: list[str]
    total: bool


def check_totals(chapter: ParsedChapter, findings: Findings) -> None:
    """Warn at each sum row whose number in a column is not the sum of the rows it sums."""
    for header, rows in _tables(chapter.tokens):
        for index, row in enumerate(rows):
            if row.total:
                _check_row(chapter.path, header, rows[:index], row, findings)


def _tables(tokens: list[Token]) -> list[tuple[list[str], list[_Row]]]:
    tables: list[tuple[list[str], list[_Row]]] = []
    header: list[str] = []
    rows: list[_Row] = []
    cells: list[str] | None = None
    line: int | None = None
    in_head = grouped = False
    for token in tokens:
        if token.type == "table_open":
            header, rows = list(token.meta.get("heads", [])), []
            grouped = "heads" in token.meta
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells, line = [], (token.map[0] + 1) if token.map else None
        elif token.type == "inline" and cells is not None:
            cells.append(token.content.strip())
        elif token.type == "tr_close" and cells is not None:
            if in_head:
                header = header if grouped else cells
            else:
                first = cells[0].strip("*_ ").lower() if cells else ""
                rows.append(_Row(line, cells, first.startswith(TOTAL_WORDS)))
            cells = None
        elif token.type == "table_close":
            tables.append((header, rows))
    return tables


def _check_row(path: str, header: list[str], above: list[_Row], row: _Row, findings: Findings) -> None:
    since = above[max((i for i, r in enumerate(above) if r.total), default=-1) + 1 :]
    ordinary = [r for r in above if not r.total]
    subtotals = [r for r in above if r.total]
    for column in range(1, len(row.cells)):
        total = _value(row.cells[column])
        if total is None:
            continue
        sums = []
        for group in (since, ordinary, subtotals):
            values = [_value(r.cells[column]) if column < len(r.cells) else None for r in group]
            if group and all(v is not None for v in values):
                numbers = [v for v in values if v is not None]
                decimals = max([total[1], *(d for _, d in numbers)])
                sums.append((sum(n for n, _ in numbers), decimals, len(numbers)))
        if not sums or any(abs(s - total[0]) <= (n + 1) * 0.5 * 10**-d + 1e-9 for s, d, n in sums):
            continue
        added, decimals, _ = sums[0]
        name = header[column] if column < len(header) and header[column] else f"kolumn {column + 1}"
        findings.warning(
            path,
            row.line,
            f"summaraden ”{row.cells[0].strip('*_ ')}” stämmer inte i kolumnen ”{name}”: raderna ovanför "
            f"blir tillsammans {number(added, decimals)}, men summan är {number(total[0], decimals)}.",
            "Rätta summan eller den rad som är fel (en skillnad som bara är avrundning godtas).",
        )


def _value(cell: str) -> tuple[float, int] | None:
    """The number in a cell and its decimals, or None for text, an empty cell or a share."""
    text = cell.strip().strip("*_").strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    sign, whole, decimals = match.groups()
    value = float(re.sub(r"\D", "", whole) + ("." + decimals if decimals else ""))
    return (-value if sign in ("−", "-") else value), len(decimals or "")
