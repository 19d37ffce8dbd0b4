"""The check rules one by one, on small texts: what triggers each and what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.readability import check_readability
from kfsreport.commands.check.spelling import check_spelling, make_speller
from kfsreport.commands.check.text import TextRun, chapter_runs
from kfsreport.commands.check.typography import check_typography
from kfsreport.errors import Problems
from kfsreport.render.markdown import make_parser, parse_chapter


def run_of(text: str) -> TextRun:
    run = TextRun("content/x.md", "paragraph")
    run.add(text, 7)
    return run


def typography(text: str) -> list[str]:
    findings = Findings()
    check_typography([run_of(text)], findings)
    return [f"{f.error.message} {f.error.hint}" for f in findings.items]


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("ökade med 6.9 % i år", "Skriv 6,9 %."),
        ("ökade med 6.9% i år", "Skriv 6,9 %."),
        ("ökade med 6,9% i år", "Skriv 6,9 % (med mellanslag)."),
        ("kostade 1417tkr", "Skriv 1417 tkr (med mellanslag)."),
        ('han sa "ja" till det', "Skriv ”ja” (samma tecken före och efter)."),
        ("under 2019-2020", "Skriv 2019–2020."),
        ("sidorna 4 - 6", "Skriv 4–6."),
        ("rapporten - som är lång", "Skriv tankstreck: ” – ” (Alt Gr + minus, eller &ndash;)."),
    ],
)
def test_typography_slips_are_warned_about_with_the_fix(text, fix):
    assert [message.endswith(fix) for message in typography(text)] == [True]


@pytest.mark.parametrize(
    "text",
    [
        "ökade med 6,9\u00a0% i år",
        "för 10\u00a0000 personer",
        "kostade 1 417 tkr, 6,9 % av budgeten, för 10 000 personer",
        "han sa ”ja” till det",
        "under 2019–2020",
        "regionfullmäktige 2022-11-29–30, § 167",
        "80-90-100-modellen",
        "ring 090-785 00 00",
        "rapporten – som är lång",
        "version 3.10 av programmet",
        "IT-kunskaper och hälso- och sjukvård",
    ],
)
def test_correct_typography_passes(text):
    assert typography(text) == []


def chapter(body: str):
    return parse_chapter(make_parser(), "content/x.md", "X", True, None, body, 5, Problems())


def test_long_sentences_are_found_at_their_line_and_lix_counted():
    long = "Ord " + " ".join(["ord"] * 35) + "."
    parsed = chapter(f"En kort mening. Och en till.\n{long}\n\n- en punkt\n- en annan punkt\n")
    findings = Findings()
    result = check_readability("content/x.md", "X", chapter_runs(parsed), findings)
    assert [str(f) for f in findings.items] == [
        "content/x.md:6: meningen har 36 ord: ”Ord ord ord ord ord ord ord ord …”. "
        "Dela den i två eller fler meningar; mer än 35 ord är svårt att följa."
    ]
    assert (result.words, result.sentences, result.long_words) == (47, 5, 0)
    assert result.lix == 9


def test_a_sentence_of_35_words_is_fine_and_abbreviations_do_not_end_sentences():
    parsed = chapter(" ".join(["ord"] * 35) + ". Till exempel t.ex. i Umeå.")
    findings = Findings()
    result = check_readability("content/x.md", "X", chapter_runs(parsed), findings)
    assert findings.items == []
    assert result.sentences == 2


def test_headings_code_and_link_addresses_are_not_prose():
    parsed = chapter(
        "## Rubrik\n\nSe `kod_här` och <https://example.se> eller [webbplatsen](https://x.se).\n"
    )
    runs = list(chapter_runs(parsed))
    assert [(run.kind, run.text) for run in runs] == [
        ("heading", "Rubrik"),
        ("paragraph", "Se \ufffc och  eller webbplatsen."),
    ]


def test_spelling_uses_the_word_list_and_suggests(tmp_path: Path):
    (tmp_path / "ordlista.txt").write_text("# namn\nTvärlunda\nSKR  # förkortning\n", encoding="utf-8")
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    findings = Findings()
    check_spelling(
        speller, [run_of("Tvärlunda har en stavningsfle men SKR:s och hälso- och sjukvård")], findings
    )
    assert [str(f) for f in findings.items] == [
        "content/x.md:7: 'stavningsfle' finns inte i den svenska ordlistan "
        "(menade du 'stavningsregel' eller 'felstavning' eller 'avstavning'?). "
        "Rätta stavningen, eller lägg till ordet i ordlista.txt om det är rätt."
    ]


def test_a_hyphenated_compound_is_judged_by_its_parts(tmp_path: Path):
    """A part before the last may be English, a number or an abbreviation in small letters;
    the warning names the unknown part, and the word list then knows every compound with it."""
    text = (
        "Ett chi-två-test, covid-19-pandemin, covid-pandemin och e-post-adressen gick bra, "
        "men Wilcoxon-testet, ett Wilcoxon-test och ett chi-två-testtt gick sämre."
    )
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    findings = Findings()
    check_spelling(speller, [run_of(text)], findings)
    found = [str(f) for f in findings.items]
    assert len(found) == 3
    assert found[0] == (
        "content/x.md:7: 'Wilcoxon-testet': 'Wilcoxon' finns inte i den svenska ordlistan. "
        "Rätta stavningen, eller lägg till 'Wilcoxon' i ordlista.txt om det är rätt "
        "(då godtas också andra ord med bindestreck som har den delen)."
    )
    assert found[2].startswith("content/x.md:7: 'chi-två-testtt': 'testtt' finns inte")
    (tmp_path / "ordlista.txt").write_text("Wilcoxon\n", encoding="utf-8")
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    findings = Findings()
    check_spelling(speller, [run_of(text)], findings)
    assert [f.error.message.split(" (menade")[0] for f in findings.items] == [
        "'chi-två-testtt': 'testtt' finns inte i den svenska ordlistan"
    ]


def test_months_shortened_as_tables_write_them_are_words(tmp_path: Path):
    # A budget table's header "Utfall jan–aug": 'jan' and 'aug' were spelling warnings.
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    findings = Findings()
    check_spelling(speller, [run_of("Utfall jan–aug och sept–dec, Okt i tabellen")], findings)
    assert findings.items == []


def test_the_abbreviations_of_public_documents_are_words(tmp_path: Path):
    # A consultation response's "dnr S2026/01872" and a plan's "kv 1–2" were spelling warnings.
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    findings = Findings()
    text = "Remissvar, dnr S2026/01872 (Dnr i brevet), jfr prop. och Ds, kv 1–2 resp. kv 3"
    check_spelling(speller, [run_of(text)], findings)
    assert findings.items == []


def test_without_the_dictionary_spelling_is_not_checked(tmp_path: Path):
    assert make_speller(tmp_path, Problems(), folder=tmp_path / "saknas") is None


def test_an_english_word_gets_the_suggestion_to_mark_its_language(tmp_path: Path):
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    findings = Findings()
    check_spelling(speller, [run_of("Nätverket heter Builders och träffas.")], findings)
    assert [str(f) for f in findings.items] == [
        "content/x.md:7: 'Builders' finns inte i den svenska ordlistan men i den engelska. "
        "Är det engelska, märk det så att det läses upp rätt: [Builders]{lang=en}. "
        "Annars rätta stavningen eller lägg till ordet i ordlista.txt."
    ]


def test_a_chapter_in_another_language_is_not_spelled_as_swedish(tmp_path: Path):
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    parsed = chapter("This summary is written in English.\n\n- with a list\n")
    parsed.lang = "en"
    runs = list(chapter_runs(parsed))
    assert [run.is_foreign(0) and run.is_foreign(len(run.text) - 1) for run in runs] == [True, True]
    findings = Findings()
    check_spelling(speller, runs, findings)
    assert findings.items == []


def test_swedish_words_left_in_a_chapter_in_english_are_warned_about(tmp_path: Path):
    # A summary translated for a partner kept "och" and "kommuner"; spelling skipped it all.
    from kfsreport.commands.check.spelling import check_english_chapters

    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    parsed = chapter(
        "The project reached 12 kommuner samt regions in Umeå, [Storuman]{lang=sv} and\n"
        "[länsstyrelsen]{lang=sv}; its organisation, programme and centre worked well.\n"
    )
    parsed.lang = "en"
    findings = Findings()
    check_english_chapters(speller, chapter_runs(parsed), findings)
    assert [str(f) for f in findings.items] == [
        f"content/x.md:5: '{word}' är svenska i ett kapitel på engelska (lang: en): den engelska "
        "ordlistan känner inte till ordet, men den svenska gör det. Översätt ordet, eller märk det "
        f"som svenska så att det läses upp rätt: [{word}]{{lang=sv}}."
        for word in ("kommuner", "samt")
    ]
    parsed.lang = None  # a Swedish chapter: none of this
    findings = Findings()
    check_english_chapters(speller, chapter_runs(parsed), findings)
    assert findings.items == []


def test_swedish_typography_is_not_asked_of_text_in_another_language():
    parsed = chapter('The share was 6.9% of "all" staff.\n\nAndelen var 6.9% av [the "staff"]{lang=en}.\n')
    parsed.lang = None
    findings = Findings()
    check_typography(chapter_runs(parsed), findings)
    assert [str(f).split(":")[1] for f in findings.items] == ["5", "5", "7"]  # Swedish: "…", 6.9%
    parsed.lang = "en"
    findings = Findings()
    check_typography(chapter_runs(parsed), findings)
    assert findings.items == []


def test_a_phrase_marked_as_another_language_is_not_spelled_as_swedish(tmp_path: Path):
    speller = make_speller(tmp_path, Problems())
    assert speller is not None
    (run,) = list(chapter_runs(chapter("Nätverket [Builders United]{lang=en} träffas. Stavningsfle.\n")))
    assert run.text == "Nätverket Builders United träffas. Stavningsfle."
    findings = Findings()
    check_spelling(speller, [run], findings)
    assert [str(f).split(" finns")[0] for f in findings.items] == ["content/x.md:5: 'Stavningsfle'"]


def test_a_chapter_of_one_sentence_says_mening():
    from kfsreport.commands.check import Outcome
    from kfsreport.commands.check.readability import Readability

    chapters = [Readability("content/x.md", "X", 5, 1, 0), Readability("content/y.md", "Y", 9, 2, 0)]
    shown = Outcome([], chapters).report()
    assert "5 ord i 1 mening\n" in shown and "9 ord i 2 meningar\n" in shown
