"""Ids that the facts put on the page: each conclusion's and recommendation's id becomes the
`id` of its list item, so it must differ from every other id on the page. Otherwise a link
(the skip link to `#innehall`, a heading's entry in the contents) jumps to the wrong place,
and the page has two elements with one id.
"""

from __future__ import annotations

from typing import Any

from kfsreport.errors import Problems
from kfsreport.load.yamlfile import Located
from kfsreport.render.markdown import RESERVED_IDS, Heading

PAGE_ID_LISTS = {"conclusions": "slutsatsen", "recommendations": "rekommendationen"}
"""The lists in data/facts.yaml whose items' ids are ids on the page, and their Swedish names."""


def check_page_ids(
    located: Located,
    anchors: dict[str, Heading],
    chart_ids: set[str],
    table_ids: set[str],
    problems: Problems,
) -> None:
    """Report each conclusion or recommendation whose id is already a heading's, a chart's, a
    table's, the page's own or another list's id (a repeat within one list is reported by
    `check_references`)."""
    data: dict[str, Any] = located.data if isinstance(located.data, dict) else {}
    seen: dict[str, str] = {}
    for key, name in PAGE_ID_LISTS.items():
        items = data.get(key)
        first_here: dict[str, int] = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str) or ident in first_here:
                continue
            line = located.line((key, i, "id"))
            first_here[ident] = line
            taken = _taken(ident, anchors, chart_ids, table_ids, seen)
            if taken:
                problems.fail(
                    located.path,
                    line,
                    f"{name}s id '{ident}' är redan id för {taken}; på sidan skulle två delar ha "
                    "samma id, och en länk dit kunde hamna fel.",
                    hint=_hint(name, key, ident),
                )
        for ident, line in first_here.items():
            seen.setdefault(ident, f"{PAGE_ID_LISTS[key]} på rad {line}")


def _taken(
    ident: str, anchors: dict[str, Heading], chart_ids: set[str], table_ids: set[str], seen: dict[str, str]
) -> str | None:
    if ident in RESERVED_IDS:
        return "sidans innehåll eller innehållsförteckning"
    if ident in anchors:
        heading = anchors[ident]
        return f"en rubrik ({heading.path}:{heading.line})"
    if ident in chart_ids:
        return "ett diagram i data/charts.yaml"
    if ident in table_ids:
        return "en tabell"
    return seen.get(ident)


def _hint(name: str, key: str, ident: str) -> str:
    prefix = "slutsats-" if key == "conclusions" else "rek-"
    if ident.startswith(prefix):
        return f"Ge {name} ett annat id."
    return f"Ge {name} ett annat id, till exempel '{prefix}{ident}'."
