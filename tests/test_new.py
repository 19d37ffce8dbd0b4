"""`kfsreport new`: next year's folder from this year's, which builds and passes check at once."""

from __future__ import annotations

from pathlib import Path

from kfsreport.commands.new import emit, year_shifter
from kfsreport.errors import Problems
from kfsreport.load.folder import load_project
from kfsreport.load.yamlfile import read_yaml
from tests.conftest import edit


def test_new_from_the_demo_builds_and_passes_check(make_project, cli, tmp_path):
    demo = make_project("demo")
    target = tmp_path / "r2026"
    run = cli("new", str(target), "--year", "2026", "--from", str(demo))
    assert run.code == 0, run.err
    assert run.out.splitlines()[0] == f"Skapade {target}: Årsrapport 2026, utifrån Årsrapport 2025."
    build = cli("build", "--project", str(target))
    assert build.code == 0, build.err
    assert sorted(p.name for p in (target / "output").iterdir() if not p.name.startswith(".")) == [
        "arsrapport-2026.html",
        "arsrapport-2026.pdf",
    ]
    check = cli("check", "--project", str(target))
    assert check.code == 0, check.out
    assert ": fel:" not in check.out
    assert "report.yaml:11: varning: datumet 2026-01-01 är platshållaren från kfsreport new." in check.out
    assert sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) == [
        "Makefile",
        "content",
        "data",
        "ordlista.txt",
        "output",
        "report.yaml",
    ]
    assert (target / "data" / "skr-prognos.csv").read_bytes() == (
        demo / "data" / "skr-prognos.csv"
    ).read_bytes()
    chapter = (target / "content" / "04-avslutande-kommentar.md").read_text(encoding="utf-8")
    assert "## Uppföljning av 2025 års rekommendationer {#uppfoljning}" in chapter
    assert "*Att skriva:* hur 2025 års rekommendationer har följts upp." in chapter
    follow_up = chapter.split("{#uppfoljning}")[1].split("\n## ")[0]
    assert "{{ uppfoljning }}" in follow_up  # last year's recommendations are listed there
    html = (target / "output" / "arsrapport-2026.html").read_text(encoding="utf-8")
    assert html.count('<p class="recommendation">') == len(
        load_project(demo)[0].facts.data["recommendations"]
    )


def test_settings_get_the_new_year_and_lose_the_date_and_registration_number(make_project, cli, tmp_path):
    source = make_project("minimal")
    assert cli("new", str(tmp_path / "ny"), "--from", str(source)).code == 0
    settings = (tmp_path / "ny" / "report.yaml").read_text(encoding="utf-8")
    assert settings.splitlines()[4:] == [
        "title: Testrapport 2031",
        "committee: Testberedningen",
        "organisation: Region Test",
        "kind: interim",
        "year: 2031",
        "date: 2031-01-01",
        "period:",
        "  from: 2031-01-01",
        "  to: 2031-08-31",
    ]


def test_facts_carry_last_years_recommendations_as_follow_up(make_project, cli, tmp_path):
    source = make_project("minimal")
    assert cli("new", str(tmp_path / "ny"), "--from", str(source)).code == 0
    sources, problems = load_project(tmp_path / "ny")
    assert not problems
    facts = sources.facts.data
    assert facts["follow_up"] == [{"id": "rek-1", "text": "Fler praktikplatser."}]
    assert facts["recommendations"] == [] and facts["conclusions"] == [] and facts["meetings"] == []
    assert facts["plan"]["activities"][1] == {
        "id": "akt-2",
        "goal": "mal-b",
        "text": "Skicka en enkät.",
        "status": "planned",
    }
    assert "decided" not in facts["plan"]
    assert facts["committee"] == {"established": "våren 2029", "member_count": "5"}
    assert facts["figures"]["minskning"] == {"value": "-8", "unit": "%"}


def test_chapters_keep_front_matter_headings_and_directives_with_a_hint(make_project, cli, tmp_path):
    source = make_project("minimal")
    assert cli("new", str(tmp_path / "ny"), "--from", str(source)).code == 0
    chapter = (tmp_path / "ny" / "content" / "01-inledning.md").read_text(encoding="utf-8")
    assert chapter == (
        "---\ntitle: Inledning\n---\n\n"
        "*Att skriva:* kapitlets inledning. Förra året var texten cirka 30 ord.\n\n"
        "## Samverkan {#samverkan}\n\n"
        "*Att skriva:* avsnittet ”Samverkan” för 2031. Listan nedan hämtas ur `assignments` i "
        "`data/facts.yaml`.\n\n"
        "{{ riktade_uppdrag }}\n\n"
        "### En underrubrik\n\n"
        "*Att skriva:* avsnittet ”En underrubrik” för 2031.\n"
    )
    preface = (tmp_path / "ny" / "content" / "00-forord.md").read_text(encoding="utf-8")
    assert preface == "---\ntitle: Förord\nnumbered: false\n---\n\n*Att skriva:* kapitlets inledning.\n"


def test_an_existing_folder_is_never_overwritten(make_project, cli, tmp_path):
    source = make_project("minimal")
    target = tmp_path / "upptagen"
    target.mkdir()
    (target / "anteckningar.txt").write_text("mina", encoding="utf-8")
    run = cli("new", str(target), "--from", str(source))
    assert run.code == 1
    assert run.err.splitlines() == [
        f"{target}: mappen finns redan och är inte tom; kfsreport new skriver aldrig över något. "
        "Välj en ny mapp, till exempel ../arsrapport-2026.",
        "",
        "Ingen ny rapport skapades.",
    ]
    assert [p.name for p in target.iterdir()] == ["anteckningar.txt"]


def test_a_broken_source_report_creates_nothing(make_project, cli, tmp_path):
    source = make_project("minimal")
    edit(source / "data" / "facts.yaml", "      goal: mal-b\n", "      goal: mal-c\n")
    run = cli("new", str(tmp_path / "ny"), "--from", str(source))
    assert run.code == 1
    assert "data/facts.yaml:28: aktiviteten 'akt-2' hänvisar till målet 'mal-c'" in run.err
    assert list(tmp_path.iterdir()) == [source]


def test_new_outside_a_report_folder_says_how_to_name_the_one_to_start_from(cli, tmp_path, monkeypatch):
    # It said "ange mappen med --project", a flag `new` does not have.
    monkeypatch.chdir(tmp_path)
    run = cli("new", str(tmp_path / "delar 2026"))
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f"report.yaml: filen saknas i {tmp_path.resolve()}. Kör kommandot i rapportmappen du utgår "
        "från, eller ange den med --from MAPP."
    )
    assert not (tmp_path / "delar 2026").exists()


def test_years_shift_together():
    shift = year_shifter(2025, 2026)
    assert shift("Årsrapport 2025, uppföljning av 2024 års rekommendationer, prognos 2023–2033") == (
        "Årsrapport 2026, uppföljning av 2025 års rekommendationer, prognos 2023–2033"
    )
    assert shift("arsrapport-2025") == "arsrapport-2026"


def test_the_yaml_writer_round_trips_through_the_loader():
    data = {
        "text": "En lång text " * 10,
        "quoted": "-8",
        "colon": "Rubrik: del två",
        "list": [{"id": "a", "text": "Första"}, "ensam"],
        "empty": [],
        "percent": "%",
    }
    located = read_yaml("\n".join(emit(data)) + "\n", "x.yaml", Problems())
    assert located is not None
    assert located.data == {**data, "text": data["text"].strip()}


def test_the_year_must_be_a_year(cli, tmp_path: Path):
    run = cli("new", str(tmp_path / "ny"), "--year", "nästa")
    assert run.code == 2
    assert "kfsreport new: fel: --year: 'nästa' är inget år; skriv till exempel 2026" in run.err


def test_the_new_folder_has_a_makefile_that_runs_this_kfsreport(make_project, cli, tmp_path):
    import subprocess
    import sys

    target = tmp_path / "r2026"
    assert cli("new", str(target), "--from", str(make_project("minimal")), "-q").code == 0
    makefile = (target / "Makefile").read_text(encoding="utf-8")
    assert f"KFSREPORT ?= {sys.executable} -m kfsreport" in makefile
    check = subprocess.run(["make", "-s", "check"], cwd=target, capture_output=True, text=True)
    assert "varning: datumet 2031-01-01 är platshållaren från kfsreport new." in check.stdout
    assert check.returncode == 2  # make's code when check --strict finds warnings
    new = subprocess.run(["make", "-s", "new"], cwd=target, capture_output=True, text=True)
    assert new.returncode == 2
    assert "till exempel: make new MAPP=../arsrapport-2032" in new.stdout


def test_make_new_passes_a_year_only_when_ar_is_given(make_project, cli, tmp_path):
    """make defines AR itself (the archiver `ar`), so `make new MAPP=…` once ran `--year ar`."""
    import subprocess

    target = tmp_path / "r2026"
    assert cli("new", str(target), "--from", str(make_project("minimal")), "-q").code == 0
    repo = Path(__file__).resolve().parent.parent
    for folder, extra in ((target, []), (repo, ["RUN_STAMP="])):

        def dry_run(*args: str, cwd: Path = folder, extra: list[str] = extra) -> str:
            env = {"PATH": "/usr/bin:/bin", "AR": "x86_64-linux-gnu-ar"}  # as a toolchain may set
            run = subprocess.run(
                ["make", "-n", "new", "MAPP=../ny", *extra, *args],
                cwd=cwd,
                capture_output=True,
                text=True,
                env=env,
            )
            assert run.returncode == 0, run.stderr
            return run.stdout

        assert "--year" not in dry_run()
        assert "--year 2033" in dry_run("AR=2033")


def test_those_who_sign_follow_to_the_new_year(make_project, cli, tmp_path):
    source = make_project("minimal")
    edit(
        source / "data/facts.yaml",
        "recommendations:\n",
        "signed_by:\n  - name: Per Ås\n    role: sekreterare\nrecommendations:\n",
    )
    assert cli("new", str(tmp_path / "ny"), "--from", str(source)).code == 0
    sources, problems = load_project(tmp_path / "ny")
    assert not problems
    assert sources.facts.data["signed_by"] == [{"name": "Per Ås", "role": "sekreterare"}]


def test_the_recipients_number_is_last_years_matter_and_is_cleared(make_project, cli, tmp_path):
    source = make_project("minimal")
    settings = source / "report.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "recipient: Departementet\nrecipient_reference: S2030/1\n",
        encoding="utf-8",
    )
    assert cli("new", str(tmp_path / "ny"), "--from", str(source)).code == 0
    text = (tmp_path / "ny" / "report.yaml").read_text(encoding="utf-8")
    assert "recipient: Departementet" in text and "recipient_reference" not in text
