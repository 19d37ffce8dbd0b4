"""Swedish numbers and dates as the reader sees them: `3 894`, `6,9 %`, `−8`, `17 februari 2025`."""

from __future__ import annotations

import datetime as dt

import pytest

from kfsreport.render import locale

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (3894, f"3{NBSP}894"),
        (10000, f"10{NBSP}000"),
        (1234567, f"1{NBSP}234{NBSP}567"),
        (999, "999"),
        (6.9, "6,9"),
        (0.25, "0,25"),
        (1417.5, f"1{NBSP}417,5"),
        (-8, f"{MINUS}8"),
        (-1234.5, f"{MINUS}1{NBSP}234,5"),
        (0, "0"),
    ],
)
def test_number_groups_thousands_with_no_break_space_and_uses_decimal_comma(value, shown):
    assert locale.number(value) == shown


def test_float_noise_does_not_show_up_as_decimals():
    assert locale.number(0.1 + 0.2) == "0,3"
    assert locale.number(3894.0) == f"3{NBSP}894"


def test_minus_is_the_minus_sign_not_a_hyphen():
    text = locale.number(-8)
    assert text == "\u22128"
    assert "-" not in text


def test_signed_numbers_get_a_plus_but_zero_and_negatives_do_not():
    assert locale.number(60, signed=True) == "+60"
    assert locale.number(6.9, signed=True) == "+6,9"
    assert locale.number(-8, signed=True) == f"{MINUS}8"
    assert locale.number(0, signed=True) == "0"


@pytest.mark.parametrize("zero", [0, 0.0, -0.0])
def test_zero_and_negative_zero_are_plain_zero(zero):
    assert locale.number(zero) == "0"
    assert locale.number(zero, signed=True) == "0"
    assert locale.number(zero, 1) == "0,0"


def test_a_negative_number_that_rounds_to_zero_has_no_minus_sign():
    assert locale.number(-0.04, 1) == "0,0"
    assert locale.number(-0.4, 0) == "0"


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (3894, 1, f"3{NBSP}894,0"),
        (6.9, 2, "6,90"),
        (6.94, 1, "6,9"),
        (6.96, 1, "7,0"),
        (1.23456, 2, "1,23"),
        (1417.7, 0, f"1{NBSP}418"),
        (-8.26, 1, f"{MINUS}8,3"),
    ],
)
def test_decimals_fixes_the_number_of_decimals(value, decimals, shown):
    assert locale.number(value, decimals) == shown


def test_without_decimals_argument_at_most_four_decimals_are_shown():
    assert locale.number(1.23456) == "1,2346"


def test_percent_joins_the_sign_with_a_no_break_space():
    assert locale.percent(6.9) == "6,9\u00a0%"
    assert locale.percent(60, signed=True) == f"+60{NBSP}%"
    assert locale.percent(-8) == f"{MINUS}8{NBSP}%"
    assert locale.percent(11, 1) == f"11,0{NBSP}%"


def test_with_unit_joins_number_and_unit_with_no_break_spaces():
    assert locale.with_unit(1417, "tkr") == "1\u00a0417\u00a0tkr"
    assert locale.with_unit(3894, "invånare") == f"3{NBSP}894{NBSP}invånare"
    assert locale.with_unit(2.5, "mnkr", 2) == f"2,50{NBSP}mnkr"


@pytest.mark.parametrize("unit", [None, ""])
def test_with_unit_without_a_unit_is_just_the_number(unit):
    assert locale.with_unit(1417, unit) == f"1{NBSP}417"


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (dt.date(2025, 2, 17), "17 februari 2025"),
        (dt.date(2025, 1, 1), "1 januari 2025"),
        (dt.date(2025, 11, 25), "25 november 2025"),
        (dt.date(2030, 12, 31), "31 december 2030"),
    ],
)
def test_date_is_day_month_name_year_without_leading_zero(day, shown):
    assert locale.date(day) == shown


# --- numbers typed by hand in the text (render.numbers) -------------------------------------


def test_spaces_typed_in_numbers_and_before_units_become_no_break_spaces():
    from kfsreport.render.numbers import bind_numbers

    html = "<td>1 417 tkr</td><td>−13 553 tkr</td><td>6,9 %</td><p>för 10 000 personer och 3 av 4</p>"
    assert bind_numbers(html) == (
        "<td>1\u00a0417\u00a0tkr</td><td>−13\u00a0553\u00a0tkr</td><td>6,9\u00a0%</td>"
        "<p>för 10\u00a0000 personer och 3 av 4</p>"
    )


def test_a_hyphen_typed_as_a_minus_becomes_the_minus_sign():
    from kfsreport.render.numbers import bind_numbers

    # A budget table typed by hand: `-3 420` kept its hyphen while {{ ekonomi }} had `−3 450`.
    html = "<td>-3 420</td><td>-14,1 %</td><p>ett resultat på -210 tkr (-0,4 %) och -5</p>"
    assert bind_numbers(html) == (
        "<td>−3\u00a0420</td><td>−14,1\u00a0%</td><p>ett resultat på −210\u00a0tkr (−0,4\u00a0%) och −5</p>"
    )
    kept = "<p>år 2023-2030, tel 090-78 50 00, 1-2 gånger, KFN-12, -2023-24, -3.5.1 och a -b</p>"
    assert bind_numbers(kept) == kept


def test_numbers_in_code_charts_and_attributes_are_left_as_written():
    from kfsreport.render.numbers import bind_numbers

    html = '<img alt="1 417 tkr"><code>6,9 % -5</code><pre>10 000</pre><svg><text>-5 %</text></svg>år 2020'
    assert bind_numbers(html) == html
