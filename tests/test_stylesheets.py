"""The stylesheets of an edition are made once and made again exactly when something they
are made from changes: the preview rebuilds after every save and must never show a page
with an old font or picture, nor lose a problem it reported before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kfsreport.errors import PACKAGE_TEMPLATES, Problems
from kfsreport.render.stylesheets import DUPLEX, MEMO, STYLESHEETS, build_stylesheet
from kfsreport.render.templates import template_dirs


@pytest.fixture
def root(tmp_path: Path) -> Path:
    css = tmp_path / "templates" / "css"
    css.mkdir(parents=True)
    (css / "screen.css").write_text('.logo { background: url("../bilder/logo.svg"); }\n', encoding="utf-8")
    (tmp_path / "templates" / "bilder").mkdir()
    _logo(tmp_path, "#112233")
    return tmp_path


def _logo(root: Path, colour: str) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
        f'<rect fill="{colour}" width="4" height="4"/></svg>'
    )
    (root / "templates" / "bilder" / "logo.svg").write_text(svg, encoding="utf-8")


def sheet(root: Path, page: str = "<p>Hej</p>") -> tuple[str, list[str]]:
    problems = Problems()
    css = build_stylesheet(root, template_dirs(root), "screen", page, problems)
    return css, [str(error) for error in problems]


def test_a_picture_replaced_under_the_same_name_reaches_the_page(root: Path) -> None:
    before, errors = sheet(root)
    assert errors == []
    _logo(root, "#aa0000")
    after, errors = sheet(root)
    assert errors == []
    assert before != after
    assert after == sheet(root)[0]


def test_a_font_put_in_the_report_overrides_the_packages_at_the_next_rebuild(root: Path) -> None:
    before, _ = sheet(root)
    fonts = root / "templates" / "fonts"
    fonts.mkdir()
    shutil.copy(PACKAGE_TEMPLATES / "fonts" / "SourceSans3-Bold.ttf", fonts / "SourceSans3-Regular.ttf")
    after, errors = sheet(root)
    assert errors == []
    assert before != after


def test_a_new_character_on_the_page_is_in_the_font_at_the_next_rebuild(root: Path) -> None:
    plain, _ = sheet(root, "<p>Hej</p>")
    assert sheet(root, "<p>Hej igen</p>")[0] == plain  # the fixed subset has every ordinary letter
    assert sheet(root, "<p>Hej ≥ ∞</p>")[0] != plain


def test_a_broken_url_is_reported_at_every_rebuild(root: Path) -> None:
    (root / "templates" / "css" / "screen.css").write_text(
        '.logo { background: url("../bilder/saknas.svg"); }\n', encoding="utf-8"
    )
    first = sheet(root)[1]
    assert first and "saknas.svg" in first[0]
    assert sheet(root)[1] == first


def test_a_check_and_a_build_in_one_process_each_get_their_own_fonts(root: Path) -> None:
    from kfsreport.render.stylesheets import fonts_only_checked

    built, _ = sheet(root)
    with fonts_only_checked():
        checked, _ = sheet(root)
    assert "data:font/woff2;" in built and "data:font/woff2;" not in checked
    assert "data:font/sfnt;" in checked
    assert sheet(root)[0] == built


def test_the_print_stylesheet_lays_out_the_covers_without_flexbox():
    """WeasyPrint's flex layout measures its items again and again: the covers and the inside
    page, on every report's first and last pages, took a third of a short report's layout.
    They are laid out with fixed heights, floats and absolute places (the same pages, pixel
    for pixel)."""
    import tinycss2

    folder = Path(__file__).resolve().parent.parent / "kfsreport/templates/css"
    # memo.css (`layout: memo`) lays out a short document's first page, so it is held to it too.
    css = "\n".join((folder / name).read_text(encoding="utf-8") for name in ("print.css", "memo.css"))
    flexed = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for declaration in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        ):
            value = tinycss2.serialize(getattr(declaration, "value", [])).strip()
            if getattr(declaration, "lower_name", "") == "display" and "flex" in value:
                flexed.append(tinycss2.serialize(rule.prelude).strip())
    assert flexed == []


def test_the_packages_own_stylesheets_give_weasyprint_no_warning():
    """`check` reads only a report's own print stylesheets (`csswarnings.own_print_stylesheets`):
    the package's, which a secretary cannot change, are held here to give WeasyPrint nothing
    to warn about, every one a print may use (duplex and memo too; screen.css is the
    browser's, never WeasyPrint's)."""
    import logging

    from kfsreport.printing.engine import load_weasyprint

    load_weasyprint()
    from weasyprint import CSS

    warned: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warned.append(record.getMessage())

    logger, collect = logging.getLogger("weasyprint"), Collect(logging.WARNING)
    logger.addHandler(collect)
    try:
        names = {*STYLESHEETS["print"], DUPLEX, MEMO}
        sheets = [PACKAGE_TEMPLATES / name for name in sorted(names)]
        for sheet in sheets:
            CSS(string=sheet.read_text(encoding="utf-8"), base_url=sheet.parent.as_uri() + "/")
    finally:
        logger.removeHandler(collect)
    assert len(sheets) == 4 and warned == []


def test_check_reads_no_stylesheet_of_the_packages(make_project, monkeypatch):
    """A report without print stylesheets of its own has nothing for WeasyPrint to read in
    `check`; with one of its own, only that one is read."""
    from kfsreport.commands.check import stylesheets as check_stylesheets
    from kfsreport.printing import csswarnings

    read: list[Path] = []
    real = csswarnings.own_print_stylesheets

    def own(root: Path, dirs: list[Path]) -> list[Path]:
        found = real(root, dirs)
        read.extend(found)
        return found

    monkeypatch.setattr(csswarnings, "own_print_stylesheets", own)
    minimal = make_project("minimal")
    assert csswarnings.css_warnings(minimal, template_dirs(minimal)) == []
    assert check_stylesheets.cached_warnings(minimal, None) == []
    assert read == []
    planted = make_project("check-planted")
    warnings = csswarnings.css_warnings(planted, template_dirs(planted))
    assert [Path(where).relative_to(planted) for where, _ in warnings] == [Path("templates/css/print.css")]
    assert set(read) == {planted / "templates/css/print.css"}
