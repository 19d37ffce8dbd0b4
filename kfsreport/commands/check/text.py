"""The prose of a report as runs of text with their lines, for the spelling, readability and
typography rules.

Chapters are read from the parsed Markdown tokens (the build's own parse): each paragraph,
heading, list item, table cell, footnote and box title is one `TextRun`. Code, link
addresses and `{{ … }}` are left out; an inline value counts as one word (`VALUE`). YAML files
give one run per text value, located at its key's line.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from markdown_it.token import Token

from kfsreport.load.yamlfile import Located
from kfsreport.render.markdown import ParsedChapter

VALUE = "\ufffc"
"""Stands for a `{{ … }}` value in a run: one word, never misspelt."""

Kind = Literal["paragraph", "heading", "cell", "footnote", "box", "yaml"]


@dataclass
class TextRun:
    """Text from one block, with the source line of every piece."""

    path: str
    kind: Kind
    text: str = ""
    starts: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    foreign: list[tuple[int, int]] = field(default_factory=list)
    """Offsets (start, end) of text marked as another language (`[…]{lang=en}`)."""
    english: bool = False
    """From a chapter written in English (`lang: en`), all of it foreign to Swedish."""
    swedish: list[tuple[int, int]] = field(default_factory=list)
    """Offsets of text marked as Swedish (`[Storuman]{lang=sv}`), in a chapter in English."""

    def is_foreign(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.foreign)

    def add(self, text: str, line: int) -> None:
        if not text:
            return
        self.starts.append(len(self.text))
        self.lines.append(line)
        self.text += text

    def line_at(self, offset: int) -> int:
        """The source line of the character at `offset`."""
        if not self.lines:
            return 1
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[max(index, 0)]


def chapter_runs(chapter: ParsedChapter) -> Iterator[TextRun]:
    """Every run of prose in a chapter, in order; all of it foreign in a chapter written in
    another language (`lang: en` in its front matter)."""
    language = chapter.lang.split("-")[0].lower() if chapter.lang else "sv"
    for run in _chapter_runs(chapter):
        if language != "sv":
            run.foreign = [(0, len(run.text))]
            run.english = language == "en"
        yield run


def _chapter_runs(chapter: ParsedChapter) -> Iterator[TextRun]:
    kind: Kind = "paragraph"
    in_footnote = False
    for token in chapter.tokens:
        if token.type == "footnote_block_open":
            in_footnote = True
        elif token.type in ("th_open", "td_open"):
            kind = "cell"
        elif token.type == "heading_open":
            kind = "heading"
        elif token.type in ("paragraph_open", "td_close", "th_close", "heading_close"):
            kind = "footnote" if in_footnote else "paragraph"
        elif token.type == "container_box_open":
            _, _, title = token.info.strip().partition(" ")
            if title.strip():
                run = TextRun(chapter.path, "box")
                run.add(title.strip(), (token.map[0] + 1) if token.map else 1)
                yield run
        elif token.type == "inline":
            run = inline_run(chapter.path, token, kind)
            if run.text.strip():
                yield run


def inline_run(path: str, inline: Token, kind: Kind) -> TextRun:
    """The text of an inline token; code and addresses shown as link text are skipped."""
    run = TextRun(path, kind)
    default = (inline.map[0] + 1) if inline.map else 1
    in_link = False
    spans: list[tuple[int, str | None]] = []  # where each open span starts, and its language
    for child in inline.children or []:
        line = int(child.meta.get("line", default))
        if child.type == "span_open":
            lang = child.attrs.get("lang")
            spans.append((len(run.text), str(lang).split("-")[0].lower() if lang else None))
        elif child.type == "span_close" and spans:
            start, lang = spans.pop()
            if lang == "sv":
                run.swedish.append((start, len(run.text)))
            elif lang is not None:
                run.foreign.append((start, len(run.text)))
        elif child.type in ("link_open", "link_close"):
            in_link = child.type == "link_open"
        elif child.type == "text" and not (in_link and _is_address(child.content)):
            run.add(child.content, line)
        elif child.type in ("softbreak", "hardbreak", "image"):
            run.add(" ", line)
        elif child.type in ("kfs_value", "code_inline"):
            run.add(VALUE, line)
    return run


def _is_address(text: str) -> bool:
    return "://" in text or "@" in text or text.startswith(("www.", "tel:", "mailto:"))


def yaml_runs(located: Located, keys: frozenset[str]) -> Iterator[TextRun]:
    """A run for every text value under a key in `keys`, anywhere in the file."""
    yield from _walk(located, located.data, (), keys)


def _walk(
    located: Located, value: Any, loc: tuple[str | int, ...], keys: frozenset[str]
) -> Iterator[TextRun]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and str(key) in keys:
                run = TextRun(located.path, "yaml")
                run.add(item, located.line((*loc, key)))
                yield run
            else:
                yield from _walk(located, item, (*loc, key), keys)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str) and loc and str(loc[-1]) in keys:
                run = TextRun(located.path, "yaml")
                run.add(item, located.line((*loc, i)))
                yield run
            else:
                yield from _walk(located, item, (*loc, i), keys)
