"""Numbered tables: "Tabell 1", "Tabell 2" … in the chapters, "Tabell B1.1" … in appendix 1.

Every table with a caption in the rendered chapters is numbered in page order, whether it
comes from Markdown (its caption from the `Tabell:` line above it, `render.markdown`) or
from a directive's template (`{{ plan }}`, `{{ ekonomi }}` …); a chart's table of numbers
(`class="figure-data"`) belongs to its figure and is not, and a table without a caption
(a Markdown table without a `Tabell:` line) has nothing to number. `ref("id")` to a table is written
as a mark while the chapters render and replaced by "tabell N" once all are numbered.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from markupsafe import Markup

from kfsreport.errors import Problems
from kfsreport.load.schema import Facts

if TYPE_CHECKING:
    from kfsreport.render.templates import RenderedChapter

DIRECTIVE_TABLES = {
    "plan": "tabell-plan",
    "ekonomi": "tabell-ekonomi",
    "ledamoter": "tabell-ledamoter",
    "fokusomraden": "tabell-fokusomraden",
}
"""The id of the table each directive writes (its template sets it); `{{ atgardsplan }}`
writes one table per group, `tabell-atgardsplan-1` …"""

_MARK = re.compile("\ue000([a-z0-9_-]+)\ue001")
_TABLE = re.compile(r"<table\b(?P<attrs>[^>]*)>(?P<caption>\s*<caption\b[^>]*>)?")
_ID = re.compile(r'\bid="([^"]+)"')


def directive_tables(name: str, facts: Facts) -> list[str]:
    """The ids of the tables the directive `name` writes."""
    if name == "atgardsplan":
        groups = facts.action_plan.groups if facts.action_plan else []
        return [f"tabell-atgardsplan-{i}" for i in range(1, len(groups) + 1)]
    return [DIRECTIVE_TABLES[name]] if name in DIRECTIVE_TABLES else []


def table_ref(table_id: str) -> Markup:
    """What `ref("id")` writes for a table until `number_tables` knows its number."""
    return Markup('<a class="xref" href="#{}">tabell {}</a>').format(
        table_id, Markup(f"\ue000{table_id}\ue001")
    )


def number_tables(chapters: list[RenderedChapter], problems: Problems) -> list[RenderedChapter]:
    """The chapters with every table's caption starting "Tabell N." and every `ref()` to a
    table reading "tabell N"."""
    numbers: dict[str, str] = {}
    count = 0
    in_appendix: dict[int, int] = {}
    numbered: list[RenderedChapter] = []
    for chapter in chapters:

        def number(match: re.Match[str], chapter: RenderedChapter = chapter) -> str:
            nonlocal count
            attrs = match.group("attrs")
            if not match.group("caption") or re.search(r'\bclass="[^"]*\bfigure-data\b', attrs):
                return match.group(0)
            if chapter.appendix is None:
                count += 1
                shown = str(count)
            else:
                in_appendix[chapter.appendix] = in_appendix.get(chapter.appendix, 0) + 1
                shown = f"B{chapter.appendix}.{in_appendix[chapter.appendix]}"
            found = _ID.search(attrs)
            if found:
                numbers[found.group(1)] = shown
            return f'{match.group(0)}<span class="table-number">Tabell {shown}.</span> '

        html = _TABLE.sub(number, str(chapter.html))
        numbered.append(dataclasses.replace(chapter, html=Markup(html)))
    return [_resolve(chapter, numbers, problems) for chapter in numbered]


def _resolve(chapter: RenderedChapter, numbers: dict[str, str], problems: Problems) -> RenderedChapter:
    def replace(match: re.Match[str]) -> str:
        table_id = match.group(1)
        if table_id not in numbers:
            problems.fail(
                chapter.path,
                None,
                f"ref(\"{table_id}\"): tabellen med id:t '{table_id}' visas inte i rapporten.",
                "Placera tabellen (till exempel {{ plan }}) eller ta bort hänvisningen.",
            )
            return ""
        return numbers[table_id]

    html = str(chapter.html)
    if "\ue000" not in html:
        return chapter
    return dataclasses.replace(chapter, html=Markup(_MARK.sub(replace, html)))
