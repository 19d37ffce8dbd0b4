"""Workaround for WeasyPrint issue #1051: a line cut after its first word for a trailing space.

WeasyPrint 70 measures a run of text with the space that ends it. When the run is followed
by an element (`hyphenation.py` wraps the last words of a paragraph or list item in
`<span class="no-hyphens">`) and fits the line only without that space,
`text.line_break.split_first_line` decides the run cannot be broken earlier, keeps its first
word alone, and hyphenates it if it can: "strate-" alone on a line, the rest below
(`exempel/vasternorrland-plan/`, section 2). The space ending a line is never drawn, so here
a run whose text without its final spaces fits the width is laid out whole; the element
after it then goes to the next line. Still the behaviour of WeasyPrint's main branch
(62c06ca7); delete this module, its `install()` in `pdf.py` and its test when it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_installed = False
_enabled = True


def install() -> None:
    """Wrap the text splitting WeasyPrint's inline layout calls (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.layout import inline

    inline.split_first_line = _trailing_space_hangs(inline.split_first_line)
    _installed = True


@contextmanager
def off() -> Iterator[None]:
    """WeasyPrint's own line breaking for a while: for the test of what happens without this."""
    global _enabled
    _enabled = False
    try:
        yield
    finally:
        _enabled = True


def _trailing_space_hangs(split_first_line: Any) -> Any:
    def split(text: str, style: Any, context: Any, max_width: Any, *args: Any, **kwargs: Any) -> Any:
        result = split_first_line(text, style, context, max_width, *args, **kwargs)
        stripped = text.rstrip(" ")
        if not _enabled or max_width is None or result[2] is None or stripped in ("", text):
            return result
        if style["white_space"] not in ("normal", "nowrap", "pre-line"):
            return result  # the spaces are kept (pre-wrap): they count
        if split_first_line(stripped, style, context, max_width, *args, **kwargs)[2] is not None:
            return result  # too long even without its spaces: WeasyPrint's break stands
        return split_first_line(text, style, context, None, *args, **kwargs)

    return split
