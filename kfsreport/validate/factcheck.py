"""Checks that span several keys: an interim report's period, the economy, goals' owners.

The schema checks each value on its own; these check that the values fit together, and
report each misfit at the line of the value to change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from kfsreport.errors import Problems
from kfsreport.load.folder import FACTS_FILE
from kfsreport.load.schema import STANDING, Economy, Facts, Plan, ReportSettings, StandingAssignment
from kfsreport.load.yamlfile import Located

if TYPE_CHECKING:
    from kfsreport.charts.spec import ChartSpec

SETTINGS_FILE = "report.yaml"


def check_settings(settings: ReportSettings, located: Located | None, problems: Problems) -> None:
    """`kind: interim` needs a period inside the report's year; an annual report has none."""

    def line(*loc: str) -> int | None:
        return located.line(loc) if located else None

    dated = getattr(settings, "date", None)  # absent when only the valid parts are checked
    if settings.kind in ("annual", "interim") and dated is not None and dated.year < settings.year:
        what = "en årsrapport" if settings.kind == "annual" else "en delårsrapport"
        problems.fail(
            SETTINGS_FILE,
            line("date"),
            f"rapportens datum ({dated.isoformat()}) ligger före rapportens år "
            f"{settings.year}; {what} kan inte vara daterad innan året har börjat.",
            hint="Rätta date (eller year, om det är året som är fel).",
        )
    _check_date_order(settings, line, problems)
    period = settings.period
    if settings.kind == "interim" and period is None:
        problems.fail(
            SETTINGS_FILE,
            line("kind"),
            "en delårsrapport (kind: interim) behöver perioden den gäller.",
            hint="Lägg till till exempel period: {from: 2024-01-01, to: 2024-08-31}.",
        )
    if period is None:
        return
    if settings.kind != "interim":
        whole = {
            "annual": "en årsrapport gäller hela året",
            "plan": "en plan har ingen period",
            "report": "skriv tiden rapporten gäller i titeln eller texten",
        }[settings.kind]
        problems.fail(
            SETTINGS_FILE,
            line("period"),
            f"period används bara i en delårsrapport; {whole}.",
            hint="Ta bort period, eller skriv kind: interim.",
        )
    if period.end < period.start:
        problems.fail(
            SETTINGS_FILE,
            line("period", "to"),
            f"periodens slut ({period.end.isoformat()}) ligger före dess början "
            f"({period.start.isoformat()}).",
            hint="Byt plats på from och to.",
        )
    for key, day in (("from", period.start), ("to", period.end)):
        if day.year != settings.year:
            problems.fail(
                SETTINGS_FILE,
                line("period", key),
                f"perioden ({day.isoformat()}) ligger inte i rapportens år {settings.year}.",
                hint="Rätta datumet eller year.",
            )


def _check_date_order(settings: ReportSettings, line: Callable[..., int | None], problems: Problems) -> None:
    """Dates in report.yaml that cannot follow each other: adopted after the report's date or
    before its year began, the accessibility statement updated before its assessment."""
    dated = getattr(settings, "date", None)
    adopted = settings.adopted
    if adopted is not None and dated is not None and adopted > dated:
        problems.fail(
            SETTINGS_FILE,
            line("adopted"),
            f"rapporten antogs ({adopted.isoformat()}) efter rapportens datum ({dated.isoformat()}); "
            "en rapport dateras senast den dag den antas.",
            hint="Rätta adopted, eller date om rapporten ska bära dagen den antogs.",
        )
    if adopted is not None and settings.kind in ("annual", "interim") and adopted.year < settings.year:
        problems.fail(
            SETTINGS_FILE,
            line("adopted"),
            f"rapporten antogs ({adopted.isoformat()}) före rapportens år {settings.year}, "
            "innan det den redovisar hade hänt.",
            hint="Rätta adopted (eller year, om det är året som är fel).",
        )
    statement = settings.accessibility
    if (
        statement.assessed is not None
        and statement.updated is not None
        and statement.updated < statement.assessed
    ):
        problems.fail(
            SETTINGS_FILE,
            line("accessibility", "updated"),
            f"tillgänglighetsredogörelsen uppdaterades ({statement.updated.isoformat()}) före "
            f"bedömningen den redovisar ({statement.assessed.isoformat()}).",
            hint="Rätta updated eller assessed under accessibility; updated är samma dag som "
            "assessed eller senare.",
        )


def check_facts(facts: Facts, settings: ReportSettings | None, located: Located, problems: Problems) -> None:
    """Goals that name the standing assignment need one; source years, dates, periods and the
    economy's values must fit."""
    check_goals(facts.plan, facts.standing_assignment, located, problems)
    check_source_years(facts, settings, located, problems)
    check_fact_dates(facts, settings, located, problems)
    if facts.economy is not None:
        check_economy(facts.economy, settings.kind if settings else None, located, problems)


def check_goals(
    plan: Plan, standing: StandingAssignment | None, located: Located, problems: Problems
) -> None:
    """A goal that names the standing assignment needs one."""
    for i, goal in enumerate(plan.goals):
        if goal.assignment == STANDING and standing is None:
            problems.fail(
                FACTS_FILE,
                located.line(("plan", "goals", i, "assignment")),
                f"målet '{goal.id}' hör till det bestående uppdraget, men standing_assignment saknas.",
                hint="Lägg till standing_assignment med text, eller ta bort assignment från målet.",
            )


_YEARS = re.compile(r"((?:19|20)\d\d)\s*[–—-]\s*((?:19|20)\d\d)")


def check_fact_dates(
    facts: Facts, settings: ReportSettings | None, located: Located, problems: Problems
) -> None:
    """A plan an annual or interim report accounts for is decided by the report's date; a
    period written as years (`2023–2030`) ends after it starts."""
    decided = facts.plan.decided
    dated = getattr(settings, "date", None)
    if (
        settings is not None
        and settings.kind in ("annual", "interim")
        and decided is not None
        and dated is not None
        and decided > dated
    ):
        problems.fail(
            FACTS_FILE,
            located.line(("plan", "decided")),
            f"verksamhetsplanen fastställdes ({decided.isoformat()}) efter rapportens datum "
            f"({dated.isoformat()}), men rapporten redovisar arbetet efter den.",
            hint="Rätta plan → decided (eller date i report.yaml).",
        )
    periods: list[tuple[tuple[str | int, ...], str | None]] = []
    if facts.action_plan is not None:
        periods.append((("action_plan", "period"), facts.action_plan.period))
        for g, group in enumerate(facts.action_plan.groups):
            for a, action in enumerate(group.actions):
                periods.append((("action_plan", "groups", g, "actions", a, "period"), action.period))
    for at, text in periods:
        years = _YEARS.search(text or "")
        if years and int(years[2]) < int(years[1]):
            problems.fail(
                FACTS_FILE,
                located.line(at),
                f"perioden '{text}' slutar ({years[2]}) innan den börjar ({years[1]}).",
                hint=f"Skriv det första året först: {years[2]}–{years[1]}.",
            )


def check_source_years(
    facts: Facts, settings: ReportSettings | None, located: Located, problems: Problems
) -> None:
    """A key figure's source year needs its source; every source year fits the report's year."""
    for key, figure in facts.figures.items():
        if figure.source_year is not None and figure.source is None:
            problems.fail(
                FACTS_FILE,
                located.line(("figures", key, "source_year")),
                f"nyckeltalet '{key}' har ett år för källan (source_year) men ingen källa (source).",
                hint="Skriv källan i source, till exempel source: SKR.",
            )
    if settings is not None:
        years: list[tuple[tuple[str | int, ...], int | None]] = [
            (("figures", key), figure.source_year) for key, figure in facts.figures.items()
        ]
        years += [(("sources", i), source.source_year) for i, source in enumerate(facts.sources)]
        for at, year in years:
            _check_year(year, settings, FACTS_FILE, located.line((*at, "source_year")), problems)


def check_economy(economy: Economy, kind: str | None, located: Located, problems: Problems) -> None:
    """The economy's values fit each other and the report's kind (None: kind unknown)."""

    def line(key: str) -> int:
        return located.line(("economy", key))

    for key in ("budget", "budget_period"):
        value = getattr(economy, key)
        if value is not None and value < 0:
            problems.fail(
                FACTS_FILE,
                line(key),
                f"economy → {key} är negativ ({value:g}); en budget är ett belopp att använda.",
                hint="Skriv beloppet utan minustecken.",
            )
    if economy.budget_period is not None and economy.budget is None:
        problems.fail(
            FACTS_FILE,
            line("budget_period"),
            "economy har en budget för perioden men ingen budget för året.",
            hint="Lägg till economy → budget (hela årets budget).",
        )
    if (
        economy.budget is not None
        and economy.budget_period is not None
        and economy.budget_period > economy.budget
    ):
        problems.fail(
            FACTS_FILE,
            line("budget_period"),
            f"budgeten för perioden ({economy.budget_period:g}) är större än "
            f"hela årets budget ({economy.budget:g}).",
            hint="Rätta budget eller budget_period.",
        )
    if economy.forecast_basis is not None and economy.forecast is None:
        problems.fail(
            FACTS_FILE,
            line("forecast_basis"),
            "economy säger vad prognosen bygger på, men prognosen (forecast) saknas.",
            hint="Lägg till economy → forecast.",
        )
    if kind in ("annual", "plan", "report") and economy.budget_period is not None:
        problems.fail(
            FACTS_FILE,
            line("budget_period"),
            "budget_period används bara i en delårsrapport; annars gäller utfallet hela året.",
            hint="Ta bort budget_period; budget är årets budget.",
        )


def check_chart_years(
    charts: dict[str, ChartSpec], located: Located, settings: ReportSettings, problems: Problems
) -> None:
    """No chart's source is published after the report's date."""
    items = located.data.get("charts") if isinstance(located.data, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        chart = charts.get(str(item.get("id"))) if isinstance(item, dict) else None
        if chart is not None:
            line = located.line(("charts", i, "source_year"))
            _check_year(chart.source_year, settings, located.path, line, problems)


def _check_year(
    year: int | None, settings: ReportSettings, path: str, line: int | None, problems: Problems
) -> None:
    # The report's date, not its `year`: a fact sheet on 2025 dated March 2026 cites the
    # statistics published in 2026, and a plan for 2027 written in 2026 cannot cite 2027.
    published = settings.date.year
    if year is not None and year > published:
        problems.fail(
            path,
            line,
            f"källans år {year} ligger efter året då rapporten ges ut ({published}, "
            f"date i report.yaml); en källa kan inte vara utgiven senare än rapporten.",
            hint="Skriv året då källan gavs ut, till exempel det år som står i källans titel eller tryckort.",
        )
