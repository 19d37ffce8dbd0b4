"""Check a built PDF the way an accessibility or archive reviewer would (pikepdf, poppler).

`check_pdf()` returns the problems it finds as Swedish sentences; an empty list means the
file keeps its promises: tagged structure, language, title shown in the window, the XMP
identifier it claims (PDF/UA-1 or PDF/A-2a), alternative text on every figure, headings in
order, every font embedded, a bookmark for every chapter and section, text that copies
out as whole words, and words that a screen reader hears apart as the page shows them
(`pdfwords`).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kfsreport.commands.check import pdfstructure, pdfwords

HEADING = re.compile(r"^/H([1-6])$")


@dataclass(frozen=True)
class Promise:
    """What a file claims to be, read from its name: `-arkiv.pdf` is PDF/A-2a."""

    xmp: dict[str, str]

    @classmethod
    def of(cls, path: Path) -> Promise:
        if path.stem.endswith("-arkiv"):
            return cls({"pdfaid:part": "2", "pdfaid:conformance": "A"})
        return cls({"pdfuaid:part": "1"})


def check_pdf(path: Path, written: frozenset[str] = frozenset()) -> list[str]:
    """Every way the PDF at `path` falls short of an accessible, archivable report.

    `written`: the words the report itself writes with a hyphen, as pairs around each hyphen
    (`hyphen_pairs`); a line that breaks after such a hyphen (`apt-` / `get`) cut no word."""
    import pikepdf

    problems: list[str] = []
    shown = _pdftotext(path) if shutil.which("pdftotext") is not None else None
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            problems.append("PDF:en saknar taggstruktur (StructTreeRoot).")
        if not _flag(root, "/MarkInfo", "/Marked"):
            problems.append("PDF:en är inte markerad som taggad (MarkInfo /Marked).")
        if not str(root.get("/Lang", "")).strip():
            problems.append("PDF:en anger inget språk (/Lang).")
        if not _flag(root, "/ViewerPreferences", "/DisplayDocTitle"):
            problems.append("fönstret visar inte dokumentets titel (DisplayDocTitle).")
        problems += _metadata(pdf, Promise.of(path))
        elements = list(_structure(root.get("/StructTreeRoot")))
        problems += _figures(elements)
        problems += _heading_order(elements)
        problems += _outline(pdf, elements)
        problems += _fonts(pdf)
        problems += pdfstructure.check(pdf, elements)
        if "/StructTreeRoot" in root:
            problems += pdfwords.check(pdf, shown)
    problems += _text(path, shown, written)
    return problems


def _flag(root: Any, dictionary: str, key: str) -> bool:
    entries = root.get(dictionary)
    return entries is not None and bool(entries.get(key, False))


def _metadata(pdf: Any, promise: Promise) -> list[str]:
    problems = []
    meta = pdf.open_metadata()
    for key, wanted in promise.xmp.items():
        if str(meta.get(key, "")) != wanted:
            problems.append(f"XMP-metadata: {key} är '{meta.get(key, '')}', men filen lovar '{wanted}'.")
    if not str(pdf.docinfo.get("/Title", "")).strip():
        problems.append("PDF:en saknar titel i metadata.")
    return problems


def _structure(node: Any, depth: int = 0) -> Iterator[Any]:
    """The structure elements in reading order (depth first)."""
    import pikepdf

    if depth > 200 or node is None:
        return
    if isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            yield from _structure(kid, depth + 1)
    elif isinstance(kids, pikepdf.Dictionary):
        yield from _structure(kids, depth + 1)


def _figures(elements: list[Any]) -> list[str]:
    missing = [e for e in elements if str(e.get("/S")) == "/Figure" and not str(e.get("/Alt", "")).strip()]
    return [f"{len(missing)} figur(er) saknar alternativtext (/Alt)."] if missing else []


def _heading_order(elements: list[Any]) -> list[str]:
    problems = []
    previous = 0
    for element in elements:
        match = HEADING.match(str(element.get("/S")))
        if not match:
            continue
        level = int(match.group(1))
        if previous and level > previous + 1:
            problems.append(f"rubriknivå H{level} följer direkt på H{previous} (en nivå hoppas över).")
        previous = level
    if not previous:
        problems.append("PDF:en har inga rubriktaggar.")
    return problems


def _outline(pdf: Any, elements: list[Any]) -> list[str]:
    with pdf.open_outline() as outline:
        entries = sum(1 for _ in _walk_outline(outline.root))
    chapters_and_sections = sum(
        1 for e in elements if str(e.get("/S")) in ("/H2", "/H3") and not pdfstructure.inside_heading(e)
    )
    if entries < chapters_and_sections:
        return [f"bokmärken saknas: {entries} bokmärken för {chapters_and_sections} kapitel och avsnitt."]
    return []


def _walk_outline(items: Any) -> Iterator[Any]:
    for item in items:
        yield item
        yield from _walk_outline(item.children)


def _fonts(pdf: Any) -> list[str]:
    problems = []
    seen: set[str] = set()
    for page in pdf.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            name = str(font.get("/BaseFont", "?"))
            if name in seen:
                continue
            seen.add(name)
            descendants = font.get("/DescendantFonts")
            described = descendants[0] if descendants is not None else font
            descriptor = described.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"typsnittet {name} är inte inbäddat.")
    return problems


WORD_BREAK = re.compile(r"(?:^|\s)([^\W\d_]{2,})([-\u2010\u00ad])$")
"""A line that ends in a word cut by a hyphen (not code such as `figur("skr-`)."""
HYPHENATED = re.compile(r"\b\w+(?:[-\u2010]\w+)+")
"""Anchored at a word's start: unanchored, each long run of letters without a hyphen (the
page's embedded fonts and images) was tried again from every one of its characters, 2.6 s
of every `check`; the words found are the same."""
FIRST_WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]*>")
CONTINUES = ("och ", "eller ", "samt ", "respektive ", "till ")
"""`bygg- och fastighetsbranschen`: a first part written with its hyphen, not a cut word."""


def written_hyphens(page: str) -> frozenset[str]:
    """`hyphen_pairs` of a web page's text: what `--pdf` needs from the page `check` renders."""
    return hyphen_pairs(html.unescape(TAG.sub(" ", page)))


def hyphen_pairs(text: str) -> frozenset[str]:
    """Each pair of parts the text joins with a hyphen, in lower case: `apt-get` and
    `tabell-atgardsplan-1` give `apt-get`, `tabell-atgardsplan` and `atgardsplan-1`."""
    pairs: set[str] = set()
    for word in HYPHENATED.findall(text):
        parts = re.split(r"[-\u2010]", word.lower())
        pairs.update(f"{a}-{b}" for a, b in zip(parts, parts[1:], strict=False))
    return frozenset(pairs)


def _cut(line: str, following: str, written: frozenset[str] = frozenset()) -> bool:
    following = following.lstrip()
    return (
        _hyphen_at_end(line, following, written)
        and following[:1].islower()
        and not following.startswith(CONTINUES)
    )


def _hyphen_at_end(line: str, following: str, written: frozenset[str]) -> bool:
    """Whether `line` ends in a word cut by a hyphen that the text does not write itself
    (a break after the hyphen of `apt-get` when the report writes `apt-get`)."""
    found = WORD_BREAK.search(line.rstrip())
    if found is None:
        return False
    after = FIRST_WORD.match(following.lstrip())
    if after is None or found.group(2) == "\u00ad":
        return True
    return f"{found.group(1)}-{after.group(0)}".lower() not in written


def _text(path: Path, shown: str | None, written: frozenset[str] = frozenset()) -> list[str]:
    """Copy-and-paste: no line may end in a hyphen that the extracted text keeps (poppler
    reads `/ActualText`, so a hyphen the repair covers is not seen), and no word may be
    hyphenated across a page break (read from the drawn text, `_drawn_text`, since the repair
    makes such a word read whole although its hyphen still shows at the foot of the page)."""
    if shown is None:
        return ["pdftotext saknas (Debianpaketet poppler-utils), så texten kunde inte kontrolleras."]
    problems = []
    broken = 0
    for page in shown.split("\f"):
        lines = page.splitlines()
        for line, following in zip(lines, lines[1:], strict=False):
            broken += _cut(line, following, written)
    if broken:
        problems.append(
            f"{broken} rader slutar med ett avstavningstecken som följer med "
            "när texten kopieras eller läses upp."
        )
    turns = _page_turn_hyphens(_drawn_text(path).split("\f"), written)
    if turns:
        pages = ", ".join(str(page) for page in turns)
        problems.append(f"{len(turns)} ord avstavas över en sidbrytning (sidan {pages}).")
    return problems


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _page_turn_hyphens(pages: list[str], written: frozenset[str] = frozenset()) -> list[int]:
    """The pages (from 1) whose text flow ends in a word cut by a hyphen: a line ending so
    that is not followed on its page by the rest of the word (drawn in content order, a
    paragraph's lines follow each other; at a page turn the rest is on the next page)."""
    found = []
    # Where a word cut at a page turn goes on: the next page's first line in lower case.
    goes_on = [
        next((line for line in page.splitlines() if line.lstrip()[:1].islower()), "") for page in pages
    ]
    for number, page in enumerate(pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        for line, following in zip(lines, [*lines[1:], ""], strict=False):
            if following.lstrip()[:1].islower():
                continue  # the word goes on in the next line of the page
            if _hyphen_at_end(line, (goes_on[number:] or [""])[0], written):
                found.append(number)
                break
    return found


ACTUAL_TEXT = re.compile(rb"(/MCID\s*\d+)\s*/ActualText\s*(?:<[0-9a-fA-F\s]*>|\((?:\\.|[^\\)])*\))")
"""`/ActualText` in a marked-content property list, as `pdftags` writes it (hex or literal)."""


def _drawn_text(path: Path) -> str:
    """The text as drawn, hyphens and all: pdftotext on a copy without `/ActualText`."""
    import pikepdf

    with tempfile.TemporaryDirectory(prefix="kfsreport-check-") as folder, pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for stream in _content_streams(page.obj, pikepdf):
                data = stream.read_bytes()
                if b"/ActualText" in data:
                    stream.write(ACTUAL_TEXT.sub(rb"\1", data))
        copy = Path(folder) / "ritad.pdf"
        pdf.save(copy)
        return _pdftotext(copy)


def _content_streams(page: Any, pikepdf: Any) -> list[Any]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]
