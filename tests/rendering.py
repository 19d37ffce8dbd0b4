"""Helpers for tests that render a report folder through the real pipeline.

`project()` writes a small report folder; `html_of()` runs the pipeline (`pipeline.make`:
load → validate → charts → render, no cache) for the screen edition and returns the page;
`print_html_of()` does the same for the print edition (without WeasyPrint); `chapter_of()`
cuts one chapter out of a page; `errors_of()` and `warnings_of()` return the located
messages of a run. Font subsetting (about 2 s per page, and irrelevant to the chapter HTML)
is replaced by a stub in `made_of()`, which the others use.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from unittest import mock

from kfsreport.errors import BuildFailed
from kfsreport.pipeline import Made, make

SETTINGS = """\
title: Testrapport 2030
committee: Testberedningen
organisation: Region Test
kind: interim
year: 2030
date: 2030-08-20
period: {from: 2030-01-01, to: 2030-08-31}
"""


def chapter(title: str, body: str, **front: str) -> str:
    """A chapter file: front matter with `title` (and any other keys), then `body`."""
    lines = [f"title: {title}", *(f"{key}: {value}" for key, value in front.items())]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body).lstrip("\n")


def project(root: Path, chapters: dict[str, str], facts: str = "", settings: str = SETTINGS) -> Path:
    """Write a report folder with `content/<name>` for each chapter; return the folder."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "report.yaml").write_text(settings, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)
    (root / "data/facts.yaml").write_text(textwrap.dedent(facts), encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    for name, text in chapters.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def _no_subsetting(path: Path, chars: set[str], *args: object, **kwargs: object) -> bytes:
    return b""


def made_of(root: Path, formats: tuple[str, ...] = ("html",)) -> Made:
    """The pipeline run on `root` for `formats`, without a cache and without font subsetting."""
    with mock.patch("kfsreport.render.stylesheets.subset_font", _no_subsetting):
        return make(root, list(formats), cache=None)


def html_of(root: Path) -> str:
    """The screen edition's HTML for the report in `root`; fails the test on any problem."""
    made = made_of(root)
    made.problems.raise_if_any()
    assert made.document is not None and made.document.screen_html is not None
    return made.document.screen_html


def print_html_of(root: Path) -> str:
    """The print edition's HTML (what WeasyPrint would be given), without building the PDF."""
    made = make(root, ["pdf"], cache=None)
    made.problems.raise_if_any()
    assert made.document is not None and made.document.print_html is not None
    return made.document.print_html


def chapter_of(html: str, chapter_id: str) -> str:
    """The HTML of one chapter's `<section>`, from its title to the next chapter."""
    main = html[html.index('<main id="innehall"') : html.index("</main>")]
    parts = main.split('<section class="chapter')[1:]
    found = [part for part in parts if f'<h2 class="chapter-title" id="{chapter_id}">' in part]
    assert len(found) == 1, f"no chapter with id {chapter_id!r}"
    return '<section class="chapter' + found[0]


def errors_of(root: Path, formats: tuple[str, ...] = ("html",)) -> list[str]:
    """The messages (`path:line: …`) of a pipeline run that must fail, in the order shown."""
    made = made_of(root, formats)
    if not made.failed:
        raise AssertionError("the run succeeded, but it should have failed")
    return [str(error) for error in BuildFailed(made.problems.errors).errors]


def warnings_of(root: Path) -> list[str]:
    """The warnings (`path:line: …`) of a pipeline run."""
    return [str(warning) for warning in made_of(root).problems.warnings]
