"""What content can name in `{{ … }}`: directives, key figures, cross-references, filters.

The manual (handbok/, "Direktiv och värden i texten") lists the same names; tests render each one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any, Protocol

from markupsafe import Markup, escape

from kfsreport.errors import suggest
from kfsreport.load.invisible import INVISIBLE_HINT, has_invisible, visible
from kfsreport.load.schema import Facts, KeyFigure, ReportSettings
from kfsreport.render import locale
from kfsreport.render.expressions import ExpressionError
from kfsreport.render.markdown import Heading
from kfsreport.render.tables import table_ref


class FigureValue:
    """A key figure from the facts: `{{ tal.x }}` gives number and unit, `.varde` the number."""

    def __init__(self, figure: KeyFigure) -> None:
        self._figure = figure

    @property
    def varde(self) -> str:
        return locale.number(self._figure.value, self._figure.decimals, self._figure.signed)

    @property
    def enhet(self) -> str:
        return self._figure.unit or ""

    @property
    def kalla(self) -> str:
        return self._figure.citation or ""

    def __str__(self) -> str:
        figure = self._figure
        return locale.with_unit(figure.value, figure.unit, figure.decimals, figure.signed)

    def __html__(self) -> str:
        return str(escape(str(self)))


class Directive:
    """Generated material placed by name, such as `{{ plan }}`: renders a partial template.

    `needs` says what the facts lack for it (a Swedish sentence), or None when all is there."""

    def __init__(self, name: str, render: Callable[[], str], needs: Callable[[], str | None]) -> None:
        self._name = name
        self._render = render
        self._needs = needs

    def __html__(self) -> str:
        lacking = self._needs()
        if lacking:
            raise ExpressionError(f"{{{{ {self._name} }}}}: {lacking}")
        return self._render()


DIRECTIVES = {
    "riktade_uppdrag": "partials/assignments.html.j2",
    "plan": "partials/plan.html.j2",
    "slutsatser": "partials/conclusions.html.j2",
    "rekommendationer": "partials/recommendations.html.j2",
    "rekommendationer_i_korthet": "partials/recommendations_brief.html.j2",
    "ledamoter": "partials/members.html.j2",
    "underskrift": "partials/signature.html.j2",
    "kallor": "partials/sources.html.j2",
    "aret_i_siffror": "partials/year_in_numbers.html.j2",
    "uppfoljning": "partials/follow_up.html.j2",
    "uppdragsbeskrivning": "partials/standing_assignment.html.j2",
    "ekonomi": "partials/economy.html.j2",
    "atgardsplan": "partials/action_plan.html.j2",
    "fokusomraden": "partials/focus_areas.html.j2",
}


def missing_facts(name: str, facts: Facts, settings: ReportSettings) -> str | None:
    """What directive `name` needs from the facts and does not get, as a sentence with advice.

    Nothing filled in at all (a new year's report) is not an error: the directive shows
    nothing and `check` warns. Half filled in is an error, at the directive's line."""
    economy = facts.economy
    if name != "ekonomi" or economy is None or not economy.has_numbers:
        return None
    if economy.budget is None or economy.outcome is None:
        return (
            "ekonomin saknar budget eller utfall. Fyll i economy → budget och outcome "
            "i data/facts.yaml (och budget_period i en delårsrapport)."
        )
    if settings.kind == "interim" and economy.budget_period is None:
        return (
            "delårsrapportens utfall kan inte jämföras med budgeten utan periodens budget. "
            "Fyll i economy → budget_period i data/facts.yaml."
        )
    return None


def section_label(heading: Heading) -> str:
    """How the text names a heading: `kapitel 3`, `avsnitt 3.1`, `avsnitt 3.3, ”Building Women”`,
    `bilaga 1`, `avsnittet ”Ledarskap” i bilaga 1`."""
    if heading.appendix is not None:
        if heading.level == 1:
            return f"bilaga {heading.appendix}"
        return f"avsnittet ”{heading.title}” i bilaga {heading.appendix}"
    if heading.number and heading.level == 1:
        return f"kapitel {heading.number}"
    if heading.number:
        return f"avsnitt {heading.number}"
    if heading.within:
        kind = "avsnitt" if "." in heading.within else "kapitel"
        return f"{kind} {heading.within}, ”{heading.title}”"
    own = _OWN_NUMBER.match(heading.title) if heading.level > 1 else None
    if own:  # another document's section in an unnumbered chapter (a consultation response)
        return f"avsnitt {own.group(1)}"
    return f"avsnittet ”{heading.title}”"


_OWN_NUMBER = re.compile(r"(\d+(?:\.\d+)+)\.?\s")
"""`5.1 Förslaget om …`: a heading that carries its own number where the build gives none."""


class Figures(Protocol):
    """How content places charts: `{{ figur("id") }}` and `{{ ref("id") }}` to a chart."""

    def place(self, chart_id: str) -> Markup: ...

    def label(self, chart_id: str) -> str | None:
        """`figur 3` for a chart id, None if no chart has that id."""


def namespace(
    settings: ReportSettings,
    facts: Facts,
    anchors: dict[str, Heading],
    render_partial: Callable[[str], str],
    figures: Figures,
    tables: Collection[str] = (),
) -> dict[str, Any]:
    """The names content expressions can use; directives render through `render_partial`.
    `tables`: the ids of the report's tables, for `ref()`."""

    def ref(anchor: str) -> Markup:
        heading = anchors.get(anchor)
        label = section_label(heading) if heading else figures.label(anchor)
        if label is None and anchor in tables:
            return table_ref(anchor)
        if label is None:
            raise ExpressionError(
                f"ref(\"{visible(anchor)}\"): ingen rubrik, figur eller tabell har id:t '{visible(anchor)}' "
                f"{suggest(anchor, [*anchors, *tables])}".rstrip()
                + (f". {INVISIBLE_HINT}" if has_invisible(anchor) else "")
            )
        return Markup('<a class="xref" href="#{}">{}</a>').format(anchor, label)

    def directive(name: str, template: str) -> Directive:
        return Directive(name, lambda: render_partial(template), lambda: missing_facts(name, facts, settings))

    names: dict[str, Any] = {name: directive(name, template) for name, template in DIRECTIVES.items()}
    names.update(
        rapport=settings,
        fakta=facts,
        tal={key: FigureValue(figure) for key, figure in facts.figures.items()},
        ref=_one_id("ref", ref),
        figur=_one_id("figur", figures.place),
    )
    return names


def _one_id(name: str, function: Callable[[str], Markup]) -> Callable[..., Markup]:
    """`function` as content calls it: with one id in quotes, or a message saying so."""

    def call(*args: Any, **kwargs: Any) -> Markup:
        if len(args) == 1 and not kwargs and isinstance(args[0], str):
            return function(args[0])
        named = (f"{key}={_written(value)}" for key, value in kwargs.items())
        given = ", ".join([*map(_written, args), *named])
        raise ExpressionError(
            f"{name}({given}): {name}() tar ett enda id inom raka citattecken och inget annat. "
            f'Skriv till exempel {{{{ {name}("skr-prognos") }}}}.'
        )

    return call


def _written(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)
