"""What is legitimately meant renders correctly, last year's report still builds, and
`kfsreport new` makes a folder colleagues can open and warns about what it carried over."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kfsreport.errors import Problems
from kfsreport.load.datasets import read_dataset
from kfsreport.load.yamlfile import read_yaml
from tests.conftest import FIXTURES, edit

CHAPTER = "content/02-beredningen.md"


def test_a_filter_in_a_table_cell_and_a_class_on_a_list_item_render(make_project, cli, tmp_path):
    demo = make_project("demo")
    edit(
        demo / CHAPTER,
        "{{ plan }}\n",
        "{{ plan }}\n\n| Vad | När |\n|---|---|\n| Planen | {{ fakta.plan.decided | datum }} |\n\n"
        "- en punkt {.viktig}\n- en till\n",
    )
    run = cli("build", "--project", str(demo), "--format", "html", "--out", str(tmp_path / "ut"))
    assert run.code == 0, run.err
    html = (tmp_path / "ut" / "arsrapport-2025.html").read_text(encoding="utf-8")
    assert "<td>17 februari 2025</td>" in html
    assert '<li class="viktig">en punkt</li>' in html
    assert "{.viktig}" not in html and "{{" not in html


def _personal(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "p.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_declared_separators_read_english_numbers(tmp_path):
    root = _personal(tmp_path, "Grupp;Antal\nA;3,894\nB;20,000\nC;1,234,567\n")
    problems = Problems()
    frame = read_dataset(root, "data/p.csv", {"Antal": "integer"}, problems, ("c", 1), separators=(None, ","))
    assert not problems.errors
    assert list(frame["Antal"]) == [3894, 20000, 1234567]
    problems = Problems()
    frame = read_dataset(root, "data/p.csv", {"Grupp": "text"}, problems, ("c", 1), separators=(",", None))
    assert not problems.errors
    frame = read_dataset(
        _personal(tmp_path, "Grupp;Antal\nA;3,894\nB;1.500,25\n"),
        "data/p.csv",
        {"Antal": "number"},
        problems,
        ("c", 1),
        separators=(",", "."),
    )
    assert list(frame["Antal"]) == [3.894, 1500.25]


def test_an_ambiguous_number_names_both_readings_and_a_plain_decimal_column_is_not_ambiguous(tmp_path):
    root = _personal(tmp_path, "Grupp;Antal\nA;3,894\nB;12\n")
    problems = Problems()
    assert read_dataset(root, "data/p.csv", {"Antal": "number"}, problems, ("c", 1)) is None
    (error,) = problems.errors
    assert str(error).startswith(
        "data/p.csv:2: kolumnen 'Antal' har värdet '3,894', som kan läsas på två sätt: "
        "3\u00a0894 (, skiljer tusental) eller 3,894 (, är decimaltecken)."
    )
    assert 'thousands: ","' in str(error)
    root = _personal(tmp_path, "Grupp;Antal\nA;3,894\nB;6,9\n")
    problems = Problems()
    frame = read_dataset(root, "data/p.csv", {"Antal": "number"}, problems, ("c", 1))
    assert not problems.errors and list(frame["Antal"]) == [3.894, 6.9]


def test_yaml_is_read_on_past_a_tab_and_a_bad_indent():
    text = "a:\n  x: 1\n\ty: 2\nb: 3\nc:\n  z: 1\n   w: 2\nd: 4\n"
    problems = Problems()
    located = read_yaml(text, "data/facts.yaml", problems)
    assert [
        (e.line, "tabb" in e.message or "indrag" in e.message or "kolon" in e.message) for e in problems
    ] == [
        (3, True),
        (7, True),
    ]
    assert located is not None and located.partial
    assert located.data["b"] == "3" and located.data["d"] == "4"


def test_the_first_release_of_the_2025_demo_still_builds(cli, tmp_path, first_release):
    """tests/fixtures/demo-2025-first is the demo as first released (commit f978e29): a report
    folder written for the first kfsreport builds unchanged (built once per run, shared with
    tests/test_conformance.py), and check locates what to change."""
    names = sorted(p.name for p in first_release.iterdir() if not p.name.startswith("."))
    assert "arsrapport-2025.html" in names and "arsrapport-2025.pdf" in names
    old = tmp_path / "gammal"
    shutil.copytree(FIXTURES / "demo-2025-first", old)
    check = cli("check", "--project", str(old))
    errors = [line for line in check.out.splitlines() if ": fel:" in line]
    assert errors == [
        "content/04-avslutande-kommentar.md:11: fel: rubriken ”Internationella spaningar” (###) hoppar "
        "över en nivå: närmast ovanför står kapitelrubriken. Skriv den med ##, så att skärmläsare och "
        "innehållsförteckning förstår ordningen."
    ]
    assert "'Bjurholm'" not in check.out  # the word list in content/, where it was then, is read


def test_new_respects_the_umask_and_refuses_an_earlier_year(make_project, cli, tmp_path):
    demo = make_project("demo")
    old = os.umask(0o022)
    try:
        run = cli("new", str(tmp_path / "r2026"), "--from", str(demo), "-q")
    finally:
        os.umask(old)
    assert run.code == 0, run.err
    assert (tmp_path / "r2026").stat().st_mode & 0o777 == 0o755
    run = cli("new", str(tmp_path / "r2024"), "--year", "2025", "--from", str(demo))
    assert run.code == 1
    assert run.err.startswith(f"{tmp_path / 'r2024'}: --year 2025 kommer inte efter rapportens år 2025.")
    assert not (tmp_path / "r2024").exists()
    run = cli("new", str(tmp_path / "r2027"), "--from", str(tmp_path / "finns-inte"))
    assert run.code == 1 and "rapportmappen finns inte" in run.err and "Traceback" not in run.err


def test_check_warns_about_what_new_carried_over(make_project, cli, tmp_path):
    demo = make_project("demo")
    target = tmp_path / "r2026"
    assert cli("new", str(target), "--from", str(demo), "-q").code == 0
    csv = target / "data" / "rekryteringsenkaten.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(";70", ";72"), encoding="utf-8")
    out = cli("check", "--project", str(target)).out
    assert "report.yaml:" in out and "tillgänglighetsredogörelsen bedömdes senast 2025-11-25" in out
    assert "förra årets rekommendation 'rek-korta-utbildningar' saknar outcome" in out
    assert "diagrammet 'rekryteringsenkaten' har nya data, men alternativtexten är densamma" in out
    assert "diagrammet 'skr-prognos' har nya data" not in out  # unchanged data: nothing to say


def test_a_missing_project_folder_is_a_message_not_a_traceback(cli, tmp_path):
    for command in ("build", "check", "serve"):
        run = cli(command, "--project", str(tmp_path / "finns-inte"))
        assert run.code == 1
        assert run.err == (
            f"{tmp_path / 'finns-inte'}: rapportmappen finns inte. Ange mappen som innehåller "
            "report.yaml, till exempel --project rapporter/2025 (utan --project används mappen du står i).\n"
        )


def test_argument_mistakes_are_told_in_swedish(cli):
    run = cli("build", "--bogus")
    assert run.code == 2
    assert "kfsreport: fel: okänt argument: --bogus" in run.err
    assert "error" not in run.err and "usage" not in run.err
    run = cli("bild")
    assert "'bild' finns inte; välj bland" in run.err
    assert "Skriv kfsreport build." in cli("bygg").err
    assert "det här saknas: MAPP" in cli("new").err


def test_invalid_facts_do_not_hide_a_reference_to_a_missing_heading(make_project, cli):
    demo = make_project("demo")
    edit(demo / "data" / "facts.yaml", "decided: 2025-02-17", "decided: 2025-02-30")
    edit(
        demo / "content" / "00-om-rapporten.md", '{{ ref("avtalssamverkan") }}', '{{ ref("avtalsamverkan") }}'
    )
    run = cli("build", "--project", str(demo), "--format", "html")
    assert run.code == 1
    assert "data/facts.yaml:38: 'decided' under plan är inte ett giltigt datum" in run.err
    assert 'content/00-om-rapporten.md:8: ref("avtalsamverkan"): ingen rubrik' in run.err
    assert "tal." not in run.err  # expressions that read the invalid facts are not guessed at


def test_a_broken_template_is_explained_in_swedish(make_project, cli):
    demo = make_project("demo")
    (demo / "templates" / "partials").mkdir(parents=True, exist_ok=True)
    (demo / "templates" / "partials" / "plan.html.j2").write_text("<p>{% if x %}</p>\n", encoding="utf-8")
    run = cli("build", "--project", str(demo), "--format", "html")
    assert run.code == 1
    assert (
        "templates/partials/plan.html.j2:1: mallen kan inte användas: ett {% … %}-block avslutas inte"
        in run.err
    )
    assert "unexpected" not in run.err and "Jinja" not in run.err
