"""The size limits of `kfsreport.validate.limits`, with small limits so the tests stay fast."""

from __future__ import annotations

from kfsreport.errors import Problems
from kfsreport.render.markdown import make_parser, parse_chapter
from kfsreport.validate.limits import check_limits


def errors(body: str, **limits: int) -> list[str]:
    problems = Problems()
    chapter = parse_chapter(make_parser(), "content/01-a.md", "A", True, None, body, 5, problems)
    check_limits([chapter], problems, **limits)
    return [f"{e.line}: {e.message}" for e in problems]


def test_a_word_longer_than_the_limit_is_located():
    assert errors("Kort text.\n\nEtt " + "x" * 11 + " ord.\n", max_word=10) == [
        "7: ett ord är 11 tecken långt utan mellanslag (”xxxxxxxxxxx…”); högst 10 går att radbryta."
    ]
    assert errors("Ett " + "x" * 10 + " ord.\n", max_word=10) == []


def test_a_long_address_in_a_link_is_not_a_word_of_the_text():
    assert errors("Se [sidan](https://example.org/" + "a" * 50 + ").\n", max_word=10) == []


def test_headings_and_footnotes_past_the_limit_are_located_once():
    body = "".join(f"## R{i}\n\nText[^{i}].\n\n[^{i}]: N.\n\n" for i in range(5))
    assert errors(body, max_headings=3, max_footnotes=4) == [
        "17: rapporten har fler än 3 rubriker.",
        "31: rapporten har fler än 4 fotnoter.",
    ]
