"""Stage 1, load: read report.yaml, the facts file and the chapters from a report folder.

Only files inside the folder are read; a path or symlink that leads outside it is an error.
Text is decoded strictly (UTF-8, with or without BOM, or UTF-16 with BOM) and line endings
are normalised, so later stages see the same text whatever editor saved it.
"""

from __future__ import annotations

import codecs
import re
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from kfsreport.errors import Problems, shown
from kfsreport.load.yamlfile import Located, read_yaml

SETTINGS_FILE = "report.yaml"
FACTS_FILE = "data/facts.yaml"
CHARTS_FILE = "data/charts.yaml"
CONTENT_DIR = "content"
MAX_TEXT_BYTES = 2_000_000


@dataclass(frozen=True)
class ChapterSource:
    """One chapter file: its front matter and its Markdown body with the body's first line."""

    path: str
    front: Located | None
    body: str
    body_line: int


@dataclass(frozen=True)
class Sources:
    """Everything read from the report folder, not yet validated."""

    root: Path
    settings: Located | None
    facts: Located | None
    chapters: list[ChapterSource]
    facts_unreadable: bool = False
    charts: Located | None = None
    charts_unreadable: bool = False
    """data/charts.yaml is there but cannot be read (wholly or partly), or is there under
    another name (reported): `figur()` and `ref()` to a chart id it does not know are no
    errors of their own if the file's text has the id (`charts_words`)."""
    charts_words: frozenset[str] | None = None
    """With the charts file unreadable: every word in its text (or the misnamed file's),
    read as loosely as can be (a broken line, a wrong encoding), so that an id the text
    places but the file nowhere has is an error at once; None if no text could be read."""
    charts_ids: frozenset[str] = frozenset()
    """With the charts file unreadable: the ids its text gives (`id: …` lines), for suggestions."""


def load_project(root: Path, flag: str = "--project") -> tuple[Sources, Problems]:
    """Read report.yaml, data/facts.yaml and content/*.md; collect what cannot be read.
    A report folder with symbolic links or special files is not read at all. `flag` is the
    command's flag that names the folder, for the advice when it is not a report folder."""
    root = root.resolve()
    problems = Problems()
    refuse_links(root, problems)
    if problems:
        return Sources(root, None, None, []), problems
    if (root / SETTINGS_FILE).is_dir():
        problems.fail(
            SETTINGS_FILE,
            None,
            "är en mapp, inte en fil.",
            "Ta bort eller byt namn på mappen och lägg rapportens inställningar i filen report.yaml.",
        )
        return Sources(root, None, None, []), problems
    if not (root / SETTINGS_FILE).is_file():
        if _misnamed(root, SETTINGS_FILE, problems) is None:
            problems.fail(SETTINGS_FILE, None, f"filen saknas i {root}.", _where_the_report_is(root, flag))
        return Sources(root, None, None, []), problems
    settings = _load_yaml(root, SETTINGS_FILE, problems)
    has_facts = (root / FACTS_FILE).exists()
    facts = _load_yaml(root, FACTS_FILE, problems) if has_facts else None
    facts_misnamed = not has_facts and _misnamed(root, FACTS_FILE, problems) is not None
    has_charts = (root / CHARTS_FILE).exists()
    charts = _load_yaml(root, CHARTS_FILE, problems) if has_charts else None
    # A line YAML could not read is skipped, and with it perhaps a chart's id.
    charts_broken = any(error.path == CHARTS_FILE for error in problems.errors)
    charts_misnamed = None if has_charts else _misnamed(root, CHARTS_FILE, problems)
    charts_unreadable = (has_charts and (charts is None or charts_broken)) or charts_misnamed is not None
    words = _loose_words(root, charts_misnamed or root / CHARTS_FILE) if charts_unreadable else None
    files = chapter_files(root, problems)
    chapters = [chapter for path in files if (chapter := _load_chapter(root, path, problems)) is not None]
    if not files and not (root / CONTENT_DIR).is_dir():
        problems.fail(
            CONTENT_DIR,
            None,
            f"mappen {CONTENT_DIR}/ med kapitlen saknas.",
            f"Skapa mappen {CONTENT_DIR} i rapportmappen och lägg kapitlen där, ett kapitel per .md-fil.",
        )
    elif not files:
        problems.fail(
            CONTENT_DIR, None, "mappen innehåller inga kapitel (.md-filer).", "Lägg till minst ett."
        )
    sources = Sources(
        root,
        settings,
        facts,
        chapters,
        facts_unreadable=(has_facts and facts is None) or facts_misnamed,
        charts=charts,
        charts_unreadable=charts_unreadable,
        charts_words=None if words is None else words[0],
        charts_ids=frozenset() if words is None else words[1],
    )
    return sources, problems


_WORD = re.compile(r"[\w-]+")
_ID_LINE = re.compile(r"""^[\s-]*id\s*:\s*["']?([\w-]+)""", re.MULTILINE)


def _loose_words(root: Path, path: Path) -> tuple[frozenset[str], frozenset[str]] | None:
    """The words and the `id:` values in a YAML file that cannot be read as YAML (or is
    misnamed), decoded leniently; None if it cannot be read as a file at all."""
    if inside(root, path) is None:
        return None
    try:
        with path.open("rb") as file:
            data = file.read(MAX_TEXT_BYTES)
        wide = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        text = data.decode("utf-16" if wide else "utf-8", errors="replace")
    except OSError:
        return None
    return frozenset(_WORD.findall(text)), frozenset(_ID_LINE.findall(text))


def _misnamed(root: Path, expected: str, problems: Problems) -> Path | None:
    """Report a file beside `expected` (report.yaml, data/facts.yaml, data/charts.yaml) that
    is surely meant as it but is named otherwise, so it is not read: `report.yml`,
    `Facts.yaml`, `facts.yaml.txt`, `charts - Kopia.yaml`. The file, if there was one."""
    folder = (root / expected).parent
    want = Path(expected).name
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except OSError:
        return None
    for name in names:
        if name != want and _meant_name(name) == want and (folder / name).is_file():
            problems.fail(
                shown(folder / name, root),
                None,
                f"heter inte {want} och läses därför inte.",
                f"Byt namn på filen till {want} (små bokstäver, .yaml).",
            )
            return folder / name
    return None


def _meant_name(name: str) -> str:
    """`name` as the file it is most likely meant to be: small letters, `.yml` as `.yaml`,
    without a `.txt` that Notepad added or a copy's ` - Kopia`."""
    lower = name.lower().strip()
    for added in (".txt", ".text"):
        lower = lower.removesuffix(added)
    stem, dot, suffix = lower.rpartition(".")
    if not dot:
        return lower
    return _COPY.sub("", stem).strip() + "." + ("yaml" if suffix == "yml" else suffix)


def chapter_files(root: Path, problems: Problems) -> list[Path]:
    """The chapters in content/ in the order of the number their names start with (`2-…`
    before `10-…`, as a person counts), then by name; files that look like chapters but are
    not read as one (a copy, a backup, a chapter saved as .txt, a folder named x.md) are
    reported."""
    folder = root / CONTENT_DIR
    if not folder.is_dir():
        return []
    chapters = []
    paths = sorted(folder.iterdir(), key=_counted)
    for path in paths:
        name = shown(path, root)
        starts_like_a_chapter = _starts_like_a_chapter(root, path)
        reason = lookalike(path.name, starts_like_a_chapter)
        if reason is not None:
            problems.fail(name, None, reason[0], hint=reason[1])
            # A chapter saved under the wrong ending is still read after its error, so that its
            # headings' ids do not make every ref() to them a second error, unless a chapter
            # of the right name is there too (then it is a copy).
            meant = _meant_chapter(path.name, starts_like_a_chapter)
            if meant is not None and not (folder / meant).exists() and path.is_file():
                chapters.append(path)
        elif path.suffix == ".md" and path.is_dir():
            problems.fail(
                name,
                None,
                "är en mapp, men namnet slutar på .md som ett kapitel.",
                hint="Byt namn på mappen (till exempel bilder) eller flytta ut den ur content/.",
            )
        elif path.suffix == ".md":
            chapters.append(path)
    return chapters


_LEADING_NUMBER = re.compile(r"\d+")


def _counted(path: Path) -> tuple[int, str]:
    """Sort key: `10-bilaga.md` after `2-resultat.md`; names without a number after all."""
    match = _LEADING_NUMBER.match(path.name)
    return (int(match.group(0)) if match else sys.maxsize, path.name)


_COPY = re.compile(r"(?i)(?: - (?:kopia|copy)(?: \(\d+\))?| ?\(\d+\)| kopia| copy)$")
_BACKUP_SUFFIXES = (".bak", ".orig", ".tmp", ".swp", ".swo", "~", ".old", ".backup")
_OTHER_TEXT = (".txt", ".markdown", ".mdown", ".mkd", ".text")
_DOCUMENTS = (".docx", ".doc", ".odt", ".rtf", ".pages")


def _starts_like_a_chapter(root: Path, path: Path) -> bool:
    """True for a text file inside the folder that begins with front matter (`---`), as a
    chapter does (nothing else is opened: not images, not what a link points out to)."""
    if not path.name.lower().endswith((".txt", ".text")) or inside(root, path) is None:
        return False
    try:
        with path.open("rb") as file:
            return file.read(8).removeprefix(codecs.BOM_UTF8).lstrip(b" ").startswith(b"---")
    except OSError:
        return False


def _meant_chapter(name: str, starts_like_a_chapter: bool) -> str | None:
    """The chapter's right name for a chapter saved under another ending (`04-a.MD`,
    `04-a.md.txt`, `04-a.markdown`), as `lookalike` reports it; None for anything else."""
    lower = name.lower()
    stem, dot, suffix = name.rpartition(".")
    if not dot or lower.startswith(("~$", ".~lock", ".#", "._", "#")):
        return None
    if suffix.lower() == "md" and suffix != "md" and not _COPY.search(stem):
        return f"{stem}.md"
    text_file = lower.endswith((".txt", ".text"))
    if lower.endswith(_OTHER_TEXT) and (not text_file or ".md." in lower or starts_like_a_chapter):
        base = name[: lower.find(".md")] if ".md" in lower else stem
        return None if _COPY.search(base) else f"{base}.md"
    return None


def lookalike(name: str, starts_like_a_chapter: bool = False) -> tuple[str, str] | None:
    """Why a file in content/ that looks like a chapter is not read as one, with what to do.
    A text file (`.txt`) counts when its name holds `.md` or it begins with front matter;
    other text files, such as an older report's content/ordlista.txt, are left alone."""
    lower = name.lower()
    if lower.startswith(("~$", ".~lock", ".#", "._")) or (lower.startswith("#") and lower.endswith("#")):
        return (
            "är en tillfällig fil som ett program (Word, LibreOffice, en editor eller macOS) har lagt här.",
            "Stäng programmet och ta bort filen; den läses inte som kapitel.",
        )
    if lower.endswith(_BACKUP_SUFFIXES) and ".md" in lower:
        return (
            "är en säkerhetskopia av ett kapitel och läses inte.",
            "Ta bort den eller flytta den ut ur content/.",
        )
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix == "md" and _COPY.search(stem):
        return (
            "ser ut att vara en kopia av ett kapitel och läses inte (den skulle ge varje rubrik två gånger).",
            "Ta bort kopian eller flytta den ut ur content/; ska den vara ett eget kapitel, "
            "ge den ett eget namn, till exempel 05-bilaga.md.",
        )
    if dot and suffix.lower() == "md" and suffix != "md":
        return (
            f"slutar på .{suffix} och läses inte; bara filer som slutar på .md (små bokstäver) är kapitel.",
            f"Byt namn till {stem}.md.",
        )
    if lower.endswith(_DOCUMENTS):
        return (
            "är ett ordbehandlingsdokument, inte ett kapitel; bara filer som slutar på .md läses.",
            f"Klistra in texten i en ny fil {stem}.md (ren text, UTF-8) "
            "och flytta dokumentet ut ur content/.",
        )
    text_file = lower.endswith((".txt", ".text"))
    if lower.endswith(_OTHER_TEXT) and (not text_file or ".md." in lower or starts_like_a_chapter):
        base = name[: name.lower().find(".md")] if ".md" in lower else stem
        return (
            f"är inte ett kapitel: bara filer som slutar på .md läses (den här slutar på .{suffix}).",
            f"Byt namn till {base}.md (spara som ren text i UTF-8), eller flytta filen ut ur content/.",
        )
    return None


_TOO_BIG_HINT = (
    "Dela upp ett långt kapitel i flera filer, och lägg stora tabeller i en CSV-fil i data/ "
    "(den får vara större)."
)


def _where_the_report_is(root: Path, flag: str) -> str:
    """Advice for a folder without report.yaml: the report folder it is in, if it is in one
    (the command run in content/ or data/), or else how to name the report folder (`flag`)."""
    for folder in list(root.resolve().parents)[:3]:
        if (folder / SETTINGS_FILE).is_file():
            shell = shlex.quote(str(folder))
            return (
                f"Rapportmappen är {folder}, som har report.yaml: gå dit (cd {shell}) "
                f"eller ange {flag} {shell}."
            )
    if flag == "--from":
        return "Kör kommandot i rapportmappen du utgår från, eller ange den med --from MAPP."
    return f"Kör kommandot i rapportmappen eller ange mappen med {flag}."


def read_text(root: Path, path: Path, problems: Problems, windows_too: bool = False) -> str | None:
    """Read a text file inside `root`, decoded and with \\n line endings; None on failure.
    With `windows_too`, a file that is not UTF-8 is reported and then read as Windows-1252,
    what it most likely is, so that the rest of it can be checked in the same round."""
    name = shown(path, root)
    resolved = inside(root, path)
    if resolved is None:
        problems.fail(name, None, "filen pekar ut ur rapportmappen och läses inte.", "Kopiera in filen.")
        return None
    if not regular_file(resolved, name, problems):
        return None
    if resolved.stat().st_size > MAX_TEXT_BYTES:
        problems.fail(name, None, f"filen är större än {MAX_TEXT_BYTES // 1_000_000} MB.", _TOO_BIG_HINT)
        return None
    data = resolved.read_bytes()
    if len(data) > MAX_TEXT_BYTES:
        problems.fail(name, None, f"filen är större än {MAX_TEXT_BYTES // 1_000_000} MB.", _TOO_BIG_HINT)
        return None
    text = _decode(data, name, problems, windows_too)
    if text is None:
        return None
    return clean_pasted(text.replace("\r\n", "\n").replace("\r", "\n"))


REPORT_PARTS = (SETTINGS_FILE, CONTENT_DIR, "data", "templates")
"""What the build reads from a report folder; nothing in them may be a link or a special file."""
MAX_ENTRIES = 20_000


def refuse_links(root: Path, problems: Problems) -> None:
    """Report every symbolic link in the report's own files and folders, and every special
    file (named pipe, device, socket) where everything is read (`report.yaml`, `content/`,
    `templates/`): links are never followed, whether they lead out of the folder or not, and
    a named pipe would make the build wait for ever. In `data/` only the files the report
    names are opened, each checked to be a regular file first (`regular_file`)."""
    seen = 0
    pending = [root / part for part in REPORT_PARTS]
    while pending:
        path = pending.pop()
        seen += 1
        if seen > MAX_ENTRIES:
            problems.fail(shown(path.parent, root), None, f"mappen har fler än {MAX_ENTRIES} filer.")
            return
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode):
            problems.fail(
                shown(path, root),
                None,
                "filen är en symbolisk länk; länkar följs inte.",
                "Kopiera in filen eller mappen i stället för att länka till den.",
            )
        elif stat.S_ISDIR(mode):
            pending.extend(sorted(path.iterdir(), reverse=True))
        elif not stat.S_ISREG(mode) and not path.is_relative_to(root / "data"):
            problems.fail(shown(path, root), None, _SPECIAL, _SPECIAL_HINT)


_SPECIAL = "filen är ingen vanlig fil (en namngiven rörledning, en enhet eller en sockel) och läses inte."
_SPECIAL_HINT = "Ta bort den ur rapportmappen."


def regular_file(path: Path, name: str, problems: Problems) -> bool:
    """Whether `path` is a regular file; a named pipe, device or socket is reported, never opened."""
    if stat.S_ISREG(path.stat().st_mode):
        return True
    problems.fail(name, None, _SPECIAL, _SPECIAL_HINT)
    return False


_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_pasted(text: str) -> str:
    """Text pasted from Word or e-mail made safe: Word's line break (U+000B) and form feeds
    become spaces; other control characters and bidi overrides, which can hide or reorder
    text (and make vl-convert abort), are removed."""
    return _INVISIBLE.sub("", text.replace("\x0b", " ").replace("\x0c", " "))


def inside(root: Path, path: Path) -> Path | None:
    """The real path of `path` if it lies inside `root` and no part of it below `root` is a
    symbolic link (links are never followed, wherever they point), else None."""
    base = root.resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(base):
        return None
    try:
        parts = path.absolute().relative_to(root.absolute()).parts
    except ValueError:
        return None
    step = root.absolute()
    for part in parts:
        step = step / part
        if step.is_symlink():
            return None
    return resolved


def _decode(data: bytes, name: str, problems: Problems, windows_too: bool = False) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            problems.fail(name, None, "filen är trasig UTF-16-text.", "Spara den som UTF-8.")
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.fail(
            name,
            line,
            "filen är inte sparad som UTF-8 (troligen Windows-1252 från Word eller Excel).",
            "Spara om den som UTF-8 i din textredigerare.",
        )
        return data.decode("cp1252", errors="replace") if windows_too else None


def _load_yaml(root: Path, name: str, problems: Problems) -> Located | None:
    text = read_text(root, root / name, problems)
    if text is None:
        return None
    return read_yaml(text, name, problems)


FRONT_LINES = 20
"""How far down a chapter without a first `---` line is searched for the `---` that ends
its front matter (`--` or a blank line first are the usual slips)."""


def _load_chapter(root: Path, path: Path, problems: Problems) -> ChapterSource | None:
    name = shown(path, root)
    # A chapter saved in Windows-1252 is read as such after its error, like a chapter
    # whose front matter cannot be read (below), for the same reason.
    text = read_text(root, path, problems, windows_too=True)
    if text is None:
        return None
    lines = text.split("\n")
    # A chapter whose front matter cannot be read is still read without it (its headings
    # and expressions are checked), so that the ids it gives its headings do not make every
    # ref() and plan to them a second error.
    if not lines or lines[0].strip() != "---":
        problems.fail(
            name,
            1,
            "kapitlet börjar inte med front matter.",
            "Börja filen med raden ---, sedan title: Kapitlets rubrik och en rad ---.",
        )
        closing = next((i for i in range(min(len(lines), FRONT_LINES)) if lines[i].strip() == "---"), -1)
        return ChapterSource(name, None, "\n".join(lines[closing + 1 :]), body_line=closing + 2)
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        problems.fail(
            name,
            1,
            "front matter (raderna överst mellan ---) har inget avslutande ---.",
            "Lägg till en rad med --- efter de sista inställningarna.",
        )
        blank = next((i for i in range(1, len(lines)) if not lines[i].strip()), len(lines))
        return ChapterSource(name, None, "\n".join(lines[blank + 1 :]), body_line=blank + 2)
    front = read_yaml("\n".join(lines[1:end]), name, problems, first_line=2)
    body = "\n".join(lines[end + 1 :])
    return ChapterSource(name, front, body, body_line=end + 2)
