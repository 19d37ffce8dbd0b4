"""The PDF cover's texts fit its field whatever their length (render/fit.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kfsreport.render.fit import CoverSizes, cover_sizes, side_figure_size
from tests.rendering import SETTINGS, chapter, print_html_of, project

LONG_COMMITTEE = (
    "Fullmäktigeberedningen för kompetensförsörjning, utbildning, arbetsmarknad och regional "
    "utveckling i Västerbottens län"
)
LONG_TITLE = (
    "Uppföljning av den regionala utvecklingsstrategins mål för kompetensförsörjning, "
    "arbetsmarknad och utbildning 2025"
)


def test_a_short_title_keeps_the_full_size():
    assert cover_sizes("Testberedningen", "Årsrapport 2025", "Kompetensförsörjning", None) == CoverSizes()


def test_a_long_title_under_a_long_committee_name_is_set_smaller():
    sizes = cover_sizes(LONG_COMMITTEE, LONG_TITLE, "Kompetensförsörjning i Västerbotten", None)
    assert sizes == CoverSizes("cover-title-38", "cover-kind-small")


def test_a_word_wider_than_the_cover_gets_a_size_it_fits_at():
    assert cover_sizes("Beredningen", "Kompetensförsörjningsuppföljningsrapporten", None, None).title == (
        "cover-title-23"
    )


def test_an_interim_reports_period_line_takes_room_too():
    title = " ".join(LONG_TITLE.split()[:9])  # fits at full size, but not with one line more
    subtitle = "Kompetensförsörjning i Västerbotten"
    assert cover_sizes(LONG_COMMITTEE, title, subtitle, None).title == ""
    assert cover_sizes(LONG_COMMITTEE, title, subtitle, "Delårsrapport januari–augusti 2030").title == (
        "cover-title-38"
    )


def _cover_boxes(tmp_path: Path, settings: str) -> tuple[float, float, str]:
    """The bottom of the organisation's name and the top of the titles' block on the laid out
    cover, and the title's classes."""
    from weasyprint import HTML

    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n")}, settings=settings)
    html = print_html_of(root)
    page = HTML(string=html, base_url=str(root)).render().pages[0]
    found: dict[str, tuple[float, float]] = {}

    def walk(box: object) -> None:
        element = getattr(box, "element", None)
        classes = element.get("class", "").split() if element is not None else []
        for name in ("cover-org", "cover-titles"):
            if name in classes and name not in found:
                found[name] = (box.position_y, box.position_y + box.margin_height())  # type: ignore[attr-defined]
        for child in getattr(box, "children", []):
            walk(child)

    walk(page._page_box)
    title = html.split('<h1 class="', 1)[1].split('"', 1)[0]
    return found["cover-org"][1], found["cover-titles"][0], title


@pytest.mark.parametrize("long", [False, True])
def test_the_titles_never_reach_up_over_the_organisations_name(tmp_path, long):
    settings = SETTINGS
    if long:
        settings = settings.replace("title: Testrapport 2030", f"title: {LONG_TITLE}").replace(
            "committee: Testberedningen", f"committee: {LONG_COMMITTEE}"
        )
    org_bottom, titles_top, title_classes = _cover_boxes(tmp_path, settings)
    assert org_bottom < titles_top
    assert title_classes == ("cover-title cover-title-38" if long else "cover-title")


def test_a_side_figure_is_set_smaller_only_when_its_unbroken_run_is_wider_than_the_column():
    assert side_figure_size("13\u00a0ledamöter") == ""
    assert side_figure_size("1\u00a0417\u00a0000\u00a0000\u00a0kronor per år i genomsnitt") == "figure-16"
    assert side_figure_size("+60\u00a0%") == ""


def test_a_long_key_figure_in_the_year_in_numbers_gets_its_smaller_size(tmp_path):
    facts = """\
        figures:
          statsbidrag:
            label: Statsbidrag till kommunerna
            value: 1417000000
            unit: kronor per år
          ledamoter:
            label: Ledamöter
            value: 13
            unit: ledamöter
        """
    root = project(tmp_path, {"01-a.md": chapter("A", "{{ aret_i_siffror }}\n\nText.\n")}, facts=facts)
    numbers = print_html_of(root).split('class="year-in-numbers"', 1)[1].split("</aside>", 1)[0]
    assert re.findall(r"<dd[^>]*>", numbers) == ['<dd class="figure-16">', "<dd>"]
