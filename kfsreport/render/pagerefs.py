"""Page numbers after cross-references in the print edition: `avsnitt 3.2 på s. 14`.

Paper cannot be clicked, so in the PDF a reference to a heading, table, figure or appendix
(`ref("id")`, `[text](#id)`, the plan's "se avsnitt 3.2") says on which page its target
stands. Which references get a page is the report's `page_references`: `other_chapters`
(the default: a reference within its own chapter points a few paragraphs away, often to
the figure beside it, and "Figur 2 på s. 9" on page 9 reads oddly), `all` or `none`.
CSS cannot tell whether the target is on the same page, so the choice is made per chapter.

The links are given the class `page-ref`; print.css writes the page after them with
`target-counter(attr(href), page)`, inside the link, so the PDF's Link element holds
"avsnitt 3.2 på s. 14" as text (read once, as part of the link; pdftags `_label`). The
web page is never changed: it has no pages.
"""

from __future__ import annotations

import re

_SECTION = re.compile(r'<section class="chapter[^"]*"[^>]*\bdata-chapter="')
_ID = re.compile(r'\bid="([^"]+)"')
_LINK = re.compile(r'<a (?:class="xref" )?href="#([^"]+)">')
"""A cross-reference (`class="xref"`, from `ref()` and the templates) or a link written in
Markdown (`[text](#id)`, only an href). Footnote links and links with a class of their own
(`{.klass}`) have other attributes and are left alone."""


def mark_page_references(html: str, which: str) -> str:
    """The print page with the class `page-ref` on each cross-reference that is to show the
    page of its target: `which` is the report's `page_references`."""
    if which == "none":
        return html
    starts = [match.start() for match in _SECTION.finditer(html)]
    if not starts:
        return html
    end = html.find("</main>", starts[-1])
    bounds = [*starts, end if end >= 0 else len(html)]
    chapters = list(zip(bounds, bounds[1:], strict=False))
    owner: dict[str, int] = {}
    for index, (start, stop) in enumerate(chapters):
        for match in _ID.finditer(html, start, stop):
            owner.setdefault(match.group(1), index)
    targets = set(_ID.findall(html))
    parts = [html[: bounds[0]]]
    for index, (start, stop) in enumerate(chapters):

        def mark(match: re.Match[str], index: int = index) -> str:
            target = match.group(1)
            if target not in targets or (which == "other_chapters" and owner.get(target) == index):
                return match.group(0)
            return f'<a class="xref page-ref" href="#{target}">'

        parts.append(_LINK.sub(mark, html[start:stop]))
    parts.append(html[bounds[-1] :])
    return "".join(parts)
