"""Structure: alternative texts, heading levels, empty sections and placeholders.

These rules read the build's parsed chapters (`ParsedChapter.tokens` with their lines). Links,
cross-references, images and missing alternative texts are already errors in the build's own
validation; the rules here add what a build lets through but a reader would stumble on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from markdown_it.token import Token

from kfsreport.commands.check.findings import Findings
from kfsreport.load.folder import CHARTS_FILE, SETTINGS_FILE, ChapterSource
from kfsreport.load.schema import Facts, ReportSettings
from kfsreport.load.yamlfile import Located
from kfsreport.render.markdown import ParsedChapter, plain_text
from kfsreport.validate.links import IMAGE_TYPES

PLACEHOLDER = "Att skriva:"
"""How `kfsreport new` starts the hint under each heading; check warns while one is left."""

_VAGUE_ALT = {"bild", "bilden", "foto", "fotografi", "image", "figur", "diagram", "karta", "logotyp"}
_DIRECTIVE_DATA = {
    "riktade_uppdrag": ("assignments", "riktade uppdrag"),
    "slutsatser": ("conclusions", "slutsatser"),
    "rekommendationer": ("recommendations", "rekommendationer"),
    "rekommendationer_i_korthet": ("recommendations", "rekommendationer"),
    "ledamoter": ("members", "ledamöter"),
    "underskrift": ("signed_by, eller members → role: ordförande", "som skriver under"),
    "aret_i_siffror": ("figures → label", "nyckeltal med label"),
    "uppfoljning": ("follow_up", "rekommendationer att följa upp"),
    "plan": ("plan → goals eller focus_areas", "mål eller fokusområden i planen"),
    "uppdragsbeskrivning": ("standing_assignment", "bestående uppdrag"),
    "ekonomi": ("economy", "belopp i ekonomin"),
    "atgardsplan": ("action_plan", "åtgärder i en åtgärdsplan"),
    "fokusomraden": ("plan → focus_areas", "fokusområden"),
}


def check_chapter(chapter: ParsedChapter, source: ChapterSource | None, findings: Findings) -> None:
    """Every structural rule for one chapter."""
    _images(chapter, findings)
    _heading_levels(chapter, findings)
    _empty_sections(chapter, findings)
    _placeholders(chapter, findings)


def check_directives(chapter: ParsedChapter, facts: Facts, findings: Findings) -> None:
    """A directive placed in the text whose data is empty shows nothing: a warning."""
    present = {
        "riktade_uppdrag": bool(facts.assignments),
        "slutsatser": bool(facts.conclusions),
        "rekommendationer": bool(facts.recommendations),
        "rekommendationer_i_korthet": bool(facts.recommendations),
        "ledamoter": bool(facts.members),
        "underskrift": facts.chair is not None or bool(facts.signed_by),
        "aret_i_siffror": any(figure.label for figure in facts.figures.values()),
        "uppfoljning": bool(facts.follow_up),
        "plan": bool(facts.plan.goals or facts.plan.focus_areas),
        "uppdragsbeskrivning": facts.standing_assignment is not None,
        "ekonomi": facts.economy is not None and facts.economy.has_numbers,
        "atgardsplan": facts.action_plan is not None,
        "fokusomraden": bool(facts.plan.focus_areas),
    }
    for token in chapter.tokens:
        name = token.content.strip() if token.type == "kfs_directive" else ""
        if name in _DIRECTIVE_DATA and not present[name]:
            key, what = _DIRECTIVE_DATA[name]
            findings.warning(
                chapter.path,
                _line(token),
                f"{{{{ {name} }}}} visar ingenting: data/facts.yaml har inga {what} ({key}).",
                "Fyll i dem i data/facts.yaml, eller ta bort raden.",
            )


def check_settings(settings: ReportSettings, located: Located | None, findings: Findings) -> None:
    """`kfsreport new` dates a report 1 January (a holiday) until the real date is set."""
    if settings.date == dt.date(settings.year, 1, 1):
        findings.warning(
            SETTINGS_FILE,
            located.line(("date",)) if located else None,
            f"datumet {settings.date.isoformat()} är platshållaren från kfsreport new.",
            "Skriv rapportens datum (ÅÅÅÅ-MM-DD) i date.",
        )


def check_chart_alts(located: Located, findings: Findings) -> None:
    """A chart's alternative text must say what it shows, not name a file."""
    charts = located.data.get("charts") if isinstance(located.data, dict) else None
    for i, chart in enumerate(charts if isinstance(charts, list) else []):
        alt = chart.get("alt") if isinstance(chart, dict) else None
        if isinstance(alt, str) and _looks_like_file(alt, None):
            findings.error(
                CHARTS_FILE,
                located.line(("charts", i, "alt")),
                f"alternativtexten '{alt}' är ett filnamn, inte en beskrivning.",
                "Beskriv vad diagrammet visar och vad läsaren ska se i det.",
            )


def _images(chapter: ParsedChapter, findings: Findings) -> None:
    for token in chapter.tokens:
        for child in token.children or []:
            if child.type != "image":
                continue
            alt = plain_text(child)
            if alt and _looks_like_file(alt, str(child.attrGet("src") or "")):
                findings.error(
                    chapter.path,
                    child.meta.get("line"),
                    f"alternativtexten '{alt}' säger inte vad bilden visar.",
                    "Beskriv bilden för den som inte ser den: "
                    "![Karta över länets kommuner](bilder/karta.png).",
                )


def _looks_like_file(alt: str, src: str | None) -> bool:
    text = alt.strip().lower()
    path = PurePosixPath(text)
    if path.suffix in IMAGE_TYPES or text in _VAGUE_ALT:
        return True
    named = PurePosixPath((src or "").lower())
    return bool(src) and text in (named.name, named.stem)


def _heading_levels(chapter: ParsedChapter, findings: Findings) -> None:
    previous = 1
    for heading in chapter.headings[1:]:
        if heading.level > previous + 1:
            above = "kapitelrubriken" if previous == 1 else f"en rubrik med {'#' * previous}"
            findings.error(
                chapter.path,
                heading.line,
                f"rubriken ”{heading.title}” ({'#' * heading.level}) hoppar över en nivå: "
                f"närmast ovanför står {above}.",
                f"Skriv den med {'#' * (previous + 1)}, så att skärmläsare och innehållsförteckning "
                "förstår ordningen.",
            )
        previous = heading.level


def _empty_sections(chapter: ParsedChapter, findings: Findings) -> None:
    end = next((i for i, t in enumerate(chapter.tokens) if t.type == "footnote_block_open"), None)
    tokens = chapter.tokens[:end]
    if not any(t.type not in ("heading_open", "heading_close", "inline") and t.nesting >= 0 for t in tokens):
        findings.warning(
            chapter.path, 1, "kapitlet har ingen text.", "Skriv kapitlets text under front matter."
        )
        return
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        following = next((t for t in tokens[i + 3 :] if t.block), None)
        level = int(token.tag[1])
        if following is None or (following.type == "heading_open" and int(following.tag[1]) <= level):
            findings.warning(
                chapter.path,
                _line(token),
                f"avsnittet ”{plain_text(tokens[i + 1])}” är tomt.",
                "Skriv text under rubriken, eller ta bort rubriken.",
            )


def _placeholders(chapter: ParsedChapter, findings: Findings) -> None:
    for token in chapter.tokens:
        if token.type == "inline" and plain_text(token).startswith(PLACEHOLDER):
            findings.warning(
                chapter.path,
                _line(token),
                "ledtexten från kfsreport new står kvar.",
                "Skriv avsnittets text och ta bort stycket som börjar med ”Att skriva:”.",
            )


def _line(token: Token) -> int | None:
    return (token.map[0] + 1) if token.map else None
