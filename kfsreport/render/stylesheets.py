"""The stylesheets of an edition as one string, with every `url()` resolved safely.

A `url()` may only name a file inside the template folders (the report's own `templates/`
first, then the package's). For print, it becomes a file URL that WeasyPrint's guarded
fetcher accepts; for the screen edition, the file is inlined (fonts subset to the characters
the page uses, as WOFF2), so the HTML needs nothing else. `@import` is refused.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import os
import posixpath
import struct
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from kfsreport.errors import Problems, ReportError, shown
from kfsreport.load.folder import inside
from kfsreport.load.images import UnsafeImage, safe_svg
from kfsreport.validate.links import data_uri, has_scheme
from kfsreport.write.cache import fonts_dir
from kfsreport.write.fingerprint import file_digest

STYLESHEETS = {
    "screen": ("css/base.css", "css/screen.css"),
    "print": ("css/base.css", "css/print.css"),
}
DUPLEX = "css/duplex.css"
"""Added to the print stylesheets when report.yaml says `print: duplex`."""
MEMO = "css/memo.css"
"""Added to the print stylesheets (last) when report.yaml says `layout: memo`."""
FONT_TYPES = {".ttf", ".otf", ".woff", ".woff2"}


def edition_stylesheets(edition: str, duplex: bool = False, memo: bool = False) -> tuple[str, ...]:
    """The names of an edition's stylesheets, in the order the build reads them: print adds
    css/duplex.css with `print: duplex` and css/memo.css (last) with `layout: memo`."""
    extra = ((DUPLEX,) if duplex else ()) + ((MEMO,) if memo else ())
    return STYLESHEETS[edition] + (extra if edition == "print" else ())


def find_template_file(dirs: list[Path], name: str) -> Path | None:
    """The first `name` in the template folders, if it lies inside its folder."""
    for folder in dirs:
        candidate = folder / name
        if candidate.is_file() and inside(folder, candidate) is not None:
            return candidate
    return None


def build_stylesheet(
    root: Path,
    dirs: list[Path],
    edition: str,
    page: str,
    problems: Problems,
    cache: Path | None = None,
    duplex: bool = False,
    memo: bool = False,
) -> str:
    """Concatenate the edition's stylesheets with their url()s resolved; report bad ones.
    Font subsets are kept beside `cache` (the report's cache folder), if given, in the
    `fonts/` that every report shares (`cache.fonts_dir`); with
    `duplex`, the print edition adds css/duplex.css, and with `memo` css/memo.css."""
    parts = []
    page_chars = set(page)
    for name in edition_stylesheets(edition, duplex, memo):
        path = find_template_file(dirs, name)
        if path is None:
            problems.fail(f"templates/{name}", None, "stilmallen saknas.")
            continue
        text = path.read_text(encoding="utf-8")
        fonts = fonts_dir(cache) if cache else None
        parts.append(
            _resolved(text, name, root, path, dirs, edition, page_chars | set(text), problems, fonts)
        )
    return "\n".join(parts)


_Used = tuple[tuple[str, Path | None, bytes | None], ...]
_RESOLVED: OrderedDict[tuple[Any, ...], tuple[str, _Used]] = OrderedDict()
"""Stylesheets resolved without problems in this process, with the files their URLs named
then: the preview rebuilds after every save, and a stylesheet is the same unless its text,
the page's characters beyond the fixed font subset, or one of those files changed."""
_RESOLVED_KEPT = 16


def _resolved(
    text: str,
    name: str,
    root: Path,
    path: Path,
    dirs: list[Path],
    edition: str,
    chars: set[str],
    problems: Problems,
    cache_dir: Path | None,
) -> str:
    """`_resolve`, or its earlier result if nothing it was made from has changed."""
    extra = (
        frozenset(c for c in _visible(chars) if ord(c) not in BASE_CHARSET) if edition == "screen" else None
    )
    key = (text, name, root, path, tuple(dirs), edition, extra, cache_dir, _only_checking.get())
    known = _RESOLVED.get(key)
    if known is not None and all(
        _locate(url, name, dirs) == target and (target is None or file_digest(target) == digest)
        for url, target, digest in known[1]
    ):
        _RESOLVED.move_to_end(key)
        return known[0]
    used: list[tuple[str, Path | None, bytes | None]] = []
    found = Problems()
    result = _resolve(text, name, root, path, dirs, edition, chars, found, cache_dir, used)
    problems.take(found)
    if not found.errors and not found.warnings:
        _RESOLVED[key] = (result, tuple(used))
        while len(_RESOLVED) > _RESOLVED_KEPT:
            _RESOLVED.popitem(last=False)
    return result


def _resolve(
    text: str,
    name: str,
    root: Path,
    path: Path,
    dirs: list[Path],
    edition: str,
    chars: set[str],
    problems: Problems,
    cache_dir: Path | None = None,
    used: list[tuple[str, Path | None, bytes | None]] | None = None,
) -> str:
    """The stylesheet with every URL resolved, parsed as CSS so no spelling slips past.
    Each URL that names a file is added to `used` with the file it found and its digest."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(text, skip_comments=False, skip_whitespace=False)
    name_of_sheet = shown(path, root)

    def resolve(url: str, line: int) -> str:
        if url.lower().startswith("data:image/svg+xml"):
            return _safe_svg_uri(url, name_of_sheet, line, problems)
        if url.startswith(("data:", "#")):
            return url
        target = _locate(url, name, dirs)
        if used is not None:
            used.append((url, target, file_digest(target) if target is not None else None))
        if target is None:
            problems.fail(
                name_of_sheet,
                line,
                f"url({url}) pekar utanför mallmappen eller på en fil som inte finns.",
                "Lägg filen i rapportens templates/ och skriv en relativ sökväg.",
            )
            return ""
        if target.suffix.lower() == ".svg" and not _svg_file_is_safe(target, root, problems):
            return ""
        if edition == "print":
            return target.as_uri()
        try:
            return _data_uri(target, chars, cache_dir)
        except UnreadableFont as error:
            problems.add(error.located(shown(target, root)))
            return ""

    _rewrite(rules, resolve, name_of_sheet, problems)
    return str(tinycss2.serialize(rules))


def _safe_svg_uri(url: str, sheet: str, line: int, problems: Problems) -> str:
    """A `data:` SVG in a stylesheet, filtered like every SVG (`images.safe_svg`); a broken
    or unsafe one is reported at the stylesheet's line."""
    header, _, payload = url.partition(",")
    try:
        data = base64.b64decode(payload) if header.lower().endswith(";base64") else unquote_to_bytes(payload)
        clean = safe_svg(data)
    except (ValueError, UnsafeImage) as error:
        detail = str(error) if isinstance(error, UnsafeImage) else "går inte att avkoda."
        problems.fail(
            sheet, line, f"SVG-bilden i url(data:…) {detail}", "Rita in den utan länkar, eller ta bort den."
        )
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(clean).decode("ascii")


def _svg_file_is_safe(path: Path, root: Path, problems: Problems) -> bool:
    """An SVG file a stylesheet names, checked like an SVG in a chapter, reported by its name."""
    try:
        safe_svg(path.read_bytes())
    except UnsafeImage as error:
        problems.fail(
            shown(path, root), None, f"SVG-bilden {error}", "Rita in den utan länkar, eller ta bort den."
        )
        return False
    return True


def _rewrite(tokens: list[Any], resolve: Callable[[str, int], str], shown: str, problems: Problems) -> None:
    """Replace every URL in `tokens` (nested blocks included) by `resolve(url)`; refuse @import."""
    from tinycss2.ast import StringToken, URLToken

    for i, token in enumerate(tokens):
        kind = token.type
        if (
            kind in ("at-rule", "at-keyword")
            and (getattr(token, "lower_at_keyword", None) or getattr(token, "lower_value", "")) == "import"
        ):
            problems.fail(
                shown,
                token.source_line,
                "@import stöds inte i stilmallarna.",
                "Lägg reglerna direkt i filen.",
            )
        if kind == "url":
            tokens[i] = _url_token(URLToken, token, resolve(token.value, token.source_line))
        elif kind == "function" and token.lower_name in ("url", "src"):
            url = next((a.value for a in token.arguments if a.type == "string"), "")
            tokens[i] = _url_token(URLToken, token, resolve(url, token.source_line))
        elif kind == "function" and token.lower_name in _URL_FUNCTIONS:
            for j, argument in enumerate(token.arguments):
                if argument.type == "string":
                    value = resolve(argument.value, argument.source_line)
                    token.arguments[j] = StringToken(
                        argument.source_line, argument.source_column, value, _quoted(value)
                    )
        for attribute in ("prelude", "content", "arguments"):
            nested = getattr(token, attribute, None)
            if isinstance(nested, list):
                _rewrite(nested, resolve, shown, problems)


_URL_FUNCTIONS = {"image-set", "-webkit-image-set", "image", "cross-fade", "element"}


def _url_token(cls: Any, token: Any, url: str) -> Any:
    return cls(token.source_line, token.source_column, url, f"url({_quoted(url)})")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def _locate(url: str, name: str, dirs: list[Path]) -> Path | None:
    if has_scheme(url) or url.startswith(("/", "\\")):
        return None
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(name), url.split("?")[0]))
    if relative.startswith(".."):
        return None
    return find_template_file(dirs, relative)


def _visible(chars: set[str]) -> set[str]:
    return {c for c in chars if c.isprintable()}


def _data_uri(path: Path, chars: set[str], cache_dir: Path | None) -> str:
    if path.suffix.lower() in FONT_TYPES:
        font = subset_font(path, _visible(chars), cache_dir)
        kind = "sfnt" if _only_checking.get() else "woff2"
        return f"data:font/{kind};base64," + base64.b64encode(font).decode()
    return data_uri(path)


BASE_CHARSET = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2045), 0x2026, 0x20AC, 0x2190, 0x2192, 0x2212]
)
"""Latin with the Nordic letters, punctuation and the minus sign: a fixed subset, so the
subset font is the same from one build to the next and can be cached."""

_memory: dict[str, bytes] = {}

_only_checking = ContextVar("only_checking_fonts", default=False)


@contextlib.contextmanager
def fonts_only_checked() -> Iterator[None]:
    """Within this, a font is subset (so a damaged one is reported as in the build) but not
    compressed to WOFF2, which is most of a first build's font work: for `check`, which never
    shows the web page it renders."""
    token = _only_checking.set(True)
    try:
        yield
    finally:
        _only_checking.reset(token)


def subset_font(path: Path, chars: set[str], cache_dir: Path | None = None, *, base: bool = True) -> bytes:
    """The font reduced to BASE_CHARSET (unless `base` is false) plus `chars`, as WOFF2 bytes
    (within `fonts_only_checked`: the subset font as it is, neither compressed nor kept).

    The result is kept in memory and, with `cache_dir`, on disk under a hash of the font and
    the characters, so an unchanged font is subset once, not on every build.
    """
    wanted = (BASE_CHARSET if base else set()) | {ord(c) for c in chars}
    covered = _covered(path)
    # Only the characters the font has change its subset: text in a script it lacks gives the
    # same bytes, and the same cache entry.
    unicodes = sorted(wanted & covered if covered else wanted)
    features = ["*"] if base else ["kern"]
    if _only_checking.get():
        return _subset_only(path, unicodes, features)
    key = hashlib.sha256((file_digest(path) or b"-") + repr((unicodes, features)).encode()).hexdigest()
    if key in _memory:
        return _memory[key]
    cached = cache_dir / f"{key}.woff2" if cache_dir else None
    if cached is not None and cached.is_file():
        data = cached.read_bytes()
    else:
        data = _subset(path, unicodes, features)
        if cached is not None:
            _store(cached, data)
    _memory[key] = data
    return data


def _covered(path: Path) -> frozenset[int]:
    """The characters the font maps to glyphs (none for a file HarfBuzz cannot read)."""
    return _cmap(str(path), file_digest(path))


@functools.lru_cache(maxsize=32)
def _cmap(path: str, digest: bytes | None) -> frozenset[int]:
    import uharfbuzz as hb

    if digest is None:
        return frozenset()
    try:
        return frozenset(hb.Face(hb.Blob.from_file_path(path)).unicodes)
    except (RuntimeError, OSError):
        return frozenset()


def _subset(path: Path, unicodes: list[int], features: list[str]) -> bytes:
    """HarfBuzz's subsetter (about a millisecond; fontTools' took 0.2 s a call), then WOFF2."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(_subset_only(path, unicodes, features)), recalcTimestamp=False)
        font.flavor = "woff2"
        buffer = io.BytesIO()
        font.save(buffer)
    except (RuntimeError, TTLibError, struct.error) as error:
        raise UnreadableFont(path) from error
    return buffer.getvalue()


def _subset_only(path: Path, unicodes: list[int], features: list[str]) -> bytes:
    """HarfBuzz's subset of the font (an OpenType font), or UnreadableFont."""
    import uharfbuzz as hb

    request = hb.SubsetInput()
    request.unicode_set.update(unicodes)
    kept = request.layout_feature_tag_set
    kept.clear()
    if features == ["*"]:
        kept.invert()  # every feature
    else:
        kept.update(int.from_bytes(tag.encode("ascii"), "big") for tag in features)
    try:
        subset = hb.subset(hb.Face(hb.Blob.from_file_path(str(path))), request)
    except RuntimeError as error:
        raise UnreadableFont(path) from error
    if subset is None or subset.glyph_count == 0:
        raise UnreadableFont(path)
    return bytes(subset.blob.data)


class UnreadableFont(ReportError):
    """A font file in the templates that is damaged or not a font at all (not yet located)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"typsnittet {path.name} går inte att läsa: filen är skadad eller inte ett typsnitt.",
            hint="Lägg en hel .ttf-, .otf- eller .woff2-fil där, eller ta bort filen så används "
            "standardtypsnittet.",
        )


def _store(path: Path, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written only costs time."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
