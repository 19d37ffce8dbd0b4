"""Report syntax that would otherwise be published as text: `{{`, `}}`, `{%`, `:::`, `{.klass}`,
a footnote `[^1]` with no footnote text, a link `[text][namn]` with no address, `**` left
open, `<!--`, a table written without its `|---|` row; and Markdown that would silently
change what was written: a table row with more cells than its header (the extra cells are
dropped), a line of `---` or `===` right under a paragraph (which makes the paragraph a
heading), a link with no text (nothing to see or to read aloud).

A directive or box the parser did not take (unclosed, split by a table's `|`, half a line)
stays in the chapter as plain text and would reach the reader. Every such leftover is an
error at its own line, and so is a `:::` box that is not closed before the next heading.
HTML comments (`<!-- anteckning -->`) are the writer's own notes: they are removed before
parsing, line breaks kept, and one that is never closed is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from kfsreport.errors import Problems

BLOCK_DIRECTIVE = re.compile(
    r"^\s*(?:figur\s*\(|(?:plan|slutsatser|rekommendationer|riktade_uppdrag|uppfoljning"
    r"|uppdragsbeskrivning)\s*(?:$|\|))"
)
"""An expression that places generated block material (a chart, a list, a table)."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BOX = re.compile(r"^ {0,3}(:{3,})\s*(.*?)\s*$")
_SHORT_BOX = re.compile(r"^ {0,3}(:{1,2})\s*(faktaruta|citat)\b", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s|$)")
_ATTRS = re.compile(r"\{\s*[#.][A-Za-z][^{}]*\}")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_REFERENCE_LINK = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")
_SPACED_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s]*\s[^()]*)\)")
"""`[text](mailto: adress)`: the parser takes no link whose address has a space in it."""
_LANG_ATTR = re.compile(r"\{\s*lang\s*=[^{}]*\}")
"""`{lang=}` or `{lang = en}` that the parser left as text."""
_COMMENT_OPEN = "<!--"
_COMMENT_CLOSE = "-->"


def strip_comments(body: str, first_line: int, path: str, problems: Problems) -> str:
    """`body` with its HTML comments blanked out (newlines kept, so every line number holds).

    A comment inside a fenced code block or an inline code span is an example, and stays."""
    out: list[str] = []
    fence: str | None = None
    comment_line: int | None = None
    for number, text in enumerate(body.split("\n"), start=first_line):
        if comment_line is None and fence is not None:
            if text.strip().startswith(fence):
                fence = None
            out.append(text)
            continue
        if comment_line is None and (match := _FENCE.match(text)):
            fence = match.group(1)
            out.append(text)
            continue
        kept, at = [], 0
        while at <= len(text):
            if comment_line is not None:
                end = text.find(_COMMENT_CLOSE, at)
                if end < 0:
                    break
                comment_line, at = None, end + len(_COMMENT_CLOSE)
                continue
            start = text.find(_COMMENT_OPEN, at)
            if start < 0 or text.count("`", 0, start) % 2:  # none, or inside `code`
                kept.append(text[at:])
                break
            kept.append(text[at:start])
            comment_line, at = number, start + len(_COMMENT_OPEN)
        out.append("".join(kept))
    if comment_line is not None:
        problems.fail(
            path,
            comment_line,
            "kommentaren <!-- avslutas aldrig med -->, så resten av kapitlet skulle försvinna.",
            hint="Skriv --> där din anteckning slutar.",
        )
    return "\n".join(out)


@dataclass
class _OpenBox:
    line: int
    text: str
    section_level: int
    colons: int
    reported: bool = False
    """A too short closing line was reported: the box's end needs no second message."""


def check_boxes(body: str, first_line: int, path: str, problems: Problems) -> set[int]:
    """Every `::: ruta` is closed by a line `:::` before a heading of its section's level.

    The parser's rule is followed exactly: a box ends at the first line of only colons, at
    least as many as it opened with, so a box inside a box needs more colons on the outer
    one (`:::: faktaruta` … `::::`). Returns the lines of colons reported here."""
    open_boxes: list[_OpenBox] = []
    reported: set[int] = set()
    section_level = 7
    for number, text in _outside_code(body, first_line):
        if match := _BOX.match(text):
            colons = len(match.group(1))
            if match.group(2):
                open_boxes.append(_OpenBox(number, text.strip(), section_level, colons))
                continue
            reported.add(number)
            closes = next((i for i, box in enumerate(open_boxes) if colons >= box.colons), None)
            if closes is None:
                _stray_closer(open_boxes, number, colons, path, problems)
                continue
            for inner in open_boxes[closes + 1 :]:
                _closed_by_outer(inner, open_boxes[closes], number, path, problems)
            del open_boxes[closes:]
        elif match := _SHORT_BOX.match(text):
            problems.fail(
                path,
                number,
                f"raden börjar med {match.group(1)} i stället för :::, så rutan blir inte en ruta "
                "och raden skulle synas som text.",
                hint=f"Börja rutan med tre kolon: ::: {match.group(2)}.",
            )
        elif match := _HEADING.match(text):
            level = len(match.group(1))
            while open_boxes and level <= open_boxes[-1].section_level:
                _unclosed(open_boxes.pop(), path, problems, f"före rubriken på rad {number}")
            section_level = level
    for box in reversed(open_boxes):
        _unclosed(box, path, problems, "innan kapitlet tar slut")
    return reported


def _stray_closer(
    open_boxes: list[_OpenBox], number: int, colons: int, path: str, problems: Problems
) -> None:
    if not open_boxes:
        problems.fail(
            path,
            number,
            f"raden {':' * colons} avslutar ingen ruta.",
            hint="Ta bort raden, eller börja rutan med till exempel ::: faktaruta.",
        )
        return
    box = open_boxes[-1]
    box.reported = True
    problems.fail(
        path,
        number,
        f"raden {':' * colons} har färre kolon än '{box.text}' på rad {box.line}, så den "
        "avslutar inte rutan utan skulle synas som text.",
        hint=f"Avsluta rutan med lika många kolon som den börjar med: {':' * box.colons}.",
    )


def _closed_by_outer(inner: _OpenBox, outer: _OpenBox, number: int, path: str, problems: Problems) -> None:
    problems.fail(
        path,
        inner.line,
        f"rutan '{inner.text}' ligger i rutan '{outer.text}' (rad {outer.line}), och raden "
        f"{':' * inner.colons} på rad {number} skulle avsluta den yttre rutan i stället.",
        hint=f"Ge den yttre rutan fler kolon än den inre, både först och sist: "
        f"{':' * (inner.colons + 1)} {outer.text.lstrip(':').strip()} … {':' * (inner.colons + 1)}. "
        "Eller lägg rutorna efter varandra.",
    )


def _unclosed(box: _OpenBox, path: str, problems: Problems, where: str) -> None:
    if box.reported:
        return
    problems.fail(
        path,
        box.line,
        f"rutan '{box.text}' avslutas inte {where}; resten av texten skulle hamna i rutan.",
        hint=f"Skriv en rad med bara {':' * box.colons} där rutan ska sluta.",
    )


def check_text(
    tokens: list[Token], path: str, problems: Problems, reported: frozenset[int] | set[int] = frozenset()
) -> None:
    """Report `{{`, `}}`, `{%`, `:::` and `{.klass}` that are left in the text as written
    (a line of colons at one of the `reported` lines has its message from check_boxes)."""
    for token in tokens:
        if token.type != "inline":
            continue
        for child, line in _texts(token):
            if line in reported and child.content.strip().strip(":") == "":
                continue
            message = _leftover(child.content)
            if message is not None:
                problems.fail(path, line, message[0], hint=message[1])
        for child in token.children or []:
            if child.type == "image" and (message := caption_leftover(str(child.attrGet("title") or ""))):
                problems.fail(path, int(child.meta.get("line", 1)), message[0], hint=message[1])


_MARKUP = re.compile(r"\*[^*\s][^*]*\*|(?<!\w)_[^_\s][^_]*_(?!\w)|\[[^\]]*\]\(|`")
"""Markdown that a caption would show as it is: emphasis, a link, code."""


def caption_leftover(caption: str) -> tuple[str, str] | None:
    """What an image's caption (`![Alt](bild.jpg "Bildtext")`) holds that would be published
    as written: the caption is plain text, so neither `{{ … }}`, a footnote nor Markdown
    takes effect in it."""
    if any(mark in caption for mark in ("{{", "}}", "{%", "%}", ":::")):
        return (
            f"bildtexten ”{caption}” har ett uttryck eller en ruta, men en bildtext räknas inte ut, "
            "så tecknen skulle synas som text.",
            "Skriv bildtexten som vanlig text (årtalet som det är, till exempel 2025), "
            "eller skriv uttrycket i ett stycke före eller efter bilden.",
        )
    if match := _FOOTNOTE_REF.search(caption):
        return (
            f"bildtexten ”{caption}” har fotnoten {match.group(0)}, men en bildtext kan inte ha "
            "fotnoter, så den skulle synas som text.",
            "Skriv det fotnoten säger i själva bildtexten, eller sätt fotnoten i ett stycke "
            "före eller efter bilden.",
        )
    if _MARKUP.search(caption):
        return (
            f"bildtexten ”{caption}” har Markdown (kursiv, fetstil, en länk eller kod), men en "
            "bildtext är vanlig text, så tecknen skulle synas som de står.",
            "Skriv bildtexten utan * _ ` och [](); en länk hör hemma i ett stycke före eller efter bilden.",
        )
    return None


def _outside_code(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """The lines of `body` with their numbers, but those of fenced code blocks (and fences)."""
    fence: str | None = None
    for number, text in enumerate(body.split("\n"), start=first_line):
        if fence is not None:
            if text.strip().startswith(fence):
                fence = None
        elif match := _FENCE.match(text):
            fence = match.group(1)
        else:
            yield number, text


_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")


def check_footnote_names(
    body: str, first_line: int, path: str, problems: Problems, tokens: list[Token]
) -> None:
    """A footnote text written twice under one name: the parser keeps the last and the first
    would vanish without a word. A footnote text that the chapter's text never refers to
    (`[^x]: …` with no `[^x]` among its `tokens`) would vanish too."""
    used = {
        str(child.meta.get("label"))
        for token in tokens
        for child in token.children or []
        if child.type == "footnote_ref"
    } | {  # written in an image's caption, which has its own message (caption_leftover)
        match.group(1)
        for token in tokens
        for child in token.children or []
        if child.type == "image"
        for match in _FOOTNOTE_REF.finditer(str(child.attrGet("title") or ""))
    }
    seen: dict[str, int] = {}
    for number, text in _outside_code(body, first_line):
        if (match := _FOOTNOTE_DEF.match(text)) is None:
            continue
        name = match.group(1)
        if name not in used and name not in seen:
            problems.fail(
                path,
                number,
                f"fotnoten [^{name}] har en text, men texten hänvisar aldrig till den, så den skulle "
                "inte synas i rapporten.",
                hint=f"Skriv [^{name}] i texten där fotnoten hör hemma (direkt efter ordet, utan "
                "mellanslag), eller ta bort fotnotstexten.",
            )
        if name in seen:
            problems.fail(
                path,
                number,
                f"fotnoten [^{name}] har redan en text på rad {seen[name]}, så den texten skulle försvinna.",
                hint=f"Ge den ena fotnoten ett annat namn, till exempel [^{name}-2], både här och "
                "där den står i texten, eller ta bort den som är för mycket.",
            )
        else:
            seen[name] = number


def check_structure(tokens: list[Token], body: str, first_line: int, path: str, problems: Problems) -> None:
    """A table row with cells its header has no column for; a paragraph made a heading by
    the `---` or `===` under it."""
    lines = body.split("\n")
    header_cells, in_head = 0, False
    for token in tokens:
        if not token.map:
            continue
        line = token.map[0] + 1
        if token.type == "heading_open" and token.markup in ("-", "="):
            problems.fail(
                path,
                line,
                f"raden {token.markup * 3} direkt under texten gör stycket till en rubrik.",
                hint="Skriv rubriker med ## först på raden. Vill du ha en skiljelinje, "
                f"lämna en tom rad före {token.markup * 3}.",
            )
        elif token.type in ("thead_open", "tbody_open"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open" and in_head:
            header_cells = _cell_count(lines[line - first_line])
        elif token.type == "tr_open":
            cells = _cell_count(lines[line - first_line])
            if cells > header_cells:
                problems.fail(
                    path,
                    line,
                    f"raden i tabellen har {cells} celler men rubrikraden har {header_cells}, "
                    f"så cellerna efter den {header_cells}:e skulle inte synas.",
                    hint="Lägg till en kolumn i rubrikraden, eller ta bort de extra cellerna "
                    "(| inuti en cell skrivs \\|).",
                )


def check_inline(tokens: list[Token], path: str, problems: Problems) -> None:
    """A paragraph that is a table without its `|---|` row; a link with no text to read."""
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        rows = [line.strip() for line in token.content.split("\n")]
        if len(rows) >= 2 and all(row.startswith("|") and row.endswith("|") for row in rows[:2]):
            problems.fail(
                path,
                token.map[0] + 1,
                "raderna ser ut som en tabell men saknar raden med streck under rubrikraden, "
                "så de skulle synas som text med |.",
                hint="Skriv en rad som |---|---| (ett --- per kolumn) direkt under rubrikraden.",
            )
        children = token.children or []
        for child, after in zip(children, children[1:], strict=False):
            if child.type == "link_open" and after.type == "link_close":
                href = str(child.attrGet("href") or "")
                problems.fail(
                    path,
                    int(child.meta.get("line", token.map[0] + 1)),
                    f"länken till {href} har ingen text, så den syns inte och en skärmläsare "
                    "kan inte säga vart den leder.",
                    hint=f"Skriv länktexten inom hakparentesen: [Sveriges Kommuner och Regioner]({href}).",
                )


def _cell_count(row: str) -> int:
    """How many cells a table row has, as markdown-it splits it (`\\|` is no divider)."""
    cells = re.split(r"(?<!\\)\|", row.strip())
    if cells and cells[0].strip() == "":
        cells = cells[1:]
    if cells and cells[-1].strip() == "":
        cells = cells[:-1]
    return len(cells)


def _texts(inline: Token) -> Iterator[tuple[Token, int]]:
    line = (inline.map[0] + 1) if inline.map else 1
    stack = list(reversed(inline.children or []))
    while stack:
        child = stack.pop()
        line = int(child.meta.get("line", line))
        if child.type == "text":
            yield child, line
        stack.extend(reversed(child.children or []))


AS_CODE = "Ska tecknen synas i texten som de är, skriv dem som kod mellan bakåtfnuttar: `{}`."
"""How to show report syntax as it is: code is never evaluated (a backslash, \\{{, is no help)."""


def _leftover(text: str) -> tuple[str, str] | None:
    if "{{" in text:
        return (
            "{{ har inget avslutande }} på samma rad, så uttrycket skulle synas som text.",
            "Skriv hela uttrycket på en rad: {{ tal.norsjo_invanare }}. " + AS_CODE.format("{{"),
        )
    if "}}" in text:
        return (
            "}} står utan {{ före sig på samma rad.",
            "Skriv hela uttrycket på en rad: {{ tal.norsjo_invanare }}, eller ta bort }}. "
            + AS_CODE.format("}}"),
        )
    if "{%" in text or "%}" in text:
        return (
            "{% … %} är mallkod och kan inte användas i kapitlen; den skulle synas som text.",
            "Skriv värden med {{ … }}; villkor och upprepningar hör hemma i mallarna (templates/).",
        )
    if ":::" in text:
        return (
            "::: står inne i texten och skulle synas som text.",
            "En ruta börjar med en egen rad ::: faktaruta och slutar med en egen rad :::. "
            + AS_CODE.format(":::"),
        )
    if match := _FOOTNOTE_REF.search(text):
        return (
            f"fotnoten {match.group(0)} har ingen fotnotstext, så den skulle synas som text.",
            f"Lägg till raden [^{match.group(1)}]: Fotnotens text. sist i kapitlet.",
        )
    if match := _SPACED_LINK.search(text):
        address = "".join(match.group(2).split())
        if address.lower().startswith("mailto:") and "@" not in address:  # `beredningar at regionen.se`
            address = "mailto:beredningar@regionvasterbotten.se"
            written = f"Skriv hela e-postadressen, med @ och utan mellanslag: [{match.group(1)}]({address})."
        else:
            written = f"Skriv adressen utan mellanslag: [{match.group(1)}]({address})."
        return (
            f"länken {match.group(0)} har mellanslag i adressen, så den blir ingen länk och "
            "skulle synas som text.",
            written,
        )
    if match := _REFERENCE_LINK.search(text):
        name = match.group(2) or match.group(1)
        return (
            f"länken {match.group(0)} har ingen adress, så den skulle synas som text.",
            f"Lägg till raden [{name}]: https://adress sist i kapitlet, "
            f"eller skriv länken som [{match.group(1)}](https://adress).",
        )
    if "**" in text:
        return (
            "** står kvar utan sin motsvarighet, så stjärnorna skulle synas som text.",
            "Skriv fetstil med ** på båda sidor i samma stycke: **viktigt**.",
        )
    if match := _LANG_ATTR.search(text):
        return (
            f"{match.group(0)} har ingen språkkod som kan läsas och skulle synas som text.",
            "Skriv koden direkt efter lang= och direkt efter frasen: [Building Women]{lang=en}.",
        )
    if (match := _ATTRS.search(text)) and "liggande" in match.group(0):
        return (
            f"{match.group(0)} står inte på en rad Tabell: och skulle synas som text.",
            "En liggande sida får bara en tabell: skriv {.liggande} sist på raden Tabell: direkt "
            "över tabellen, till exempel Tabell: Andel sysselsatta per år {.liggande}.",
        )
    if match:
        return (
            f"{match.group(0)} kan inte användas här och skulle synas som text.",
            "Skriv {#id} eller {.klass} sist på en rubrikrad eller sist i en punkt i en lista.",
        )
    return None
