"""The text a screen reader hears, for `kfsreport check --pdf`: the structure tree read aloud
(`spoken`) and checked for what a listener would suffer and a validator does not see.

- Run-together words: the words heard compared with the words the pages show, as poppler's
  `pdftotext` reads them from where each glyph is drawn. A word heard that the pages do not
  show but that is two or more shown words written together ("BuildingWomen" where the page
  shows "Building Women") is a space left out of the tree: WeasyPrint does not draw every
  space (`kfsreport/printing/pdftags.py` gives those it leaves out an `/ActualText`).
- Leader dots read aloud (". . . . 5" in the contents): they are to be artifacts.
- A paragraph split in two where a page breaks it: the first part ends without a full stop
  and the second, on the next page, goes on in lower case.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kfsreport.commands.check.spoken import Utterance

WORD = re.compile(r"\w+(?:[-–'’:.,/@]\w+)*")
"""A word as the check compares it: letters and digits, with the marks that may join two
parts of one word (`2023–2030`, `PDF:en`, `3.11`, an e-mail address)."""
SOFT_HYPHEN = "\u00ad"
"""Where a compound may break (`avstavning.txt`): not read, and no end of a word."""
SHOWN = 5
"""At most this many of the run-together words are named in the finding."""
LEADER = re.compile(r"(?:\. ?){4,}")
"""Four dots or more, with or without spaces between: a leader read as text."""
ENDS = frozenset('.!?:;…”’"')
"""What a paragraph may end with; a part that ends otherwise goes on."""


def check(pdf: Any, shown_text: str | None) -> list[str]:
    """Swedish sentences for what is wrong with the text heard from the open `pdf` (pikepdf),
    whose `pdftotext` text is `shown_text` (None: pdftotext is missing)."""
    from kfsreport.commands.check.spoken import spoken

    heard = spoken(pdf)
    problems = run_together(pdf, heard, shown_text) if shown_text is not None else []
    return problems + _leaders(heard) + _split_paragraphs(heard)


def _leaders(heard: list[Utterance]) -> list[str]:
    found = [u for u in heard if LEADER.search(u.text)]
    if not found:
        return []
    pages = ", ".join(dict.fromkeys(str(u.page + 1) for u in found if u.page is not None))
    return [
        f"{len(found)} textblock läser upp utfyllnadspunkter (sidan {pages}): punkterna mellan "
        "en rubrik och dess sidnummer ska vara artefakter (/Artifact), inte text. Bygg om PDF:en "
        "med kfsreport build, och rapportera felet till kfsreport om det finns kvar."
    ]


def _split_paragraphs(heard: list[Utterance]) -> list[str]:
    pages = [
        str(second.page + 1)
        for first, second in zip(heard, heard[1:], strict=False)
        if first.role == second.role == "/P"
        and first.inside == second.inside
        and first.page is not None
        and second.page == first.page + 1
        and first.text[-1:] not in ENDS
        and second.text[:1].islower()
    ]
    if not pages:
        return []
    return [
        (f"{len(pages)} stycken är delade" if len(pages) > 1 else "1 stycke är delat")
        + f" i två P-element där sidan bryts (sidan {', '.join(pages)}): "
        "en skärmläsare läser dem som två stycken. Bygg om PDF:en med kfsreport build, och "
        "rapportera felet till kfsreport om det finns kvar."
    ]


def run_together(pdf: Any, heard: list[Utterance], shown_text: str) -> list[str]:
    """A Swedish sentence naming the run-together words heard from the open `pdf` (pikepdf),
    whose `pdftotext` text is `shown_text`; none: an empty list. The words of a figure's
    /Alt are not on the page, and the parts of a word must stand next to each other there."""
    words = [word.casefold() for word in WORD.findall(shown_text.replace(SOFT_HYPHEN, ""))]
    shown = set(words) | _alternative_words(pdf)
    pairs = set(zip(words, words[1:], strict=False))
    found: list[tuple[int | None, str, list[str]]] = []
    seen: set[str] = set()
    for utterance in heard:
        for word in WORD.findall(utterance.text.replace(SOFT_HYPHEN, "")):
            key = word.casefold()
            if key in shown or key in seen:
                continue
            parts = _parts(key, shown)
            if parts and all(pair in pairs for pair in zip(parts, parts[1:], strict=False)):
                seen.add(key)
                found.append((utterance.page, word, _cased(word, parts)))
    if not found:
        return []
    named = "; ".join(
        f"sidan {page + 1 if page is not None else '?'}: ”{word}” (sidan visar ”{' '.join(parts)}”)"
        for page, word, parts in found[:SHOWN]
    )
    more = f" och {len(found) - SHOWN} till" if len(found) > SHOWN else ""
    return [
        f"{len(found)} ord är {'ihopskrivna' if len(found) > 1 else 'ihopskrivet'} i texten som "
        "skärmläsare läser upp ur taggstrukturen: "
        f"{named}{more}. Mellanslaget syns på sidan men saknas i taggarna; bygg om PDF:en med "
        "kfsreport build, och rapportera felet till kfsreport om det finns kvar."
    ]


def _alternative_words(pdf: Any) -> set[str]:
    """The words of every /Alt in the structure tree (read aloud, never shown)."""
    import pikepdf

    found: set[str] = set()
    stack: list[Any] = [pdf.Root.StructTreeRoot.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if "/Alt" in node:
                found |= {word.casefold() for word in WORD.findall(str(node.Alt))}
            if "/K" in node:
                stack.append(node.K)
    return found


def _parts(word: str, shown: set[str], depth: int = 0) -> list[str]:
    """`word` as two or more shown words (or numbers) written together, longest first part
    first; an empty list if it is not."""
    if depth > 4:
        return []
    for cut in range(len(word) - 1, 0, -1):
        head, tail = word[:cut], word[cut:]
        if not (head in shown or head.isdigit()):
            continue
        if tail in shown or tail.isdigit():
            return [head, tail]
        rest = _parts(tail, shown, depth + 1)
        if rest:
            return [head, *rest]
    return []


def _cased(word: str, parts: list[str]) -> list[str]:
    """The parts with the letter case `word` has."""
    out, start = [], 0
    for part in parts:
        out.append(word[start : start + len(part)])
        start += len(part)
    return out
