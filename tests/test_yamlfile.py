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
