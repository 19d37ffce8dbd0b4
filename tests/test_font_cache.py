"""The web page's font subsets are kept by what they are made of (the font's bytes and the
characters it has), in a folder every report shares: a second report, or text in a script the
font lacks, costs no new subset."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kfsreport.commands.build import build
from kfsreport.render import stylesheets
from kfsreport.write.cache import cache_dir, fonts_dir

FONT = Path(stylesheets.__file__).parents[1] / "templates/fonts/SourceSans3-Regular.ttf"


def _no_new_subset(*args: object) -> bytes:
    raise AssertionError("a subset was made again")


def test_a_second_report_reuses_the_first_reports_font_subsets(make_project, monkeypatch, tmp_path):
    first = make_project("minimal")
    build(first, ["html"], out_dir=tmp_path / "ut-1")
    kept = sorted(fonts_dir(cache_dir(first)).glob("*.woff2"))
    assert kept
    second = tmp_path / "annan-plats" / "minimal"
    second.parent.mkdir()
    first.rename(second)
    assert cache_dir(second) != cache_dir(first)  # another report folder, another report cache
    monkeypatch.setattr(stylesheets, "_memory", {})  # as in a new process
    monkeypatch.setattr(stylesheets, "_subset", _no_new_subset)
    build(second, ["html"], out_dir=tmp_path / "ut-2")
    assert sorted(fonts_dir(cache_dir(second)).glob("*.woff2")) == kept


@pytest.mark.parametrize("foreign", ["漢字", "😀", "ᚠᚢᚦ"])
def test_characters_the_font_lacks_give_the_same_subset(monkeypatch, tmp_path, foreign):
    monkeypatch.setattr(stylesheets, "_memory", {})
    plain = stylesheets.subset_font(FONT, set("Åsa"), tmp_path)
    monkeypatch.setattr(stylesheets, "_memory", {})
    monkeypatch.setattr(stylesheets, "_subset", _no_new_subset)
    assert stylesheets.subset_font(FONT, set("Åsa" + foreign), tmp_path) == plain
    assert len(list(tmp_path.iterdir())) == 1


def test_a_character_the_font_has_gives_a_new_subset_with_it(monkeypatch, tmp_path):
    from fontTools.ttLib import TTFont

    monkeypatch.setattr(stylesheets, "_memory", {})
    with_omega = stylesheets.subset_font(FONT, set("Ω"), tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    assert ord("Ω") in TTFont(io.BytesIO(with_omega)).getBestCmap()
