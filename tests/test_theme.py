"""The theme in report.yaml: another region's report from the same stylesheets and charts."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kfsreport.load.schema import Theme
from kfsreport.render.theme import contrast, mix, palette, theme_css
from tests.conftest import Run, edit


def test_contrast_ratios_follow_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#0b5563", "#ffffff") > 7.5
    assert mix("#000000", "#ffffff", 0.5) == "#808080"


def test_theme_sets_the_custom_properties_and_the_chart_palette() -> None:
    theme = Theme(primary="#6b2d7a", accent="#f0a830")
    css = theme_css(theme)
    assert "--brand: #6b2d7a;" in css and "--accent: #f0a830;" in css
    assert palette(theme)[0] == "#6b2d7a"
    assert palette(Theme(chart_colours=["#123456"])) == ["#123456"]


@pytest.fixture(scope="module")
def other_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional Region Fjällmark's report, built once."""
    import shutil

    from kfsreport.commands.build import build

    root = tmp_path_factory.mktemp("region") / "annan-region"
    shutil.copytree(Path(__file__).parent / "fixtures" / "annan-region", root)
    out = root / "output"
    build(root, out_dir=out)
    return out


def test_another_region_needs_no_copied_stylesheet(other_region: Path) -> None:
    html = (other_region / "arsrapport-2031.html").read_text(encoding="utf-8")
    pdf_text = subprocess.run(
        ["pdftotext", str(other_region / "arsrapport-2031.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for edition in (html, pdf_text):
        assert "Fjällmark" in edition
        assert "västerbotten" not in edition.lower()
    # The theme's colours reach the web page's stylesheet and the chart.
    assert "--brand: #6b2d7a;" in html
    assert 'class="org org-logo"><img' in html
    svg = re.search(r'class="chart-image" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert svg is not None
    import base64

    assert "#6b2d7a" in base64.b64decode(svg.group(1)).decode()


def test_duplex_opens_chapters_on_right_hand_pages(other_region: Path) -> None:
    pages = subprocess.run(
        ["pdftotext", "-layout", str(other_region / "arsrapport-2031.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")[:-1]
    assert len(pages) % 2 == 0, "the back cover is a left-hand page"
    opener = next(
        i for i, page in enumerate(pages, 1) if "Landsbygdens service" in page and "Innehåll" not in page
    )
    assert opener % 2 == 1, f"the chapter opens on page {opener}, a left-hand page"


def test_a_faint_colour_is_refused_with_its_line(
    make_project: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = make_project("annan-region")
    edit(root / "report.yaml", 'primary: "#6b2d7a"', 'primary: "#f0c0f0"')
    run = cli("check", "--project", str(root))
    assert run.code != 0
    line = next(
        i for i, text in enumerate((root / "report.yaml").read_text().splitlines(), 1) if "#f0c0f0" in text
    )
    assert f"report.yaml:{line}: fel: theme.primary: färgen har kontrasten" in run.out
    assert "4,5:1" in run.out


def test_a_colour_must_be_written_as_hex(
    make_project: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    root = make_project("annan-region")
    edit(root / "report.yaml", 'accent: "#f0a830"', "accent: orange")
    run = cli("check", "--project", str(root))
    assert run.code != 0
    assert "report.yaml:" in run.out and "accent" in run.out


def test_duplex_left_hand_pages_carry_the_reports_title(
    make_project: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    # The title is set on the cover's header, in the normal flow: WeasyPrint 70 takes no
    # string-set from the absolutely placed box the cover's title stands in, and the left-hand
    # pages' running head was empty.
    root = make_project("annan-region")
    chapter = root / "content" / "01-landsbygden.md"
    more = "Servicen på landsbygden behöver planeras tillsammans med kommunerna och regionen. " * 12
    chapter.write_text(chapter.read_text(encoding="utf-8") + ("\n\n" + more) * 12, encoding="utf-8")
    assert cli("build", "--project", str(root)).code == 0
    pages = subprocess.run(
        ["pdftotext", "-layout", str(root / "output" / "arsrapport-2031.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")[:-1]
    opener = next(i for i, page in enumerate(pages, 1) if page.lstrip().startswith("1 Landsbygdens service"))
    body_left = [i for i in range(opener + 1, len(pages)) if i % 2 == 0]  # before the back cover
    assert body_left, "the chapter reaches a left-hand page"
    for number in body_left:
        head = next(line.strip() for line in pages[number - 1].splitlines() if line.strip())
        assert head.startswith("Årsrapport 2031"), (number, head)


def test_a_faint_colour_is_told_which_way_to_go_with_a_shade_that_passes() -> None:
    """An orange accent behind dark text needs a lighter shade, a pale primary a darker one:
    "a darker or lighter shade" left the author to guess, and guess wrong."""
    from kfsreport.errors import Problems
    from kfsreport.render.theme import INK, WHITE, check_theme

    problems = Problems()
    check_theme(Theme(primary="#0b5563", accent="#e35205"), None, problems)
    (error,) = problems.errors
    assert error.message.startswith("theme.accent: färgen har kontrasten 4,1:1 bakom mörk text")
    shade = re.search(r"Välj en ljusare nyans, till exempel (#[0-9a-f]{6}) \(WCAG", error.hint or "")
    assert shade and contrast(shade.group(1), INK) >= 4.5
    problems = Problems()
    check_theme(Theme(primary="#f0c0f0", accent="#f0a830", dark="#3f1d5b"), None, problems)
    (error,) = problems.errors
    shade = re.search(r"Välj en mörkare nyans, till exempel (#[0-9a-f]{6})", error.hint or "")
    assert shade and contrast(shade.group(1), WHITE) >= 4.5
