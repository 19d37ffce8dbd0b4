"""Images from the report folder made safe to embed: SVGs filtered, raster sizes bounded.

An SVG can carry scripts, event handlers, references to other files or addresses, and a
DOCTYPE whose entities expand to gigabytes. Every SVG that goes into a page passes through
svg-hush (Cloudflare's allowlist filter for untrusted SVG, via `py_svg_hush`), which keeps
drawing elements and removes everything else; an SVG its XML parser will not read (a DOCTYPE
with entities, broken XML) is refused. A raster image is measured from its header before
anything decodes it, so a small file that would unpack to gigabytes of pixels is refused
with a message rather than left out of one edition or met by Pillow's English warning.
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

from kfsreport.errors import ReportError

MAX_PIXELS = 50_000_000
"""The most pixels an image may have (about 8 000 × 6 000); a larger one is refused."""

SVG_DATA_TYPES = {"image": ["png", "jpeg", "gif", "webp"]}
"""Images an SVG may carry inline as `data:` URIs; any other reference is removed."""


class UnsafeImage(ReportError):
    """An image that cannot be embedded, not yet located; the message is the Swedish end of a
    sentence that starts with the image's name ("bilden 'karta.png' …"), which the caller
    writes with the place and the advice (`validate.links`, `render.stylesheets`)."""


def checked_image(path: Path, max_pixels: int = MAX_PIXELS) -> bytes:
    """The bytes to embed for the image at `path`: a filtered SVG, or a raster image whose
    size was checked; UnsafeImage if it cannot be used."""
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        return safe_svg(data)
    _check_pixels(path, max_pixels)
    return data


@functools.lru_cache(maxsize=64)
def safe_svg(data: bytes) -> bytes:
    """The SVG without scripts, event handlers, external references and DOCTYPE."""
    from py_svg_hush import filter_svg

    try:
        clean = filter_svg(data, keep_data_url_mime_types=SVG_DATA_TYPES)
    except ValueError:
        raise UnsafeImage(
            "kan inte läsas säkert som SVG (trasig XML, eller en DOCTYPE med entiteter)."
        ) from None
    # svg-hush removes the scheme and host of a reference but keeps its path; a path is as
    # much a reference to something outside the image, so it is refused rather than kept.
    for match in _REFERENCE.finditer(clean.decode("utf-8", "replace")):
        target = match.group(1) or match.group(2) or ""
        if not target.startswith(("#", "data:")):
            written = _as_written(data, target)
            raise UnsafeImage(
                f"hänvisar till '{written[:80]}'; en SVG-bild måste vara fristående.",
            )
    return clean


def _as_written(data: bytes, target: str) -> str:
    """The reference in the SVG as its author wrote it (svg-hush keeps only `target`, its path)."""
    for match in _WRITTEN.finditer(data.decode("utf-8", "replace")):
        written = match.group(1) or match.group(2) or ""
        if written.endswith(target):
            return written
    return target


_REFERENCE = re.compile(r"""\bhref="([^"]*)"|url\(\s*['"]?([^'")\s]*)""")
_WRITTEN = re.compile(r"""\bhref\s*=\s*["']([^"']*)|url\(\s*['"]?([^'")\s]*)""")


def _check_pixels(path: Path, max_pixels: int) -> None:
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:  # reads the header only
                width, height = image.size
        except Image.DecompressionBombError:
            raise UnsafeImage(_TOO_LARGE.format(size="", limit=max_pixels // 1_000_000)) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise UnsafeImage(
                "går inte att läsa som bild; filen kan vara trasig eller vara något annat än en bild "
                "med ett bildnamn.",
                hint="Öppna den i ett bildprogram och spara den igen som PNG eller JPEG.",
            ) from None
    if width * height > max_pixels:
        raise UnsafeImage(_TOO_LARGE.format(size=f" ({width} × {height})", limit=max_pixels // 1_000_000))


_TOO_LARGE = "har fler bildpunkter{size} än de {limit} miljoner en bild får ha."
