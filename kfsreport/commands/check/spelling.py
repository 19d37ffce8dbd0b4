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

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.text import TextRun
from kfsreport.errors import Problems
from kfsreport.load.folder import read_text

DICTIONARY_DIR = Path("/usr/share/hunspell")
LANGUAGE = "sv_SE"
ENGLISH = "en_US"
WORD_LIST = "ordlista.txt"

_WORD = re.compile(r"[^\W\d_]+(?:[-:'’][^\W\d_]+)*-?")
_NOT_WORDS = re.compile(
    r"\S*(?:://|@|www\.)\S*|\S+\.(?:se|nu|com|org|net|eu|png|jpe?g|gif|svg|webp|pdf|csv|xlsx|docx?)\b\S*"
    r"|\S*\d[^\W_]*(?:-[^\W_]+)*",
    re.IGNORECASE,
)
_MAX_SUGGESTIONS = 3


class Speller:
    """Hunspell with the report's word list added; remembers every word it has judged."""

    def __init__(self, hunspell: Any, extra: Iterable[str], english: Any = None) -> None:
        self._hunspell = hunspell
        self._english = english
        for word in extra:
            hunspell.add(word)
        self._known: dict[str, bool] = {}
        self._suggestions: dict[str, list[str]] = {}

    def knows(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = bool(self._hunspell.spell(word)) or self._known_parts(word)
        return self._known[word]

    def _known_parts(self, word: str) -> bool:
        """`SKR:s` and `IFO-verksamheten`: a word the list knows with a suffix or a known part."""
        base, colon, suffix = word.partition(":")
        if colon:
            return self.knows(base) and suffix in ("s", "n", "en", "et", "ns", "ens", "ets", "ar", "er", "or")
        parts = word.split("-")
        return len(parts) > 1 and all(self.knows(part) for part in parts if part)

    def is_english(self, word: str) -> bool:
        """Whether the English dictionary (if installed) knows `word`."""
        return self._english is not None and len(word) > 2 and bool(self._english.spell(word))

    def suggest(self, word: str) -> list[str]:
        if word not in self._suggestions:
            self._suggestions[word] = list(self._hunspell.suggest(word))[:_MAX_SUGGESTIONS]
        return self._suggestions[word]


@cache
def _dictionary_available(folder: Path) -> bool:
    return (folder / f"{LANGUAGE}.dic").is_file() and (folder / f"{LANGUAGE}.aff").is_file()


def make_speller(root: Path, problems: Problems, folder: Path = DICTIONARY_DIR) -> Speller | None:
    """Hunspell with the Swedish dictionary and `ordlista.txt`, or None if it cannot be had."""
    if not _dictionary_available(folder):
        return None
    try:
        from hunspell import Hunspell  # type: ignore[import-untyped]
    except ImportError:
        return None
    english = None
    if (folder / f"{ENGLISH}.dic").is_file() and (folder / f"{ENGLISH}.aff").is_file():
        english = Hunspell(ENGLISH, hunspell_data_dir=str(folder))
    return Speller(Hunspell(LANGUAGE, hunspell_data_dir=str(folder)), word_list(root, problems), english)


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
    for run in runs:
        text = _NOT_WORDS.sub(lambda m: " " * len(m.group()), run.text)
        for match in _WORD.finditer(text):
            word = match.group().strip(":'’")
            if word.endswith("-") or run.is_foreign(match.start()) or speller.knows(word):
                continue  # "hälso- och sjukvård": a first part; [Building Women]{lang=en}
            if speller.is_english(word):
                findings.warning(
                    run.path,
                    run.line_at(match.start()),
                    f"'{word}' finns inte i den svenska ordlistan men i den engelska.",
                    f"Är det engelska, märk det så att det läses upp rätt: [{word}]{{lang=en}}. "
                    f"Annars rätta stavningen eller lägg till ordet i {WORD_LIST}.",
                )
                continue
            suggestions = speller.suggest(word)
            close = f" (menade du {' eller '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
            findings.warning(
                run.path,
                run.line_at(match.start()),
                f"'{word}' finns inte i den svenska ordlistan{close}.",
                f"Rätta stavningen, eller lägg till ordet i {WORD_LIST} om det är rätt.",
            )


def missing_dictionary(findings: Findings) -> None:
    findings.warning(
        WORD_LIST,
        None,
        "stavningen kontrollerades inte: Hunspells svenska ordlista "
        f"({DICTIONARY_DIR / LANGUAGE}.dic) eller chunspell saknas.",
        "Installera Debianpaketet hunspell-sv (make gör det) och Pythonpaketen med pip install -e .",
    )
