"""Two parts of one report's PDF (`parts.py`) joined into the PDF a whole layout writes.

Each part is written by WeasyPrint from the whole print HTML, with the structure tree's hints
still in (`pdftags`). Joined here (pikepdf):

- the pages, in order, each with its own resources (a font used in both parts is embedded
  once per part, as two subsets);
- the structure tree: the second part's top elements follow the first part's under the one
  `Document` element; an element that runs across the join (a chapter's section, a paragraph
  on both pages) is two elements here, with the same element hint, exactly as across any page
  turn, and `pdftags.repair` makes it one, as it does there; it then rebuilds the parent tree;
- the named destinations, one sorted name tree (a link in one part to an anchor in the other
  was kept by `parts._links_to`);
- the bookmarks, nested again as WeasyPrint nests them, from each bookmark's level (a part
  that begins inside a chapter has that chapter's sections at its top level).

The document's own dictionaries (language, metadata, viewer preferences) are the first
part's, which are the same in both.
"""

from __future__ import annotations

import io
import warnings
from typing import Any


class StitchError(Exception):
    """The parts do not fit together as expected; the report is laid out whole instead."""


def stitch(first: bytes, second: bytes, bookmarks: list[list[Any]]) -> Any:
    """The open pikepdf PDF of `first`'s pages then `second`'s; `bookmarks` is each
    bookmark's [level, state] in order over both parts (`parts.Facts.bookmarks`). The caller
    repairs the tags and saves it (`pdftags.repair_open`)."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(first))
    other = pikepdf.open(io.BytesIO(second))
    try:
        with warnings.catch_warnings():  # the named destinations are joined below
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            pdf.pages.extend(other.pages)
        _subset_names(pdf, len(pdf.pages) - len(other.pages))
        _structure(pdf, other)
        _destinations(pdf, other)
        _outline(pdf, other, bookmarks)
    except (KeyError, AttributeError, ValueError, TypeError) as error:
        pdf.close()
        raise StitchError(str(error)) from error
    finally:
        pdf.kfs_other = other  # type: ignore[attr-defined]  # kept open until pdf is saved
    return pdf


def _subset_names(pdf: Any, first_pages: int, new_pages: int | None = None) -> None:
    """WeasyPrint names a font's subset by the font, not by the glyphs kept, so both parts
    name their different subsets of a font alike; ISO 32000-1 9.6.4 wants a tag per subset.
    The second part's subsets get a tag of their own: the pages from `first_pages` on, or
    the `new_pages` pages from there (pages from one layout on both sides of them)."""
    import pikepdf

    def fonts(pages: Any) -> dict[tuple[int, int], Any]:
        found = {}
        for page in pages:
            for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
                found[font.objgen] = font
        return found

    end = len(pdf.pages) if new_pages is None else first_pages + new_pages
    others = [*pdf.pages[:first_pages], *pdf.pages[end:]]
    taken = {str(font.get("/BaseFont")) for font in fonts(others).values()}
    for font in fonts(pdf.pages[first_pages:end]).values():
        name = str(font.get("/BaseFont", ""))
        if name not in taken or "+" not in name:
            continue
        tag = "".join(chr(65 + (ord(c) - 65 + 13) % 26) if "A" <= c <= "Z" else c for c in name[:6])
        renamed = pikepdf.Name(tag + name[6:])
        font.BaseFont = renamed
        for descendant in font.get("/DescendantFonts", []):
            descendant.BaseFont = renamed
            if "/FontDescriptor" in descendant:
                descendant.FontDescriptor.FontName = renamed
        if "/FontDescriptor" in font:
            font.FontDescriptor.FontName = renamed


def _structure(pdf: Any, other: Any) -> None:
    import pikepdf

    document = _document(pdf)
    theirs = _document(other).K
    if not isinstance(document.K, pikepdf.Array):
        document.K = pikepdf.Array([document.K])
    for kid in theirs if isinstance(theirs, pikepdf.Array) else [theirs]:
        copied = pdf.copy_foreign(kid)
        copied.P = document
        document.K.append(copied)


def _document(pdf: Any) -> Any:
    import pikepdf

    root = pdf.Root.StructTreeRoot
    documents = list(root.K) if isinstance(root.K, pikepdf.Array) else [root.K]
    if len(documents) != 1 or documents[0].get("/S") != "/Document":
        raise ValueError("the structure tree is not one Document element")
    return documents[0]


def _destinations(pdf: Any, other: Any) -> None:
    import pikepdf

    def names(of: Any) -> list[tuple[str, Any]]:
        tree = of.Root.get("/Names", {}).get("/Dests")
        if tree is None:
            return []
        if "/Kids" in tree:
            raise ValueError("a name tree with kids")  # WeasyPrint writes one flat array
        flat = list(tree.Names)
        return [(str(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)]

    own = names(pdf)
    theirs = [(name, pdf.copy_foreign(other.make_indirect(target))) for name, target in names(other)]
    merged: dict[str, Any] = {}
    for name, target in own + theirs:
        merged.setdefault(name, target)  # the first anchor of a name wins, as in WeasyPrint
    if not merged:
        return
    array = pikepdf.Array()
    for name in sorted(merged):
        array.append(pikepdf.String(name))
        array.append(merged[name])
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    pdf.Root.Names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=array))


def _items(outlines: Any) -> list[Any]:
    """The outline's items in order (depth first)."""
    found: list[Any] = []

    def walk(item: Any) -> None:
        while item is not None:
            found.append(item)
            if "/First" in item:
                walk(item.First)
            item = item.get("/Next")

    if outlines is not None and "/First" in outlines:
        walk(outlines.First)
    return found


def _outline(pdf: Any, other: Any, bookmarks: list[list[Any]], own_first: int | None = None) -> None:
    """The bookmarks of `pdf` and then those of `other`, nested by their `bookmarks` levels;
    with `own_first`, `other`'s come after that many of `pdf`'s and before the rest."""
    import pikepdf

    own = _items(pdf.Root.get("/Outlines"))
    theirs = [pdf.copy_foreign(item) for item in _items(other.Root.get("/Outlines"))]
    at = len(own) if own_first is None else own_first
    items = own[:at] + theirs + own[at:]
    if len(items) != len(bookmarks):
        raise ValueError(f"{len(items)} bookmarks written, {len(bookmarks)} laid out")
    if not items:
        return
    for item in items:
        for key in ("/First", "/Last", "/Next", "/Prev", "/Parent", "/Count"):
            if key in item:
                del item[key]
    # weasyprint.anchors.make_page_bookmark_tree: a level deeper than the one before nests
    # under it however many levels it skips, and so do the ones after it at its level.
    top: list[Any] = []
    last_by_depth: list[list[Any]] = [top]
    skipped: list[int] = []
    previous = 0
    for item, (level, state) in zip(items, bookmarks, strict=True):
        level = int(level)
        if level > previous:
            skipped.append(level - previous - 1)
        else:
            temp = level
            while temp < previous:
                temp += 1 + skipped.pop()
            if temp > previous:
                skipped.append(temp - previous - 1)
        previous = level
        depth = level - sum(skipped)
        children: list[Any] = []
        last_by_depth[depth - 1].append((item, str(state), children))
        del last_by_depth[depth:]
        last_by_depth.append(children)
    outlines = pdf.Root.get("/Outlines")
    if outlines is None:
        outlines = pdf.Root.Outlines = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    outlines.Count = _link(top, outlines)
    outlines.First, outlines.Last = top[0][0], top[-1][0]


def _link(nodes: list[Any], parent: Any) -> int:
    """Chain `nodes` under `parent` as weasyprint.pdf.anchors.add_outlines does; returns the
    number of items shown under `parent`."""
    count = len(nodes)
    for index, (item, state, children) in enumerate(nodes):
        item.Parent = parent
        if index:
            item.Prev = nodes[index - 1][0]
            nodes[index - 1][0].Next = item
        shown = _link(children, item)
        item.Count = -shown if state == "closed" else shown
        if state != "closed":
            count += shown
        if children:
            item.First, item.Last = children[0][0], children[-1][0]
    return count
