"""Where links and images in chapters may point: the rules, in one place.

Links go to a heading in the report (`#id`), a web page, an e-mail address or a phone
number. Images must be files inside the report folder; a URL, an absolute path or a path
that leads outside the folder is refused and never read.
"""

from __future__ import annotations

import base64
import os
import posixpath
import re
from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote

from kfsreport.errors import ReportError, suggest
from kfsreport.load.folder import inside
from kfsreport.load.images import UnsafeImage, checked_image, safe_svg

MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
"""Our own table: the standard library's `mimetypes` would read /etc/mime.types."""
IMAGE_TYPES = {suffix for suffix, kind in MEDIA_TYPES.items() if kind.startswith("image/")}


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def data_uri(path: Path) -> str:
    """A file (already checked to be allowed) as a `data:` URI, so the page carries it inline;
    an SVG without scripts and references (`images.safe_svg`)."""
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        data = safe_svg(data)
    return f"data:{media_type(path)};base64,{base64.b64encode(data).decode()}"


def has_scheme(url: str) -> bool:
    """True for `http:`, `file:`, `data:` … : anything that is not a relative path."""
    return bool(_SCHEME.match(url))


MAX_IMAGE_BYTES = 10_000_000
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class Refused(ReportError):
    """A link or image that cannot be used, not yet located: the message and the hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)


def check_link(href: str, anchors: Collection[str]) -> None:
    """Raise Refused unless `href` is an existing `#id` or an allowed URL scheme."""
    if href.startswith("#"):
        if href[1:] not in anchors:
            raise Refused(
                f"länken {href} pekar på en rubrik som inte finns.",
                suggest(href[1:], anchors) or "Kontrollera id:t efter rubriken ({#id}).",
            )
        return
    if href.lower().startswith("mailto:") and not _MAILBOX.fullmatch(unquote(href[7:].split("?")[0])):
        raise Refused(
            f"länken '{href}' har ingen e-postadress som går att skriva till, så den skulle "
            "inte leda någonstans.",
            "Skriv hela adressen direkt efter mailto:, till exempel "
            "mailto:beredningar@regionvasterbotten.se.",
        )
    if not href.lower().startswith(_LINK_SCHEMES):
        raise Refused(f"länken '{href}' kan inte användas.", _scheme_hint(href))
    host = _host(href) if href.lower().startswith(("http://", "https://")) else "-"
    if host != "-" and (not _HOST.fullmatch(host) or host.rstrip(".").lower() == "www"):
        raise Refused(
            f"länken '{href}' har inget helt webbplatsnamn efter {href.split('//', 1)[0]}//, så "
            "den skulle inte leda någonstans.",
            "Skriv hela adressen, till exempel https://www.regionvasterbotten.se/, eller ta bort länken.",
        )


_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)*[^\W_](?:[\w-]*[^\W_])?\.?", re.IGNORECASE)
"""A host name: labels of letters, digits and hyphens (also å, ä, ö), separated by points."""


def _host(href: str) -> str:
    """The host of an http(s) address as written: `https://user@host:8080/x` → `host`."""
    authority = re.split(r"[/?#]", href.split("//", 1)[1], maxsplit=1)[0]
    return authority.rsplit("@", 1)[-1].split(":", 1)[0]


_MAILBOX = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _scheme_hint(href: str) -> str:
    """What to write: a web address or an e-mail address written without its scheme gets it."""
    if _MAILBOX.fullmatch(href):
        return f"En e-postadress skrivs med mailto: först: (mailto:{href})."
    if re.match(r"www\.|[a-z0-9-]+\.(se|nu|com|org|net|eu)(/|$)", href, re.IGNORECASE):
        return f"En webbadress skrivs med https:// först: (https://{href})."
    return "Länka till en webbadress (https://…), en e-postadress (mailto:…) eller en rubrik (#id)."


def resolve_image(root: Path, chapter_path: str, src: str) -> Path:
    """The file an image `src` in `chapter_path` names, if it is allowed; else Refused."""
    if not src or has_scheme(src) or src.startswith(("/", "\\")):
        raise Refused(
            f"bilden '{src}' hämtas inte: bilder måste ligga i rapportmappen.",
            "Spara bilden i content/ eller data/ och skriv en relativ sökväg, t.ex. bilder/karta.png.",
        )
    path = inside(root, (root / chapter_path).parent / unquote(src))
    if path is None:
        raise Refused(f"bilden '{src}' ligger utanför rapportmappen och läses inte.")
    if path.suffix.lower() not in IMAGE_TYPES:
        raise Refused(
            f"bilden '{src}' är inte av en bildtyp som kan användas.",
            f"Spara den som en av: {', '.join(sorted(IMAGE_TYPES))}.",
        )
    if not path.is_file():
        raise Refused(f"bilden '{src}' finns inte.", _where_it_is(root, chapter_path, src))
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise Refused(f"bilden '{src}' är större än 10 MB.", "Minska bilden.")
    try:
        checked_image(path)
    except UnsafeImage as error:
        svg = path.suffix.lower() == ".svg"
        hint = "Spara om den utan länkar och skript, eller som PNG." if svg else "Spara om den mindre."
        raise Refused(f"bilden '{src}' {error.message}", error.hint or hint) from None
    return path


def _where_it_is(root: Path, chapter_path: str, src: str) -> str:
    """Advice for an image that is not where `src` says: the path counts from the chapter's
    folder, and a file of that name elsewhere in the report folder, or of that name written
    with other capitals (`Karta.PNG` for `karta.png`, saved so in Windows, where either
    finds it), is most likely the one."""
    folder = posixpath.dirname(chapter_path) or "."
    name = posixpath.basename(unquote(src))
    found = _find_file(root, name) if name else None
    if found is None:
        return f"Kontrollera namnet; sökvägen räknas från kapitlets mapp ({folder}/)."
    written = f"skriv då ({posixpath.relpath(found, folder)})."
    if posixpath.basename(found) != name:
        return (
            f"En bild med samma namn men andra stora och små bokstäver finns: {found}. "
            f"Bokstäverna måste stämma exakt; {written}"
        )
    return (
        f"Sökvägen räknas från kapitlets mapp ({folder}/). En bild med det namnet finns som "
        f"{found}; {written}"
    )


def _find_file(root: Path, name: str, most: int = 5000) -> str | None:
    """The first file called `name` in the report folder, or else the first whose name is
    `name` in other capitals (symlinks, hidden folders and output/ left out; at most `most`
    folder entries looked at), relative to `root`."""
    seen = 0
    folded = name.casefold()
    other_case: str | None = None
    for here, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "output")
        seen += len(folders) + len(files)
        if name in files and not os.path.islink(os.path.join(here, name)):
            return Path(here, name).relative_to(root).as_posix()
        if other_case is None:
            for file in sorted(files):
                if file.casefold() == folded and not os.path.islink(os.path.join(here, file)):
                    other_case = Path(here, file).relative_to(root).as_posix()
                    break
        if seen > most:
            break
    return other_case
    return None
