"""A conclusion's or recommendation's id is an id on the page: one that is already a
heading's, a chart's, the page's own (`innehall`, the skip link's target) or the other
list's gave the page two elements with one id and built without a word."""

from __future__ import annotations

import pytest

from tests.rendering import chapter, errors_of, html_of, project

CHAPTER = chapter("Resultat", "## Läget {#laget}\n\nText.\n\n{{ slutsatser }}\n\n{{ rekommendationer }}\n")


def facts(conclusion: str, recommendation: str) -> str:
    return (
        f"conclusions:\n  - id: {conclusion}\n    text: En slutsats.\n"
        f"recommendations:\n  - id: {recommendation}\n    text: En rekommendation.\n"
    )


@pytest.mark.parametrize(
    ("conclusion", "recommendation", "message"),
    [
        (
            "laget",
            "rek-a",
            "data/facts.yaml:2: slutsatsens id 'laget' är redan id för en rubrik "
            "(content/01-a.md:5); på sidan skulle två delar ha samma id, och en länk dit kunde "
            "hamna fel. Ge slutsatsen ett annat id, till exempel 'slutsats-laget'.",
        ),
        (
            "slutsats-a",
            "innehall",
            "data/facts.yaml:5: rekommendationens id 'innehall' är redan id för sidans innehåll "
            "eller innehållsförteckning; på sidan skulle två delar ha samma id, och en länk dit "
            "kunde hamna fel. Ge rekommendationen ett annat id, till exempel 'rek-innehall'.",
        ),
        (
            "a",
            "a",
            "data/facts.yaml:5: rekommendationens id 'a' är redan id för slutsatsen på rad 2; på "
            "sidan skulle två delar ha samma id, och en länk dit kunde hamna fel. Ge "
            "rekommendationen ett annat id, till exempel 'rek-a'.",
        ),
    ],
)
def test_a_fact_id_already_on_the_page_is_a_located_error(tmp_path, conclusion, recommendation, message):
    root = project(tmp_path, {"01-a.md": CHAPTER}, facts=facts(conclusion, recommendation))
    assert errors_of(root) == [message]


def test_distinct_fact_ids_build(tmp_path):
    root = project(tmp_path, {"01-a.md": CHAPTER}, facts=facts("slutsats-a", "rek-a"))
    html = html_of(root)
    assert html.count('id="slutsats-a"') == 1 and html.count('id="rek-a"') == 1
