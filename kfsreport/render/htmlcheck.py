"""The finished page checked as a browser would read it: nothing fetched, nothing run.

Whatever produced the HTML (the package's templates, a report's own overrides, facts shown
with `|safe`), the page must be self-contained and inert: no `<script>` (the preview adds its
own only after this check), no `<base>`, no `<meta http-equiv>` (refresh, cookies), no frames
or plug-ins, no event handler (`onload=` …), no `javascript:`, and no address outside the
page in any attribute, inline `style` or `<style>` except a link (`<a href>`) to a web page,
e-mail address or phone number. Everything the page shows is inline (`data:`) or part of it
(`#id`). The HTML is read with the standard library's HTML tokenizer, the same way a browser
splits tags and attributes (entities decoded), so `&#106;avascript:` is seen for what it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_NEVER = frozenset(
    {"script", "base", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "noscript"}
)
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_INLINE = ("data:", "#")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import\s*(['\"])(.*?)\3", re.IGNORECASE | re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_SPACE = re.compile(r"[\x00-\x20]+")


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" or tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.found.append("innehåller <base>" if tag == "base" else "innehåller <meta http-equiv>")
            return
        for name, value in attrs:
            self._attribute(tag, name, value or "")
        if tag in _NEVER:
            self.found.append(f"innehåller <{tag}>")
        if tag == "style":
            self._in_style += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._in_style:
            self._in_style -= 1

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _attribute(self, tag: str, name: str, value: str) -> None:
        plain = _SPACE.sub("", value).lower()
        if name.startswith("on"):
            self.found.append(f"innehåller händelsen {name}=")
        elif name == "style":
            self._css(value)
        elif plain.startswith(("javascript:", "vbscript:")):
            self.found.append(f"innehåller {name}='{value[:80]}'")
        elif name in ("srcdoc", "formaction", "action", "ping", "manifest", "srcset", "imagesrcset"):
            if value:
                self.found.append(f"innehåller {name}='{value[:80]}'")
        elif name in ("href", "xlink:href") and tag == "a":
            if not (plain.startswith(_LINK_SCHEMES) or plain.startswith("#") or not plain):
                self.found.append(f"länkar till '{value[:80]}'")
        elif name in _URL_ATTRIBUTES and value and not plain.startswith(_INLINE):
            self.found.append(f"skulle hämta '{value[:80]}'")

    def _css(self, text: str) -> None:
        text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)
        for match in _CSS_URL.finditer(text):
            url = (match.group(2) if match.group(2) is not None else match.group(4)) or ""
            if match.group(4) is not None or not _SPACE.sub("", url).lower().startswith(_INLINE):
                self.found.append(f"skulle hämta '{url[:80]}'")


_URL_ATTRIBUTES = frozenset(
    {"src", "href", "xlink:href", "data", "poster", "background", "cite", "longdesc", "codebase", "icon"}
    | {"lowsrc", "dynsrc", "archive", "classid", "profile", "usemap"}
)


def unsafe_parts(html: str) -> list[str]:
    """What in `html` would make a browser fetch or run something, each as the end of a
    sentence that starts "the page …" (`skulle hämta 'http://…'`, `innehåller <script>`)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return list(dict.fromkeys(finder.found))
