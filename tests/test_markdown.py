"""Chapters in Markdown as the reader gets them: numbers, ids, boxes, footnotes, and located errors."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.rendering import SETTINGS, chapter, chapter_of, errors_of, html_of, print_html_of, project

# --- numbering ------------------------------------------------------------------------------


def test_chapters_are_numbered_and_sections_get_chapter_dot_section(tmp_path):
    root = project(
        tmp_path,
        {
            "01-forsta.md": chapter("Första", "## Ett\n\n### Under\n\nText.\n\n## Två\n"),
            "02-andra.md": chapter("Andra", "## Tre\n"),
        },
    )
    html = html_of(root)
    first = chapter_of(html, "forsta")
    assert (
        '<h2 class="chapter-title" id="forsta">'
        '<span class="heading-number" data-pdf-text="1 ">1</span> Första</h2>' in first
    )
    assert '<h3 id="ett"><span class="heading-number">1.1</span> Ett</h3>' in first
    assert '<h4 id="under">Under</h4>' in first
    assert '<h3 id="tva"><span class="heading-number">1.2</span> Två</h3>' in first
    second = chapter_of(html, "andra")
    assert (
        '<h2 class="chapter-title" id="andra">'
        '<span class="heading-number" data-pdf-text="2 ">2</span> Andra</h2>' in second
    )
    assert '<h3 id="tre"><span class="heading-number">2.1</span> Tre</h3>' in second


def test_chapters_are_read_in_the_order_of_their_numbers_as_a_person_counts(tmp_path):
    root = project(
        tmp_path,
        {
            "10-tio.md": chapter("Tio", "Text."),
            "2-tva.md": chapter("Två", "Text."),
            "1-ett.md": chapter("Ett", "Text."),
            "2-extra.md": chapter("Extra", "Text."),
        },
    )
    html = html_of(root)
    titles = re.findall(r'<h2 class="chapter-title"[^>]*>.*?</span>\s*([^<]+)</h2>', html)
    assert titles == ["Ett", "Extra", "Två", "Tio"], titles


def test_an_unnumbered_chapter_has_no_number_and_does_not_advance_the_count(tmp_path):
    root = project(
        tmp_path,
        {
            "00-om.md": chapter("Om rapporten", "## Läsanvisning\n", numbered="false"),
            "01-forsta.md": chapter("Första", "Text.\n"),
            "02-mellan.md": chapter("Mellanspel", "Text.\n", numbered="nej"),
            "03-tredje.md": chapter("Tredje", "## Avsnitt\n"),
        },
    )
    html = html_of(root)
    about = chapter_of(html, "om-rapporten")
    assert about.startswith('<section class="chapter unnumbered">')
    assert '<h2 class="chapter-title" id="om-rapporten">Om rapporten</h2>' in about
    assert '<h3 id="lasanvisning">Läsanvisning</h3>' in about
    assert '<h2 class="chapter-title" id="mellanspel">Mellanspel</h2>' in chapter_of(html, "mellanspel")
    third = chapter_of(html, "tredje")
    assert '<span class="heading-number" data-pdf-text="2 ">2</span> Tredje</h2>' in third
    assert '<h3 id="avsnitt"><span class="heading-number">2.1</span> Avsnitt</h3>' in third
    assert "heading-number" not in about


def test_numbering_depth_3_numbers_level_three_headings_and_restarts_them(tmp_path):
    body = "## Ett\n\n### Under\n\n### Under två\n\n#### Djup\n\n## Två\n\n### Under tre\n"
    root = project(tmp_path, {"01-a.md": chapter("A", body)}, settings=SETTINGS + "numbering_depth: 3\n")
    html = chapter_of(html_of(root), "a")
    assert '<h3 id="ett"><span class="heading-number">1.1</span> Ett</h3>' in html
    assert '<h4 id="under"><span class="heading-number">1.1.1</span> Under</h4>' in html
    assert '<h4 id="under-tva"><span class="heading-number">1.1.2</span> Under två</h4>' in html
    assert '<h5 id="djup">Djup</h5>' in html
    assert '<h4 id="under-tre"><span class="heading-number">1.2.1</span> Under tre</h4>' in html


def test_numbering_depth_1_numbers_only_chapters(tmp_path):
    root = project(
        tmp_path, {"01-a.md": chapter("A", "## Ett\n")}, settings=SETTINGS + "numbering_depth: 1\n"
    )
    html = chapter_of(html_of(root), "a")
    assert '<span class="heading-number" data-pdf-text="1 ">1</span> A</h2>' in html
    assert '<h3 id="ett">Ett</h3>' in html


def test_a_level_three_heading_before_any_section_gets_no_zero_in_its_number(tmp_path):
    root = project(
        tmp_path,
        {"01-a.md": chapter("A", "### Tidigt\n\n## Ett\n")},
        settings=SETTINGS + "numbering_depth: 3\n",
    )
    html = chapter_of(html_of(root), "a")
    assert '<h3 id="tidigt">Tidigt</h3>' in html, "straight under the chapter: one level down, no skip"
    assert not re.search(r'<span class="heading-number">[0-9.]*\b0\b', html)


def test_the_contents_list_chapters_and_numbered_sections_only(tmp_path):
    root = project(
        tmp_path,
        {
            "00-om.md": chapter("Om rapporten", "Text.\n", numbered="false"),
            "01-a.md": chapter("Första", "## Ett\n\n### Onumrerad\n"),
        },
    )
    html = html_of(root)
    toc = html[html.index('<nav class="toc"') : html.index("</nav>")]
    assert re.findall(r'<li class="toc-level-(\d)"><a href="#([a-z0-9-]+)">', toc) == [
        ("1", "om-rapporten"),
        ("1", "forsta"),
        ("2", "ett"),
    ]
    assert '<span class="toc-number">1.1</span> <span class="toc-title">Ett</span>' in toc


def test_heading_levels_are_shifted_one_down_under_the_chapter_title(tmp_path):
    body = "## Två\n\n### Tre\n\n#### Fyra\n\n##### Fem\n"
    html = chapter_of(html_of(project(tmp_path, {"01-a.md": chapter("A", body)})), "a")
    assert re.findall(r"<(h\d)[ >]", html) == ["h2", "h3", "h4", "h5", "h6"]


# --- heading ids ----------------------------------------------------------------------------


def test_explicit_ids_and_classes_after_a_heading(tmp_path):
    body = "## Avtalssamverkan {#bjurholm-nordmaling .framhavd}\n"
    html = html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert (
        '<h3 id="bjurholm-nordmaling" class="framhavd"><span class="heading-number">1.1</span> '
        "Avtalssamverkan</h3>"
    ) in html


@pytest.mark.parametrize(
    ("title", "ident"),
    [
        ("Åldersdiskriminering i arbetslivet", "aldersdiskriminering-i-arbetslivet"),
        ("Ett förlängt arbetsliv & senior kompetens (65+)", "ett-forlangt-arbetsliv-senior-kompetens-65"),
        ("Är NÄTVERKEN öppna?", "ar-natverken-oppna"),
        ("”§ –”", "avsnitt"),
    ],
)
def test_automatic_ids_are_ascii_slugs_of_swedish_titles(tmp_path, title, ident):
    root = project(tmp_path, {"01-a.md": chapter(title, f"## {title}\n")})
    html = html_of(root)
    assert f'<h2 class="chapter-title" id="{ident}">' in html
    assert f'<h3 id="{ident}-2">' in html


def test_repeated_automatic_ids_get_a_number_across_the_whole_report(tmp_path):
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("A", "## Bakgrund\n\n## Bakgrund\n"),
            "02-b.md": chapter("B", "## Bakgrund\n"),
        },
    )
    html = html_of(root)
    assert re.findall(r'<h3 id="([a-z0-9-]+)">', html) == ["bakgrund", "bakgrund-2", "bakgrund-3"]


def test_a_repeated_explicit_id_is_an_error_naming_both_places(tmp_path):
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("A", "## Plan {#plan}\n"),
            "02-b.md": chapter("B", "Text.\n\n## Planen igen {#plan}\n"),
        },
    )
    assert errors_of(root) == [
        "content/02-b.md:7: id:t 'plan' används redan (content/01-a.md:5). "
        "Ge rubriken ett annat id med {#nytt-id}."
    ]


def test_every_id_on_the_page_is_unique(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "## Innehåll\n\nText.\n")})
    ids = Counter(re.findall(r'\sid="([^"]+)"', html_of(root)))
    assert [ident for ident, count in ids.items() if count > 1] == []


def test_a_level_one_heading_in_a_chapter_is_an_error_with_its_line(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n\n# Rubrik\n")})
    assert errors_of(root) == [
        "content/01-a.md:7: rubriker med en # används inte i kapitlen. "
        "Kapitlets rubrik står i front matter (title:); använd ## för avsnitt."
    ]


def test_a_sixth_heading_level_is_an_error_with_its_line(tmp_path):
    # `######` would come out as the same h6 as `#####`, its place in the outline lost.
    body = "## B\n\n### C\n\n#### D\n\n##### E\n\n###### F\n\nText.\n"
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    assert errors_of(root) == [
        "content/01-a.md:13: rubriker med sex # används inte: kapitlets rubriker går ned till #####. "
        "Skriv rubriken med ##### eller gör den till vanlig text, till exempel i fetstil."
    ]


def test_the_lowest_heading_level_is_styled_in_both_editions():
    # `#####` is an h6, which browsers and WeasyPrint otherwise print smaller than the text.
    from kfsreport.errors import PACKAGE_TEMPLATES

    for name in ("print.css", "screen.css"):
        css = (PACKAGE_TEMPLATES / "css" / name).read_text(encoding="utf-8")
        assert re.search(r"^h6 \{ font-size: [^;]+;", css, re.MULTILINE), name


# --- what Markdown may produce --------------------------------------------------------------


def test_raw_html_comes_out_as_text_never_as_a_tag(tmp_path):
    body = (
        "<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> här.\n\n## Rubrik <em>kursiv</em>\n"
    )
    html = html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<p>Text &lt;img src=x onerror=alert(1)&gt; här.</p>" in html
    assert "<script" not in html
    assert "<img" not in html
    assert "<em>kursiv</em>" not in html
    assert "Rubrik &lt;em&gt;kursiv&lt;/em&gt;</h3>" in html


def test_comments_are_the_writers_notes_and_never_published(tmp_path):
    body = (
        "Före <!-- kolla siffran --> efter.\n\n"
        "<!-- en anteckning\n::: faktaruta Inte en ruta\növer flera rader -->\n\n"
        "Sista stycket med `<!-- kod -->` kvar.\n\n"
        "```text\n<!-- exempel i kod -->\n```\n\n"
        "Rad efter {{ hittepa }}.\n"
    )
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    # the line numbers after a comment of several lines still hold
    errors = errors_of(root)
    assert len(errors) == 1 and errors[0].startswith("content/01-a.md:17: {{ hittepa }}"), errors
    body = body.replace("Rad efter {{ hittepa }}.\n", "")
    html = html_of(project(tmp_path / "ok", {"01-a.md": chapter("A", body)}))
    assert "kolla siffran" not in html and "anteckning" not in html and "Inte en ruta" not in html
    assert "<p>Före  efter.</p>" in html
    assert "<code>&lt;!-- kod --&gt;</code>" in html
    assert "&lt;!-- exempel i kod --&gt;" in html


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '[länk](https://example.se){style="color:red"}',
            "content/01-a.md:5: attributet style är inte tillåtet. Bara {#id}, {.klass} "
            "och {lang=en} kan användas.",
        ),
        (
            '[länk](#a){onclick="alert(1)"}',
            "content/01-a.md:5: attributet onclick är inte tillåtet. Bara {#id}, {.klass} "
            "och {lang=en} kan användas.",
        ),
        (
            "## Rubrik {style=color:red}",
            "content/01-a.md:5: 'style=color:red' i rubrikens klammerparentes kan inte användas "
            "(id skrivs med små bokstäver, siffror och bindestreck). "
            "Skriv till exempel {#mitt-id} efter rubriken.",
        ),
    ],
)
def test_attributes_other_than_id_and_class_are_located_errors(tmp_path, line, message):
    root = project(tmp_path, {"01-a.md": chapter("A", line + "\n")})
    assert errors_of(root) == [message]


def test_a_phrase_in_another_language_is_marked_with_lang(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Nätverket [Building Women]{lang=en} träffas.\n")})
    html = chapter_of(html_of(root), "a")
    assert '<p>Nätverket <span lang="en">Building Women</span> träffas.</p>' in html


def test_a_chapters_author_stands_under_its_title_in_both_editions(tmp_path):
    # An anthology: each chapter by its own writer; `author:` was an unknown key.
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("Pendling", "Text.\n", author="Lina Sundqvist, Umeå universitet"),
            "02-b.md": chapter("Utan författare", "Text.\n"),
        },
    )
    for html in (html_of(root), print_html_of(root)):
        html = re.sub(r"</?span[^>]*>", "", html)  # the print edition's marks around names
        byline = '<p class="chapter-author">Lina Sundqvist, Umeå universitet</p>'
        assert re.search(r"Pendling</h2>\s*" + byline, html)
        assert html.count('class="chapter-author"') == 1
    wrong = project(tmp_path / "fel", {"01-a.md": chapter("A", "Text.\n", author="[Lina, Per]")})
    assert errors_of(wrong)[0].startswith("content/01-a.md:3: ")


def test_a_chapter_in_another_language_is_marked_with_lang_in_both_editions(tmp_path):
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("Inledning", "Text.\n"),
            "02-b.md": chapter("Summary in English", "The summary.\n", numbered="false", lang="en"),
        },
    )
    for html in (html_of(root), print_html_of(root)):
        assert '<section class="chapter unnumbered" lang="en"' in html
        assert '<span class="toc-title" lang="en">Summary in English</span>' in html
        assert '<span class="toc-title">Inledning</span>' in html


def test_a_link_to_a_web_page_has_its_address_after_it_for_paper(tmp_path):
    # In the PDF a link was the text's own colour and its address was nowhere: on paper
    # "regionens webbplats" led nowhere.
    body = (
        "Mer på [regionens webbplats](https://www.norrfjall.se/folkhalsa/), se <https://www.norrfjall.se/>, "
        "[skriv](mailto:a@b.se) eller [läs mer](#a).\n"
    )
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    html = chapter_of(html_of(root), "a")
    assert (
        '<a href="https://www.norrfjall.se/folkhalsa/">regionens webbplats</a>'
        '<span class="link-address"> (www.norrfjall.se/folkhalsa)</span>, '
        'se <a href="https://www.norrfjall.se/">https://www.norrfjall.se/</a>, '
        '<a href="mailto:a@b.se">skriv</a> eller <a href="#a">läs mer</a>.'
    ) in html
    from kfsreport.errors import PACKAGE_TEMPLATES

    screen = (PACKAGE_TEMPLATES / "css/screen.css").read_text(encoding="utf-8")
    printed = (PACKAGE_TEMPLATES / "css/print.css").read_text(encoding="utf-8")
    assert re.search(r"^\.link-address \{ display: none; \}", screen, re.MULTILINE)
    assert re.search(r"^\.link-address \{ hyphens: manual;", printed, re.MULTILINE)


def test_a_chapters_lang_that_is_not_a_language_tag_is_a_located_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n", lang="engelska")})
    (error,) = errors_of(root)
    assert error.startswith("content/01-a.md:3: ")
    assert "'engelska' är ingen språkkod; skriv till exempel en, en-GB eller de" in error


def test_a_lang_that_is_not_a_language_tag_is_a_located_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Ett [ord]{lang=engelska} här.\n")})
    assert errors_of(root) == [
        "content/01-a.md:5: språkkoden 'engelska' är ingen språkkod. "
        "Skriv en kod som en, en-GB eller de, till exempel [Building Women]{lang=en}."
    ]


def test_a_language_tag_in_capitals_is_accepted_and_written_as_bcp_47_writes_it(tmp_path):
    # `lang: EN` was refused as "no language tag"; BCP 47 tags are case-insensitive.
    from kfsreport.load.schema import language_tag

    assert [language_tag(t) for t in ("EN", "en-gb", "SR-LATN-rs", "x")] == [
        "en",
        "en-GB",
        "sr-Latn-RS",
        None,
    ]
    root = project(
        tmp_path,
        {"01-a.md": chapter("A", "## Aims\n\nAn [ORD]{lang=DE} here.\n", lang="EN-gb")},
    )
    html = chapter_of(html_of(root), "a")
    assert html.startswith('<section class="chapter" lang="en-GB">')
    assert '<span lang="de">ORD</span>' in html


def test_a_refused_block_attribute_is_reported_at_its_own_line(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", '{style="color:red"}\nEtt stycke.\n')})
    assert errors_of(root) == [
        "content/01-a.md:5: attributet style är inte tillåtet. Bara {#id}, {.klass} "
        "och {lang=en} kan användas."
    ]


def test_a_fact_box_is_an_aside_labelled_by_its_title(tmp_path):
    body = (
        "::: faktaruta Hamburgundantaget\nEtt undantag.\n:::\n\n"
        "::: faktaruta\nUtan rubrik.\n:::\n\n"
        '::: faktaruta Fakta om <b>"x"</b>\nText.\n:::\n'
    )
    html = html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert (
        '<aside class="faktaruta" aria-label="Hamburgundantaget">\n'
        '<p class="box-title">Hamburgundantaget</p>\n'
        "<p>Ett undantag.</p>\n"
        "</aside>\n"
    ) in html
    assert '<aside class="faktaruta" aria-label="Faktaruta">\n<p class="box-title">Faktaruta</p>' in html
    assert 'aria-label="Fakta om &lt;b&gt;&#34;x&#34;&lt;/b&gt;"' in html
    assert "<b>" not in html


def test_a_quote_box_is_a_blockquote(tmp_path):
    html = html_of(project(tmp_path, {"01-a.md": chapter("A", "::: citat\nEtt citat.\n:::\n")}))
    assert '<blockquote class="citat">\n<p>Ett citat.</p>\n</blockquote>\n' in html


def test_an_unknown_box_is_a_located_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Text.\n\n::: varning\nObs.\n:::\n")})
    assert errors_of(root) == [
        "content/01-a.md:7: okänd ruta '::: varning'. Använd någon av: ::: faktaruta, ::: citat."
    ]


def test_footnotes_get_ids_unique_across_chapters(tmp_path):
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("A", "Ett[^1] och två[^2].\n\n[^1]: Fot A1.\n[^2]: Fot A2.\n"),
            "02-b.md": chapter("B", "Tre[^1].\n\n[^1]: Fot B1.\n"),
        },
    )
    html = html_of(root)
    first, second = chapter_of(html, "a"), chapter_of(html, "b")
    assert re.findall(r'<a href="#(fn-[^"]+)" id="(fnref-[^"]+)"', first) == [
        ("fn-a-1", "fnref-a-1"),
        ("fn-a-2", "fnref-a-2"),
    ]
    assert re.findall(r'<a href="#(fn-[^"]+)" id="(fnref-[^"]+)"', second) == [("fn-b-1", "fnref-b-1")]
    assert '<li id="fn-a-1" class="footnote-item"><p>Fot A1.' in first
    assert '<li id="fn-b-1" class="footnote-item"><p>Fot B1.' in second
    ids = re.findall(r'\sid="(fn[^"]+)"', html)
    assert len(ids) == len(set(ids)) == 6


def test_tables_are_wrapped_so_they_can_scroll(tmp_path):
    body = "| Kommun | Invånare |\n|---|---:|\n| Norsjö | 3 894 |\n"
    html = html_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    wrap = '<div class="table-wrap" role="region" tabindex="0" aria-label="Tabell: Kommun, Invånare">'
    assert f"{wrap}\n<table>\n<thead>" in html
    assert '<td>Norsjö</td>\n<td style="text-align:right"><span class="nowrap">3\u00a0894</span></td>' in html
    assert "</tbody>\n</table>\n</div>\n" in html


# --- front matter ---------------------------------------------------------------------------

GOOD = chapter("Bra", "Text.\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: Utan streck\n---\n\nText.\n",
            "content/02-b.md:1: kapitlet börjar inte med front matter. "
            "Börja filen med raden ---, sedan title: Kapitlets rubrik och en rad ---.",
        ),
        (
            "---\ntitle: Inget slut\n\nText.\n",
            "content/02-b.md:1: front matter (raderna överst mellan ---) har inget avslutande ---. "
            "Lägg till en rad med --- efter de sista inställningarna.",
        ),
        (
            "---\ntitle: Kolon\nnumbered: false\nid: x: y\n---\n\nText.\n",
            "content/02-b.md:4: ett kolon står där det inte får stå (fel indrag, eller text med kolon "
            "som behöver citattecken). Kontrollera indrag, kolon och citattecken.",
        ),
        (
            "---\nnumbered: false\n---\n\nText.\n",
            "content/02-b.md:2: nyckeln 'title' saknas. Lägg till den.",
        ),
        (
            "---\ntitle: Felstavat\nnumberd: false\n---\n\nText.\n",
            "content/02-b.md:3: okänd nyckel 'numberd'. (menade du 'numbered'?)",
        ),
        (
            "---\ntitle: Kanske\nnumbered: kanske\n---\n\nText.\n",
            "content/02-b.md:3: 'numbered': ska vara ja eller nej (true eller false).",
        ),
    ],
)
def test_front_matter_problems_are_located_in_the_chapter_file(tmp_path, text, message):
    root = project(tmp_path, {"01-a.md": GOOD, "02-b.md": text})
    assert errors_of(root) == [message]


def test_a_sole_chapter_with_broken_front_matter_gets_one_message(tmp_path):
    root = project(tmp_path, {"01-a.md": "title: Utan streck\n---\n\nText.\n"})
    assert errors_of(root) == [
        "content/01-a.md:1: kapitlet börjar inte med front matter. "
        "Börja filen med raden ---, sedan title: Kapitlets rubrik och en rad ---."
    ]


def test_numbers_typed_with_ordinary_spaces_never_break_in_a_table_cell_or_a_sentence(tmp_path):
    body = "Det kostade 1 417 tkr, 6,9 % mer.\n\n| Område | 2021 |\n|---|---:|\n| Tandvård | 112 003 tkr |\n"
    html = chapter_of(html_of(project(tmp_path, {"01-a.md": chapter("A", body)})), "a")
    assert "1\u00a0417\u00a0tkr, 6,9\u00a0% mer" in html
    assert '<span class="nowrap">112\u00a0003\u00a0tkr</span></td>' in html


def test_a_quotation_written_with_a_greater_than_sign_is_set_off_from_the_text(tmp_path):
    # `> …` printed as an ordinary paragraph in both editions: nothing showed it was a quotation.
    from kfsreport.errors import PACKAGE_TEMPLATES

    html = chapter_of(html_of(project(tmp_path, {"01-a.md": chapter("A", "> Ett citat.\n")})), "a")
    assert "<blockquote>\n<p>Ett citat.</p>\n</blockquote>" in html
    css = (PACKAGE_TEMPLATES / "css" / "base.css").read_text(encoding="utf-8")
    rule = re.search(r"^blockquote:not\(\.citat\) \{([^}]*)\}", css, re.MULTILINE)
    assert rule and "border-left:" in rule.group(1)


def test_a_box_closed_with_fewer_colons_than_it_opened_with_is_a_located_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", ":::: faktaruta Ruta\nText.\n:::\n\nEfter.\n")})
    assert errors_of(root) == [
        "content/01-a.md:7: raden ::: har färre kolon än ':::: faktaruta Ruta' på rad 5, så den "
        "avslutar inte rutan utan skulle synas som text. "
        "Avsluta rutan med lika många kolon som den börjar med: ::::."
    ]


def test_a_box_inside_a_box_with_as_many_colons_is_a_located_error(tmp_path):
    body = "::: faktaruta Yttre\nYttre.\n\n::: citat\nInre.\n:::\n\nMer yttre.\n:::\n"
    errors = errors_of(project(tmp_path, {"01-a.md": chapter("A", body)}))
    assert len(errors) == 2, errors
    assert errors[0].startswith(
        "content/01-a.md:8: rutan '::: citat' ligger i rutan '::: faktaruta Yttre' (rad 5), "
        "och raden ::: på rad 10 skulle avsluta den yttre rutan i stället."
    )
    assert ":::: faktaruta Yttre … ::::" in errors[0]
    assert errors[1].startswith("content/01-a.md:13: raden ::: avslutar ingen ruta.")


def test_a_box_inside_a_box_with_more_colons_on_the_outer_one_is_published_whole(tmp_path):
    body = ":::: faktaruta Yttre\nYttre.\n\n::: citat\nInre.\n:::\n\nMer yttre.\n::::\n"
    html = chapter_of(html_of(project(tmp_path, {"01-a.md": chapter("A", body)})), "a")
    assert ":::" not in html
    aside = html[html.index("<aside") : html.index("</aside>")]
    assert '<blockquote class="citat">\n<p>Inre.</p>\n</blockquote>' in aside
    assert "<p>Mer yttre.</p>" in aside


def test_a_box_begun_with_two_colons_is_a_located_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", ":: faktaruta Ruta\nText.\n:::\n")})
    assert errors_of(root) == [
        "content/01-a.md:5: raden börjar med :: i stället för :::, så rutan blir inte en ruta och "
        "raden skulle synas som text. Börja rutan med tre kolon: ::: faktaruta.",
        "content/01-a.md:7: raden ::: avslutar ingen ruta. "
        "Ta bort raden, eller börja rutan med till exempel ::: faktaruta.",
    ]


def test_an_image_the_path_misses_says_where_a_file_of_that_name_is(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "![Karta](bilder/karta.png)\n\n![Logga](logga.png)\n")})
    (root / "bilder").mkdir()
    (root / "bilder/karta.png").write_bytes(b"")
    assert errors_of(root) == [
        "content/01-a.md:5: bilden 'bilder/karta.png' finns inte. Sökvägen räknas från kapitlets "
        "mapp (content/). En bild med det namnet finns som bilder/karta.png; skriv då "
        "(../bilder/karta.png).",
        "content/01-a.md:7: bilden 'logga.png' finns inte. Kontrollera namnet; sökvägen räknas "
        "från kapitlets mapp (content/).",
    ]


def test_an_image_named_with_other_capitals_says_which_file_it_is(tmp_path):
    # Saved as Karta.PNG in Windows, where `karta.png` finds it; here the capitals count.
    root = project(tmp_path, {"01-a.md": chapter("A", "![Karta](bilder/karta.png)\n")})
    (root / "content/bilder").mkdir()
    (root / "content/bilder/Karta.PNG").write_bytes(b"")
    assert errors_of(root) == [
        "content/01-a.md:5: bilden 'bilder/karta.png' finns inte. En bild med samma namn men "
        "andra stora och små bokstäver finns: content/bilder/Karta.PNG. Bokstäverna måste stämma "
        "exakt; skriv då (bilder/Karta.PNG).",
    ]


def test_a_chapter_saved_in_windows_1252_is_one_error_and_its_ids_are_still_known(tmp_path):
    # Its headings' ids were unknown, so every ref() to them was a second, misleading error;
    # and a mistake further down in it was found only after it was saved again.
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("A", '{{ ref("insatser") }}\n'),
            "02-b.md": chapter("Åtgärder", "## Våra insatser {#insatser}\n\n{{ fakta.saknas }}\n"),
        },
    )
    path = root / "content/02-b.md"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    errors = errors_of(root)
    assert errors[0] == (
        "content/02-b.md:2: filen är inte sparad som UTF-8 (troligen Windows-1252 från Word eller "
        "Excel). Spara om den som UTF-8 i din textredigerare."
    )
    assert [error.split(":")[:2] for error in errors[1:]] == [["content/02-b.md", "7"]]


@pytest.mark.parametrize("saved_as", ["02-b.MD", "02-b.md.txt", "02-b.markdown"])
def test_a_chapter_saved_under_another_ending_is_one_error_and_its_ids_are_still_known(tmp_path, saved_as):
    root = project(
        tmp_path,
        {
            "01-a.md": chapter("A", '{{ ref("insatser") }}\n'),
            "02-b.md": chapter("B", "## Våra insatser {#insatser}\n\nText.\n"),
        },
    )
    (root / "content/02-b.md").rename(root / "content" / saved_as)
    errors = errors_of(root)
    assert len(errors) == 1 and errors[0].startswith(f"content/{saved_as}: ")


def test_a_copy_under_another_ending_beside_its_chapter_is_not_read_twice(tmp_path):
    text = chapter("B", "## Våra insatser {#insatser}\n\nText.\n")
    root = project(tmp_path, {"01-a.md": chapter("A", '{{ ref("insatser") }}\n'), "02-b.md": text})
    (root / "content/02-b.md.txt").write_text(text, encoding="utf-8")
    assert [error.split(":")[0] for error in errors_of(root)] == ["content/02-b.md.txt"]


SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>"


def test_an_image_with_a_title_alone_in_its_paragraph_is_a_figure_with_its_caption(tmp_path):
    # The Markdown title was dropped without a word; a photo's caption and credit were lost.
    body = 'Text.\n\n![Deltagare vid en hälsodag.](bild.svg "Hälsodagen i maj. Foto: Lena Ström")\n'
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    (root / "content/bild.svg").write_text(SVG, encoding="utf-8")
    for html in (html_of(root), print_html_of(root)):
        assert re.search(
            r'<figure class="image">\n<img src="data:image/svg\+xml;base64,[^"]+" alt="Deltagare vid en '
            r'hälsodag.">\n<figcaption class="image-caption">Hälsodagen i maj. Foto: Lena Ström</figcaption>'
            r"</figure>",
            html,
        )


def test_an_image_with_a_title_inside_a_sentence_or_list_is_a_located_error(tmp_path):
    body = (
        'Se ![Karta.](bild.svg "Länet") här.\n\n- ![Karta.](bild.svg "Länet")\n\n![Utan titel.](bild.svg)\n'
    )
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    (root / "content/bild.svg").write_text(SVG, encoding="utf-8")
    message = (
        "bilden har bildtexten ”Länet”, men står inte ensam i sitt stycke, så bildtexten kan inte "
        "visas. Ställ bilden på en egen rad med tomma rader före och efter, eller ta bort "
        "bildtexten inom citattecknen."
    )
    assert errors_of(root) == [f"content/01-a.md:5: {message}", f"content/01-a.md:7: {message}"]


def test_an_image_that_is_not_an_image_says_to_save_it_again_and_an_svg_names_its_reference(tmp_path):
    body = "![Text](fel.png)\n\n![Ritning](ritning.svg)\n\n![Dokument](../rapport.bmp)\n"
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    (root / "content/fel.png").write_text("inte en bild", encoding="utf-8")
    (root / "rapport.bmp").write_text("x", encoding="utf-8")
    (root / "content/ritning.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'><image href='https://example.org/a/b.png'/></svg>",
        encoding="utf-8",
    )
    assert errors_of(root) == [
        "content/01-a.md:5: bilden 'fel.png' går inte att läsa som bild; filen kan vara trasig "
        "eller vara något annat än en bild med ett bildnamn. Öppna den i ett bildprogram och "
        "spara den igen som PNG eller JPEG.",
        "content/01-a.md:7: bilden 'ritning.svg' hänvisar till 'https://example.org/a/b.png'; en "
        "SVG-bild måste vara fristående. Spara om den utan länkar och skript, eller som PNG.",
        "content/01-a.md:9: bilden '../rapport.bmp' är inte av en bildtyp som kan användas. "
        "Spara den som en av: .gif, .jpeg, .jpg, .png, .svg, .webp.",
    ]


def test_a_wide_tables_caption_stays_in_view_on_a_phone():
    # At 375 px a wide table scrolls sideways in its box, and its caption went with it, cut.
    from kfsreport.errors import PACKAGE_TEMPLATES

    css = (PACKAGE_TEMPLATES / "css" / "screen.css").read_text(encoding="utf-8")
    rule = re.search(r"^\.table-wrap > table > caption \{([^}]*)\}", css, re.MULTILINE)
    assert rule and "position: sticky" in rule.group(1) and "100vw" in rule.group(1)


def test_a_footnote_text_written_twice_under_one_name_is_a_located_error(tmp_path):
    body = "Text[^a].\n\n```\n[^a]: Ett exempel i kod.\n```\n\n[^a]: Första.\n[^a]: Andra.\n"
    assert errors_of(project(tmp_path, {"01-a.md": chapter("A", body)})) == [
        "content/01-a.md:12: fotnoten [^a] har redan en text på rad 11, så den texten skulle "
        "försvinna. Ge den ena fotnoten ett annat namn, till exempel [^a-2], både här och där "
        "den står i texten, eller ta bort den som är för mycket."
    ]


def test_an_expression_in_a_heading_is_a_located_error(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "## Läget {{ rapport.year }}\n\nText.\n")})
    assert errors_of(root) == [
        "content/01-a.md:5: {{ … }} kan inte stå i en rubrik: rubriken visas också i "
        "innehållsförteckningen, i PDF-filens bokmärken och i hänvisningar, och där räknas "
        "uttrycket inte ut. Skriv rubriken som vanlig text, till exempel med årtalet utskrivet."
    ]


def test_an_appendix_before_an_ordinary_chapter_is_a_located_error(tmp_path):
    # Read before chapter 2, "Bilaga 1" stood between chapters 1 and 2 in the contents and the text.
    chapters = {
        "01-a.md": chapter("Inledning", "Text.\n"),
        "02-bilaga.md": chapter("Åtgärder", "Text.\n", appendix="ja"),
        "03-b.md": chapter("Ansvar", "Text.\n"),
    }
    assert errors_of(project(tmp_path, chapters)) == [
        "content/02-bilaga.md:1: kapitlet är en bilaga (appendix) men läses före kapitlet ”Ansvar” "
        "(content/03-b.md), så rapporten skulle fortsätta med kapitel efter bilagan. Bilagorna står "
        "sist: ge filen ett högre nummer än de vanliga kapitlen, till exempel 90-bilaga.md, eller "
        "ta bort appendix."
    ]


def test_an_appendix_before_two_chapters_is_one_error_naming_the_first_of_them(tmp_path):
    chapters = {
        "01-a.md": chapter("Inledning", "Text.\n"),
        "02-bilaga.md": chapter("Åtgärder", "Text.\n", appendix="ja"),
        "03-bilaga.md": chapter("Mått", "Text.\n", appendix="ja"),
        "04-b.md": chapter("Ansvar", "Text.\n"),
        "05-c.md": chapter("Ekonomi", "Text.\n"),
        "06-bilaga.md": chapter("Källor", "Text.\n", appendix="ja"),
    }
    errors = errors_of(project(tmp_path, chapters))
    assert [error.split(" men ")[0] for error in errors] == [
        "content/02-bilaga.md:1: kapitlet är en bilaga (appendix)",
        "content/03-bilaga.md:1: kapitlet är en bilaga (appendix)",
    ]
    assert all("före kapitlet ”Ansvar” (content/04-b.md)" in error for error in errors)


def test_an_image_caption_with_an_expression_a_footnote_or_markdown_is_a_located_error(tmp_path):
    # A caption is plain text: "Foto: {{ rapport.year }}" was published with its braces, and a
    # footnote in it was said to be "never referred to" though the writer had referred to it.
    body = (
        '![Beredningen i Umeå.](bild.svg "Foto: {{ rapport.year }}")\n\n'
        '![Mötet i Skellefteå.](bild.svg "Foto: Lena Ström[^f]")\n\n'
        '![Hälsodagen.](bild.svg "Foto: *Lena Ström*")\n\n'
        '![Kartan.](bild.svg "Länet, karta_2024_v2 från regionen")\n\n'
        "[^f]: Bilden är lånad.\n"
    )
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    (root / "content/bild.svg").write_text(SVG, encoding="utf-8")
    assert errors_of(root) == [
        "content/01-a.md:5: bildtexten ”Foto: {{ rapport.year }}” har ett uttryck eller en ruta, men "
        "en bildtext räknas inte ut, så tecknen skulle synas som text. Skriv bildtexten som vanlig "
        "text (årtalet som det är, till exempel 2025), eller skriv uttrycket i ett stycke före eller "
        "efter bilden.",
        "content/01-a.md:7: bildtexten ”Foto: Lena Ström[^f]” har fotnoten [^f], men en bildtext kan "
        "inte ha fotnoter, så den skulle synas som text. Skriv det fotnoten säger i själva "
        "bildtexten, eller sätt fotnoten i ett stycke före eller efter bilden.",
        "content/01-a.md:9: bildtexten ”Foto: *Lena Ström*” har Markdown (kursiv, fetstil, en länk "
        "eller kod), men en bildtext är vanlig text, så tecknen skulle synas som de står. Skriv "
        "bildtexten utan * _ ` och [](); en länk hör hemma i ett stycke före eller efter bilden.",
    ]


def test_a_link_that_goes_nowhere_or_is_no_link_is_a_located_error_that_says_how_to_write_it(tmp_path):
    # `mailto:` with a space, or with no address, and `{lang=}` were published as they stood.
    body = (
        "Skriv till [sekretariatet](mailto: beredningar@regionen.se).\n\n"
        "Skriv till [oss](mailto:beredningar).\n\n"
        "Skriv till [dem](mailto:beredningar at regionen.se).\n\n"
        "Läs [här](www.regionen.se/kompetens) eller [där](beredningar@regionen.se).\n\n"
        "Nätverket [Building Women]{lang=}.\n\n"
        "Skriv till [alla](mailto:beredningar@regionen.se?subject=Rapport).\n"
    )
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    assert errors_of(root) == [
        "content/01-a.md:5: länken [sekretariatet](mailto: beredningar@regionen.se) har mellanslag i "
        "adressen, så den blir ingen länk och skulle synas som text. Skriv adressen utan mellanslag: "
        "[sekretariatet](mailto:beredningar@regionen.se).",
        "content/01-a.md:7: länken 'mailto:beredningar' har ingen e-postadress som går att skriva till, "
        "så den skulle inte leda någonstans. Skriv hela adressen direkt efter mailto:, till exempel "
        "mailto:beredningar@regionvasterbotten.se.",
        "content/01-a.md:9: länken [dem](mailto:beredningar at regionen.se) har mellanslag i adressen, "
        "så den blir ingen länk och skulle synas som text. Skriv hela e-postadressen, med @ och utan "
        "mellanslag: [dem](mailto:beredningar@regionvasterbotten.se).",
        "content/01-a.md:11: länken 'www.regionen.se/kompetens' kan inte användas. En webbadress skrivs "
        "med https:// först: (https://www.regionen.se/kompetens).",
        "content/01-a.md:11: länken 'beredningar@regionen.se' kan inte användas. En e-postadress skrivs "
        "med mailto: först: (mailto:beredningar@regionen.se).",
        "content/01-a.md:13: {lang=} har ingen språkkod som kan läsas och skulle synas som text. "
        "Skriv koden direkt efter lang= och direkt efter frasen: [Building Women]{lang=en}.",
    ]


def test_a_web_address_without_a_site_is_a_located_error(tmp_path):
    # `[sidan](https://)` was published as a link that leads nowhere.
    body = "Se [sidan](https://) och <https://www.>.\n\nOch [x](https:///a) men [y](http://intranat/x).\n"
    root = project(tmp_path, {"01-a.md": chapter("A", body)})
    hint = "Skriv hela adressen, till exempel https://www.regionvasterbotten.se/, eller ta bort länken."
    assert errors_of(root) == [
        f"content/01-a.md:{line}: länken '{href}' har inget helt webbplatsnamn efter https://, så den "
        f"skulle inte leda någonstans. {hint}"
        for line, href in ((5, "https://"), (5, "https://www."), (7, "https:///a"))
    ]


def test_a_landscape_mark_on_a_paragraph_says_it_belongs_on_a_table_caption(tmp_path):
    root = project(tmp_path, {"01-a.md": chapter("A", "Det här stycket är ingen tabell. {.liggande}\n")})
    assert errors_of(root) == [
        "content/01-a.md:5: {.liggande} står inte på en rad Tabell: och skulle synas som text. En "
        "liggande sida får bara en tabell: skriv {.liggande} sist på raden Tabell: direkt över "
        "tabellen, till exempel Tabell: Andel sysselsatta per år {.liggande}."
    ]
