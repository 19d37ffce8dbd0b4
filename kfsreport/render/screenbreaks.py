"""Soft hyphens in the long words of the web page's headings, so that a compound wider than a
phone's line (`Tillgänglighetsredogörelsen` at 375 px) breaks with a hyphen instead of
wherever the line ends (`overflow-wrap`). Browsers hyphenate only with a dictionary for the
language (`hyphens: auto`), and Debian's Chromium has no Swedish one offline.

Only the screen edition's headings h2 to h6 in the page's body get them, only in words of
`LONG` letters or more, at the joints listed in `avstavning.txt` when the word is listed
there and otherwise where Swedish hyphenation allows (pyphen, which WeasyPrint also uses),
four letters at least on each side. The page's `<title>`, the contents, attribute values
and the print edition (its headings are never hyphenated, and its bookmarks are made from
them) are left alone. A soft hyphen is invisible until a line breaks there; browsers' find
in page matches the word across it, and screen readers ignore it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kfsreport.render.hyphenation import SOFT

LONG = 16
_HEADING = re.compile(r"(<h([2-6])\b[^>]*>)(.*?)(</h\2>)", re.DOTALL)
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?[0-9A-Za-z]+;)")
_WORD = re.compile(rf"[^\W\d_]{{{LONG},}}")


def soft_hyphens_in_headings(html: str, words: dict[str, str]) -> str:
    """The screen page with soft hyphens in its headings' long words (see above); `words`:
    `avstavning.txt` as `hyphenation.read_word_list` reads it."""
    body = html.find("<body")
    if body < 0:
        return html

    def heading(match: re.Match[str]) -> str:
        if 'id="toc-rubrik"' in match.group(1):
            return match.group(0)
        parts = _TAG_OR_ENTITY.split(match.group(3))
        for index in range(0, len(parts), 2):
            parts[index] = _WORD.sub(lambda m: _hyphenated(m.group(), words), parts[index])
        return match.group(1) + "".join(parts) + match.group(4)

    return html[:body] + _HEADING.sub(heading, html[body:])


def _hyphenated(word: str, words: dict[str, str]) -> str:
    """The word with soft hyphens: at the joints of the longest listed word it begins with
    (a listed word covers its inflected forms), else where pyphen allows."""
    lower = word.lower()
    listed = max((key for key in words if lower.startswith(key)), key=len, default=None)
    if listed is None:
        return str(_pyphen().inserted(word, hyphen=SOFT))
    out, i = [], 0
    for char in words[listed]:
        out.append(SOFT if char == SOFT else word[i])
        i += char != SOFT
    return "".join(out) + word[i:]


@lru_cache(maxsize=1)
def _pyphen() -> Any:
    import pyphen  # type: ignore[import-untyped]  # pinned in pyproject.toml; WeasyPrint uses it too

    return pyphen.Pyphen(lang="sv_SE", left=4, right=4)
