"""Characters an editor cannot see (pasted from Word or the web) shown so they can be found.

`visible("alders\u200bdiskri\u00adminering")` → `alders⟨nollbreddsmellanslag⟩diskri⟨mjukt
bindestreck⟩minering`: messages quote text through `visible`, so a mistake made of an
invisible character can be seen and fixed.
"""

from __future__ import annotations

INVISIBLE = {
    "\u00ad": "mjukt bindestreck",
    "\u200b": "nollbreddsmellanslag",
    "\u200c": "osynlig skiljare",
    "\u200d": "osynlig sammanfogare",
    "\u2060": "osynlig ordfogare",
    "\ufeff": "BOM-tecken",
    "\u00a0": "hårt mellanslag",
    "\u202f": "smalt hårt mellanslag",
    "\u2009": "smalt mellanslag",
    "\t": "tabb",
}
"""Each invisible or look-alike character and the name a message shows it by."""

INVISIBLE_HINT = (
    "Radera tecknen mellan orden och skriv om dem med tangentbordet "
    "(de följer ofta med när text klistras in från Word eller webben)."
)

TYPOGRAPHIC_QUOTES = "”“„’‘«»"


def has_invisible(text: str) -> bool:
    """True when `text` holds a character from `INVISIBLE`."""
    return any(char in text for char in INVISIBLE)


def visible(text: str) -> str:
    """`text` with each invisible character written out as `⟨namn⟩`."""
    return "".join(f"⟨{INVISIBLE[char]}⟩" if char in INVISIBLE else char for char in text)
