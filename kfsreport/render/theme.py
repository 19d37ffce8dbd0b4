"""The report's theme (`theme:` in report.yaml): colours for both stylesheets and the charts.

The stylesheets name colours only through CSS custom properties (`--brand`, `--accent` …);
`theme_css` sets them from report.yaml after the stylesheets, so another organisation's
report needs no copied stylesheet. `check_theme` refuses colours that would make text or
graphics too faint (WCAG 2.1: text 4.5:1, graphics 3:1), with the line in report.yaml.
"""

from __future__ import annotations

from kfsreport.errors import Problems
from kfsreport.load.schema import Theme
from kfsreport.load.yamlfile import Located

WHITE = "#ffffff"
INK = "#1c2329"
OTHER_CHART_COLOURS = ["#c0560f", "#5b6b7b", "#7b3f98", "#2e7d32"]
"""The charts' colours after the primary one, unless the theme names its own."""


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` with `share` (0–1) of `other` mixed in."""
    parts = (round(a + (b - a) * share) for a, b in zip(rgb(colour), rgb(other), strict=True))
    return "#" + "".join(f"{p:02x}" for p in parts)


def dark(theme: Theme) -> str:
    """The dark field of the cover, header and footer: the theme's, or the primary darkened."""
    return theme.dark or mix(theme.primary, "#000000", 0.3)


def palette(theme: Theme) -> list[str]:
    """The charts' colours: the theme's own list, or the primary colour first."""
    return list(theme.chart_colours) or [theme.primary, *OTHER_CHART_COLOURS]


def theme_css(theme: Theme) -> str:
    """The custom properties both stylesheets use, set from the theme."""
    field = dark(theme)
    values = {
        "--brand": theme.primary,
        "--brand-dark": field,
        "--accent": theme.accent,
        "--tint": mix(theme.primary, WHITE, 0.9),
        "--rule": mix(theme.primary, WHITE, 0.7),
        "--on-dark": mix(field, WHITE, 0.85),
    }
    body = " ".join(f"{name}: {value};" for name, value in values.items())
    return f"\n/* theme: report.yaml */\n:root {{ {body} }}\n"


def check_theme(theme: Theme, settings: Located | None, problems: Problems) -> None:
    """Refuse theme colours too faint for the places the stylesheets use them."""

    def line(*key: str | int) -> int | None:
        return settings.line(("theme", *key)) if settings else None

    field = dark(theme)
    # (the key, its colour as used, the colour it must stand out from, the ratio, where)
    checks: list[tuple[tuple[str | int, ...], str, str, float, str]] = [
        (("primary",), theme.primary, WHITE, 4.5, "som text (rubriker, länkar) på vitt"),
        (("dark",) if theme.dark else ("primary",), field, WHITE, 4.5, "för vit text på omslagets färgfält"),
        (("accent",), theme.accent, field, 3.0, "som färgband intill omslagets färgfält"),
        (("accent",), theme.accent, INK, 4.5, "bakom mörk text (fokusmarkeringen på webben)"),
    ]
    for index, colour in enumerate(theme.chart_colours):
        checks.append((("chart_colours", index), colour, WHITE, 3.0, "som diagramfärg på vitt"))
    for key, colour, other, needed, use in checks:
        ratio = contrast(colour, other)
        if ratio < needed:
            name = ".".join(str(k) for k in key)
            problems.fail(
                "report.yaml",
                line(*key),
                f"theme.{name}: färgen har kontrasten {_ratio(ratio)}:1 {use}, men behöver minst "
                f"{_ratio(needed)}:1.",
                hint=f"{_remedy(colour, other, needed, key[0] != 'primary' or colour == theme.primary)} "
                "(WCAG 2.1: text 4,5:1, grafik 3:1).",
            )


def _remedy(colour: str, other: str, needed: float, example: bool) -> str:
    """Which way the colour must go, away from `other`, and (with `example`: the colour is
    the one written, not the field darkened from `primary`) the first shade that way that
    passes: "Välj en ljusare nyans, till exempel #f5b24a"."""
    lighter = luminance(colour) >= luminance(other)
    towards = WHITE if lighter else "#000000"
    way = "ljusare" if lighter else "mörkare"
    for step in range(1, 21 if example else 1):
        shade = mix(colour, towards, step / 20)
        if contrast(shade, other) >= needed:
            return f"Välj en {way} nyans, till exempel {shade}"
    return f"Välj en {way} nyans"


def _ratio(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
