"""Report syntax written in a YAML value, where it is never evaluated: `{{ tal.x }}` in a
fact's text, `:::` in a chart's title or `{% if %}` in a chapter's title would be published
as the characters themselves. Expressions and boxes work only in the chapters' text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kfsreport.errors import Problems
from kfsreport.load.yamlfile import Located

_MARKERS = ("{{", "}}", "{%", "%}", ":::")


def check_yaml_text(located: Located | None, problems: Problems) -> None:
    """Report each text value in `located` that holds `{{`, `}}`, `{%`, `%}` or `:::`."""
    if located is None:
        return
    for loc, text in texts(located.data, ()):
        marker = next((marker for marker in _MARKERS if marker in text), None)
        if marker is None:
            continue
        key = next((str(part) for part in reversed(loc) if not isinstance(part, int)), "värdet")
        problems.fail(
            located.path,
            located.line(loc),
            f"'{key}' innehåller {marker}, som skulle synas som text: uttryck med {{{{ }}}} och "
            "rutor med ::: fungerar bara i kapitlens text, inte i YAML-filer.",
            hint="Skriv värdet som vanlig text här. Behöver meningen ett värde ur faktafilen, "
            "skriv den i ett kapitel i stället.",
        )


def texts(data: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every text in `data` with its place, in the file's order (no recursion: any depth)."""
    stack: list[tuple[tuple[Any, ...], Any]] = [(loc, data)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, str):
            yield here, value
        elif isinstance(value, dict):
            stack.extend(reversed([((*here, key), item) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([((*here, index), item) for index, item in enumerate(value)]))
