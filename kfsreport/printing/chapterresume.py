"""A chapter PDF laid out again from the page an edit can change, not from its first page
(the preview's chapter PDF, `chapterlayout.lay_out_chapter`; in the chapter's print process).

WeasyPrint lays out page after page and never goes back: a page's breaks depend on the
content that begins on it and on the box that runs over onto the next page (and that box's
`break-before`), nothing further on. So when a saved chapter's section has the same blocks as
the last layout of it up to block c (the first one changed, added or removed), every page
that ended before the page where the content before c resumes is the same as before:

- `resume_from` finds r, the last page of the last layout that began inside a block before
  c. Pages 0 to r − 1 ended before it, so they saw nothing of c;
- pages r to the end are laid out again from the last layout's state at page r (`parts.Seed`,
  with the strings set and the anchors placed on the pages before it), as a part of a report
  is (`parts._lay_out_part`);
- `joined` puts the last PDF's first r pages before the new ones (`stitch`).

And it stops where the pages meet the last layout again (`_Converged`): when a new page
begins where one of the last layout's pages began, at the same place in the same unchanged
block after the edit (its index moved by the blocks added or removed), with the same number,
side, counters and state, and nothing carried onto it, every page from there on is that page
of the last layout: the same content from the same state, with the same strings set before
it (compared page by page). An edit that keeps a paragraph's number of lines is laid out on
its own page only; `joined` then keeps the last PDF's pages after the new ones as well.
This holds from r = 0 too: an edit on the chapter's first page is laid out from there, as a
part beginning at the first page, and stops where the pages meet.

Anything else is laid out from the first page, as before: another chapter or place, a change
in the page's head (stylesheets) or in the elements around the section, a changed file the
layout read (a font, an image), text or a pseudo-element directly in the section, a float or
footnote carried onto page r, a layout that could not be told in facts, a stylesheet that
shows the page count (the pages kept would keep the old one) and content that looks up
where its targets fall (`target-counter()`: an earlier page could show a later one's page).
The blocks are compared as the HTML parser built them (their serialised elements, without
the whitespace after each), so whitespace in the Markdown that changes nothing on the page
does not count as a change.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from kfsreport.printing import parts
from kfsreport.printing.chapterlayout import Place

# The part layout's own steps: the pages of a range from a seed, and the facts they leave.
from kfsreport.printing.parts import _facts as layout_facts
from kfsreport.printing.parts import _lay_out_part as lay_out_pages
from kfsreport.printing.stitch import StitchError, _items


@dataclass
class _Layout:
    """A chapter's last layout in this process, as the next one needs it."""

    chapter: str
    """Its id (the section's `data-chapter`)."""
    place: Place
    around: bytes
    """The head and the elements on the way to the section, serialised (without children)."""
    path: tuple[int, ...]
    """The section's place in the box tree: child indices from the root box."""
    blocks: list[bytes]
    """Each of the section's child boxes' element, serialised."""
    plan: parts.Plan
    bookmarks: list[list[list[Any]]]
    """Each page's bookmarks as [level, state]."""
    pdf: bytes = b""
    read: dict[str, str] = field(default_factory=dict)
    """The files the layout read (stylesheets, fonts, images) by URL, with their digests."""
    begun_at: int = 0
    """The page this layout began at (0: the whole chapter was laid out)."""
    ended_at: int | None = None
    """The page from which this layout kept the last one's pages (None: it ran to the end)."""


PAGES = re.compile(rb"counters?\(\s*pages\b")
"""The page count in a stylesheet (`counter(pages)`)."""


class _State:
    last: _Layout | None = None
    """The last layout of the chapter being laid out (from `kept`, by its id)."""
    kept: dict[str, _Layout] = {}
    laid_out: _Layout | None = None
    """The layout being made (`lay_out`), kept by `keep` once its PDF is written."""
    start = 0
    """The page the layout being made began at (0: the whole chapter)."""
    until: int | None = None
    """The page from which the layout being made kept the last one's pages (None: it ran to
    the chapter's end)."""
    read: dict[str, str] = {}
    """The files read by the layout being made (`watch`)."""
    chapter: str | None = None
    """The id of the chapter being laid out (None: no chapter's section found)."""


def watch(fetcher: Any) -> None:
    """Note each file `fetcher` reads for the chapter's layout: a later layout starts from
    the first page if one of them changed (a stylesheet, a font, an image in a template
    changes pages without changing the HTML)."""
    _State.read = {}
    inner = fetcher.fetch

    def fetch(url: str, headers: object = None) -> Any:
        response = inner(url, headers)
        if url.startswith("file:"):
            _State.read[url] = _digest(url)
        return response

    fetcher.fetch = fetch


def _digest(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    try:
        return hashlib.sha256(Path(unquote(urlsplit(url).path)).read_bytes()).hexdigest()
    except OSError:
        return ""


def begin() -> None:
    """A chapter layout starts (or starts again, `_without_page_turn_hyphens`)."""
    _State.laid_out = None
    _State.start = 0
    _State.until = None


def lay_out(html: Any, root_box: Any, context: Any, place: Place, whole: Any) -> list[Any]:
    """The chapter's pages: from page r if the last layout allows (see above), else all of
    them by `whole(html, root_box, context)`. Remembers what the next layout needs."""
    begin()
    found = _section(root_box)
    described = _describe(html, root_box, found) if found is not None else None
    _State.chapter = found[1].element.get("data-chapter", "") if found is not None else None
    _State.last = last = _State.kept.get(_State.chapter) if _State.chapter is not None else None
    seed = None
    if described is not None and last is not None and not context.target_collector.counter_lookup_items:
        seed = _seed(last, place, *described)
    if seed is None or last is None or described is None:
        pages = list(whole(html, root_box, context))
        facts = layout_facts(context, pages, 0, len(pages))
        plan = parts.plan_from([facts])
        bookmarks: list[list[list[Any]]] = []
    else:
        converged = _Converged(last, described[1], described[2])
        pages = list(lay_out_pages(html, root_box, context, seed, converged))
        facts = layout_facts(context, pages, seed.start, seed.start + len(pages))
        plan = _continued(last.plan, facts, converged) if facts.whole_document else None
        bookmarks = last.bookmarks[: seed.start]
        _State.start, _State.until = seed.start, converged.at
    if _State.chapter is not None and described is not None and plan is not None:
        _State.laid_out = _Layout(_State.chapter, place, *described, plan, bookmarks)
    return pages


def first_page() -> int:
    """The page the layout just made began at: 0, or r if it was laid out from there."""
    return _State.start


def pages_after() -> int:
    """How many of the last layout's pages the layout just made kept after its own."""
    if _State.until is None or _State.last is None:
        return 0
    return _State.last.plan.pages - _State.until


def ended_at() -> int | None:
    """The page from which the last chapter PDF's pages came from the layout before it
    (None: its layout ran to the chapter's end, or no layout is kept)."""
    return _State.last.ended_at if _State.last is not None else None


def begun_at() -> int | None:
    """The page the last chapter PDF's layout began at (None: no layout is kept)."""
    return _State.last.begun_at if _State.last is not None else None


def keep(pages: list[Any], pdf: bytes) -> bytes | None:
    """The chapter's whole PDF from the layout just written (`pdf`, its pages from
    `_State.start`); kept, with the layout's facts, for the next layout. None if the last
    PDF's pages and these do not join: the chapter is then laid out from its first page."""
    laid_out, start, last, until = _State.laid_out, _State.start, _State.last, _State.until
    _State.laid_out, _State.start, _State.until = None, 0, None
    if (start or until is not None) and last is not None:
        after = last.bookmarks[until:] if until is not None else []
        bookmarks = [*last.bookmarks[:start], *_bookmarks(pages), *after]
        try:
            pdf = joined(last.pdf, start, pdf, [b for page in bookmarks for b in page], until)
        except StitchError:
            forget()
            return None
    else:
        bookmarks = _bookmarks(pages)
    if laid_out is not None:
        laid_out.bookmarks = bookmarks
        laid_out.pdf = pdf
        laid_out.read = {
            **(last.read if (start or until is not None) and last is not None else {}),
            **_State.read,
        }
        laid_out.begun_at, laid_out.ended_at = start, until
        _State.kept[laid_out.chapter] = laid_out
    # Else the chapter's older layout, if any, stays: its PDF, facts and blocks belong together.
    _State.last = laid_out
    return pdf


def forget() -> None:
    """The layout failed or its PDF is not used: the next one starts from the first page."""
    if _State.last is not None:
        _State.kept.pop(_State.last.chapter, None)
    _State.last = _State.laid_out = None
    _State.start = 0
    _State.until = None


def _bookmarks(pages: list[Any]) -> list[list[list[Any]]]:
    return [[[b[0], b[3]] for b in page.bookmarks] for page in pages]


def _section(root_box: Any) -> tuple[tuple[int, ...], Any] | None:
    """The chapter's section box and its path of child indices from the root box."""
    path: list[int] = []
    box = root_box
    while True:
        children = list(getattr(box, "children", None) or [])
        for index, child in enumerate(children):
            element = getattr(child, "element", None)
            if (
                element is not None
                and element.get("data-chapter") is not None
                and child.element_tag == "section"
            ):
                return (*path, index), child
        blocks = [
            c for c in children if getattr(c, "element", None) is not None and c.element is not box.element
        ]
        if len(blocks) != 1 or len(path) > 4:
            return None
        path.append(children.index(blocks[0]))
        box = blocks[0]


def _describe(
    html: Any, root_box: Any, found: tuple[tuple[int, ...], Any]
) -> tuple[bytes, tuple[int, ...], list[bytes]]:
    path, section = found
    head = html.etree_element.find("head")
    around = [ElementTree.tostring(head) if head is not None else b""]
    box = root_box
    for index in (*path, None):
        element = box.element
        around.append(repr((element.tag, sorted(element.attrib.items()), element.text)).encode())
        if index is not None:
            box = box.children[index]
    blocks = []
    for child in section.children:
        if child.element is section.element or child.element_tag != child.element.tag:
            blocks.append(b"")  # text or a pseudo-element in the section itself: never the same
        else:
            # Without the whitespace after it (its tail): Markdown leaves a different number
            # of blank lines after the last block when a paragraph is added after it, and
            # whitespace between blocks makes no box. Text there makes one (the case above).
            blocks.append(ElementTree.tostring(child.element).rstrip(b" \t\n\r\f"))
    return b"\0".join(around), path, blocks


def _seed(
    last: _Layout, place: Place, around: bytes, path: tuple[int, ...], blocks: list[bytes]
) -> parts.Seed | None:
    if last.place != place or last.around != around or last.path != path or not last.pdf:
        return None
    if PAGES.search(around):  # "page 3 of 9" on the pages kept would keep the old count
        return None
    if any(_digest(url) != digest for url, digest in last.read.items()):
        return None
    changed = next(
        (i for i, (old, new) in enumerate(zip(last.blocks, blocks, strict=False)) if old != new or not old),
        min(len(last.blocks), len(blocks)),
    )
    start = resume_from(last.plan.states, path, changed)
    if not last.plan.safe[start]:
        return None
    plan = last.plan
    strings = {
        name: {page: values for page, values in by_page.items() if int(page) <= start}
        for name, by_page in plan.strings.items()
    }
    anchors = {name: anchor for name, anchor in plan.anchors.items() if anchor[0] < start}
    return parts.Seed(start, None, plan.pages, plan.states[start], strings, anchors)


def resume_from(states: list[Any], path: tuple[int, ...], changed: int) -> int:
    """The last page that begins inside one of the section's blocks before `changed` (0 if
    none does): `states` are the encoded `page_maker` entries (`parts.encode_state`)."""
    start = 0
    for page, state in enumerate(states[:-1]):
        block = _block(state[0], path)
        if block is not None and block < changed:
            start = page
    return start


def _block(resume_at: Any, path: tuple[int, ...]) -> int | None:
    """The section's block a page resumes in, from its encoded `resume_at` (None: not in it)."""
    level = resume_at
    for index in path:
        if not isinstance(level, list) or len(level) != 1 or level[0][0] != index:
            return None
        level = level[0][1]
    if not isinstance(level, list) or len(level) != 1:
        return None
    return int(level[0][0])


def _continued(last: parts.Plan, facts: parts.Facts, converged: _Converged) -> parts.Plan:
    """The last layout's plan up to `facts.start`, then what the new layout found, then the
    last plan's pages it kept (`converged.at`), their places moved with the blocks."""
    start = facts.start
    strings: parts.Strings = {}
    for name, by_page in last.strings.items():
        kept = {page: values for page, values in by_page.items() if int(page) <= start}
        if kept:
            strings[name] = kept
    for name, by_page in facts.strings.items():
        strings.setdefault(name, {}).update(by_page)
    anchors = {name: anchor for name, anchor in last.anchors.items() if anchor[0] < start}
    for name, anchor in facts.anchors.items():
        anchors.setdefault(name, anchor)
    states, safe, pages = (
        last.states[:start] + facts.states,
        last.safe[:start] + facts.safe,
        start + facts.pages,
    )
    until = converged.at
    if until is not None:
        for name, by_page in last.strings.items():
            kept = {page: values for page, values in by_page.items() if int(page) > until}
            if kept:
                strings.setdefault(name, {}).update(kept)
        anchors.update({name: anchor for name, anchor in last.anchors.items() if anchor[0] >= until})
        states += [converged.moved(state) for state in last.states[until + 1 :]]
        safe += last.safe[until + 1 :]
        pages = last.pages
    return parts.Plan(pages, states, strings, anchors, safe)


class _Converged:
    """`until` for the part layout: true at the first page that begins as the last layout's
    page of the same number did, in the same block after the edit (see the module's text)."""

    def __init__(self, last: _Layout, path: tuple[int, ...], blocks: list[bytes]) -> None:
        self.plan, self.path = last.plan, path
        old = last.blocks
        same = 0  # blocks alike at the end, as far back as the first change
        while same < min(len(old), len(blocks)) and old[-1 - same] == blocks[-1 - same] and old[-1 - same]:
            same += 1
        self.first_kept = len(old) - same
        """The first of the last layout's blocks that is in the new one, unchanged, at the end."""
        self.shift = len(blocks) - len(old)
        self.strings_differ = False
        self.at: int | None = None

    def moved(self, state: Any) -> Any:
        """A state of the last layout, at its block's index in the new one."""
        if self.shift == 0 or _block(state[0], self.path) is None:
            return state
        resume = copy.deepcopy(state[0])
        level = resume
        for _ in self.path:
            level = level[0][1]
        level[0][0] += self.shift
        return [resume, *state[1:]]

    def __call__(self, context: Any, index: int, before: Any) -> bool:
        plan = self.plan
        set_on: dict[str, list[Any]] = {}  # the strings set on the page just made (page number `index`)
        for child in before.descendants():
            if child.string_set and child.string_set != "none":
                for name, text in child.string_set:
                    set_on.setdefault(str(name), []).append(text)
        last_set = {
            name: by_page[str(index)] for name, by_page in plan.strings.items() if by_page.get(str(index))
        }
        self.strings_differ = self.strings_differ or set_on != last_set
        if self.strings_differ or index >= plan.pages or not plan.safe[index]:
            return False
        if not getattr(context, "kfs_safe", {}).get(index, False):
            return False
        if any(context.running_elements.values()):  # `position: running()`: not compared
            return False
        old = plan.states[index]
        block = _block(old[0], self.path)
        if block is None or block < self.first_kept:
            return False
        try:
            new = parts.encode_state(context.page_maker[index])  # fresh lists, as the plan's
        except parts.Unsplittable:
            return False
        if "pages" in new[3][1]:  # the page count, set on every page once the layout ends
            new[3][1]["pages"] = [plan.pages]
        if new != self.moved(old):
            return False
        self.at = index
        return True


def joined(
    last: bytes, start: int, rest: bytes, bookmarks: list[list[Any]], until: int | None = None
) -> bytes:
    """The first `start` pages of the PDF `last`, then the pages of `rest` (then the pages
    of `last` from `until`, if given): one PDF, with the bookmarks nested by their levels
    and the named destinations of both, as `stitch` joins the parts of a report (a
    chapter's preview has no structure tree to join). Raises `stitch.StitchError` if they
    do not fit together."""
    import pikepdf

    from kfsreport.printing import stitch

    try:
        with pikepdf.open(io.BytesIO(last)) as pdf, pikepdf.open(io.BytesIO(rest)) as other:
            end = len(pdf.pages) if until is None else until
            del pdf.pages[start:end]
            kept = {page.obj.objgen for page in pdf.pages}
            _keep_outline(pdf, kept)
            _keep_destinations(pdf, kept)
            before = {page.obj.objgen for page in pdf.pages[:start]}
            own_first = sum(_points_to(i.get("/Dest"), before) for i in _items(pdf.Root.get("/Outlines")))
            with warnings.catch_warnings():  # the named destinations are joined below
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                for offset, page in enumerate(other.pages):
                    pdf.pages.insert(start + offset, page)
            stitch._subset_names(pdf, start, len(other.pages))
            stitch._destinations(pdf, other)
            stitch._outline(pdf, other, bookmarks, own_first)
            out = io.BytesIO()
            pdf.save(out)
    except (KeyError, AttributeError, ValueError, TypeError, pikepdf.PdfError) as error:
        raise stitch.StitchError(str(error)) from error
    return out.getvalue()


def _points_to(target: Any, kept: set[Any]) -> bool:
    import pikepdf

    if isinstance(target, pikepdf.Dictionary):
        target = target.get("/D")
    return isinstance(target, pikepdf.Array) and len(target) > 0 and target[0].objgen in kept


def _keep_outline(pdf: Any, kept: set[Any]) -> None:
    """Only the bookmarks to the pages kept, in order, one after another (`stitch` nests them)."""
    outlines = pdf.Root.get("/Outlines")
    items = [item for item in _items(outlines) if _points_to(item.get("/Dest"), kept)]
    if outlines is None:
        return
    if not items:
        del pdf.Root["/Outlines"]
        return
    for item in items:
        for key in ("/First", "/Last", "/Next", "/Prev"):
            if key in item:
                del item[key]
    for before, after in itertools.pairwise(items):
        before.Next = after
    outlines.First, outlines.Last = items[0], items[-1]


def _keep_destinations(pdf: Any, kept: set[Any]) -> None:
    import pikepdf

    tree = pdf.Root.get("/Names", {}).get("/Dests")
    if tree is None or "/Names" not in tree:
        return
    flat = list(tree.Names)
    array = pikepdf.Array()
    for i in range(0, len(flat) - 1, 2):
        if _points_to(flat[i + 1], kept):
            array.append(flat[i])
            array.append(flat[i + 1])
    tree.Names = array
