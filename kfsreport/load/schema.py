"""The shapes of report.yaml, the facts file and chapter front matter (pydantic).

Every model forbids unknown keys, so a misspelt key is an error with a suggestion rather
than a silently ignored setting. The manual (handbok/) documents every key listed here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from kfsreport.load.swedish import read_number, without_percent
from kfsreport.render import locale

_YES = {"ja", "yes", "true", "on", "sant"}
_NO = {"nej", "no", "false", "off", "falskt"}


def _flag(value: Any) -> Any:
    """Accept ja/nej as well as true/false, as Swedish editors write them."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _YES:
            return True
        if lowered in _NO:
            return False
        raise ValueError("ska vara ja eller nej (true eller false)")
    return value


def _whole_number(value: Any) -> Any:
    """Refuse `012` and `3.0` as counts: they are almost always typing mistakes."""
    if isinstance(value, str) and not re.fullmatch(r"[+-]?(0|[1-9][0-9]*)", value.strip()):
        raise ValueError(f"'{value}' är inte ett heltal (skriv till exempel 13)")
    return value


_REGISTRATION_LABEL = re.compile(r"(?:dnr|diarienummer|diarienr)\b[.:]?\s*(?=\S)", re.IGNORECASE)
_POINT_THOUSANDS = re.compile(r"([+-]?[1-9][0-9]{0,2})\.([0-9]{3})")


def _decimal_number(value: Any) -> Any:
    """Read `6.9`, `6,9`, `1 417` (also with a no-break space) and `−3` as the data files
    do (`swedish.read_number`); a per cent sign belongs in `unit`. `1.417` is refused as the
    data files refuse `3,894`: copied from a table that writes 1.417 for 1 417, it would be
    published as 1,417 (a Swedish writer's three decimals are `1,417`)."""
    if isinstance(value, str) and (match := _POINT_THOUSANDS.fullmatch(value.strip())):
        whole, rest = match.groups()
        raise ValueError(
            f"'{value}' kan läsas på två sätt: {whole}\u00a0{rest} (punkten skiljer tusental) eller "
            f"{whole},{rest} (punkten är decimaltecken); skriv {whole}\u00a0{rest} eller {whole},{rest}"
        )
    if not isinstance(value, str):
        return value
    if without_percent(value) is not None:
        raise ValueError(f"'{value}' är skrivet med procenttecken; skriv talet utan % (enheten står i unit)")
    try:
        return float(read_number(value))
    except ValueError:
        raise ValueError(f"'{value}' är inte ett tal (skriv till exempel 6,9 eller 1 417)") from None


def _year(value: Any) -> Any:
    """A source's year of publication, four digits: refuse `24`, `2024-25` and `ja`."""
    text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    if not re.fullmatch(r"(1[5-9]|20)[0-9]{2}", text):
        shown = str(value).lower() if isinstance(value, bool) else value
        raise ValueError(
            f"'{shown}' är inte ett årtal; skriv året då källan gavs ut med fyra siffror, till exempel 2024"
        )
    return int(text)


def cited(source: str, year: int | None) -> str:
    """A source as the report names it: `SKR, befolkningsprognos (2024)`."""
    return f"{source} ({year})" if year is not None else source


Flag = Annotated[bool, BeforeValidator(_flag)]
Year = Annotated[int, BeforeValidator(_year)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Number = Annotated[float, BeforeValidator(_decimal_number)]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A language tag as `lang` takes it: `en`, `en-GB`, `de` (in any case: BCP 47 tags are
case-insensitive, `language_tag` writes them as the standard does)."""


def language_tag(value: str) -> str | None:
    """A language tag in BCP 47's conventional case (`EN` -> `en`, `en-gb` -> `en-GB`,
    `sr-latn` -> `sr-Latn`), or None when `value` is no tag."""
    text = value.strip()
    if not LANGUAGE_TAG.match(text):
        return None
    first, *rest = text.split("-")
    subtags = [first.lower()]
    for subtag in rest:
        if len(subtag) == 2 and subtag.isalpha():
            subtags.append(subtag.upper())
        elif len(subtag) == 4 and subtag.isalpha():
            subtags.append(subtag.title())
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def _language(value: Any) -> Any:
    tag = language_tag(value) if isinstance(value, str) else None
    if tag is None:
        raise ValueError(f"'{value}' är ingen språkkod; skriv till exempel en, en-GB eller de")
    return tag


Language = Annotated[str, BeforeValidator(_language)]
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def _plain(value: str) -> str:
    """Refuse Markdown emphasis in a text of the settings or the facts: it is printed as it
    is written, `**Stärka chefer**` with its asterisks (a plan's highest priority, bold in a
    Word original, is `priority: high`)."""
    found = _EMPHASIS.search(value)
    if found:
        raise ValueError(
            f"'{found.group(0)}': texterna i fakta och inställningar är vanlig text, så "
            f"{found.group(1)} skulle synas i rapporten. Skriv texten utan {found.group(1)}; "
            "en högst prioriterad åtgärd får priority: high"
        )
    return value


Text = Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(_plain)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --- report.yaml -----------------------------------------------------------------------


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def _email(value: str) -> str:
    """An address the page links to with mailto: (a link to nowhere, if it is none)."""
    if not _EMAIL.match(value):
        raise ValueError(f"'{value}' är ingen e-postadress; skriv den som namn@exempel.se")
    return value


Email = Annotated[Text, AfterValidator(_email)]


class Contact(Strict):
    name: Text
    role: Text | None = None
    email: Email | None = None
    phone: Text | None = None
    address: Text | None = None
    web: Text | None = None
    """The organisation's or committee's web address, printed on the back cover."""


Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class Theme(Strict):
    """Colours for both editions and the charts; `theme.check_theme` checks their contrast."""

    primary: Colour = "#0b5563"
    """Headings, links, numbers and the charts' first colour: at least 4.5:1 on white."""
    accent: Colour = "#f2c14e"
    """Bands and rules beside the dark field, and the web page's focus colour."""
    dark: Colour | None = None
    """The cover's and web header's field; by default the primary colour darkened."""
    chart_colours: list[Colour] = []
    """The charts' colours in order; by default the primary colour and four fixed ones."""


class Accessibility(Strict):
    """The HTML page's accessibility statement (tillgänglighetsredogörelse, DOS-lagen)."""

    conformance: Literal["full", "partial", "none"] | None = None
    """How far the page meets the law; by default `partial` when gaps are known, else `full`."""
    known_issues: list[Text] = []
    contact_email: Email | None = None
    """Where to report problems; by default `contact.email`."""
    contact_phone: Text | None = None
    response_time: Text | None = None
    """How soon an answer comes, e.g. `fem arbetsdagar`."""
    manual_testing: Text | None = None
    """How the page was checked by people, in addition to the automated checks."""
    assessed: dt.date | None = None
    """When the page was last assessed; by default the report's date."""
    updated: dt.date | None = None
    """When the statement was last updated; by default `assessed`."""

    @property
    def level(self) -> str:
        return self.conformance or ("partial" if self.known_issues else "full")


class Period(Strict):
    """The months an interim report covers: `period: {from: 2024-01-01, to: 2024-08-31}`."""

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")


STATUS_LABELS: dict[str, str] = {
    "planned": "Planerad",
    "ongoing": "Pågår",
    "done": "Genomförd",
    "cancelled": "Inställd",
}

PRIORITY_LABELS: dict[str, str] = {"high": "Högst prioriterad", "normal": "Prioriterad"}


class StatusWords(Strict):
    planned: Text = STATUS_LABELS["planned"]
    ongoing: Text = STATUS_LABELS["ongoing"]
    done: Text = STATUS_LABELS["done"]
    cancelled: Text = STATUS_LABELS["cancelled"]


class Words(Strict):
    """Every word the templates print about the plan, so another committee can use its own."""

    plan_caption: Text | None = None
    """None: "Verksamhetsplanens mål och aktiviteter" in the report's own words for the
    columns (`goal`, `activities`), as `plan.html.j2` builds it."""
    decided: Text = "fastställd"
    goal: Text = "Mål"
    activities: Text = "Aktiviteter"
    see: Text = "se"
    progress: Text = "Läget"
    standing_assignment: Text = "Det bestående uppdraget"
    focus_areas: Text = "Fokusområden"
    directions: Text = "Inriktningar"
    status: StatusWords = Field(default_factory=StatusWords)
    priority: Text = "Prioritet"
    high_priority: Text = PRIORITY_LABELS["high"]
    high_priority_plural: Text = "Högst prioriterade"
    """For several: "(3 åtgärder, 2 högst prioriterade)"."""
    normal_priority: Text = PRIORITY_LABELS["normal"]
    high_priority_symbol: Text = "◆"
    action: Text = "Åtgärd"
    responsible: Text = "Ansvar"
    period: Text = "Tid"


class ReportSettings(Strict):
    title: Text
    subtitle: Text | None = None
    committee: Text
    organisation: Text
    kind: Literal["annual", "interim", "plan", "report"]
    """`plan`: a plan or strategy, not an account of a year (such as a region's plan);
    `report`: any other report (a survey's results, an inquiry, a decision memo)."""
    year: WholeNumber = Field(ge=2000, le=2100)
    date: dt.date
    registration_number: Text | None = None
    recipient: Text | None = None
    """Whom the document is sent to (`Socialdepartementet` for a consultation response)."""
    recipient_reference: Text | None = None
    """The recipient's own registration number for the matter (the referral's `S2026/01872`)."""
    language: Literal["sv"] = "sv"
    subject: Text | None = None
    keywords: list[Text] = []
    output_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] | None = None
    formats: list[Literal["html", "pdf"]] = ["html", "pdf"]
    archive_copy: Flag = False
    """Also write the PDF as `<namn>-arkiv.pdf`, for an archive that wants a file of its own;
    the one PDF is PDF/A-2a and PDF/UA-1 either way (pdf.published)."""
    numbering_depth: WholeNumber = Field(default=2, ge=1, le=3)
    contents_depth: WholeNumber | None = Field(default=None, ge=1, le=4)
    """How deep the contents and the PDF's bookmarks go (4: down to `####`); by default as
    deep as `numbering_depth` (render/contents.py)."""
    page_references: Literal["other_chapters", "all", "none"] = "other_chapters"
    """Which cross-references say the page of their target in the PDF (`avsnitt 3.2 på
    s. 14`): those to another chapter, all, or none (render/pagerefs.py)."""
    contact: Contact | None = None
    accessibility: Accessibility = Field(default_factory=Accessibility)
    adopted: dt.date | None = None
    """The date the committee adopted the report (shown on the PDF's inside page)."""
    adopted_by: Text | None = None
    logo: Text | None = None
    """An image in the report folder for the cover and the web page's header, e.g. `templates/logo.svg`."""
    theme: Theme = Field(default_factory=Theme)
    layout: Literal["report", "memo"] = "report"
    """`memo`: a short document (a tjänsteskrivelse, a decision memo): the PDF has no cover,
    inside page, contents or back cover; its first page opens with a header (organisation,
    committee, title, date, registration number) and the chapters follow without page breaks."""
    print: Literal["simplex", "duplex"] = "simplex"
    """`duplex`: the PDF is laid out for two-sided printing (mirrored pages, chapters on the right)."""
    period: Period | None = None
    """The period an interim report covers (required for `kind: interim`)."""
    words: Words = Field(default_factory=Words)
    """The words the plan's templates print (Mål, Aktiviteter, status names …)."""

    @property
    def kind_label(self) -> str:
        """`Delårsrapport per augusti 2024`, `Årsrapport 2025` or `Plan`: what the report is."""
        if self.kind == "plan":
            return "Plan"
        if self.kind == "report":
            return "Rapport"
        if self.kind == "interim" and self.period is not None:
            return f"Delårsrapport per {locale.month(self.period.end)}"
        return f"{'Delårsrapport' if self.kind == 'interim' else 'Årsrapport'} {self.year}"

    @property
    def period_text(self) -> str:
        """`1 januari–31 augusti 2024` for an interim report, `2025` for an annual one."""
        if self.period is None:
            return str(self.year)
        start, end = self.period.start, self.period.end
        first = locale.date(start)
        if start.year == end.year:
            first = first.rsplit(" ", 1)[0]
        return f"{first}–{locale.date(end)}"

    @field_validator("registration_number", "recipient_reference")
    @classmethod
    def _number_only(cls, value: str | None, info: ValidationInfo) -> str | None:
        """`Dnr: RUN 2025/123` copied from a letterhead printed "Diarienummer Dnr: RUN 2025/123"."""
        label = "Diarienummer" if info.field_name == "registration_number" else "Mottagarens diarienummer"
        if value is not None and (match := _REGISTRATION_LABEL.match(value)):
            raise ValueError(
                f"'{value}' börjar med '{match.group(0).strip()}', men rapporten skriver själv "
                f"{label} framför numret; skriv bara numret: {value[match.end() :]}"
            )
        return value

    @field_validator("formats")
    @classmethod
    def _some_format(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("minst ett format behövs (html eller pdf)")
        return value


# --- data/facts.yaml -------------------------------------------------------------------


class Committee(Strict):
    established: Text | None = None
    member_count: WholeNumber | None = Field(default=None, ge=1)


class StandingAssignment(Strict):
    text: Text
    decided_by: Text | None = None


class Assignment(Strict):
    id: Identifier
    text: Text


Status = Literal["planned", "ongoing", "done", "cancelled"]
Priority = Literal["high", "normal"]
STANDING = "standing"
"""`assignment: standing`: a goal that comes from the standing assignment."""


class Goal(Strict):
    id: Identifier
    assignment: Identifier | None = None
    """The assignment's id, `standing` for the standing assignment, or none."""
    text: Text
    label: Text | None = None
    """A short name for the goal in charts and tables, e.g. `Avtalssamverkan`."""
    status: Status | None = None
    progress: Text | None = None
    """How far the work on the goal has come (an interim report's progress per goal)."""


class Activity(Strict):
    id: Identifier
    goal: Identifier
    text: Text
    status: Status
    reported_in: Identifier | None = None
    priority: Priority | None = None
    progress: Text | None = None
    responsible: Text | None = None
    """Who carries the activity out (a unit, a function), as a plan for next year names it."""
    period: Text | None = None
    """When, as text (`kv 1–2`, `hösten 2027`)."""


class FocusArea(Strict):
    """A plan organised as focus areas, each with its directions (inriktningar)."""

    id: Identifier
    title: Text
    text: Text | None = None
    directions: list[Text] = []


class Plan(Strict):
    decided: dt.date | None = None
    goals: list[Goal] = []
    activities: list[Activity] = []
    focus_areas: list[FocusArea] = []


class Action(Strict):
    text: Text
    priority: Priority = "normal"
    responsible: Text | None = None
    period: Text | None = None


class ActionGroup(Strict):
    title: Text
    actions: list[Action] = Field(min_length=1)


class ActionPlan(Strict):
    """An action plan (åtgärdsplan): actions grouped under headings, each with a priority."""

    title: Text | None = None
    period: Text | None = None
    groups: list[ActionGroup] = Field(min_length=1)


class Conclusion(Strict):
    id: Identifier
    title: Text | None = None
    text: Text


class Recommendation(Strict):
    id: Identifier
    text: Text
    title: Text | None = None
    """A short title, shown above the text and alone in `{{ rekommendationer_i_korthet }}`."""
    addressed_to: Text | None = None


class FollowUp(Recommendation):
    """One of last year's recommendations (`kfsreport new` copies them) and how it was followed up."""

    outcome: Text | None = None


class Member(Strict):
    name: Text
    party: Text | None = None
    role: Text | None = None


class Signatory(Strict):
    """One who signs under `{{ underskrift }}`: the chair and the secretary of a consultation
    response, the rapporteur of a decision."""

    name: Text
    role: Text
    party: Text | None = None


class Meeting(Strict):
    date: dt.date
    place: Text | None = None
    topic: Text | None = None


class Economy(Strict):
    """The year's money: the deviations are computed from these, never written."""

    unit: Literal["tkr", "kr", "mnkr"] = "tkr"
    budget: Number | None = None
    """The budget for the whole year."""
    budget_period: Number | None = None
    """An interim report's budget for its period (e.g. January–August)."""
    outcome: Number | None = None
    """The outcome for the report's period (the whole year in an annual report)."""
    forecast: Number | None = None
    """An interim report's forecast for the whole year."""
    forecast_basis: Text | None = None
    """What the forecast builds on, one sentence."""

    @property
    def has_numbers(self) -> bool:
        """Whether any amount is filled in (a new year's economy has none yet)."""
        return any(v is not None for v in (self.budget, self.budget_period, self.outcome, self.forecast))

    @property
    def budget_for_outcome(self) -> float | None:
        """The budget the outcome is measured against: the period's, else the year's."""
        return self.budget_period if self.budget_period is not None else self.budget

    @property
    def surplus(self) -> float | None:
        """Budget minus outcome: positive is a surplus, negative a deficit (computed, never typed)."""
        budget = self.budget_for_outcome
        return None if budget is None or self.outcome is None else round(budget - self.outcome, 6)

    @property
    def forecast_surplus(self) -> float | None:
        """The year's budget minus the forecast for the year."""
        if self.budget is None or self.forecast is None:
            return None
        return round(self.budget - self.forecast, 6)

    @property
    def used_share(self) -> float | None:
        """The outcome as per cent of the year's budget."""
        if not self.budget or self.outcome is None:
            return None
        return self.outcome / self.budget * 100


class KeyFigure(Strict):
    value: Number
    label: Text | None = None
    """What the number is, for the `{{ aret_i_siffror }}` panel (only figures with a label)."""
    unit: Text | None = None
    decimals: WholeNumber | None = Field(default=None, ge=0, le=4)
    signed: Flag = False
    source: Text | None = None
    source_year: Year | None = None
    """The year the source was published: `Källa: SKR (2024)` and `{{ kallor }}`."""

    @property
    def citation(self) -> str | None:
        return cited(self.source, self.source_year) if self.source else None

    @model_validator(mode="before")
    @classmethod
    def _percent_is_the_unit(cls, data: Any) -> Any:
        """`value: 12 %` is 12 with the unit `%` (as `unit: "%"` says); with another unit
        the per cent sign is left for `value` to refuse."""
        value = data.get("value") if isinstance(data, dict) else None
        number = without_percent(value) if isinstance(value, str) else None
        if number is None or data.get("unit", "%") != "%" or without_percent(number) is not None:
            return data  # `12%%` is refused by `value` as it is written, not as `12%`
        return {**data, "value": number, "unit": "%"}


class Source(Strict):
    """A source the text cites (a report, a survey) listed by `{{ kallor }}` with the
    sources of the figures and key figures."""

    source: Text
    source_year: Year | None = None

    @property
    def citation(self) -> str:
        return cited(self.source, self.source_year)


class Facts(Strict):
    committee: Committee = Committee()
    standing_assignment: StandingAssignment | None = None
    assignments: list[Assignment] = []
    plan: Plan = Plan()
    conclusions: list[Conclusion] = []
    recommendations: list[Recommendation] = []
    follow_up: list[FollowUp] = []
    members: list[Member] = []
    signed_by: list[Signatory] = []
    meetings: list[Meeting] = []
    economy: Economy | None = None
    action_plan: ActionPlan | None = None
    figures: dict[Identifier, KeyFigure] = {}
    sources: list[Source] = []

    @property
    def chair(self) -> Member | None:
        """The member whose role is ordförande, however it is capitalised or spaced
        (`Ordförande` as on a members' list), for `{{ underskrift }}`."""
        chairs = (m for m in self.members if " ".join((m.role or "").split()).casefold() == "ordförande")
        return next(chairs, None)


# --- content/*.md front matter ----------------------------------------------------------


class FrontMatter(Strict):
    title: Text
    numbered: Flag = True
    id: Identifier | None = None
    appendix: Flag = False
    """An appendix: titled "Bilaga 1", "Bilaga 2" … after the chapters."""
    lang: Language | None = None
    """The chapter's language when it is not Swedish (`en` for a summary in English): its
    `<section lang>` in both editions, and spelling leaves it alone."""
    author: Text | None = None
    """Who wrote the chapter, as it is to be shown (`Lina Sundqvist, Umeå universitet`): a line
    under the chapter title in both editions, for a report whose chapters have their own
    authors."""
