"""Stage 4, render: chapters to HTML, then the page templates for the screen and print editions.

Reads the validated Report and produces HTML strings; nothing is written here. Every link,
image and expression is checked as it is rendered, and every problem is reported with the
chapter file and line. `render_chapters` renders the chapters once and `render_edition`
makes one edition's page from them, so the pipeline can hand the print page to the print
process before it makes the web page; `render` does both for callers that want it all.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, TemplateError
from jinja2.exceptions import SecurityError
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from kfsreport import __version__
from kfsreport.charts.figures import Charts, screen_svg
from kfsreport.errors import Problems, shown
from kfsreport.render.contents import bookmark_css, contents_depth, in_contents
from kfsreport.render.directives import FigureValue, namespace
from kfsreport.render.english import in_english
from kfsreport.render.expressions import Evaluator, ExpressionError, template_reason
from kfsreport.render.fit import CoverSizes, cover_sizes
from kfsreport.render.htmlcheck import unsafe_parts
from kfsreport.render.hyphenation import mark_breaks, read_word_list
from kfsreport.render.markdown import (
    BOX_KINDS,
    Heading,
    ParsedChapter,
    captioned_image,
    make_parser,
    plain_text,
)
from kfsreport.render.numbers import bind, bind_numbers
from kfsreport.render.pagerefs import mark_page_references
from kfsreport.render.sandbox import LimitError
from kfsreport.render.screenbreaks import soft_hyphens_in_headings
from kfsreport.render.stylesheets import build_stylesheet
from kfsreport.render.tablehead import grouped_heads
from kfsreport.render.tables import number_tables
from kfsreport.render.tablewidth import MANY_COLUMNS, NUMBER, VERY_MANY_COLUMNS, landscape, refuse_too_wide
from kfsreport.render.templates import (
    TEMPLATE_FILTERS,
    PageContext,
    RenderedChapter,
    TocEntry,
    b64,
    make_environment,
    template_dirs,
    unclosed_block_line,
)
from kfsreport.render.theme import theme_css
from kfsreport.validate.links import data_uri, resolve_image
from kfsreport.validate.report import Report

Edition = Literal["screen", "print"]


@dataclass(frozen=True)
class Document:
    """The rendered editions: HTML for the screen, HTML for WeasyPrint (None if not asked)."""

    screen_html: str | None
    print_html: str | None


MAX_PAGE_CHARS = 100_000_000
"""The most text one template may write; a loop that writes without end is stopped here."""


def render_template(
    env: Environment,
    name: str,
    root: Path,
    problems: Problems,
    max_chars: int = MAX_PAGE_CHARS,
    **context: Any,
) -> str:
    """Render template `name`; a broken or forbidden template is reported at its own file and line."""
    try:
        template = env.get_template(name)
        written = _written(template.generate(**context), max_chars)
        if written is not None:
            return written
        path, _ = _template_location(TemplateError(), root, template.filename)
        too_much = f"mallen skriver mer än {max_chars:_} tecken.".replace("_", " ")
        problems.fail(path, None, too_much, "Rätta slingan i mallen.")
    except SecurityError as error:
        path, line = _template_location(error, root)
        problems.fail(
            path, line, _forbidden(error), "Ta bort det ur mallen; mallar kan bara visa rapportens innehåll."
        )
    except RecursionError as error:
        path, line = _template_location(error, root)
        problems.fail(path, line, "mallen anropar sig själv utan slut.", "Rätta makrot eller inkluderingen.")
    except TemplateError as error:
        path, line = _template_location(error, root)
        source = getattr(error, "source", None)
        if "end of template" in (error.message or "") and source:
            line = unclosed_block_line(env, source) or line
        problems.fail(path, line, _broken(error), "Rätta mallen eller ta bort den.")
    except (TypeError, ValueError, LookupError, ArithmeticError) as error:
        path, line = _template_location(error, root)
        if not path.startswith("templates/") or not (root / path).is_file():
            raise  # not the report's own template: the caller says what in the report it was
        problems.fail(path, line, _failed(error), "Rätta mallen eller ta bort den.")
    return ""


def _failed(error: Exception) -> str:
    """Why the report's own template stopped while it ran (Python's words are English)."""
    if isinstance(error, OverflowError):  # the sandbox's limit on range()
        return "mallen ber om en för lång talföljd (range() får ha högst 100 000 tal)."
    return (
        "mallen kan inte köras med rapportens data: ett värde av fel slag, ett tal som inte "
        "kan räknas ut eller något som inte finns."
    )


def _written(chunks: Iterator[str], max_chars: int) -> str | None:
    """The template's text, or None as soon as it passes `max_chars` (a loop without end)."""
    parts, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_chars:
            return None
        parts.append(chunk)
    return "".join(parts)


def _broken(error: TemplateError) -> str:
    unknown = re.match(r"No (filter|test) named '([^']+)'", error.message or "")
    if unknown:
        kind = "filtret" if unknown.group(1) == "filter" else "testet"
        allowed = ", ".join(sorted(TEMPLATE_FILTERS)) if kind == "filtret" else ""
        return f"{kind} '{unknown.group(2)}' finns inte i mallar" + (
            f" (filter: {allowed})." if allowed else "."
        )
    undefined = re.match(r"'([^']+)' is undefined", error.message or "")
    if undefined:
        return f"'{undefined.group(1)}' finns inte i mallar."
    return f"mallen kan inte användas: {template_reason(error)}."


def _forbidden(error: SecurityError) -> str:
    """A Swedish message for what the sandbox refused (Jinja's own messages are English)."""
    if isinstance(error, LimitError) and str(error).startswith("slingorna"):
        return f"mallen arbetar för länge ({error})."
    if isinstance(error, LimitError):
        return f"mallen bygger ett för stort värde ({error})."
    attribute = re.search(r"attribute '([^']+)'", str(error))
    what = f"'{attribute.group(1)}'" if attribute else "Pythons inre delar"
    return f"mallen försöker använda {what}, som inte är tillåtet i en mall."


class _PlacedFigures:
    """Charts for the text: `figur("id")` renders the figure, `ref("id")` says "figur N"."""

    def __init__(self, env: Environment, charts: Charts, root: Path, problems: Problems) -> None:
        self.env = env
        self.figures = charts.figures
        self.root = root
        self.problems = problems

    def place(self, chart_id: str) -> Markup:
        figure = self.figures[chart_id]
        return Markup(
            render_template(self.env, "partials/figure.html.j2", self.root, self.problems, figure=figure)
        )

    def label(self, chart_id: str) -> str | None:
        figure = self.figures.get(chart_id)
        return f"figur {figure.number}" if figure else None


def render(
    report: Report,
    formats: Sequence[str],
    problems: Problems,
    charts: Charts | None = None,
    cache: Path | None = None,
) -> Document:
    """Render chapters once, then the page for each edition asked for; raise on problems."""
    chapters = render_chapters(report, problems, charts, cache)
    if "pdf" in formats:
        refuse_too_tall(chapters.charts, report, problems)
    printed = render_edition(chapters, "print", problems) if "pdf" in formats else None
    screen = render_edition(chapters, "screen", problems) if "html" in formats else None
    problems.raise_if_any()
    return Document(screen, printed)


@dataclass(frozen=True)
class Chapters:
    """The chapters rendered once, with what both editions' pages are made from."""

    report: Report
    env: Environment
    charts: Charts
    chapters: list[RenderedChapter]
    toc: list[TocEntry]
    logo: str | None
    cache: Path | None


def sources_of(report: Report) -> list[str]:
    """Every source the placed figures, the key figures and the facts' `sources` name, with
    its year, once each, alphabetically."""
    named = [report.charts[chart_id].citation for chart_id in report.figure_numbers]
    named += [figure.citation for figure in report.facts.figures.values() if figure.citation]
    named += [source.citation for source in report.facts.sources]
    return sorted(set(named), key=str.casefold)


def render_chapters(
    report: Report, problems: Problems, charts: Charts | None = None, cache: Path | None = None
) -> Chapters:
    """Every chapter's Markdown and directives to HTML, and the table of contents; raise on
    problems. `cache`: the report's cache folder, for font subsets (none: no cache)."""
    env = make_environment(report.root)
    charts = charts or Charts()

    def render_partial(template: str) -> str:
        return render_template(
            env,
            template,
            report.root,
            problems,
            facts=report.facts,
            report=report.settings,
            anchors=report.anchors,
            sources=sources_of(report),
            tal={key: FigureValue(figure) for key, figure in report.facts.figures.items()},
        )

    figures = _PlacedFigures(env, charts, report.root, problems)
    names = namespace(
        report.settings, report.facts, report.anchors, render_partial, figures, report.table_ids
    )
    evaluator = Evaluator(names)
    md = _renderer()
    chapters = [_render_chapter(md, chapter, report, evaluator, problems) for chapter in report.chapters]
    chapters = [_in_its_language(chapter) for chapter in number_tables(chapters, problems)]
    depth = contents_depth(report.settings)
    toc = [
        TocEntry.of(heading, chapter.lang)
        for chapter in report.chapters
        for heading in chapter.headings
        if in_contents(heading, depth)
    ]
    problems.raise_if_any()
    logo = (
        data_uri(resolve_image(report.root, "report.yaml", report.settings.logo))
        if report.settings.logo
        else None
    )
    return Chapters(report, env, charts, chapters, toc, logo, cache)


def render_edition(chapters: Chapters, edition: Edition, problems: Problems) -> str | None:
    """The page of one edition (`print`: for WeasyPrint; `screen`: the web page), or None with
    the problems recorded."""
    report = chapters.report
    page = _page(chapters.env, edition, report, chapters, problems)
    if page is not None and edition == "screen":
        page = _fonts_in_charts(page, chapters.charts, report, problems, chapters.cache)
    return page


_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def refuse_too_tall(charts: Charts, report: Report, problems: Problems) -> None:
    """A chart taller than a page holds in its figure would be split from its caption (the
    caption alone at a page's foot, the chart on the next page) or cut at the page's foot in
    the PDF (a bar chart of 80 municipalities showed the first 26 and no error); say so at the
    chart instead. So too a table whose numbers do not fit the page (`tablewidth`). The room
    is read from the stylesheets the report prints with (`printroom`). For a build that makes
    the PDF, and for `check` of a report that does."""
    from kfsreport.render.printroom import print_room

    room = None
    if any(token.type == "table_open" for chapter in report.chapters for token in chapter.tokens):
        room = print_room(template_dirs(report.root), report.settings.print == "duplex")
        refuse_too_wide(report.chapters, room, problems)
    for chart_id, figure in charts.figures.items():
        size = _SVG_SIZE.search(figure.svg[:2000])
        if chart_id in charts.stand_ins or size is None or float(size.group(1)) <= 0:
            continue
        room = room or print_room(template_dirs(report.root), report.settings.print == "duplex")
        height = room.chart_width_mm * float(size.group(2)) / float(size.group(1))
        if height > room.figure_mm:
            problems.fail(
                report.charts_path,
                report.chart_lines.get(chart_id),
                f"diagrammet '{chart_id}' blir {math.ceil(height)} mm högt i PDF-filen, men en sida "
                f"rymmer en figur med ett diagram på högst {math.floor(room.figure_mm)} mm, så "
                "figurtexten skulle hamna på en sida och diagrammet på nästa, eller diagrammet "
                "skäras av vid sidans fot.",
                hint="Visa färre kategorier (till exempel de största, eller räknade samman med "
                "compute:), eller dela upp det i flera diagram.",
            )


def _fonts_in_charts(
    html: str, charts: Charts, report: Report, problems: Problems, cache: Path | None
) -> str:
    """The web page with the report font inside each chart image (see `charts.figures`)."""
    dirs = template_dirs(report.root)
    for chart_id, figure in charts.figures.items():
        plain = b64(figure.svg)
        if chart_id not in charts.stand_ins and plain in html:
            html = html.replace(plain, b64(screen_svg(figure.svg, report.root, dirs, problems, cache)))
    return html


def fill_charts(html: str, stand_ins: Charts, charts: Charts, chapters: Chapters, problems: Problems) -> str:
    """The web page rendered with `stand_ins` (`figures.ChartsInProgress`) with each
    stand-in replaced by its drawn chart, the report font inside as `render_edition` puts it."""
    report = chapters.report
    dirs = template_dirs(report.root)
    for chart_id in stand_ins.stand_ins:
        drawn = charts.figures[chart_id].svg
        screen = screen_svg(drawn, report.root, dirs, problems, chapters.cache)
        html = html.replace(b64(stand_ins.figures[chart_id].svg), b64(screen))
    return html


def _page(
    env: Environment,
    edition: Edition,
    report: Report,
    chapters: Chapters,
    problems: Problems,
) -> str | None:
    placeholder = "/*kfsreport-stylesheet*/"
    settings = report.settings
    shows_period = settings.kind == "interim" and settings.kind_label != settings.title
    cover = (
        cover_sizes(
            settings.committee,
            settings.title,
            settings.subtitle,
            settings.kind_label if shows_period else None,
        )
        if edition == "print" and settings.layout != "memo"
        else CoverSizes()
    )
    context = PageContext(
        edition=edition,
        report=report.settings,
        facts=report.facts,
        chapters=chapters.chapters,
        toc=chapters.toc,
        stylesheet=Markup(placeholder),
        generator=f"kfsreport {__version__}",
        logo=chapters.logo,
        cover=cover,
    )
    html = render_template(env, "report.html.j2", report.root, problems, page=context)
    if not html:
        return None
    if edition == "screen":
        html = soft_hyphens_in_headings(html, read_word_list(report.root, Problems()))
    if edition == "print":
        html = mark_page_references(html, report.settings.page_references)
        html = mark_breaks(list_starts(without_chart_data(html)), read_word_list(report.root, problems))
    dirs = template_dirs(report.root)
    duplex = report.settings.print == "duplex"
    memo = report.settings.layout == "memo"
    css = build_stylesheet(report.root, dirs, edition, html, problems, chapters.cache, duplex, memo)
    _refuse_attachments(html, problems)  # the more precise message first
    _check_self_contained(html, edition, problems)
    if edition == "print":
        css += bookmark_css(contents_depth(report.settings))
    return html.replace(placeholder, css + theme_css(report.settings.theme), 1)


_LIST_START = re.compile(r'<ol start="(-?\d+)"')


def list_starts(html: str) -> str:
    """A numbered list that starts at another number (`5.` first in the Markdown) counted
    from it in the PDF too: WeasyPrint ignores `<ol start>` and would number it 1, 2, 3."""
    return _LIST_START.sub(
        lambda m: f'{m.group()} style="counter-reset: list-item {int(m.group(1)) - 1}"', html
    )


_DETAILS = re.compile(r"<(/?)details\b[^>]*>", re.IGNORECASE)
_CHART_DATA = re.compile(r"<details\b[^>]*\bclass\s*=\s*\"chart-data\"[^>]*>", re.IGNORECASE)


def without_chart_data(html: str) -> str:
    """The page without the web edition's folded tables of each chart's figures, which print
    hides (`display: none`): WeasyPrint would still read and style every cell, and a chart
    of 5 000 rows then costs the print process about 200 MB and seconds for nothing."""
    parts: list[str] = []
    at = 0
    for start in _CHART_DATA.finditer(html):
        if start.start() < at:
            continue  # inside one already left out
        depth, end = 0, None
        for tag in _DETAILS.finditer(html, start.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:
            break  # unclosed: keep the rest as it is (print still hides it)
        parts.append(html[at : start.start()])
        at = end
    parts.append(html[at:])
    return "".join(parts)


_ATTACHMENT = re.compile(r"<(?:link|a)\b[^>]*\brel\s*=\s*[\"']?[^\"'>]*\battachment\b", re.IGNORECASE)


def _refuse_attachments(html: str, problems: Problems) -> None:
    """WeasyPrint would embed a file named by rel="attachment" in the PDF; nothing is attached."""
    if _ATTACHMENT.search(html):
        problems.fail(
            "templates",
            None,
            'en mall ber om en bifogad fil (rel="attachment"); PDF:en bifogar inga filer.',
            "Ta bort länken ur mallen.",
        )


def _check_self_contained(html: str, edition: Edition, problems: Problems) -> None:
    """Each edition's page must load and run nothing, whatever produced it (`htmlcheck`): the
    intranet page as a browser reads it, and the page WeasyPrint lays out, so that what the
    print edition may fetch is decided here too, not only by the PDF stage's URL fetcher."""
    page = "HTML-sidan" if edition == "screen" else "Tryckutgåvans HTML (som PDF:en görs av)"
    for part in unsafe_parts(html):
        fetches = part.startswith("skulle hämta")
        problems.fail(
            "templates",
            None,
            f"{page} {part}; sidan ska vara fristående och "
            + ("hämtar ingenting." if fetches else "får inte köra eller styra något."),
            "Ta bort det ur mallen" + (" eller lägg in innehållet i mallen." if fetches else "."),
        )


def _template_location(error: Exception, root: Path, filename: str | None = None) -> tuple[str, int | None]:
    """The template file and line of an error: from a syntax error, or from the innermost
    template frame of the traceback (Jinja rewrites runtime tracebacks so their frames point
    into the templates)."""
    filename, line = getattr(error, "filename", None) or filename, getattr(error, "lineno", None)
    tb = error.__traceback__ if filename is None else None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return shown(Path(str(filename or "templates")), root), line


# --- chapters -----------------------------------------------------------------------------


@dataclass
class _ChapterState:
    """What the render rules need while one chapter is rendered."""

    chapter: ParsedChapter
    report: Report
    evaluator: Evaluator
    problems: Problems
    headings: Iterator[Heading]
    open_headings: list[int] = field(default_factory=list)
    open_boxes: list[str] = field(default_factory=list)
    in_cell: bool = False

    def fail(self, line: int | None, message: str, hint: str = "") -> None:
        self.problems.fail(self.chapter.path, line, message, hint)


def _in_its_language(chapter: RenderedChapter) -> RenderedChapter:
    """A chapter in English (`lang: en`) with the build's own words in English."""
    if chapter.lang is None or chapter.lang.split("-")[0].lower() != "en":
        return chapter
    return dataclasses.replace(chapter, html=Markup(in_english(str(chapter.html))))


def _render_chapter(
    md: MarkdownIt, chapter: ParsedChapter, report: Report, evaluator: Evaluator, problems: Problems
) -> RenderedChapter:
    state = _ChapterState(chapter, report, evaluator, problems, iter(chapter.headings[1:]))
    env = {"docId": chapter.id, "kfs": state}
    html = bind_numbers(md.renderer.render(chapter.tokens, md.options, env))
    return RenderedChapter(
        chapter.id,
        chapter.number,
        chapter.title,
        Markup(html),
        chapter.path,
        chapter.label,
        chapter.appendix,
        chapter.lang,
        chapter.author,
    )


def _renderer() -> MarkdownIt:
    md = make_parser()
    for name, rule in _RULES.items():
        md.add_render_rule(name, rule)
    return md


def _state(env: Any) -> _ChapterState:
    state = env["kfs"]
    assert isinstance(state, _ChapterState)
    return state


def _line(token: Token) -> int | None:
    if token.map:
        return token.map[0] + 1
    line = token.meta.get("line")
    return int(line) if line is not None else None


def _heading_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    state = _state(env)
    heading = next(state.headings)
    level = min(heading.depth + 1, 6)
    state.open_headings.append(level)
    css_class = tokens[idx].attrGet("class")
    class_attr = Markup(' class="{}"').format(css_class) if css_class else ""
    number = (
        Markup('<span class="heading-number">{}</span> ').format(heading.number) if heading.number else ""
    )
    return str(Markup('<h{} id="{}"{}>{}').format(level, heading.id, class_attr, number))


def _heading_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return f"</h{_state(env).open_headings.pop()}>\n"


def _expression(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    state = _state(env)
    token = tokens[idx]
    try:
        html = state.evaluator.evaluate(token.content)
    except ExpressionError as error:
        state.fail(_line(token), str(error))
        return ""
    if token.type == "kfs_directive":
        return f"{html}\n"
    return _capitalised(str(html)) if _starts_sentence(tokens, idx) else str(html)


_XREF = re.compile(r'^(<a class="xref" href="[^"]*">)(\w)')


def _starts_sentence(tokens: list[Token], idx: int) -> bool:
    """Whether the value at `idx` opens a sentence: first in its paragraph, list item or
    cell, or after a full stop, question or exclamation mark and a space or line break."""
    before = idx - 1
    if before >= 0 and tokens[before].type in ("softbreak", "hardbreak"):
        before -= 1
        if before < 0:
            return True
        text = tokens[before].content + " "
    elif before >= 0:
        text = tokens[before].content
    else:
        return True
    return tokens[before].type == "text" and bool(re.search(r"[.!?]\s+$", text))


def _capitalised(html: str) -> str:
    """`ref()` at the start of a sentence: "Figur 3 visar …", "Avsnitt 2.1 beskriver …"."""
    return _XREF.sub(lambda m: m.group(1) + m.group(2).upper(), html, count=1)


def _box_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    state = _state(env)
    kind, _, title = tokens[idx].info.strip().partition(" ")
    state.open_boxes.append(kind)
    if kind == "citat":
        return '<blockquote class="citat">\n'
    label = title.strip() or BOX_KINDS.get(kind, kind)
    return str(
        Markup('<aside class="{}" aria-label="{}">\n<p class="box-title">{}</p>\n').format(kind, label, label)
    )


def _box_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    kind = _state(env).open_boxes.pop()
    return "</blockquote>\n" if kind == "citat" else "</aside>\n"


def _image(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """An image as a data: URI, so both editions carry it inline (validated already)."""
    state = _state(env)
    token = tokens[idx]
    path = resolve_image(state.report.root, state.chapter.path, str(token.attrGet("src") or ""))
    image = Markup('<img src="{}" alt="{}">').format(data_uri(path), plain_text(token))
    caption = str(token.attrGet("title") or "").strip()
    if caption:  # alone in its paragraph, which `_paragraph_open` made a figure (validated)
        image += Markup('\n<figcaption class="image-caption">{}</figcaption>').format(caption)
    return str(image)


def _table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A table in a box that scrolls sideways on a narrow screen; the box can take keyboard
    focus (so it can be scrolled without a mouse) and is named by the table's caption, or
    its column heads. A table with a caption was opened by the caption (`_paragraph_open`)."""
    if tokens[idx].meta.get("captioned"):
        return ""
    heads = _column_heads(tokens, idx)
    return _open_table(self, tokens, idx, options, env, "Tabell: " + ", ".join(heads) if heads else "Tabell")


def _open_table(self: Any, tokens: list[Token], idx: int, options: Any, env: Any, label: str) -> str:
    columns = tokens[idx].meta.get("columns", 0)
    for token in tokens[idx + 1 :] if not columns else ():
        if token.type in ("thead_close", "table_close"):
            break
        columns += token.type == "th_open"
    wrap = "table-wrap" + (" many-columns" if columns >= MANY_COLUMNS else "")
    wrap += " very-many-columns" if columns >= VERY_MANY_COLUMNS else ""
    wrap += " landscape" if landscape(tokens[idx]) else ""
    return str(
        Markup('<div class="{}" role="region" tabindex="0" aria-label="{}">\n').format(wrap, label)
    ) + str(self.renderToken(tokens, idx, options, env))


def _paragraph_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """`Tabell: Rubrik` above a table (`markdown._table_captions`) opens the table and its caption."""
    if not tokens[idx].meta.get("table_caption"):
        if not tokens[idx].hidden and captioned_image(tokens[idx + 1]) is not None:
            return '<figure class="image">\n'
        return str(self.renderToken(tokens, idx, options, env))
    label = plain_text(tokens[idx + 1])
    return _open_table(self, tokens, idx + 3, options, env, label) + "<caption>"


def _paragraph_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    if idx >= 2 and tokens[idx - 2].meta.get("table_caption"):
        return "</caption>\n"
    if not tokens[idx].hidden and captioned_image(tokens[idx - 1]) is not None:
        return "</figure>\n"
    return str(self.renderToken(tokens, idx, options, env))


def _column_heads(tokens: list[Token], idx: int) -> list[str]:
    """The text of the header cells of the table that opens at `tokens[idx]` (each column's
    full heading in a table with grouped headings, `Budget helår`)."""
    if "heads" in tokens[idx].meta:
        return grouped_heads(tokens, idx)
    heads: list[str] = []
    for token in tokens[idx + 1 :]:
        if token.type in ("thead_close", "tbody_open", "table_close"):
            break
        if token.type == "inline" and token.content.strip():
            heads.append(plain_text(token))
    return heads


def _thead_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A table with grouped column headings (`render/tablehead.py`) has a `<colgroup>` per group,
    which its group headings' `scope="colgroup"` refers to."""
    groups = "".join(
        f'<colgroup span="{span}"></colgroup>' if span > 1 else "<colgroup></colgroup>"
        for span in tokens[idx].meta.get("colgroups", [])
    )
    return (groups + "\n" if groups else "") + str(self.renderToken(tokens, idx, options, env))


def _table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return str(self.renderToken(tokens, idx, options, env)) + "</div>\n"


def _dl_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A definition list (`Term` / `: förklaring`): each term with its definitions in a `<div>`,
    which the PDF's tags make one list item, the term its label and the definition its body
    (`printing/pdftags._definitions`), and which print keeps on one page."""
    return '<dl class="definitions">\n'


def _dt_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    close = "</div>\n" if tokens[idx - 1].type == "dd_close" else ""
    return close + "<div>" + str(self.renderToken(tokens, idx, options, env))


def _dl_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return "</div>\n</dl>\n"


_HYPHENATED = re.compile(r"\w+-(?:\w+-)*\w+|\w+- (?:och|eller|samt|respektive|till)\b")


_IN_CELL = re.compile(f"{NUMBER.pattern}|{_HYPHENATED.pattern}")


def _escape_text(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Text, with words that hold a hyphen kept on one line (`IT-kunskaper`, `Vård- och`):
    a line ending in a real hyphen would be joined with the next line when the PDF's text is
    copied, as a layout hyphen should be. In a table cell, every number is kept on one line
    too (`60,5 %`, `2023`): a cell too narrow for it breaks the words around it, never the
    number (`tablewidth` refuses a table whose numbers do not fit)."""
    text = str(escape(tokens[idx].content))
    if _state(env).in_cell:
        return _IN_CELL.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', bind(text))
    return _HYPHENATED.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', text)


def _cell_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A cell; a group heading's text (`render/tablehead.py`) in a block that carries the rule
    under it."""
    _state(env).in_cell = True
    group = tokens[idx].attrGet("class") == "column-group"
    name = '<span class="column-group-name">' if group else ""
    return str(self.renderToken(tokens, idx, options, env)) + name


def _cell_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    _state(env).in_cell = False
    group = tokens[idx - 2].attrGet("class") == "column-group"
    return ("</span>" if group else "") + str(self.renderToken(tokens, idx, options, env))


# Footnotes: numbered in the text, listed at the end of the chapter, and linked both ways
# with Swedish accessible names. `footnote-backref` is the link back to the text (the print
# stylesheet hides it: a PDF has no use for it).


def _footnote_number(token: Token) -> str:
    return str(token.meta["id"] + 1)


def _footnote_id(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """`-chapter-n`: the chapter's id keeps footnote ids unique on the page."""
    return f"-{env['docId']}-{_footnote_number(tokens[idx])}"


def _reference_id(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """The id of one reference to a footnote (the second reference to it gets `:1` …)."""
    sub = tokens[idx].meta.get("subId", -1)
    return _footnote_id(self, tokens, idx, options, env) + (f":{sub}" if sub > 0 else "")


def _footnote_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    number = _footnote_number(tokens[idx])
    return str(
        Markup(
            '<sup class="footnote-ref"><a href="#fn{}" id="fnref{}" aria-label="Fotnot {}">{}</a></sup>'
        ).format(
            _footnote_id(self, tokens, idx, options, env),
            _reference_id(self, tokens, idx, options, env),
            number,
            number,
        )
    )


def _footnote_block_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return (
        '<hr class="footnotes-sep">\n<section class="footnotes" aria-label="Fotnoter">\n'
        '<ol class="footnotes-list">\n'
    )


def _footnote_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    return f'<li id="fn{_footnote_id(self, tokens, idx, options, env)}" class="footnote-item">'


def _footnote_anchor(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """The link back to the place in the text; a footnote referred to twice gets two."""
    sub = tokens[idx].meta.get("subId", 0)
    shown = "Tillbaka till texten" + (f" ({sub + 1})" if sub > 0 else "")
    label = f"Tillbaka till texten vid fotnot {_footnote_number(tokens[idx])}" + (
        f", hänvisning {sub + 1}" if sub > 0 else ""
    )
    return str(
        Markup(' <a href="#fnref{}" class="footnote-backref" aria-label="{}">{}</a>').format(
            _reference_id(self, tokens, idx, options, env), label, shown
        )
    )


def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A link to a web page is followed by its address (without `https://`) in a span that
    only the print edition shows: on paper the link text alone does not say where it leads.
    Not when the text already is the address. (Outside the link: inside it, the address
    would be a second link annotation within the first.)"""
    href = str(tokens[idx].attrGet("href") or "")
    address = re.sub(r"^https?://", "", href).rstrip("/")
    text = []
    for child in tokens[idx + 1 :]:
        if child.type == "link_close":
            break
        text.append(child.content)
    shown = "".join(text).strip()
    web = address != href and shown not in (href, address, href.rstrip("/"))
    env.setdefault("link_addresses", []).append(address if web else None)
    return str(self.renderToken(tokens, idx, options, env))


def _link_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    addresses = env.get("link_addresses") or [None]
    address = addresses.pop()
    close = str(self.renderToken(tokens, idx, options, env))
    if address is None:
        return close
    return close + str(Markup('<span class="link-address"> ({})</span>').format(address))


_RULES = {
    "link_open": _link_open,
    "link_close": _link_close,
    "heading_open": _heading_open,
    "heading_close": _heading_close,
    "kfs_directive": _expression,
    "kfs_value": _expression,
    "container_box_open": _box_open,
    "container_box_close": _box_close,
    "image": _image,
    "table_open": _table_open,
    "paragraph_open": _paragraph_open,
    "paragraph_close": _paragraph_close,
    "table_close": _table_close,
    "thead_open": _thead_open,
    "text": _escape_text,
    "th_open": _cell_open,
    "td_open": _cell_open,
    "th_close": _cell_close,
    "td_close": _cell_close,
    "dl_open": _dl_open,
    "dt_open": _dt_open,
    "dl_close": _dl_close,
    "footnote_ref": _footnote_ref,
    "footnote_block_open": _footnote_block_open,
    "footnote_open": _footnote_open,
    "footnote_anchor": _footnote_anchor,
}
