"""`kfsreport check`: everything the build validates, and what a careful reader would catch.

Runs the build's own stages (`pipeline.make`: load → validate → charts → render, HTML only;
nothing is written into the report folder), then rules on the parsed chapters and the
facts, one module per family:
`structure` (footnotes, alternative texts, heading levels, empty sections, placeholders),
`spelling` (Hunspell, Swedish), `readability` (LIX, long sentences), `typography` and
`stylesheets` (WeasyPrint's warnings about the print stylesheets), `carried` (what
`kfsreport new` brought over from last year and nobody has updated). Produces an `Outcome`;
the command prints it grouped by file.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport.commands.check.carried import check_carried
from kfsreport.commands.check.findings import Finding, Findings
from kfsreport.commands.check.language import check_chapter_language
from kfsreport.commands.check.readability import MAX_WORDS, Readability, check_readability
from kfsreport.commands.check.spelling import (
    check_english_chapters,
    check_spelling,
    make_speller,
    missing_dictionary,
    spelled_words,
)
from kfsreport.commands.check.structure import (
    check_chapter,
    check_chart_alts,
    check_directives,
    check_settings,
)
from kfsreport.commands.check.stylesheets import cached_warnings, check_print_stylesheets
from kfsreport.commands.check.text import TextRun, chapter_runs, yaml_runs
from kfsreport.commands.check.totals import check_totals
from kfsreport.commands.check.typography import check_typography
from kfsreport.commands.hunspell import Speller
from kfsreport.errors import Problems
from kfsreport.load.folder import Sources
from kfsreport.pipeline import Made, make, print_process, release
from kfsreport.render.markdown import ParsedChapter
from kfsreport.render.stylesheets import fonts_only_checked
from kfsreport.validate.report import Report
from kfsreport.write.cache import cache_dir, checked_before
from kfsreport.write.output import write_outputs

if TYPE_CHECKING:
    from kfsreport.printing.printworker import PrintServer

FACTS_TEXT = frozenset(
    {"text", "title", "label", "addressed_to", "topic", "place", "source", "established", "decided_by"}
)
CHARTS_TEXT = frozenset({"title", "alt", "description", "source", "x_title", "y_title"})
SETTINGS_TEXT = frozenset(
    {"title", "subtitle", "subject", "keywords", "committee", "organisation", "adopted_by"}
    | {"known_issues", "response_time", "manual_testing"}  # the accessibility statement's prose
)


@dataclass(frozen=True)
class Outcome:
    """What check found, and the plain-language figures of each chapter."""

    findings: list[Finding]
    readability: list[Readability]
    page: str | None = None
    """The web page check rendered (None if the report did not get that far)."""

    @property
    def written_hyphens(self) -> frozenset[str]:
        """The words the report writes with a hyphen, for `--pdf` (`pdfcheck.written_hyphens`),
        read from the page only when asked."""
        from kfsreport.commands.check.pdfcheck import written_hyphens

        return written_hyphens(self.page) if self.page is not None else frozenset()

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.warning]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.warning]

    def exit_code(self, strict: bool) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def report(self, strict: bool = False, quiet: bool = False) -> str:
        """The findings grouped by file, `path:line: fel|varning: message. Fix.`, and a summary."""
        shown = [f for f in self.findings if not f.warning or strict or not quiet]
        lines: list[str] = []
        for path, group in _by_file(shown):
            errors = sum(1 for f in group if not f.warning)
            counts = ", ".join(p for p in (_count(errors, "fel", "fel"), _warnings(len(group) - errors)) if p)
            lines += [*([""] if lines else []), f"{path or '(rapporten)'}: {counts}"]
            lines += [_line(f) for f in group]
        if not quiet:
            lines += ["", *self._readability_lines(), "", self._summary(strict)]
        elif self.exit_code(strict):
            lines += ["", self._summary(strict)]
        return "\n".join(lines).lstrip("\n") + "\n" if lines else ""

    def _readability_lines(self) -> list[str]:
        if not self.readability:
            return []
        width = max(len(r.path) for r in self.readability)
        rows = [
            f"  {r.path:<{width}}  LIX {r.lix:>2} ({r.level}), {r.words} ord i {r.sentences} "
            f"{'mening' if r.sentences == 1 else 'meningar'}"
            if r.words
            else f"  {r.path:<{width}}  ingen löptext"
            for r in self.readability
        ]
        return [f"Läsbarhet per kapitel (LIX; meningar över {MAX_WORDS} ord visas som varningar):", *rows]

    def _summary(self, strict: bool) -> str:
        errors, warnings = len(self.errors), len(self.warnings)
        if not errors and not warnings:
            return "Inga fel och inga varningar. Bygg rapporten med kfsreport build."
        found = " och ".join(p for p in (_count(errors, "fel", "fel"), _warnings(warnings)) if p)
        if errors:
            return f"{found}. Rätta felen (fil och rad står först på raden) och kör kfsreport check igen."
        if strict:
            return f"{found}; med --strict räknas varningar som fel. Rätta dem och kör kontrollen igen."
        return (
            f"Inga fel, {found}. Se över varningarna innan rapporten skickas (--strict räknar dem som fel)."
        )


def check(
    project: Path, on_stage: Callable[[str], None] | None = None, printer: PrintServer | None = None
) -> Outcome:
    """Check the report in `project` without writing into it; return every finding.

    What only costs time is kept in the report's cache folder (never the report folder):
    the drawn charts, as a build keeps them, the spelling verdicts and WeasyPrint's verdict on
    the report's own print stylesheets. The first check of a report, or one whose own
    stylesheets changed, starts a print process at once, which draws the charts and judges
    the words on the second core (and imports WeasyPrint first if there are stylesheets to
    read) while this process loads and checks the report, as a build does; the web page is
    rendered with its fonts subset but not compressed, since check never shows it. `printer`:
    a print process the caller started ahead for a check that would need one (the command
    does, before importing this package); check uses it, or ends it if every verdict is in
    the cache."""
    stage = on_stage or (lambda name: None)
    findings = Findings()
    root = project.resolve()
    cache = cache_dir(root)
    known = cached_warnings(root, cache)
    if checked_before(cache) and known is not None:
        release(printer)  # the spelling verdicts and stylesheets' warnings are in the cache
        printer = None
    elif printer is None:
        printer = print_process(ahead=known is None)
    word_list_problems = Problems()  # ordlista.txt that cannot be read: an error, not ignored
    speller = make_speller(root, word_list_problems, cache=cache)
    findings.errors_from(word_list_problems.errors)
    ahead = _SpellingAhead(printer, speller) if printer is not None and speller is not None else None
    loading = None
    if printer is not None and speller is not None:
        # The first check of a report: the print process judges the words (`_SpellingAhead`)
        # once the report is valid. If it never gets that far, the first time this process
        # waits for the print process (to parse the stylesheets), the Swedish dictionary
        # loads in a thread. Hunspell holds the interpreter while it reads (0.2–0.4 s), so
        # a thread started any earlier would only stop this process's own work.
        loading = threading.Thread(target=_load, args=(speller,), daemon=True)
        printer.while_waiting(loading.start)
    try:
        with fonts_only_checked():
            made = make(
                root,
                ["html"],
                cache=cache,
                on_stage=stage,
                printer=printer,
                on_valid=ahead.start if ahead is not None else None,
            )
        _keep_charts(made)
        findings.errors_from(made.problems.errors)
        findings.warnings_from(made.problems.warnings)
        sources, report = made.sources, made.report
        assert sources is not None  # loading always gives the sources, perhaps empty
        if report is not None:
            check_print_stylesheets(report.root, findings, cache, printer)
            chapters = report.chapters
        else:
            chapters = _chapters_anyway(sources)
    finally:
        if printer is not None:
            printer.while_waiting(None)  # never waited: the spelling loads the dictionary itself
        if ahead is not None:
            ahead.finish()
        release(printer)
    stage("rules")
    runs = ahead.runs if ahead is not None and ahead.runs is not None else _runs(sources, chapters)
    swedish = _rules(sources, report, chapters, findings, runs)
    readability = [  # LIX and sentence length are Swedish measures: not for an English summary
        check_readability(chapter.path, chapter.title, runs[chapter.path], findings)
        for chapter in chapters
        if chapter.lang is None or chapter.lang.split("-")[0] == "sv"
    ]
    stage("spelling")
    if loading is not None and loading.is_alive():
        loading.join()
    if speller is None:
        missing_dictionary(findings)
    else:
        check_spelling(speller, (run for group in runs.values() for run in group), findings)
        english = (run for path, group in runs.items() if path not in swedish for run in group)
        check_english_chapters(speller, english, findings)
        speller.keep()
    return Outcome(findings.items, readability, made.document.screen_html if made.document else None)


class _SpellingAhead:
    """The first check's spelling judged in the print process, which has loaded Hunspell's
    dictionaries by the time this process has computed the charts (the process is idle
    between importing WeasyPrint and drawing them). Asked from a thread, since the answer
    comes when this process is busy; a print process that fails leaves the words to the
    speller here, which then loads the dictionaries itself."""

    def __init__(self, printer: PrintServer, speller: Speller) -> None:
        self.printer, self.speller = printer, speller
        self.runs: dict[str, list[TextRun]] | None = None
        self._asking: threading.Thread | None = None
        self._verdicts: object = None

    def start(self, made: Made) -> None:
        """The report is valid: its prose is known, so its words go to the print process."""
        if made.sources is None or made.report is None:
            return
        self.runs = _runs(made.sources, made.report.chapters)
        words = self.speller.unjudged(
            word for group in self.runs.values() for _, _, word in spelled_words(group)
        )
        if not words:
            return
        self.printer.while_waiting(None)  # the dictionaries load there, not here
        folder, extra = self.speller.source
        self._asking = threading.Thread(target=self._ask, args=(folder, extra, words), daemon=True)
        self._asking.start()

    def _ask(self, folder: Path, extra: list[str], words: list[str]) -> None:
        self._verdicts = self.printer.spell(folder, extra, words)

    def finish(self) -> None:
        """Wait for the verdicts (before the print process is let go) and take them."""
        if self._asking is not None:
            self._asking.join()
            self._asking = None
            if self._verdicts is not None:
                self.speller.learn(self._verdicts)


def _load(speller: Speller) -> None:
    """Load the dictionary ahead; a failure shows where the spelling needs it, as it would."""
    with contextlib.suppress(Exception):
        speller.load()


def _keep_charts(made: Made) -> None:
    """Keep the charts drawn for this check in the cache, as a build does, so that the next
    check (and build) need neither pandas nor Altair for them."""
    if made.charts is not None and made.charts.cache_entries:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_outputs(made.charts.cache_entries)


def _runs(sources: Sources, chapters: list[ParsedChapter]) -> dict[str, list[TextRun]]:
    """Each file's prose, for the typography, the readability and the spelling."""
    runs = {chapter.path: list(chapter_runs(chapter)) for chapter in chapters}
    for located, keys in (
        (sources.settings, SETTINGS_TEXT),
        (sources.facts, FACTS_TEXT),
        (sources.charts, CHARTS_TEXT),
    ):
        if located is not None:
            runs[located.path] = list(yaml_runs(located, keys))
    return runs


def _rules(
    sources: Sources,
    report: Report | None,
    chapters: list[ParsedChapter],
    findings: Findings,
    runs: dict[str, list[TextRun]],
) -> set[str]:
    """Structure and typography for every file. Returns the chapters marked as written in
    another language that read as Swedish (one warning each, not one per Swedish word)."""
    by_path = {source.path: source for source in sources.chapters}
    swedish: set[str] = set()
    for chapter in chapters:
        check_chapter(chapter, by_path.get(chapter.path), findings)
        check_totals(chapter, findings)
        source, chapter_runs = by_path.get(chapter.path), runs.get(chapter.path, [])
        if check_chapter_language(source, chapter.lang, chapter_runs, findings):
            swedish.add(chapter.path)
        if report is not None:
            check_directives(chapter, report.facts, findings)
    if sources.charts is not None:
        check_chart_alts(sources.charts, findings)
    if report is not None:
        check_settings(report.settings, sources.settings, findings)
        check_carried(report, sources, findings)
    check_typography((run for group in runs.values() for run in group), findings)
    return swedish


def _chapters_anyway(sources: Sources) -> list[ParsedChapter]:
    """The chapters as the build parses them, when validation stopped on a problem elsewhere,
    so one run still shows every finding."""
    from kfsreport.validate.report import _parse_chapters

    return _parse_chapters(sources, Problems())


def _by_file(findings: list[Finding]) -> Iterator[tuple[str, list[Finding]]]:
    order: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (_file_order(f.path), f.error.line or 0)):
        order.setdefault(finding.path, []).append(finding)
    yield from order.items()


def _file_order(path: str) -> tuple[int, str]:
    first = {"report.yaml": 0, "ordlista.txt": 1, "data/facts.yaml": 2, "data/charts.yaml": 3}
    return (first.get(path, 4 if path.startswith("content/") else 5), path)


def _line(finding: Finding) -> str:
    return finding.error.labelled("varning" if finding.warning else "fel")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}" if n else ""


def _warnings(n: int) -> str:
    return _count(n, "varning", "varningar")
