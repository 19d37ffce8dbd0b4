"""Which headings the contents lists, and the PDF's bookmarks with it: every heading down to
the report's `contents_depth` (1 = chapters, 2 = sections `##`, 3 = `###`, 4 = `####`; by
default as deep as the headings are numbered, `numbering_depth`). A heading's depth is its
place in the outline (`Heading.depth`: `###` straight under a chapter's title is a section),
which is also its HTML level (h2 for a chapter, h3 for a section …) and its bookmark level,
so the contents and the bookmarks list the same headings."""

from __future__ import annotations

from kfsreport.load.schema import ReportSettings
from kfsreport.render.markdown import Heading


def contents_depth(settings: ReportSettings) -> int:
    return settings.contents_depth if settings.contents_depth is not None else settings.numbering_depth


def in_contents(heading: Heading, depth: int) -> bool:
    return heading.depth <= depth


def bookmark_css(depth: int) -> str:
    """The print stylesheet's rule that leaves the headings below the contents out of the
    bookmarks (print.css gives h3 to h6 bookmark levels 2 to 5)."""
    deeper = [f".chapter h{level}" for level in range(depth + 2, 7)]
    return f"\n{', '.join(deeper)} {{ bookmark-level: none; }}\n" if deeper else ""
