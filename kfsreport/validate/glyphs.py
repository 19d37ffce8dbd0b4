"""Characters the PDF cannot draw: emoji. The report's typeface has none, and neither has any
font a Debian machine has by default, so WeasyPrint prints each as an empty box (and the box
can swallow the space after it), while the web page shows the emoji. Reported at their line,
in the chapters and in the YAML files alike, before anything is laid out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it.token import Token

from kfsreport.errors import Problems
from kfsreport.load.yamlfile import Located
from kfsreport.render.markdown import ParsedChapter
from kfsreport.validate.yamltext import texts

EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615"
    "\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea"
    "\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757"
    "\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55]"
)
"""The emoji and pictograph blocks (🎉 👍 🇸🇪) and the older characters that are emoji by default
(✅ ❌ ⭐ ⌚). Text symbols that fonts draw (✓ ★ ☎ ⚠ ❤) are not among them. Some emoji are drawn
by a font one computer has and another lacks, so the same report would print differently; all
are refused alike."""

HINT = "Ta bort tecknet, eller skriv med ord det som det ska säga."


def check_chapter_glyphs(chapter: ParsedChapter, problems: Problems) -> None:
    """Report the first emoji on each line of the chapter's text, code included."""
    for line, text in _texts(chapter.tokens):
        if (found := EMOJI.search(text)) is not None:
            problems.fail(chapter.path, line, _message(found.group()), hint=HINT)


def check_yaml_glyphs(located: Located | None, problems: Problems) -> None:
    """Report each text value in a YAML file that holds an emoji."""
    if located is None:
        return
    for loc, text in texts(located.data, ()):
        if (found := EMOJI.search(text)) is not None:
            problems.fail(located.path, located.line(loc), _message(found.group()), hint=HINT)


def _message(char: str) -> str:
    return (
        f"tecknet {char} (U+{ord(char):04X}) är en emoji. Typsnitten har inga emojier, så den skulle "
        "bli en tom ruta i PDF-filen."
    )


def _texts(tokens: list[Token]) -> Iterator[tuple[int | None, str]]:
    """(line, text) of every line of text in the chapter: inline text, code and code blocks."""
    for token in tokens:
        if not token.map:
            continue
        first = token.map[0] + (2 if token.type == "fence" else 1)  # a fence's text starts below it
        if token.type in ("inline", "code_block", "fence"):
            for offset, text in enumerate(token.content.split("\n")):
                yield first + offset, text
