"""An error that makes a file unreadable is the one to fix: the ref()s, figur()s and plans
that point into that file are no errors of their own (they would go when it is fixed), while
mistakes that have nothing to do with it are still reported in the same round."""

from __future__ import annotations

from tests.test_charts import errors_of, with_charts


def test_a_misnamed_charts_file_is_the_only_error_about_its_charts(make_project):
    root = with_charts(
        make_project, text='Se {{ ref("utfall") }}.\n\n{{ figur("utfall") }}\n\n{{ tal.saknas }}\n'
    )
    (root / "data/charts.yaml").rename(root / "data/charts - Kopia.yaml")
    errors = errors_of(root)
    assert errors[-1].startswith("data/charts - Kopia.yaml: heter inte charts.yaml")
    assert [error.split(":")[0] for error in errors] == ["content/03-diagram.md", "data/charts - Kopia.yaml"]
    assert "tal.saknas" in errors[0]  # a mistake of its own is still reported
    # A ref() to an id no figur() places is no chart's: a misspelt heading is still an error.
    (root / "content/03-diagram.md").write_text(
        '---\ntitle: Diagram\n---\n\nSe {{ ref("utfall") }} och {{ ref("samverka") }}.\n\n'
        '{{ figur("utfall") }}\n',
        encoding="utf-8",
    )
    errors = errors_of(root)
    assert len(errors) == 2 and 'ref("samverka"): ingen rubrik' in errors[0], errors


def test_unreadable_yaml_in_the_charts_file_is_the_only_error_about_its_charts(make_project):
    root = with_charts(make_project)
    charts = (root / "data/charts.yaml").read_text(encoding="utf-8")
    for broken in ("  - id: utfall\n    type: bar: x", "  - id: utfall\n    type: bar\n  title Utfall"):
        (root / "data/charts.yaml").write_text(
            charts.replace("  - id: utfall\n    type: bar", broken), encoding="utf-8"
        )
        errors = errors_of(root)
        assert len(errors) == 1 and errors[0].startswith("data/charts.yaml:"), errors


def test_a_misspelt_figur_id_is_an_error_even_while_the_charts_file_is_unreadable(make_project):
    """Only ids the unreadable file's text has are left for later: a misspelt one is an
    error in the same round, with the id the text gives as a suggestion."""
    text = '{{ figur("andel") }}\n\n{{ figur("utfal") }}\n'
    root = with_charts(make_project, text=text)
    charts = (root / "data/charts.yaml").read_text(encoding="utf-8")
    (root / "data/charts.yaml").write_text(
        charts.replace("  - id: andel\n", "  - id: andel\n\ttitle: x\n"), encoding="utf-8"
    )
    errors = errors_of(root)
    assert [error.split(":")[0] for error in errors] == ["content/03-diagram.md", "data/charts.yaml"], errors
    assert "figur(\"utfal\"): inget diagram har id:t 'utfal' (menade du 'utfall'?)" in errors[0]
    (root / "data/charts.yaml").rename(root / "data/Charts.yml")
    errors = errors_of(root)
    assert [error.split(":")[0] for error in errors] == ["content/03-diagram.md", "data/Charts.yml"], errors
    assert "'utfal' (menade du 'utfall'?)" in errors[0]


def test_a_charts_file_with_no_text_to_read_names_the_ids_it_leaves_unchecked(make_project, cli):
    root = with_charts(make_project, text='{{ figur("andel") }}\n\n{{ figur("utfal") }}\n')
    (root / "data/charts.yaml").unlink()
    (root / "data/charts.yaml").mkdir()
    run = cli("build", "--project", str(root))
    assert run.code != 0
    assert "inget diagram har id:t" not in run.err
    assert (
        "data/charts.yaml: varning: filen kan inte läsas, så figur() till 'andel' "
        "(content/03-diagram.md:5), 'utfal' (content/03-diagram.md:7) kontrolleras inte förrän "
        "den är rättad." in run.err
    ), run.err


def test_a_chapter_with_a_broken_front_matter_still_gives_its_headings_ids(make_project):
    """02-resultat.md has the headings `arbetsliv` and `plan` that 01-inledning.md refers to and
    the plan's activities are reported in: without its front matter, each was an error too."""
    root = make_project("minimal")
    chapter = root / "content/02-resultat.md"
    text = chapter.read_text(encoding="utf-8")
    for broken, message in (
        (
            text.replace("---\n", "--\n", 1),
            "content/02-resultat.md:1: kapitlet börjar inte med front matter.",
        ),
        (text.replace("---\n\n", "\n", 1), "content/02-resultat.md:1: front matter (raderna överst"),
        (text.replace("title: Resultat", 'title: "Resultat'), "content/02-resultat.md:2: ett citattecken"),
    ):
        chapter.write_text(broken, encoding="utf-8")
        errors = errors_of(root)
        assert len(errors) == 1 and errors[0].startswith(message), errors
    # The body is still checked: its own mistakes come in the same round.
    chapter.write_text(text.replace("---\n", "--\n", 1) + "\n{{ tal.saknas }}\n", encoding="utf-8")
    assert [error.split(":")[0] for error in errors_of(root)] == ["content/02-resultat.md"] * 2
