"""Chapters in Markdown: parsing with markdown-it-py, heading ids and automatic numbering.

The parser is CommonMark with tables, footnotes, definition lists (`Term` / `: förklaring`),
fenced containers (`::: faktaruta`,
`::: citat`), `{#id .class}` after headings and, as block and inline tokens, the report's
`{{ … }}` expressions (directives and inline values, evaluated later in a sandbox).
Raw HTML is off: it shows as text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from kfsreport.errors import Problems
from kfsreport.load.schema import language_tag
from kfsreport.render.tablehead import check_table_heads, grouped_table
from kfsreport.validate.definitions import check_definitions
from kfsreport.validate.leftovers import (
    check_boxes,
    check_footnote_names,
    check_inline,
    check_structure,
    check_text,
    strip_comments,
)

BOX_KINDS = {"faktaruta": "Faktaruta", "citat": "Citat"}
ALLOWED_ATTRS = ("id", "class", "lang")
_HEADING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_BLOCK_EXPR = re.compile(r"^\{\{((?:(?!\}\}|\{\{).)+)\}\}\s*$")
RESERVED_IDS = frozenset({"innehall", "toc-rubrik"})
"""Ids the page itself uses (report.html.j2); a heading never gets one of them."""


@dataclass
class Heading:
    """A chapter title (level 1) or a heading inside a chapter (levels 2–5)."""

    level: int
    title: str
    id: str
    line: int
    path: str
    explicit_id: bool = False
    number: str | None = None
    within: str | None = None
    """For an unnumbered heading, the number of the section it stands in."""
    appendix: int | None = None
    """N for a heading in "Bilaga N" (the appendix's title and its sections)."""
    depth: int = 0
    """The heading's level in the page outline (1 = chapter), never more than one below
    the heading before it, so `###` straight under a chapter title does not skip a level."""


@dataclass
class Expression:
    """A `{{ … }}` in a chapter: a block directive or an inline value."""

    source: str
    line: int
    block: bool


@dataclass
class TableId:
    """`{#id}` at the end of a Markdown table's `Tabell:` line: `ref("id")` gives "tabell N"."""

    id: str
    line: int


@dataclass
class ParsedChapter:
    path: str
    title: str
    numbered: bool
    tokens: list[Token]
    headings: list[Heading]
    expressions: list[Expression] = field(default_factory=list)
    tables: list[TableId] = field(default_factory=list)
    """The ids given to Markdown tables in this chapter."""
    number: int | None = None
    is_appendix: bool = False
    lang: str | None = None
    """The chapter's language when it is not Swedish (`lang:` in front matter)."""
    author: str | None = None
    """Who wrote the chapter (`author:` in front matter)."""
    appendix: int | None = None
    """N in "Bilaga N" once numbered (appendices are numbered on their own, after the chapters)."""

    @property
    def id(self) -> str:
        return self.headings[0].id

    @property
    def label(self) -> str | None:
        """What stands before the title: `3` for chapter 3, `Bilaga 1` for appendix 1."""
        if self.appendix is not None:
            return f"Bilaga {self.appendix}"
        return None if self.number is None else str(self.number)


def captioned_image(inline: Token) -> Token | None:
    """The image of a paragraph that holds nothing but one image with a caption, written as
    the Markdown title: `![Alt](bilder/foto.jpg "Bildtext. Foto: Namn")`."""
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image" and str(children[0].attrGet("title") or "").strip():
        return children[0]
    return None


def make_parser() -> MarkdownIt:
    """The one Markdown parser of the project, configured as the manual (handbok/) describes."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "linkify": False})
    md.enable("table")
    md.block.ruler.before("table", "kfs_grouped_table", grouped_table, {"alt": ["paragraph", "reference"]})
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    _end_definitions_at_footnotes(md)
    md.use(attrs_plugin, allowed=ALLOWED_ATTRS, spans=True)  # [Building Women]{lang=en}
    md.use(attrs_block_plugin, allowed=ALLOWED_ATTRS)
    md.use(container_plugin, name="box", validate=lambda params, *args: bool(params.strip()))
    md.block.ruler.before(
        "paragraph",
        "kfs_directive",
        _directive_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("text", "kfs_value", _value_inline)
    md.core.ruler.before("inline", "kfs_heading_attrs", _heading_attrs)
    md.core.ruler.before("inline", "kfs_item_attrs", _item_attrs)
    md.core.ruler.before("inline", "kfs_table_captions", _table_captions)
    # Every link and image reaches our own checks (render.py), which refuse with a location.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_FOOTNOTE_TEXT = re.compile(r"\[\^[^\]\s]+\]:")


def _end_definitions_at_footnotes(md: MarkdownIt) -> None:
    """End a definition list at a footnote text (`[^lix]: Text.`) below it. The deflist plugin
    takes its next terms itself, so a footnote text followed by `: förklaring` became a term,
    and the footnote both had no text and a text nothing referred to; now the footnote is a
    footnote and the lone `: förklaring` is reported as one (`validate/definitions.py`)."""
    ruler = md.block.ruler
    rule = ruler.__rules__[ruler.__find__("deflist")]
    deflist, alt = rule.fn, list(rule.alt)

    def ended(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        candidates: list[int] = state.env.setdefault("kfs_footnote_lines", [])
        if not candidates:  # the lines that may hold a footnote text, once per chapter
            candidates.append(-1)  # computed, also when there is none
            candidates.extend(i for i, text in enumerate(state.src.split("\n")) if "[^" in text)
        at = bisect.bisect_right(candidates, start)
        while at < len(candidates) and candidates[at] < end:
            line = candidates[at]
            at += 1
            if state.sCount[line] < state.blkIndent:
                break  # the block the list is in (a footnote's text, say) ends before this line
            if state.sCount[line] - state.blkIndent >= 4:
                continue
            if _FOOTNOTE_TEXT.match(state.src, state.bMarks[line] + state.tShift[line]):
                end = line
                break
        return bool(deflist(state, start, end, silent))

    ruler.at("deflist", ended, {"alt": alt})


def parse_chapter(
    md: MarkdownIt,
    path: str,
    title: str,
    numbered: bool,
    chapter_id: str | None,
    body: str,
    body_line: int,
    problems: Problems,
) -> ParsedChapter:
    """Parse one chapter body into tokens; collect its headings and `{{ … }}` expressions."""
    env: dict[str, object] = {"docId": slug(path.rsplit("/", 1)[-1].removesuffix(".md"))}
    body = strip_comments(body, body_line, path, problems)
    body = _protect_pipes(body)
    tokens = md.parse(body, env)
    offset = body_line - 1
    _shift_lines(tokens, offset)
    for token in tokens:
        for child, line in line_of_children(token) if token.type == "inline" else ():
            child.meta["line"] = line
    chapter = Heading(1, title, chapter_id or slug(title), 1, path, explicit_id=bool(chapter_id))
    chapter_tokens = ParsedChapter(path, title, numbered, tokens, [chapter])
    for token in tokens:
        _check_token(token, chapter_tokens, problems)
    box_lines = check_boxes(body, body_line, path, problems)
    check_text(tokens, path, problems, box_lines)
    check_structure(tokens, body, body_line, path, problems)
    check_table_heads(tokens, path, problems)
    check_footnote_names(body, body_line, path, problems, tokens)
    check_definitions(tokens, body, body_line, path, problems)
    check_inline(tokens, path, problems)
    chapter_tokens.headings.extend(_headings(tokens, path, problems))
    chapter_tokens.expressions.extend(_expressions(tokens))
    chapter_tokens.tables.extend(
        TableId(str(token.attrGet("id")), (tokens[i - 3].map or [0])[0] + 1)
        for i, token in enumerate(tokens)
        if token.type == "table_open" and token.attrGet("id")
    )
    return chapter_tokens


def number_chapters(chapters: list[ParsedChapter], depth: int, problems: Problems) -> None:
    """Number chapters 1, 2 … and sections 2.1 … (down to `depth`); make every id unique."""
    count = appendices = 0
    seen: dict[str, Heading] = {
        ident: Heading(0, "", ident, 0, "templates/report.html.j2") for ident in RESERVED_IDS
    }
    misplaced: list[ParsedChapter] = []  # appendices with no ordinary chapter after them yet
    for chapter in chapters:
        counters = [0, 0, 0, 0, 0, 0]
        current: str | None = None
        open_levels: list[int] = []
        if chapter.is_appendix:
            misplaced.append(chapter)
        elif chapter.numbered:  # each appendix before it is one error, naming this chapter
            for appendix in misplaced:
                _appendix_before(appendix, chapter, problems)
            misplaced.clear()
        if chapter.is_appendix:
            appendices += 1
            chapter.appendix = appendices
            for heading in chapter.headings:
                heading.appendix = appendices
                heading.number = f"Bilaga {appendices}" if heading.level == 1 else None
        elif chapter.numbered:
            count += 1
            chapter.number = count
        for heading in chapter.headings:
            parent_missing = heading.level > 2 and counters[heading.level - 2] == 0
            if chapter.is_appendix:
                pass
            elif chapter.numbered and heading.level <= depth and not parent_missing:
                counters[heading.level - 1] += 1
                counters[heading.level :] = [0] * (len(counters) - heading.level)
                counters[0] = count
                heading.number = ".".join(str(n) for n in counters[: heading.level])
                current = heading.number
            elif chapter.numbered:
                heading.within = current
            while open_levels and open_levels[-1] >= heading.level:
                open_levels.pop()
            open_levels.append(heading.level)
            heading.depth = len(open_levels)
            _unique_id(heading, seen, problems)


def _appendix_before(appendix: ParsedChapter, chapter: ParsedChapter, problems: Problems) -> None:
    """An appendix read before an ordinary chapter: the report would go on with chapter N
    after "Bilaga 1", its contents and numbers out of order."""
    name = appendix.path.rsplit("/", 1)[-1]
    problems.fail(
        appendix.path,
        appendix.headings[0].line if appendix.headings else 1,
        f"kapitlet är en bilaga (appendix) men läses före kapitlet ”{chapter.title}” "
        f"({chapter.path}), så rapporten skulle fortsätta med kapitel efter bilagan.",
        "Bilagorna står sist: ge filen ett högre nummer än de vanliga kapitlen, till exempel "
        f"90-{name.split('-', 1)[-1] if '-' in name else name}, eller ta bort appendix.",
    )


def line_of_children(inline: Token) -> Iterator[tuple[Token, int]]:
    """Each child of an inline token with the source line it stands on."""
    line = (inline.map[0] + 1) if inline.map else 1
    for child in inline.children or []:
        yield child, line
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("text", "code_inline"):
            line += child.content.count("\n")


def plain_text(inline: Token) -> str:
    """The text of an inline token without markup (for heading titles and the contents)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "kfs_value":
            parts.append("{{" + child.content + "}}")
    return "".join(parts).strip()


def slug(text: str) -> str:
    """`Avtalssamverkan i Bjurholm` → `avtalssamverkan-i-bjurholm` (ASCII, stable)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return result or "avsnitt"


def _unique_id(heading: Heading, seen: dict[str, Heading], problems: Problems) -> None:
    if heading.id not in seen:
        seen[heading.id] = heading
        return
    other = seen[heading.id]
    if heading.explicit_id:
        problems.fail(
            heading.path,
            heading.line,
            f"id:t '{heading.id}' används redan ({other.path}:{other.line}).",
            "Ge rubriken ett annat id med {#nytt-id}.",
        )
        return
    base, n = heading.id, 2
    while f"{base}-{n}" in seen:
        n += 1
    heading.id = f"{base}-{n}"
    seen[heading.id] = heading


def _shift_lines(tokens: list[Token], offset: int) -> None:
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + offset, token.map[1] + offset]


def _check_token(token: Token, chapter: ParsedChapter, problems: Problems) -> None:
    line = (token.map[0] + 1) if token.map else 1
    if token.type == "heading_open" and token.tag == "h1":
        problems.fail(
            chapter.path,
            line,
            "rubriker med en # används inte i kapitlen.",
            "Kapitlets rubrik står i front matter (title:); använd ## för avsnitt.",
        )
    if token.type == "heading_open" and token.markup == "######":
        problems.fail(
            chapter.path,
            line,
            "rubriker med sex # används inte: kapitlets rubriker går ned till #####.",
            "Skriv rubriken med ##### eller gör den till vanlig text, till exempel i fetstil.",
        )
    if token.type == "container_box_open":
        kind = token.info.strip().split(maxsplit=1)[0]
        if kind not in BOX_KINDS:
            problems.fail(
                chapter.path,
                line,
                f"okänd ruta '::: {kind}'.",
                f"Använd någon av: {', '.join('::: ' + k for k in BOX_KINDS)}.",
            )
    if "caption_error" in token.meta:
        message, hint = token.meta["caption_error"]
        problems.fail(chapter.path, line, message, hint)
    if "heading_attr_error" in token.meta:
        problems.fail(
            chapter.path,
            line,
            str(token.meta["heading_attr_error"]),
            "Skriv till exempel {#mitt-id} efter rubriken.",
        )
    # A block's attributes stand on the line just above it; an inline element's on its own.
    _refuse_attrs(token, chapter.path, line - 1, problems)
    for child in token.children or []:
        _refuse_attrs(child, chapter.path, child.meta.get("line", line), problems)


def _refuse_attrs(token: Token, path: str, line: int, problems: Problems) -> None:
    """Report attributes the attrs plugin set aside (anything but id, class and lang), and a
    `lang` that is not a language tag."""
    if "insecure_attrs" in token.meta:
        names = ", ".join(sorted(token.meta["insecure_attrs"]))
        problems.fail(
            path,
            line,
            f"attributet {names} är inte tillåtet.",
            hint="Bara {#id}, {.klass} och {lang=en} kan användas.",
        )
    language = token.attrs.get("lang") if token.attrs else None
    tag = language_tag(str(language)) if language is not None else None
    if tag is not None:
        token.attrSet("lang", tag)
    elif language is not None:
        problems.fail(
            path,
            line,
            f"språkkoden '{language}' är ingen språkkod.",
            hint="Skriv en kod som en, en-GB eller de, till exempel [Building Women]{lang=en}.",
        )


def _headings(tokens: list[Token], path: str, problems: Problems) -> Iterator[Heading]:
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag == "h1":
            continue
        inline = tokens[i + 1]
        explicit = token.attrGet("id")
        title = plain_text(inline)
        line = (token.map[0] + 1) if token.map else 1
        if not title:
            problems.fail(path, line, "rubriken är tom.", "Skriv en rubrik eller ta bort raden.")
        if any(child.type == "kfs_value" for child in inline.children or []):
            problems.fail(
                path,
                line,
                "{{ … }} kan inte stå i en rubrik: rubriken visas också i innehållsförteckningen, "
                "i PDF-filens bokmärken och i hänvisningar, och där räknas uttrycket inte ut.",
                hint="Skriv rubriken som vanlig text, till exempel med årtalet utskrivet.",
            )
        yield Heading(
            int(token.tag[1]),
            title,
            str(explicit or slug(title)),
            line,
            path,
            explicit_id=explicit is not None,
        )


def _expressions(tokens: list[Token]) -> Iterator[Expression]:
    """The chapter's `{{ … }}` with their lines."""
    for token in tokens:
        if token.type == "kfs_directive":
            yield Expression(token.content, (token.map[0] + 1) if token.map else 1, True)
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "kfs_value":
                    yield Expression(child.content, child.meta["line"], False)


# --- markdown-it rules ------------------------------------------------------------------


def _directive_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A line holding only `{{ … }}` places generated material (a directive)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start] + state.tShift[start]
    text = state.src[begin : state.eMarks[start]]
    match = _BLOCK_EXPR.match(text)
    if not match:
        return False
    if silent:
        return True
    token = state.push("kfs_directive", "", 0)
    token.content = match.group(1).strip()
    token.map = [start, start + 1]
    token.block = True
    state.line = start + 1
    return True


def _value_inline(state: StateInline, silent: bool) -> bool:
    """`{{ … }}` inside a paragraph: an inline value, on one line. An unclosed `{{` stays
    text (and is reported at its own line by `leftovers`) instead of reaching a later `}}`."""
    if not state.src.startswith("{{", state.pos):
        return False
    close = state.src.find("}}", state.pos + 2)
    content = state.src[state.pos + 2 : close]
    if close < 0 or "\n" in content or "{{" in content:
        return False
    if not silent:
        token = state.push("kfs_value", "", 0)
        token.content = content.replace("\\|", "|").strip()
    state.pos = close + 2
    return True


def _heading_attrs(state: StateCore) -> None:
    """`## Rubrik {#id .klass}`: take the braces off the heading text and set the attributes."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        match = _HEADING_ATTRS.search(inline.content)
        if not match or match.group(1).strip().startswith("{"):
            continue
        inline.content = inline.content[: match.start()]
        for part in match.group(1).split():
            if re.fullmatch(r"#[a-z0-9][a-z0-9_-]*", part):
                token.attrSet("id", part[1:])
            elif re.fullmatch(r"\.[A-Za-z][A-Za-z0-9_-]*", part):
                token.attrJoin("class", part[1:])
            else:
                token.meta["heading_attr_error"] = (
                    f"'{part}' i rubrikens klammerparentes kan inte användas"
                    " (id skrivs med små bokstäver, siffror och bindestreck)."
                )


_TABLE_CAPTION = re.compile(r"Tabell(?P<number>\s*[0-9][0-9.]*|\s+B[0-9][0-9.]*)?\s*:(?P<text>.*)", re.DOTALL)
_CAPTION_ATTRS = re.compile(r"\s*\{\s*([#.][^{}]*)\}\s*$")
LANDSCAPE = "liggande"
"""`Tabell: Rubrik {.liggande}`: the table gets a landscape page of its own in the PDF."""
_LIKE_CAPTION = re.compile(
    r"(?P<word>(?:Table|Tab\.?|Tabelle|Tabel|Tabla)(?:\s*[0-9][0-9.]*)?\s*:|Tabell\s*B?[0-9][0-9.]*\s*[.–—-])"
    r"(?P<text>.*)",
    re.DOTALL | re.IGNORECASE,
)
"""A caption written another way (`Table:` in a chapter in English, `Tabell 2. Rubrik`), which
would stay an ordinary paragraph above the table with its `{#id}` printed."""


def _table_captions(state: StateCore) -> None:
    """`Tabell: Rubrik {#id}` on the line before a table is the table's caption (and id).

    The paragraph stays in the token stream (its `{{ … }}` are checked like any other) with
    `table_caption` set; the renderer puts it inside the table as its `<caption>`. Mistakes
    are noted as `caption_error` and reported by `_check_token`."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "paragraph_open" or i + 1 >= len(tokens) or tokens[i + 1].type != "inline":
            continue
        inline = tokens[i + 1]
        match = _TABLE_CAPTION.match(inline.content)
        table = tokens[i + 3] if i + 3 < len(tokens) and tokens[i + 3].type == "table_open" else None
        if not match and table is not None:
            match = _LIKE_CAPTION.match(inline.content)
            if match:
                token.meta["caption_error"] = (
                    f"'{match.group('word').strip()}' gör ingen tabellrubrik: rubriken skrivs 'Tabell:' "
                    "(också i ett kapitel på ett annat språk), och numret sätts automatiskt.",
                    f"Skriv 'Tabell: {match.group('text').strip() or 'Rubrik'}'.",
                )
                inline.content = "Tabell:" + match.group("text")
                match = _TABLE_CAPTION.match(inline.content)
        if not match:
            continue
        if table is None:
            token.meta["caption_error"] = (
                "raden börjar med 'Tabell:' men står inte direkt före en tabell.",
                "Skriv tabellens rubrik på raden ovanför tabellen (Tabell: Rubrik), "
                "eller skriv om meningen så att den inte börjar med 'Tabell:'.",
            )
            continue
        if match.group("number"):
            token.meta["caption_error"] = (
                f"skriv inte tabellens nummer ('Tabell{match.group('number')}:'); tabellerna numreras "
                "automatiskt.",
                "Skriv bara Tabell: Rubrik.",
            )
        text = match.group("text")
        found = _CAPTION_ATTRS.search(text)
        if found:
            text = text[: found.start()]
            _caption_attrs(found.group(1), token, table)
        if not text.strip():
            token.meta["caption_error"] = (
                "tabellens rubrik är tom.",
                "Skriv vad tabellen visar efter 'Tabell:', till exempel Tabell: Invånare per kommun.",
            )
        inline.content = text.strip()
        token.meta["table_caption"] = True
        table.meta["captioned"] = True


def _caption_attrs(attrs: str, caption: Token, table: Token) -> None:
    """`{#id}` and `{.liggande}` at the end of a `Tabell:` line (either or both)."""
    for part in attrs.split():
        if part.startswith("#") and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", part[1:]):
            table.attrSet("id", part[1:])
        elif part.startswith("#"):
            caption.meta["caption_error"] = (
                f"'{{{part}}}' kan inte vara tabellens id (id skrivs med små bokstäver, "
                "siffror och bindestreck).",
                "Skriv till exempel {#invanare-per-kommun} sist på raden.",
            )
        elif part == "." + LANDSCAPE:
            table.meta["landscape"] = True
        else:
            caption.meta["caption_error"] = (
                f"'{part}' kan inte stå sist på raden Tabell:.",
                "Där kan bara tabellens id ({#invanare}) och {.liggande} stå, som ger tabellen en "
                "liggande sida i PDF-filen, till exempel Tabell: Rubrik {#id .liggande}.",
            )


_CELL_EXPR = re.compile(r"\{\{.*?\}\}")


def _protect_pipes(body: str) -> str:
    """In a table row, a `|` inside `{{ … }}` is a filter, not a new cell: escape it as `\\|`
    (the table rule then keeps the cell whole; `_value_inline` reads `\\|` back as `|`)."""
    if "|" not in body or "{{" not in body:
        return body
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip().startswith("|") and "{{" in line:
            lines[i] = _CELL_EXPR.sub(lambda m: re.sub(r"(?<!\\)\|", r"\\|", m.group(0)), line)
    return "\n".join(lines)


_ITEM_ATTRS = re.compile(r"\s*\{((?:\s*[#.][A-Za-z0-9_-]+)+)\s*\}\s*$")


def _item_attrs(state: StateCore) -> None:
    """`- punkt {.klass}`: braces at the end of a list item's first line style the item."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or i < 2 or tokens[i - 2].type != "list_item_open":
            continue
        first, _, rest = token.content.partition("\n")
        match = _ITEM_ATTRS.search(first)
        if not match:
            continue
        item = tokens[i - 2]
        for part in match.group(1).split():
            if part.startswith("#"):
                item.attrSet("id", part[1:])
            else:
                item.attrJoin("class", part[1:])
        token.content = first[: match.start()] + ("\n" + rest if rest else "")
