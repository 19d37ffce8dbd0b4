"""Emoji: the typefaces have none, so WeasyPrint printed each as an empty box in the PDF (and the
box swallowed the space after it) while the web page showed it; a build exited 0."""

from __future__ import annotations

from tests.rendering import chapter, errors_of, html_of, project

BODY = "Text.\n\nVi firar 🎉 i dag.\n\n```text\nklart ✅\n```\n"
FACTS = "conclusions:\n  - id: slutsats-1\n    text: Det gick bra 👍\n"


def test_an_emoji_in_a_chapter_or_a_yaml_file_is_an_error_at_its_line(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", BODY)}, facts=FACTS)
    hint = "Ta bort tecknet, eller skriv med ord det som det ska säga."
    box = "Typsnitten har inga emojier, så den skulle bli en tom ruta i PDF-filen."
    assert errors_of(root) == [
        f"content/01-a.md:7: tecknet 🎉 (U+1F389) är en emoji. {box} {hint}",
        f"content/01-a.md:10: tecknet ✅ (U+2705) är en emoji. {box} {hint}",
        f"data/facts.yaml:3: tecknet 👍 (U+1F44D) är en emoji. {box} {hint}",
    ]


def test_text_symbols_the_fonts_draw_are_no_emoji(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Klart ✓, viktigt ★ och ⚠ samt ❤ och é.\n")})
    assert "Klart ✓, viktigt ★ och ⚠ samt ❤ och é." in html_of(root)


def test_report_syntax_escaped_with_a_backslash_says_how_to_show_it(tmp_path):
    """`\\{\\{` is Markdown's escape, but the braces would still be published; code shows them."""
    root = project(
        tmp_path, {"01-a.md": chapter("A", "Skriv \\{\\{ så här.\n\nEller `{{ tal.x }}` och `:::`.\n")}
    )
    assert errors_of(root) == [
        "content/01-a.md:5: {{ har inget avslutande }} på samma rad, så uttrycket skulle synas som "
        "text. Skriv hela uttrycket på en rad: {{ tal.norsjo_invanare }}. Ska tecknen synas i "
        "texten som de är, skriv dem som kod mellan bakåtfnuttar: `{{`."
    ]
