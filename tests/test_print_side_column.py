"""The side column of the print edition holds one thing at a time: a figure's caption never
lands beside the text column's left edge because a panel above it ("Året i siffror") still
fills the side column."""

from __future__ import annotations

from pathlib import Path

from tests.rendering import chapter, print_html_of, project

FACTS = """\
figures:
  invanare:
    value: 278430
    unit: invånare
    label: Invånare i länet
  aldre:
    value: 21.4
    unit: "%"
    label: Andel 65 år och äldre
"""

CHARTS = """\
charts:
  - id: andel
    type: bar
    title: Andel äldre per kommun
    values:
      - {Kommun: Umeå, Andel: "16,9"}
      - {Kommun: Sorsele, Andel: "33,5"}
    x: Kommun
    y: Andel
    unit: "%"
    source: SCB
    alt: Stapeldiagram över andelen äldre i två kommuner.
"""


def test_a_figure_after_the_year_in_numbers_has_its_caption_below_the_panel(tmp_path: Path) -> None:
    # A fact sheet: the key figures' panel, one sentence, a chart. The chart's caption was
    # pushed out of the side column into the text column, beside the panel.
    from weasyprint import HTML

    body = '{{ aret_i_siffror }}\n\nLänet har många invånare.\n\n{{ figur("andel") }}\n'
    root = project(tmp_path / "r", {"01-a.md": chapter("Länet", body)}, FACTS)
    (root / "data/charts.yaml").write_text(CHARTS, encoding="utf-8")
    document = HTML(string=print_html_of(root)).render()
    boxes = [box for page in document.pages for box in page._page_box.descendants()]

    def first(tag: str, cls: str | None = None):
        return next(
            b
            for b in boxes
            if b.element_tag == tag and (cls is None or cls in (b.element.get("class") or "").split())
        )

    panel, caption = first("aside", "year-in-numbers"), first("figcaption")
    assert caption.position_x <= panel.position_x + 1  # in the side column, where the panel is
    assert caption.position_y >= panel.position_y + panel.margin_height() - 1
