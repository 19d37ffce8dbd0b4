"""Stage 2, validate: schemas, chapters parsed and numbered, every reference checked.

Produces a `Report`: settings, facts and numbered chapters that later stages can trust.
All problems in all files are collected before the stage gives up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kfsreport.charts.spec import SOURCE_KEY, ChartSpec, Placements, check_charts, key_lines
from kfsreport.errors import Problems, suggest
from kfsreport.load.folder import CHARTS_FILE, FACTS_FILE, Sources
from kfsreport.load.schema import STANDING, Facts, FrontMatter, ReportSettings, Words
from kfsreport.load.yamlfile import Located
from kfsreport.render.directives import namespace
from kfsreport.render.expressions import Evaluator, ExpressionError
from kfsreport.render.markdown import (
    Heading,
    ParsedChapter,
    captioned_image,
    make_parser,
    number_chapters,
    parse_chapter,
)
from kfsreport.render.tables import directive_tables
from kfsreport.render.theme import check_theme
from kfsreport.validate.factcheck import (
    check_chart_years,
    check_economy,
    check_fact_dates,
    check_facts,
    check_goals,
    check_settings,
)
from kfsreport.validate.glyphs import check_chapter_glyphs, check_yaml_glyphs
from kfsreport.validate.headnumbers import check_heading_numbers
from kfsreport.validate.leftovers import BLOCK_DIRECTIVE
from kfsreport.validate.limits import check_limits
from kfsreport.validate.links import Refused, check_link, resolve_image
from kfsreport.validate.pageids import check_page_ids
from kfsreport.validate.pagerefs import check_written_pages
from kfsreport.validate.schemacheck import check_model, valid_fields
from kfsreport.validate.yamltext import check_yaml_text


@dataclass(frozen=True)
class Report:
    """A validated report: what the render stage works from."""

    root: Path
    settings: ReportSettings
    facts: Facts
    chapters: list[ParsedChapter]
    anchors: dict[str, Heading]
    charts: dict[str, ChartSpec] = field(default_factory=dict)
    chart_lines: dict[str, int] = field(default_factory=dict)
    figure_numbers: dict[str, int | str] = field(default_factory=dict)
    """Chart id → N in "Figur N", for the charts the text places, in order."""
    charts_path: str = CHARTS_FILE
    column_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    """Chart id → column → line of the key in data/charts.yaml that names the column."""
    table_ids: frozenset[str] = frozenset()
    """The ids of the tables the chapters show (Markdown `{#id}` and directives' tables)."""


def validate(sources: Sources, problems: Problems) -> Report:
    """Check settings, facts and chapters; return the Report or raise with every problem."""
    for located in (sources.settings, sources.facts, sources.charts, *(c.front for c in sources.chapters)):
        check_yaml_text(located, problems)
        check_yaml_glyphs(located, problems)
    settings = check_model(ReportSettings, sources.settings, problems) if sources.settings else None
    if settings is not None:
        check_settings(settings, sources.settings, problems)
    facts_file = sources.facts or Located({}, FACTS_FILE)
    facts = None if sources.facts_unreadable else check_model(Facts, facts_file, problems)
    if facts is not None:
        check_facts(facts, settings, facts_file, problems)
    _check_valid_parts(sources, settings, facts, facts_file, problems)
    chapters = _parse_chapters(sources, problems)
    check_limits(chapters, problems)
    for chapter in chapters:
        check_chapter_glyphs(chapter, problems)
    number_chapters(chapters, settings.numbering_depth if settings else 2, problems)
    check_heading_numbers(chapters, sources, problems)
    anchors = {heading.id: heading for chapter in chapters for heading in chapter.headings}
    check_references(facts_file, anchors, problems)
    for chapter in chapters:
        _check_links_and_images(chapter, sources.root, anchors, problems)
        _warn_raw_html(chapter, problems)
        if settings is not None and settings.page_references != "none":
            check_written_pages(chapter, problems)
    if settings is not None and settings.logo:
        _check_logo(sources, settings.logo, problems)
    if settings is not None:
        check_theme(settings.theme, sources.settings, problems)
    charts, chart_lines, broken = (
        check_charts(sources.charts, problems) if sources.charts else ({}, {}, set())
    )
    _check_ids_apart(charts, chart_lines, anchors, problems)
    table_ids = _table_ids(chapters, facts or Facts(), charts, anchors, problems)
    check_page_ids(facts_file, anchors, set(charts), table_ids, problems)
    if settings is not None and sources.charts:
        check_chart_years(charts, sources.charts, settings, problems)
    unread = _unread_ids(sources, problems) if sources.charts_unreadable else set()
    placements = Placements(charts, broken, unread=unread, named=sources.charts_ids)
    # With invalid facts or settings (reported), what does not read them (ref, figur,
    # directives) is still checked: a stand-in takes the settings' place.
    stand_in = settings if settings is not None else ReportSettings.model_construct()
    names = namespace(stand_in, facts or Facts(), anchors, lambda _: "", placements, table_ids)
    _check_expressions(
        chapters,
        names,
        placements,
        problems,
        facts_valid=facts is not None,
        settings_valid=settings is not None,
    )
    if problems.errors and charts and sources.charts is not None:
        _check_chart_data(charts, chart_lines, sources.charts, sources.root, facts, settings, problems)
    problems.raise_if_any()
    assert settings is not None and facts is not None
    return Report(
        sources.root,
        settings,
        facts,
        chapters,
        anchors,
        charts,
        chart_lines,
        placements.numbers,
        column_lines=key_lines(sources.charts) if sources.charts else {},
        table_ids=frozenset(table_ids),
    )


_FIGUR = re.compile(r"""\bfigur\(\s*(["'])(.*?)\1\s*\)""")


def _unread_ids(sources: Sources, problems: Problems) -> set[str]:
    """With data/charts.yaml unreadable (reported): the ids the chapters place with
    `figur("…")` that may be among its charts, because its text has them (or no text could
    be read: then said once, at the file). Any other id placed is checked as usual, so a
    misspelt one is an error in the same round; a `ref()` to an id not placed is checked too
    (a heading's id misspelt is an error of its own)."""
    placed: dict[str, str] = {}
    for chapter in sources.chapters:
        for match in _FIGUR.finditer(chapter.body):
            line = chapter.body_line + chapter.body.count("\n", 0, match.start())
            placed.setdefault(match.group(2), f"{chapter.path}:{line}")
    words = sources.charts_words
    if words is None and placed:
        listing = ", ".join(f"'{chart_id}' ({where})" for chart_id, where in placed.items())
        problems.warn(
            CHARTS_FILE,
            None,
            f"filen kan inte läsas, så figur() till {listing} kontrolleras inte förrän den är rättad.",
        )
    return {chart_id for chart_id in placed if words is None or chart_id in words}


def _check_chart_data(
    charts: dict[str, ChartSpec],
    chart_lines: dict[str, int],
    located: Located,
    root: Path,
    facts: Facts | None,
    settings: ReportSettings | None,
    problems: Problems,
) -> None:
    """The build stops here anyway: read the charts' data now, so that their problems (a
    misspelt column, an empty cell, text in a number column) come in the same round as the
    others instead of after they are fixed. Charts drawn from invalid facts are left out."""
    from kfsreport.charts.compute import chart_frame

    columns = key_lines(located)
    for chart_id, spec in charts.items():
        if spec.facts and facts is None:
            continue
        keys = columns.get(chart_id, {})
        origin = (located.path, keys.get(SOURCE_KEY, chart_lines.get(chart_id)))
        words = settings.words if settings is not None else Words()
        chart_frame(spec, root, facts or Facts(), problems, origin, keys, words)


def _check_valid_parts(
    sources: Sources,
    settings: ReportSettings | None,
    facts: Facts | None,
    facts_file: Located,
    problems: Problems,
) -> None:
    """With an invalid value in report.yaml or the facts (reported), the checks that span
    several values still run on the parts that are valid, so that one build reports every
    problem: the theme's contrast, the period, the economy and the goals' owners."""
    given = sources.settings.data if sources.settings and isinstance(sources.settings.data, dict) else {}
    parts = valid_fields(ReportSettings, given) if settings is None else {}
    if settings is None and parts.get("theme") is not None:
        check_theme(parts["theme"], sources.settings, problems)
    # A period with an error of its own is reported, not checked against the year.
    if {"kind", "year"} <= parts.keys() and ("period" in parts or "period" not in given):
        check_settings(ReportSettings.model_construct(**parts), sources.settings, problems)
    if facts is not None or sources.facts_unreadable:
        return
    kind = settings.kind if settings is not None else parts.get("kind")
    given_facts = facts_file.data if isinstance(facts_file.data, dict) else {}
    valid = valid_fields(Facts, given_facts)
    if valid.get("economy") is not None:
        check_economy(valid["economy"], kind, facts_file, problems)
    if "plan" in valid and ("standing_assignment" in valid or "standing_assignment" not in given_facts):
        check_goals(valid["plan"], valid.get("standing_assignment"), facts_file, problems)
    check_fact_dates(Facts.model_construct(**valid), settings, facts_file, problems)


def _check_ids_apart(
    charts: dict[str, ChartSpec], lines: dict[str, int], anchors: dict[str, Heading], problems: Problems
) -> None:
    """A chart id must not also be a heading id, or ref() could not tell them apart."""
    for chart_id in charts.keys() & anchors.keys():
        heading = anchors[chart_id]
        problems.fail(
            CHARTS_FILE,
            lines[chart_id],
            f"diagrammets id '{chart_id}' är också id för en rubrik ({heading.path}:{heading.line}).",
            "Ge diagrammet ett annat id.",
        )


def _table_ids(
    chapters: list[ParsedChapter],
    facts: Facts,
    charts: dict[str, ChartSpec],
    anchors: dict[str, Heading],
    problems: Problems,
) -> set[str]:
    """The ids `ref()` can name as tables: each Markdown table's `{#id}` (unique among the
    headings', charts' and other tables' ids) and the tables of the directives placed."""
    ids: dict[str, str] = {}
    for chapter in chapters:
        for table in chapter.tables:
            where = f"{chapter.path}:{table.line}"
            other = anchors.get(table.id)
            taken = (
                f"en rubrik ({other.path}:{other.line})"
                if other
                else "ett diagram i data/charts.yaml"
                if table.id in charts
                else f"en annan tabell ({ids[table.id]})"
                if table.id in ids
                else None
            )
            if taken:
                problems.fail(
                    chapter.path,
                    table.line,
                    f"tabellens id '{table.id}' är redan id för {taken}.",
                    "Ge tabellen ett annat id i {#…} sist på raden Tabell:.",
                )
            else:
                ids[table.id] = where
        for expression in chapter.expressions:
            if expression.block:
                for table_id in directive_tables(expression.source.strip(), facts):
                    ids.setdefault(table_id, f"{chapter.path}:{expression.line}")
    return set(ids)


def check_references(located: Located, anchors: dict[str, Heading], problems: Problems) -> None:
    """Goals name assignments, activities name goals and sections; ids are unique.

    Works on the raw data, so a reference is checked even when another key is wrong.
    """
    data: dict[str, Any] = located.data if isinstance(located.data, dict) else {}
    plan: dict[str, Any] = data["plan"] if isinstance(data.get("plan"), dict) else {}
    assignments = _ids(located, ("assignments",), data.get("assignments"), problems)
    goals = _ids(located, ("plan", "goals"), plan.get("goals"), problems)
    _ids(located, ("plan", "activities"), plan.get("activities"), problems)
    _ids(located, ("conclusions",), data.get("conclusions"), problems)
    _ids(located, ("recommendations",), data.get("recommendations"), problems)
    for i, goal in _items(plan.get("goals")):
        _refers(
            located,
            ("plan", "goals", i),
            goal,
            "assignment",
            [*assignments, STANDING],
            problems,
            "målet '{id}' hänvisar till uppdraget '{ref}', som inte finns.",
            "Lägg till uppdraget under assignments (eller skriv standing för det bestående uppdraget).",
        )
    for i, activity in _items(plan.get("activities")):
        _refers(
            located,
            ("plan", "activities", i),
            activity,
            "goal",
            goals,
            problems,
            "aktiviteten '{id}' hänvisar till målet '{ref}', som inte finns.",
            "Lägg till målet under plan → goals.",
        )
        if not anchors:  # no chapter could be read (reported): no heading to check against
            continue
        _refers(
            located,
            ("plan", "activities", i),
            activity,
            "reported_in",
            list(anchors),
            problems,
            "aktiviteten '{id}' sägs redovisas i avsnittet '{ref}', men ingen rubrik har det id:t.",
            "Ge rubriken id:t med {#id} efter rubriktexten.",
        )


def _items(value: object) -> list[tuple[int, dict[str, object]]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _refers(
    located: Located,
    loc: tuple[str | int, ...],
    item: dict[str, object],
    key: str,
    known: list[str],
    problems: Problems,
    message: str,
    hint: str,
) -> None:
    ref = item.get(key)
    if isinstance(ref, str) and ref not in known:
        problems.fail(
            located.path,
            located.line((*loc, key)),
            message.format(id=item.get("id", "?"), ref=ref),
            suggest(ref, known) or hint,
        )


def _ids(located: Located, base: tuple[str, ...], items: object, problems: Problems) -> list[str]:
    """The ids of a list of items; a repeated id is reported with both lines."""
    first: dict[str, int] = {}
    for i, item in _items(items):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        line = located.line((*base, i, "id"))
        if ident in first:
            problems.fail(
                located.path,
                line,
                f"id:t '{ident}' används redan på rad {first[ident]}.",
                "Varje id måste vara unikt.",
            )
        else:
            first[ident] = line
    return list(first)


def _parse_chapters(sources: Sources, problems: Problems) -> list[ParsedChapter]:
    md = make_parser()
    chapters = []
    for source in sources.chapters:
        # A front matter that is missing, unreadable or invalid is reported; the body is still
        # checked, so its mistakes show in the same round and its headings' ids are known.
        front = check_model(FrontMatter, source.front, problems) if source.front is not None else None
        if front is None:
            front = _stand_in(source.front, source.path)
        chapter = parse_chapter(
            md,
            source.path,
            front.title,
            front.numbered,
            front.id,
            source.body,
            source.body_line,
            problems,
        )
        chapter.is_appendix = front.appendix
        chapter.lang = front.lang
        chapter.author = front.author
        chapters.append(chapter)
    return chapters


def _stand_in(front: Located | None, path: str) -> FrontMatter:
    """Front matter to check a chapter's body by when its own has mistakes (already reported)."""
    data = front.data if front is not None and isinstance(front.data, dict) else {}
    title = data.get("title") or data.get("titel")
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    return FrontMatter(title=title if isinstance(title, str) and title.strip() else name)


def _check_links_and_images(
    chapter: ParsedChapter, root: Path, anchors: dict[str, Heading], problems: Problems
) -> None:
    for index, token in enumerate(chapter.tokens):
        alone = captioned_image(token) is not None and not chapter.tokens[index - 1].hidden
        for child in token.children or []:
            try:
                if child.type == "link_open":
                    check_link(str(child.attrGet("href") or ""), anchors)
                elif child.type == "image":
                    resolve_image(root, chapter.path, str(child.attrGet("src") or ""))
                    if not "".join(c.content for c in child.children or []).strip():
                        raise Refused(
                            "bilden saknar alternativtext.",
                            "Beskriv bilden inom hakparentesen: ![Karta över länet](karta.png).",
                        )
                    if str(child.attrGet("title") or "").strip() and not alone:
                        raise Refused(
                            f"bilden har bildtexten ”{child.attrGet('title')}”, men står inte ensam "
                            "i sitt stycke, så bildtexten kan inte visas.",
                            "Ställ bilden på en egen rad med tomma rader före och efter, "
                            "eller ta bort bildtexten inom citattecknen.",
                        )
            except Refused as refused:
                problems.fail(chapter.path, child.meta.get("line"), refused.message, refused.hint)


_RAW_HTML = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?\s*>")


def _warn_raw_html(chapter: ParsedChapter, problems: Problems) -> None:
    """Raw HTML is shown as text, never run; say so, so nobody believes it took effect."""
    for token in chapter.tokens:
        for child in token.children or []:
            if child.type == "text" and (match := _RAW_HTML.search(child.content)):
                problems.warn(
                    chapter.path,
                    child.meta.get("line"),
                    f"HTML-koden {match.group(0)} visas som text; HTML i kapitlen används inte.",
                    "Skriv med Markdown i stället.",
                )


def _check_logo(sources: Sources, logo: str, problems: Problems) -> None:
    try:
        resolve_image(sources.root, "report.yaml", logo)
    except Refused as refused:
        line = sources.settings.line(("logo",)) if sources.settings else None
        problems.fail("report.yaml", line, f"logo: {refused.message}", refused.hint)


_READS_FACTS = re.compile(r"\b(?:fakta|tal)\b")
_READS_SETTINGS = re.compile(r"\b(?:rapport|ekonomi)\b")


def _check_expressions(
    chapters: list[ParsedChapter],
    names: dict[str, Any] | None,
    placements: Placements,
    problems: Problems,
    facts_valid: bool,
    settings_valid: bool = True,
) -> None:
    """Evaluate every `{{ … }}`; one that reads the facts (or report.yaml's settings) only for
    its syntax while they are invalid (their mistakes are reported already)."""
    evaluator = Evaluator(names or {})
    for chapter in chapters:
        placements.appendix = chapter.appendix
        for expression in chapter.expressions:
            if not expression.block and BLOCK_DIRECTIVE.match(expression.source):
                problems.fail(
                    chapter.path,
                    expression.line,
                    f"{{{{ {expression.source} }}}} står inne i texten, men det blir ett eget block "
                    "(ett diagram, en lista eller en tabell) och kan inte stå mitt i en mening.",
                    hint="Flytta det till en egen rad, med en tom rad före och efter.",
                )
                continue
            try:
                if (
                    names is None
                    or not facts_valid
                    and _READS_FACTS.search(expression.source)
                    or not settings_valid
                    and _READS_SETTINGS.search(expression.source)
                ):
                    evaluator.check_syntax(expression.source)
                else:
                    evaluator.evaluate(expression.source)
            except ExpressionError as error:
                problems.fail(chapter.path, expression.line, str(error))
