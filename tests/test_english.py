"""A chapter in English (`lang: en`): the words the build writes into it are English."""

from __future__ import annotations

from kfsreport.render.english import in_english
from tests.rendering import chapter, chapter_of, html_of, project


def test_refs_captions_and_footnotes_in_a_chapter_in_english(tmp_path):
    # An English summary read "as shown in avsnitt 1.1" and "Tabell 1." in its English text.
    summary = """\
        {{ ref("results") }} lists the results and {{ ref("inledning") }} the background.[^1]

        ## Results {#results}

        Tabell: Participants {#participants}
        | Municipality | Participants |
        |---|---:|
        | Umeå | 2 100 |

        As {{ ref("participants") }} shows, most came from Umeå.

        [^1]: By the project office.
        """
    root = project(
        tmp_path,
        {
            "01-inledning.md": chapter("Inledning", 'Se {{ ref("participants") }} och {{ ref("results") }}.'),
            "02-summary.md": chapter("Summary", summary, lang="en"),
        },
    )
    html = html_of(root)
    english = chapter_of(html, "summary")
    assert '<a class="xref" href="#results">Section 2.1</a> lists the results' in english
    assert '<a class="xref" href="#inledning">chapter 1</a> the background' in english
    assert 'As <a class="xref" href="#participants">table 1</a> shows' in english
    assert '<span class="table-number">Table 1.</span>' in english
    assert 'aria-label="Footnote 1"' in english and 'aria-label="Footnotes"' in english
    assert ">Back to the text</a>" in english and "Tillbaka" not in english and "Fotnot" not in english
    swedish = chapter_of(html, "inledning")  # the Swedish chapter keeps its words
    assert 'Se <a class="xref" href="#participants">tabell 1</a> och' in swedish
    assert '<a class="xref" href="#results">avsnitt 2.1</a>' in swedish


def test_figure_words_and_headings_quoted_in_english():
    html = (
        '<figcaption><span class="figure-number">Figur 2.</span> Andel</figcaption>'
        '<p class="figure-source">Källa: SCB</p><summary>Siffrorna i figur 2</summary>'
        "<caption>Figur 2. Andel</caption>"
        '<a class="xref" href="#a">avsnittet ”Ledarskap” i bilaga 1</a> '
        '<a class="xref" href="#b">Figur 2</a>'
        '<a class="xref" href="#c">avsnitt 1.1, ”Tidigare studier”</a>'
    )
    assert in_english(html) == (
        '<figcaption><span class="figure-number">Figure 2.</span> Andel</figcaption>'
        '<p class="figure-source">Source: SCB</p><summary>Data in figure 2</summary>'
        "<caption>Figure 2. Andel</caption>"
        '<a class="xref" href="#a">the section “Ledarskap” in appendix 1</a> '
        '<a class="xref" href="#b">Figure 2</a>'
        '<a class="xref" href="#c">section 1.1, “Tidigare studier”</a>'
    )
