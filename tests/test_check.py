"""`kfsreport check` as an editor meets it: each planted mistake reported with file and line,
the same constructs written correctly passing `--strict`, and the demo passing `--strict`."""

from __future__ import annotations

import re

import pytest

from tests.conftest import edit

C1 = "content/01-kapitel.md"
PLANTED = {
    # rule: the start of the line check prints (file:line: severity: message)
    "placeholder date": "report.yaml:6: varning: datumet 2030-01-01 är platshållaren från kfsreport new.",
    "spelling in facts": "data/facts.yaml:3: varning: 'Kartläga' finns inte i den svenska ordlistan "
    "(menade du 'Kartlägga' eller 'Kartlägg'?).",
    "typography in facts": "data/facts.yaml:8: varning: '6,9%': mellanslag saknas mellan talet och "
    "procenttecknet.",
    "chart alt is a file name": "data/charts.yaml:12: fel: alternativtexten 'diagram.png' är ett filnamn",
    "image alt is a file name": f"{C1}:7: fel: alternativtexten 'karta.png' säger inte vad bilden visar.",
    "decimal point": f"{C1}:9: varning: '6.9 %': decimaltal skrivs med komma på svenska. Skriv 6,9 %.",
    "no space before %": f"{C1}:9: varning: '7,1%': mellanslag saknas mellan talet och procenttecknet. "
    "Skriv 7,1 % (med mellanslag).",
    "straight quotes": f'{C1}:10: varning: raka citattecken (") används inte i svensk text. '
    "Skriv ”vi fortsätter”",
    "hyphen for a range": f"{C1}:10: varning: '2019-2020': ett intervall skrivs med tankstreck, inte "
    "bindestreck. Skriv 2019–2020.",
    "hyphen as a dash": f"{C1}:10: varning: bindestreck med mellanslag omkring används som tankstreck.",
    "long sentence": f"{C1}:12: varning: meningen har 39 ord: ”Beredningen har under året i nära "
    "samarbete med …”.",
    "spelling in a chapter": f"{C1}:14: varning: 'Stavningsfle' finns inte i den svenska ordlistan",
    "heading level skipped": f"{C1}:18: fel: rubriken ”Djupt ner” (####) hoppar över en nivå: "
    "närmast ovanför står en rubrik med ##. Skriv den med ###",
    "empty section": f"{C1}:22: varning: avsnittet ”Tomt avsnitt” är tomt.",
    "hint left by new": f"{C1}:26: varning: ledtexten från kfsreport new står kvar.",
    "directive with no data": f"{C1}:28: varning: {{{{ rekommendationer }}}} visar ingenting: "
    "data/facts.yaml har inga rekommendationer (recommendations).",
    "high LIX": "content/02-svar-text.md:5: varning: kapitlet har LIX 101 (mycket svår text).",
    "empty chapter": "content/03-tomt.md:1: varning: kapitlet har ingen text.",
    "WeasyPrint warning in a stylesheet": "templates/css/print.css:2: varning: WeasyPrint: Ignored "
    "`colr: red` at 2:3, unknown property.",
}


# One worker runs this whole module, so the planted report is checked once.
pytestmark = pytest.mark.xdist_group("check")


@pytest.fixture(scope="module")
def planted_output(tmp_path_factory):
    import shutil

    from tests.conftest import FIXTURES

    project = tmp_path_factory.mktemp("planted") / "check-planted"
    shutil.copytree(FIXTURES / "check-planted", project)
    from kfsreport.commands.check import check

    outcome = check(project)
    return outcome, outcome.report()


@pytest.mark.parametrize("rule", list(PLANTED))
def test_each_planted_mistake_is_reported_with_file_and_line(planted_output, rule):
    _, text = planted_output
    assert any(line.startswith(PLANTED[rule]) for line in text.splitlines()), text


def test_planted_mistakes_are_the_only_findings(planted_output):
    outcome, _ = planted_output
    assert len(outcome.findings) == len(PLANTED)
    assert len(outcome.errors) == 3


def test_output_is_grouped_by_file_with_counts(planted_output):
    _, text = planted_output
    headers = [line for line in text.splitlines() if re.match(r"^\S+: \d+ (fel|varning)", line)]
    assert headers == [
        "report.yaml: 1 varning",
        "data/facts.yaml: 2 varningar",
        "data/charts.yaml: 1 fel",
        "content/01-kapitel.md: 2 fel, 10 varningar",
        "content/02-svar-text.md: 1 varning",
        "content/03-tomt.md: 1 varning",
        "templates/css/print.css: 1 varning",
    ]
    assert text.rstrip().endswith(
        "3 fel och 16 varningar. Rätta felen (fil och rad står först på raden) och kör kfsreport check igen."
    )


def test_the_same_constructs_written_correctly_pass_strict(make_project, cli):
    project = make_project("check-clean")
    run = cli("check", "--project", str(project), "--strict")
    assert run.code == 0, run.out
    assert run.out.splitlines() == [
        "Läsbarhet per kapitel (LIX; meningar över 35 ord visas som varningar):",
        "  content/01-kapitel.md  LIX 36 (normal), 35 ord i 7 meningar",
        "",
        "Inga fel och inga varningar. Bygg rapporten med kfsreport build.",
    ]


def test_a_chapter_in_english_passes_strict_without_swedish_spelling_or_readability(make_project, cli):
    # An English summary gave a spelling warning for every word and a Swedish LIX.
    project = make_project("check-clean")
    long = " ".join(["This summary sets out what the survey found in every part of the county"] * 3)
    (project / "content" / "02-summary.md").write_text(
        f"---\ntitle: Summary in English\nnumbered: false\nlang: en\n---\n\n{long}.\n", encoding="utf-8"
    )
    run = cli("check", "--project", str(project), "--strict")
    assert run.code == 0, run.out
    assert "02-summary" not in run.out


def test_a_swedish_chapter_marked_english_is_a_warning_at_its_lang_line(make_project, cli):
    # The front matter copied from the English summary: a screen reader read the Swedish
    # chapter with an English voice, and check advised marking each of its words {lang=sv}.
    project = make_project("check-clean")
    sentence = "Beredningen har under året följt hur kommunerna arbetar med att rekrytera och behålla"
    swedish = " ".join([sentence] * 4)
    (project / "content" / "02-resultat.md").write_text(
        f"---\ntitle: Resultat\nlang: en\n---\n\n{swedish}.\n", encoding="utf-8"
    )
    run = cli("check", "--project", str(project))
    assert (
        "content/02-resultat.md:3: varning: kapitlet är märkt lang: en, men ser ut att vara skrivet på "
        "svenska (20 av 52 ord är svenska småord som har, under, med), så en skärmläsare skulle läsa "
        "hela kapitlet med fel röst. Ta bort lang: en ur kapitlets front matter om kapitlet är på "
        "svenska, eller märk bara de delar som är på ett annat språk, till exempel "
        "[Building Women]{lang=en}." in run.out
    ), run.out
    assert "content/02-resultat.md: 1 varning" in run.out  # not one more per Swedish word


def test_warnings_fail_only_with_strict(make_project, cli):
    project = make_project("check-clean")
    edit(project / "content" / "01-kapitel.md", "6,9&nbsp;%", "6,9%")
    relaxed = cli("check", "--project", str(project))
    assert relaxed.code == 0
    assert "content/01-kapitel.md:5: varning: '6,9%'" in relaxed.out
    assert "Inga fel, 1 varning. Se över varningarna innan rapporten skickas" in relaxed.out
    strict = cli("check", "--project", str(project), "--strict")
    assert strict.code == 1
    assert "1 varning; med --strict räknas varningar som fel." in strict.out


def test_quiet_shows_only_errors(make_project, cli):
    project = make_project("check-clean")
    edit(project / "content" / "01-kapitel.md", "6,9&nbsp;%", "6,9%")
    assert cli("check", "--project", str(project), "--quiet").out == ""
    edit(project / "content" / "01-kapitel.md", "(bilder/karta.png)", "(bilder/saknas.png)")
    run = cli("--quiet", "check", "--project", str(project))
    assert run.code == 1
    assert run.out.splitlines()[:2] == [
        "content/01-kapitel.md: 1 fel",
        "content/01-kapitel.md:7: fel: bilden 'bilder/saknas.png' finns inte. "
        "Kontrollera namnet; sökvägen räknas från kapitlets mapp (content/).",
    ]


def test_build_errors_and_text_rules_are_reported_in_one_run(make_project, cli):
    project = make_project("check-clean")
    edit(project / "content" / "01-kapitel.md", '{{ ref("uppfoljning") }}', "[länk](#finns-inte)")
    edit(project / "content" / "01-kapitel.md", "besökt", "besökkt")
    run = cli("check", "--project", str(project))
    assert run.code == 1
    assert "content/01-kapitel.md:11: fel: länken #finns-inte pekar på en rubrik som inte finns." in run.out
    assert "content/01-kapitel.md:5: varning: 'besökkt' finns inte i den svenska ordlistan" in run.out


def test_the_word_list_is_read_from_the_report_folder(make_project, cli):
    project = make_project("check-clean")
    (project / "ordlista.txt").write_text("# tom\n", encoding="utf-8")
    run = cli("check", "--project", str(project))
    assert "content/01-kapitel.md:5: varning: 'Tvärlunda' finns inte i den svenska ordlistan" in run.out
    assert "lägg till ordet i ordlista.txt om det är rätt." in run.out


def test_a_word_list_that_cannot_be_read_is_an_error_not_ignored(make_project, cli):
    """Saved as Windows-1252, the whole list was dropped without a word, so every name in it
    came back as a spelling warning."""
    project = make_project("check-clean")
    (project / "ordlista.txt").write_bytes("Tvärlunda\n".encode("cp1252"))
    run = cli("check", "--project", str(project))
    assert run.code == 1
    assert (
        "ordlista.txt:1: fel: filen är inte sparad som UTF-8 (troligen Windows-1252 från Word eller "
        "Excel). Spara om den som UTF-8 i din textredigerare." in run.out
    )


def test_the_demo_passes_check_strict(make_project, cli):
    project = make_project("demo")
    run = cli("check", "--project", str(project), "--strict")
    assert run.code == 0, run.out
    assert run.out.rstrip().endswith("Inga fel och inga varningar. Bygg rapporten med kfsreport build.")


def test_uppfoljning_without_follow_up_in_the_facts_is_a_warning(make_project, cli):
    project = make_project("check-clean")
    chapter = project / "content" / "01-kapitel.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n{{ uppfoljning }}\n", encoding="utf-8")
    line = chapter.read_text(encoding="utf-8").splitlines().index("{{ uppfoljning }}") + 1
    run = cli("check", "--project", str(project))
    assert (
        f"content/01-kapitel.md:{line}: varning: {{{{ uppfoljning }}}} visar ingenting: data/facts.yaml har "
        "inga rekommendationer att följa upp (follow_up). Fyll i dem i data/facts.yaml, eller ta bort raden."
    ) in run.out


def test_a_footnote_text_nothing_refers_to_stops_the_build_at_its_line(make_project, cli):
    """`[^x]: …` with no `[^x]` in the chapter: the text would not be in the report (the
    parser drops it), so the build stops there; check says the same."""
    project = make_project("minimal")
    chapter = sorted((project / "content").glob("*.md"))[0]  # ends in a sentence
    lines = chapter.read_text(encoding="utf-8").rstrip("\n").split("\n")
    chapter.write_text(
        "\n".join([*lines, "", "[^kalla]: SCB, befolkningsstatistik 2024."]) + "\n", encoding="utf-8"
    )
    where = f"content/{chapter.name}:{len(lines) + 2}: "
    for command in ("build", "check"):
        run = cli(command, "--project", str(project))
        assert run.code == 1, run.out + run.err
        said = [line for line in (run.out + run.err).splitlines() if line.startswith(where)]
        assert said and "fotnoten [^kalla] har en text, men texten hänvisar aldrig till den" in said[0]
        assert "Skriv [^kalla] i texten där fotnoten hör hemma" in run.out + run.err
    chapter.write_text(
        "\n".join([*lines[:-1], lines[-1] + "[^kalla]", "", "[^kalla]: SCB."]) + "\n", encoding="utf-8"
    )
    assert cli("build", "--project", str(project)).code == 0
