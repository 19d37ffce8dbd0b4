"""Read a chart's data set (CSV or XLSX in the report folder) into a DataFrame with declared types.

A chart description names the file and the columns it needs, each with a type. Every cell is
read as written and converted here, the way Swedish offices write numbers and dates (`1 417`,
`6,9`, `−3 %`, `2025-03`), so a CSV saved by Excel and the XLSX it came from give the same
DataFrame. Problems are reported through `Problems.fail`, located by the data file and line
(for XLSX the Excel row, with the cell reference); bad input never raises.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

import pandas as pd  # type: ignore[import-untyped, unused-ignore]
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]

from kfsreport.errors import Problems, suggest
from kfsreport.load.folder import inside
from kfsreport.load.plainxlsx import Unsaved, column_letter, plain_rows, with_formulas
from kfsreport.load.swedish import MONTHS, DateOrder, read_date, read_number, shows_day_first, why_not_a_date

ColumnType = Literal["text", "number", "integer", "date"]
Origin = tuple[str, int | None]
Record = tuple[int, Sequence[object]]
Bad = tuple[int, int, str, str]  # line, column index, message, hint
Separators = tuple[str | None, str | None]  # a chart's declared decimal and thousands characters

DATA_DIR = "data"
MAX_DATA_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 200_000_000
MAX_CELL_ERRORS = 20
SAVE_HINT = "Spara filen som CSV (UTF-8) eller XLSX."

_DTYPES = {"text": "str", "number": "float64", "integer": "Int64", "date": "datetime64[us]"}
_WANTED = {"text": "text", "number": "tal", "integer": "heltal", "date": "datum"}
_HINTS = {
    "text": "",
    "number": "Skriv tal med siffror, till exempel 1 417 eller 6,9.",
    "integer": "Skriv heltal med siffror, till exempel 1 417.",
    "date": "Skriv datum som 2025-03-31 eller 31 mars 2025, eller 2025-03 för en hel månad.",
}
_EMPTY_HINT = (
    "Fyll i värdet, eller ange i diagrambeskrivningen vilka celltexter som betyder att värde saknas "
    '(missing: ["–"]) och skriv en av dem i cellen.'
)
_MISSING_MARKS = frozenset({"..", ".", "-", "–", "—", "x", "X", "*", "…", "NA", "N/A", "n/a", "saknas"})
"""Cell texts that statistics tables (SCB's `..`, Kolada's `–`) write for a value that is
missing or withheld: the hint names `missing:` with the text, not "write a number"."""
_NOTE = re.compile(
    r"(?:källa|källor|anm|anmärkning|not|noter|fotnot|kommentar|uppdaterad)\b|\*", re.IGNORECASE
)
"""How the lines under a statistics export's table begin (`Källa: SCB`, `Anm.: …`, `* …`)."""
_UNSAVED_HINT = (
    "Filen är sparad av ett program som inte räknar ut formler. Öppna den i Excel eller "
    "LibreOffice och spara den igen, så sparas värdena, eller skriv in värdet i cellen i "
    "stället för formeln."
)
_LONG_ROW_HINT = "Ett tal med decimalkomma ska stå inom citattecken när fälten skiljs med komma."
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


@dataclass(frozen=True)
class _Table:
    """A data file's header and non-empty rows, each row with its line (or Excel row) number."""

    name: str
    place: str
    header: list[str]
    header_line: int
    rows: list[Record]
    excel: bool
    sheets_hint: str = ""
    """When the first of several sheets was read because the chart names none: which others
    there are and how to choose one (said with every problem about the sheet's content)."""


def read_dataset(
    root: Path,
    name: str,
    columns: dict[str, ColumnType],
    problems: Problems,
    origin: Origin,
    *,
    sheet: str | None = None,
    missing: Sequence[str] = (),
    separators: Separators = (None, None),
    key_lines: Mapping[str, int] | None = None,
) -> pd.DataFrame | None:
    """Read a CSV or XLSX data set with the given column types; report located problems.

    `separators` is the chart's declared (decimal, thousands) characters, if any; `key_lines`
    gives, for a column, the line of the chart key that names it (where a missing column is
    reported)."""
    root = root.resolve()
    shown = PurePosixPath(name.replace("\\", "/")).as_posix()
    path = _locate(root, name, shown, problems, origin)
    if path is None:
        return None
    data = _read_bytes(path, shown, problems)
    if data is None:
        return None
    if PurePosixPath(shown).suffix.lower() == ".xlsx":
        table = _read_xlsx(data, shown, sheet, problems, origin)
    else:
        table = _read_csv(data, shown, problems)
    indices = None if table is None else _find_columns(table, columns, problems, origin, key_lines or {})
    if table is None or indices is None:
        return None
    missing_texts = {text.strip() for text in missing}
    if _wrong_column_named(table, columns, indices, missing_texts, problems, origin, key_lines or {}):
        return None
    return _typed_frame(table, columns, indices, missing_texts, problems, separators)


def _locate(root: Path, name: str, shown: str, problems: Problems, origin: Origin) -> Path | None:
    """The data file's real path inside the report folder, or None after saying why not."""
    outside = f"datafilen '{name}' ligger utanför rapportmappen och läses inte."
    copy_hint = f"Kopiera in filen i mappen {DATA_DIR}/ och skriv till exempel {DATA_DIR}/filnamn.csv."
    if _URL.match(name):
        problems.fail(
            *origin,
            f"datafilen '{name}' är en webbadress; bara filer i rapportmappen läses.",
            f"Ladda ner filen och lägg den i mappen {DATA_DIR}/.",
        )
        return None
    if name.startswith(("/", "\\")) or PureWindowsPath(name).drive:
        problems.fail(*origin, outside, copy_hint)
        return None
    if PurePosixPath(shown).suffix.lower() not in (".csv", ".xlsx"):
        problems.fail(*origin, f"datafilen '{name}' är varken CSV eller XLSX.", SAVE_HINT)
        return None
    try:
        path = inside(root, root / shown)
        exists = path is not None and path.is_file()
    except (OSError, ValueError):
        path, exists = root, False
    if path is None:
        problems.fail(*origin, outside, copy_hint)
    elif not exists:
        _missing_file(root, shown, problems, origin)
    return path if exists else None


def _missing_file(root: Path, shown: str, problems: Problems, origin: Origin) -> None:
    folder = root / DATA_DIR
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    guess = suggest(PurePosixPath(shown).name, files).replace("'", f"'{DATA_DIR}/", 1)
    listing = ", ".join(f"{DATA_DIR}/{file}" for file in files[:10])
    hint = f"Filerna i {DATA_DIR}/ är: {listing}." if files else f"Lägg filen i mappen {DATA_DIR}/."
    problems.fail(*origin, _with_guess(f"datafilen '{shown}' finns inte", guess), "" if guess else hint)


def _with_guess(message: str, guess: str) -> str:
    """`message (menade du 'x'?)`, or the message with a full stop when there is no guess."""
    return f"{message} {guess}" if guess else f"{message}."


def _read_bytes(path: Path, shown: str, problems: Problems) -> bytes | None:
    try:
        size = path.stat().st_size
        if size <= MAX_DATA_BYTES:
            return path.read_bytes()
    except OSError:
        problems.fail(shown, None, "filen kan inte läsas.", "Stäng den i andra program och försök igen.")
        return None
    problems.fail(
        shown,
        None,
        f"filen är större än {MAX_DATA_BYTES // 1_000_000} MB.",
        "Ta bort rader och kolumner som diagrammet inte använder.",
    )
    return None


def _read_csv(data: bytes, name: str, problems: Problems) -> _Table | None:
    """Decode a CSV file, detect its delimiter and keep each record with its first line."""
    text = _decode(data, name, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records: list[Record] = []
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:
        problems.fail(
            name,
            line,
            'raden går inte att läsa: ett citattecken (") är inte avslutat eller står mitt i ett fält.',
            'Skriv citattecken i text dubbelt ("").',
        )
        return None
    return _table(name, name, records, excel=False, problems=problems)


def _decode(data: bytes, name: str, problems: Problems) -> str | None:
    if data.startswith(b"PK\x03\x04"):
        problems.fail(name, None, "filen är en Excel-fil, inte CSV.", "Byt filens ändelse till .xlsx.")
        return None
    text = _text(data)
    if text is None or "\x00" in text:
        problems.fail(name, None, "filen går inte att läsa som text.", SAVE_HINT)
        return None
    return text


def _text(data: bytes) -> str | None:
    """UTF-16 with BOM, else strict UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = [("utf-16", data)]
    else:
        attempts = [("utf-8-sig", data), ("cp1252", data.removeprefix(codecs.BOM_UTF8))]
    for encoding, body in attempts:
        with contextlib.suppress(UnicodeDecodeError):
            return body.decode(encoding)
    return None


def _delimiter(text: str) -> str:
    """The delimiter (; tab or ,) used most in the header line outside quotes; ties go to ;."""
    counts = dict.fromkeys(";\t,", 0)
    quoted = False
    for char in text.lstrip("\r\n"):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=counts.__getitem__)


def _read_xlsx(
    data: bytes, name: str, sheet: str | None, problems: Problems, origin: Origin
) -> _Table | None:
    """Read one sheet of an XLSX file; openpyxl refuses XML entities since defusedxml is installed."""
    if not data.startswith(b"PK"):
        _not_xlsx(data, name, problems)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            return _xlsx_table(data, name, sheet, problems, origin)
    except Exception as error:  # openpyxl raises many kinds of errors for a broken file
        if _refused_xml(error):
            problems.fail(
                name,
                None,
                "filen kan inte läsas säkert: den innehåller XML-entiteter, som Excel aldrig skriver.",
                "Öppna filen i Excel och spara den som en ny XLSX-fil.",
            )
        else:
            problems.fail(
                name, None, "filen går inte att läsa som Excel-fil (XLSX); den kan vara trasig.", SAVE_HINT
            )
    return None


OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
"""How an encrypted XLSX (Excel wraps it in an OLE2 file) and an old .xls file begin."""


def _not_xlsx(data: bytes, name: str, problems: Problems) -> None:
    """A file named .xlsx that is no zip archive: say what it is, if it can be told."""
    text = None if data.startswith(OLE2) else _text(data)
    if data.startswith(OLE2):
        problems.fail(
            name,
            None,
            "filen är lösenordsskyddad eller sparad i Excels gamla format (.xls), som inte kan läsas.",
            "Öppna den i Excel, ta bort lösenordet om den har ett (Arkiv → Info → Skydda arbetsbok) "
            "och spara den som Excel-arbetsbok (.xlsx).",
        )
    elif text is not None and text.strip() and "\x00" not in text:
        problems.fail(
            name,
            None,
            "filen är en textfil (troligen CSV), inte en Excel-fil.",
            "Byt filens ändelse till .csv, också efter data: i data/charts.yaml.",
        )
    else:
        problems.fail(
            name, None, "filen går inte att läsa som Excel-fil (XLSX); den kan vara trasig.", SAVE_HINT
        )


def _refused_xml(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (openpyxl wraps its errors in a ValueError)."""
    while error is not None and not isinstance(error, DefusedXmlException):
        error = error.__cause__ or error.__context__
    return error is not None


def _xlsx_table(
    data: bytes, name: str, sheet: str | None, problems: Problems, origin: Origin
) -> _Table | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        problems.fail(
            name,
            None,
            f"filen kan inte läsas säkert: den packas upp till mer än {MAX_UNPACKED_BYTES // 1_000_000} MB.",
            SAVE_HINT,
        )
        return None
    plain = plain_rows(data)  # a plain file without importing openpyxl (0.1 s), else openpyxl
    if plain is not None:
        titles = list(plain)
        title = _pick_sheet(titles, name, sheet, problems, origin)
        if title is None:
            return None
        records = _filled(enumerate(plain[title], start=1))
    else:
        import openpyxl  # type: ignore[import-untyped, unused-ignore]

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets: dict[str, Any] = {ws.title: ws for ws in book.worksheets}
            titles = list(sheets)
            title = _pick_sheet(titles, name, sheet, problems, origin)
            if title is None:
                return None
            rows = with_formulas(_sheet_rows(sheets[title]), _formula_rows(data, title))
            records = _filled(enumerate(rows, start=1))
        finally:
            book.close()
    return _table(
        name,
        f"bladet '{title}' i {name}",
        records,
        excel=True,
        problems=problems,
        sheets_hint=_sheets_hint(titles, title, sheet),
    )


def _sheet_rows(sheet: Any) -> list[Any]:
    sheet.reset_dimensions()  # trust the rows, not the size the file claims
    return list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))


def _formula_rows(data: bytes, title: str) -> list[Any]:
    """The sheet's rows with each formula as written (`=SUMMA(B2:B4)`), not its saved value."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        return _sheet_rows(book[title])
    finally:
        book.close()


def _sheets_hint(titles: list[str], title: str, sheet: str | None) -> str:
    """Advice for a problem in the first sheet of several, read because no `sheet:` was given."""
    others = [other for other in titles if other != title]
    if sheet is not None or not others:
        return ""
    names = ", ".join(f"'{other}'" for other in others)
    return (
        f"Filen har fler blad ({names}) och diagrammet läser det första, '{title}'. Ligger "
        f"tabellen i ett annat blad, skriv till exempel sheet: {others[0]} i diagrammet."
    )


def _filled(rows: Iterator[tuple[int, Sequence[object]]]) -> list[Record]:
    """The rows with something in them, each with its Excel row number."""
    return [(line, row) for line, row in rows if any(_as_text(cell) for cell in row)]


def _pick_sheet(
    titles: list[str], name: str, sheet: str | None, problems: Problems, origin: Origin
) -> str | None:
    if sheet is None and titles:
        return titles[0]
    if sheet in titles:
        return sheet
    if sheet is None:
        problems.fail(name, None, "filen har inga kalkylblad.", SAVE_HINT)
        return None
    guess = suggest(sheet, titles)
    names = ", ".join(f"'{title}'" for title in titles)
    problems.fail(
        *origin,
        _with_guess(f"bladet '{sheet}' finns inte i {name}", guess),
        "" if guess else f"Bladen heter: {names}.",
    )
    return None


def _table(
    name: str, place: str, records: list[Record], *, excel: bool, problems: Problems, sheets_hint: str = ""
) -> _Table | None:
    if not records:
        problems.fail(
            name,
            None,
            f"{place.removesuffix(f' i {name}')} är tomt." if excel else "filen är tom.",
            sheets_hint or "Diagrammet behöver en rubrikrad och minst en rad med data.",
        )
        return None
    (header_line, header), *rows = records
    if not rows:
        where = place.removesuffix(f" i {name}") if excel else "filen"
        problems.fail(name, header_line, f"{where} har en rubrikrad men inga rader med data.", sheets_hint)
        return None
    names = [_as_text(cell).removeprefix("\ufeff").strip() for cell in header]
    return _Table(name, place, names, header_line, rows, excel, sheets_hint)


def _find_columns(
    table: _Table,
    columns: dict[str, ColumnType],
    problems: Problems,
    origin: Origin,
    key_lines: Mapping[str, int],
) -> dict[str, int] | None:
    """Each declared column's position in the header; report names missing or written twice."""
    found: dict[str, int] = {}
    for column in columns:
        positions = [index for index, header in enumerate(table.header) if header == column]
        if len(positions) == 1:
            found[column] = positions[0]
        elif positions:
            problems.fail(
                table.name,
                table.header_line,
                f"kolumnen '{column}' finns {len(positions)} gånger i rubrikraden.",
                "Ge kolumnerna olika namn.",
            )
        else:
            headers = [header for header in table.header if header]
            guess = suggest(column, headers)
            names = ", ".join(f"'{header}'" for header in headers)
            message = _with_guess(f"kolumnen '{column}' finns inte i {table.place}", guess)
            lower = _header_further_down(table, column)
            hint = "" if guess else f"Kolumnerna heter: {names}."
            if lower is not None:
                hint = (
                    f"Rubriken '{column}' står på rad {lower}, men rubrikraden måste vara den första "
                    f"raden med text (här rad {table.header_line}). Ta bort raderna ovanför, till "
                    "exempel en rubrik över hela tabellen, och lägg den i diagrammets title."
                )
            problems.fail(
                origin[0],
                key_lines.get(column, origin[1]),
                message,
                hint=" ".join(part for part in (hint, table.sheets_hint) if part),
            )
    return found if len(found) == len(columns) else None


def _header_further_down(table: _Table, column: str, rows: int = 10) -> int | None:
    """The line of a row among the first few that has `column` as a cell: a header row with
    a title (or notes) above it."""
    for line, cells in table.rows[:rows]:
        if any(_as_text(cell).strip() == column for cell in cells):
            return line
    return None


def _typed_frame(
    table: _Table,
    columns: dict[str, ColumnType],
    indices: dict[str, int],
    missing: set[str],
    problems: Problems,
    separators: Separators = (None, None),
) -> pd.DataFrame | None:
    """Convert every declared column to its type; report each cell that cannot be converted."""
    bad = [_long_row(table, line, len(cells)) for line, cells in table.rows if _too_long(table, cells)]
    notes = _notes_below(table) if any(kind != "text" for kind in columns.values()) else {}
    bad += [_note_row(table, line, text) for line, text in notes.items()]
    values: dict[str, list[object]] = {column: [] for column in columns}
    declared = separators != (None, None)
    for column, kind in columns.items():
        index = indices[column]
        cells_of = [
            (line, cells[index] if index < len(cells) else None)
            for line, cells in table.rows
            if line not in notes
        ]
        decimals_shown = kind != "text" and _shows_decimals(cell for _, cell in cells_of)
        day_first = kind == "date" and shows_day_first(cell for _, cell in cells_of)
        for line, cell in cells_of:
            if kind != "text" and not declared and not decimals_shown and _ambiguous(cell):
                bad.append(_ambiguous_cell(table, line, index, column, str(cell).strip()))
                continue
            try:
                cell = _separated(cell, separators) if declared and kind != "text" else cell
                values[column].append(_convert(cell, kind, missing, day_first))
            except DateOrder as order:
                bad.append(_date_order_cell(table, line, index, column, order))
            except ValueError:
                bad.append(_bad_cell(table, line, index, column, kind, cell))
    if bad:
        _report(table.name, bad, problems)
        return None
    return pd.DataFrame(
        {column: pd.Series(values[column], dtype=_DTYPES[kind]) for column, kind in columns.items()}
    )


def _wrong_column_named(
    table: _Table,
    columns: dict[str, ColumnType],
    indices: dict[str, int],
    missing: set[str],
    problems: Problems,
    origin: Origin,
    key_lines: Mapping[str, int],
) -> bool:
    """Report a column read as numbers or dates in which no cell is one while another column
    holds only such values, at the chart's key that names it: the chart names the wrong
    column (`x` and `y` swapped, say), and telling the editor to write numbers into each of
    its cells would mislead. True if one was."""
    found = False
    for column, kind in columns.items():
        if kind == "text":
            continue
        cells = [_cell(cells, indices[column]) for _, cells in table.rows]
        filled = [
            cell
            for cell in cells
            if not isinstance(cell, Unsaved)  # reported where it is, as a formula
            and _as_text(cell).strip()
            and _as_text(cell).strip() not in missing
        ]
        if len(filled) < 2 or any(_converts(cell, kind, missing) for cell in filled):
            continue  # one bad cell, or some good ones: each bad cell is reported where it is
        fitting = [
            f"'{header}'"
            for index, header in enumerate(table.header)
            if header
            and index != indices[column]
            and all(_converts(_cell(row, index), kind, missing) for _, row in table.rows)
        ]
        if not fitting:
            continue  # no other column would do: each cell is reported where it is
        shown = _as_text(filled[0]).replace("\n", " ")
        problems.fail(
            origin[0],
            key_lines.get(column, origin[1]),
            f"kolumnen '{column}' i {table.place} har inga {_WANTED_PLURAL[kind]} alls (den första "
            f"cellen är '{shown if len(shown) <= 40 else shown[:39] + '…'}'), men diagrammet läser den som "
            f"{_WANTED[kind]}.",
            hint=f"Kontrollera att diagrammet nämner rätt kolumn; kolumner med "
            f"{_WANTED_PLURAL[kind]}: {', '.join(fitting)}.",
        )
        found = True
    return found


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _converts(cell: object, kind: ColumnType, missing: set[str]) -> bool:
    try:
        _convert(cell, kind, missing)
    except DateOrder:
        return True  # a date, only written so that its order is unclear
    except ValueError:
        return False
    return True


_WANTED_PLURAL = {"number": "tal", "integer": "heltal", "date": "datum"}


_AMBIGUOUS = re.compile(r"[+\-\u2212]?[1-9]\d{0,2}[,.]\d{3}")
_PLAIN_DECIMAL = re.compile(r"\d[,.](?:\d{1,2}|\d{4,})(?:\D|$)")


def _ambiguous(cell: object) -> bool:
    """`3,894` or `20.000`: a thousands separator or a decimal sign with three decimals?"""
    return isinstance(cell, str) and bool(_AMBIGUOUS.fullmatch(cell.strip().removesuffix("%").strip()))


def _shows_decimals(cells: Iterator[object]) -> bool:
    """True when some value in the column has decimals that cannot be thousands (`6,9`)."""
    return any(isinstance(cell, str) and _PLAIN_DECIMAL.search(cell) for cell in cells)


def _ambiguous_cell(table: _Table, line: int, index: int, column: str, text: str) -> Bad:
    sign, digits = text[: len(text) - len(text.lstrip("+-\u2212"))], text.lstrip("+-\u2212")
    whole, mark, rest = digits[:-4], digits[-4], digits[-3:]
    where = f" (cell {column_letter(index + 1)}{line})" if table.excel else ""
    as_thousands = f"{sign}{whole}\u00a0{rest}"
    as_decimal = f"{sign}{whole},{rest}"
    message = (
        f"kolumnen '{column}'{where} har värdet '{text}', som kan läsas på två sätt: "
        f"{as_thousands} ({mark} skiljer tusental) eller {as_decimal} ({mark} är decimaltecken)."
    )
    hint = (
        f"Skriv talet så som det ska läsas ({whole}{rest} eller {whole},{rest}), eller ange i "
        f'diagrambeskrivningen thousands: "{mark}" om tecknet skiljer tusental, '
        f'eller decimal: "{mark}" om det är ett decimaltecken.'
    )
    return (line, index, message, hint)


def _separated(cell: object, separators: Separators) -> object:
    """A cell written with the chart's declared separators, as this module reads numbers."""
    if not isinstance(cell, str):
        return cell
    decimal, thousands = separators
    if thousands is None:
        thousands = {",": ".", ".": ","}.get(decimal or "")
    if decimal is None:
        decimal = {",": ".", ".": ","}.get(thousands or "")
    text = cell.strip()
    if thousands:
        text = re.sub(f"(?<=\\d){re.escape(thousands)}(?=\\d{{3}})", "", text)
    return text.replace(decimal, ",") if decimal else text


def _too_long(table: _Table, cells: Sequence[object]) -> bool:
    return not table.excel and any(_as_text(cell) for cell in cells[len(table.header) :])


def _long_row(table: _Table, line: int, count: int) -> Bad:
    message = f"raden har {count} fält, men rubrikraden har {len(table.header)}."
    return (line, -1, message, _LONG_ROW_HINT)


def _bad_cell(table: _Table, line: int, index: int, column: str, kind: str, cell: object) -> Bad:
    where = f" (cell {column_letter(index + 1)}{line})" if table.excel else ""
    hint = _UNSAVED_HINT if isinstance(cell, Unsaved) else _HINTS[kind] if _as_text(cell) else _EMPTY_HINT
    mark = _as_text(cell).strip()
    if kind != "text" and mark in _MISSING_MARKS:
        hint = (
            f"Betyder '{mark}' att värdet saknas (som '..' i SCB:s tabeller), skriv missing: "
            f'["{mark}"] i diagrammets beskrivning i data/charts.yaml; annars skriv talet.'
        )
    return (line, index, f"kolumnen '{column}'{where} {_reason(cell, kind)}", hint)


def _notes_below(table: _Table) -> dict[int, str]:
    """The lines under the table that are notes, not rows (`Källa: SCB`, `Anm.: …`, as a
    statistics export ends): from the end of the file up, each row with a single filled
    cell whose text begins as a note does. Line → the note's text."""
    notes: dict[int, str] = {}
    for line, cells in reversed(table.rows):
        filled = [text for text in (_as_text(cell).strip() for cell in cells) if text]
        if len(filled) != 1 or not _NOTE.match(filled[0]):
            break
        notes[line] = filled[0]
    return notes


def _note_row(table: _Table, line: int, text: str) -> Bad:
    shown = text if len(text) <= 40 else text[:39] + "…"
    where = "raden" if not table.excel else f"rad {line} på bladet"
    return (
        line,
        -1,
        f"{where} under tabellen är en anteckning ('{shown}'), inte en rad med värden.",
        "Ta bort anteckningarna under tabellen ur datafilen; källan skrivs i source och en "
        "förklaring i description i diagrammets beskrivning i data/charts.yaml.",
    )


def _reason(cell: object, kind: str) -> str:
    """Why a cell cannot be read as `kind`, in Swedish: `ska innehålla tal, men har 'tolv'.`"""
    text = _as_text(cell).replace("\n", " ")
    if isinstance(cell, Unsaved):
        formula = f" ({text})" if len(text) > 1 else ""
        return (
            f"är en formel{formula} som sparats utan sitt uträknade värde, så filen har inget värde att läsa."
        )
    if not text:
        return f"är tom men ska innehålla {_WANTED.get(kind, kind)}."
    shown = text if len(text) <= 40 else text[:39] + "…"
    why = why_not_a_date(text) if kind == "date" else None
    return f"ska innehålla {_WANTED.get(kind, kind)}, men har '{shown}'{': ' + why if why else ''}."


def _report(name: str, bad: list[Bad], problems: Problems) -> None:
    """Report the first bad cells in file order (each hint once), then how many more there are."""
    bad.sort()
    hints: set[str] = set()
    for line, _, message, hint in bad[:MAX_CELL_ERRORS]:
        problems.fail(name, line, message, "" if hint in hints else hint)
        hints.add(hint)
    if len(bad) > MAX_CELL_ERRORS:
        problems.fail(
            name, bad[MAX_CELL_ERRORS][0], f"… och {len(bad) - MAX_CELL_ERRORS} fler fel i samma fil."
        )


def convert_cell(cell: object, kind: ColumnType, missing: Collection[str] = ()) -> object:
    """One cell as `kind` (None if listed in `missing`); ValueError with a Swedish reason if it cannot be."""
    try:
        return _convert(cell, kind, {text.strip() for text in missing})
    except ValueError:
        raise ValueError(_reason(cell, kind)) from None


def _convert(cell: object, kind: str, missing: set[str], day_first: bool = False) -> object:
    """The cell as `kind`, or None for a missing value; ValueError when it cannot be read so."""
    if isinstance(cell, Unsaved):
        raise ValueError("unsaved formula")
    if cell is None or isinstance(cell, str):
        text = (cell or "").strip()
        if text in missing:
            return None
        if not text and kind != "text":
            raise ValueError("empty")
        cell = text
    if kind == "text":
        return _as_text(cell)
    if kind == "date":
        return _date(cell, day_first)
    number = _number(cell)
    return float(number) if kind == "number" else _whole(number)


def _number(cell: object) -> Decimal:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and math.isfinite(cell):
        return Decimal(cell)
    if not isinstance(cell, str):
        raise ValueError(cell)
    return read_number(cell)


def _whole(number: Decimal) -> int:
    if number != number.to_integral_value() or abs(number) >= 2**63:
        raise ValueError(number)
    return int(number)


def _date(cell: object, day_first: bool) -> datetime:
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime(cell.year, cell.month, cell.day)
    if not isinstance(cell, str):
        raise ValueError(cell)
    return read_date(cell, day_first)


def _date_order_cell(table: _Table, line: int, index: int, column: str, order: DateOrder) -> Bad:
    """A `3/4/2024` whose order cannot be told, or a `1/15/2024` written month first."""
    where = f" (cell {column_letter(index + 1)}{line})" if table.excel else ""
    iso = f"{order.year}-{order.month:02}-{order.day:02}"
    if order.ambiguous:
        other = f"{order.month} {_month_name(order.day)} {order.year}"
        message = (
            f"kolumnen '{column}'{where} har datumet '{order.text}', som kan läsas på två sätt: "
            f"{order.day} {_month_name(order.month)} {order.year} (dagen först) eller {other} "
            "(månaden först)."
        )
        hint = (
            f"Skriv datumet som {iso} (år-månad-dag) eller med månadens namn. Står dagen först "
            "i kolumnen läses den så när något datum där har en dag över 12 (13/4/2024)."
        )
    else:
        message = (
            f"kolumnen '{column}'{where} har datumet '{order.text}' med månaden före dagen, "
            "som svenska datum aldrig skrivs."
        )
        named = f"{order.day} {_month_name(order.month)} {order.year}"
        hint = f"Skriv datumet som {iso} (år-månad-dag) eller {named}."
    return (line, index, message, hint)


def _month_name(number: int) -> str:
    return next(name for name, month in MONTHS.items() if month == number)


def _as_text(cell: object) -> str:
    """A cell as the text a reader sees: whole floats without .0, midnight dates without time."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime) and cell.time() == time():
        return cell.date().isoformat()
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell).strip()
