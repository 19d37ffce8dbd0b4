"""One chapter of the print edition laid out alone, at its place in the whole report (the
preview's chapter PDF, `commands/chapterpdf.py`); runs in the print process.

A chapter starts on a new page, so its pages come out the same alone as in the whole report,
given what the pages before it hand on. After each full layout (`recording`) this module
remembers, for every element id, the page it starts on, and for every page what WeasyPrint
knows there: the `page` counter's value, whether it is a right or left page, and the named
strings (`string-set`) assigned on it. It also notes the words the layout had to keep whole
at a page turn (`hyphenation.protect_words`), since the chapter alone must keep them whole too.

`lay_out_chapter` then lays out one chapter's HTML with three small hooks into WeasyPrint 70,
active only during that layout: the first page gets the counter value and side the chapter's
first page had (`layout.initialize_page_maker`), and a running head whose string was last
set before the chapter gets the value in force there (`LayoutContext.get_string_set_for`).
Figure and table numbers are text from the render and need nothing; the contents'
`target-counter()` page numbers are not part of a chapter, and a reference to another
chapter gets its page from the last full layout (`pages_of_references`). The result is written without
the structure tree repair and without the archive variant: a preview to look at.
A chapter laid out before in this process is laid out again only from the page its edit
can change (`chapterresume.py`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kfsreport.printing.engine import load_weasyprint


@dataclass(frozen=True)
class Place:
    """What a chapter's first page had in the last full layout."""

    page: int
    """The `page` counter on that page (what its folio shows)."""
    index: int
    """The page's position in the whole PDF, from 0."""
    right: bool
    strings: dict[str, str] = field(default_factory=dict)
    """The named strings in force as the page begins (set on an earlier page)."""
    words: frozenset[str] = frozenset()
    """The words the full layout kept whole at a page turn."""


@dataclass
class _Layout:
    """What the last full layout left: by element id its first page, by page its values."""

    first_page: dict[str, int] = field(default_factory=dict)
    counters: list[int] = field(default_factory=list)
    right: list[bool] = field(default_factory=list)
    strings: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)


class _State:
    recording = False
    place: Place | None = None
    last: _Layout | None = None
    words: set[str] = set()


_installed = False


def install() -> None:
    """The hooks (once per process); they do nothing unless recording or laying out a chapter."""
    global _installed
    if _installed:
        return
    load_weasyprint()
    import weasyprint.document
    import weasyprint.layout
    from weasyprint.layout import LayoutContext

    from kfsreport.render import hyphenation

    lay_out_document = weasyprint.document.layout_document
    initialize = weasyprint.layout.initialize_page_maker
    string_for = LayoutContext.get_string_set_for
    protect = hyphenation.protect_words

    @functools.wraps(lay_out_document)
    def layout_document(html: Any, root_box: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        context.kfs_place = place = _State.place
        if place is not None:  # a chapter alone: from the page its edit can change, if known
            from kfsreport.printing import chapterresume

            def whole(html: Any, root_box: Any, context: Any) -> Any:
                return lay_out_document(html, root_box, context, *args, **kwargs)

            return chapterresume.lay_out(html, root_box, context, place, whole)
        pages = list(lay_out_document(html, root_box, context, *args, **kwargs))  # a generator
        if _State.recording:
            _State.last = _remember(pages, context)
        return pages

    @functools.wraps(initialize)
    def initialize_page_maker(context: Any, root_box: Any) -> None:
        initialize(context, root_box)
        place = getattr(context, "kfs_place", None)
        if place is not None:
            resume_at, next_page, _, state, remake = context.page_maker[0]
            state[1]["page"] = [place.page - 1]  # the first page's own increment makes it `page`
            state[2][0].add("page")
            context.page_maker[0] = (resume_at, next_page, place.right, state, remake)

    @functools.wraps(string_for)
    def get_string_set_for(self: Any, page: Any, name: str, keyword: str = "first") -> Any:
        found = string_for(self, page, name, keyword)
        place = getattr(self, "kfs_place", None)
        if found or place is None or name not in place.strings or keyword == "all-once":
            return found
        if any(number <= self.current_page and values for number, values in self.string_set[name].items()):
            return found  # set in the chapter itself (`first-except` on its own page, say)
        return (place.strings[name],)

    @functools.wraps(protect)
    def protect_words(html: str, words: set[str]) -> str:
        if _State.recording:
            _State.words |= set(words)
        return protect(html, words)

    weasyprint.document.layout_document = layout_document
    weasyprint.layout.initialize_page_maker = initialize_page_maker
    LayoutContext.get_string_set_for = get_string_set_for
    hyphenation.protect_words = protect_words
    _installed = True


def _remember(pages: list[Any], context: Any) -> _Layout:
    layout = _Layout(words=set(_State.words))
    for index, page in enumerate(pages):
        for box in page.descendants():
            element = getattr(box, "element", None)
            name = element.get("id") if element is not None else None
            if name and name not in layout.first_page:
                layout.first_page[name] = index
    for index in range(len(pages)):
        _, _, right, _, _ = context.page_maker[index]
        after = context.page_maker[index + 1][3][1] if index + 1 < len(context.page_maker) else {}
        layout.counters.append((after.get("page") or [index + 1])[-1])
        layout.right.append(bool(right))
    layout.strings = {
        name: {number: list(values) for number, values in by_page.items()}
        for name, by_page in context.string_set.items()
    }
    return layout


def recording(on: bool) -> None:
    """Start (True) or end (False) remembering the layouts of a full print edition."""
    install()
    _State.recording = on
    if on:
        _State.words = set()


def places(ids: list[str]) -> dict[str, Place]:
    """Where each of `ids` began in the last full layout (an id not found is left out)."""
    layout = _State.last
    if layout is None:
        return {}
    found = {}
    for name in ids:
        index = layout.first_page.get(name)
        if index is None:
            continue
        number = index + 1  # WeasyPrint's own count of pages, from 1
        strings = {}
        for string, by_page in layout.strings.items():
            before = [values for page, values in sorted(by_page.items()) if page < number and values]
            if before:
                strings[string] = before[-1][-1]
        found[name] = Place(
            layout.counters[index], index, layout.right[index], strings, frozenset(layout.words)
        )
    return found


_PAGE_REF = re.compile(r'<a class="xref page-ref" href="#([^"]+)">')


def pages_of_references(html: str) -> str:
    """A chapter's references to other chapters with the page each target had in the last
    full layout (`data-page`, which print.css shows instead of `target-counter()`): alone,
    the chapter does not hold the target, and the reference would read "på s. ." and be
    shorter than in the whole PDF."""
    layout = _State.last
    if layout is None:
        return html

    def page(match: re.Match[str]) -> str:
        index = layout.first_page.get(match.group(1))
        if index is None or f'id="{match.group(1)}"' in html:
            return match.group(0)
        return f'{match.group(0)[:-1]} data-page="{layout.counters[index]}">'

    return _PAGE_REF.sub(page, html)


def lay_out_chapter(
    html: str, root: Path, template_dirs: list[Path], place: Place
) -> tuple[bytes | None, list[str], int, int]:
    """One chapter's HTML laid out at `place`: the PDF (None if a fetch was refused), the
    URLs refused, as `pdf.lay_out` answers, the number of pages, and the page (from 0) its
    layout began at (`chapterresume`: above 0 if the pages before came from the last one)."""
    install()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    from kfsreport.printing import chapterresume, pageturn, parts, pdftags, weasyprint_1051
    from kfsreport.printing.pdf import _remove_font_folder, _without_page_turn_hyphens, make_fetcher
    from kfsreport.render.hyphenation import protect_words

    pageturn.install()  # the same hooks as the full layout, so the lines break the same way
    weasyprint_1051.install()
    pdftags.install()
    parts.install()  # what each page carries over, for the next layout of the chapter
    if place.words:
        html = protect_words(html, set(place.words))
    html = pages_of_references(html)
    fetcher = make_fetcher([root, *template_dirs])
    chapterresume.watch(fetcher)
    fonts = FontConfiguration()
    pdf: bytes | None
    count = begun = 0
    _State.place = place
    try:
        # At most twice: if the earlier pages do not join the new ones (`keep` gives None),
        # the chapter is laid out again from its first page.
        for _ in range(2):
            document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
                font_config=fonts
            )
            document = _without_page_turn_hyphens(html, root, fetcher, fonts, document)
            begun = chapterresume.first_page()
            count = begun + len(document.pages) + chapterresume.pages_after()
            pdf = chapterresume.keep(document.pages, bytes(document.write_pdf()))
            if pdf is not None:
                break
    except FatalURLFetchingError:
        pdf = None
    finally:
        _State.place = None
        _remove_font_folder(fonts)
    refused = list(dict.fromkeys(getattr(fetcher, "refused", [])))
    if pdf is None or refused:
        chapterresume.forget()
    return (None if refused else pdf), refused, count, (begun if pdf is not None else 0)
