"""A report laid out in two parts at once (printing/parts.py, stitch.py, inparts.py).

The PDF a build makes from two parts must be the PDF the whole layout makes: the same pages
drawn pixel for pixel, the same text per page, the same structure tree, bookmarks, named
destinations and links, and it must pass the validator. The reference is the whole layout
of the test run's shared builds, which also left the plan the split build reads, or a whole
build made here, in the test process, as the shared ones are; each build that may lay out in
parts runs in a fresh process, as `kfsreport build` does (this test process has one kept
print process, which never lays out in parts). When the plan no longer fits (an edit moved
the pages), the build lays the report out whole and is just as right. No report is built
twice: a copy of the demo starts with the shared build's plan and drawn charts. The fallbacks
(a plan that no longer fits, or lies, or a report that cannot be split) are tried on a copy
of the 13-page example `exempel/vasternorrland-plan`, whose shared build left its plan too:
each costs two half layouts and a whole one, a third of the demo's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kfsreport.printing import parts
from kfsreport.printing.inparts import usable_plan
from kfsreport.write.cache import cache_dir
from tests.conftest import REPO, built_report

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no second print process")

SPLIT = "lades ut i två delar samtidigt"
WHOLE = "läggs ut i ett stycke"


def build_in_parts(root: Path, out: Path) -> str:
    """`kfsreport -v build` of `root` into `out` in a fresh process; its log."""
    done = subprocess.run(
        [sys.executable, "-m", "kfsreport", "-v", "build", "--out", str(out), str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def pages_as_images(pdf: Path, folder: Path) -> list[bytes]:
    """Each page drawn at 30 dpi, as raw pixels (PPM: encoding PNGs took half the time)."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(folder / "p")], check=True)
    return [image.read_bytes() for image in sorted(folder.glob("*.ppm"))]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")


def what_a_reader_gets(pdf: Path) -> list[str]:
    """The structure tree (each element's role, alternative and actual text, its marked
    content per page), the bookmarks with their nesting and counts, the named destinations
    and every annotation, as lines."""
    import pikepdf

    lines: list[str] = []
    with pikepdf.open(pdf) as opened:
        pages = {page.objgen: number for number, page in enumerate(opened.pages)}

        def element(item: object, depth: int) -> None:
            if isinstance(item, pikepdf.Dictionary) and "/S" in item:
                page = pages.get(item.Pg.objgen) if "/Pg" in item else None
                alt = str(item.get("/Alt", "")) + str(item.get("/ActualText", ""))
                lines.append(f"{'  ' * depth}{item.S} {alt} p{page} {str(item.get('/Lang', ''))}")
                kids = item.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
                    element(kid, depth + 1)
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
                lines.append(f"{'  ' * depth}OBJR {item.Obj.get('/Contents')}")
            elif item is not None:
                lines.append(f"{'  ' * depth}MCID {int(item)}")

        root = opened.Root.StructTreeRoot
        for top in root.K if isinstance(root.K, pikepdf.Array) else [root.K]:
            element(top, 0)

        def outline(item: object, depth: int) -> None:
            while item is not None:
                target = item.Dest[0].objgen
                lines.append(f"BOOKMARK {'  ' * depth}{item.Title} {item.get('/Count')} p{pages[target]}")
                if "/First" in item:
                    outline(item.First, depth + 1)
                item = item.get("/Next")

        outline(opened.Root.Outlines.get("/First"), 0)
        names = list(opened.Root.Names.Dests.Names)
        for index in range(0, len(names), 2):
            lines.append(f"DEST {names[index]} p{pages[names[index + 1][0].objgen]}")
        for number, page in enumerate(opened.pages):
            for annotation in page.get("/Annots", []):
                target = annotation.get("/Dest") or annotation.get("/A", {}).get("/URI")
                lines.append(
                    f"LINK p{number} {target} {annotation.get('/Contents')} {annotation.get('/StructParent')}"
                )
        lines.append(f"LANG {opened.Root.get('/Lang')} PAGES {len(opened.pages)}")
    return lines


def what_a_listener_hears(pdf: Path) -> list[object]:
    """Every structure element's text as a screen reader reads it, with its role, language,
    chapter and page (`check/spoken.py`): the marked content of the pages behind each
    element's numbers, so a part whose numbers were joined wrong reads other words."""
    import pikepdf

    from kfsreport.commands.check.spoken import spoken

    with pikepdf.open(pdf) as opened:
        return list(spoken(opened))


def assert_same_pdf(whole: Path, split: Path, tmp_path: Path) -> None:
    """The split PDF is the whole one for every reader: the same text per page, the same
    structure, bookmarks and links, the same words heard and the same pixels. What `check
    --pdf` finds depends on nothing else, and the conformance tests check it on every whole
    build (tests/test_conformance.py)."""
    assert page_texts(split) == page_texts(whole)
    assert what_a_reader_gets(split) == what_a_reader_gets(whole)
    assert what_a_listener_hears(split) == what_a_listener_hears(whole)
    drawn = pages_as_images(split, tmp_path / "images-split")
    assert drawn == pages_as_images(whole, tmp_path / "images-whole")


def validator_failures(pdf: Path) -> list[str]:
    from tests.test_conformance import failures

    return failures(pdf, "ua1") + failures(pdf, "2a")


def test_the_demo_laid_out_in_two_parts_is_the_whole_layout(demo: Path, tmp_path: Path) -> None:
    """The demo splits inside chapter 3: a paragraph, the chapter's section and its
    bookmarks run across the join, and the contents on page 3 link to pages of the second part."""
    assert parts.load_plan(cache_dir(REPO)) is not None  # left by the shared whole build
    log = build_in_parts(REPO, tmp_path / "out")
    assert SPLIT in log
    split = tmp_path / "out" / "arsrapport-2025.pdf"
    assert_same_pdf(demo / "arsrapport-2025.pdf", split, tmp_path)
    assert validator_failures(split) == []


def test_the_manual_laid_out_in_two_parts_is_its_whole_layout(handbok: Path, tmp_path: Path) -> None:
    """The manual: code blocks, tables and definition lists, 40 pages and more."""
    log = build_in_parts(REPO / "handbok", tmp_path / "out")
    assert SPLIT in log
    (whole,) = handbok.glob("*.pdf")
    split = tmp_path / "out" / whole.name
    assert_same_pdf(whole, split, tmp_path)
    assert validator_failures(split) == []


def test_a_duplex_report_laid_out_in_two_parts_is_its_whole_layout(example: Path, tmp_path: Path) -> None:
    """Duplex: chapters open on right-hand pages, with a blank page before some, and the
    running heads and margins differ on left and right. The simplex plan does not fit it
    (the page where its second part begins starts elsewhere in duplex; the fallback it
    leads to is `test_an_edit_that_moves_the_pages_is_laid_out_whole`'s): the whole layout,
    built here, leaves the duplex plan, and the next build lays it out in two parts. On the
    13-page example, whose four chapters give blank pages: the demo costs three times as much."""
    from kfsreport.commands.build import build

    root = copy_with_plan(tmp_path, example)
    settings = root / "report.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "print: duplex\n", encoding="utf-8")
    build(root, out_dir=tmp_path / "whole")
    simplex, duplex = parts.load_plan(cache_dir(example)), parts.load_plan(cache_dir(root))
    assert simplex is not None and duplex is not None
    at = simplex.split_at()
    assert at is not None and duplex.states[at] != simplex.states[at]
    assert SPLIT in build_in_parts(root, tmp_path / "split")
    (whole,) = (tmp_path / "whole").glob("*.pdf")
    split = tmp_path / "split" / whole.name
    assert any(not text.strip() for text in page_texts(whole)[:-1])  # a blank left-hand page
    assert_same_pdf(whole, split, tmp_path)
    assert validator_failures(split) == []


def copy_with_plan(tmp_path: Path, built: Path = REPO) -> Path:
    """A copy of the demo report (or of the report built in `built`) with the plan its shared
    whole build left, and the charts it drew (a chart is cached by what it is made from, the
    same in the copy)."""
    root = tmp_path / "rapport"
    root.mkdir()
    for part in ("report.yaml", "ordlista.txt", "avstavning.txt", "content", "data", "templates"):
        source = built / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.exists():
            shutil.copy(source, root / part)
    cache_dir(root).mkdir(parents=True, exist_ok=True)
    shutil.copy(cache_dir(built) / parts.PLAN_FILE, cache_dir(root) / parts.PLAN_FILE)
    if (cache_dir(built) / "charts").exists():
        shutil.copytree(cache_dir(built) / "charts", cache_dir(root) / "charts")
    return root


@pytest.fixture
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 13-page example, built whole once per test run (shared with the conformance,
    browser and example tests): its folder, with the plan in its cache and the PDF in `output/`."""
    built = built_report(tmp_path_factory, REPO / "exempel" / "vasternorrland-plan")
    assert usable_plan(cache_dir(built)) is not None  # long enough to be split
    return built


def example_pdf(built: Path) -> Path:
    (pdf,) = (built / "output").glob("*.pdf")
    return pdf


def test_an_edit_that_moves_the_pages_is_laid_out_whole(example: Path, tmp_path: Path) -> None:
    """A chapter before the join grows by a page: the parts do not agree with the plan, the
    build lays the report out whole (the contents and every later page number moved), and
    that layout leaves the plan for the next build: all its pages, with a page where a
    second part can begin (a whole layout's plan splits the duplex test's next build)."""
    root = copy_with_plan(tmp_path, example)
    chapter = root / "content" / "01-bakgrund.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n\nEtt nytt stycke som tar plats.\n" * 12, encoding="utf-8"
    )
    log = build_in_parts(root, tmp_path / "edited")
    assert WHOLE in log and SPLIT not in log
    (edited,) = (tmp_path / "edited").glob("*.pdf")
    before, after = page_texts(example_pdf(example)), page_texts(edited)
    assert len(after) > len(before)
    grown = [number for number, text in enumerate(after) if "Ett nytt stycke som tar plats." in text]
    split = usable_plan(cache_dir(example))
    assert split is not None and grown and grown[0] < (split.split_at() or 0)  # before the join
    plan = usable_plan(cache_dir(root))
    assert plan is not None and plan.pages == len(after) - 1


@pytest.mark.parametrize(
    "plan", ["{", '{"pages": 3}', "[]", '{"pages": "x", "states": 1, "strings": 2, "anchors": 3, "safe": 4}']
)
def test_a_broken_plan_is_no_plan(tmp_path: Path, plan: str) -> None:
    (tmp_path / parts.PLAN_FILE).write_text(plan, encoding="utf-8")
    assert parts.load_plan(tmp_path) is None


def test_a_plan_that_lies_is_caught_and_the_report_laid_out_whole(example: Path, tmp_path: Path) -> None:
    """The cache is not trusted: a plan whose state at the join is wrong (its content would
    resume a paragraph later) gives the whole layout, not a wrong PDF."""
    root = copy_with_plan(tmp_path, example)
    plan = json.loads((cache_dir(example) / parts.PLAN_FILE).read_text(encoding="utf-8"))
    split = parts.load_plan(cache_dir(example))
    assert split is not None
    at = split.split_at()
    assert at is not None
    plan["states"][at][0] = plan["states"][at + 1][0]  # where the page after it begins
    (cache_dir(root) / parts.PLAN_FILE).write_text(json.dumps(plan), encoding="utf-8")
    log = build_in_parts(root, tmp_path / "out")
    assert WHOLE in log and SPLIT not in log
    (built,) = (tmp_path / "out").glob("*.pdf")
    assert page_texts(built) == page_texts(example_pdf(example))


# --- the parts' bookkeeping, without a layout ----------------------------------------------------


def test_a_page_state_survives_the_cache_as_weasyprint_keeps_it() -> None:
    state = (
        {0: {3: {87: {0: {19: {5: None}}}}}},
        {"break": "any", "page": "chapter"},
        False,
        ([0], {"pages": [37], "page": [19]}, [{"pages", "page"}], [["chapter", 10, {0: {3: {3: None}}}]]),
        {"content_changed": True},
    )
    encoded = parts.encode_state(state)
    assert json.loads(json.dumps(encoded)) == encoded
    decoded = parts.decode_state(json.loads(json.dumps(encoded)))
    assert decoded[:4] == state[:4]
    assert decoded[4] == {
        "content_changed": False,
        "pages_wanted": False,
        "anchors": [],
        "content_lookups": [],
    }


def test_the_join_is_near_the_middle_at_a_page_nothing_is_carried_to() -> None:
    state = parts.encode_state((None, {"break": "any", "page": None}, True, ([0], {}, [set()], []), {}))
    safe = [True] * 21
    safe[10] = safe[9] = False  # a float continues onto pages 9 and 10
    plan = parts.Plan(20, [state] * 21, {}, {}, safe)
    assert plan.split_at() == 11
    assert parts.Plan(6, [state] * 7, {}, {}, [True] * 7).split_at() is None  # too short to gain
    assert parts.Plan(20, [state] * 21, {}, {}, [False] * 21).split_at() is None


def facts_pair() -> tuple[tuple[parts.Seed, parts.Seed], parts.Facts, parts.Facts]:
    state = parts.encode_state(
        (None, {"break": "any", "page": None}, True, ([0], {"page": [0]}, [set()], []), {})
    )
    at_four = parts.encode_state(
        ({0: {4: None}}, {"break": "any", "page": None}, True, ([0], {"page": [4]}, [set()], []), {})
    )
    plan = parts.Plan(
        8,
        [state] * 4 + [at_four] + [state] * 4,
        {"chapter": {"2": ["Ett"], "6": ["Två"]}},
        {"ett": [1, {"page": [2], "pages": [0]}], "tva": [5, {"page": [6], "pages": [8]}]},
        [True] * 9,
    )
    seeds = plan.seeds(4)
    first = parts.Facts(
        0,
        4,
        [state] * 4 + [at_four],
        {"chapter": {"2": ["Ett"]}},
        {"ett": [1, {"page": [2], "pages": [8]}]},
        safe=[True] * 5,
    )
    second = parts.Facts(
        4,
        4,
        [at_four] + [state] * 4,
        {"chapter": {"6": ["Två"]}},
        {"tva": [5, {"page": [6], "pages": [8]}]},
        safe=[True] * 5,
    )
    return seeds, first, second


def test_parts_agree_only_when_each_found_what_the_other_was_given() -> None:
    seeds, first, second = facts_pair()
    assert parts.agree(seeds, (first, second))
    assert parts.plan_from([first, second]) is not None
    moved_anchor = parts.Facts(**{**second.__dict__, "anchors": {"tva": [6, {"page": [7]}]}})
    assert not parts.agree(seeds, (first, moved_anchor))
    other_state = parts.Facts(**{**first.__dict__, "states": first.states[:4] + [first.states[0]]})
    assert not parts.agree(seeds, (other_state, second))
    other_string = parts.Facts(**{**first.__dict__, "strings": {"chapter": {"2": ["Annat"]}}})
    assert not parts.agree(seeds, (other_string, second))
    shorter = parts.Facts(**{**second.__dict__, "pages": 3})
    assert not parts.agree(seeds, (first, shorter))
    carried = parts.Facts(**{**first.__dict__, "safe": [True] * 4 + [False]})
    assert not parts.agree(seeds, (carried, second))
    running = parts.Facts(**{**second.__dict__, "whole_document": False})
    assert not parts.agree(seeds, (first, running))


def test_a_mark_fixed_on_every_page_keeps_the_report_whole(example: Path, tmp_path: Path) -> None:
    """A template's own stylesheet may put something on every page with `position: fixed` (a
    draft mark): WeasyPrint draws each page's fixed boxes on every other page too, which a
    part cannot know of the other part, so such a report is laid out whole, and the mark is
    on every page. No plan is kept for it, so the next build starts no second print process
    and does not try the parts again (`pipeline._second_process` asks `usable_plan`)."""
    root = copy_with_plan(tmp_path, example)
    css = root / "templates" / "css" / "print.css"
    css.parent.mkdir(parents=True)
    package = REPO / "kfsreport" / "templates" / "css" / "print.css"
    mark = (
        'body::before { content: "UTKASTMÄRKE"; position: fixed; bottom: 2mm; left: 2mm; font-size: 6pt; }\n'
    )
    css.write_text(package.read_text(encoding="utf-8") + mark, encoding="utf-8")
    log = build_in_parts(root, tmp_path / "first")  # the example's plan is tried, and not used
    assert WHOLE in log and SPLIT not in log
    assert parts.load_plan(cache_dir(root)) is None and usable_plan(cache_dir(root)) is None
    (built,) = (tmp_path / "first").glob("*.pdf")
    pages = page_texts(built)[:-1]
    assert len(pages) >= 12 and all("UTKASTMÄRKE" in page for page in pages)
