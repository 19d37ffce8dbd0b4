"""The one Jinja environment for layouts and partials, and the context templates see.

Templates are looked up first in the report's own `templates/` folder, then in the
package's, so a report overrides any template or stylesheet by giving a file the same name.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup

from kfsreport.errors import PACKAGE_TEMPLATES
from kfsreport.load.folder import inside
from kfsreport.load.schema import STATUS_LABELS, Facts, ReportSettings
from kfsreport.render import locale
from kfsreport.render.directives import section_label
from kfsreport.render.expressions import CONTENT_FILTERS
from kfsreport.render.fit import CoverSizes, side_figure_size
from kfsreport.render.markdown import Heading
from kfsreport.render.sandbox import LimitedSandbox


def template_dirs(root: Path) -> list[Path]:
    """The report's own templates first, then the package's defaults."""
    own = root / "templates"
    return [own, PACKAGE_TEMPLATES] if own.is_dir() else [PACKAGE_TEMPLATES]


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept for the life of the process, keyed by file and source checksum,
    so the preview does not compile the same templates again on every save."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()


MAX_TEMPLATE_TEXT = 5_000_000
"""The longest text a template may build in one value (a whole chapter's HTML fits)."""

TEMPLATE_FILTERS = frozenset(
    {
        *CONTENT_FILTERS,
        *("status", "section_label", "number", "b64", "side_figure_size", "unbroken"),
        *("abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int"),
        *("join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr"),
        *("replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string"),
        *("striptags", "sum", "title", "trim", "truncate", "unique", "upper", "wordcount"),
        *("format", "center", "indent", "wordwrap", "batch", "slice", "dictsort", "items"),
    }
)
"""What a template may use: the package's own filters and Jinja's harmless ones (every one
that can build a large value is bounded by the sandbox); not `attr`, `pprint`, `tojson`,
`xmlattr`, `urlize`, `random` and the like."""

TEMPLATE_GLOBALS = ("range", "namespace")


class _FolderLoader(FileSystemLoader):
    """Template files from the template folders only: a path through a symbolic link, or to
    something other than a regular file, is never opened (load refuses such files with a
    message; this keeps the rule where the files are read)."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        for folder in self.searchpath:
            candidate = Path(folder) / template
            if candidate.is_symlink() or not candidate.exists():
                continue
            if inside(Path(folder), candidate) is None or not candidate.is_file():
                continue
            return super().get_source(environment, template)
        raise TemplateNotFound(template)


def make_environment(root: Path, max_text: int = MAX_TEMPLATE_TEXT) -> Environment:
    """The Jinja environment: Jinja's immutable sandbox with our limits (`sandbox`),
    autoescape, StrictUndefined, only the filters and globals in the lists above."""
    env = LimitedSandbox(
        loader=_FolderLoader([str(d) for d in template_dirs(root)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_BYTECODE,
        max_text=max_text,
    )
    env.filters.update(CONTENT_FILTERS)
    env.filters.update(
        status=lambda value: STATUS_LABELS.get(value, value),
        section_label=section_label,
        number=locale.number,
        b64=b64,
        unbroken=unbroken,
        side_figure_size=side_figure_size,
    )
    env.filters = {name: f for name, f in env.filters.items() if name in TEMPLATE_FILTERS}
    env.globals = {name: env.globals[name] for name in TEMPLATE_GLOBALS}
    return env


UNBROKEN_AT_MOST = 16
"""The longest text `unbroken` keeps on one line: a period (`kv 2–3`, `2027–2028`), never a
sentence that would run out of its cell."""


def unbroken(text: object) -> str:
    """A short text such as a period on one line (the `unbroken` filter): `kv 2–3` in a
    narrow column broke as "kv 2–" over "3". Longer text is left to wrap."""
    value = str(text)
    if len(value) > UNBROKEN_AT_MOST:
        return value
    return value.replace(" ", "\u00a0").replace("–", "–\u2060").replace("-", "-\u2060")


def b64(text: object) -> str:
    """Text as Base64 of its UTF-8 (the `b64` filter: an SVG in a data: URI)."""
    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class TocEntry:
    """A line in the contents: a chapter or a heading down to `contents_depth`; `level` is
    its depth in the outline (1 = chapter)."""

    level: int
    number: str | None
    title: str
    id: str
    lang: str | None = None
    """The language of a chapter not written in Swedish (`lang:` in its front matter)."""

    @classmethod
    def of(cls, heading: Heading, lang: str | None = None) -> TocEntry:
        return cls(heading.depth, heading.number, heading.title, heading.id, lang)


@dataclass(frozen=True)
class RenderedChapter:
    id: str
    number: int | None
    title: str
    html: Markup
    path: str
    label: str | None = None
    """`3` for chapter 3, `Bilaga 1` for the first appendix, None when unnumbered."""
    appendix: int | None = None
    lang: str | None = None
    """The chapter's language when it is not the report's (`lang: en` in front matter)."""
    author: str | None = None
    """Who wrote the chapter (`author:` in front matter), shown under its title."""


@dataclass(frozen=True)
class PageContext:
    """Every variable the page templates (report.html.j2 and what it includes) can use."""

    edition: Literal["screen", "print"]
    report: ReportSettings
    facts: Facts
    chapters: list[RenderedChapter]
    toc: list[TocEntry]
    stylesheet: Markup
    generator: str
    logo: str | None = None
    """The cover logo as a data: URI, when report.yaml names one."""
    cover: CoverSizes = CoverSizes()
    """The classes that set the PDF cover's title and committee smaller when they are long."""


_BLOCK_TAGS = {"for", "if", "macro", "call", "filter", "block", "with", "autoescape", "trans", "set"}


def unclosed_block_line(env: Environment, source: str) -> int | None:
    """The line of the innermost `{% if %}`, `{% for %}` … in `source` that is never closed
    (Jinja reports such a block at the end of the file, where nothing is to be seen)."""
    open_blocks: list[int] = []
    try:
        tokens = [(line, kind, value) for line, kind, value in env.lex(source) if kind != "whitespace"]
    except TemplateSyntaxError:
        return None
    for at, (line, kind, _) in enumerate(tokens[:-1]):
        if kind != "block_begin" or tokens[at + 1][1] != "name":
            continue
        tag = tokens[at + 1][2]
        if tag.startswith("end") and open_blocks:
            open_blocks.pop()
        elif tag in _BLOCK_TAGS and not (tag == "set" and _assigns(tokens, at + 2)):
            open_blocks.append(line)
    return open_blocks[-1] if open_blocks else None


def _assigns(tokens: list[tuple[int, str, str]], start: int) -> bool:
    """Whether the `{% set … %}` from `start` is an assignment (`set x = 1`), not a block."""
    for _, kind, value in tokens[start:]:
        if kind == "block_end":
            return False
        if kind == "operator" and value == "=":
            return True
    return False
