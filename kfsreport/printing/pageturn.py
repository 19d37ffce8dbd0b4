"""No word split across a page turn: the last line of a page never ends in a hyphen.

A hook into WeasyPrint 70's layout (once per process, `install`). When a paragraph breaks
over a page (or column) and the line that ends the page was hyphenated, that paragraph's part
on this page is laid out again with hyphenation off for that one line only, so the word goes
whole to the next page. It costs a few lines' layout where it happens, where laying out the
whole document a second time with the word protected (what was done before) doubled the time
of every long report, and kept the word whole everywhere else too.

Pango breaks at a soft hyphen (a joint of a compound from `avstavning.txt`) whatever
`hyphens` says, so such a line is laid out again from its text without them; missed, the word
was found split after the layout and the whole document laid out a second time
(`pdf._without_page_turn_hyphens`, now only a safety net), which took the demo from 4 to 7 s.

The line that ended in a hyphen is known by `kfs_hyphen`, which `pdftags.install` sets on the
text boxes WeasyPrint hyphenates; `install` installs that hook too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kfsreport.render.hyphenation import SOFT

_installed = False
_enabled = True
_whole_line = False
"""True while WeasyPrint lays out a line that must not be hyphenated."""


def install() -> None:
    """Wrap WeasyPrint's line-box layout of a block, its next-line function and its text
    splitting (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import block, inline

    from kfsreport.printing import pdftags

    pdftags.install()
    block._linebox_layout = _retrying(block._linebox_layout)
    inline.get_next_linebox = _flagged(inline.get_next_linebox)
    inline.split_text_box = _unhyphenated(inline.split_text_box)
    _installed = True


@contextmanager
def off() -> Iterator[None]:
    """WeasyPrint's own line breaking for a while (a page may end in a hyphen): for tests of
    what happens without this module."""
    global _enabled
    _enabled = False
    try:
        yield
    finally:
        _enabled = True


def _key(line: Any, start: Any) -> tuple[int, str]:
    """A line by its paragraph's line box and where in it the line starts."""
    return id(line), repr(start)


def _retrying(linebox_layout: Any) -> Any:
    def layout(
        context: Any,
        box: Any,
        index: Any,
        child: Any,
        new_children: list[Any],
        page_is_empty: Any,
        absolute_boxes: list[Any],
        fixed_boxes: list[Any],
        adjoining_margins: Any,
        bottom_space: Any,
        position_y: Any,
        skip_stack: Any,
        *rest: Any,
    ) -> Any:
        marks = len(new_children), len(absolute_boxes), len(fixed_boxes)
        margin_top = box.margin_top
        whole = context.__dict__.setdefault("kfs_whole_lines", set())
        while True:
            result = linebox_layout(
                context,
                box,
                index,
                child,
                new_children,
                page_is_empty,
                absolute_boxes,
                fixed_boxes,
                adjoining_margins,
                bottom_space,
                position_y,
                skip_stack,
                *rest,
            )
            abort, footnotes = result[0], result[4]
            lines = new_children[marks[0] :]
            if abort or footnotes or context.footnotes or not lines or lines[-1].resume_at is None:
                return result  # the paragraph does not go on past this page (or footnotes: left alone)
            if not _enabled or not _ends_in_hyphen(lines[-1]):
                return result
            key = _key(child, lines[-2].resume_at if len(lines) > 1 else skip_stack)
            if key in whole:
                return result  # already laid out whole: the hyphen is one the text has
            whole.add(key)
            del new_children[marks[0] :], absolute_boxes[marks[1] :], fixed_boxes[marks[2] :]
            box.margin_top = margin_top

    return layout


def _flagged(get_next_linebox: Any) -> Any:
    def next_linebox(
        context: Any, linebox: Any, position_y: Any, bottom_space: Any, skip_stack: Any, *rest: Any
    ) -> Any:
        global _whole_line
        before = _whole_line
        whole: set[tuple[int, str]] = getattr(context, "kfs_whole_lines", set())
        _whole_line = bool(whole) and _key(linebox, skip_stack) in whole
        try:
            return get_next_linebox(context, linebox, position_y, bottom_space, skip_stack, *rest)
        finally:
            _whole_line = before

    return next_linebox


def _unhyphenated(split_text_box: Any) -> Any:
    def split(context: Any, box: Any, available_width: Any, skip: Any, *args: Any, **kwargs: Any) -> Any:
        if not _whole_line:
            return split_text_box(context, box, available_width, skip, *args, **kwargs)
        if SOFT in box.text:  # Pango breaks at a soft hyphen whatever `hyphens` says
            # `split` again, on a copy without them: it then lays that out with `hyphens: none`.
            return _without_soft_hyphens(split, context, box, available_width, skip, *args, **kwargs)
        if box.style["hyphens"] == "none":
            return split_text_box(context, box, available_width, skip, *args, **kwargs)
        style, hyphens = box.style, box.style["hyphens"]
        style["hyphens"] = "none"
        try:
            return split_text_box(context, box, available_width, skip, *args, **kwargs)
        finally:
            style["hyphens"] = hyphens

    return split


def _without_soft_hyphens(
    split: Any, context: Any, box: Any, available_width: Any, skip: Any, *args: Any, **kwargs: Any
) -> Any:
    """The line split from a copy of `box` without its soft hyphens (a listed compound's
    joints, `hyphenation.mark_breaks`), which are invisible where the line does not break at
    them; the point where the next line resumes is given back in `box`'s own text."""
    text = box.text.encode()
    plain = box.copy_with_text(box.text.replace(SOFT, ""))
    skipped = text[: skip or 0].decode().replace(SOFT, "").encode()
    new_box, resume, preserved = split(context, plain, available_width, len(skipped) or skip, *args, **kwargs)
    if resume is not None:
        resume = _offset_in(text, resume)
    return new_box, resume, preserved


def _offset_in(text: bytes, plain_offset: int) -> int:
    """The byte offset in `text` of the byte `plain_offset` of `text` without soft hyphens."""
    soft = SOFT.encode()
    offset = counted = 0
    while counted < plain_offset:
        if text.startswith(soft, offset):
            offset += len(soft)
            continue
        offset += 1
        counted += 1
    return offset


def _ends_in_hyphen(line: Any) -> bool:
    """Whether the layout hyphenated the last word of `line`."""
    from weasyprint.formatting_structure import boxes

    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()]
    return bool(texts) and bool(getattr(texts[-1], "kfs_hyphen", 0))
