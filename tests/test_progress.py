"""--quiet, --verbose and the progress line: what each command says while it works."""

from __future__ import annotations

import pytest

from kfsreport.commands.progress import Stages, summary


def test_verbose_prints_each_stage_and_its_time(make_project, cli):
    project = make_project("minimal")
    run = cli("-v", "build", "--project", str(project), "--format", "html")
    assert run.code == 0
    timings = [line for line in run.err.splitlines() if line.startswith("Tider: ")]
    assert len(timings) == 1
    stages = [part.rsplit(" ", 2)[0] for part in timings[0].removeprefix("Tider: ").split(" · ")]
    assert stages == [
        "läser in filerna",
        "kontrollerar",
        "ritar diagrammen",
        "gör HTML",
        "skriver utdata",
        "totalt",
    ]


def test_verbose_may_follow_the_command(make_project, cli):
    project = make_project("minimal")
    run = cli("check", "--project", str(project), "--verbose")
    assert "Tider: läser in filerna" in run.err


def test_quiet_build_says_nothing_when_all_went_well(make_project, cli):
    project = make_project("minimal")
    run = cli("build", "--project", str(project), "--format", "html", "--quiet")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_quiet_build_still_shows_errors(make_project, cli):
    project = make_project("minimal")
    (project / "report.yaml").write_text("title: X\n", encoding="utf-8")
    run = cli("-q", "build", "--project", str(project))
    assert run.code == 1
    assert "report.yaml:1: nyckeln 'committee' saknas. Lägg till den." in run.err


def test_without_verbose_no_timings_are_shown(make_project, cli):
    project = make_project("minimal")
    run = cli("build", "--project", str(project), "--format", "html")
    assert "Tider" not in run.err


def test_stages_record_in_order_and_summarise_in_swedish():
    with Stages(show_progress=False) as stages:
        stages("load")
        stages("validate")
    assert [name for name, _ in stages.timings] == ["load", "validate"]
    assert (
        summary([("load", 0.031), ("pdf", 1.5)], 1.6)
        == "läser in filerna 0,03 s · gör PDF:en 1,50 s · totalt 1,60 s"
    )


@pytest.mark.parametrize("command", ["build", "serve", "check", "new"])
def test_every_command_has_help_with_an_example(cli, command):
    run = cli(command, "--help")
    assert run.code == 0
    assert f"Exempel:\n  kfsreport {command} " in run.out
    assert "--quiet" in run.out and "--verbose" in run.out
