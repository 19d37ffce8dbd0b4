"""A page number written by hand after a cross-reference (`{{ ref("x") }} på s. 12`,
`[tabellen](#t) (sidan 12)`): the build writes the page itself in the PDF
(`page_references`, render/pagerefs.py), so it would stand twice, and a page written by
hand is wrong as soon as the pages move."""

from __future__ import annotations

import re

from markdown_it.token import Token

from kfsreport.errors import Problems
from kfsreport.render.markdown import ParsedChapter

_WRITTEN_PAGE = re.compile(
    r"^[ \u00a0]*,?[ \u00a0]*\(?(?:på[ \u00a0]+)?(?:s\.|sid\.|sidan|sida)[ \u00a0]*\d+\)?"
)


def check_written_pages(chapter: ParsedChapter, problems: Problems) -> None:
    """A located error for each page number written right after a `ref()` or a link to `#id`."""
    for token in chapter.tokens:
        children = token.children or []
        for index, child in enumerate(children[:-1]):
            if not _is_reference(children, index):
                continue
            after = children[index + 1]
            found = _WRITTEN_PAGE.match(after.content) if after.type == "text" else None
            if found is None:
                continue
            problems.fail(
                chapter.path,
                after.meta.get("line", child.meta.get("line")),
                f"”{found.group().strip()}” efter en hänvisning: bygget skriver själv sidan i "
                "PDF-filen (”avsnitt 3.1 på s. 14”), så den skulle stå två gånger, och en sida "
                "skriven för hand blir fel när sidorna flyttas.",
                hint="Ta bort sidnumret. En hänvisning inom samma kapitel får sin sida med "
                "page_references: all i report.yaml; page_references: none tar bort dem.",
            )


def _is_reference(children: list[Token], index: int) -> bool:
    child = children[index]
    if child.type == "kfs_value":
        return bool(re.match(r"ref\s*\(", child.content))
    if child.type != "link_close":
        return False
    for before in reversed(children[:index]):
        if before.type == "link_open":
            return str(before.attrGet("href") or "").startswith("#")
    return False
