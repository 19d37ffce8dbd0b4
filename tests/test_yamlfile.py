"""YAML is read with lines kept and without type surprises or tricks."""

from kfsreport.errors import Problems
from kfsreport.load.yamlfile import MAX_BYTES, read_yaml


def read(text: str):
    problems = Problems()
    located = read_yaml(text, "data/facts.yaml", problems)
    return located, [str(e) for e in problems]


def test_scalars_keep_the_text_written():
    located, errors = read("country: NO\nanswer: yes\ntime: 10:30\ncode: 012\nversion: 3.10\nempty:\n")
    assert errors == []
    assert located.data == {
        "country": "NO",
        "answer": "yes",
        "time": "10:30",
        "code": "012",
        "version": "3.10",
        "empty": None,
    }


def test_lines_are_known_for_keys_and_items():
    located, _ = read("a: 1\nitems:\n  - id: x\n  - id: y\n    text: hej\n")
    assert located.line(("items", 1, "text")) == 5
    assert located.line(("items", 0, "id")) == 3
    assert located.line(("items", 1, "missing")) == 4


def test_duplicate_key_names_both_lines():
    _, errors = read("title: A\nyear: 2025\ntitle: B\n")
    assert errors == [
        "data/facts.yaml:3: nyckeln 'title' finns två gånger (rad 1 och rad 3). "
        "Ta bort eller slå ihop den ena."
    ]


def test_tab_indentation_is_explained():
    _, errors = read("a:\n\t- b\n")
    assert len(errors) == 1
    assert errors[0].startswith("data/facts.yaml:2: tabbtecken kan inte användas")


def test_bad_indentation_is_located():
    _, errors = read("plan:\n  goals:\n    - id: a\n   text: b\n")
    assert len(errors) == 1
    assert errors[0].startswith("data/facts.yaml:4:")


def test_python_tags_are_refused():
    _, errors = read("x: !!python/object/apply:os.system ['true']\n")
    assert errors == [
        "data/facts.yaml:1: taggen 'tag:yaml.org,2002:python/object/apply:os.system' är inte tillåten. "
        "Ta bort taggen (det som börjar med ! eller !!)."
    ]


def test_aliases_are_refused_so_alias_bombs_cannot_expand():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\n"
    _, errors = read(bomb)
    assert errors
    assert all("YAML-alias" in e for e in errors)


def test_file_over_the_size_limit_is_refused():
    _, errors = read("a: " + "x" * (MAX_BYTES + 1))
    assert errors == [
        "data/facts.yaml:1: filen är större än 1 MB. "
        "Dela upp den eller flytta stora tabeller till en CSV-fil."
    ]


def test_front_matter_lines_count_in_the_markdown_file():
    problems = Problems()
    read_yaml("title: A\ntitle: B\n", "content/01.md", problems, first_line=2)
    assert [e.line for e in problems] == [3]


def test_a_text_read_again_is_not_parsed_again_but_each_caller_gets_its_own_data(monkeypatch):
    text = "title: Rapport\nitems:\n  - id: a\n  - id: b\n"
    first, _ = read(text)
    first.data["items"].append({"id": "ändrad av den som läste först"})
    first.lines[("items", 0, "id")] = 99
    import kfsreport.load.yamlfile as yamlfile

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlfile, "_parse", no_parse)  # the preview's rebuild after a save
    again, errors = read(text)
    assert errors == []
    assert again.data == {"title": "Rapport", "items": [{"id": "a"}, {"id": "b"}]}
    assert again.line(("items", 0, "id")) == 3


def test_a_text_with_a_mistake_is_reported_every_time_it_is_read():
    text = "title: A\nyear: 2025\ntitle: B\n"
    assert read(text)[1] == read(text)[1] != []
