"""Swedish typography: decimal comma, space before % and units, ”quotation marks”, dashes.

Each rule is a pattern, a message and the suggested fix built from what was written, e.g.
`6.9 %` → `6,9 %`. All are warnings: the text is readable, but not as the council's
reports should look. An ordinary space inside a number or before its unit (`1 417 tkr`,
`6,9 %`) is not a slip: the build makes it a no-break space (`render.numbers`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kfsreport.commands.check.findings import Findings
from kfsreport.commands.check.text import TextRun
from kfsreport.render.numbers import UNITS

_AFTER_UNIT = r"(?![\w])"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    message: Callable[[re.Match[str]], str]
    fix: Callable[[re.Match[str]], str]


RULES = [
    Rule(
        re.compile(rf"(?<![\d.,])(\d+)\.(\d+)(\s?)({UNITS}){_AFTER_UNIT}"),
        lambda m: f"'{m.group()}': decimaltal skrivs med komma på svenska.",
        lambda m: f"Skriv {m.group(1)},{m.group(2)} {m.group(4)}.",
    ),
    Rule(
        re.compile(rf"(?<![\w.,])(\d+(?:,\d+)?)({UNITS}){_AFTER_UNIT}"),
        lambda m: f"'{m.group()}': mellanslag saknas mellan talet och {_unit_name(m.group(2))}.",
        lambda m: f"Skriv {m.group(1)} {m.group(2)} (med mellanslag).",
    ),
    Rule(
        re.compile(r'"([^"\n]*)"?'),
        lambda m: 'raka citattecken (") används inte i svensk text.',
        lambda m: (
            f"Skriv ”{m.group(1)}” (samma tecken före och efter)."
            if m.group().endswith('"') and len(m.group()) > 1
            else "Skriv ” i stället."
        ),
    ),
    Rule(
        re.compile(r"(?<![\w.,\-–])(?!0\d)(\d+) ?- ?(\d+)(?![\w\-–])"),
        lambda m: f"'{m.group()}': ett intervall skrivs med tankstreck, inte bindestreck.",
        lambda m: f"Skriv {m.group(1)}–{m.group(2)}.",
    ),
    Rule(
        re.compile(r"(?<=[^\s\d]) - (?=\S)|(?<=\d) - (?=[^\s\d])"),
        lambda m: "bindestreck med mellanslag omkring används som tankstreck.",
        lambda m: "Skriv tankstreck: ” – ” (Alt Gr + minus, eller &ndash;).",
    ),
]


def _unit_name(unit: str) -> str:
    return "procenttecknet" if unit == "%" else f"enheten {unit}"


def check_typography(runs: Iterable[TextRun], findings: Findings) -> None:
    """Warn about each typographic slip with the fix spelled out; Swedish rules, so not in
    text marked as another language (`[…]{lang=en}`, a chapter with `lang: en`)."""
    for run in runs:
        for rule in RULES:
            for match in rule.pattern.finditer(run.text):
                if run.is_foreign(match.start()):
                    continue
                findings.warning(run.path, run.line_at(match.start()), rule.message(match), rule.fix(match))
