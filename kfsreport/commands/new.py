"""`kfsreport new`: next year's report folder, started from this year's.

Reads the source report through the build's own load and validate stages, then writes a new
folder: settings for the new year, templates and data files copied, facts carried forward
(last year's recommendations become `follow_up`), and each chapter reduced to its front
matter, headings and directives with a short hint ("Att skriva: …") of what belongs there.
A small Makefile (`newmakefile.py`) gives the folder `make check`, `make serve` and the rest.
The folder is assembled beside the target and moved into place only when it validates, so a
failed run leaves nothing behind. The manual's chapter on next year's report lists what happens to each part.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kfsreport.commands.check.carried import CARRIED_FILE, chart_record
from kfsreport.commands.check.structure import PLACEHOLDER
from kfsreport.commands.newmakefile import MAKEFILE, makefile_text
from kfsreport.errors import BuildFailed, Problems, ReportError, shown
from kfsreport.load.folder import CONTENT_DIR, FACTS_FILE, SETTINGS_FILE, inside, load_project, read_text
from kfsreport.render.markdown import ParsedChapter, plain_text
from kfsreport.validate.report import validate

COPIED = {"templates", "data", CONTENT_DIR, "ordlista.txt", "avstavning.txt"}
"""What is copied from the source report (chapters and facts are rewritten, not copied)."""

SHIFTED_SETTINGS = ("title", "subtitle", "subject", "keywords", "output_name")
CLEARED_SETTINGS = ("registration_number", "recipient_reference", "adopted")
FOLLOW_UP = "{{ uppfoljning }}"
DIRECTIVE_NOTES = {
    "riktade_uppdrag": "Listan nedan hämtas ur `assignments` i `data/facts.yaml`.",
    "plan": "Tabellen nedan hämtas ur `plan` i `data/facts.yaml`.",
    "slutsatser": "Slutsatserna nedan skrivs under `conclusions` i `data/facts.yaml`.",
    "rekommendationer": "Rekommendationerna nedan skrivs under `recommendations` i `data/facts.yaml`.",
    "uppfoljning": "Listan nedan hämtas ur `follow_up` i `data/facts.yaml`; skriv under `outcome` hur "
    "varje rekommendation har följts upp.",
    "uppdragsbeskrivning": "Uppdraget nedan hämtas ur `standing_assignment` i `data/facts.yaml`.",
    "ekonomi": "Tabellen nedan räknas fram ur `economy` i `data/facts.yaml`; fyll i årets belopp.",
    "atgardsplan": "Tabellerna nedan hämtas ur `action_plan` i `data/facts.yaml`.",
    "fokusomraden": "Tabellen nedan hämtas ur `plan` → `focus_areas` i `data/facts.yaml`.",
    "figur": "Diagrammet nedan ritas ur `data/charts.yaml`; byt siffrorna i `data/` mot årets.",
}


@dataclass(frozen=True)
class NewReport:
    path: Path
    title: str
    from_title: str


def new(source: Path, target: Path, year: int | None = None) -> NewReport:
    """Create next year's report in `target` from the report in `source`; raise on problems."""
    sources, problems = load_project(source, flag="--from")
    report = validate(sources, problems)
    old_year = report.settings.year
    new_year = year or old_year + 1
    if new_year <= old_year:
        line = sources.settings.line(("year",)) if sources.settings else None
        raise BuildFailed(
            [
                ReportError(
                    message=f"--year {new_year} kommer inte efter rapportens år {old_year}.",
                    path=str(target),
                    hint=f"Ange ett senare år, till exempel --year {old_year + 1}, eller utgå från "
                    f"en annan rapport med --from (report.yaml:{line} anger {old_year}).",
                )
            ]
        )
    target = target.resolve()
    _check_target(report.root, target)
    shift = year_shifter(old_year, new_year)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    # mkdtemp makes a private folder (700); the report folder gets the user's usual mode, so
    # colleagues on a shared drive can open it as they can open the folder beside it.
    staging.chmod(0o777 & ~_umask())
    try:
        _copy_files(report.root, staging)
        settings = _settings(_raw(sources.settings), new_year, shift)
        (staging / SETTINGS_FILE).write_text(settings, encoding="utf-8")
        (staging / "data").mkdir(exist_ok=True)
        facts = _facts(_raw(sources.facts), report.settings.title, shift(report.settings.title), new_year)
        (staging / FACTS_FILE).write_text(facts, encoding="utf-8")
        (staging / CONTENT_DIR).mkdir(exist_ok=True)
        for chapter, source_chapter in zip(report.chapters, sources.chapters, strict=True):
            text = read_text(report.root, report.root / chapter.path, Problems()) or ""
            skeleton = chapter_skeleton(
                chapter,
                text.split("\n"),
                source_chapter.body_line,
                new_year,
                shift,
                follow_up=bool(report.facts.recommendations),
            )
            (staging / chapter.path).write_text(skeleton, encoding="utf-8")
        (staging / MAKEFILE).write_text(makefile_text(new_year), encoding="utf-8")
        record = {"from_year": old_year, "charts": chart_record(report.root, report.charts)}
        (staging / CARRIED_FILE).write_text(
            json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        fresh_sources, fresh_problems = load_project(staging)
        fresh = validate(fresh_sources, fresh_problems)
        if target.exists():
            target.rmdir()  # checked empty above
        os.replace(staging, target)
    except BuildFailed as failed:
        raise BuildFailed(
            [ReportError("den nya rapporten blev inte giltig; det är ett fel i kfsreport.", path=str(target))]
            + failed.errors
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewReport(target, fresh.settings.title, report.settings.title)


def _umask() -> int:
    """The process's umask (read by setting it, then setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def year_shifter(old: int, new: int) -> Callable[[str], str]:
    """`Årsrapport 2025` → `Årsrapport 2026` and `2024 års` → `2025 års`, in one pass."""
    mapping = {str(old): str(new), str(old - 1): str(new - 1)}

    def shift(text: str) -> str:
        return re.sub(r"(?<!\d)\d{4}(?!\d)", lambda m: mapping.get(m.group(), m.group()), text)

    return shift


def _check_target(root: Path, target: Path) -> None:
    if target == root or (target.exists() and (not target.is_dir() or any(target.iterdir()))):
        raise BuildFailed(
            [
                ReportError(
                    "mappen finns redan och är inte tom; kfsreport new skriver aldrig över något.",
                    path=str(target),
                    hint="Välj en ny mapp, till exempel ../arsrapport-2026.",
                )
            ]
        )
    if not target.parent.is_dir():
        raise BuildFailed(
            [ReportError("mappen som den nya rapporten ska ligga i finns inte.", path=str(target.parent))]
        )


def _raw(located: Any) -> dict[str, Any]:
    data = getattr(located, "data", None)
    return dict(data) if isinstance(data, dict) else {}


def _copy_files(root: Path, staging: Path) -> None:
    """Templates, data files, images and the word list; never chapters, facts or outputs."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] not in COPIED or not path.is_file() or any(p.startswith(".") for p in rel.parts):
            continue
        chapter = rel.parts[0] == CONTENT_DIR and path.suffix == ".md" and len(rel.parts) == 2
        if chapter or rel.as_posix() == FACTS_FILE:
            continue
        if inside(root, path) is None:
            continue  # a symlink out of the report folder is never followed
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, staging / rel)


# --- settings and facts -------------------------------------------------------------------


def _settings(raw: dict[str, Any], year: int, shift: Callable[[str], str]) -> str:
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        if key in CLEARED_SETTINGS:
            continue
        settings[key] = _shift_all(value, shift) if key in SHIFTED_SETTINGS else value
    settings["year"] = str(year)
    settings["date"] = f"{year}-01-01"
    if isinstance(settings.get("period"), dict):  # an interim report: the same months next year
        settings["period"] = {key: shift(str(value)) for key, value in settings["period"].items()}
    header = [
        f"# Inställningar för {settings.get('title', 'rapporten')}, skapade med kfsreport new.",
        "# Alla nycklar förklaras i handboken till kfsreport (kapitlet Uppdatera fakta och inställningar).",
        "# date är en platshållare (1 januari) tills rapportens datum är bestämt; kfsreport check",
        "# påminner om det. Lägg till registration_number när diarienumret finns.",
    ]
    return "\n".join([*header, *emit(settings)]) + "\n"


def _shift_all(value: Any, shift: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return shift(value)
    if isinstance(value, list):
        return [_shift_all(item, shift) for item in value]
    return value


def _facts(raw: dict[str, Any], old_title: str, title: str, year: int) -> str:
    plan = dict(raw.get("plan") or {})
    plan.pop("decided", None)
    plan["activities"] = [
        {**{k: v for k, v in activity.items() if k not in ("reported_in", "progress")}, "status": "planned"}
        for activity in plan.get("activities") or []
        if isinstance(activity, dict)
    ]
    plan["goals"] = [  # last year's progress is last year's: each goal starts without it
        {k: v for k, v in goal.items() if k not in ("status", "progress")}
        for goal in plan.get("goals") or []
        if isinstance(goal, dict)
    ]
    if not plan["goals"]:
        del plan["goals"]
    economy = raw.get("economy")
    sections: list[tuple[str, Any, str]] = [
        ("committee", raw.get("committee"), "Beredningen (oförändrad från förra året)."),
        ("standing_assignment", raw.get("standing_assignment"), "Det bestående uppdraget (oförändrat)."),
        (
            "assignments",
            raw.get("assignments"),
            f"Förra årets riktade uppdrag; byt mot uppdragen för {year} när fullmäktige har beslutat.",
        ),
        (
            "plan",
            plan,
            "Förra årets mål och aktiviteter, nu som planerade. Skriv in planen för "
            f"{year} och lägg till decided: med datumet då den fastställdes.",
        ),
        ("conclusions", [], f"Årets slutsatser skrivs här (förra årets finns i {old_title})."),
        ("recommendations", [], "Årets rekommendationer skrivs här."),
        (
            "follow_up",
            raw.get("recommendations") or [],
            "Förra årets rekommendationer, att följa upp i år: skriv under outcome hur var och en "
            "har följts upp; {{ uppfoljning }} visar dem.",
        ),
        ("members", raw.get("members"), "Ledamöterna (kontrollera att listan stämmer)."),
        ("signed_by", raw.get("signed_by"), "De som skriver under (kontrollera att de stämmer)."),
        ("meetings", [], f"Sammanträdena under {year}."),
        (
            "economy",
            {"unit": economy.get("unit", "tkr")} if isinstance(economy, dict) else None,
            "Ekonomin för det nya året börjar tom: fyll i budget och outcome (och i en "
            "delårsrapport budget_period och forecast); avvikelserna räknas fram.",
        ),
        (
            "action_plan",
            raw.get("action_plan"),
            "Åtgärdsplanen gäller flera år och följer med oförändrad; ändra den om planen har reviderats.",
        ),
        (
            "figures",
            raw.get("figures"),
            "Nyckeltalen från förra året med sina källor: uppdatera value när nya siffror finns.",
        ),
    ]
    lines = [f"# Fakta för {title}, skapade med kfsreport new från {old_title}."]
    for key, value, comment in sections:
        if value is None:
            continue
        lines += ["", *(f"# {line}" for line in textwrap.wrap(comment, _WIDTH - 2)), *emit({key: value})]
    return "\n".join(lines) + "\n"


# --- a small YAML writer for plain data ----------------------------------------------------

_WIDTH = 88
_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n]*$")


def emit(value: Any, indent: int = 0) -> Iterator[str]:
    """YAML lines for plain data as the loader reads it back: scalars stay the text written."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _entry(f"{pad}{key}:", item, indent)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                first = True
                for line in emit(item, indent + 2):
                    yield f"{pad}- {line[indent + 2 :]}" if first else line
                    first = False
            else:
                yield from _entry(f"{pad}-", item, indent)


def _entry(head: str, item: Any, indent: int) -> Iterator[str]:
    if isinstance(item, dict | list) and not item:
        yield f"{head} {'{}' if isinstance(item, dict) else '[]'}"
    elif isinstance(item, dict | list):
        yield head
        yield from emit(item, indent + 2)
    elif item is None:
        yield f"{head} null"
    else:
        yield from _scalar(head, str(item), indent + 2)


def _scalar(head: str, text: str, indent: int) -> Iterator[str]:
    pad = " " * indent
    if len(head) + 1 + len(text) > _WIDTH and "\n" not in text and "  " not in text and text == text.strip():
        yield f"{head} >-"
        yield from (pad + line for line in textwrap.wrap(text, _WIDTH - indent, break_on_hyphens=False))
    elif _PLAIN.match(text) and ": " not in text and " #" not in text and not text.endswith(":"):
        yield f"{head} {text}"
    else:
        yield f"{head} {json.dumps(text, ensure_ascii=False)}"


# --- chapters -------------------------------------------------------------------------------


@dataclass
class _Section:
    heading: str | None
    level: int
    title: str
    words: int = 0
    directives: list[str] = field(default_factory=list)


def chapter_skeleton(
    chapter: ParsedChapter,
    lines: list[str],
    body_line: int,
    year: int,
    shift: Callable[[str], str],
    *,
    follow_up: bool = False,
) -> str:
    """Front matter, headings and directives of a chapter, with a hint under each heading.
    With `follow_up` (last year's recommendations are now `follow_up`), a section about the
    follow-up gets `{{ uppfoljning }}` if it does not have it yet."""
    front = [shift(line) for line in lines[1 : body_line - 2]]
    sections = list(_sections(chapter, lines, shift))
    for section in sections:
        if follow_up and "uppföljning" in section.title.lower() and FOLLOW_UP not in section.directives:
            section.directives.append(FOLLOW_UP)
    out = ["---", *front, "---"]
    for i, section in enumerate(sections):
        deeper_next = i + 1 < len(sections) and sections[i + 1].level > section.level
        if section.heading is not None:
            out += ["", section.heading]
        has_content = bool(section.words or section.directives)
        alone = section.heading is None and len(sections) == 1
        if has_content or alone or (section.heading is not None and not deeper_next):
            out += ["", _hint(section, year)]
        for directive in section.directives:
            out += ["", directive]
    return "\n".join(out) + "\n"


def _sections(chapter: ParsedChapter, lines: list[str], shift: Callable[[str], str]) -> Iterator[_Section]:
    current = _Section(None, 1, chapter.title)
    tokens = chapter.tokens
    in_footnotes = False
    for i, token in enumerate(tokens):
        line = token.map[0] if token.map else None
        if token.type == "footnote_block_open":
            in_footnotes = True
        if in_footnotes:
            continue
        if token.type == "heading_open" and line is not None:
            yield current
            title = plain_text(tokens[i + 1])
            written = lines[line] if lines[line].lstrip().startswith("#") else _heading_line(token, title)
            current = _Section(shift(written.strip()), int(token.tag[1]), shift(title))
        elif token.type == "kfs_directive" and line is not None:
            current.directives.append(lines[line].strip())
        elif token.type == "inline" and tokens[i - 1].type != "heading_open":
            current.words += len(plain_text(token).split())
    yield current


def _heading_line(token: Any, title: str) -> str:
    ident = token.attrGet("id")
    return f"{'#' * int(token.tag[1])} {title}" + (f" {{#{ident}}}" if ident else "")


def _hint(section: _Section, year: int) -> str:
    if "uppföljning" in section.title.lower():
        text = f"hur {year - 1} års rekommendationer har följts upp."
    elif section.heading is None:
        text = "kapitlets inledning."
    else:
        text = f"avsnittet ”{section.title}”" + ("." if str(year) in section.title else f" för {year}.")
    if section.words >= 10:
        text += f" Förra året var texten cirka {round(section.words, -1)} ord."
    notes = [
        DIRECTIVE_NOTES[name]
        for directive in section.directives
        if (name := re.sub(r"\W.*", "", directive.strip("{ }"))) in DIRECTIVE_NOTES
    ]
    return " ".join([f"*{PLACEHOLDER}* {text}", *dict.fromkeys(notes)])


def describe(created: NewReport, cwd: Path) -> str:
    """What was made and what to do next, for the command line."""
    where = shown(created.path, cwd) if created.path.is_relative_to(cwd) else str(created.path)
    return "\n".join(
        [
            f"Skapade {where}: {created.title}, utifrån {created.from_title}.",
            "Nästa steg:",
            "  1. Skriv rapportens datum (date) i report.yaml, och diarienumret när det finns.",
            "  2. Uppdatera data/facts.yaml: årets uppdrag, plan, slutsatser och rekommendationer.",
            "  3. Skriv kapitlen i content/; stycken som börjar med ”Att skriva:” säger vad som ska stå där.",
            f"  4. Gå till mappen (cd {where}). Förhandsvisa med make serve och granska med make check;",
            "     mappens Makefile kör kfsreport åt dig.",
        ]
    )
