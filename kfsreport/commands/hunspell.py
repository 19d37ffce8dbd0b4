"""Hunspell with a report's word list, remembering what it has judged: the speller of
`check`'s spelling (`check/spelling.py`), and of the print process, which judges a report's
words for its first check (`judge_words`, `PrintServer.spell`).

Kept apart from the check package so that the print process imports nothing else of it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DICTIONARY_DIR = Path("/usr/share/hunspell")
LANGUAGE = "sv_SE"
ENGLISH = "en_US"
_MAX_SUGGESTIONS = 3

Verdicts = dict[str, Any]
"""What a speller has judged: `known`, `english` (word → bool) and `suggestions` (word → list)."""


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
        self._loaded_by: Speller | None = None
        """The speller whose dictionaries this one uses (`anew`), loading them there."""
        if store is not None:
            self._read(store)

    @property
    def source(self) -> tuple[Path, list[str]]:
        """The dictionaries' folder and the word list: what another speller needs to judge
        as this one does (`judge_words`)."""
        return self._folder, list(self._extra)

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
        return "-" in word.strip("-") and not self.unknown_parts(word)

    def unknown_parts(self, word: str) -> list[str]:
        """The parts of a hyphenated compound that make it unknown. The last part, which
        the Swedish inflection falls on, must be Swedish (or in the word list); a part
        before it may also be a number (`covid-19-pandemin`), a word the English dictionary
        knows (`chi-två-test`, `follow-up-studie`) or an abbreviation written in small letters
        (`covid-pandemin`). Each is judged, and listed, once: adding it to the word list
        makes every compound with it known."""
        *first, last = [part for part in word.split("-") if part] or [word]
        unknown = [part for part in first if not self._known_first_part(part)]
        if not (self.knows(last) or last.isdigit()):
            unknown.append(last)
        return list(dict.fromkeys(unknown))

    def _known_first_part(self, part: str) -> bool:
        if part.isdigit() or self.knows(part) or self._in_english(part):
            return True
        return part.islower() and (self.knows(part.upper()) or self._in_english(part.upper()))

    def is_english(self, word: str) -> bool:
        """Whether the English dictionary (if installed) knows `word`."""
        return len(word) > 2 and self._in_english(word)

    def _in_english(self, word: str) -> bool:
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

    def anew(self) -> Speller:
        """A speller with this one's dictionaries, loaded once for both, and no verdicts."""
        fresh = Speller(self._folder, self._extra)
        fresh._loaded_by = self
        return fresh

    def load(self) -> None:
        """Load the Swedish dictionary now rather than at the first word that needs it."""
        self._hunspell()

    def judge(self, word: str) -> None:
        """Judge `word` as `check_spelling` does: known, else English, else suggestions."""
        if not self.knows(word) and not self.is_english(word):
            self.suggest(word)

    def unjudged(self, words: Iterable[str]) -> list[str]:
        """The words of `words` not yet judged (by an earlier check, say), once each, sorted."""
        return sorted({word for word in words if word not in self._known})

    def verdicts(self) -> Verdicts:
        """Everything judged so far, as the store keeps it (`learn` takes it)."""
        return {"known": self._known, "english": self._foreign, "suggestions": self._suggestions}

    def learn(self, verdicts: object) -> bool:
        """Take the verdicts another speller with the same dictionaries and word list gave
        (the print process's, `judge_words`), as if judged here; False if they are malformed."""
        parsed = _parsed(verdicts)
        if parsed is None:
            return False
        known, foreign, suggestions = parsed
        self._known.update(known)
        self._foreign.update(foreign)
        self._suggestions.update(suggestions)
        self._changed = self._changed or bool(known or foreign or suggestions)
        return True

    def keep(self) -> None:
        """Write the verdicts to the store, if there is one and something new was judged."""
        if self._store is None or not self._changed:
            return
        from kfsreport.write.output import write_outputs

        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_outputs({self._store: json.dumps(self.verdicts(), ensure_ascii=False).encode()})
        self._changed = False

    def _read(self, store: Path) -> None:
        try:
            kept = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # no store yet: judged afresh
        parsed = _parsed(kept)
        if parsed is not None:  # a damaged one is judged afresh
            self._known, self._foreign, self._suggestions = parsed

    def _hunspell(self) -> Any:
        if self._swedish is None and self._loaded_by is not None:
            self._swedish = self._loaded_by._hunspell()
        if self._swedish is None:
            from hunspell import Hunspell  # type: ignore[import-untyped]

            self._swedish = Hunspell(LANGUAGE, hunspell_data_dir=str(self._folder))
            for word in self._extra:
                self._swedish.add(word)
        return self._swedish

    def _english_hunspell(self) -> Any:
        if self._english is None and self._loaded_by is not None:
            self._english = self._loaded_by._english_hunspell()
        if self._english is None and has_dictionary(self._folder, ENGLISH):
            from hunspell import Hunspell

            self._english = Hunspell(ENGLISH, hunspell_data_dir=str(self._folder))
        return self._english


def _parsed(
    verdicts: object,
) -> tuple[dict[str, bool], dict[str, bool], dict[str, list[str]]] | None:
    """The three tables of `Speller.verdicts()` as read back (from the store or the print
    process), or None if they are not that."""
    if not isinstance(verdicts, dict):
        return None
    try:
        known = {str(w): bool(v) for w, v in verdicts["known"].items()}
        foreign = {str(w): bool(v) for w, v in verdicts["english"].items()}
        suggestions = {str(w): [str(s) for s in v] for w, v in verdicts["suggestions"].items()}
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    return known, foreign, suggestions


def judge_words(folder: Path, extra: list[str], words: list[str]) -> Verdicts:
    """Judge `words` with the dictionaries in `folder` and the word list `extra`: what the
    print process does for the first check of a report (`PrintServer.spell`), while the
    check itself computes its charts. The dictionaries stay loaded for the next check; the
    verdicts do not, so the answer is the same for the same words whatever was judged
    before (the check asks only for words its store has no verdict on)."""
    loaded = _spellers.get((folder, tuple(extra)))
    if loaded is None:
        loaded = _spellers[(folder, tuple(extra))] = Speller(folder, extra)
    speller = loaded.anew()
    for word in words:
        speller.judge(word)
    return speller.verdicts()


_spellers: dict[tuple[Path, tuple[str, ...]], Speller] = {}
"""The print process's spellers, by dictionary folder and word list, for their loaded
dictionaries."""


def has_dictionary(folder: Path, language: str) -> bool:
    return (folder / f"{language}.dic").is_file() and (folder / f"{language}.aff").is_file()
