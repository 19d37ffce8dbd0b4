"""Issue 13: an invalid value in report.yaml or the facts does not hide the checks that span
several values (the theme's contrast, the period, the economy, the goals' owners); one build
reports every problem at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Run, edit
from tests.rendering import errors_of

ECONOMY = "economy:\n  unit: tkr\n  budget: 1000\n  budget_period: 1500\n  outcome: 700\n"


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_an_invalid_setting_does_not_hide_a_faint_theme_colour(
    make_project: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = make_project("annan-region")
    settings = root / "report.yaml"
    edit(settings, 'primary: "#6b2d7a"', 'primary: "#f0c0f0"')
    edit(settings, "print: duplex", "print: dubbelsidig")
    run = cli("build", "--project", str(root))
    assert run.code != 0
    printing, primary = _line_of(settings, "dubbelsidig"), _line_of(settings, "#f0c0f0")
    assert f"report.yaml:{printing}: 'print' har värdet 'dubbelsidig', som inte är tillåtet." in run.err
    assert f"report.yaml:{primary}: theme.primary: färgen har kontrasten" in run.err
    assert "Bygget avbröts: 4 fel att rätta." in run.err  # print, and the pale primary in three places
    assert "Traceback" not in run.err + run.out


def test_an_invalid_setting_does_not_hide_a_period_outside_the_year(make_project) -> None:
    root = make_project("minimal")
    edit(root / "report.yaml", "to: 2030-08-31", "to: 2031-08-31")
    edit(root / "report.yaml", "title: Testrapport 2030", "title: [Testrapport, 2030]")
    errors = errors_of(root)
    assert any(e.startswith("report.yaml:1: 'title' ska vara text") for e in errors), errors
    assert any("perioden (2031-08-31) ligger inte i rapportens år 2030" in e for e in errors), errors


def test_an_invalid_fact_does_not_hide_an_inconsistent_economy(
    make_project: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = make_project("minimal")
    facts = root / "data/facts.yaml"
    with facts.open("a", encoding="utf-8") as file:
        file.write(ECONOMY)
    edit(facts, "  member_count: 5\n", "  member_count: fem\n")
    run = cli("build", "--project", str(root))
    assert run.code != 0
    count, period = _line_of(facts, "member_count"), _line_of(facts, "budget_period")
    assert f"data/facts.yaml:{count}: 'member_count' under committee: 'fem' är inte ett heltal" in run.err
    assert (
        f"data/facts.yaml:{period}: budgeten för perioden (1500) är större än hela årets budget (1000)."
        in run.err
    )
    assert "Bygget avbröts: 2 fel att rätta." in run.err
    assert "Traceback" not in run.err + run.out


def test_both_files_invalid_still_report_the_economy_against_the_kind(make_project) -> None:
    root = make_project("minimal")
    edit(root / "report.yaml", "kind: interim", "kind: annual")
    edit(root / "report.yaml", "period: {from: 2030-01-01, to: 2030-08-31}\n", "numbering_depth: 0\n")
    with (root / "data/facts.yaml").open("a", encoding="utf-8") as file:
        file.write(ECONOMY.replace("1500", "500"))
    edit(root / "data/facts.yaml", "  member_count: 5\n", "  member_count: fem\n")
    errors = errors_of(root)
    assert any("budget_period används bara i en delårsrapport" in e for e in errors), errors
    assert len(errors) == 3, errors


def test_an_invalid_standing_assignment_is_not_also_called_missing(make_project) -> None:
    root = make_project("minimal")
    facts = root / "data/facts.yaml"
    edit(facts, "      assignment: uppdrag-a\n", "      assignment: standing\n")
    edit(
        facts,
        "  text: Beredningen beskriver läget i länet.\n",
        "  txt: Beredningen beskriver läget i länet.\n",
    )
    errors = errors_of(root)
    assert any("okänd nyckel 'txt'" in e for e in errors), errors
    assert not any("standing_assignment saknas" in e for e in errors), errors


def test_a_goal_on_the_standing_assignment_is_checked_beside_another_error(make_project) -> None:
    root = make_project("minimal")
    facts = root / "data/facts.yaml"
    text = facts.read_text("utf-8")
    start, end = text.index("standing_assignment:\n"), text.index("assignments:\n")
    facts.write_text(text[:start] + text[end:], encoding="utf-8")
    edit(facts, "      assignment: uppdrag-a\n", "      assignment: standing\n")
    edit(facts, "  member_count: 5\n", "  member_count: fem\n")
    errors = errors_of(root)
    assert any(
        "målet 'mal-a' hör till det bestående uppdraget, men standing_assignment saknas" in e for e in errors
    )
