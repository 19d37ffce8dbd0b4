"""Data sets for charts: CSV and XLSX as Swedish offices save them, read with declared types.

Every problem comes back as a located Swedish message, never an exception.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from kfsreport.errors import Problems
from kfsreport.load import datasets
from kfsreport.load.datasets import convert_cell, read_dataset

ORIGIN = ("data/charts.yaml", 7)
WHERE = "data/charts.yaml:7"
GIVARE = {"Kommun": "text", "Kod": "text", "Månad": "date", "Antal givare": "integer", "Andel": "number"}
NUMBER_HINT = "Skriv tal med siffror, till exempel 1 417 eller 6,9."
EXPECTED = pd.DataFrame(
    {
        "Kommun": pd.Series(["Upplands Väsby", "Lycksele", "Umeå"], dtype="str"),
        "Kod": pd.Series(["0114", "2481", "2480"], dtype="str"),
        "Månad": pd.Series(
            [datetime(2025, 1, 1), datetime(2025, 2, 15), datetime(2025, 3, 1)], dtype="datetime64[us]"
        ),
        "Antal givare": pd.Series([1417, 26, 10000], dtype="Int64"),
        "Andel": pd.Series([6.9, -3.5, 12.0], dtype="float64"),
    }
)
# Excel's "CSV (semikolonavgränsad)": Windows-1252, CRLF, decimal comma, no-break space in thousands.
CP1252_GIVARE = (
    "Kommun;Kod;Månad;Antal givare;Andel;Kommentar\r\n"
    'Upplands Väsby;0114;2025-01;1\u00a0417;6,9 %;Start, med "nya" givare\r\n'
    "Lycksele;2481;2025-02-15;26;-3,5;\r\n"
    'Umeå;2480;2025-03;10 000;12;"två\r\nrader"\r\n'
)


@pytest.fixture
def root(make_project) -> Path:
    return make_project("datasets")


def read(root: Path, name: str, columns=None, **options):
    """Read a data set; return the frame and the messages as the user sees them."""
    problems = Problems()
    frame = read_dataset(root, name, columns or GIVARE, problems, ORIGIN, **options)
    assert (frame is None) == bool(problems), "a frame is returned exactly when there are no problems"
    return frame, [str(error) for error in problems]


def write(root: Path, name: str, content: str | bytes) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return name


def write_xlsx(root: Path, name: str, sheets: dict[str, list[list[object]]]) -> str:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return write(root, name, buffer.getvalue())


def one_column(root: Path, kind: str, *cells: str, **options):
    """Read a one-column CSV `Värde` whose rows are `cells`."""
    write(root, "data/t.csv", "Värde\n" + "".join(f"{cell}\n" for cell in cells))
    return read(root, "data/t.csv", {"Värde": kind}, **options)


# The same data in three forms


def test_utf8_comma_csv_cp1252_semicolon_csv_and_xlsx_give_the_same_frame(root):
    write(root, "data/excel.csv", CP1252_GIVARE.encode("cp1252"))
    write_xlsx(
        root,
        "data/givare.xlsx",
        {
            "Givare": [
                ["Kommun", "Kod", "Månad", "Antal givare", "Andel", "Kommentar"],
                ["Upplands Väsby", "0114", datetime(2025, 1, 1), 1417, 6.9, "Start"],
                ["Lycksele", "2481", datetime(2025, 2, 15), 26, -3.5, None],
                ["Umeå", "2480", "2025-03", "10 000", 12, "två\nrader"],
            ]
        },
    )
    frames = [read(root, name)[0] for name in ("data/givare.csv", "data/excel.csv", "data/givare.xlsx")]
    for frame in frames:
        assert_frame_equal(frame, EXPECTED)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_every_encoding_offices_save_in_is_read_and_no_bom_reaches_the_header(root, encoding):
    write(root, "data/t.csv", CP1252_GIVARE.encode(encoding))
    frame, errors = read(root, "data/t.csv")
    assert errors == []
    assert_frame_equal(frame, EXPECTED)


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_found_in_the_header_and_quoted_fields_keep_theirs(root, delimiter):
    rows = [["Kommun", "Text"], ["Umeå", f'"a{delimiter} b"'], ["Lycksele", '"rad 1\r\nrad 2"']]
    write(root, "data/t.csv", "\r\n".join(delimiter.join(row) for row in rows) + "\r\n")
    frame, errors = read(root, "data/t.csv", {"Kommun": "text", "Text": "text"})
    assert errors == []
    assert frame["Text"].tolist() == [f"a{delimiter} b", "rad 1\r\nrad 2"]


def test_delimiters_inside_quoted_header_names_do_not_count(root):
    write(root, "data/t.csv", '"Antal, totalt";Andel\n"1 417";"6,9"\n')
    frame, errors = read(root, "data/t.csv", {"Antal, totalt": "integer", "Andel": "number"})
    assert errors == []
    assert frame.iloc[0].tolist() == [1417, 6.9]


# Cells converted per declared type


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("6,9", 6.9),
        ("6.9", 6.9),
        ("1 417", 1417.0),
        ("10\u00a0000", 10000.0),
        ("1\u202f417", 1417.0),
        ("1\u2009417,5", 1417.5),
        ("1 234 567,89", 1234567.89),
        ("\u22123", -3.0),
        ("-3,5", -3.5),
        ("+5", 5.0),
        ("12 %", 12.0),
        ("12%", 12.0),
        ("12\u00a0%", 12.0),
        ("  7  ", 7.0),
    ],
)
def test_numbers_are_read_as_swedish_offices_write_them(root, cell, value):
    frame, errors = one_column(root, "number", cell)
    assert errors == []
    assert frame["Värde"].dtype == "float64"
    assert frame["Värde"].tolist() == [value]


@pytest.mark.parametrize(
    "cell", ["tolv", "1,234.5", "12 14", "1 2345", "6,9,1", "−", "%", "5-", "1e3", "NaN", "12 kr"]
)
def test_a_cell_that_is_not_a_number_is_named_with_its_line(root, cell):
    _, errors = one_column(root, "number", "1", cell)
    assert errors == [f"data/t.csv:3: kolumnen 'Värde' ska innehålla tal, men har '{cell}'. {NUMBER_HINT}"]


def test_integers_must_be_whole(root):
    frame, _ = one_column(root, "integer", "1 417", "12,0", "-3")
    assert frame["Värde"].dtype == "Int64"
    assert frame["Värde"].tolist() == [1417, 12, -3]
    _, errors = one_column(root, "integer", "12,5")
    assert errors == [
        "data/t.csv:2: kolumnen 'Värde' ska innehålla heltal, men har '12,5'. "
        "Skriv heltal med siffror, till exempel 1 417."
    ]


def test_dates_are_days_or_months_and_a_month_means_its_first_day(root):
    frame, _ = one_column(root, "date", "2025-03-31", "2025-03")
    assert frame["Värde"].dtype == "datetime64[us]"
    assert frame["Värde"].tolist() == [pd.Timestamp(2025, 3, 31), pd.Timestamp(2025, 3, 1)]
    cells = ("31/3/25", "2025-13", "2025-02-30", "31 april 2025", "15 mär 2025", "15 januri 2024", "idag")
    _, errors = one_column(root, "date", *cells)
    # The advice stands once; every wrong date says at its own line what is wrong with it.
    assert [error.split(": ", 1)[1] for error in errors] == [
        "kolumnen 'Värde' ska innehålla datum, men har '31/3/25': året ska skrivas med fyra "
        "siffror. Skriv datum som 2025-03-31 eller 31 mars 2025, eller 2025-03 för en hel månad.",
        "kolumnen 'Värde' ska innehålla datum, men har '2025-13': det finns ingen månad 13.",
        "kolumnen 'Värde' ska innehålla datum, men har '2025-02-30': februari 2025 har 28 dagar.",
        "kolumnen 'Värde' ska innehålla datum, men har '31 april 2025': april 2025 har 30 dagar.",
        "kolumnen 'Värde' ska innehålla datum, men har '15 mär 2025': 'mär' är inget månadsnamn.",
        "kolumnen 'Värde' ska innehålla datum, men har '15 januri 2024': 'januri' är inget "
        "månadsnamn (menade du januari?).",
        "kolumnen 'Värde' ska innehålla datum, men har 'idag'.",
    ]


def test_dates_written_the_swedish_way_are_read_also_mixed_in_one_column(root):
    cells = [
        "15 januari 2024",
        "15 jan. 2024",
        "15\u00a0Jan 2024",
        "15/1/2024",
        "15.01.2024",
        "2024-1-15",
        "2024-01-15 00:00:00",
        "1 sept 2024",
        "mars 2024",
        "5/5/2024",
    ]
    frame, errors = one_column(root, "date", *cells)
    assert errors == []
    assert frame["Värde"].tolist() == [pd.Timestamp(2024, 1, 15)] * 7 + [
        pd.Timestamp(2024, 9, 1),
        pd.Timestamp(2024, 3, 1),
        pd.Timestamp(2024, 5, 5),
    ]


def test_a_day_month_date_is_read_day_first_only_when_the_column_shows_it(root):
    frame, errors = one_column(root, "date", "3/4/2024", "13/4/2024")
    assert errors == []
    assert frame["Värde"].tolist() == [pd.Timestamp(2024, 4, 3), pd.Timestamp(2024, 4, 13)]
    _, errors = one_column(root, "date", "2024-01-15", "3/4/2024", "1/15/2024")
    assert errors == [
        "data/t.csv:3: kolumnen 'Värde' har datumet '3/4/2024', som kan läsas på två sätt: "
        "3 april 2024 (dagen först) eller 4 mars 2024 (månaden först). Skriv datumet som "
        "2024-04-03 (år-månad-dag) eller med månadens namn. Står dagen först i kolumnen läses "
        "den så när något datum där har en dag över 12 (13/4/2024).",
        "data/t.csv:4: kolumnen 'Värde' har datumet '1/15/2024' med månaden före dagen, som "
        "svenska datum aldrig skrivs. Skriv datumet som 2024-01-15 (år-månad-dag) eller 15 "
        "januari 2024.",
    ]


def test_a_column_of_dates_whose_order_is_unclear_is_not_taken_for_a_wrong_column(root):
    write(root, "data/t.csv", "Datum;Dag\n1/2/2024;2024-02-01\n3/4/2024;2024-04-03\n")
    _, errors = read(root, "data/t.csv", {"Datum": "date", "Dag": "date"})
    assert len(errors) == 2
    assert all("kan läsas på två sätt" in error for error in errors)


def test_text_is_kept_as_written_with_leading_zeros_and_na(root):
    write(root, "data/t.csv", "Kommun;Kod\nUpplands Väsby;0114\nNA;NA\n  Umeå  ;\n")
    frame, errors = read(root, "data/t.csv", {"Kommun": "text", "Kod": "text"})
    assert errors == []
    assert frame.to_dict("list") == {"Kommun": ["Upplands Väsby", "NA", "Umeå"], "Kod": ["0114", "NA", ""]}


def test_an_empty_cell_is_an_error_in_a_number_column_unless_listed_as_missing(root):
    write(root, "data/t.csv", "Kommun;Antal;Datum\nUmeå;;2025-01\nLycksele;–;\n")
    columns = {"Kommun": "text", "Antal": "integer", "Datum": "date"}
    _, errors = read(root, "data/t.csv", columns)
    hint = (
        "Fyll i värdet, eller ange i diagrambeskrivningen vilka celltexter som betyder att värde "
        'saknas (missing: ["–"]) och skriv en av dem i cellen.'
    )
    assert errors == [
        f"data/t.csv:2: kolumnen 'Antal' är tom men ska innehålla heltal. {hint}",
        "data/t.csv:3: kolumnen 'Antal' ska innehålla heltal, men har '–'. Betyder '–' att "
        "värdet saknas (som '..' i SCB:s tabeller), skriv missing: [\"–\"] i diagrammets "
        "beskrivning i data/charts.yaml; annars skriv talet.",
        "data/t.csv:3: kolumnen 'Datum' är tom men ska innehålla datum.",
    ]
    frame, errors = read(root, "data/t.csv", columns, missing=["", "–"])
    assert errors == []
    assert frame["Antal"].isna().tolist() == [True, True]
    assert frame["Datum"].isna().tolist() == [False, True]


def test_na_is_missing_in_a_text_column_only_when_listed(root):
    frame, _ = one_column(root, "text", "Umeå", "NA", missing=["NA"])
    assert frame["Värde"].isna().tolist() == [False, True]


# Errors located in the data file


def test_each_bad_cell_names_the_file_its_physical_line_and_the_column(root):
    columns = {"Läge": "text", "Antal givare": "number", "Månad": "date", "Andel": "number"}
    _, errors = read(root, "data/lycksele.csv", columns)
    assert errors == [
        f"data/lycksele.csv:5: kolumnen 'Antal givare' ska innehålla tal, men har 'tolv'. {NUMBER_HINT}",
        "data/lycksele.csv:6: kolumnen 'Månad' ska innehålla datum, men har '2025-13': det finns "
        "ingen månad 13. "
        "Skriv datum som 2025-03-31 eller 31 mars 2025, eller 2025-03 för en hel månad.",
        "data/lycksele.csv:6: kolumnen 'Andel' är tom men ska innehålla tal. "
        "Fyll i värdet, eller ange i diagrambeskrivningen vilka celltexter som betyder att värde "
        'saknas (missing: ["–"]) och skriv en av dem i cellen.',
    ]


def test_at_most_twenty_bad_cells_are_listed_then_how_many_more(root):
    _, errors = one_column(root, "number", *["x"] * 25)
    assert len(errors) == 21
    assert errors[19] == "data/t.csv:21: kolumnen 'Värde' ska innehålla tal, men har 'x'."
    assert errors[20] == "data/t.csv:22: … och 5 fler fel i samma fil."


def test_a_missing_column_is_reported_at_the_description_with_a_suggestion(root):
    _, errors = read(root, "data/rekrytering.csv", {"Resultat": "text", "Andell": "number"})
    assert errors == [f"{WHERE}: kolumnen 'Andell' finns inte i data/rekrytering.csv (menade du 'Andel'?)"]
    _, errors = read(root, "data/rekrytering.csv", {"Resultat": "text", "Procent": "number"})
    assert errors == [
        f"{WHERE}: kolumnen 'Procent' finns inte i data/rekrytering.csv. "
        "Kolumnerna heter: 'Resultat', 'Andel'."
    ]


def test_a_title_row_above_the_header_is_named_with_the_header_s_row(root):
    write_xlsx(
        root, "data/t.xlsx", {"Blad1": [["Kvinnor i byggbranschen 2025"], ["Kön", "Andel"], ["Kvinnor", 11]]}
    )
    _, errors = read(root, "data/t.xlsx", {"Kön": "text", "Andel": "number"})
    assert errors == [
        f"{WHERE}: kolumnen '{column}' finns inte i bladet 'Blad1' i data/t.xlsx. Rubriken '{column}' "
        "står på rad 2, men rubrikraden måste vara den första raden med text (här rad 1). Ta bort "
        "raderna ovanför, till exempel en rubrik över hela tabellen, och lägg den i diagrammets title."
        for column in ("Kön", "Andel")
    ]


def test_a_problem_in_the_first_of_several_sheets_says_which_others_there_are(root):
    sheets = {"Anteckningar": [["Källa: SCB"]], "Data": [["Kön", "Andel"], ["Kvinnor", 11]]}
    write_xlsx(root, "data/t.xlsx", sheets)
    _, errors = read(root, "data/t.xlsx", {"Kön": "text", "Andel": "number"})
    assert errors == [
        "data/t.xlsx:1: bladet 'Anteckningar' har en rubrikrad men inga rader med data. Filen har "
        "fler blad ('Data') och diagrammet läser det första, 'Anteckningar'. Ligger tabellen i ett "
        "annat blad, skriv till exempel sheet: Data i diagrammet."
    ]
    frame, errors = read(root, "data/t.xlsx", {"Kön": "text", "Andel": "number"}, sheet="Data")
    assert errors == [] and list(frame["Andel"]) == [11]


def test_a_number_column_with_no_number_at_all_is_reported_at_the_chart_not_cell_by_cell(root):
    write(root, "data/t.csv", "Resultat;Andel\nSvårt att rekrytera;70\nMisslyckas helt;25\n")
    _, errors = read(root, "data/t.csv", {"Andel": "text", "Resultat": "number"}, key_lines={"Resultat": 9})
    assert errors == [
        "data/charts.yaml:9: kolumnen 'Resultat' i data/t.csv har inga tal alls (den första cellen "
        "är 'Svårt att rekrytera'), men diagrammet läser den som tal. Kontrollera att diagrammet "
        "nämner rätt kolumn; kolumner med tal: 'Andel'."
    ]
    write(root, "data/t.csv", "Resultat;Andel\nSvårt att rekrytera;sjuttio\n")
    _, errors = read(root, "data/t.csv", {"Resultat": "text", "Andel": "number"})
    assert errors == [f"data/t.csv:2: kolumnen 'Andel' ska innehålla tal, men har 'sjuttio'. {NUMBER_HINT}"]


def test_other_columns_are_ignored_and_declared_order_is_kept(root):
    frame, _ = read(root, "data/givare.csv", {"Andel": "number", "Kommun": "text"})
    assert list(frame.columns) == ["Andel", "Kommun"]


def test_a_declared_column_written_twice_in_the_header_is_an_error(root):
    write(root, "data/t.csv", "Kommun;Antal;Antal\nUmeå;1;2\n")
    _, errors = read(root, "data/t.csv", {"Kommun": "text", "Antal": "integer"})
    assert errors == [
        "data/t.csv:1: kolumnen 'Antal' finns 2 gånger i rubrikraden. Ge kolumnerna olika namn."
    ]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("", "data/t.csv: filen är tom. Diagrammet behöver en rubrikrad och minst en rad med data."),
        ("\n\n", "data/t.csv: filen är tom. Diagrammet behöver en rubrikrad och minst en rad med data."),
        ("Kommun;Antal\n;\n", "data/t.csv:1: filen har en rubrikrad men inga rader med data."),
    ],
)
def test_an_empty_data_set_is_an_error(root, content, error):
    write(root, "data/t.csv", content)
    assert read(root, "data/t.csv", {"Kommun": "text"})[1] == [error]


def test_a_row_with_more_fields_than_the_header_is_explained(root):
    write(root, "data/t.csv", "Kommun,Andel\nUmeå,6,9\n")
    _, errors = read(root, "data/t.csv", {"Kommun": "text", "Andel": "number"})
    assert errors == [
        "data/t.csv:2: raden har 3 fält, men rubrikraden har 2. "
        "Ett tal med decimalkomma ska stå inom citattecken när fälten skiljs med komma."
    ]


def test_an_unclosed_quote_is_located(root):
    write(root, "data/t.csv", 'Kommun;Antal\nUmeå;1\n"Lycksele;2\nVilhelmina;3\n')
    _, errors = read(root, "data/t.csv", {"Kommun": "text"})
    assert errors == [
        'data/t.csv:3: raden går inte att läsa: ett citattecken (") är inte avslutat eller står mitt i '
        'ett fält. Skriv citattecken i text dubbelt ("").'
    ]


@pytest.mark.parametrize(
    "content", [b"Kommun;Antal\n\x81\x8d\x8f;1\n", "Kommun;Antal\nUmeå;1\n".encode("utf-16-le")]
)
def test_bytes_that_are_not_text_in_any_office_encoding_are_refused(root, content):
    write(root, "data/t.csv", content)
    assert read(root, "data/t.csv", {"Kommun": "text"})[1] == [
        "data/t.csv: filen går inte att läsa som text. Spara filen som CSV (UTF-8) eller XLSX."
    ]


def test_an_excel_file_named_csv_is_recognised(root):
    write_xlsx(root, "data/t.csv", {"Blad1": [["Kommun"], ["Umeå"]]})
    assert read(root, "data/t.csv", {"Kommun": "text"})[1] == [
        "data/t.csv: filen är en Excel-fil, inte CSV. Byt filens ändelse till .xlsx."
    ]


# Only files inside the report folder, of known kinds and sizes


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("/etc/passwd.csv", "datafilen '/etc/passwd.csv' ligger utanför rapportmappen och läses inte."),
        ("C:\\Data\\x.csv", "datafilen 'C:\\Data\\x.csv' ligger utanför rapportmappen och läses inte."),
        ("../andra/x.csv", "datafilen '../andra/x.csv' ligger utanför rapportmappen och läses inte."),
        ("data/../../x.csv", "datafilen 'data/../../x.csv' ligger utanför rapportmappen och läses inte."),
        (
            "https://scb.se/x.csv",
            "datafilen 'https://scb.se/x.csv' är en webbadress; bara filer i rapportmappen läses.",
        ),
        (
            "file:data/givare.csv",
            "datafilen 'file:data/givare.csv' är en webbadress; bara filer i rapportmappen läses.",
        ),
        ("data/givare.xls", "datafilen 'data/givare.xls' är varken CSV eller XLSX."),
    ],
)
def test_paths_that_leave_the_folder_urls_and_other_kinds_are_refused(root, name, error):
    (root.parent / "andra").mkdir()
    write(root.parent, "andra/x.csv", "Kommun\nUmeå\n")
    _, errors = read(root, name, {"Kommun": "text"})
    assert len(errors) == 1
    assert errors[0].startswith(f"{WHERE}: {error}")


def test_a_symlink_that_leads_out_of_the_folder_is_not_followed(root):
    write(root.parent, "hemlig.csv", "Kommun\nUmeå\n")
    (root / "data" / "länk.csv").symlink_to(root.parent / "hemlig.csv")
    _, errors = read(root, "data/länk.csv", {"Kommun": "text"})
    assert errors == [
        f"{WHERE}: datafilen 'data/länk.csv' ligger utanför rapportmappen och läses inte. "
        "Kopiera in filen i mappen data/ och skriv till exempel data/filnamn.csv."
    ]


def test_a_windows_path_inside_the_folder_is_read(root):
    frame, errors = read(root, "data\\givare.csv")
    assert errors == []
    assert_frame_equal(frame, EXPECTED)


def test_a_missing_file_suggests_the_closest_file_in_data(root):
    _, errors = read(root, "data/givre.csv")
    assert errors == [f"{WHERE}: datafilen 'data/givre.csv' finns inte (menade du 'data/givare.csv'?)"]
    _, errors = read(root, "data/skolor.csv")
    assert errors == [
        f"{WHERE}: datafilen 'data/skolor.csv' finns inte. "
        "Filerna i data/ är: data/givare.csv, data/lycksele.csv, data/rekrytering.csv."
    ]


def test_a_file_over_the_size_limit_is_not_read(root, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_DATA_BYTES", 1_000_000)
    write(root, "data/stor.csv", "Kommun\n" + "Umeå\n" * 250_000)
    assert read(root, "data/stor.csv", {"Kommun": "text"})[1] == [
        "data/stor.csv: filen är större än 1 MB. Ta bort rader och kolumner som diagrammet inte använder."
    ]


# XLSX


def test_xlsx_reads_the_first_sheet_or_the_named_one_and_converts_text_cells(root):
    write_xlsx(
        root,
        "data/t.xlsx",
        {
            "Översikt": [["Rubrik"], ["Inte data"]],
            "Givare": [[], ["Kommun", "Antal", 2025], ["Umeå", "1 417", "6,9 %"], [], ["Lycksele", 12.0, 7]],
        },
    )
    frame, errors = read(root, "data/t.xlsx", {"Rubrik": "text"})
    assert (frame["Rubrik"].tolist(), errors) == (["Inte data"], [])
    columns = {"Kommun": "text", "Antal": "integer", "2025": "number"}
    frame, errors = read(root, "data/t.xlsx", columns, sheet="Givare")
    assert errors == []
    assert frame.to_dict("list") == {"Kommun": ["Umeå", "Lycksele"], "Antal": [1417, 12], "2025": [6.9, 7.0]}


def test_xlsx_errors_give_the_excel_row_and_the_cell(root):
    write_xlsx(root, "data/t.xlsx", {"Blad1": [["Kommun", "Antal"], ["Umeå", 3], ["Lycksele", "tolv"]]})
    _, errors = read(root, "data/t.xlsx", {"Kommun": "text", "Antal": "number"})
    assert errors == [
        f"data/t.xlsx:3: kolumnen 'Antal' (cell B3) ska innehålla tal, men har 'tolv'. {NUMBER_HINT}"
    ]


def test_xlsx_cells_of_the_wrong_kind_are_errors(root):
    rows = [["Antal", "Datum"], [datetime(2025, 1, 1), 45658], [True, None]]
    write_xlsx(root, "data/t.xlsx", {"Blad1": rows})
    _, errors = read(root, "data/t.xlsx", {"Antal": "number", "Datum": "date"})
    assert [error.split(": ", 1)[1].split(".")[0] for error in errors] == [
        "kolumnen 'Antal' (cell A2) ska innehålla tal, men har '2025-01-01'",
        "kolumnen 'Datum' (cell B2) ska innehålla datum, men har '45658'",
        "kolumnen 'Antal' (cell A3) ska innehålla tal, men har 'True'",
        "kolumnen 'Datum' (cell B3) är tom men ska innehålla datum",
    ]


def test_an_unknown_sheet_is_reported_at_the_description(root):
    write_xlsx(root, "data/t.xlsx", {"Givare": [["Kommun"], ["Umeå"]], "Bakgrund": [["x"], ["y"]]})
    _, errors = read(root, "data/t.xlsx", {"Kommun": "text"}, sheet="Givar")
    assert errors == [f"{WHERE}: bladet 'Givar' finns inte i data/t.xlsx (menade du 'Givare'?)"]
    _, errors = read(root, "data/t.xlsx", {"Kommun": "text"}, sheet="Data")
    assert errors == [f"{WHERE}: bladet 'Data' finns inte i data/t.xlsx. Bladen heter: 'Givare', 'Bakgrund'."]


def test_a_missing_xlsx_column_names_the_sheet(root):
    write_xlsx(root, "data/t.xlsx", {"Givare": [["Kommun"], ["Umeå"]]})
    _, errors = read(root, "data/t.xlsx", {"Kommuner": "text"})
    assert errors == [
        f"{WHERE}: kolumnen 'Kommuner' finns inte i bladet 'Givare' i data/t.xlsx (menade du 'Kommun'?)"
    ]


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
BOMB_ROW = '<row r="3"><c r="A3" t="inlineStr"><is><t>&e9;</t></is></c></row>'
BOMB = "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10 if n else "ha" * 5}">' for n in range(10))


def minimal_xlsx(strings: str = "", sheet: str = "") -> bytes:
    """The smallest XLSX Excel opens: one sheet with Kommun/Umeå, doctypes put before the root elements."""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'{strings}<sst xmlns="{MAIN}" count="2" uniqueCount="2">'
        f"<si><t>Kommun</t></si><si><t>{'&e9;' if strings else 'Umeå'}</t></si></sst>",
        "xl/worksheets/sheet1.xml": f'{sheet}<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
        f"{BOMB_ROW if sheet else ''}"
        "</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return buffer.getvalue()


def test_the_minimal_xlsx_the_bombs_are_built_from_is_read(root):
    write(root, "data/t.xlsx", minimal_xlsx())
    frame, errors = read(root, "data/t.xlsx", {"Kommun": "text"})
    assert (frame["Kommun"].tolist(), errors) == (["Umeå"], [])


@pytest.mark.parametrize("part", ["strings", "sheet"])
def test_an_xml_bomb_in_an_xlsx_is_refused_with_a_located_error(root, part):
    doctype = f"<!DOCTYPE root [{BOMB}]>"
    write(root, "data/bomb.xlsx", minimal_xlsx(**{part: doctype}))
    assert read(root, "data/bomb.xlsx", {"Kommun": "text"})[1] == [
        "data/bomb.xlsx: filen kan inte läsas säkert: den innehåller XML-entiteter, "
        "som Excel aldrig skriver. "
        "Öppna filen i Excel och spara den som en ny XLSX-fil."
    ]


@pytest.mark.parametrize("cut", ["not a zip", "truncated"])
def test_a_broken_xlsx_is_a_located_error(root, cut):
    write_xlsx(root, "data/t.xlsx", {"Blad1": [["Kommun"], ["Umeå"]]})
    content = (root / "data/t.xlsx").read_bytes()
    write(
        root,
        "data/t.xlsx",
        b"\x00\x01\x02 inte en zip" if cut == "not a zip" else content[: len(content) // 2],
    )
    assert read(root, "data/t.xlsx", {"Kommun": "text"})[1] == [
        "data/t.xlsx: filen går inte att läsa som Excel-fil (XLSX); den kan vara trasig. "
        "Spara filen som CSV (UTF-8) eller XLSX."
    ]


def test_an_xlsx_that_unpacks_to_more_than_the_limit_is_refused(root, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_UNPACKED_BYTES", 1_000)
    write_xlsx(root, "data/t.xlsx", {"Blad1": [["Kommun"], ["Umeå"]]})
    assert read(root, "data/t.xlsx", {"Kommun": "text"})[1] == [
        "data/t.xlsx: filen kan inte läsas säkert: den packas upp till mer än 0 MB. "
        "Spara filen som CSV (UTF-8) eller XLSX."
    ]


# Never an exception


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_arbitrary_bytes_give_a_frame_or_messages_never_an_exception(tmp_path_factory, content, suffix):
    root = tmp_path_factory.mktemp("fuzz")
    write(root, f"data/x{suffix}", content)
    read(root, f"data/x{suffix}", {"a": "text", "b": "number"})


@settings(max_examples=300, deadline=None)
@given(
    cell=st.text(alphabet="0123456789 ,.+-%\u2212\u00a0e", max_size=12),
    kind=st.sampled_from(["number", "integer", "date"]),
)
def test_any_cell_text_converts_or_gives_a_swedish_reason(cell, kind):
    try:
        convert_cell(cell, kind)
    except ValueError as error:
        assert str(error).startswith(("ska innehålla ", "är tom men ska innehålla "))


def test_convert_cell_is_the_same_conversion_for_values_written_in_a_description():
    assert convert_cell("1 417", "integer") == 1417
    assert convert_cell("–", "number", missing=["–"]) is None
    with pytest.raises(ValueError, match=r"^ska innehålla tal, men har 'tolv'\.$"):
        convert_cell("tolv", "number")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Kommun;Antal\nUmeå;3\n".encode("cp1252"),
            "data/t.xlsx: filen är en textfil (troligen CSV), inte en Excel-fil. Byt filens ändelse "
            "till .csv, också efter data: i data/charts.yaml.",
        ),
        (  # the start of every OLE2 file: an encrypted XLSX, or an .xls renamed
            bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504),
            "data/t.xlsx: filen är lösenordsskyddad eller sparad i Excels gamla format (.xls), som "
            "inte kan läsas. Öppna den i Excel, ta bort lösenordet om den har ett (Arkiv → Info → "
            "Skydda arbetsbok) och spara den som Excel-arbetsbok (.xlsx).",
        ),
    ],
)
def test_an_xlsx_that_is_text_or_password_protected_says_which(root, content, message):
    write(root, "data/t.xlsx", content)
    assert read(root, "data/t.xlsx", {"Kommun": "text"})[1] == [message]


@pytest.mark.parametrize("mark", ["..", "x", "-", "NA"])
def test_a_statistics_tables_mark_for_a_missing_value_is_answered_with_missing(root, mark):
    # SCB writes '..' where a value is missing; "Skriv tal med siffror" did not say that the
    # chart can be told so.
    _, errors = one_column(root, "number", "1", mark)
    assert errors == [
        f"data/t.csv:3: kolumnen 'Värde' ska innehålla tal, men har '{mark}'. Betyder '{mark}' att "
        f"värdet saknas (som '..' i SCB:s tabeller), skriv missing: [\"{mark}\"] i diagrammets "
        "beskrivning i data/charts.yaml; annars skriv talet."
    ]
    frame, errors = one_column(root, "number", "1", mark, missing=[mark])
    assert errors == [] and frame["Värde"].isna().tolist() == [False, True]


def test_notes_under_a_statistics_export_are_one_error_each_not_empty_cells(root):
    # An export from a statistics database ends with its source and notes, one cell a line.
    write(
        root,
        "data/t.csv",
        "Kommun;Antal\nUmeå;3\nNotviken;4\n\nKälla: SCB, befolkningsstatistik\nAnm.: Preliminära siffror.\n",
    )
    _, errors = read(root, "data/t.csv", {"Kommun": "text", "Antal": "number"})
    assert errors == [
        "data/t.csv:5: raden under tabellen är en anteckning ('Källa: SCB, befolkningsstatistik'), "
        "inte en rad med värden. Ta bort anteckningarna under tabellen ur datafilen; källan skrivs "
        "i source och en förklaring i description i diagrammets beskrivning i data/charts.yaml.",
        "data/t.csv:6: raden under tabellen är en anteckning ('Anm.: Preliminära siffror.'), inte en "
        "rad med värden.",
    ]


def test_a_row_with_only_its_name_is_no_note(root):
    write(root, "data/t.csv", "Kommun;Antal\nUmeå;3\nNotviken;\n")
    _, errors = read(root, "data/t.csv", {"Kommun": "text", "Antal": "number"})
    assert errors[0].startswith("data/t.csv:3: kolumnen 'Antal' är tom")
