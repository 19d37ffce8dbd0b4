"""Swedish spelling with Hunspell's Swedish dictionary and the report's own word list.

The dictionary is Debian's `hunspell-sv` (`/usr/share/hunspell/sv_SE.dic` and `.aff`), a
system dictionary read like the package's own files; Hunspell is used through `chunspell`.
Names and terms the dictionary does not know (Bjurholm, Lycksele, FoU-rapport) go in
`ordlista.txt` in the report folder, one word a line. Every unknown word is a warning with
Hunspell's suggestions. Text marked as another language (`[Building Women]{lang=en}`) is
not spell-checked; an unknown word that Debian's English dictionary (`hunspell-en-us`) knows
gets the suggestion to mark it so.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.metadata import version
from pathlib import Path

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.text import TextRun
from kfsreport.commands.hunspell import DICTIONARY_DIR, ENGLISH, LANGUAGE, Speller, has_dictionary
from kfsreport.errors import Problems
from kfsreport.load.folder import read_text

WORD_LIST = "ordlista.txt"
MONTHS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec")
"""The months shortened as Swedish tables write them (`jan–aug`), which Hunspell does not know."""
ABBREVIATIONS = ("dnr", "Dnr", "diarienr", "prop", "Ds", "kv", "resp")
"""What public-sector documents shorten and Hunspell does not know: a referral's `dnr
S2026/01872`, `prop. 2025/26:1`, `Ds 2026:3`, a quarter `kv 1–2`, `resp.`."""

_WORD = re.compile(r"[^\W\d_]+(?:[-:'’][^\W\d_]+|-\d+(?=-[^\W\d_]))*-?")
"""A word: letters, perhaps joined by hyphens (`chi-två-test`), with a number as a part
between two parts of letters (`covid-19-pandemin`)."""
_NUMBER_INSIDE = r"[^\w\s]*[^\W\d_]+(?:-[^\W\d_]+)*(?:-\d+)+-[^\W\d_]"
_NOT_WORDS = re.compile(
    r"\S*(?:://|@|www\.)\S*|\S+\.(?:se|nu|com|org|net|eu|png|jpe?g|gif|svg|webp|pdf|csv|xlsx|docx?)\b\S*"
    rf"|(?<!\S)(?!{_NUMBER_INSIDE})\S*\d[^\W_]*(?:-[^\W_]+)*",
    re.IGNORECASE,
)
"""Addresses, file names and words with a number (`2020-talet`, `A4`, `covid-19`), which
are not spell-checked; not a compound whose number stands between words (`_WORD`)."""
SPELLING_RULES = 2
"""Raised when the speller judges a word otherwise (part of the verdicts' file name)."""


@cache
def _dictionary_available(folder: Path) -> bool:
    return has_dictionary(folder, LANGUAGE) and importlib.util.find_spec("hunspell") is not None


def make_speller(
    root: Path, problems: Problems, folder: Path = DICTIONARY_DIR, cache: Path | None = None
) -> Speller | None:
    """Hunspell with the Swedish dictionary and `ordlista.txt`, or None if it cannot be had.
    With `cache` (the report's cache folder), earlier verdicts are read from and kept there."""
    if not _dictionary_available(folder):
        return None
    extra = [*MONTHS, *ABBREVIATIONS, *word_list(root, problems)]
    return Speller(folder, extra, _store(cache, folder, extra) if cache is not None else None)


def _store(cache: Path, folder: Path, extra: list[str]) -> Path:
    """The verdicts' file: named by the dictionaries (Swedish and English), the word list and
    the versions of kfsreport and chunspell."""
    from kfsreport import __version__
    from kfsreport.write.fingerprint import file_digest

    parts: list[object] = [__version__, SPELLING_RULES, version("chunspell"), extra]
    for language in (LANGUAGE, ENGLISH):
        for suffix in (".dic", ".aff"):
            digest = file_digest(folder / f"{language}{suffix}")
            parts.append(digest.hex() if digest is not None else None)
    key = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
    return cache / "checks" / f"spelling-{key}.json"


def word_list(root: Path, problems: Problems) -> list[str]:
    """The words in `ordlista.txt`: one a line, `#` starts a comment. A report made by an
    earlier version of kfsreport keeps its list in content/, where it is still read."""
    path = root / WORD_LIST
    if not path.is_file():
        path = root / "content" / WORD_LIST
    if not path.is_file():
        return []
    text = read_text(root, path, problems) or ""
    return [word for line in text.split("\n") if (word := line.split("#", 1)[0].strip())]


def check_spelling(speller: Speller, runs: Iterable[TextRun], findings: Findings) -> None:
    """Warn about every word neither the dictionary nor the word list knows."""
    for run, start, word in spelled_words(runs):
        if speller.knows(word):
            continue
        if "-" in word.strip("-"):
            _unknown_parts(speller, run, start, word, findings)
            continue
        if speller.is_english(word):
            findings.warning(
                run.path,
                run.line_at(start),
                f"'{word}' finns inte i den svenska ordlistan men i den engelska.",
                f"Är det engelska, märk det så att det läses upp rätt: [{word}]{{lang=en}}. "
                f"Annars rätta stavningen eller lägg till ordet i {WORD_LIST}.",
            )
            continue
        suggestions = speller.suggest(word)
        close = f" (menade du {' eller '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
        findings.warning(
            run.path,
            run.line_at(start),
            f"'{word}' finns inte i den svenska ordlistan{close}.",
            f"Rätta stavningen, eller lägg till ordet i {WORD_LIST} om det är rätt.",
        )


def _unknown_parts(speller: Speller, run: TextRun, start: int, word: str, findings: Findings) -> None:
    """A hyphenated compound is judged by its parts (`Speller.unknown_parts`): the warning
    names the part to correct or to add to the word list."""
    parts = speller.unknown_parts(word)
    named = " och ".join(f"'{part}'" for part in parts)
    suggestions = speller.suggest(parts[0]) if len(parts) == 1 else []
    close = f" (menade du {' eller '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
    findings.warning(
        run.path,
        run.line_at(start),
        f"'{word}': {named} finns inte i den svenska ordlistan{close}.",
        f"Rätta stavningen, eller lägg till {named} i {WORD_LIST} om det är rätt "
        "(då godtas också andra ord med bindestreck som har den delen).",
    )


def check_english_chapters(speller: Speller, runs: Iterable[TextRun], findings: Findings) -> None:
    """In a chapter written in English (`lang: en`), warn about a Swedish word left in it: a
    word in lower case that the Swedish dictionary knows and the English one does not (`och`,
    `kommuner`). Names (a capital first) and text marked `[…]{lang=sv}` are left alone, and
    nothing else is spelled. The English dictionary is American: a British spelling is tried
    in its American form too (`organisation`, `programme`, `centre`, `licence`)."""
    for run in runs:
        if not run.english:
            continue
        text = _NOT_WORDS.sub(lambda m: " " * len(m.group()), run.text)
        for match in _WORD.finditer(text):
            word = match.group().strip(":'’-")
            if not word.islower() or len(word) < 3 or any(s <= match.start() < e for s, e in run.swedish):
                continue
            if speller.knows(word) and not any(speller.is_english(form) for form in _american(word)):
                findings.warning(
                    run.path,
                    run.line_at(match.start()),
                    f"'{word}' är svenska i ett kapitel på engelska (lang: en): den engelska ordlistan "
                    "känner inte till ordet, men den svenska gör det.",
                    "Översätt ordet, eller märk det som svenska så att det läses upp rätt: "
                    f"[{word}]{{lang=sv}}.",
                )


_BRITISH = [
    (re.compile(r"is(ation|ations|e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"mme(s)?$"), r"m\1"),
    (re.compile(r"ence(s)?$"), r"ense\1"),
    (re.compile(r"(l)l(ed|ing|er|ers)$"), r"\1\2"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
]


def _american(word: str) -> list[str]:
    """`word` and the American spellings of it, if it is written the British way."""
    return [word, *(pattern.sub(american, word) for pattern, american in _BRITISH if pattern.search(word))]


def spelled_words(runs: Iterable[TextRun]) -> Iterator[tuple[TextRun, int, str]]:
    """Each word whose spelling is checked, with its run and where in the run it starts:
    not a first part ("hälso- och sjukvård"), nor text marked as another language."""
    for run in runs:
        text = _NOT_WORDS.sub(lambda m: " " * len(m.group()), run.text)
        for match in _WORD.finditer(text):
            word = match.group().strip(":'’")
            if not word.endswith("-") and not run.is_foreign(match.start()):
                yield run, match.start(), word


def missing_dictionary(findings: Findings) -> None:
    findings.warning(
        WORD_LIST,
        None,
        "stavningen kontrollerades inte: Hunspells svenska ordlista "
        f"({DICTIONARY_DIR / LANGUAGE}.dic) eller chunspell saknas.",
        "Installera Debianpaketet hunspell-sv (make gör det) och Pythonpaketen med pip install -e .",
    )
