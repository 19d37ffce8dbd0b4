"""Plain language: LIX readability per chapter and sentences that are too long.

Swedish public bodies must write plainly (språklagen 11 §). LIX (läsbarhetsindex) is the
average sentence length plus the share of words longer than six letters, in percent. It is
counted over the chapter's running text (paragraphs and list items, not headings or
tables). A sentence of more than `MAX_WORDS` words is a warning, and so is a chapter whose
LIX reaches `LIX_LIMIT` (Björnsson's scale: 50–59 is hard, specialist prose; 60 and above very
hard, bureaucratic or academic).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.text import VALUE, TextRun

MAX_WORDS = 35
LIX_LIMIT = 55
MIN_WORDS_FOR_LIX = 100
"""A shorter chapter gets its LIX shown but never warned about: too little text to judge."""

_WORD = re.compile(r"[^\W_]+(?:[-–:'’][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?:])[”’\")]*\s+(?=[”\"(–-]?[A-ZÅÄÖÉ0-9])")
_QUOTE_WORDS = 8


@dataclass(frozen=True)
class Readability:
    """The plain-language figures of one chapter."""

    path: str
    title: str
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> int:
        if not self.words:
            return 0
        return round(self.words / max(self.sentences, 1) + 100 * self.long_words / self.words)

    @property
    def level(self) -> str:
        """Björnsson's scale in words."""
        scale = ((25, "mycket lätt"), (30, "lätt"), (40, "normal"), (50, "medelsvår"), (60, "svår"))
        for limit, name in scale:
            if self.lix < limit:
                return name
        return "mycket svår"


def check_readability(path: str, title: str, runs: Iterable[TextRun], findings: Findings) -> Readability:
    """Count the chapter's words and sentences; warn about long sentences and a high LIX."""
    words = sentences = long_words = 0
    first_line: int | None = None
    for run in runs:
        if run.kind not in ("paragraph", "footnote"):
            continue
        first_line = first_line or run.line_at(0)
        for start, sentence in _sentences(run.text):
            found = _WORD.findall(sentence.replace(VALUE, "0"))
            if not found:
                continue
            sentences += 1
            words += len(found)
            long_words += sum(1 for word in found if len(re.sub(r"\W", "", word)) > 6)
            if len(found) > MAX_WORDS:
                findings.warning(
                    path,
                    run.line_at(start),
                    f"meningen har {len(found)} ord: ”{_opening(sentence)}”.",
                    f"Dela den i två eller fler meningar; mer än {MAX_WORDS} ord är svårt att följa.",
                )
    result = Readability(path, title, words, sentences, long_words)
    if words >= MIN_WORDS_FOR_LIX and result.lix >= LIX_LIMIT:
        findings.warning(
            path,
            first_line,
            f"kapitlet har LIX {result.lix} ({result.level} text).",
            f"Skriv kortare meningar och byt långa ord mot vardagliga; sikta på under {LIX_LIMIT}.",
        )
    return result


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    """Each sentence in `text` with its offset."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield start, text[start : match.start()]
        start = match.end()
    yield start, text[start:]


def _opening(sentence: str) -> str:
    words = sentence.replace(VALUE, "…").split()
    return " ".join(words[:_QUOTE_WORDS]) + " …"
