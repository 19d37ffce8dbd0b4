"""Where the PDF may break a word at a line end, decided before WeasyPrint lays it out.

The print stylesheet hyphenates lightly (words of 10 letters or more, 4 on each side). This
module keeps the breaks a typographer refuses out of the print edition's HTML:

- names and other words that start with a capital (Västerbotten, Building, Sverige), words
  with digits, and the last two words of every paragraph and list item (no stub alone on a
  paragraph's last line) are wrapped in `<span class="no-hyphens">` (`hyphens: manual`);
- compounds listed in the report folder's `avstavning.txt`, one a line with `|` or `-` at
  each joint (`äldre|omsorgen`), break at their joints and nowhere else
  (`kompetens-` / `försörjningen`, never `kompetensför-` / `sörjningen`): every occurrence
  is wrapped likewise, with a soft hyphen at each joint unless it starts with a capital (a
  name is kept whole); a listed word covers its inflected forms (`arbets|givare`:
  `arbetsgivarens`). A line broken at a joint reads as the whole word in the PDF's text
  layer, as a layout hyphen does (`printing.pdftags`).

Only text between tags changes; headings (already `hyphens: manual`), links (one link must stay
one annotation in the PDF), the head, styles and
attribute values are left alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kfsreport.errors import Problems

WORD_LIST = "avstavning.txt"
_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"head", "style", "script", "title", "h1", "h2", "h3", "h4", "h5", "h6", "svg", "figcaption", "a"}
_BLOCK_END = re.compile(r"</(p|li|dd|td|th)\s*>", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b([A-ZÅÄÖÉÜ][\w\u00ad-]*\w|\w*\d(?:[,.:/\u00a0]?\w)*)\b")
"""A name, or a word with digits together with the commas, points, colons, slashes and no-break
spaces inside it (`2,9`, `1 250`, `2026/118`): one mark, since WeasyPrint may break a line between
two marks even where no break is allowed (`2,` / `9 %` when `2` and `9` were marked apart)."""
_LAST_WORDS = re.compile(r"(\S+\s+\S+|\S+)(\s*)$")
SOFT = "\u00ad"
NO_HYPHENS = '<span class="no-hyphens">{}</span>'


def read_word_list(root: Path, problems: Problems) -> dict[str, str]:
    """`avstavning.txt` as whole word (lower case) → the word with soft hyphens at its joints.
    A joint is written `|` (`kompetens|försörjning`) or `-` (`kompetens-försörjning`). The
    file is read as every file of the report folder (`folder.read_text`); a word without a
    joint is kept whole; a line that is not one word with its joints is reported at its line."""
    from kfsreport.load.folder import read_text

    path = root / WORD_LIST
    if not path.is_file() and not path.is_symlink():
        return {}
    text = read_text(root, path, problems)
    words = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        word = line.split("#", 1)[0].strip().replace("|", "-")
        if not word:
            continue
        parts = word.split("-")
        if not all(part.isalpha() for part in parts):  # one part: a word kept whole
            problems.fail(
                WORD_LIST,
                number,
                f"'{line.strip()}' är inte ett ord med sina fogar.",
                "Skriv ett ord per rad med | mellan delarna, till exempel kompetens|försörjning.",
            )
            continue
        words[word.replace("-", "").lower()] = word.replace("-", SOFT)
    return words


def mark_breaks(html: str, words: dict[str, str]) -> str:
    """The print HTML with names, paragraph ends and listed compounds marked (see above)."""
    compounds = (
        re.compile(
            r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(\w*)\b",
            re.IGNORECASE,
        )
        if words
        else None
    )
    parts = _TAG.split(html)
    skipping: list[str] = []
    last_text: int | None = None
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    if skipping and skipping[-1] == tag:
                        skipping.pop()
                else:
                    skipping.append(tag)
            if _BLOCK_END.fullmatch(part) and last_text is not None and not skipping:
                parts[last_text] = _protect_end(parts[last_text])
                last_text = None
            elif re.match(r"<(p|li|dd|td|th)\b", part, re.IGNORECASE):
                last_text = None
            continue
        if skipping or not part.strip():
            continue
        parts[index] = _mark(part, compounds, words)
        last_text = index
    return _finish("".join(parts))


_ENTITY = re.compile(r"(&#?[0-9A-Za-z]+;)")
"""A character reference in the text (`&#39;` for an apostrophe, `&amp;`): never marked inside,
or the PDF would print `&#39;` (its digits are a "word with digits")."""


def _mark(text: str, compounds: re.Pattern[str] | None, words: dict[str, str]) -> str:
    pieces = _ENTITY.split(text)
    if len(pieces) > 1:
        return "".join(piece if i % 2 else _mark(piece, compounds, words) for i, piece in enumerate(pieces))
    if compounds is not None:
        text = compounds.sub(lambda m: "\x00" + _joints(m.group(1), words) + m.group(2) + "\x01", text)
    # Capitalised words and words with digits, outside the compounds already marked.
    pieces = re.split(r"(\x00[^\x01]*\x01)", text)
    for i in range(0, len(pieces), 2):
        pieces[i] = _CAPITALISED.sub(lambda m: "\x00" + m.group(0) + "\x01", pieces[i])
    return "".join(pieces)


def _joints(found: str, words: dict[str, str]) -> str:
    """`found` as it stands in the text with a soft hyphen at each joint; kept whole when it
    starts with a capital, as names are (`Regionfullmäktige`, `Byggföretagen`)."""
    if found[:1].isupper():
        return found
    listed = words[found.lower()]
    out, i = [], 0
    for char in listed:
        if char == SOFT:
            out.append(SOFT)
        else:
            out.append(found[i])
            i += 1
    return "".join(out)


def _protect_end(text: str) -> str:
    """Mark the last two words of a paragraph (unless a mark already covers them; a listed
    compound among them loses its joints, so the last line is never broken either)."""
    match = _LAST_WORDS.search(text)
    if match and ("\x01" in match.group(1) or "\x00" in match.group(1)):
        return text[: match.start()] + match.group(1).replace(SOFT, "") + match.group(2)
    if not match:
        return text
    return text[: match.start()] + "\x00" + match.group(1) + "\x01" + match.group(2)


def _finish(html: str) -> str:
    """Turn the marks left by `mark_breaks` into spans."""
    return html.replace("\x00", '<span class="no-hyphens">').replace("\x01", "</span>")


SPLIT_END = re.compile(r"\w(?:\u00ad-?|[-\u2010])$")
"""A line's text that ends in a hyphen the layout added, or at a soft hyphen."""


def _flow_texts(page: Any) -> list[str]:
    """The texts of a laid-out page's flow (its running heads and page number left out)."""
    from weasyprint.formatting_structure import boxes

    flow = [child for child in page._page_box.children if not isinstance(child, boxes.MarginBox)]
    return [
        box.text
        for child in flow
        for box in ([child] if isinstance(child, boxes.TextBox) else child.descendants())
        if isinstance(box, boxes.TextBox) and box.text.strip()
    ]


def ends_in_split_word(page: Any) -> bool:
    """Whether a laid-out page's last line ends in a word split to the next page."""
    texts = _flow_texts(page)
    return bool(texts) and bool(SPLIT_END.search(texts[-1].rstrip()))


def page_turn_words(document: Any) -> set[str]:
    """The words a laid-out WeasyPrint `document` splits across a page turn: the last line of
    a page ending in a hyphen, joined with the first word of the next page."""
    found = set()
    pages = [_flow_texts(page) for page in document.pages]
    for page, following in zip(pages, pages[1:], strict=False):
        if not page or not following:
            continue
        end = page[-1].rstrip()
        if SPLIT_END.search(end):
            words = end.rstrip("-\u2010\u00ad").split()
            head = words[-1] if words else ""
            tail = ""
            for text in following:  # a word hyphenated twice goes on after its middle line
                first = text.split()[0] if text.split() else ""
                tail += first
                if first != text.strip() or not SPLIT_END.search(first):
                    break
            word = re.sub(r"\W", "", head + tail.replace(SOFT, ""))
            if len(word) > 3:
                found.add(word)
    return found


def protect_words(html: str, words: set[str]) -> str:
    """Wrap every occurrence of `words` in the text (not in tags) so it is never hyphenated;
    a listed compound's soft hyphens go, so it does not break at its joint either."""
    pattern = re.compile(
        r"(?<![\w\u00ad])("
        + "|".join((SOFT + "?").join(map(re.escape, word)) for word in sorted(words, key=len, reverse=True))
        + r")(?![\w\u00ad])"
    )
    parts = _TAG.split(html)
    in_link = False  # a link's text stays one piece (one annotation in the PDF)
    for index, part in enumerate(parts):
        if index % 2:
            if re.match(r"<a\b", part, re.IGNORECASE):
                in_link = True
            elif re.match(r"</a\s*>", part, re.IGNORECASE):
                in_link = False
        elif not in_link:
            parts[index] = pattern.sub(lambda m: NO_HYPHENS.format(m.group(0).replace(SOFT, "")), part)
    return "".join(parts)
