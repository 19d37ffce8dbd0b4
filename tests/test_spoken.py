"""The demo PDF as a screen reader speaks it: its structure tree walked with pikepdf
(kfsreport/commands/check/spoken.py) reads chapter by chapter in visual order, without running heads, page
numbers or leader dots, with readable link texts, the English phrases in English, no word
cut by a layout hyphen and no two words run together."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from kfsreport.commands.check.pdfwords import LEADER, WORD
from kfsreport.commands.check.spoken import Utterance, phrases_in, spoken
from tests.conftest import REPO

PDF = "arsrapport-2025.pdf"
CHAPTER = re.compile(r"Kapitel (\d+) (.*), sidan \d+$")


@pytest.fixture(scope="module")
def heard(demo: Path) -> list[Utterance]:
    with pikepdf.open(demo / PDF) as pdf:
        return spoken(pdf)


def test_it_reads_chapter_by_chapter_in_the_order_of_the_contents(heard, demo):
    headings = [u.text for u in heard if u.role == "/H2"]
    numbered = [h for h in headings if re.match(r"\d+ ", h)]
    assert [h.split(" ", 1)[0] for h in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    # The contents' links are read by their descriptions ("Kapitel 1 Sammanfattning, sidan 5"):
    # each chapter's heading is read in the order the contents lists it.
    with pikepdf.open(demo / PDF) as pdf:
        labels = [str(a.Contents) for p in pdf.pages for a in p.get("/Annots", []) if "/Contents" in a]
    listed = list(dict.fromkeys(m.group(1) + " " + m.group(2) for m in map(CHAPTER.match, labels) if m))
    assert listed == numbered
    chapters = [u.chapter for u in heard]
    assert chapters == sorted(chapters)  # never back to an earlier chapter
    starts = {u.chapter: u for u in reversed(heard)}
    assert all(starts[c].role == "/H2" for c in starts if c)  # a chapter starts with its heading


def test_it_reads_the_pages_in_order(heard):
    pages = [u.page for u in heard if u.page is not None]
    assert len(set(pages)) > 30
    assert pages == sorted(pages)


def test_running_heads_page_numbers_and_leaders_are_not_read(heard):
    text = "\n".join(u.text for u in heard)
    assert ". . ." not in text and "..." not in text and "…" not in text.replace("(…)", "")
    assert not [u for u in heard if re.fullmatch(r"\d{1,3}", u.text)]  # a page number alone
    chapter_heads = [u.text for u in heard if u.role == "/H2"]
    # A running head repeats its chapter's title on each page: it would be heard again.
    for title in chapter_heads:
        assert sum(u.text == title for u in heard) == 1, title


def test_link_texts_are_readable(demo):
    with pikepdf.open(demo / PDF) as pdf:
        labels = [str(a.Contents) for page in pdf.pages for a in page.get("/Annots", []) if "/Contents" in a]
    assert len(labels) > 40
    for label in labels:
        assert not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", label), label  # not an internal slug
    assert "Kapitel 1 Sammanfattning, sidan 5" in labels


def test_english_phrases_are_marked(demo):
    with pikepdf.open(demo / PDF) as pdf:
        english = phrases_in(pdf, "en")
    assert {"Building Women", "Move up North", "fly in, fly out"} <= set(english)
    assert english.count("Building Women") >= 4


def test_no_word_is_cut_by_a_layout_hyphen(heard):
    """A layout hyphen never reaches the listener ("Buil- ding", "regio- nala")."""
    text = "\n".join(u.text for u in heard)
    assert len(text) > 50_000
    cut = r"[a-zåäö]{2,}[-\u2010\u00ad] (?!och|eller|samt|respektive|till)[a-zåäö]{2,}"
    assert not re.findall(cut, text)  # "bygg- och fastighetsbranschen" is written so


INLINE = frozenset({"a", "abbr", "b", "bdi", "cite", "code", "data", "em", "i", "kbd", "mark", "q", "s"})
INLINE |= {"small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}


def html_words(html: str) -> set[str]:
    """The words of the print edition's HTML as its text has them: inline elements run on,
    every other element stands apart; `alt` and `data-pdf-text` are read aloud too."""
    import lxml.html

    tree = lxml.html.fromstring(html)
    for hidden in tree.xpath("//head | //script | //style"):
        hidden.drop_tree()
    parts: list[str] = []

    def visit(element) -> None:
        apart = not isinstance(element.tag, str) or element.tag not in INLINE
        parts.append(" " if apart else "")
        parts.extend(element.get(a, "") + " " for a in ("alt", "data-pdf-text") if element.get(a))
        parts.append(element.text or "")
        for child in element:
            visit(child)
            parts.append(child.tail or "")
        parts.append(" " if apart else "")

    visit(tree)
    text = "".join(parts).replace("\u00ad", "").replace("\u200b", "")
    return {word.casefold() for word in WORD.findall(text)}


def run_together(heard: list[Utterance], words: set[str]) -> list[str]:
    """The words heard that the HTML does not have but that are two or more of its words (or
    numbers, which the layout adds: chapter and page numbers) written together."""
    from kfsreport.commands.check.pdfwords import _parts

    found = []
    for utterance in heard:
        if utterance.role == "/Figure":
            continue
        for word in WORD.findall(utterance.text.replace("\u00ad", "")):  # a compound's joint
            if not word.isdigit() and word.casefold() not in words and _parts(word.casefold(), words):
                found.append(f"sidan {utterance.page}: {word}")
    return found


@pytest.fixture(scope="module")
def print_words(demo: Path) -> set[str]:
    """The words of the demo's print edition (its HTML, as WeasyPrint gets it)."""
    from kfsreport.pipeline import make
    from kfsreport.write.cache import cache_dir

    made = make(REPO, cache=cache_dir(REPO), print_pdf=False)
    assert made.document is not None and made.document.print_html
    words = html_words(made.document.print_html)
    assert {"building", "women", "sammanfattning"} <= words
    return words


def test_no_two_words_run_together_compared_with_the_print_html(heard, print_words):
    """Every word heard is a word of the print edition's HTML, not two of them without the
    space between (the spaces WeasyPrint does not draw: at a line break, between two inline
    elements, after a `<br>`, between a contents entry's number, title and page)."""
    words = print_words
    assert run_together(heard, words) == []
    # The comparison can fail: the text read as WeasyPrint's tree had it, before the repair.
    planted = [
        Utterance(u.role, u.text.replace("Building Women", "BuildingWomen"), u.lang, u.chapter, u.page)
        for u in heard
    ]
    assert any("BuildingWomen" in found for found in run_together(planted, words))


PDFJS = REPO / "node_modules/pdfjs-dist/legacy/build/pdf.mjs"


def test_firefox_pdf_js_hears_the_same_words(demo, print_words):
    """A second reader, written by others: pdf.js, the PDF viewer of Firefox, which hands the
    tags to a screen reader (Orca, NVDA). It takes a space it finds between two glyphs into
    the text after it, where an /ActualText replaces it (`pdftags._spaces` reads it again),
    and reads a line's end as a space. Heard through it too, no two words run together, no
    leader dots are read, and the contents read as they stand."""
    if not PDFJS.exists():
        pytest.fail("node_modules/pdfjs-dist saknas: kör `make test` (eller `npm ci --ignore-scripts`).")
    lines = subprocess.run(
        ["node", str(REPO / "tests/pdfjs_read.mjs"), str(demo / PDF)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    heard = [
        Utterance("/" + role, text, lang, 0, int(page) - 1)
        for page, role, lang, text in (line.split("\t") for line in lines if line)
    ]
    assert len(heard) > 400
    assert run_together(heard, print_words) == []
    assert not [u.text for u in heard if LEADER.search(u.text)]
    texts = [u.text for u in heard]
    assert "1 Sammanfattning 5" in texts and "3.1 Avtalssamverkan mellan kommuner och regioner 9" in texts
