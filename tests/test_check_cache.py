"""`kfsreport check` keeps what only costs time in the report's cache folder: the drawn
charts, WeasyPrint's warnings about the print stylesheets and the spelling verdicts. A second
check answers from there, with the same findings; a change to what a verdict depends on makes
it judged again; the report folder is never written to."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kfsreport import pipeline
from kfsreport.commands import hunspell
from kfsreport.commands.check import check
from kfsreport.commands.check import stylesheets as stylesheets_module
from kfsreport.printing.csswarnings import css_warnings
from kfsreport.render import stylesheets
from kfsreport.render.templates import template_dirs
from kfsreport.write.cache import cache_dir
from tests.conftest import edit
from tests.test_charts import with_charts

pytestmark = pytest.mark.xdist_group("check")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("judged again, though nothing it depends on changed")


def _cached_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, neither WeasyPrint nor Hunspell may be asked."""
    monkeypatch.setattr(stylesheets_module, "css_warnings", _refuse)
    monkeypatch.setattr(pipeline, "print_process", _refuse)
    monkeypatch.setattr("kfsreport.commands.check.print_process", lambda: None)
    monkeypatch.setattr(hunspell.Speller, "_hunspell", _refuse)
    monkeypatch.setattr(hunspell.Speller, "_english_hunspell", _refuse)


def test_a_second_check_gives_the_same_findings_from_the_cache(make_project, monkeypatch):
    project = make_project("check-planted")
    first = check(project).report()
    assert "varning: WeasyPrint: Ignored `colr: red`" in first
    assert "'Stavningsfle' finns inte i den svenska ordlistan (menade du" in first
    _cached_only(monkeypatch)
    assert check(project).report() == first


def test_a_changed_stylesheet_or_word_list_is_judged_again(make_project, monkeypatch):
    project = make_project("check-planted")
    check(project)
    (project / "templates/css/print.css").write_text("p {\n  colr: red;\n  fnot-size: 2pt;\n}\n")
    with (project / "ordlista.txt").open("a", encoding="utf-8") as words:
        words.write("Stavningsfle\n")
    again = check(project).report()
    assert "templates/css/print.css:3: varning: WeasyPrint: Ignored `fnot-size: 2pt`" in again
    assert "Stavningsfle" not in again
    assert "'Kartläga' finns inte i den svenska ordlistan" in again  # the rest still judged


def test_a_damaged_cache_is_judged_afresh(make_project):
    project = make_project("check-planted")
    first = check(project).report()
    kept = sorted((cache_dir(project) / "checks").glob("*.json"))
    assert [p.name.split("-")[0] for p in kept] == ["css", "spelling"]
    for path in kept:
        path.write_text('{"known": [1, 2', encoding="utf-8")
    assert check(project).report() == first


def test_check_writes_nothing_in_the_report_folder_and_keeps_the_charts_for_the_build(
    make_project, monkeypatch
):
    root = with_charts(make_project)
    before = _files(root)
    outcome = check(root)
    assert not outcome.errors, outcome.report()
    assert _files(root) == before
    assert len(list((cache_dir(root) / "charts").glob("*.json"))) == 2
    monkeypatch.setattr("kfsreport.charts.figures._draw_all", _refuse)  # both come from the cache now
    made = pipeline.make(root, ["html"], cache=cache_dir(root))
    assert not made.problems.errors
    assert made.document is not None and made.document.screen_html is not None


def test_check_subsets_fonts_without_compressing_or_keeping_them(tmp_path):
    font = Path(stylesheets.__file__).parents[1] / "templates/fonts/SourceSans3-Regular.ttf"
    with stylesheets.fonts_only_checked():
        checked = stylesheets.subset_font(font, set("Åsa"), tmp_path / "checked")
    assert checked[:4] == b"\x00\x01\x00\x00"  # an OpenType font as HarfBuzz made it
    assert not (tmp_path / "checked").exists()
    built = stylesheets.subset_font(font, set("Åsa"), tmp_path / "built")
    assert built[:4] == b"wOF2"


def test_check_still_reports_a_damaged_report_font(make_project):
    root = with_charts(make_project)
    (root / "templates/fonts").mkdir(parents=True)
    (root / "templates/fonts/SourceSans3-Regular.ttf").write_bytes(b"inte ett typsnitt")
    text = check(root).report()
    assert (
        "templates/fonts/SourceSans3-Regular.ttf: fel: typsnittet SourceSans3-Regular.ttf går inte att "
        "läsa: filen är skadad eller inte ett typsnitt." in text
    )


def test_the_print_process_reads_the_stylesheets_as_this_process_does(make_project, monkeypatch):
    project = make_project("check-planted")
    printer = pipeline._kept
    assert printer is not None  # tests/conftest.py keeps one for the whole run
    dirs = template_dirs(project)
    assert printer.css_warnings(project, dirs) == css_warnings(project, dirs)
    asked: list[Path] = []
    real = type(printer).css_warnings
    monkeypatch.setattr(
        type(printer), "css_warnings", lambda self, root, dirs: asked.append(root) or real(self, root, dirs)
    )
    monkeypatch.setattr(stylesheets_module, "css_warnings", _refuse)  # not here: there
    assert "WeasyPrint: Ignored `colr: red`" in check(project).report()
    assert asked == [project.resolve()]


def test_a_stylesheet_check_that_cannot_be_kept_still_reports(make_project, monkeypatch):
    project = make_project("check-planted")
    monkeypatch.setattr(stylesheets_module, "write_outputs", _unwritable)
    assert "WeasyPrint: Ignored `colr: red`" in check(project).report()
    edit(project / "templates/css/print.css", "colr", "colour")
    assert "WeasyPrint: Ignored `colour: red`" in check(project).report()


def _unwritable(files: dict[Path, bytes]) -> list[Path]:
    raise PermissionError(13, "Permission denied", str(next(iter(files))))


def test_the_first_check_has_its_words_judged_by_the_print_process(make_project, monkeypatch):
    """The print process loads the dictionaries and judges every word while this process
    computes the charts; this process loads none, and the findings are the same."""
    project = make_project("check-planted")
    printer = pipeline._kept
    assert printer is not None
    asked: list[list[str]] = []
    real = type(printer).spell
    monkeypatch.setattr(
        type(printer),
        "spell",
        lambda self, *a: asked.append(a[2]) or real(self, *a),  # type: ignore[misc]
    )
    monkeypatch.setattr(hunspell.Speller, "_hunspell", _refuse)
    monkeypatch.setattr(hunspell.Speller, "_english_hunspell", _refuse)
    text = check(project).report()
    assert len(asked) == 1 and "Stavningsfle" in asked[0] and asked[0] == sorted(set(asked[0]))
    assert "'Stavningsfle' finns inte i den svenska ordlistan (menade du" in text
    assert "'Kartläga' finns inte i den svenska ordlistan" in text
    asked.clear()
    assert check(project).report() == text  # the verdicts are in the cache: nothing asked
    assert asked == []


def test_a_print_process_that_cannot_spell_leaves_the_words_to_this_process(make_project, monkeypatch):
    project = make_project("check-planted")
    first = check(project).report()
    shutil.rmtree(cache_dir(project))
    printer = pipeline._kept
    assert printer is not None
    monkeypatch.setattr(type(printer), "spell", lambda self, *a: None)
    assert check(project).report() == first
    shutil.rmtree(cache_dir(project))
    monkeypatch.setattr(type(printer), "spell", lambda self, *a: {"known": "inte en tabell"})
    assert check(project).report() == first


def test_the_print_process_judges_words_as_this_process_does(tmp_path):
    from kfsreport.commands.hunspell import DICTIONARY_DIR, Speller, judge_words

    words = ["kommunen", "Stavningsfle", "Bjurholm", "SKR:s", "IFO-verksamheten", "workshop", "ok"]
    here = Speller(DICTIONARY_DIR, ["Bjurholm", "SKR"])
    for word in words:
        here.judge(word)
    printer = pipeline._kept
    assert printer is not None
    there = printer.spell(DICTIONARY_DIR, ["Bjurholm", "SKR"], words)
    assert there == judge_words(DICTIONARY_DIR, ["Bjurholm", "SKR"], words) == here.verdicts()
    assert there is not None and there["known"]["Bjurholm"] and not there["known"]["Stavningsfle"]
    learnt = Speller(DICTIONARY_DIR, ["Bjurholm", "SKR"], store=tmp_path / "ord.json")
    assert learnt.learn(there) and learnt.unjudged([*words, "nytt"]) == ["nytt"]
    assert not learnt.learn({"known": {}, "english": []}) and not learnt.learn(None)
    learnt.keep()  # what was learnt is kept for the next check like what was judged
    assert Speller(DICTIONARY_DIR, [], store=tmp_path / "ord.json").unjudged(words) == []


def test_the_print_process_answers_for_the_words_asked_whatever_it_judged_before():
    """The print process keeps its dictionaries for the next check, not its verdicts: a
    compound's parts judged for one request (`ifo-enheten`: `IFO` looked up in English) are
    not in the answer to the next, which is what a speller that never saw them answers."""
    from kfsreport.commands.hunspell import DICTIONARY_DIR, Speller, judge_words

    extra = ["Bjurholm", "Bergstavning"]
    first = judge_words(DICTIONARY_DIR, extra, ["ifo-enheten", "Stavningsfle"])
    assert "IFO" in first["english"] and "Stavningsfle" in first["suggestions"]
    words = ["IFO-verksamheten", "kommunen"]
    fresh = Speller(DICTIONARY_DIR, extra)
    for word in words:
        fresh.judge(word)
    assert judge_words(DICTIONARY_DIR, extra, words) == fresh.verdicts()


def test_a_report_that_stops_before_its_charts_is_spelled_here(make_project, monkeypatch):
    """When validation fails, the words never reach the print process: the dictionary is
    loaded here, and the words are still judged."""
    project = make_project("check-clean")
    edit(project / "content" / "01-kapitel.md", '{{ ref("uppfoljning") }}', '{{ ref("finns-inte") }}')
    edit(project / "content" / "01-kapitel.md", "besökt", "besökkt")
    printer = pipeline._kept
    assert printer is not None
    monkeypatch.setattr(type(printer), "spell", _refuse)
    outcome = check(project)
    assert "finns-inte" in "\n".join(finding.error.message for finding in outcome.errors)
    unknown = "content/01-kapitel.md:5: varning: 'besökkt' finns inte i den svenska ordlistan"
    assert unknown in outcome.report()


@pytest.mark.parametrize(
    ("fixture", "warned", "ahead"), [("check-planted", True, True), ("minimal", False, False)]
)
def test_the_command_starts_the_first_checks_print_process_before_loading_the_checks(
    make_project, monkeypatch, cli, tmp_path, fixture, warned, ahead
):
    """`kfsreport check` on a report with nothing in its cache starts the print process first
    thing and check uses that one; a later check starts none. The process imports WeasyPrint
    at once only for a report with stylesheets of its own to read (check-planted), while this
    process imports the checks; for one without (minimal) it only draws and spells."""
    project = make_project(fixture)
    monkeypatch.setenv("KFSREPORT_CACHE", str(tmp_path / "tom-cache"))
    started: list[tuple[str, bool]] = []
    real = pipeline.print_process

    def starting(who: str) -> Callable[..., Any]:
        return lambda ahead=True: started.append((who, ahead)) or real(ahead)

    monkeypatch.setattr(pipeline, "print_process", starting("kommandot"))
    monkeypatch.setattr("kfsreport.commands.check.print_process", starting("check"))
    first = cli("check", "--project", str(project)).out
    assert ("WeasyPrint: Ignored `colr: red`" in first) is warned
    assert started == [("kommandot", ahead)]
    started.clear()
    assert cli("check", "--project", str(project)).out == first
    assert started == []


def test_a_print_process_started_ahead_is_ended_when_the_stylesheets_are_in_the_cache(make_project):
    from kfsreport.printing.printworker import PrintServer

    project = make_project("check-planted")
    check(project)  # the stylesheets' verdict is in the cache now
    ahead = PrintServer()
    ahead.start()
    assert ahead.pid is not None
    assert "WeasyPrint: Ignored `colr: red`" in check(project, printer=ahead).report()
    assert ahead.pid is None


@pytest.mark.parametrize(
    ("setting", "sheet"), [("layout: memo", "memo.css"), ("print: duplex", "duplex.css")]
)
def test_the_stylesheet_check_reads_the_print_stylesheets_the_build_uses(make_project, setting, sheet):
    """memo.css and duplex.css are read when report.yaml asks for them, and only then; the
    kept warnings are not those of the report before the setting changed."""
    project = make_project("minimal")
    (project / "templates/css").mkdir(parents=True)
    (project / "templates/css" / sheet).write_text("h2 {\n  colr: red;\n}\n", encoding="utf-8")
    dirs = template_dirs(project)
    assert css_warnings(project, dirs) == []
    before = stylesheets_module.stylesheets_key(project, dirs)
    edit(project / "report.yaml", "kind: interim\n", f"kind: interim\n{setting}\n")
    assert stylesheets_module.stylesheets_key(project, dirs) != before
    assert f"templates/css/{sheet}:2: varning: WeasyPrint: Ignored `colr: red`" in check(project).report()
