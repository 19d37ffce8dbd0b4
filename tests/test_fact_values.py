"""A key figure's value is read as the data files read a number (`load/swedish.py`), a
per cent sign in it is its unit, and dates that cannot follow each other are errors at the
line of the date to change."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import edit
from tests.rendering import chapter, errors_of, html_of, project

USES = "{{ tal.a }}, {{ tal.b }}, {{ tal.c }} och {{ tal.d }}."


def _facts(**values: str) -> str:
    return "figures:\n" + "".join(f"  {key}:\n{value}" for key, value in values.items())


def test_a_key_figure_is_written_as_a_data_file_cell_is(tmp_path: Path) -> None:
    facts = _facts(
        a='    value: "3\u202f894"\n    unit: invånare\n',
        b='    value: "1\u00a0417,5"\n    unit: tkr\n',
        c='    value: "−8 %"\n',
        d='    value: "6,9\u00a0%"\n    unit: "%"\n',
    )
    root = project(tmp_path / "r", {"01-a.md": chapter("Ett", USES)}, facts)
    page = html_of(root)
    assert "3\u00a0894\u00a0invånare, 1\u00a0417,5\u00a0tkr, \u22128\u00a0% och 6,9\u00a0%." in page


def test_a_value_with_two_per_cent_signs_is_shown_as_written(tmp_path: Path) -> None:
    # `value: 12%%` was reported as '12%', which is not what the file says.
    facts = _facts(a="    value: 12%%\n")
    root = project(tmp_path / "r", {"01-a.md": chapter("Ett", "{{ tal.a }}")}, facts)
    assert errors_of(root) == [
        "data/facts.yaml:3: 'value' under figures → a: '12%%' är skrivet med procenttecken; skriv "
        "talet utan % (enheten står i unit)."
    ]


def test_a_per_cent_sign_in_the_value_and_another_unit_is_an_error_at_the_value(tmp_path: Path) -> None:
    facts = _facts(a='    value: "12 %"\n    unit: tkr\n', b="    value: 12 st\n")
    root = project(tmp_path / "r", {"01-a.md": chapter("Ett", "{{ tal.a }} {{ tal.b }}")}, facts)
    errors = errors_of(root)
    assert errors == [
        "data/facts.yaml:3: 'value' under figures → a: '12 %' är skrivet med procenttecken; skriv "
        "talet utan % (enheten står i unit).",
        "data/facts.yaml:6: 'value' under figures → b: '12 st' är inte ett tal (skriv till exempel "
        "6,9 eller 1 417).",
    ]


def test_adopted_after_the_report_date_is_an_error_at_adopted(make_project) -> None:
    root = make_project("minimal")
    with (root / "report.yaml").open("a", encoding="utf-8") as file:
        file.write("adopted: 2030-09-02\naccessibility:\n  assessed: 2030-08-20\n  updated: 2030-08-01\n")
    edit(root / "data/facts.yaml", "decided: 2030-02-17", "decided: 2030-08-21")
    errors = errors_of(root)
    assert errors == [
        "data/facts.yaml:13: verksamhetsplanen fastställdes (2030-08-21) efter rapportens datum "
        "(2030-08-20), men rapporten redovisar arbetet efter den. Rätta plan → decided (eller "
        "date i report.yaml).",
        "report.yaml:9: rapporten antogs (2030-09-02) efter rapportens datum (2030-08-20); en "
        "rapport dateras senast den dag den antas. Rätta adopted, eller date om rapporten ska "
        "bära dagen den antogs.",
        "report.yaml:12: tillgänglighetsredogörelsen uppdaterades (2030-08-01) före bedömningen "
        "den redovisar (2030-08-20). Rätta updated eller assessed under accessibility; updated "
        "är samma dag som assessed eller senare.",
    ]


def test_adopted_before_the_year_and_an_action_period_backwards_are_errors(make_project) -> None:
    root = make_project("minimal")
    with (root / "report.yaml").open("a", encoding="utf-8") as file:
        file.write("adopted: 2029-12-30\n")
    with (root / "data/facts.yaml").open("a", encoding="utf-8") as file:
        file.write(
            "action_plan:\n  period: 2030–2026\n  groups:\n    - title: Rekrytera\n      actions:\n"
            "        - text: Fler praktikplatser.\n          period: 2031 - 2030\n"
        )
    errors = errors_of(root)
    assert errors[2].startswith("report.yaml:9: rapporten antogs (2029-12-30) före rapportens år 2030")
    assert errors[:2] == [
        "data/facts.yaml:57: perioden '2030–2026' slutar (2026) innan den börjar (2030). "
        "Skriv det första året först: 2026–2030.",
        "data/facts.yaml:62: perioden '2031 - 2030' slutar (2030) innan den börjar (2031). "
        "Skriv det första året först: 2030–2031.",
    ]


def test_a_date_order_is_checked_also_when_another_fact_is_invalid(make_project) -> None:
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "  member_count: 5\n", "  member_count: fem\n")
    with (root / "data/facts.yaml").open("a", encoding="utf-8") as file:
        file.write(
            "action_plan:\n  period: 2030–2026\n  groups:\n    - title: R\n"
            "      actions:\n        - text: T.\n"
        )
    errors = errors_of(root)
    assert any("perioden '2030–2026' slutar (2026) innan den börjar (2030)" in e for e in errors), errors


def test_a_value_with_a_point_and_three_decimals_is_an_error_naming_both_readings(tmp_path: Path) -> None:
    # `value: 1.417` copied from a table that writes thousands with a point was published as 1,417.
    facts = _facts(a="    value: 1.417\n    unit: invånare\n", b="    value: 6.9\n    unit: '%'\n")
    root = project(tmp_path / "r", {"01-a.md": chapter("Ett", "{{ tal.a }} {{ tal.b }}")}, facts)
    assert errors_of(root) == [
        "data/facts.yaml:3: 'value' under figures → a: '1.417' kan läsas på två sätt: 1\u00a0417 "
        "(punkten skiljer tusental) eller 1,417 (punkten är decimaltecken); skriv 1\u00a0417 eller 1,417."
    ]


def test_a_date_in_report_yaml_written_in_words_gets_the_date_to_write(make_project) -> None:
    # "25 november 2025" was refused with only "Skriv datumet som ÅÅÅÅ-MM-DD".
    root = make_project("minimal")
    with (root / "report.yaml").open("a", encoding="utf-8") as file:
        file.write("adopted: 20 augusti 2030\naccessibility:\n  assessed: 31/2/2030\n")
    assert errors_of(root) == [
        "report.yaml:9: 'adopted' är inte ett giltigt datum ('20 augusti 2030'). Skriv datumet som "
        "ÅÅÅÅ-MM-DD: 2030-08-20.",
        "report.yaml:11: 'assessed' under accessibility är inte ett giltigt datum ('31/2/2030': "
        "februari 2030 har 28 dagar). Skriv datumet som ÅÅÅÅ-MM-DD.",
    ]


def test_a_key_figure_whose_id_has_hyphens_is_written_as_its_id(tmp_path: Path) -> None:
    # Ids are written with hyphens everywhere; `tal.budget-total` subtracted `total` from
    # `tal.budget` and said 'budget' did not exist, suggesting the very name written.
    facts = _facts(**{"budget-total": "    value: 48200\n    unit: tkr\n", "budget": "    value: 5\n"})
    text = "{{ tal.budget-total }}, {{ tal.budget-total.varde }} och {{ tal.budget }}."
    root = project(tmp_path / "r", {"01-a.md": chapter("Ett", text)}, facts)
    assert "48\u00a0200\u00a0tkr, 48\u00a0200 och 5." in html_of(root)


def test_a_hyphenated_name_that_is_no_key_figure_is_still_an_error_with_a_suggestion(tmp_path: Path) -> None:
    facts = _facts(**{"budget-total": "    value: 48200\n    unit: tkr\n"})
    root = project(tmp_path / "r", {"01-a.md": chapter("Ett", "{{ tal.budget-totalt }}")}, facts)
    errors = errors_of(root)
    assert errors == [
        "content/01-a.md:5: {{ tal.budget-totalt }}: 'budget-totalt' finns inte (menade du 'budget-total'?)."
    ]
