"""The quick reader of plain XLSX files (`load/plainxlsx.py`) gives exactly openpyxl's rows,
or gives up and leaves the file to openpyxl: the same values and the same messages for the
mistakes people make in spreadsheets, without importing openpyxl for a plain file."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter

from kfsreport.load import datasets, plainxlsx
from kfsreport.load.plainxlsx import PLAIN_FORMATS, column_letter, plain_rows, with_formulas
from tests.test_datasets import read, write, write_xlsx

REPO = Path(__file__).resolve().parents[1]


def _openpyxl_rows(data: bytes) -> dict[str, list[object]]:
    """What datasets.py reads with openpyxl: every sheet's rows, values only, a formula saved
    without its value (openpyxl writes `=SUMMA(A1)` so) as `Unsaved`."""
    rows: dict[str, list[object]] = {}
    for only in (True, False):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=only)
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            read = list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))
            rows[sheet.title] = read if only else with_formulas(rows[sheet.title], read)  # type: ignore[arg-type]
        book.close()
    return rows


def _saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_plain_number_formats_are_openpyxls_that_are_neither_dates_nor_times():
    plain = {
        i for i, code in BUILTIN_FORMATS.items() if not is_date_format(code) and not is_timedelta_format(code)
    }
    assert plain == PLAIN_FORMATS


def test_column_letters_are_openpyxls():
    assert all(column_letter(n) == get_column_letter(n) for n in range(1, 18279))


cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.text(
        alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F) | st.sampled_from("\u00a0−–€"),
        max_size=12,
    ),
    st.sampled_from(["x005F_x", " 1 417 ", "6,9", "=SUMMA(A1)", "#N/A", "Umeå", "", "  "]),
)
sheets = st.dictionaries(
    st.text(alphabet="ABCabcÅÄÖ 123", min_size=1, max_size=10).map(str.strip).filter(bool),
    st.lists(st.lists(cells, max_size=6), max_size=8),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(sheets=sheets, gap=st.integers(min_value=0, max_value=3), merge=st.booleans())
def test_a_plain_workbook_is_read_as_openpyxl_reads_it(sheets, gap, merge):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for line, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                if value is not None:  # rows and columns left out where `gap` says
                    sheet.cell(row=line + gap * (line % 2), column=column + gap, value=value)
        if merge and rows:
            sheet.merge_cells(start_row=1, start_column=1, end_row=2, end_column=2)
    data = _saved(book)
    assert plain_rows(data) == _openpyxl_rows(data)


def test_a_workbook_with_shared_strings_is_read_as_openpyxl_reads_it():
    # openpyxl writes text inline; Excel and LibreOffice write a shared string table.
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<si><t>Kommun</t></si><si><t xml:space="preserve"> Umeå </t></si>'
        '<si><r><t>Ly</t></r><r><rPr><b/></rPr><t>cksele</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si>'
        "<si><t>a_x005F_b</t></si></sst>"
    )
    data = _with_parts(
        "xl/sharedStrings.xml",
        text,
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>3</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="C3" t="b"><v>1</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4" t="e"><v>#DIV/0!</v></c>'
        '<c r="C4"><f>1+1</f><v>2</v></c><c r="D4" t="str"><f>A1</f><v>Kommun</v></c></row>',
    )
    plain = plain_rows(data)
    assert plain is not None and plain == _openpyxl_rows(data)
    assert plain["Blad1"][3] == ("Lycksele", "#DIV/0!", 2, "Kommun")


def _with_parts(strings_name: str, strings: str, sheet_data: str) -> bytes:
    """A workbook written by openpyxl with its first sheet's rows and a shared string table put in."""
    import zipfile

    book = openpyxl.Workbook()
    book.active.title = "Blad1"
    book.active["A1"] = "x"
    source = zipfile.ZipFile(io.BytesIO(_saved(book)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start, end = text.index("<sheetData>") + len("<sheetData>"), text.index("</sheetData>")
                content = (text[:start] + sheet_data + text[end:]).encode()
            if info.filename == "[Content_Types].xml":
                part = (
                    f'<Override PartName="/{strings_name}" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                )
                content = content.decode().replace("</Types>", part + "</Types>").encode()
            target.writestr(info, content)
        target.writestr(strings_name, strings)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "value", [date(2025, 3, 31), datetime(2025, 3, 31, 12, 30), 0.25], ids=["datum", "tid", "procent"]
)
def test_dates_and_formatted_numbers_are_left_to_openpyxl(value):
    book = openpyxl.Workbook()
    book.active.append(["Månad", value])
    if value == 0.25:
        book.active["B1"].number_format = "0.0%"  # a custom format: it could be a date
    assert plain_rows(_saved(book)) is None


def test_anything_else_is_left_to_openpyxl():
    book = openpyxl.Workbook()
    book.active.append(["Kommun"])
    book.active["A1"].hyperlink = "https://example.org"  # a part this reader does not know
    assert plain_rows(_saved(book)) is None
    assert plain_rows(b"Kommun;Antal\n") is None
    assert plain_rows(b"") is None


MISTAKES = {
    "text i en talkolumn": [["Kommun", "Antal"], ["Umeå", 3], ["Lycksele", "tolv"], ["Bjurholm", "1 417"]],
    "tomma rader och kolumner": [["Kommun", None, "Antal"], [], [None], ["Umeå", None, 3.5]],
    "bara rubriker": [["Kommun", "Antal"]],
    "tomt blad": [],
    "sanningsvärden": [["Kommun", "Antal"], ["Umeå", True]],
    "decimalkomma som text": [["Kommun", "Antal"], ["Umeå", "6,9"], ["Lycksele", "2 650,5"]],
}


@pytest.mark.parametrize("rows", MISTAKES.values(), ids=MISTAKES.keys())
def test_the_mistakes_people_make_give_the_same_values_and_messages_either_way(tmp_path, monkeypatch, rows):
    write_xlsx(tmp_path, "data/t.xlsx", {"Blad1": rows, "Annat": [["x"]]})
    columns = {"Kommun": "text", "Antal": "number"}
    quick = read(tmp_path, "data/t.xlsx", columns)
    assert plain_rows((tmp_path / "data/t.xlsx").read_bytes()) is not None  # read quickly above
    monkeypatch.setattr(datasets, "plain_rows", lambda data: None)
    slow = read(tmp_path, "data/t.xlsx", columns)
    assert (quick[0] is None) == (slow[0] is None) and quick[1] == slow[1]
    if quick[0] is not None:
        assert quick[0].equals(slow[0])


def test_a_merged_cell_and_a_missing_sheet_give_the_same_messages_either_way(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    book.active.title = "Givare"
    for row in (["Kommun", "Antal"], ["Umeå", 3], ["Lycksele", None], ["Bjurholm", 5]):
        book.active.append(row)
    book.active.merge_cells("B2:B3")  # the merged cell's value stands in B2 only
    write(tmp_path, "data/t.xlsx", _saved(book))
    columns = {"Kommun": "text", "Antal": "number"}
    quick = [read(tmp_path, "data/t.xlsx", columns), read(tmp_path, "data/t.xlsx", columns, sheet="Givar")]
    assert "cell B3" in quick[0][1][0] and "(menade du 'Givare'?)" in quick[1][1][0]
    monkeypatch.setattr(datasets, "plain_rows", lambda data: None)
    slow = [read(tmp_path, "data/t.xlsx", columns), read(tmp_path, "data/t.xlsx", columns, sheet="Givar")]
    assert [messages for _, messages in quick] == [messages for _, messages in slow]


def test_the_demos_workbook_is_read_without_importing_openpyxl():
    script = (
        "import sys; from pathlib import Path; from kfsreport.errors import Problems; "
        "from kfsreport.load.datasets import read_dataset; problems = Problems(); "
        f"frame = read_dataset(Path({str(REPO)!r}), 'data/byggbranschen.xlsx', "
        "{'Kön': 'text', 'Andel': 'number'}, problems, ('data/charts.yaml', 1)); "
        "print(len(frame), list(problems), 'openpyxl' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["2", "[]", "False"]


def test_a_reader_failure_leaves_the_file_to_openpyxl(tmp_path, monkeypatch):
    write_xlsx(tmp_path, "data/t.xlsx", {"Blad1": [["Kommun", "Antal"], ["Umeå", 3]]})

    def broken(data: bytes) -> None:
        raise KeyError("xl/workbook.xml")

    monkeypatch.setattr(plainxlsx, "_read", broken)
    frame, messages = read(tmp_path, "data/t.xlsx", {"Kommun": "text", "Antal": "number"})
    assert messages == [] and frame is not None and list(frame["Antal"]) == [3.0]


def test_a_formula_saved_without_its_value_is_named_so_by_both_readers(tmp_path, monkeypatch):
    """A workbook written by a program (here openpyxl) holds formulas without their values:
    read as empty cells, they were reported as empty."""
    book = openpyxl.Workbook()
    for row in (["Kommun", "Antal"], ["Umeå", 3], ["Lycksele", 4], ["Summa", "=SUM(B2:B3)"]):
        book.active.append(row)
    write(tmp_path, "data/t.xlsx", _saved(book))
    columns = {"Kommun": "text", "Antal": "number"}
    quick = read(tmp_path, "data/t.xlsx", columns)
    assert quick[1] == [
        "data/t.xlsx:4: kolumnen 'Antal' (cell B4) är en formel (=SUM(B2:B3)) som sparats utan sitt "
        "uträknade värde, så filen har inget värde att läsa. Filen är sparad av ett program som inte "
        "räknar ut formler. Öppna den i Excel eller LibreOffice och spara den igen, så sparas "
        "värdena, eller skriv in värdet i cellen i stället för formeln."
    ]
    monkeypatch.setattr(datasets, "plain_rows", lambda data: None)
    assert read(tmp_path, "data/t.xlsx", columns)[1] == quick[1]
    # A label made by a formula is no label either; a formula with its saved value is read.
    book.active["A3"] = '=CONCATENATE("Ly", "cksele")'
    book.active["B4"] = 7
    write(tmp_path, "data/t.xlsx", _saved(book))
    assert "cell A3) är en formel (=CONCATENATE" in read(tmp_path, "data/t.xlsx", columns)[1][0]
