"""The print edition laid out in two parts at once, one on each core, from the same HTML.

WeasyPrint lays out page after page, and what a page needs from the pages before it is small
and plain: where the content resumes, the next page's name and side, the page counters and
page groups (WeasyPrint 70's `context.page_maker` entry for that page), the named strings set
on earlier pages (running heads), and the page each anchor fell on (the contents' page
numbers). After each layout this module keeps those facts (`Plan`, in the report's cache
folder as JSON). The next build gives each of two print processes the whole HTML and one
range of pages: the first lays out pages 0 to k − 1 with the anchors after k taken from the
plan, the second starts at page k from the plan's state there, with every anchor's page
from the plan (its own too: a reference to a later page of the same part, `på s. 14`, is laid
out before its target) (`Seed`). Each writes its
pages, and `stitch` joins the two PDFs.

Nothing here is trusted: each part reports the facts it found itself (`Facts`), and the
build uses the parts only if they agree with what the other part was given (`agree`): the
state at page k that the first part reached, the strings it set, where every anchor fell,
the number of pages. Otherwise, or when anything in the document cannot be handed across
(running elements, `position: fixed`, footnotes, a float or a footnote carried over page k,
a word split at a page turn), the report is laid out whole, as without a plan. So a part
layout is exactly the whole layout's pages, or not used at all.

The hooks replace WeasyPrint 70's `layout_document` for a part layout only (`_lay_out_part`
follows its loop step by step over the part's range); a whole layout goes through
WeasyPrint's own function and is only read afterwards.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kfsreport.printing.engine import load_weasyprint

if TYPE_CHECKING:
    from kfsreport.printing.chapterlayout import Place

PLAN_FILE = "layout-plan.json"
"""The last layout's facts, in the report's cache folder (`write/cache.py`)."""
MIN_PAGES = 12
"""Below this many pages a second process costs more than it saves."""


class Unsplittable(Exception):
    """The document, or this point in it, cannot be laid out in parts."""


# --- the facts, as JSON ----------------------------------------------------------------------


def _resume(value: Any) -> Any:
    """WeasyPrint's `resume_at` (nested dicts with int keys) as JSON-able pairs."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Unsplittable(f"resume_at {value!r}")
    return [[int(key), _resume(child)] for key, child in value.items()]


def _unresume(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("resume_at")
    return {int(key): _unresume(child) for key, child in value}


def encode_state(entry: Any) -> list[Any]:
    """A `page_maker` entry (without its remake state) as JSON-able lists."""
    resume_at, next_page, right, (quotes, counters, scopes, groups), *_ = entry
    if not all(isinstance(v, (str, type(None))) for v in next_page.values()):
        raise Unsplittable(f"next_page {next_page!r}")
    return [
        _resume(resume_at),
        {str(key): value for key, value in sorted(next_page.items())},
        bool(right),
        [
            [int(q) for q in quotes],
            {str(name): [int(v) for v in values] for name, values in sorted(counters.items())},
            [sorted(str(name) for name in scope) for scope in scopes],
            [[str(name), int(index), _resume(at)] for name, index, at in groups],
        ],
    ]


def decode_state(data: Any) -> tuple[Any, ...]:
    """The `page_maker` entry `encode_state` made, with a fresh remake state."""
    resume_at, next_page, right, (quotes, counters, scopes, groups) = data
    if not isinstance(next_page, dict) or not isinstance(right, bool):
        raise ValueError("state")
    state = (
        [int(q) for q in quotes],
        {str(name): [int(v) for v in values] for name, values in counters.items()},
        [set(map(str, scope)) for scope in scopes],
        [[str(name), int(index), _unresume(at)] for name, index, at in groups],
    )
    remake = {"content_changed": False, "pages_wanted": False, "anchors": [], "content_lookups": []}
    return (_unresume(resume_at), dict(next_page), right, state, remake)


Strings = dict[str, dict[str, list[str]]]
"""Named strings by name, then by page number (as a JSON key), as WeasyPrint collects them."""
Anchors = dict[str, list[Any]]
"""By anchor name: the index of the page it first fell on and its page counters there."""


@dataclass
class Facts:
    """What one layout (whole, or a part) found on its pages, as JSON-able values."""

    start: int
    pages: int
    """How many pages this layout made (from `start`)."""
    states: list[Any]
    """The encoded `page_maker` entry of every page from `start` to the end (one more than
    the pages: the last is the state after the last page)."""
    strings: Strings
    anchors: Anchors
    bookmarks: list[list[Any]] = field(default_factory=list)
    """Each bookmark's level and state (open or closed), in order."""
    safe: list[bool] = field(default_factory=list)
    """For each page from `start` to the one after the last: may a part begin there (nothing
    but the state carried over to it: no float or footnote continued from the page before)."""
    whole_document: bool = True
    """Nothing in the document keeps it from being laid out in parts."""


@dataclass
class Plan:
    """The last layout's facts for the whole report, from the cache (`load_plan`)."""

    pages: int
    states: list[Any]
    strings: Strings
    anchors: Anchors
    safe: list[bool]
    """For each page, and the one after the last: may a part begin there."""

    def split_at(self) -> int | None:
        """The page where the second part best begins, or None."""
        if self.pages < MIN_PAGES:
            return None
        middle = self.pages // 2
        for distance in range(self.pages // 4):
            for page in (middle - distance, middle + distance):
                if 0 < page < self.pages and self.safe[page]:
                    return page
        return None

    def seeds(self, split: int) -> tuple[Seed, Seed]:
        """What each part is given: the first, pages before `split`; the second, the rest."""
        before = {n: a for n, a in self.anchors.items() if a[0] < split}
        after = {n: a for n, a in self.anchors.items() if a[0] >= split}
        strings = {
            name: {page: values for page, values in by_page.items() if int(page) <= split}
            for name, by_page in self.strings.items()
        }
        first = Seed(0, split, self.pages, None, {}, after)
        # The second part is also given its own anchors, as the first is given the second's:
        # a reference to a later page of the same part (`avsnitt 3.1 på s. 14`) is laid out
        # before its target, and only the whole layout's later passes would mend it.
        second = Seed(split, None, self.pages, self.states[split], strings, {**before, **after})
        return first, second

    def places(self, ids: list[str]) -> dict[str, Place]:
        """Where each of `ids` began, as `chapterlayout.places` tells from a whole layout it
        recorded (a layout in parts, which keeps no word whole at a page turn, is told here)."""
        from kfsreport.printing.chapterlayout import Place

        found = {}
        for name in ids:
            anchor = self.anchors.get(name)
            if anchor is None or not 0 <= anchor[0] < self.pages:
                continue
            index = anchor[0]
            counters = self.states[index + 1][3][1]
            strings = {}
            for string, by_page in self.strings.items():
                before = [
                    values
                    for page, values in sorted(by_page.items(), key=lambda i: int(i[0]))
                    if int(page) <= index and values
                ]
                if before:
                    strings[string] = before[-1][-1]
            found[name] = Place(
                (counters.get("page") or [index + 1])[-1], index, bool(self.states[index][2]), strings
            )
        return found

    def to_json(self) -> str:
        return json.dumps(
            {
                "pages": self.pages,
                "states": self.states,
                "strings": self.strings,
                "anchors": self.anchors,
                "safe": self.safe,
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class Seed:
    """What a part layout is given: its range, the whole report's number of pages, the state
    at its first page, the strings set on the pages before it, the anchors outside it."""

    start: int
    stop: int | None
    total: int
    state: Any
    strings: Strings
    anchors: Anchors


def plan_from(parts: list[Facts]) -> Plan | None:
    """The plan for the next build from this build's layouts: one whole, or the parts in order."""
    if not parts or not all(p.whole_document for p in parts):
        return None
    states: list[Any] = []
    safe: list[bool] = []
    strings: Strings = {}
    anchors: Anchors = {}
    for facts in parts:
        states = states[: facts.start] + facts.states
        safe = safe[: facts.start] + facts.safe
        for name, by_page in facts.strings.items():
            strings.setdefault(name, {}).update(by_page)
        for name, anchor in facts.anchors.items():
            anchors.setdefault(name, anchor)
    pages = parts[-1].start + parts[-1].pages
    return Plan(pages, states, strings, anchors, safe)


def load_plan(cache: Path | None) -> Plan | None:
    """The plan the last build left in `cache`, or None (none, unreadable, or not a plan)."""
    if cache is None:
        return None
    try:
        data = json.loads((cache / PLAN_FILE).read_text(encoding="utf-8"))
        plan = Plan(
            int(data["pages"]),
            list(data["states"]),
            {
                str(n): {str(p): [str(v) for v in vs] for p, vs in d.items()}
                for n, d in data["strings"].items()
            },
            {
                str(n): [int(a[0]), {str(c): [int(v) for v in vs] for c, vs in a[1].items()}]
                for n, a in data["anchors"].items()
            },
            [bool(s) for s in data["safe"]],
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None
    if len(plan.states) != plan.pages + 1 or len(plan.safe) != plan.pages + 1:
        return None
    return plan


def agree(seeds: tuple[Seed, Seed], found: tuple[Facts, Facts]) -> bool:
    """Whether the two parts, laid out from `seeds`, are the whole layout's pages: each found
    what the other was given."""
    first_seed, second_seed = seeds
    first, second = found
    split = second_seed.start
    if not (first.whole_document and second.whole_document and first.safe and second.safe):
        return False
    if first.pages != split or split + second.pages != first_seed.total or not first.safe[split]:
        return False
    if first.states[split] != second_seed.state:
        return False
    given = {name: {p: v for p, v in d.items() if v} for name, d in second_seed.strings.items()}
    set_before = {
        name: {p: v for p, v in d.items() if v and int(p) <= split} for name, d in first.strings.items()
    }
    if {n: d for n, d in given.items() if d} != {n: d for n, d in set_before.items() if d}:
        return False
    before = {name: anchor for name, anchor in second_seed.anchors.items() if anchor[0] < split}
    return _same_anchors(first_seed.anchors, second.anchors) and _same_anchors(before, first.anchors)


def _same_anchors(given: Anchors, found: Anchors) -> bool:
    def page_counters(anchors: Anchors) -> dict[str, Any]:
        return {n: [a[0], {c: v for c, v in a[1].items() if c != "pages"}] for n, a in anchors.items()}

    return page_counters(given) == page_counters(found)


# --- the layout hooks (in the print process) -------------------------------------------------


class _State:
    seed: Seed | None = None
    facts: Facts | None = None
    recording = False


_installed = False


def install() -> None:
    """Wrap WeasyPrint's `layout_document` (once per process): a part layout when a seed is
    given, else WeasyPrint's own, read afterwards when recording."""
    global _installed
    if _installed:
        return
    load_weasyprint()
    import weasyprint.document
    import weasyprint.layout.page

    lay_out_document = weasyprint.document.layout_document
    remake = weasyprint.layout.page.remake_page

    @functools.wraps(remake)
    def remake_page(index: int, context: Any, *args: Any, **kwargs: Any) -> Any:
        made = remake(index, context, *args, **kwargs)
        carried = context.broken_out_of_flow or context.reported_footnotes
        context.__dict__.setdefault("kfs_safe", {})[index + 1] = not carried
        return made

    @functools.wraps(lay_out_document)
    def layout_document(html: Any, root_box: Any, context: Any, *args: Any, **kwargs: Any) -> Any:
        seed = _State.seed
        if seed is None:
            pages = list(lay_out_document(html, root_box, context, *args, **kwargs))
            if _State.recording:
                _State.facts = _facts(context, pages, 0, len(pages))
        else:
            pages = list(_lay_out_part(html, root_box, context, seed))
            _State.facts = _facts(context, pages, seed.start, seed.start + len(pages))
        forget_styles(context)
        return pages

    weasyprint.document.layout_document = layout_document
    weasyprint.layout.page.remake_page = remake_page
    _installed = True


def forget_styles(context: Any) -> None:
    """Empty WeasyPrint 70's caches of every element's cascaded and computed style
    (`StyleFor`) once the pages are laid out. Each laid-out box keeps its own style, and
    nothing after the layout asks the cache, but the layout context lives as long as the
    pages (each SVG image refers to it), so the styles of the whole document stayed in memory
    while the PDF was written: about 50 MB of the 370 MB of the demo ×5 laid out whole, and
    in a part, also the styles of all the pages the other part lays out."""
    style_for = getattr(context, "style_for", None)
    for name in ("_cascaded_styles", "_computed_styles"):
        cache = getattr(style_for, name, None)
        if isinstance(cache, dict):
            cache.clear()


def record() -> Facts | None:
    """The facts of the last whole layout made while `recording(True)`, once."""
    facts, _State.facts = _State.facts, None
    return facts


def recording(on: bool) -> None:
    install()
    _State.recording = on
    _State.facts = None


def _document_safe(context: Any, pages: list[Any]) -> bool:
    """Nothing in the document that a part could not know from the facts."""
    if any(by_page for by_page in context.running_elements.values()):
        return False
    if context.footnotes:
        return False
    return not any(page.fixed_boxes for page in pages)


def _facts(context: Any, pages: list[Any], start: int, end: int) -> Facts:
    try:
        states = [encode_state(entry) for entry in context.page_maker[start : end + 1]]
    except Unsplittable:
        return Facts(start, end - start, [], {}, {}, whole_document=False)
    strings: Strings = {}
    for name, by_page in context.string_set.items():
        kept = {str(page): list(values) for page, values in by_page.items() if start < page <= end and values}
        if kept:
            strings[str(name)] = kept
    anchors: Anchors = {}
    for name, item in context.target_collector.target_lookup_items.items():
        index = item.page_maker_index
        if isinstance(name, str) and index is not None and start <= index < end:
            counters = {str(c): [int(v) for v in vs] for c, vs in item.cached_page_counter_values.items()}
            anchors[name] = [int(index), counters]
    found = getattr(context, "kfs_safe", {})
    safe = [found.get(index, index == start) for index in range(start, end + 1)]
    return Facts(
        start,
        end - start,
        states,
        strings,
        anchors,
        safe=safe,
        whole_document=_document_safe(context, pages),
    )


def _lay_out_part(
    html: Any, root_box: Any, context: Any, seed: Seed, until: Callable[[Any, int, Any], bool] | None = None
) -> Any:
    """WeasyPrint 70's `layout_document` over the pages of `seed`'s range only; with `until`,
    ending early before the first page `until(context, index, page_before_it)` is true of."""
    from weasyprint.layout import (
        initialize_page_maker,
        layout_backgrounds,
        layout_fixed_boxes,
        make_margin_boxes,
    )

    initialize_page_maker(context, root_box)
    start, stop = seed.start, seed.stop
    if start:
        first = context.page_maker[0]
        context.page_maker = [
            (
                first[0],
                first[1],
                first[2],
                first[3],
                {"content_changed": False, "pages_wanted": False, "anchors": [], "content_lookups": []},
            )
            for _ in range(start)
        ]
        context.page_maker.append(decode_state(seed.state))
        # The anchors of earlier pages count as placed there (WeasyPrint caches an anchor's
        # page once, at its first page).
        context.page_maker[0][-1]["anchors"].extend(n for n, a in seed.anchors.items() if a[0] < start)
        for name, by_page in seed.strings.items():
            for page, values in by_page.items():
                context.string_set[name][int(page)].extend(values)
    collector = context.target_collector
    for name, (index, counters) in seed.anchors.items():
        item = collector.target_lookup_items.get(name)
        if item is not None and item.state == "up-to-date":
            collector.cache_target_page_counters(
                name, {c: list(v) for c, v in counters.items()}, index, context.page_maker
            )
    context.kfs_safe = {}

    pages: list[Any] = []
    for _ in range(8):  # WeasyPrint's max_loops
        pages = list(_make_pages(context, root_box, html, pages, start, stop, until))
        for _, _, _, page_state, _ in context.page_maker[start:]:
            page_state[1]["pages"] = [seed.total]
        # The entry after the last page is always to be made again (WeasyPrint's mark for a
        # page not made yet): not a page of this range.
        if not any(entry[-1]["content_changed"] for entry in context.page_maker[start : start + len(pages)]):
            break

    # As layout_document: bookmarks once per element, string-sets, then the margin boxes.
    watched: dict[str, list[Any]] = {"": [], "::before": [], "::after": []}
    for offset, page in enumerate(pages):
        number = start + offset + 1
        state = context.page_maker[number][3]
        for child in page.descendants():
            if child.bookmark_label:
                tag = child.element_tag
                checklist = watched[
                    "::before" if tag.endswith("::before") else "::after" if tag.endswith("::after") else ""
                ]
                if child.element in checklist:
                    child.bookmark_label = ""
                else:
                    checklist.append(child.element)
            if child.missing_link:
                for (box, css_token), item in collector.counter_lookup_items.items():
                    if child.missing_link == box and css_token != "content":
                        if css_token == "bookmark-label" and not child.bookmark_label:
                            continue
                        item.parse_again(state[1])
                        if css_token == "bookmark-label":
                            child.bookmark_label = box.bookmark_label
            if child.string_set and child.string_set != "none":
                for name, text in child.string_set:
                    context.string_set[name][number].append(text)
    for offset, page in enumerate(pages):
        number = start + offset + 1
        root, footnote_area, note_area = page.children
        root.children = [*layout_fixed_boxes(context, pages[:offset], page), *root.children]
        root.children += list(layout_fixed_boxes(context, pages[offset + 1 :], page))
        context.current_page = number
        children = [root]
        if footnote_area.children:
            children.append(footnote_area)
        if note_area.children:
            children.append(note_area)
        children.extend(make_margin_boxes(context, page, context.page_maker[number][3]))
        page.children = tuple(children)
        layout_backgrounds(page, context.get_image_from_uri)
    return pages


def _make_pages(
    context: Any,
    root_box: Any,
    html: Any,
    pages: list[Any],
    start: int,
    stop: int | None,
    until: Callable[[Any, int, Any], bool] | None = None,
) -> Any:
    """WeasyPrint 70's `make_all_pages` from page `start`, ending after page `stop` − 1 (or
    before the first page `until` is true of)."""
    from weasyprint.layout.page import remake_page

    index = start
    context.rendered_notes = []
    while True:
        remake_state = context.page_maker[index][-1]
        offset = index - start
        if offset >= len(pages) or remake_state["content_changed"] or remake_state["pages_wanted"]:
            remake_state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
            page, resume_at = remake_page(index, context, root_box, html)
            reported = context.reported_footnotes
            yield page
        else:
            resume_at = context.page_maker[index + 1][0]
            reported = None
            page = pages[offset]
            yield page
        index += 1
        if resume_at is None and not reported:
            del context.page_maker[index + 1 :]
            context.broken_out_of_flow.clear()
            context.reported_footnotes.clear()
            return
        if stop is not None and index == stop:
            return
        if until is not None and until(context, index, page):
            return


# --- a part, laid out and written (in a print process) ---------------------------------------


class _Kept:
    """The first part's PDF and document metadata, kept in its process for `join`."""

    pdf: bytes | None = None
    metadata: Any = None


def _within(seed: Seed, index: int) -> bool:
    """Whether page `index` is laid out in `seed`'s part."""
    return seed.start <= index and (seed.stop is None or index < seed.stop)


def lay_out_part(
    html: str, root: Path, template_dirs: list[Path], seed: Seed
) -> tuple[bytes | None, list[str], Facts | None]:
    """The pages of `seed`'s range laid out from the whole print HTML and written as PDF/UA
    with the structure hints still in (`join` joins the parts and repairs the tags): the
    PDF (None if a fetch was refused), the URLs refused, and the facts found (None if the
    part cannot be used: a word split at a page turn, which only a whole layout mends, or
    a template's own colour profile). The process keeps the PDF of a first part for `join`."""
    install()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    from kfsreport.printing import pageturn, pdftags, weasyprint_1051
    from kfsreport.printing.pdf import VARIANTS, _remove_font_folder, make_fetcher, without_collector
    from kfsreport.render.hyphenation import ends_in_split_word, page_turn_words

    pageturn.install()
    weasyprint_1051.install()
    pdftags.install()
    fetcher = make_fetcher([root, *template_dirs])
    fonts = FontConfiguration()
    pdf: bytes | None = None
    facts: Facts | None = None
    _State.seed = seed

    def laid_out_and_written() -> tuple[bytes | None, Facts | None]:
        # The layout is a local of this function only, gone when it returns (without_collector).
        document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=fonts
        )
        facts, _State.facts = _State.facts, None
        _State.seed = None
        split_word = seed.stop is not None and document.pages and ends_in_split_word(document.pages[-1])
        if document.color_profiles or split_word or page_turn_words(document) or facts is None:
            return None, None
        facts.bookmarks = [[b[0], b[3]] for page in document.pages for b in page.bookmarks]
        pdftags.prepare(document)
        with _links_to({name for name, anchor in seed.anchors.items() if not _within(seed, anchor[0])}):
            pdf = bytes(document.write_pdf(pdf_variant=VARIANTS[""]))
        _Kept.pdf, _Kept.metadata = (pdf, document.metadata) if seed.start == 0 else (None, None)
        if seed.start == 0:
            import pikepdf  # noqa: F401  (for `join`, while the second part is still under way)
        return pdf, facts

    try:
        pdf, facts = without_collector(laid_out_and_written)
    except FatalURLFetchingError:
        pdf = None
    finally:
        _State.seed = None
        _remove_font_folder(fonts)
    refused = list(dict.fromkeys(getattr(fetcher, "refused", [])))
    return (None if refused else pdf), refused, facts


class _Foreign:
    anchors: set[str] = set()


def _links_to(anchors: set[str]) -> Any:
    """While a part is written, links to `anchors` (laid out in the other part) are kept:
    WeasyPrint drops a link to an anchor it did not lay out."""
    import contextlib

    import weasyprint.pdf

    if not getattr(weasyprint.pdf.resolve_links, "kfs_parts", False):
        resolve = weasyprint.pdf.resolve_links

        def resolve_links(pages: Any) -> Any:
            for page in pages:
                for link in page.links:
                    if link[0] == "internal" and link[1] in _Foreign.anchors:
                        page.anchors.setdefault(link[1], (0, 0, 0, 0))  # placeholder
                        page.kfs_foreign = {*getattr(page, "kfs_foreign", set()), link[1]}
            for page, (links, anchors) in zip(pages, resolve(pages), strict=True):
                foreign: set[str] = getattr(page, "kfs_foreign", set())
                yield links, [a for a in anchors if a[0] not in foreign]

        resolve_links.kfs_parts = True  # type: ignore[attr-defined]
        weasyprint.pdf.resolve_links = resolve_links

    @contextlib.contextmanager
    def kept() -> Any:
        _Foreign.anchors = anchors
        try:
            yield
        finally:
            _Foreign.anchors = set()

    return kept()


def join(second: bytes, bookmarks: list[list[Any]], archive: bool = True) -> dict[str, bytes]:
    """The report's PDFs from the first part kept in this process and the `second` part:
    joined (`stitch`), the tags repaired, and the archive copy made, as `pdf.write_variants`
    makes them from a whole layout."""
    from kfsreport.printing import pdftags, stitch
    from kfsreport.printing.pdf import archive_copy

    first, metadata = _Kept.pdf, _Kept.metadata
    _Kept.pdf = _Kept.metadata = None
    if first is None:
        raise stitch.StitchError("no first part laid out in this process")
    accessible = pdftags.repair_open(stitch.stitch(first, second, bookmarks), generate=True)
    return {"": accessible, "-arkiv": archive_copy(accessible, metadata)} if archive else {"": accessible}
