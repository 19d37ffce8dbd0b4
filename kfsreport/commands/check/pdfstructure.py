"""Structure-tree checks that PDF validators do not make, for `kfsreport check --pdf`: what a
screen-reader user or an archive would suffer from (see kfsreport/printing/pdftags.py for the repair).

`check(pdf, elements)` takes the open pikepdf file and its structure elements in reading
order, and returns Swedish sentences, one per kind of problem.
"""

from __future__ import annotations

import re
from typing import Any

HEADINGS = {f"/H{n}" for n in range(1, 7)} | {"/H"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")


def inside_heading(element: Any) -> bool:
    """Whether an ancestor of `element` is a heading (an anonymous copy of it)."""
    parent = element.get("/P")
    for _ in range(100):
        if parent is None or str(parent.get("/Type", "")) == "/StructTreeRoot":
            return False
        if str(parent.get("/S")) in HEADINGS:
            return True
        parent = parent.get("/P")
    return False


def check(pdf: Any, elements: list[Any]) -> list[str]:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return []
    problems: list[str] = []
    problems += _detached(root, elements)
    problems += _links(pdf, elements)
    problems += _contents(elements)
    problems += _headings(elements)
    problems += _chapters(elements)
    problems += _tables(root, elements)
    problems += _figures(pdf, elements)
    return problems


def _kids(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: Any) -> bool:
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _detached(root: Any, elements: list[Any]) -> list[str]:
    """Elements the parent tree names for marked content that the tree itself does not hold:
    WeasyPrint's running heads and page numbers before the repair."""
    import pikepdf

    inside = {e.objgen for e in elements}
    tree = root.get("/ParentTree")
    nums = list(tree.get("/Nums", [])) if tree is not None else []
    detached = set()
    for value in nums[1::2]:
        for element in list(value) if isinstance(value, pikepdf.Array) else [value]:
            if _is_element(element) and element.objgen not in inside:
                detached.add(element.objgen)
    if detached:
        return [
            f"{len(detached)} strukturelement för text på sidorna finns inte i taggträdet "
            "(sidhuvud och sidnummer ska vara artefakter, /Artifact /Pagination)."
        ]
    return []


def _links(pdf: Any, elements: list[Any]) -> list[str]:
    problems = []
    nested = [e for e in elements if str(e.get("/S")) == "/Link" and _ancestor(e, "/Link")]
    if nested:
        problems.append(f"{len(nested)} länktaggar (Link) ligger inuti andra länktaggar.")
    outside = 0
    for element in elements:
        if str(element.get("/S")) == "/Link":
            continue
        outside += sum(1 for k in _kids(element) if _is_objr(k) and str(k.Obj.get("/Subtype")) == "/Link")
    if outside:
        problems.append(f"{outside} länkar ligger inte i en länktagg (Link) i taggträdet.")
    unreadable = 0
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if str(annotation.get("/Subtype")) != "/Link":
                continue
            contents = str(annotation.get("/Contents", "")).strip()
            if not contents or SLUG.match(contents) or contents == str(annotation.get("/Dest", "")):
                unreadable += 1
    if unreadable:
        problems.append(
            f"{unreadable} länkar saknar en läsbar beskrivning "
            "(/Contents är tom eller ett internt ankarnamn)."
        )
    return problems


def _is_objr(kid: Any) -> bool:
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and str(kid.get("/Type")) == "/OBJR"


def _ancestor(element: Any, role: str) -> bool:
    parent = element.get("/P")
    for _ in range(100):
        if parent is None or "/S" not in parent:
            return False
        if str(parent.S) == role:
            return True
        parent = parent.get("/P")
    return False


def _contents(elements: list[Any]) -> list[str]:
    """The list of contents: TOC entries with one link each."""
    entries = [e for e in elements if str(e.get("/S")) == "/TOCI"]
    problems = []
    several = 0
    for entry in entries:
        links = [e for e in _descendants(entry, stop="/TOC") if str(e.get("/S")) == "/Link"]
        several += len(links) != 1
    if several:
        problems.append(f"{several} poster i innehållsförteckningen (TOCI) har inte precis en länk.")
    link_lists = [
        e
        for e in elements
        if str(e.get("/S")) == "/L"
        and sum(1 for k in _kids(e) if _is_element(k)) > 2
        and all(_only_link(k) for k in _kids(e) if _is_element(k))
    ]
    if link_lists and not entries:
        problems.append("innehållsförteckningen är taggad som en vanlig lista, inte som TOC med TOCI.")
    return problems


def _only_link(item: Any) -> bool:
    """A list item that holds nothing but one link with its text (an entry of contents)."""
    found = [e for e in _descendants(item) if str(e.get("/S")) == "/Link"]
    return bool(found) and all(
        str(e.get("/S")) in ("/LI", "/LBody", "/Link", "/Span", "/Lbl") for e in _descendants(item)
    )


def _descendants(element: Any, stop: str = "") -> list[Any]:
    """Every structure element below `element`, not looking inside elements of role `stop`."""
    out = []
    stack = [k for k in _kids(element) if _is_element(k)]
    while stack:
        item = stack.pop()
        out.append(item)
        if str(item.get("/S")) != stop:
            stack += [k for k in _kids(item) if _is_element(k)]
    return out


def _headings(elements: list[Any]) -> list[str]:
    nested = [e for e in elements if str(e.get("/S")) in HEADINGS and inside_heading(e)]
    if nested:
        return [f"{len(nested)} rubriker är taggade inuti en annan rubrik (en rubrik läses som två)."]
    return []


def _chapters(elements: list[Any]) -> list[str]:
    """A chapter (Sect) that a page break has split: a Sect without a heading of its own right
    after a Sect with one."""
    split = 0
    for element in elements:
        kids = [k for k in _kids(element) if _is_element(k)]
        for before, after in zip(kids, kids[1:], strict=False):
            same = str(before.get("/S")) == str(after.get("/S")) == "/Sect"
            if same and _has_heading(before) and not _has_heading(after):
                split += 1
    if split:
        return [f"{split} kapitel är delade i flera Sect-element vid sidbrytningar."]
    return []


def _has_heading(element: Any) -> bool:
    return any(str(e.get("/S")) in HEADINGS for e in _descendants(element))


def _attributes(element: Any) -> list[Any]:
    import pikepdf

    value = element.get("/A")
    if value is None:
        return []
    return [
        a
        for a in (list(value) if isinstance(value, pikepdf.Array) else [value])
        if isinstance(a, pikepdf.Dictionary)
    ]


def _tables(root: Any, elements: list[Any]) -> list[str]:
    problems = []
    headers = [e for e in elements if str(e.get("/S")) == "/TH"]
    unscoped = [e for e in headers if not any("/Scope" in a for a in _attributes(e))]
    if unscoped:
        problems.append(f"{len(unscoped)} rubrikceller (TH) saknar /Scope (rad eller kolumn).")
    referenced = {str(h) for e in elements for a in _attributes(e) for h in a.get("/Headers", [])}
    orphans = [e for e in headers if "/ID" in e and str(e.ID) not in referenced]
    if orphans:
        problems.append(f"{len(orphans)} rubrikceller (TH) hänvisas inte till av någon cell.")
    known = {str(e.ID) for e in elements if "/ID" in e}
    dangling = referenced - known
    if dangling:
        problems.append(
            f"celler hänvisar till {len(dangling)} rubrikceller som inte finns i taggträdet (/Headers)."
        )
    if any("/ID" in e for e in elements) and "/IDTree" not in root:
        problems.append("strukturelement har /ID men taggträdet saknar /IDTree (ISO 32000-1, 14.7.2).")
    return problems


def _figures(pdf: Any, elements: list[Any]) -> list[str]:
    """A figure's /BBox must lie on its page, in PDF coordinates."""
    pages = {page.obj.objgen: page for page in pdf.pages}
    outside = 0
    for element in elements:
        if str(element.get("/S")) != "/Figure" or "/Pg" not in element:
            continue
        page = pages.get(element.Pg.objgen)
        for attributes in _attributes(element):
            if "/BBox" not in attributes or page is None:
                continue
            x1, y1, x2, y2 = (float(v) for v in attributes.BBox)
            left, bottom, right, top = (float(v) for v in page.MediaBox)
            if (
                min(x1, x2) < left - 1
                or min(y1, y2) < bottom - 1
                or max(x1, x2) > right + 1
                or max(y1, y2) > top + 1
            ):
                outside += 1
    if outside:
        return [f"{outside} figurer har en /BBox som ligger utanför sidan (fel koordinater)."]
    return []
