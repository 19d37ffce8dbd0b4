"""The command line as an editor meets it: exact messages, exit codes, outputs left alone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kfsreport.cli import main
from kfsreport.commands.build import build
from tests.conftest import FIXTURES, built_once, edit


@pytest.fixture(scope="session")
def minimal_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal report with its output/, built once per test run (read only)."""

    def make(folder: Path) -> None:
        shutil.copytree(FIXTURES / "minimal", folder / "minimal")
        build(folder / "minimal")

    return built_once(tmp_path_factory, "minimal-built", make) / "minimal"


def built(tmp_path: Path, minimal_built: Path) -> tuple[Path, dict[str, bytes]]:
    """A copy of the built minimal report and the bytes of its outputs."""
    project = tmp_path / "minimal"
    shutil.copytree(minimal_built, project)
    out = project / "output"
    return project, {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def assert_untouched(project: Path, before: dict[str, bytes]) -> None:
    out = project / "output"
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after == before


def test_build_writes_html_and_pdf_and_says_where(make_project, cli):
    project = make_project("minimal")
    run = cli("build", "--project", str(project))
    assert run.code == 0
    out = (project / "output").resolve()
    assert run.out.splitlines() == [
        f"Skrev {out / 'testrapport-2030.html'}",
        f"Skrev {out / 'testrapport-2030.pdf'}",
    ]
    assert (out / "testrapport-2030.pdf").read_bytes().startswith(b"%PDF-")


def test_format_and_out_options(make_project, cli, tmp_path):
    project = make_project("minimal")
    run = cli("build", "--project", str(project), "--format", "html", "--out", str(tmp_path / "ut"))
    assert run.code == 0
    assert sorted(p.name for p in (tmp_path / "ut").iterdir() if not p.name.startswith(".")) == [
        "testrapport-2030.html"
    ]


def test_the_folder_can_be_named_without_project_as_new_names_it(make_project, cli, tmp_path):
    project = make_project("minimal")
    run = cli("build", str(project), "--format", "html")
    assert run.code == 0, run.err
    assert (project / "output" / "testrapport-2030.html").is_file()
    checked, flagged = cli("check", str(project)), cli("check", "--project", str(project))
    assert (checked.code, checked.out, checked.err) == (flagged.code, flagged.out, flagged.err)
    assert cli("build", str(project), "--project", str(project), "--format", "html").code == 0
    other = tmp_path / "annan"
    other.mkdir()
    both = cli("build", str(project), "--project", str(other))
    assert both.code == 2
    assert (
        both.err.splitlines()[-1]
        == f"kfsreport: fel: ange rapportmappen en gång: {project} eller --project {other}"
    )
    missing = cli("build", str(tmp_path / "saknas"))
    assert missing.code == 1 and "rapportmappen finns inte" in missing.err


def test_unknown_format_is_refused(cli):
    run = cli("build", "--format", "docx")
    assert run.code == 2
    assert "okänt format 'docx'; välj html, pdf eller html,pdf" in run.err


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "      goal: mal-b\n",
            "      goal: mal-c\n",
            "data/facts.yaml:28: aktiviteten 'akt-2' hänvisar till målet 'mal-c', som inte finns. "
            "(menade du 'mal-b'?)",
        ),
        (
            "  member_count: 5\n",
            "  member_count: 5\n  membercount: 5\n",
            "data/facts.yaml:4: okänd nyckel 'membercount'. (menade du 'member_count'?)",
        ),
        (
            "      text: Besöka två kommuner.\n",
            "     text: Besöka två kommuner.\n",
            "data/facts.yaml:24: indraget stämmer inte med raderna ovanför. "
            "Kontrollera indrag, kolon och citattecken.",
        ),
        (
            "      status: ongoing\n",
            "      status: klar\n",
            "data/facts.yaml:30: 'status' under plan → activities → post 2 har värdet 'klar', "
            "som inte är tillåtet. Välj ett av: 'planned', 'ongoing', 'done', 'cancelled'. "
            "Värdena skrivs på engelska: skriv done.",
        ),
        (
            "      reported_in: arbetsliv\n",
            "      reported_in: arbetslivet\n",
            "data/facts.yaml:31: aktiviteten 'akt-2' sägs redovisas i avsnittet 'arbetslivet', "
            "men ingen rubrik har det id:t. (menade du 'arbetsliv'?)",
        ),
        (
            "      assignment: uppdrag-b\n",
            "      assignment: uppdrag-x\n",
            "data/facts.yaml:19: målet 'mal-b' hänvisar till uppdraget 'uppdrag-x', som inte finns. "
            "(menade du 'uppdrag-b'?)",
        ),
        (
            "    - id: akt-2\n",
            "    - id: akt-1\n",
            "data/facts.yaml:27: id:t 'akt-1' används redan på rad 22. Varje id måste vara unikt.",
        ),
    ],
)
def test_broken_facts_give_a_located_swedish_message_and_keep_the_output(
    tmp_path, minimal_built, cli, old, new, message
):
    project, before = built(tmp_path, minimal_built)
    assert sorted(before) == ["testrapport-2030.html", "testrapport-2030.pdf"]
    edit(project / "data/facts.yaml", old, new)
    run = cli("build", "--project", str(project))
    assert run.code == 1
    assert run.err.splitlines()[0] == message
    assert run.err.splitlines()[-1] == (
        "Bygget avbröts: 1 fel att rätta. Inget skrevs; tidigare utdata ligger kvar."
    )
    assert "Traceback" not in run.err
    assert_untouched(project, before)


def test_every_problem_in_every_file_is_reported_in_one_run(make_project, cli):
    project = make_project("minimal")
    edit(project / "report.yaml", "kind: interim", "kind: delår")
    edit(project / "data/facts.yaml", "      goal: mal-b\n", "      goal: mal-x\n")
    edit(project / "content/01-inledning.md", "[planen](#plan)", "[planen](#planen)")
    run = cli("build", "--project", str(project))
    assert run.code == 1
    located = [line.split(":")[0] for line in run.err.splitlines() if line]
    assert located[:3] == ["content/01-inledning.md", "data/facts.yaml", "report.yaml"]


def test_missing_report_yaml(cli, tmp_path):
    run = cli("build", "--project", str(tmp_path))
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f"report.yaml: filen saknas i {tmp_path.resolve()}. "
        "Kör kommandot i rapportmappen eller ange mappen med --project."
    )


def test_run_in_a_folder_of_the_report_it_says_where_the_report_folder_is(cli, make_project):
    project = make_project("minimal")
    run = cli("build", "--project", str(project / "content"))
    assert run.code == 1
    folder = project.resolve()
    assert run.err.splitlines()[0] == (
        f"report.yaml: filen saknas i {folder / 'content'}. Rapportmappen är {folder}, som har "
        f"report.yaml: gå dit (cd {folder}) eller ange --project {folder}."
    )


@pytest.mark.parametrize(("typed", "meant"), [("bygg", "build"), ("Granska", "check"), ("visa", "serve")])
def test_a_command_typed_in_swedish_gets_its_english_name(typed, meant, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["-v", typed, "--strict"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"kfsreport: fel: kommandot '{typed}' finns inte: kommandona har engelska namn. "
        f"Skriv kfsreport {meant}."
    )


def test_python_dash_m_and_help_carry_examples():
    for args in (["--help"], ["build", "--help"]):
        result = subprocess.run(
            [sys.executable, "-m", "kfsreport", *args], capture_output=True, text=True, check=True
        )
        assert "Exempel:\n  kfsreport" in result.stdout


ENGLISH = (
    "usage",
    "options",
    "positional arguments",
    "show this",
    "error",
    "invalid",
    "required",
    "expected",
)


def test_help_is_all_swedish_with_an_example_for_every_command(cli):
    for args in (["--help"], *([command, "--help"] for command in ("build", "serve", "check", "new"))):
        run = cli(*args)
        assert run.code == 0
        assert run.out.startswith(f"användning: {' '.join(['kfsreport', *args[:-1]])} [-h]")
        assert "\nflaggor:\n  -h, --help" in run.out and "visa den här hjälpen och avsluta" in run.out
        assert f"Exempel:\n  kfsreport {args[0] if len(args) > 1 else 'build'}" in run.out
        assert [word for word in ENGLISH if word in run.out.lower()] == []
    assert "MAPP" in cli("new", "--help").out.split("flaggor:")[0]  # the positional, under "argument:"
    assert "\nargument:\n  MAPP" in cli("new", "--help").out


def test_argument_errors_are_swedish_with_the_usage_line(cli):
    expected = {
        ("buil",): "kfsreport: fel: KOMMANDO: 'buil' finns inte; välj bland 'build', 'serve', 'check', 'new'",
        ("build", "--bogus"): "kfsreport: fel: okänt argument: --bogus"
        " (kfsreport --help visar vad som finns)",
        ("new",): "kfsreport new: fel: det här saknas: MAPP",
        ("serve", "--port"): "kfsreport serve: fel: --port: behöver ett värde",
        (
            "build",
            "-q",
            "-v",
        ): "kfsreport build: fel: -v/--verbose: kan inte användas tillsammans med -q/--quiet",
    }
    for args, message in expected.items():
        run = cli(*args)
        assert run.code == 2
        assert run.err.startswith("användning: kfsreport")
        assert run.err.splitlines()[-1] == message
        assert [word for word in ENGLISH if word in run.err.lower()] == []


def test_entry_point_prints_no_traceback_on_bad_input(make_project):
    project = make_project("minimal")
    edit(project / "data/facts.yaml", "  member_count: 5\n", "  member_count: fem\n")
    result = subprocess.run(
        [sys.executable, "-m", "kfsreport", "build", "--project", str(project)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "data/facts.yaml:3: 'member_count' under committee: 'fem' är inte ett heltal"
    )
    assert "Traceback" not in result.stderr
    assert not (project / "output").exists()


def _as_the_program(*args: str) -> subprocess.CompletedProcess[str]:
    """`kfsreport <args>` as the console script runs it (`main()` without arguments), with a
    handler that says whether the interpreter's teardown ran."""
    script = (
        "import atexit, sys; from kfsreport.cli import main; "
        "atexit.register(lambda: print('nedmontering', file=sys.stderr)); "
        f"sys.argv = ['kfsreport', *{list(args)!r}]; sys.exit(main())"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)


def test_build_and_check_end_without_the_interpreters_teardown_and_lose_nothing(make_project, tmp_path):
    """The teardown takes 0.1–0.2 s with pandas, Altair and WeasyPrint loaded: `build` and
    `check` end without it, with all they print and write, and their exit code."""
    project = make_project("check-planted")
    checked = _as_the_program("check", "--project", str(project))
    assert checked.returncode == 1 and "nedmontering" not in checked.stderr
    assert checked.stdout.rstrip().endswith(
        "Rätta felen (fil och rad står först på raden) och kör kfsreport check igen."
    )
    clean = make_project("minimal")
    built = _as_the_program(
        "build", "--project", str(clean), "--format", "html", "--out", str(tmp_path / "ut")
    )
    assert built.returncode == 0 and "nedmontering" not in built.stderr, built.stderr
    pages = list((tmp_path / "ut").glob("*.html"))
    assert pages and all(p.read_text(encoding="utf-8").rstrip().endswith("</html>") for p in pages)
    assert "nedmontering" in _as_the_program("--version").stderr + _as_the_program("new", "--help").stderr
