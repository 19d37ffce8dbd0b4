"""How large a report may be before its layout would take minutes: words, headings, footnotes.

WeasyPrint's time grows with the square of a word's length when the word is wider than the
line (each try to fit it measures it again): a 2 kB word took 10 s, 10 kB over five minutes.
Thousands of headings or footnotes cost time and memory the same way. These limits are far
above what a committee's report holds, and each is reported at the file and line where it
is passed, before anything is laid out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.token import Token

from kfsreport.errors import Problems
from kfsreport.render.markdown import ParsedChapter

MAX_WORD = 400
"""Characters in one word (a run without spaces) in the text."""
MAX_HEADINGS = 1_000
MAX_FOOTNOTES = 2_000

_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def check_limits(
    chapters: list[ParsedChapter],
    problems: Problems,
    *,
    max_word: int = MAX_WORD,
    max_headings: int = MAX_HEADINGS,
    max_footnotes: int = MAX_FOOTNOTES,
) -> None:
    """Report the first place where each limit is passed."""
    long_word = _LONG_WORD if max_word == MAX_WORD else re.compile(rf"\S{{{max_word + 1},}}")
    headings = footnotes = 0
    for chapter in chapters:
        for heading in chapter.headings:
            headings += 1
            if headings == max_headings + 1:
                problems.fail(
                    chapter.path,
                    heading.line,
                    f"rapporten har fler än {max_headings:_} rubriker.".replace("_", " "),
                    "En så stor rapport går inte att lägga ut på rimlig tid; dela upp den i flera.",
                )
        for line, text, kind in _inline(chapter.tokens):
            if kind == "footnote_ref":
                footnotes += 1
                if footnotes == max_footnotes + 1:
                    problems.fail(
                        chapter.path,
                        line,
                        f"rapporten har fler än {max_footnotes:_} fotnoter.".replace("_", " "),
                        "En så stor rapport går inte att lägga ut på rimlig tid; dela upp den i flera.",
                    )
            elif (word := long_word.search(text)) is not None:
                problems.fail(
                    chapter.path,
                    line,
                    f"ett ord är {len(word.group(0)):_} tecken långt utan mellanslag "
                    f"(”{word.group(0)[:30]}…”); högst {max_word} går att radbryta.".replace("_", " "),
                    "Dela upp det med mellanslag, eller skriv en lång adress som [text](adress).",
                )


def _inline(tokens: list[Token]) -> Iterator[tuple[int | None, str, str]]:
    """(line, text, type) of every text and footnote reference in the chapter."""
    for token in tokens:
        line = token.map[0] + 1 if token.map else None
        if token.type == "inline":
            for child in token.children or []:
                yield line, child.content, child.type
        elif token.type in ("code_block", "fence"):
            yield line, token.content, token.type
