"""Mistakes in a definition list (a term on its own line, `: förklaring` on the next) that the
parser would publish as something else, silently:

- a definition without its term (a blank line between them, a term of two lines, `:` with no
  space after it) stays a paragraph that begins with `: `;
- a term without a definition, between two terms that have one, ends the list: it becomes a
  paragraph of its own and the rest a second list;
- a new term with no blank line before it continues the definition above, and its own
  definition becomes the earlier term's second one (a continuation line meant as such is
  indented).
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from kfsreport.errors import Problems

_DEFINITION_LINE = re.compile(r"^[ \t]{0,3}(?::(?!:)|~[ \t])")
"""A line that begins like a definition (`: ` or `~ `), but not `::` or `:::` (a box, whose
leftovers `leftovers.check_boxes` reports)."""
_HINT = (
    "I en definitionslista står termen ensam på en rad och förklaringen på raden direkt under, "
    "efter kolon och mellanslag: SCB på en rad och ”: Statistiska centralbyrån” på nästa."
)


def check_definitions(tokens: list[Token], body: str, first_line: int, path: str, problems: Problems) -> None:
    """Report a definition without its term, a term without its definition and a term run into
    the definition above at their lines (`first_line`: the file line of the body's first)."""
    lines = body.split("\n")
    for index, token in enumerate(tokens):
        if token.type == "dd_open" and (term := _run_in_term(tokens, index, lines, first_line)):
            problems.fail(
                path,
                term[0],
                f"raden ”{term[1]}” står utan tom rad före sig under en förklaring i en "
                "definitionslista, så den blir en del av förklaringen, och förklaringen under den "
                "hör då till termen ovanför.",
                hint="Skriv en tom rad före varje ny term. Är raden en fortsättning på förklaringen, "
                "dra in den med mellanslag.",
            )
        if token.type == "inline" and index > 0 and tokens[index - 1].type in ("paragraph_open", "dt_open"):
            _lone_definition(token, path, problems)
        if token.type == "paragraph_open" and _between_lists(tokens, index):
            line = (token.map[0] + 1) if token.map else None
            problems.fail(
                path,
                line,
                f"”{tokens[index + 1].content.strip()}” står mellan två termer i en definitionslista "
                "men har ingen förklaring, så listan delas i två med raden som ett stycke emellan.",
                hint="Skriv förklaringen på raden under termen (: förklaring), eller ta bort raden.",
            )


def _lone_definition(inline: Token, path: str, problems: Problems) -> None:
    first = (inline.map[0] + 1) if inline.map else None
    for offset, text in enumerate(inline.content.split("\n")):
        if _DEFINITION_LINE.match(text):
            problems.fail(
                path,
                first + offset if first is not None else None,
                "raden ser ut som en förklaring i en definitionslista men står inte direkt under en "
                "term, så den skulle visas som vanlig text med kolon först.",
                hint=_HINT + " Termen är en enda rad, utan tom rad före förklaringen.",
            )


def _run_in_term(
    tokens: list[Token], index: int, lines: list[str], first_line: int
) -> tuple[int, str] | None:
    """The file line and text of a definition's last line when a second definition follows
    it and that line is not indented: a term written without a blank line before it."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
        return None
    inline = tokens[index + 2]
    if not inline.map or "\n" not in inline.content.strip():
        return None
    after = index + 3
    while after < len(tokens) and tokens[after].type in ("paragraph_close", "dd_close"):
        after += 1
    if after >= len(tokens) or tokens[after].type != "dd_open":
        return None
    last = inline.map[1]  # the file line of the paragraph's last line
    source = lines[last - first_line] if 0 <= last - first_line < len(lines) else ""
    if source[:1] in (" ", "\t"):
        return None
    return last, source.strip()


def _between_lists(tokens: list[Token], index: int) -> bool:
    """A one-line paragraph right after one definition list and right before another."""
    if index == 0 or tokens[index - 1].type != "dl_close" or index + 3 >= len(tokens):
        return False
    inline = tokens[index + 1]
    return tokens[index + 3].type == "dl_open" and "\n" not in inline.content.strip()
