"""A chapter marked as written in another language (`lang: en` in its front matter) that
reads as Swedish: its front matter copied from the English summary, or the mark left on a
chapter that was translated back. A screen reader reads the whole chapter with an English
voice. The build cannot tell; this one warning says to remove the mark, in place of the
word-by-word warnings about Swedish words in an English chapter (`spelling.
check_english_chapters`), which would list every word with the advice to mark each one.

Swedish is told by its small words (och, att, det …), which make about a fifth of any
Swedish text and almost none of an English one, also one that names Umeå and Västerbotten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.text import TextRun
from kfsreport.load.folder import ChapterSource

SWEDISH_SMALL_WORDS = frozenset(
    {
        "och",
        "att",
        "det",
        "som",
        "är",
        "för",
        "på",
        "med",
        "inte",
        "har",
        "av",
        "till",
        "den",
        "var",
        "kan",
        "ska",
        "ett",
        "de",
        "om",
        "men",
        "även",
        "också",
        "vi",
        "där",
        "när",
        "eller",
        "från",
        "efter",
        "under",
        "mot",
        "våra",
        "vår",
        "sin",
        "sina",
        "detta",
        "dessa",
    }
)
MIN_WORDS = 40
"""Fewer words than this are too few to judge (a heading and a sentence)."""
SHARE = 0.08
"""A Swedish text has some 20 % small words; an English one with Swedish names about none."""

_WORD = re.compile(r"[^\W\d_]+")
_LANG_LINE = re.compile(r"^lang\s*:", re.MULTILINE)


def check_chapter_language(
    source: ChapterSource | None, lang: str | None, runs: Iterable[TextRun], findings: Findings
) -> bool:
    """Warn when a chapter marked `lang: en` (or another language) reads as Swedish; True if so."""
    if source is None or lang is None or lang.split("-")[0].lower() == "sv":
        return False
    words = [word.lower() for run in runs for word in _WORD.findall(run.text)]
    small = [word for word in words if word in SWEDISH_SMALL_WORDS]
    if len(words) < MIN_WORDS or len(small) < SHARE * len(words):
        return False
    line = source.front.line(("lang",)) if source.front is not None else 1
    shown = ", ".join(list(dict.fromkeys(small))[:3])
    findings.warning(
        source.path,
        line,
        f"kapitlet är märkt lang: {lang}, men ser ut att vara skrivet på svenska ({len(small)} av "
        f"{len(words)} ord är svenska småord som {shown}), så en skärmläsare skulle läsa hela "
        "kapitlet med fel röst.",
        f"Ta bort lang: {lang} ur kapitlets front matter om kapitlet är på svenska, eller märk bara "
        "de delar som är på ett annat språk, till exempel [Building Women]{lang=en}.",
    )
    return True
