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

import contextlib
import hashlib
import importlib.util
import json
import re
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
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
    """Hunspell with the report's word list added; remembers every word it has judged.

    The dictionaries are loaded only when a word must be judged (the Swedish one takes a
    few tenths of a second, the English one is needed only for a word the Swedish one does
    not know). With a `store` (a file in the report's cache), the verdicts, English
    verdicts and suggestions of earlier checks are read from it and new ones written back
    by `keep()`: its name is a hash of the dictionaries and the word list, so a changed
    dictionary or list starts afresh, and a report whose words have all been judged before
    is checked without loading Hunspell at all."""

    def __init__(self, folder: Path, extra: Iterable[str], store: Path | None = None) -> None:
        self._folder = folder
        self._extra = list(extra)
        self._swedish: Any = None
        self._english: Any = None
        self._store = store
        self._known: dict[str, bool] = {}
        self._foreign: dict[str, bool] = {}
        self._suggestions: dict[str, list[str]] = {}
        self._changed = False
        if store is not None:
            self._read(store)

    def knows(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = bool(self._hunspell().spell(word)) or self._known_parts(word)
            self._changed = True
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
        if len(word) <= 2:
            return False
        if word not in self._foreign:
            english = self._english_hunspell()
            self._foreign[word] = english is not None and bool(english.spell(word))
            self._changed = True
        return self._foreign[word]

    def suggest(self, word: str) -> list[str]:
        if word not in self._suggestions:
            self._suggestions[word] = list(self._hunspell().suggest(word))[:_MAX_SUGGESTIONS]
            self._changed = True
        return self._suggestions[word]

    def load(self) -> None:
        """Load the Swedish dictionary now rather than at the first word that needs it."""
        self._hunspell()

    def keep(self) -> None:
        """Write the verdicts to the store, if there is one and something new was judged."""
        if self._store is None or not self._changed:
            return
        from kfsreport.write.output import write_outputs

        kept = {"known": self._known, "english": self._foreign, "suggestions": self._suggestions}
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_outputs({self._store: json.dumps(kept, ensure_ascii=False).encode()})
        self._changed = False

    def _read(self, store: Path) -> None:
        try:
            kept = json.loads(store.read_text(encoding="utf-8"))
            known = {str(w): bool(v) for w, v in kept["known"].items()}
            foreign = {str(w): bool(v) for w, v in kept["english"].items()}
            suggestions = {str(w): [str(s) for s in v] for w, v in kept["suggestions"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return  # no store yet, or a damaged one: judged afresh
        self._known, self._foreign, self._suggestions = known, foreign, suggestions

    def _hunspell(self) -> Any:
        if self._swedish is None:
            from hunspell import Hunspell  # type: ignore[import-untyped]

            self._swedish = Hunspell(LANGUAGE, hunspell_data_dir=str(self._folder))
            for word in self._extra:
                self._swedish.add(word)
        return self._swedish

    def _english_hunspell(self) -> Any:
        if self._english is None and _has(self._folder, ENGLISH):
            from hunspell import Hunspell

            self._english = Hunspell(ENGLISH, hunspell_data_dir=str(self._folder))
        return self._english


def _has(folder: Path, language: str) -> bool:
    return (folder / f"{language}.dic").is_file() and (folder / f"{language}.aff").is_file()


@cache
def _dictionary_available(folder: Path) -> bool:
    return _has(folder, LANGUAGE) and importlib.util.find_spec("hunspell") is not None


def make_speller(
    root: Path, problems: Problems, folder: Path = DICTIONARY_DIR, cache: Path | None = None
) -> Speller | None:
    """Hunspell with the Swedish dictionary and `ordlista.txt`, or None if it cannot be had.
    With `cache` (the report's cache folder), earlier verdicts are read from and kept there."""
    if not _dictionary_available(folder):
        return None
    extra = word_list(root, problems)
    return Speller(folder, extra, _store(cache, folder, extra) if cache is not None else None)


def _store(cache: Path, folder: Path, extra: list[str]) -> Path:
    """The verdicts' file: named by the dictionaries (Swedish and English), the word list and
    the versions of kfsreport and chunspell."""
    from kfsreport import __version__
    from kfsreport.write.fingerprint import file_digest

    parts: list[object] = [__version__, version("chunspell"), extra]
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
