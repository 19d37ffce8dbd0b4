"""The words the build writes into a chapter in English (`lang: en` in its front matter).

A summary in English for a partner read "as shown in avsnitt 2.1" and "Tabell 1." in the
middle of its English text. In such a chapter the words kfsreport itself writes are English:
`ref()` (`section 2.1`, `chapter 3`, `figure 2`, `table 1`, `appendix 1`, `the section “X” in
appendix 1`, capitalised first in a sentence as written), the table and figure numbers in
their captions, a figure's source line and its table of numbers, and the footnotes' accessible
names. Only the markup the build makes is touched (its classes and its own words); the
author's text is left as written. The rest of the report (the cover, the contents) stays
Swedish: a report entirely in English is not supported yet (DEVELOPING.md).
"""

from __future__ import annotations

import re

_XREF = re.compile(r'(<a class="xref" href="#[^"]*">)(.*?)(</a>)', re.DOTALL)
_WORDS = {
    "avsnittet": "the section",
    "avsnitt": "section",
    "kapitel": "chapter",
    "bilaga": "appendix",
    "figur": "figure",
    "tabell": "table",
}
_FIRST = re.compile(r"^(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)
_MARKUP = [
    ('<span class="table-number">Tabell ', '<span class="table-number">Table '),
    ('<span class="figure-number">Figur ', '<span class="figure-number">Figure '),
    ("<caption>Figur ", "<caption>Figure "),
    ('<p class="figure-source">Källa: ', '<p class="figure-source">Source: '),
    ("<summary>Siffrorna i figur ", "<summary>Data in figure "),
    ('aria-label="Fotnoter"', 'aria-label="Footnotes"'),
]
_FOOTNOTE = re.compile(r'aria-label="Fotnot (\d+)"')
_BACK = re.compile(
    r'aria-label="Tillbaka till texten vid fotnot (\d+)(?:, hänvisning (\d+))?">Tillbaka till texten'
)


def in_english(html: str) -> str:
    """A rendered chapter's HTML with the build's own words in English."""
    html = _XREF.sub(lambda m: m.group(1) + _label(m.group(2)) + m.group(3), html)
    for swedish, english in _MARKUP:
        html = html.replace(swedish, english)
    html = _FOOTNOTE.sub(r'aria-label="Footnote \1"', html)
    return _BACK.sub(_back, html)


def _label(text: str) -> str:
    """`avsnitt 2.1` → `section 2.1`; `Figur 2` → `Figure 2`; `avsnittet ”X” i bilaga 1` →
    `the section “X” in appendix 1`."""

    def word(match: re.Match[str]) -> str:
        english = _WORDS[match.group(1).lower()]
        return english[0].upper() + english[1:] if match.group(1)[0].isupper() else english

    text = _FIRST.sub(word, text)
    text = re.sub(r"”([^”]*)”", r"“\1”", text)
    return text.replace(" i bilaga ", " in appendix ")


def _back(match: re.Match[str]) -> str:
    label = f"Back to the text at footnote {match.group(1)}"
    if match.group(2):
        label += f", reference {match.group(2)}"
    return f'aria-label="{label}">Back to the text'
