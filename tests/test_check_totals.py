"""check's sum rows: a total typed in a table that is not the sum of its rows is warned about."""

from __future__ import annotations

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.totals import check_totals
from kfsreport.errors import Problems
from kfsreport.render.markdown import make_parser, parse_chapter


def totals(body: str) -> list[str]:
    problems = Problems()
    parsed = parse_chapter(make_parser(), "content/02-ekonomi.md", "Ekonomi", True, None, body, 5, problems)
    problems.raise_if_any()
    findings = Findings()
    check_totals(parsed, findings)
    assert all(f.warning for f in findings.items)
    return [str(f) for f in findings.items]


BUDGET = """\
| Verksamhet | Budget | Utfall | Avvikelse | Avvikelse, % |
|---|---:|---:|---:|---:|
| Bibliotek | 21 600 | 20 350 | 1 250 | 5,8 % |
| Simhallar | 24 330 | 27 750 | -3 420 | −14,1 % |
| Evenemang | 8 070 | 9 970 | −1 900 | −23,5 % |
| **Summa** | **{budget}** | **58 070** | **{deviation}** | **−7,7 %** |
"""


def test_a_sum_row_that_does_not_add_up_is_warned_about_at_its_line_and_column():
    found = totals(BUDGET.format(budget="53 900", deviation="−4 070"))
    assert len(found) == 1
    assert found[0].startswith(
        "content/02-ekonomi.md:10: summaraden ”Summa” stämmer inte i kolumnen ”Budget”: "
        "raderna ovanför blir tillsammans 54\u00a0000, men summan är 53\u00a0900."
    ), found


def test_a_sum_that_adds_up_negative_numbers_and_shares_pass():
    assert totals(BUDGET.format(budget="54 000", deviation="−4 070")) == []


def test_a_difference_of_rounding_passes_but_not_more():
    table = "| Post | mnkr |\n|---|---:|\n| A | 1,4 |\n| B | 2,4 |\n| C | 3,4 |\n| Totalt | {} |\n"
    assert totals(table.format("7,3")) == []  # 1,44 + 2,44 + 3,44 = 7,32
    assert len(totals(table.format("7,5"))) == 1


def test_a_grand_total_under_subtotals_and_text_cells_are_understood():
    table = """\
| Post | tkr | Kommentar |
|---|---:|---|
| Löner | 100 | ökar |
| Lokaler | 50 | |
| Delsumma kostnader | 150 | |
| Bidrag | 20 | |
| Avgifter | 30 | |
| Delsumma intäkter | 50 | |
| Totalt | 200 | |
"""
    assert totals(table) == []
    assert len(totals(table.replace("| Totalt | 200 |", "| Totalt | 210 |"))) == 1


def test_a_table_without_a_sum_row_is_left_alone():
    assert totals("| A | B |\n|---|---:|\n| x | 1 |\n| y | 9 |\n") == []
