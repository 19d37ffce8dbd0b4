"""A quick reader for plain XLSX files, with openpyxl's values or no answer at all.

`kfsreport check` and a build read a chart's XLSX file with openpyxl (`datasets.py`), whose
import alone costs about 0.1 s. Most data files are plain: sheets of numbers and text as
Excel, LibreOffice and openpyxl save them. For those, `plain_rows` gives each sheet's rows
exactly as `openpyxl.load_workbook(read_only=True, data_only=True)` and `iter_rows(
values_only=True)` give them (the same row numbering, the same gaps, numbers as int or
float, shared and inline strings, booleans, error codes, formulas as their saved values,
merged cells as their top-left cell), except that a formula saved without its value (by a
program that does not calculate) is an `Unsaved`, where openpyxl gives None: `datasets.py`
finds those with openpyxl's formulas too (`with_formulas`). Anything else gives None, and
openpyxl reads the file as before: a part this reader does not know, a date or time (or
any number format that is not a plain built-in one), a date cell, a part too large, and any
failure at all, so that every error message (a broken file, XML entities, a missing sheet)
is still openpyxl's.
tests/test_plainxlsx.py compares the two on generated workbooks.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
PLAIN_FORMATS = frozenset(
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 37, 38, 39, 40, 41, 42, 43, 44, 48, 49}
)
"""The built-in number formats that are neither dates nor times (checked against openpyxl's)."""
MAX_PART_BYTES = 5_000_000
_KNOWN_PARTS = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/(?:app|core|custom)\.xml|xl/workbook\.xml"
    r"|xl/_rels/workbook\.xml\.rels|xl/styles\.xml|xl/theme/theme\d+\.xml|xl/sharedStrings\.xml"
    r"|xl/worksheets/sheet\d+\.xml|xl/calcChain\.xml"
)


class _NotPlain(Exception):
    """Something openpyxl must read."""


@dataclass(frozen=True)
class Unsaved:
    """A formula cell saved without its computed value: written by a program that does not
    calculate (openpyxl, a script), not by Excel or LibreOffice, so the file holds no value
    to read (openpyxl's `data_only` gives None)."""

    formula: str

    def __str__(self) -> str:
        return f"={self.formula}" if self.formula else "="


def with_formulas(values: Rows, formulas: Rows) -> Rows:
    """The rows openpyxl read with `data_only` (`values`), each formula cell without a saved
    value an `Unsaved`, from the same rows read with their formulas (`formulas`)."""
    merged: Rows = []
    for row, written in zip(values, formulas, strict=False):
        cells = list(row)
        for index, cell in enumerate(cells):
            formula = written[index] if index < len(written) else None
            formula = getattr(formula, "text", formula)  # an array formula
            if cell is None and isinstance(formula, str) and formula.startswith("="):
                cells[index] = Unsaved(formula[1:])
        merged.append(tuple(cells) if isinstance(row, tuple) else cells)
    return merged + list(values[len(merged) :])


Rows = list[tuple[Any, ...] | list[Any]]


def plain_rows(data: bytes) -> dict[str, Rows] | None:
    """Each worksheet's rows by title, in the workbook's order, as openpyxl reads them; None
    if the file is not plain (openpyxl must read it)."""
    try:
        return _read(data)
    except Exception:  # whatever it is, openpyxl decides (and words any error)
        return None


def _read(data: bytes) -> dict[str, Rows]:
    from defusedxml.ElementTree import fromstring  # refuses entities, as openpyxl does

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if any(not _KNOWN_PARTS.fullmatch(i.filename) or i.file_size > MAX_PART_BYTES for i in infos):
            raise _NotPlain
        parts = {info.filename: fromstring(archive.read(info)) for info in infos}
    types = {
        o.get("PartName"): o.get("ContentType")
        for o in parts["[Content_Types].xml"].iter(f"{CONTENT_TYPES}Override")
    }
    if types.get("/xl/workbook.xml") != WORKBOOK_TYPE:
        raise _NotPlain
    strings_parts = [name[1:] for name, kind in types.items() if kind == STRINGS_TYPE and name]
    strings = _strings(parts[strings_parts[0]]) if strings_parts else []
    formats = _formats(parts.get("xl/styles.xml"))
    rels = {
        r.get("Id"): (r.get("Type"), r.get("Target"))
        for r in parts["xl/_rels/workbook.xml.rels"].iter(f"{RELATIONSHIPS}Relationship")
    }
    sheets: dict[str, Rows] = {}
    for sheet in parts["xl/workbook.xml"].iter(f"{MAIN}sheet"):
        kind, target = rels[sheet.get(OFFICE_ID)]
        if kind != WORKSHEET_REL or not target:
            raise _NotPlain
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if path not in parts:
            continue  # openpyxl leaves out a sheet whose part is missing
        title = sheet.get("name")
        if title is None or title in sheets:
            raise _NotPlain
        sheets[title] = list(_rows(parts[path], strings, formats))
    return sheets


def _strings(table: Any) -> list[str]:
    return [_text(item).replace("x005F_", "") for item in table.iter(f"{MAIN}si")]


def _text(node: Any) -> str:
    """A string item's text as openpyxl's `Text.content`: its own <t>, then each run's."""
    own = node.findall(f"{MAIN}t")
    if len(own) > 1:
        raise _NotPlain
    snippets = [own[0].text] if own and own[0].text is not None else []
    for run in node.findall(f"{MAIN}r"):
        texts = run.findall(f"{MAIN}t")
        if len(texts) > 1:
            raise _NotPlain
        if texts and texts[0].text is not None:
            snippets.append(texts[0].text)
    return "".join(snippets)


def _formats(styles: Any) -> list[int | None]:
    """Each cell style's number format, None for a custom one (it may be a date)."""
    if styles is None:
        return []
    custom = {int(f.get("numFmtId")) for f in styles.iter(f"{MAIN}numFmt")}
    cell_xfs = styles.find(f"{MAIN}cellXfs")
    found: list[int | None] = []
    for xf in cell_xfs.findall(f"{MAIN}xf") if cell_xfs is not None else []:
        number = int(xf.get("numFmtId", 0))
        found.append(None if number in custom else number)
    return found


def _rows(sheet: Any, strings: list[str], formats: list[int | None]) -> Iterator[tuple[Any, ...] | list[Any]]:
    """openpyxl's `ReadOnlyWorksheet._cells_by_row` with no limits, values only."""
    counter, row_counter = 1, 0
    for row in sheet.iter(f"{MAIN}row"):
        if "r" in row.attrib:
            row_counter = int(row.get("r"))
        else:
            row_counter += 1
        cells = _cells(row, row_counter, strings, formats)
        for _ in range(counter, row_counter):  # rows the file leaves out
            counter += 1
            yield []
        if counter <= row_counter:
            counter += 1
            yield _placed(cells)


def _cells(
    row: Any, row_counter: int, strings: list[str], formats: list[int | None]
) -> list[tuple[int, Any]]:
    cells: list[tuple[int, Any]] = []
    column = 0
    for cell in row:
        if cell.tag != f"{MAIN}c":
            raise _NotPlain
        coordinate = cell.get("r")
        if coordinate:
            match = re.fullmatch(r"([A-Z]{1,3})(\d+)", coordinate)
            if match is None or int(match[2]) != row_counter:
                raise _NotPlain
            column = _column(match[1])
        else:
            column += 1
        cells.append((column, _value(cell, strings, formats)))
    return cells


def _value(cell: Any, strings: list[str], formats: list[int | None]) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        child = cell.find(f"{MAIN}is")
        return _text(child) if child is not None else None
    if cell.find(f"{MAIN}f") is not None and not cell.findtext(f"{MAIN}v") and kind != "str":
        # No value, or an empty one that is no text a formula gave (openpyxl writes `<v></v>`).
        return Unsaved(cell.findtext(f"{MAIN}f") or "")  # a shared formula's copies are empty
    value = cell.findtext(f"{MAIN}v", None) or None
    if value is None:
        return None
    if kind == "n":
        style = int(cell.get("s", 0) or 0)
        number = formats[style] if style < len(formats) else 0
        if number not in PLAIN_FORMATS:
            raise _NotPlain  # a date, a time or a custom format: openpyxl decides
        return float(value) if "." in value or "E" in value or "e" in value else int(value)
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind in ("str", "e"):
        return value
    raise _NotPlain  # a date cell (t="d") or a kind openpyxl keeps as it is


def _placed(cells: list[tuple[int, Any]]) -> tuple[Any, ...]:
    """openpyxl's `_get_row`: as wide as the last cell's column, gaps as None."""
    if not cells:
        return ()
    width = cells[-1][0]
    values: list[Any] = [None] * width
    for column, value in cells:
        if 1 <= column <= width:
            values[column - 1] = value
    return tuple(values)


def column_letter(number: int) -> str:
    """A column's letters, 1 → A, 27 → AA (openpyxl's `get_column_letter`)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
