"""The one Jinja environment for layouts and partials, and the context templates see.

Templates are looked up first in the report's own `templates/` folder, then in the
package's, so a report overrides any template or stylesheet by giving a file the same name.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup

from kfsreport import locale
from kfsreport.directives import section_label
from kfsreport.errors import PACKAGE_TEMPLATES
from kfsreport.expressions import CONTENT_FILTERS
from kfsreport.markdown import Heading
from kfsreport.schema import STATUS_LABELS, Facts, ReportSettings


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


def make_environment(root: Path) -> Environment:
    """The Jinja environment: autoescape, StrictUndefined, every filter registered here."""
    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs(root)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_BYTECODE,
    )
    env.filters.update(CONTENT_FILTERS)
    env.filters.update(
        status=lambda value: STATUS_LABELS.get(value, value),
        section_label=section_label,
        number=locale.number,
        b64=b64,
    )
    return env


def b64(text: object) -> str:
    """Text as Base64 of its UTF-8 (the `b64` filter: an SVG in a data: URI)."""
    return base64.b64encode(str(text).encode("utf-8")).decode("ascii")


@dataclass(frozen=True)
class TocEntry:
    """A line in the contents: a chapter or a numbered section."""

    level: int
    number: str | None
    title: str
    id: str

    @classmethod
    def of(cls, heading: Heading) -> TocEntry:
        return cls(heading.level, heading.number, heading.title, heading.id)


@dataclass(frozen=True)
class RenderedChapter:
    id: str
    number: int | None
    title: str
    html: Markup
    path: str


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
