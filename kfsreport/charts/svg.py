"""Vega-Lite to SVG with vl-convert, with the report font inside.

vl-convert runs JavaScript in-process without a browser and without network access
(`allowed_base_urls=[]`). The first conversion costs about 0.45 s, the next about 0.05 s,
so the charts stage (figures.py) keeps each drawn chart in the cache folder (`cache.py`)
and draws it again only when its description or data changed.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from kfsreport.load.folder import clean_pasted
from kfsreport.render import locale

FONT = "Source Sans 3"
"""The report font's family name, drawn with and embedded in every chart."""
_registered: set[str] = set()
CACHE_VERSION = 17
"""Raise when the code that turns a spec into the cached SVG changes (font embedding…), and
when a check of a chart's description or data is added: a chart found in the cache is not
read again, so one cached before the check would never meet it."""
_ZERO_WIDTH = re.compile("[\u200b-\u200f]")


def clean_text(value: Any) -> Any:
    """Clean every string as pasted text is cleaned when read (`load.clean_pasted`), and drop
    zero-width characters too: vl-convert aborts on some of them, and a chart has no use for any."""
    if isinstance(value, str):
        return _ZERO_WIDTH.sub("", clean_pasted(value))
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


def to_svg(vega_lite: dict[str, Any], font_dirs: list[Path]) -> str:
    """Convert a Vega-Lite spec to SVG with the Swedish number and time locales.

    The report font is registered first so that vl-convert measures labels with it.
    """
    import vl_convert

    for folder in font_dirs:
        if str(folder) not in _registered:
            vl_convert.register_font_directory(str(folder))
            _registered.add(str(folder))

    return str(
        vl_convert.vegalite_to_svg(
            clean_text(vega_lite),
            format_locale=locale.d3_number_locale(),
            time_format_locale=locale.d3_time_locale(),
            allowed_base_urls=[],
        )
    )


def warm_up() -> None:
    """Start vl-convert's JavaScript engine (0.35 s) by drawing an empty chart."""
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point"}, allowed_base_urls=[])


def with_fonts(svg: str, faces: dict[int, bytes]) -> str:
    """The SVG with the report font embedded (weight → WOFF2), so an <img> shows it everywhere."""
    rules = "".join(
        f'@font-face{{font-family:"{FONT}";font-weight:{weight};'
        f'src:url(data:font/woff2;base64,{base64.b64encode(data).decode()}) format("woff2")}}'
        for weight, data in sorted(faces.items())
    )
    end = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:end]}<style>{rules}</style>{svg[end:]}"


def svg_text(svg: str) -> str:
    """The characters an SVG draws (to subset the font to)."""
    return "".join(re.findall(r">([^<]+)<", svg))
