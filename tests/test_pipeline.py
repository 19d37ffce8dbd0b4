"""The one pipeline and the one error type: warnings counted, nothing written by check, errors
that pickle and show their column, and one way to name a file."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from kfsreport.charts.compute import ComputeError
from kfsreport.errors import PACKAGE_TEMPLATES, BuildFailed, Problems, ReportError, shown
from kfsreport.render.expressions import ExpressionError
from kfsreport.render.stylesheets import UnreadableFont
from kfsreport.validate.links import Refused
from tests.conftest import edit
from tests.rendering import chapter, project, warnings_of


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else b"<mapp>"
        for path in sorted(root.rglob("*"))
    }


def test_check_strict_fails_on_raw_html_and_counts_the_warning(make_project, cli):
    root = make_project("minimal")
    edit(root / "content/01-inledning.md", "Text.", "Text med <b>fet</b> stil.")
    run = cli("check", "--project", str(root), "--strict")
    assert run.code == 1
    assert "content/01-inledning.md:" in run.out and "varning: HTML-koden <b> visas som text" in run.out
    assert "Inga fel och inga varningar" not in run.out
    assert "varning" in run.out.strip().splitlines()[-1]  # the summary counts it


def test_build_prints_the_warning_and_goes_on(make_project, cli):
    root = make_project("minimal")
    edit(root / "content/01-inledning.md", "Text.", "Text med <b>fet</b> stil.")
    run = cli("build", "--project", str(root), "--format", "html")
    assert run.code == 0
    assert "content/01-inledning.md:" in run.err and "varning: HTML-koden <b>" in run.err


def test_check_writes_nothing_into_the_report_folder(make_project, cli):
    root = make_project("demo")
    before = _tree(root)
    cli("check", "--project", str(root))
    assert _tree(root) == before


def test_the_pipeline_collects_warnings(tmp_path):
    root = project(tmp_path / "r", {"01-a.md": chapter("A", "Ett <i>ord</i>.\n")})
    assert warnings_of(root) == [
        "content/01-a.md:5: HTML-koden <i> visas som text; HTML i kapitlen används inte. "
        "Skriv med Markdown i stället."
    ]


@pytest.mark.usefixtures("print_here")  # the layout would happen here, where it is watched
def test_an_existing_file_as_out_is_reported_before_the_layout(make_project, cli, tmp_path, monkeypatch):
    import kfsreport.printing.pdf

    def no_layout(*args: object, **kwargs: object) -> None:
        raise AssertionError("the PDF should not be laid out")

    monkeypatch.setattr(kfsreport.printing.pdf, "lay_out", no_layout)
    monkeypatch.setattr(kfsreport.printing.pdf, "write_pdf_bytes", no_layout)
    root = make_project("minimal")
    target = tmp_path / "fil.txt"
    target.write_text("x", encoding="utf-8")
    run = cli("build", "--project", str(root), "--out", str(target))
    assert run.code == 1
    assert f"{target}: finns redan och är en fil, inte en mapp." in run.err


def test_report_errors_pickle_and_show_their_column():
    errors = [
        ReportError("fel.", path="data/x.csv", line=3, column=7, hint="Rätta."),
        Refused("bilden saknas.", "Lägg den i content/."),
        ExpressionError("okänt namn."),
        ComputeError("summan är 0."),
        UnreadableFont(Path("fonts/trasig.ttf")),
    ]
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert again == error and type(again) is type(error) and str(again) == str(error)
    assert str(errors[0]) == "data/x.csv:3:7: fel. Rätta."
    assert str(ReportError("fel.", path="a.md", line=3)) == "a.md:3: fel."
    assert errors[1].located("content/a.md", 4).labelled("fel") == (
        "content/a.md:4: fel: bilden saknas. Lägg den i content/."
    )
    failed = pickle.loads(pickle.dumps(BuildFailed(errors[:1], errors[2:3])))
    assert failed.errors == errors[:1] and failed.warnings == errors[2:3]


def test_problems_fail_keeps_its_order_of_arguments():
    problems = Problems()
    problems.fail("content/a.md", 2, "fel.", hint="Rätta.", column=5)
    problems.fail("content/a.md", 2, "fel.", "Rätta.", 5)
    assert [str(e) for e in problems] == ["content/a.md:2:5: fel. Rätta."]


def test_a_file_is_named_one_way(tmp_path):
    assert shown(tmp_path / "templates/css/print.css", tmp_path) == "templates/css/print.css"
    assert shown(PACKAGE_TEMPLATES / "css/print.css", tmp_path) == "templates/css/print.css"
    assert shown(tmp_path / "content/01.md", tmp_path) == "content/01.md"
