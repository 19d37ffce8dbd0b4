"""Mistakes in the YAML files (report.yaml, data/facts.yaml, data/charts.yaml, front matter)
that would otherwise be published or ignored without a word: report syntax in a value, a
file saved under a name that is not read, schema errors and a file too large, each with
what to do."""

from __future__ import annotations

import pytest

from tests.rendering import SETTINGS, chapter, errors_of, project

FACTS = "figures:\n  antal: {value: 3, unit: st}\n"


@pytest.mark.parametrize(
    ("where", "settings", "facts", "front", "message"),
    [
        (
            "report.yaml:2",
            SETTINGS.replace("committee: Testberedningen", "committee: Testberedningen {{ tal.antal }}"),
            FACTS,
            {},
            "'committee' innehåller {{",
        ),
        (
            "data/facts.yaml:5",
            SETTINGS,
            FACTS + "conclusions:\n  - id: a\n    text: >-\n      Första raden\n      ::: faktaruta\n",
            {},
            "'text' innehåller :::",
        ),
        ("content/01-a.md:2", SETTINGS, FACTS, {"title": "A {% if x %}"}, "'title' innehåller {%"),
    ],
)
def test_report_syntax_in_a_yaml_value_is_a_located_error(tmp_path, where, settings, facts, front, message):
    title = front.get("title", "A")
    root = project(tmp_path, {"01-a.md": chapter(title, "Text.\n")}, facts=facts, settings=settings)
    errors = [error for error in errors_of(root) if error.startswith(where + ":")]
    assert len(errors) == 1, errors_of(root)
    assert errors[0].startswith(f"{where}: {message}, som skulle synas som text: uttryck med {{{{ }}}} och ")
    assert errors[0].endswith("skriv den i ett kapitel i stället.")


@pytest.mark.parametrize(
    ("moved", "to"),
    [
        ("report.yaml", "report.yml"),
        ("report.yaml", "Report.yaml"),
        ("report.yaml", "report.yaml.txt"),
        ("data/facts.yaml", "data/facts.yml"),
        ("data/facts.yaml", "data/facts - Kopia.yaml"),
    ],
)
def test_a_settings_or_facts_file_saved_under_another_name_is_named_not_ignored(tmp_path, moved, to):
    root = project(tmp_path, {"01-a.md": chapter("A", "Det finns {{ tal.antal }}.\n")}, facts=FACTS)
    (root / moved).rename(root / to)
    wanted = moved.rsplit("/", 1)[-1]
    assert errors_of(root) == [
        f"{to}: heter inte {wanted} och läses därför inte. Byt namn på filen till {wanted} "
        "(små bokstäver, .yaml)."
    ]


def test_a_list_where_a_group_of_keys_belongs_says_to_remove_the_dashes(tmp_path):
    facts = "committee:\n  - established: 2022\n  - member_count: 13\n"
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, facts=facts)
    assert errors_of(root) == [
        "data/facts.yaml:1: 'committee' ska vara en grupp av nycklar (nyckel: värde). "
        "Ta bort '- ' framför nycklarna under committee, så att de står som nyckel: värde."
    ]


def test_a_file_over_the_size_limit_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr("kfsreport.load.folder.MAX_TEXT_BYTES", 1_000)
    root = project(tmp_path, {"01-a.md": chapter("A", "Ett ord. " * 200)})
    assert errors_of(root) == [
        "content/01-a.md: filen är större än 0 MB. Dela upp ett långt kapitel i flera filer, och "
        "lägg stora tabeller i en CSV-fil i data/ (den får vara större)."
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "theme:\n  primary: red\n",
            "report.yaml:9: 'primary' under theme ('red') är ingen färg. Skriv färgen som # och "
            "sex tecken 0–9 och a–f, inom citattecken, till exempel '#0b5563'.",
        ),
        (  # an unquoted # begins a YAML comment, so the value is empty
            "theme:\n  accent: #f2c14e\n",
            "report.yaml:9: 'accent' under theme har inget värde. Skriv värdet efter kolonet. "
            "Börjar värdet med # (en färg som '#0b5563'), sätt det inom citattecken: annars gör "
            "# resten av raden till en kommentar.",
        ),
        (
            "output_name: Årsrapport 2030 (slutlig)\n",
            "report.yaml:8: 'output_name' ('Årsrapport 2030 (slutlig)') kan inte vara ett filnamn. "
            "Använd bokstäverna a–z och A–Z (inte å, ä, ö), siffror, bindestreck och punkt, utan "
            "mellanslag och snedstreck, till exempel arsrapport-2025.",
        ),
    ],
)
def test_a_colour_or_file_name_of_the_wrong_form_is_not_called_an_id(tmp_path, setting, message):
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, settings=SETTINGS + setting)
    assert errors_of(root) == [message]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "  - 5\n",
            "data/facts.yaml:2: post 1 under conclusions ska vara en grupp av nycklar (nyckel: värde), "
            "inte '5'. Skriv posten som nyckel: värde efter '- ', med de andra nycklarna på egna "
            "rader under, indragna lika långt.",
        ),
        (
            "  -\n",
            "data/facts.yaml:2: post 1 under conclusions är tom. Skriv nycklarna efter '- ' (till "
            "exempel - id: …), eller ta bort raden.",
        ),
    ],
)
def test_a_list_item_that_is_a_number_or_empty_is_named_as_the_item(tmp_path, item, message):
    facts = "conclusions:\n" + item + "  - id: b\n    text: En slutsats.\n"
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, facts=facts)
    assert errors_of(root) == [message]


def test_a_date_before_the_reports_year_is_a_located_error(tmp_path):
    """Last year's date left in report.yaml (or a year typed wrong) built without a word."""
    settings = SETTINGS.replace("date: 2030-08-20", "date: 2029-08-20")
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, settings=settings)
    assert errors_of(root) == [
        "report.yaml:6: rapportens datum (2029-08-20) ligger före rapportens år 2030; en "
        "delårsrapport kan inte vara daterad innan året har börjat. Rätta date (eller year, om "
        "det är året som är fel)."
    ]


def test_an_email_address_that_is_none_is_a_located_error(tmp_path):
    """It became a mailto: link to nowhere in the footer, the accessibility statement and the PDF."""
    setting = "contact:\n  name: Sekretariatet\n  email: beredningar at regionen\n"
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, settings=SETTINGS + setting)
    assert errors_of(root) == [
        "report.yaml:10: 'email' under contact: 'beredningar at regionen' är ingen e-postadress; "
        "skriv den som namn@exempel.se."
    ]


PLAN = (
    "plan:\n  goals:\n    - {{id: m, text: Mål.}}\n"
    "  activities:\n    - {{id: a, goal: m, text: A., status: {}}}\n"
)


@pytest.mark.parametrize(
    ("settings", "facts", "given", "meant"),
    [
        (
            "",
            PLAN.format("planerad"),
            "planerad",
            "planned",
        ),
        (
            "",
            PLAN.format("Pågår"),
            "Pågår",
            "ongoing",
        ),
        (
            "",
            "action_plan:\n  title: P\n  groups:\n    - title: G\n      actions:\n"
            "        - {text: T., priority: hög}\n",
            "hög",
            "high",
        ),
        ("layout: PM\n", "", "PM", "memo"),
    ],
)
def test_a_value_written_as_the_swedish_word_the_report_shows_names_the_value_to_write(
    tmp_path, settings, facts, given, meant
):
    # `status: planerad`, the word the plan's table shows, got only the list of English values.
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, facts=facts, settings=SETTINGS + settings)
    (error,) = errors_of(root)
    assert f"har värdet '{given}', som inte är tillåtet. Välj ett av: " in error
    assert error.endswith(f". Värdena skrivs på engelska: skriv {meant}.")
