"""What a screen reader speaks from a tagged PDF: the structure tree walked in order with
pikepdf, each marked-content sequence's text decoded through its font's /ToUnicode map (or
its /ActualText, which replaces what is drawn), a figure's /Alt instead of its content, and
artifacts (running heads, page numbers, leader dots) never reached, since no element refers
to them. `kfsreport check --pdf` finds run-together words with it (`pdfwords`), and
tests/test_spoken.py hears the demo as a listener would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf

BLOCKS = frozenset(
    {"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LI", "/Lbl", "/LBody", "/TOCI"}
    | {"/TD", "/TH", "/Caption", "/BlockQuote", "/Note"}
)
"""Elements a screen reader reads as a unit of their own (one `Utterance` each)."""


@dataclass
class Utterance:
    """One block read aloud: its role, its text, the language it is read in and the chapter
    (Sect) it belongs to."""

    role: str
    text: str
    lang: str
    chapter: int
    page: int | None
    inside: tuple[str, ...] = field(default=())


def _cmap(font: Any) -> tuple[dict[bytes, str], int]:
    """A font's /ToUnicode map (code bytes → text) and its code length in bytes."""
    codes: dict[bytes, str] = {}
    if "/ToUnicode" not in font:
        return codes, 1
    data = font.ToUnicode.read_bytes().decode("latin-1")
    space = re.search(r"begincodespacerange\s*<([0-9a-fA-F]+)>", data)
    width = len(space.group(1)) // 2 if space else 2

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be", "replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for source, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            codes[bytes.fromhex(source)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\[.*?\])", block
        ):
            start, end = int(low, 16), int(high, 16)
            if target.startswith("["):
                targets = re.findall(r"<([0-9a-fA-F]*)>", target)
                for offset, each in enumerate(targets[: end - start + 1]):
                    codes[(start + offset).to_bytes(width, "big")] = text(each)
            else:
                first = int(target[1:-1], 16)
                for offset in range(end - start + 1):
                    codes[(start + offset).to_bytes(width, "big")] = chr(first + offset)
    return codes, width


def _decode(data: bytes, cmap: tuple[dict[bytes, str], int]) -> str:
    codes, width = cmap
    return "".join(codes.get(data[i : i + width], "") for i in range(0, len(data), width))


def marked_texts(pdf: Any) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence with an MCID, by (page index, MCID)."""
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(pdf.pages):
        fonts = page.Resources.get("/Font", {})
        cmaps = {name: _cmap(font) for name, font in fonts.items()}
        cmap: tuple[dict[bytes, str], int] = ({}, 1)
        stack: list[tuple[int | None, bool]] = []  # (MCID, replaced by /ActualText)
        instructions: list[Any] = list(pikepdf.parse_content_stream(page))
        for operands, operator in instructions:
            op = str(operator)
            if op in ("BDC", "BMC"):
                properties: Any = operands[1] if op == "BDC" else None
                if isinstance(properties, pikepdf.Name):
                    properties = page.Resources.Properties[properties]
                mcid = int(properties.MCID) if properties is not None and "/MCID" in properties else None
                actual = properties is not None and "/ActualText" in properties
                stack.append((mcid, actual))
                if mcid is not None:
                    texts[(index, mcid)] = str(properties.ActualText) if actual else ""
            elif op == "EMC" and stack:
                stack.pop()
            elif op == "Tf":
                cmap = cmaps.get(str(operands[0]), ({}, 1))
            elif op in ("Tj", "TJ", "'", '"') and stack:
                if any(actual for _, actual in stack):
                    continue
                mcid = next((m for m, _ in reversed(stack) if m is not None), None)
                if mcid is None:
                    continue
                strings = operands[-1] if op == "TJ" else [operands[-1]]
                texts[(index, mcid)] += "".join(
                    _decode(bytes(s), cmap) for s in strings if isinstance(s, pikepdf.String)
                )
    return texts


def spoken(pdf: Any) -> list[Utterance]:
    """The document as a screen reader speaks it, block by block, in structure order."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    texts: dict[Any, str] = marked_texts(pdf)
    out: list[Utterance] = []
    chapter = 0

    def content(node: Any, page: int | None, lang: str) -> str:
        """The text under `node`: marked content, /ActualText or /Alt, nested inline elements."""
        if isinstance(node, pikepdf.Array):
            return "".join(content(kid, page, lang) for kid in node)
        if isinstance(node, int):
            return texts.get((page, node), "") if page is not None else ""
        if not isinstance(node, pikepdf.Dictionary):
            return ""
        if str(node.get("/Type", "")) == "/MCR":
            own = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
            return texts.get((own, int(node.MCID)), "")
        if str(node.get("/Type", "")) == "/OBJR":
            return ""
        if "/S" in node and str(node.S) in BLOCKS:
            walk(node, page, lang, ())
            return ""
        if "/ActualText" in node:
            return str(node.ActualText)
        if "/Alt" in node and str(node.get("/S")) == "/Figure":
            return str(node.Alt)
        own = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        return content(node.get("/K", pikepdf.Array()), own, lang)

    def walk(node: Any, page: int | None, lang: str, inside: tuple[str, ...]) -> None:
        nonlocal chapter
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, page, lang, inside)
            return
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        role = str(node.S)
        lang = str(node.get("/Lang", lang))
        page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        if role == "/Sect" and any(
            isinstance(k, pikepdf.Dictionary) and str(k.get("/S", "")) == "/H2" for k in node.get("/K", [])
        ):
            chapter += 1
        if role in BLOCKS or role == "/Figure":
            kids = node.get("/K", pikepdf.Array())
            text = str(node.ActualText) if "/ActualText" in node else content(kids, page, lang)
            if role == "/Figure":
                text = str(node.get("/Alt", ""))
            out.append(Utterance(role, re.sub(r"\s+", " ", text).strip(), lang, chapter, page, inside))
            return
        below: Any = node.get("/K")
        for kid in below if isinstance(below, pikepdf.Array) else [below]:
            walk(kid, page, lang, (*inside, role))

    walk(pdf.Root.StructTreeRoot.get("/K"), None, str(pdf.Root.get("/Lang", "")), ())
    return out


def phrases_in(pdf: Any, lang: str) -> list[str]:
    """The text of every element marked with `lang` (its /Lang), as spoken."""
    found: list[str] = []
    texts: dict[Any, str] = marked_texts(pdf)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}

    def text_of(node: Any, page: int | None) -> str:
        if isinstance(node, pikepdf.Array):
            return "".join(text_of(k, page) for k in node)
        if isinstance(node, int):
            return texts.get((page, node), "") if page is not None else ""
        if not isinstance(node, pikepdf.Dictionary):
            return ""
        if "/ActualText" in node:
            return str(node.ActualText)
        if str(node.get("/Type", "")) == "/MCR":
            return texts.get((pages.get(node.Pg.objgen, page), int(node.MCID)), "")
        own = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        return text_of(node.get("/K", pikepdf.Array()), own)

    stack: list[object] = [pdf.Root.StructTreeRoot.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack += list(node)[::-1]
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            page = pages.get(node.Pg.objgen) if "/Pg" in node else None
            if str(node.get("/Lang", "")) == lang:
                found.append(re.sub(r"\s+", " ", text_of(node, page)).strip())
            elif "/K" in node:
                stack.append(node.K)
    return found
