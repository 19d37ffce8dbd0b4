"""A heading that carries a number of its own where the build numbers it too.

`## 4.2 Förslaget om …` in a numbered chapter was published as "2.1 4.2 Förslaget om …",
and `title: Bilaga 2 Budget` as "Bilaga 1 Bilaga 2 Budget". A consultation response
answers another document's sections by their numbers: there the chapter is `numbered: false`
and its headings stand as written, which the hint says.
"""

from __future__ import annotations

import re

from kfsreport.errors import Problems
from kfsreport.load.folder import Sources
from kfsreport.render.markdown import Heading, ParsedChapter

_OWN_NUMBER = re.compile(r"(?:\d+(?:\.\d+)+\.?|\d+\.)(?=\s+\S)|(?:kapitel|avsnitt)\s+\d+\b", re.IGNORECASE)
"""`4.2 Förslaget`, `4.2.1. Text`, `3. Resultat`, `Kapitel 3: …` (not `2025 i korthet`, not
`10 år med beredningen`: a bare number may be the heading's own words)."""
_OWN_APPENDIX = re.compile(r"(?:bilaga|appendix)\s*\d+\b", re.IGNORECASE)


def check_heading_numbers(chapters: list[ParsedChapter], sources: Sources, problems: Problems) -> None:
    """Each numbered heading (and appendix title) that begins with a number of its own is
    an error at its line: the title line of the chapter's front matter, or the heading's."""
    fronts = {source.path: source.front for source in sources.chapters}
    for chapter in chapters:
        for heading in chapter.headings:
            if heading.number is None:
                continue
            pattern = _OWN_APPENDIX if heading.appendix is not None else _OWN_NUMBER
            own = pattern.match(heading.title)
            if own is None:
                continue
            line = heading.line
            front = fronts.get(chapter.path)
            if heading.level == 1 and front is not None:
                line = front.line(("title",)) or line
            _fail(chapter, heading, own.group(0), line, problems)


def _fail(chapter: ParsedChapter, heading: Heading, own: str, line: int, problems: Problems) -> None:
    shown = f"{heading.number} {heading.title}"
    if heading.appendix is not None:
        hint = (
            "Ta bort ordet och numret ur title; bilagorna numreras själva i filnamnsordning "
            "(”Bilaga 1”, ”Bilaga 2” …)."
        )
    elif heading.level == 1:
        hint = (
            "Ta bort numret ur title; kapitlen numreras själva i filnamnsordning. Ska kapitlet "
            "stå utan nummer, skriv numbered: false i dess front matter."
        )
    else:
        hint = (
            "Ta bort numret; bygget numrerar rubrikerna. Är numren ett annat dokuments, som "
            "avsnitten i ett betänkande som ett remissvar svarar på, skriv numbered: false i "
            "kapitlets front matter: då numreras varken kapitlet eller dess rubriker, och "
            "rubrikerna står som du skriver dem."
        )
    problems.fail(
        chapter.path,
        line,
        f"rubriken ”{heading.title}” börjar med ett eget nummer ({own.strip()}) och skulle "
        f"stå som ”{shown}”, med två nummer.",
        hint=hint,
    )
