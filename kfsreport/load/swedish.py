"""Numbers and dates as Swedish offices write them: `1 417`, `6,9`, `−3 %`, `15 januari 2024`.

One reading for every number and date an editor types: the data files' cells
(`load/datasets.py`) and the facts' numbers (`load/schema.py`), so that a value the one
accepts the other does too. Bad input raises ValueError; `DateOrder` (a ValueError) says a
day/month date cannot be told from a month/day one.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from babel.dates import get_month_names

SPACE = "[ \u00a0\u202f\u2009]"
"""A space, no-break space, narrow no-break space or thin space: all separate thousands."""
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:_\d{3})+|\d+)(?:\.\d+)?")
_PERCENT = re.compile(f"{SPACE}*%$")

_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T]00:00(?::00)?)?")
_NAMED = re.compile(f"(?:(\\d{{1,2}}){SPACE}+)?([^\\W\\d_]+\\.?){SPACE}+(\\d{{4}})")
_NUMERIC = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")


def _month_names() -> dict[str, int]:
    """`januari`, `jan.`, `jan`, `sept` … → month number, from Babel's Swedish names."""
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, "format", "sv_SE").items():
            names[name.lower()] = number
            names[name.lower().rstrip(".")] = number
            names[name.lower()[:3]] = number
    names["sept"] = 9
    return names


MONTHS = _month_names()


def read_number(text: str) -> Decimal:
    """`1 417`, `1 417,5` (any space, also no-break), `−3`, `6,9 %` → a Decimal; ValueError
    if the text is no number (a `%` at the end is allowed and dropped: the unit is said
    elsewhere)."""
    plain = _PERCENT.sub("", text.strip().replace("\u2212", "-"))
    plain = re.sub(SPACE, "_", plain).replace(",", ".")
    if not _NUMBER.fullmatch(plain):
        raise ValueError(text)
    number = Decimal(plain.replace("_", ""))
    if not math.isfinite(float(number)):
        raise ValueError(text)
    return number


def without_percent(text: str) -> str | None:
    """`12 %` → `12`: a number written with a per cent sign, without it; None if it has none."""
    stripped = text.strip()
    return _PERCENT.sub("", stripped) if _PERCENT.search(stripped) else None


class DateOrder(ValueError):
    """A date written `3/4/2024`: day/month or month/day cannot be told (`ambiguous`), or it
    is written month first (`1/15/2024`), which a Swedish report never reads."""

    def __init__(self, text: str, day: int, month: int, year: int, ambiguous: bool) -> None:
        super().__init__(text)
        self.text, self.day, self.month, self.year, self.ambiguous = text, day, month, year, ambiguous


def read_date(text: str, day_first: bool = False) -> datetime:
    """`2024-01-15`, `2024-01` (the month's first day), `15 januari 2024`, `15 jan. 2024`,
    `januari 2024` and `15/1/2024` or `15.1.2024` (day first) → a datetime.

    A day/month date whose day is 12 or less (`3/4/2024`) is read day first only when
    `day_first` says the column shows it (another date in it has a day over 12); else it
    raises DateOrder, as does a date written month first (`1/15/2024`). ValueError for
    anything else, including a day that does not exist (`31 april 2024`)."""
    text = text.strip()
    iso = _ISO.fullmatch(text)
    if iso:
        return datetime(int(iso[1]), int(iso[2]), int(iso[3] or 1))
    named = _NAMED.fullmatch(text)
    if named and named[2].lower() in MONTHS:
        return datetime(int(named[3]), MONTHS[named[2].lower()], int(named[1] or 1))
    numeric = _NUMERIC.fullmatch(text)
    if numeric is None:
        raise ValueError(text)
    first, second, year = int(numeric[1]), int(numeric[3]), int(numeric[4])
    if second > 12 >= first:
        raise DateOrder(text, second, first, year, ambiguous=False)
    if first <= 12 and first != second and not day_first:
        raise DateOrder(text, first, second, year, ambiguous=True)
    return datetime(year, second, first)


_SV_MONTH = {number: str(name).lower() for number, name in get_month_names("wide", "format", "sv_SE").items()}
_MONTH_NAMES = list(_SV_MONTH.values())


def why_not_a_date(text: str) -> str | None:
    """What is wrong with a text that looks like a date but is none, in Swedish, for the
    message at its own line: `februari 2024 har 29 dagar`, `det finns ingen månad 13`,
    `'januri' är inget månadsnamn (menade du januari?)`; None when it does not look like one."""
    text = text.strip()
    parts: tuple[int, int, int] | None = None
    if iso := _ISO.fullmatch(text):
        parts = (int(iso[1]), int(iso[2]), int(iso[3] or 1))
    elif numeric := _NUMERIC.fullmatch(text):
        parts = (int(numeric[4]), int(numeric[3]), int(numeric[1]))
    elif named := _NAMED.fullmatch(text):
        name = named[2].lower()
        if name not in MONTHS:
            close = difflib.get_close_matches(name, _MONTH_NAMES, n=1, cutoff=0.6)
            guess = f" (menade du {close[0]}?)" if close else ""
            return f"'{named[2]}' är inget månadsnamn{guess}"
        parts = (int(named[3]), MONTHS[name], int(named[1] or 1))
    elif re.fullmatch(r"\d{1,2}([/.])\d{1,2}\1\d{2}", text):
        return "året ska skrivas med fyra siffror"
    if parts is None:
        return None
    year, month, day = parts
    if not 1 <= month <= 12:
        return f"det finns ingen månad {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{_SV_MONTH[month]} {year} har {days} dagar"
    return None


def shows_day_first(texts: Iterable[object]) -> bool:
    """Whether some `d/m/yyyy` date among `texts` has a day over 12, so that the others in
    the same column are day first too."""
    for text in texts:
        numeric = _NUMERIC.fullmatch(text.strip()) if isinstance(text, str) else None
        if numeric and int(numeric[1]) > 12 >= int(numeric[3]):
            return True
    return False
