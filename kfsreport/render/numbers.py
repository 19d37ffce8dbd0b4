"""Numbers written by hand kept whole on a line: `1 417 tkr`, `6,9 %`, `10 000`.

An author types ordinary spaces in Swedish numbers (`1 417`, `6,9 %`), as in Word; a line
break may then fall inside a number or between it and its unit, in a narrow table cell
above all (`48` / `210` / `tkr`). The rendered chapters have those spaces turned into
no-break spaces, as the values from the facts (`{{ tal.… }}`, `locale.with_unit`) already
have: between the digit groups of a number and between a number and a unit symbol. A hyphen
typed as a minus (`-3 420`) becomes the minus sign, which screen readers read as "minus". Only
text between tags changes: never code, charts, attribute values or the page's head.
"""

from __future__ import annotations

import re

from kfsreport.render.locale import MINUS, NBSP

UNITS = r"(?:%|‰|kr|tkr|mnkr|mdkr|km|kg|kWh|MWh|GWh|°C)"
"""Unit symbols a number is joined to (the same as `kfsreport check`'s typography rules)."""

_TAG = re.compile(r"(<[^>]*>)")
_SKIP = {"pre", "code", "script", "style", "svg", "head", "title", "textarea"}
_GROUPS = re.compile(r"(?<![\w.,\u00a0])\d{1,3}(?: \d{3})+(?![\d])")
_UNIT = re.compile(rf"(?<![\w.,])(\d+(?:[,.]\d+)?) ({UNITS})(?![\w])")


_HYPHEN_MINUS = re.compile(r"(?:(?<=^)|(?<=[\s(]))-(?=\d+(?:[ \u00a0]\d{3})*(?:,\d+)?(?![\w./:-]|,\d))")
"""A hyphen typed as the minus of a negative number (`-3 420`, `-14,1 %`, `(-210)`): at the
start of the text or after a space or `(`, before a number that ends there (not `-2023-24`)."""


def bind(text: str) -> str:
    """Plain text with the spaces inside numbers and before units made no-break, and a hyphen
    typed as a minus made the minus sign (`−3 420`), as the values from the facts have it."""
    text = _HYPHEN_MINUS.sub(MINUS, text)
    text = _GROUPS.sub(lambda m: m.group().replace(" ", NBSP), text)
    return _UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), text)


def bind_numbers(html: str) -> str:
    """HTML with `bind` applied to the text between tags, outside code, charts and the head."""
    if " " not in html and "-" not in html:
        return html
    parts = _TAG.split(html)
    skipping: list[str] = []
    for index, part in enumerate(parts):
        if index % 2:
            name = re.match(r"<(/?)\s*([a-zA-Z0-9]+)", part)
            if name and name.group(2).lower() in _SKIP and not part.endswith("/>"):
                tag = name.group(2).lower()
                if name.group(1):
                    if tag in skipping:
                        del skipping[len(skipping) - 1 - skipping[::-1].index(tag) :]
                else:
                    skipping.append(tag)
        elif not skipping and part and any(c.isdigit() for c in part):
            parts[index] = bind(part)
    return "".join(parts)
