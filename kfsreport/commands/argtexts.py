"""argparse in Swedish: the texts it prints around our own (usage, errors, headings).

argparse looks each text up through gettext's `_` when it prints; `swedish()` replaces that
lookup, so a mistyped command gets `kfsreport: fel: okänt argument: --bogus`, not English.
"""

from __future__ import annotations

import argparse

TEXTS = {
    "usage: ": "användning: ",
    "options": "flaggor",
    "positional arguments": "argument",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa programmets version och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "unrecognized arguments: %s": "okänt argument: %s (kfsreport --help visar vad som finns)",
    "the following arguments are required: %s": "det här saknas: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r finns inte; välj bland %(choices)s",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "expected one argument": "behöver ett värde",
    "expected at most one argument": "tar högst ett värde",
    "expected at least one argument": "behöver minst ett värde",
    "ignored explicit argument %r": "%r kan inte ges här",
    "not allowed with argument %s": "kan inte användas tillsammans med %s",
    "one of the arguments %s is required": "ett av de här behövs: %s",
    "ambiguous option: %(option)s could match %(matches)s": "%(option)s kan betyda flera: %(matches)s",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
}


def swedish() -> None:
    """Make argparse print its own texts in Swedish (an untranslated text stays as it is)."""
    argparse._ = lambda text: TEXTS.get(text, text)  # type: ignore[attr-defined]
