"""Charts: descriptions, computations, SVG in Swedish, placement, accessibility, cache, errors."""

from __future__ import annotations

import base64
import codecs
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pikepdf
import pytest
from fontTools.ttLib import TTFont

from kfsreport.charts import figures as figures_module
from kfsreport.charts.compute import ComputeError, apply
from kfsreport.charts.figures import Charts, render_charts
from kfsreport.charts.spec import Compute
from kfsreport.charts.svg import svg_text
from kfsreport.commands.build import build
from kfsreport.errors import BuildFailed, Problems
from kfsreport.load.folder import load_project
from kfsreport.render.pages import render
from kfsreport.render.templates import template_dirs
from kfsreport.validate.report import validate
from kfsreport.write.cache import build_record, cache_dir

NBSP = "\u00a0"

CHARTS = """\
charts:
  - id: utfall
    type: bar
    title: Utfall per kommun
    data: data/utfall.csv
    x: Kommun
    y: Utfall
    unit: tkr
    source: Testkommunerna
    alt: Stapeldiagram över utfallet i två kommuner.
  - id: andel
    type: part_of_whole
    title: Andel kvinnor
    values:
      - {Kön: Kvinnor, Andel: "6,9"}
      - {Kön: Män, Andel: "93,1"}
    x: Kön
    y: Andel
    unit: "%"
    source: Byggföretagen
    alt: Stapel som visar att kvinnorna är 6,9 procent.
"""

UTF8_CSV = 'Kommun,Utfall\nNorsjö,1417\nLycksele,"2 650,5"\n'


def with_charts(make_project, charts: str = CHARTS, text: str | None = None) -> Path:
    """The minimal fixture with data/charts.yaml, a data file and a chapter placing the charts."""
    root = make_project("minimal")
    (root / "data/charts.yaml").write_text(charts, encoding="utf-8")
    (root / "data/utfall.csv").write_text(UTF8_CSV, encoding="utf-8")
    body = text or (
        'Se {{ ref("andel") }} och {{ ref("utfall") }}.\n\n{{ figur("andel") }}\n\n{{ figur("utfall") }}\n'
    )
    (root / "content/03-diagram.md").write_text(
        "---\ntitle: Diagram\n---\n\n" + textwrap.dedent(body), encoding="utf-8"
    )
    return root


def charts_of(root: Path) -> Charts:
    sources, problems = load_project(root)
    report = validate(sources, problems)
    return render_charts(report, template_dirs(report.root), problems)


def errors_of(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        build(root, ["html"])
    return [str(error) for error in failure.value.errors]


# --- computations ---------------------------------------------------------------------------


def frame(**columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_share_of_total_and_within_groups():
    data = frame(g=["a", "a", "b"], n=[1.0, 3.0, 5.0])
    total = apply(Compute.model_validate({"share": {"column": "n"}}), data)
    assert total["andel"].round(2).tolist() == [11.11, 33.33, 55.56]
    grouped = apply(Compute.model_validate({"share": {"column": "n", "within": "g", "name": "p"}}), data)
    assert grouped["p"].tolist() == [25.0, 75.0, 100.0]


def test_change_in_percent_points_and_difference():
    data = frame(start=[50.0, 10.0], end=[80.0, 9.2])
    percent = apply(Compute.model_validate({"change": {"start": "start", "end": "end"}}), data)
    assert percent["förändring"].round(1).tolist() == [60.0, -8.0]
    points = apply(
        Compute.model_validate({"change": {"start": "start", "end": "end", "mode": "points"}}), data
    )
    assert points["förändring"].round(1).tolist() == [30.0, -0.8]


def test_cumulative_and_per_thousand():
    data = frame(n=[2.0, 3.0, 5.0], pop=[1000.0, 2000.0, 4000.0])
    assert apply(Compute.model_validate({"cumulative": {"column": "n"}}), data)["ackumulerat"].tolist() == [
        2.0,
        5.0,
        10.0,
    ]
    per = apply(Compute.model_validate({"per_1000": {"column": "n", "population": "pop"}}), data)
    assert per["per_1000"].tolist() == [2.0, 1.5, 1.25]


def test_count_groups_rows_in_their_first_order():
    data = frame(goal=["b", "a", "b", "b"], status=["done", "done", "ongoing", "done"])
    counted = apply(Compute.model_validate({"count": {"by": ["goal", "status"]}}), data)
    assert counted.to_dict("records") == [
        {"goal": "b", "status": "done", "antal": 2},
        {"goal": "a", "status": "done", "antal": 1},
        {"goal": "b", "status": "ongoing", "antal": 1},
    ]


def test_dividing_by_zero_is_a_swedish_error():
    with pytest.raises(ComputeError, match="när 'start' är 0"):
        apply(
            Compute.model_validate({"change": {"start": "start", "end": "end"}}),
            frame(start=[0.0], end=[1.0]),
        )


def test_exactly_one_computation_is_asked_for():
    with pytest.raises(ValueError, match="ange precis en beräkning"):
        Compute.model_validate({"share": {"column": "n"}, "cumulative": {"column": "n"}})


# --- drawing --------------------------------------------------------------------------------


def test_svg_shows_numbers_the_swedish_way(make_project):
    charts = charts_of(with_charts(make_project))
    bars = charts.figures["utfall"].svg
    assert f">1{NBSP}417{NBSP}tkr<" in bars
    assert f">2{NBSP}650,5{NBSP}tkr<" in bars
    assert re.search(rf">2{NBSP}000{NBSP}tkr<", bars), "axis labels grouped with a no-break space"
    assert f">Kvinnor 6,9{NBSP}%<" in charts.figures["andel"].svg


def chart_images(root: Path) -> list[str]:
    """Each chart's SVG as the built web page shows it."""
    build(root, ["html"])
    html = (root / "output/testrapport-2030.html").read_text(encoding="utf-8")
    found = re.findall(r'<img class="chart-image" src="data:image/svg\+xml;base64,([^"]+)"', html)
    return [base64.b64decode(data).decode("utf-8") for data in found]


def test_svg_carries_the_report_font_on_the_web_page_and_no_external_reference(make_project):
    root = with_charts(make_project)
    drawn = charts_of(root).figures["utfall"].svg
    assert "font-family=\"'Source Sans 3', sans-serif\"" in drawn
    assert "@font-face" not in drawn  # the PDF draws chart text with the print stylesheet's fonts
    for svg in chart_images(root):
        assert "@font-face" in svg and "data:font/woff2;base64," in svg
        assert not re.search(r"(href|src)=\"(?!data:|#)", svg)


def test_vega_lite_spec_holds_its_data_inline(make_project, monkeypatch):
    seen: list[dict[str, object]] = []
    real = figures_module.to_svg

    def spy(spec, fonts):
        seen.append(spec)
        return real(spec, fonts)

    monkeypatch.setattr(figures_module, "to_svg", spy)
    charts_of(with_charts(make_project))
    assert seen and all('"url"' not in json.dumps(spec) for spec in seen)


def test_control_characters_from_word_do_not_stop_the_build(make_project):
    root = with_charts(make_project, CHARTS.replace("Utfall per kommun", "Utfall\u000bper\u202ekommun"))
    figure = charts_of(root).figures["utfall"]
    assert "\u000b" not in figure.svg and "\u202e" not in figure.svg


def test_a_cp1252_semicolon_csv_draws_the_same_chart_as_its_utf8_twin(make_project):
    root = with_charts(make_project)
    first = charts_of(root).figures["utfall"].svg
    excel = "Kommun;Utfall\r\nNorsjö;1417\r\nLycksele;2 650,5\r\n".encode("cp1252")
    (root / "data/utfall.csv").write_bytes(excel)
    assert charts_of(root).figures["utfall"].svg == first
    (root / "data/utfall.csv").write_bytes(codecs.BOM_UTF8 + UTF8_CSV.encode("utf-8"))
    assert charts_of(root).figures["utfall"].svg == first


# --- placement, numbering, accessibility ----------------------------------------------------


def test_figures_are_numbered_in_the_order_the_text_places_them(make_project):
    root = with_charts(make_project)
    sources, problems = load_project(root)
    report = validate(sources, problems)
    assert report.figure_numbers == {"andel": 1, "utfall": 2}
    charts = render_charts(report, template_dirs(root), problems)
    html = render(report, ["html"], problems, charts).screen_html
    assert html is not None
    assert (
        'Se <a class="xref" href="#andel">figur 1</a> och <a class="xref" href="#utfall">figur 2</a>.' in html
    )
    assert '<figcaption><span class="figure-number">Figur 2.</span> Utfall per kommun</figcaption>' in html
    assert '<p class="figure-source">Källa: Testkommunerna</p>' in html


def test_html_has_each_charts_numbers_as_a_table(make_project):
    root = with_charts(make_project)
    build(root, ["html"])
    html = (root / "output/testrapport-2030.html").read_text(encoding="utf-8")
    assert html.count('<details class="chart-data">') == 2
    table = html[html.index("<caption>Figur 2. Utfall per kommun</caption>") :]
    table = table[: table.index("</table>")]
    assert f'<tr><th scope="row">Norsjö</th><td>1{NBSP}417{NBSP}tkr</td></tr>' in table
    assert '<img class="chart-image" src="data:image/svg+xml;base64,' in html
    assert 'alt="Stapeldiagram över utfallet i två kommuner."' in html


def test_the_print_edition_leaves_out_the_tables_it_would_hide(make_project):
    """Print hides the web page's folded tables of figures; WeasyPrint is not given them."""
    root = with_charts(make_project)
    sources, problems = load_project(root)
    report = validate(sources, problems)
    charts = render_charts(report, template_dirs(root), problems)
    document = render(report, ["html", "pdf"], problems, charts)
    assert document.screen_html is not None and document.print_html is not None
    assert document.screen_html.count('<details class="chart-data">') == 2
    assert '<details class="chart-data">' not in document.print_html
    assert "Siffrorna i figur" not in document.print_html
    assert document.print_html.count('<img class="chart-image"') == 2


def test_pdf_tags_each_chart_as_a_figure_with_its_alternative_text(make_project):
    root = with_charts(make_project)
    build(root, ["pdf"])
    alts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    with pikepdf.open(root / "output/testrapport-2030.pdf") as pdf:
        walk(pdf.Root.StructTreeRoot)
    assert alts == [
        "Stapel som visar att kvinnorna är 6,9 procent.",
        "Stapeldiagram över utfallet i två kommuner.",
    ]


def test_unchanged_charts_come_from_the_cache(make_project, monkeypatch):
    root = with_charts(make_project)
    build(root, ["html"])
    cached = sorted((cache_dir(root) / "charts").glob("*.json"))
    assert len(cached) == 2

    def refuse(*args: object) -> str:
        raise AssertionError("vl-convert should not run for unchanged charts")

    monkeypatch.setattr(figures_module, "to_svg", refuse)
    build(root, ["html"])
    (root / "data/utfall.csv").write_text(UTF8_CSV.replace("1417", "1500"), encoding="utf-8")
    with pytest.raises(AssertionError, match="should not run"):
        charts_of(root)


def test_a_build_from_a_warm_chart_cache_loads_neither_pandas_nor_altair_nor_vl_convert(make_project):
    root = with_charts(make_project)
    build(root, ["html"])
    build_record(cache_dir(root), root / "output")[0].unlink()  # a real build again, not the no-op
    script = (
        "import sys; from pathlib import Path; from kfsreport.commands.build import build; "
        f"build(Path({str(root)!r}), ['html']); "
        "print(sorted(m for m in ('pandas', 'altair', 'vl_convert', 'weasyprint') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_each_chart_embeds_only_the_characters_it_draws(make_project):
    svg = chart_images(with_charts(make_project))[1]  # "utfall", placed second
    faces = re.findall(r"font-weight:(\d+);src:url\(data:font/woff2;base64,([^)]+)\)", svg)
    assert [weight for weight, _ in faces] == ["400", "600"]
    drawn = set(svg_text(re.sub(r"<style>.*?</style>", "", svg))) - {" ", "\u00a0", "\u202f"}
    assert set("NorsjöLycksele") <= drawn
    for _, data in faces:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        assert font.flavor == "woff2"
        mapped = {chr(code) for code in font.getBestCmap()}
        assert drawn <= mapped
        assert not mapped & set("QXZÆ€")  # nothing the chart does not draw


def test_a_damaged_report_font_is_located_not_a_crash(make_project):
    root = with_charts(make_project)
    (root / "templates/fonts").mkdir(parents=True)
    (root / "templates/fonts/SourceSans3-Regular.ttf").write_bytes(b"inte ett typsnitt")
    message = (
        "templates/fonts/SourceSans3-Regular.ttf: typsnittet SourceSans3-Regular.ttf går inte att läsa: "
        "filen är skadad eller inte ett typsnitt."
    )
    assert errors_of(root)[0].startswith(message)
    assert not (root / "output").exists()
    (root / "content/03-diagram.md").unlink()  # no charts: the web page's stylesheet finds it too
    assert errors_of(root)[0].startswith(message)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    y: Utfall\n",
            "    y: Utfal\n",
            "data/charts.yaml:7: kolumnen 'Utfal' finns inte i data/utfall.csv (menade du 'Utfall'?)",
        ),
        (
            "    alt: Stapeldiagram över utfallet i två kommuner.\n",
            "",
            "data/charts.yaml:2: nyckeln 'alt' saknas under charts → post 1. Lägg till den.",
        ),
        (
            "    type: bar\n",
            "    type: paj\n",
            "data/charts.yaml:3: 'type' under charts → post 1 har värdet 'paj', som inte är tillåtet. "
            "Välj ett av: 'bar', 'grouped_bar', 'stacked_bar', 'line', 'part_of_whole', 'key_number'.",
        ),
        (
            "    unit: tkr\n",
            "    unitt: tkr\n",
            "data/charts.yaml:8: okänd nyckel 'unitt'. (menade du 'unit'?)",
        ),
        (  # a misspelt column in columns: was ignored, and the column read with its default type
            "    unit: tkr\n",
            "    unit: tkr\n    columns:\n      Utfal: integer\n",
            "data/charts.yaml:10: diagrammet 'utfall': columns nämner kolumnen 'Utfal', som "
            "diagrammet inte läser (menade du 'Utfall'?). Rätta namnet, eller ta bort raden.",
        ),
        (
            "    alt: Stapeldiagram över utfallet i två kommuner.\n",
            "    alt: Staplar\n",
            "data/charts.yaml:10: 'alt' under charts → post 1 är för kort (7 tecken). Skriv minst "
            "10 tecken: vad diagrammet visar och vad läsaren ska se i det.",
        ),
        (  # a bar chart has no series: the two values were drawn over each other, unnamed
            "    x: Kommun\n",
            "    x: Kommun\n    series: Kommun\n",
            "data/charts.yaml:7: diagrammet 'utfall' är av typen bar, som inte delar upp värdena i "
            "serier, så series: Kommun skulle inte synas: värdena skulle ritas ovanpå varandra. "
            "Skriv type: grouped_bar eller stacked_bar, eller ta bort series.",
        ),
        (
            '{Kön: Kvinnor, Andel: "6,9"}',
            '{Kön: Kvinnor, Andel: "-6,9"}',
            "data/charts.yaml:18: diagrammet 'andel' visar delar av en helhet (part_of_whole), men "
            "'Kvinnor' har det negativa värdet −6,9; en del av en helhet kan inte vara mindre än "
            "noll. Visa värdena som staplar med type: bar, som också kan visa negativa tal.",
        ),
    ],
)
def test_bad_chart_descriptions_are_located(make_project, old, new, message):
    root = with_charts(make_project, CHARTS.replace(old, new))
    assert errors_of(root)[0] == message


WIDE = """\
charts:
  - id: omraden
    type: grouped_bar
    title: Områden där medarbetarna vill utvecklas
    data: data/omraden.csv
    x: Område
    series_columns: [Kvinnor, Män]
    series: Kön
    y: Andel
    unit: "%"
    source: Medarbetarenkäten
    alt: Grupperat stapeldiagram över områden, för kvinnor och män.
"""


def test_a_wide_table_with_a_column_per_series_is_drawn_from_its_columns(make_project):
    # A survey tool's export has a column per series; before, only a long table could be drawn.
    root = with_charts(make_project, WIDE, '{{ figur("omraden") }}\n')
    (root / "data/omraden.csv").write_text(
        "Område;Kvinnor;Män;Kommentar\nDigitala verktyg;46;39;x\nLedarskap;22;25;y\n", encoding="utf-8"
    )
    table = charts_of(root).figures["omraden"].table
    assert table.headers == ["Område", "Kön", "Andel"]
    assert table.rows == [
        ["Digitala verktyg", "Kvinnor", f"46{NBSP}%"],
        ["Ledarskap", "Kvinnor", f"22{NBSP}%"],
        ["Digitala verktyg", "Män", f"39{NBSP}%"],
        ["Ledarskap", "Män", f"25{NBSP}%"],
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    series_columns: [Kvinnor, Män]\n",
            "    series_columns: [Kvinnor, Man]\n",
            "data/charts.yaml:7: kolumnen 'Man' finns inte i data/omraden.csv (menade du 'Män'?)",
        ),
        (
            "    series: Kön\n",
            "",
            "data/charts.yaml:2: post 1 under charts: series_columns behöver series: ett namn på "
            "det som kolumnerna Kvinnor, Män är (till exempel series: Kön), och y: ett namn på deras värden",
        ),
        (
            "    series_columns: [Kvinnor, Män]\n",
            "    series_columns: [Kvinnor]\n",
            "data/charts.yaml:2: post 1 under charts: series_columns nämner 1 kolumn, men är till för "
            "flera serier; för en enda kolumn, skriv y: Kvinnor och ta bort series_columns",
        ),
        (  # said only "samma kolumn två gånger": which, and what to do, were left to guess
            "    series_columns: [Kvinnor, Män]\n",
            "    series_columns: [Kvinnor, Kvinnor]\n",
            "data/charts.yaml:2: post 1 under charts: series_columns nämner kolumnen Kvinnor två gånger, "
            "så samma värden skulle ritas som två serier; ta bort den ena, eller skriv namnet på den "
            "kolumn som menades",
        ),
        (
            "    y: Andel\n",
            "    y: Män\n",
            "data/charts.yaml:2: post 1 under charts: y: 'Män' står också i series_columns; med "
            "series_columns är series och y nya namn: series på det som kolumnerna är, y på deras värden",
        ),
    ],
)
def test_a_wide_tables_mistakes_are_located(make_project, old, new, message):
    root = with_charts(make_project, WIDE.replace(old, new), '{{ figur("omraden") }}\n')
    (root / "data/omraden.csv").write_text("Område;Kvinnor;Män\nLedarskap;22;25\n", encoding="utf-8")
    assert errors_of(root)[0].startswith(message)


def test_a_number_that_does_not_parse_names_the_data_file_line_and_column(make_project):
    root = with_charts(make_project)
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,1417\nLycksele,tolv\n", encoding="utf-8")
    assert errors_of(root)[0].startswith(
        "data/utfall.csv:3: kolumnen 'Utfall' ska innehålla tal, men har 'tolv'."
    )


def test_a_category_left_empty_is_an_error_at_the_chart_s_key(make_project):
    root = with_charts(make_project)
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,1417\n,12\n,13\n", encoding="utf-8")
    assert errors_of(root) == [
        "data/charts.yaml:6: diagrammet 'utfall': kolumnen 'Kommun' är tom på 2 av datans rader "
        "(först på datarad 2), så det som ritas där skulle sakna namn. Skriv namnet på varje rad. "
        "En sammanslagen cell i Excel lämnar de andra cellerna tomma: dela upp den och skriv "
        "namnet i varje cell."
    ]


def test_with_report_yaml_invalid_the_texts_and_the_charts_data_are_still_checked_in_one_round(make_project):
    text = '{{ figur("andel") }}\n\n{{ figur("utfall") }}\n\nSe {{ ref(utfall) }} och {{ plan() }}.\n'
    root = with_charts(make_project, text=text)
    with (root / "report.yaml").open("a", encoding="utf-8") as settings:
        settings.write("numbering_depth: 9\n")
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,1417\nLycksele,tolv\n", encoding="utf-8")
    assert [error.split(": ")[0] for error in errors_of(root)] == [
        "content/03-diagram.md:9",
        "content/03-diagram.md:9",
        "data/utfall.csv:3",
        "report.yaml:9",
    ]


def test_a_chart_taller_than_a_page_is_an_error_not_cut_at_the_page_s_foot(make_project):
    root = with_charts(make_project)
    rows = "".join(f"Kommun {number},{number}\n" for number in range(80))
    (root / "data/utfall.csv").write_text("Kommun,Utfall\n" + rows, encoding="utf-8")
    errors = errors_of(root)
    assert len(errors) == 1
    assert re.fullmatch(
        r"data/charts.yaml:2: diagrammet 'utfall' blir \d+ mm högt i PDF-filen, men en sida rymmer "
        r"en figur med ett diagram på högst 244 mm, så figurtexten skulle hamna på en sida och "
        r"diagrammet på nästa, eller diagrammet skäras av vid sidans fot\. Visa färre kategorier .*",
        errors[0],
    )
    fitting = "".join(f"Kommun {number},{number}\n" for number in range(20))
    (root / "data/utfall.csv").write_text("Kommun,Utfall\n" + fitting, encoding="utf-8")
    build(root, ["html"])  # 20 municipalities fit on a page (21 were seen whole in a PDF)


def test_an_empty_data_set_is_an_error(make_project):
    root = with_charts(make_project)
    (root / "data/utfall.csv").write_text("Kommun,Utfall\n", encoding="utf-8")
    assert errors_of(root)[0].startswith("data/utfall.csv:1: filen har en rubrikrad men inga rader med data.")


def test_an_unknown_chart_in_the_text_is_located_with_a_suggestion(make_project):
    root = with_charts(make_project, text='{{ figur("utfal") }}\n')
    assert errors_of(root) == [
        "content/03-diagram.md:5: figur(\"utfal\"): inget diagram har id:t 'utfal' (menade du 'utfall'?)"
    ]


def test_a_chart_placed_twice_is_an_error(make_project):
    root = with_charts(make_project, text='{{ figur("utfall") }}\n\n{{ figur("utfall") }}\n')
    assert errors_of(root) == [
        'content/03-diagram.md:7: figur("utfall") står redan på ett annat ställe; en figur visas en gång.'
    ]


def test_a_chart_id_may_not_also_be_a_heading_id(make_project):
    root = with_charts(make_project, CHARTS.replace("id: utfall", "id: samverkan").replace('"utfall"', '"x"'))
    (root / "content/03-diagram.md").write_text("---\ntitle: Diagram\n---\n\nText.\n", encoding="utf-8")
    assert errors_of(root) == [
        "data/charts.yaml:2: diagrammets id 'samverkan' är också id för en rubrik "
        "(content/01-inledning.md:9). Ge diagrammet ett annat id."
    ]


def test_problems_from_the_charts_stage_stop_before_anything_is_written(make_project):
    root = with_charts(make_project)
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,x\n", encoding="utf-8")
    problems = Problems()
    with pytest.raises(BuildFailed):
        build(root)
    assert not problems and not (root / "output").exists()


LINE = """\
charts:
  - id: sjukfranvaro
    type: line
    title: Sjukfrånvaro per månad
    data: data/sjuk.csv
    x: Månad
    y: Andel
    series: Kommun
    columns:
      Månad: date
    unit: "%"
    source: Kommunerna
    alt: Linjediagram över sjukfrånvaron i två kommuner under tre månader.
"""


def test_a_line_chart_has_swedish_months_and_names_each_line(make_project):
    root = with_charts(make_project, LINE, text='{{ figur("sjukfranvaro") }}\n')
    (root / "data/sjuk.csv").write_text(
        "Månad;Kommun;Andel\n2025-01;Norsjö;6,9\n2025-02;Norsjö;7,2\n2025-03;Norsjö;6,1\n"
        "2025-01;Lycksele;8,0\n2025-02;Lycksele;7,7\n2025-03;Lycksele;7,9\n",
        encoding="utf-8",
    )
    figure = charts_of(root).figures["sjukfranvaro"]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", figure.svg)
    # Three monthly labels do not fit beside the lines' names at 14 px, so every second shows.
    assert labels[:2] == ["jan 2025", "mars 2025"], "Swedish month names, apart (test_chart_labels.py)"
    assert ">Norsjö<" in figure.svg and ">Lycksele<" in figure.svg, "each line is labelled, not only coloured"
    assert figure.table.rows[0] == ["januari 2025", "Norsjö", f"6,9{NBSP}%"]


def test_key_number_shows_one_value_big_with_its_name(make_project):
    charts = CHARTS.replace("type: part_of_whole", "type: key_number")
    root = with_charts(make_project, charts)
    svg = charts_of(root).figures["andel"].svg
    assert f">6,9{NBSP}%</text>" in svg and 'font-size="46px"' in svg
    assert ">Kvinnor</text>" in svg and ">Män</text>" not in svg


def test_the_value_axis_labels_zero_and_ends_past_the_largest_bar():
    import pandas as pd

    from kfsreport.charts.draw import value_ticks
    from kfsreport.charts.spec import ChartSpec

    spec = ChartSpec(id="a", type="bar", title="T", alt="Stapeldiagram.", source="S", values=[], x="x", y="y")
    frame = pd.DataFrame({"x": ["a", "b", "c"], "y": [60.0, -8.0, 32.0]})
    ticks = value_ticks(spec, frame)
    assert 0 in ticks and ticks[-1] > 60 and ticks[0] < -8 and len(ticks) <= 5
    assert value_ticks(spec, pd.DataFrame({"x": ["a"], "y": [3.0]})) == [0, 1, 2, 3, 4]


def test_a_stacked_bar_of_percentages_of_a_whole_ends_at_100():
    # A survey's answers per group, stacked: the axis went on to 150 %.
    import pandas as pd

    from kfsreport.charts.draw import value_ticks
    from kfsreport.charts.spec import ChartSpec

    spec = ChartSpec(
        id="a",
        type="stacked_bar",
        title="T",
        alt="Stapeldiagram.",
        source="S",
        values=[],
        x="x",
        y="y",
        series="s",
        unit="%",
    )
    frame = pd.DataFrame({"x": ["a", "a", "b", "b"], "s": ["j", "n"] * 2, "y": [12.0, 88.0, 40.5, 59.6]})
    assert value_ticks(spec, frame)[-1] == 100
    assert value_ticks(spec.model_copy(update={"unit": "personer"}), frame)[-1] > 100


def test_a_computation_that_cannot_be_done_is_reported_at_its_compute_line(make_project):
    charts = CHARTS.replace(
        "    unit: tkr\n", "    unit: tkr\n    compute:\n      share: {column: Utfall, name: Andel}\n"
    ).replace("    y: Utfall\n", "    y: Andel\n")
    root = with_charts(make_project, charts)
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,0\nLycksele,0\n", encoding="utf-8")
    assert errors_of(root)[0] == ("data/charts.yaml:9: andelen kan inte räknas ut: summan av 'Utfall' är 0.")


@pytest.mark.parametrize("kind", ["bar", "grouped_bar", "stacked_bar", "line", "part_of_whole", "key_number"])
def test_every_kind_of_chart_makes_a_valid_vega_lite_spec_at_every_thinning_step(kind, monkeypatch):
    # A build does not have Altair check its whole specs against the Vega-Lite schema (a
    # quarter of each spec's time): this test does, for each kind, orientation and thinning
    # step, and the spec is the same with or without the check.
    import pandas as pd

    from kfsreport.charts.draw import vega_lite
    from kfsreport.charts.figures import THINNING
    from kfsreport.charts.spec import ChartSpec

    dated = kind == "line"
    frame = pd.DataFrame(
        {
            "x": pd.to_datetime(["2023-01-01", "2023-06-01", "2024-01-01"] * 2)
            if dated
            else ["Norra länsdelen", "Södra", "Kusten"] * 2,
            "s": ["kvinnor"] * 3 + ["män"] * 3,
            "y": [12.5, -3.0, 40.0, 7.25, 18.0, 2.0],
        }
    )
    grouped = kind in ("grouped_bar", "stacked_bar", "line")
    specs = []
    for orientation in ("horizontal", "vertical") if kind.endswith("bar") else (None,):
        spec = ChartSpec(
            id="a",
            type=kind,
            title="T",
            alt="Ett diagram i ett test.",
            source="S",
            values=[],
            x="x",
            y="y",
            series="s" if grouped else None,
            unit="procent",
            orientation=orientation,
        )
        for fewer in range(THINNING + 1):
            checked = vega_lite(spec, frame, fewer=fewer, validate=True)  # raises if invalid
            specs.append((spec, fewer, checked))

    import altair.utils.schemapi

    checks: list[object] = []
    check = altair.utils.schemapi.validate_jsonschema

    def counted(instance: object, schema: object, *args: object, **kwargs: object) -> object:
        checks.append(schema)
        return check(instance, schema, *args, **kwargs)

    monkeypatch.setattr(altair.utils.schemapi, "validate_jsonschema", counted)
    spec, fewer, checked = specs[0]
    vega_lite(spec, frame, fewer=fewer, validate=True)
    checked_once, checks[:] = list(checks), []
    for spec, fewer, checked in specs:
        assert vega_lite(spec, frame, fewer=fewer) == checked
    # Altair checks the whole chart only when asked.
    assert any(_whole_chart(schema) for schema in checked_once)
    assert not any(_whole_chart(schema) for schema in checks)


def test_a_builds_chart_is_made_without_altairs_checks_as_each_part_is_made(monkeypatch):
    """Altair's debug mode (on by default) checks parts of a chart as they are made; a build
    makes its specs with it off, and on again afterwards (the spec is the same: see above)."""
    import altair.utils.schemapi
    import pandas as pd

    from kfsreport.charts import draw
    from kfsreport.charts.spec import ChartSpec

    modes: list[bool] = []
    real = draw._bar
    monkeypatch.setattr(
        draw, "_bar", lambda *args: modes.append(altair.utils.schemapi.DEBUG_MODE) or real(*args)
    )
    spec = ChartSpec(
        id="a", type="bar", title="T", alt="Ett diagram i ett test.", source="S", values=[], x="x", y="y"
    )
    frame = pd.DataFrame({"x": ["Norra", "Södra"], "y": [1.0, 2.0]})
    draw.vega_lite(spec, frame)
    draw.vega_lite(spec, frame, validate=True)
    assert modes == [False, True] and altair.utils.schemapi.DEBUG_MODE


def _whole_chart(schema: object) -> bool:
    return isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#/definitions/TopLevel")


SORTED = """\
charts:
  - id: utfall
    type: bar
    title: Utfall per kommun
    values:
      - {Kommun: Åsele, Utfall: "2"}
      - {Kommun: Umeå, Utfall: "9"}
      - {Kommun: Ärla, Utfall: "5"}
      - {Kommun: Bjurholm, Utfall: "5"}
    x: Kommun
    y: Utfall
    sort: SORT
    source: Testkommunerna
    alt: Stapeldiagram över utfallet i fyra kommuner.
"""


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("descending", ["Umeå", "Ärla", "Bjurholm", "Åsele"]),
        ("ascending", ["Åsele", "Ärla", "Bjurholm", "Umeå"]),
        ("data", ["Åsele", "Umeå", "Ärla", "Bjurholm"]),
    ],
)
def test_a_sorted_bar_chart_is_sorted_by_its_values_in_the_chart_and_its_table(make_project, sort, order):
    # `sort: descending` sorted the names (Vega's sort of a category axis): fifteen
    # municipalities in reverse alphabetical order, not the largest first. Ties keep the
    # file's order.
    root = with_charts(make_project, SORTED.replace("SORT", sort), '{{ figur("utfall") }}\n')
    figure = charts_of(root).figures["utfall"]
    assert [row[0] for row in figure.table.rows] == order
    names = [name for name in re.findall(r">([^<>]+)</text>", figure.svg) if name in order]
    assert names == order


def test_a_sorted_grouped_bar_chart_is_sorted_by_each_categorys_total(make_project):
    charts = """\
charts:
  - id: utfall
    type: grouped_bar
    title: Utfall per kommun och år
    values:
      - {Kommun: Åsele, År: "2024", Utfall: "2"}
      - {Kommun: Åsele, År: "2025", Utfall: "2"}
      - {Kommun: Umeå, År: "2024", Utfall: "1"}
      - {Kommun: Umeå, År: "2025", Utfall: "9"}
    x: Kommun
    y: Utfall
    series: År
    sort: descending
    source: Testkommunerna
    alt: Stapeldiagram över utfallet i två kommuner två år.
"""
    root = with_charts(make_project, charts, '{{ figur("utfall") }}\n')
    rows = charts_of(root).figures["utfall"].table.rows
    assert [row[0] for row in rows][:1] == ["Umeå"], rows
