"""Read YAML the careful way: line numbers kept, no type surprises, no tricks.

Scalars are kept as the text the editor wrote (`NO` stays "NO", `3.10` stays "3.10");
the schema decides what a value must be. Duplicate keys, aliases and explicit tags are
errors, so a file means exactly what it shows.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kfsreport.errors import Problems

MAX_BYTES = 1_000_000
"""A facts or settings file larger than this is refused (documented in the manual, handbok/)."""

Path_ = tuple[str | int, ...]

_NULL_TAG = "tag:yaml.org,2002:null"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:timestamp",
    _NULL_TAG,
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Located:
    """Plain data from a YAML file with the line of every key and item."""

    data: Any
    path: str
    lines: dict[Path_, int] = field(default_factory=dict)
    first_line: int = 1
    partial: bool = False
    """True when lines with YAML errors were left out to read the rest (the errors are
    reported); a key missing from partial data may be on such a line, so is not reported."""

    def line(self, loc: Path_) -> int:
        """The line for `loc`, or the nearest enclosing one that is known."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return self.first_line


_PARSED: OrderedDict[tuple[str, str, int], Located] = OrderedDict()
"""Files read cleanly before in this process, by their text: the preview rebuilds after
every save, and only the file that was saved needs parsing again (ruamel is pure Python)."""
_PARSED_KEPT = 64


def read_yaml(text: str, path: str, problems: Problems, first_line: int = 1) -> Located | None:
    """Parse YAML `text` from `path`; report problems located in the file, return the data.

    `first_line` is the file line where `text` starts (front matter sits below `---`).
    A text read without problems before is not parsed again; the caller gets its own copy.
    """
    key = (text, path, first_line)
    known = _PARSED.get(key)
    if known is not None:
        _PARSED.move_to_end(key)
        return copy.deepcopy(known)
    found = Problems()
    located = _parse(text, path, found, first_line)
    problems.take(found)
    if located is not None and not found.errors and not found.warnings:
        _PARSED[key] = copy.deepcopy(located)
        while len(_PARSED) > _PARSED_KEPT:
            _PARSED.popitem(last=False)
    return located


def _parse(text: str, path: str, problems: Problems, first_line: int) -> Located | None:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        problems.fail(
            path,
            first_line,
            f"filen är större än {MAX_BYTES // 1_000_000} MB.",
            "Dela upp den eller flytta stora tabeller till en CSV-fil.",
        )
        return None
    lines = text.split("\n")
    skipped: set[int] = set()
    while True:
        try:
            node = YAML(typ="safe", pure=True).compose("\n".join(lines))
            break
        except MarkedYAMLError as error:
            at = _error_line(error)
            problems.fail(
                path, first_line + at, _explain(error), hint="Kontrollera indrag, kolon och citattecken."
            )
            if at in skipped or len(skipped) >= MAX_RECOVERIES or at >= len(lines):
                return None
            # Read on past the line, as a compiler does, so one round shows every mistake.
            skipped.add(at)
            lines[at] = "#"
        except YAMLError:  # pragma: no cover - ruamel raises marked errors for text input
            problems.fail(path, first_line, "YAML-filen kan inte läsas.", hint="Spara den som UTF-8-text.")
            return None
        except RecursionError:
            _too_deep(text, path, problems, first_line)
            return None
    located = Located(None, path, first_line=first_line, partial=bool(skipped))
    if node is not None:
        converter = _Converter(located, problems, first_line)
        try:
            located.data = converter.convert(node, ())
        except RecursionError:
            _too_deep(text, path, problems, first_line)
            return None
    return located


MAX_RECOVERIES = 20
"""How many broken lines of one YAML file are skipped to read the rest."""


def _error_line(error: MarkedYAMLError) -> int:
    """The line (from 0) where the mistake is: where an unclosed quote or bracket opened,
    otherwise where the parser stopped."""
    problem = str(error.problem or "")
    if error.context_mark is not None and "end of stream" in problem:
        return int(error.context_mark.line)
    mark = error.problem_mark or error.context_mark
    return int(mark.line) if mark else 0


_DEEP = 100


def _too_deep(text: str, path: str, problems: Problems, first_line: int) -> None:
    """Report YAML nested too deep for the parser, at the line where brackets go deepest."""
    depth, line = 0, 0
    for number, row in enumerate(text.split("\n")):
        for char in row:
            depth += (char in "[{") - (char in "]}")
            if depth > _DEEP and not line:
                line = number
    problems.fail(
        path,
        first_line + line,
        "värdena ligger för djupt i varandra (för många [ eller { inuti varandra eller för många indrag).",
        "Gör strukturen plattare.",
    )


def _explain(error: MarkedYAMLError) -> str:
    problem = str(error.problem or error.context or "")
    if "'\\t'" in problem or "tab" in problem:
        return "tabbtecken kan inte användas för indrag i YAML; använd mellanslag."
    if "mapping values are not allowed" in problem:
        return (
            "ett kolon står där det inte får stå (fel indrag, eller text med kolon som behöver citattecken)."
        )
    if "could not find expected ':'" in problem:
        return "ett kolon saknas efter en nyckel, eller indraget är fel."
    if "expected <block end>" in problem or "did not find expected" in problem:
        return "indraget stämmer inte med raderna ovanför."
    if "found unexpected end of stream" in problem or "found unexpected" in problem:
        return "ett citattecken eller en hakparentes har inget slut."
    return "raden kan inte läsas som YAML (nyckel: värde, eller - för en punkt i en lista)."


class _Converter:
    def __init__(self, located: Located, problems: Problems, first_line: int) -> None:
        self.located = located
        self.problems = problems
        self.offset = first_line
        self.seen: set[int] = set()

    def line_of(self, node: Node) -> int:
        return int(self.offset + node.start_mark.line)

    def convert(self, node: Node, loc: Path_) -> Any:
        self.located.lines.setdefault(loc, self.line_of(node))
        if id(node) in self.seen:
            self.problems.fail(
                self.located.path,
                self.line_of(node),
                "YAML-alias (*namn) används här.",
                "Skriv ut värdet i stället för att hänvisa till ett ankare (&namn).",
            )
            return None
        self.seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self.problems.fail(
                self.located.path,
                self.line_of(node),
                f"taggen '{node.tag}' är inte tillåten.",
                "Ta bort taggen (det som börjar med ! eller !!).",
            )
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.convert(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if node.tag == _NULL_TAG and node.style is None:
            return None
        return str(node.value)

    def mapping(self, node: MappingNode, loc: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.fail(
                    self.located.path,
                    self.line_of(key_node),
                    "sammanslagning med '<<' stöds inte.",
                    "Skriv ut nycklarna i stället.",
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.problems.fail(
                    self.located.path, self.line_of(key_node), "en nyckel måste vara vanlig text."
                )
                continue
            key = str(key_node.value)
            line = self.line_of(key_node)
            if key in first_seen:
                self.problems.fail(
                    self.located.path,
                    line,
                    f"nyckeln '{key}' finns två gånger (rad {first_seen[key]} och rad {line}).",
                    "Ta bort eller slå ihop den ena.",
                )
                continue
            first_seen[key] = line
            self.located.lines[(*loc, key)] = line
            result[key] = self.convert(value_node, (*loc, key))
        return result
