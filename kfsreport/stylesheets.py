"""The stylesheets of an edition as one string, with every `url()` resolved safely.

A `url()` may only name a file inside the template folders (the report's own `templates/`
first, then the package's). For print, it becomes a file URL that WeasyPrint's guarded
fetcher accepts; for the screen edition, the file is inlined (fonts subset to the characters
the page uses, as WOFF2), so the HTML needs nothing else. `@import` is refused.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import posixpath
import re
from pathlib import Path

from kfsreport.errors import Problems
from kfsreport.load import inside

STYLESHEETS = {
    "screen": ("css/base.css", "css/screen.css"),
    "print": ("css/base.css", "css/print.css"),
}
FONT_TYPES = {".ttf", ".otf", ".woff", ".woff2"}
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def find_template_file(dirs: list[Path], name: str) -> Path | None:
    """The first `name` in the template folders, if it lies inside its folder."""
    for folder in dirs:
        candidate = folder / name
        if candidate.is_file() and inside(folder, candidate) is not None:
            return candidate
    return None


def build_stylesheet(root: Path, dirs: list[Path], edition: str, page: str, problems: Problems) -> str:
    """Concatenate the edition's stylesheets with their url()s resolved; report bad ones."""
    parts = []
    for name in STYLESHEETS[edition]:
        path = find_template_file(dirs, name)
        if path is None:
            problems.fail(f"templates/{name}", None, "stilmallen saknas.")
            continue
        text = path.read_text(encoding="utf-8")
        shown = _shown(path, root)
        parts.append(_resolve(text, name, shown, dirs, edition, set(page + text), problems))
    return "\n".join(parts)


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


def _resolve(
    text: str,
    name: str,
    shown: str,
    dirs: list[Path],
    edition: str,
    chars: set[str],
    problems: Problems,
) -> str:
    for match in _IMPORT.finditer(text):
        problems.fail(
            shown,
            text.count("\n", 0, match.start()) + 1,
            "@import stöds inte i stilmallarna.",
            "Lägg reglerna direkt i filen.",
        )

    def replace(match: re.Match[str]) -> str:
        url = match.group(2).strip()
        line = text.count("\n", 0, match.start()) + 1
        if url.startswith("data:") or url.startswith("#"):
            return match.group(0)
        target = _locate(url, name, dirs)
        if target is None:
            problems.fail(
                shown,
                line,
                f"url({url}) pekar utanför mallmappen eller på en fil som inte finns.",
                "Lägg filen i rapportens templates/ och skriv en relativ sökväg.",
            )
            return "url()"
        if edition == "print":
            return f'url("{target.as_uri()}")'
        return f'url("{_data_uri(target, chars)}")'

    return _URL.sub(replace, text)


def _locate(url: str, name: str, dirs: list[Path]) -> Path | None:
    if _SCHEME.match(url) or url.startswith(("/", "\\")):
        return None
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(name), url.split("?")[0]))
    if relative.startswith(".."):
        return None
    return find_template_file(dirs, relative)


def _data_uri(path: Path, chars: set[str]) -> str:
    if path.suffix.lower() in FONT_TYPES:
        return "data:font/woff2;base64," + base64.b64encode(subset_font(path, chars)).decode()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def subset_font(path: Path, chars: set[str]) -> bytes:
    """The font reduced to `chars` (plus ASCII), as WOFF2 bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    unicodes = {ord(c) for c in chars} | set(range(0x20, 0x7F)) | {0xA0, 0x2212, 0x2013, 0x201D}
    font = TTFont(str(path), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    return buffer.getvalue()
