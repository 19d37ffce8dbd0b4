"""Issue 15: the interim report's period, the economy, appendices, the action plan, the words
of the plan and goals outside the riktade uppdrag."""

from __future__ import annotations

import re
from pathlib import Path

from kfsreport.render.locale import MINUS
from tests.conftest import edit
from tests.rendering import chapter_of, errors_of, html_of, print_html_of

NBSP = "\u00a0"

ECONOMY = """
economy:
  unit: tkr
  budget: 2653
  budget_period: 1547
  outcome: 1417
  forecast: 2600
  forecast_basis: Prognosen bygger på att hösten blir som våren.
"""


def with_chapter(make_project, body: str, facts: str = "", front: str = "") -> Path:
    root = make_project("minimal")
    (root / "content/03-extra.md").write_text(f"---\ntitle: Extra\n{front}---\n\n" + body, encoding="utf-8")
    if facts:
        with (root / "data/facts.yaml").open("a", encoding="utf-8") as file:
            file.write(facts)
    return root


# --- the period ------------------------------------------------------------------------------


def test_interim_report_shows_its_period_on_cover_header_and_metadata(make_project):
    root = make_project("minimal")
    # The print edition keeps words with digits whole (hyphenation.py); read past those spans.
    printed = re.sub(r'<span class="no-hyphens">(.*?)</span>', r"\1", print_html_of(root))
    assert '<p class="cover-period">Delårsrapport per augusti 2030</p>' in printed
    assert "<dt>Period</dt><dd>1 januari–31 augusti 2030</dd>" in printed
    screen = html_of(root)
    assert '<p class="subtitle period">Delårsrapport per augusti 2030</p>' in screen
    assert '<meta name="dcterms.temporal" content="start=2030-01-01; end=2030-08-31">' in screen


def test_running_head_takes_the_period_label(make_project):
    # duplex.css puts string(report-title) on left-hand pages; the cover's header sets it (in the
    # normal flow: tests/test_theme.py shows the head on the page), from the period if there is one.
    printed = print_html_of(make_project("minimal"))
    assert '<header class="cover" data-running-title="Delårsrapport per augusti 2030">' in printed
    css = (Path(__file__).parent.parent / "kfsreport/templates/css/print.css").read_text(encoding="utf-8")
    assert "string-set: report-title attr(data-running-title)" in css.split(".cover {")[1].split("}")[0]


def test_interim_report_without_period_is_a_located_error(make_project):
    root = make_project("minimal")
    edit(root / "report.yaml", "period: {from: 2030-01-01, to: 2030-08-31}\n", "")
    assert errors_of(root) == [
        "report.yaml:4: en delårsrapport (kind: interim) behöver perioden den gäller. "
        "Lägg till till exempel period: {from: 2024-01-01, to: 2024-08-31}."
    ]


def test_period_backwards_or_outside_the_year_is_refused(make_project):
    root = make_project("minimal")
    edit(root / "report.yaml", "{from: 2030-01-01, to: 2030-08-31}", "{from: 2030-09-01, to: 2029-08-31}")
    errors = errors_of(root)
    assert any("periodens slut (2029-08-31) ligger före dess början" in e for e in errors)
    assert any("perioden (2029-08-31) ligger inte i rapportens år 2030" in e for e in errors)


def test_a_plan_is_its_own_kind_without_a_period(make_project):
    root = make_project("minimal")
    edit(root / "report.yaml", "kind: interim", "kind: plan")
    assert errors_of(root) == [
        "report.yaml:8: period används bara i en delårsrapport; en plan har ingen period. "
        "Ta bort period, eller skriv kind: interim."
    ]
    edit(root / "report.yaml", "period: {from: 2030-01-01, to: 2030-08-31}\n", "")
    html = html_of(root)
    assert '<meta name="description" content="Plan från Testberedningen, Region Test">' in html
    assert "Årsrapport" not in html and "Delårsrapport" not in html


def test_any_other_report_is_its_own_kind_without_a_year_or_period(make_project):
    # A survey's report or a decision memo had to claim to be an annual report.
    root = make_project("minimal")
    edit(root / "report.yaml", "kind: interim", "kind: report")
    assert errors_of(root) == [
        "report.yaml:8: period används bara i en delårsrapport; skriv tiden rapporten gäller i "
        "titeln eller texten. Ta bort period, eller skriv kind: interim."
    ]
    edit(root / "report.yaml", "period: {from: 2030-01-01, to: 2030-08-31}\n", "")
    html = html_of(root)
    assert '<meta name="description" content="Rapport från Testberedningen, Region Test">' in html
    assert "Årsrapport" not in html and "Delårsrapport" not in html


def test_annual_report_has_no_period(make_project):
    root = make_project("minimal")
    edit(root / "report.yaml", "kind: interim", "kind: annual")
    assert errors_of(root) == [
        "report.yaml:8: period används bara i en delårsrapport; en årsrapport gäller hela året. "
        "Ta bort period, eller skriv kind: interim."
    ]


# --- the economy -------------------------------------------------------------------------------


def test_ekonomi_is_a_table_with_computed_deviations(make_project):
    html = chapter_of(html_of(with_chapter(make_project, "{{ ekonomi }}\n", ECONOMY)), "extra")
    assert "</span> Ekonomi 1 januari–31 augusti 2030, belopp i tkr</caption>" in html
    assert '<th scope="col">Post</th><th scope="col">tkr</th>' in html
    assert f'<th scope="row">Budget för 2030</th><td>2{NBSP}653</td>' in html
    assert f'<th scope="row">Utfall för perioden</th><td>1{NBSP}417</td>' in html
    assert '<th scope="row">Avvikelse mot periodens budget (överskott)</th><td>+130</td>' in html
    assert '<th scope="row">Avvikelse mot årets budget enligt prognosen (överskott)</th><td>+53</td>' in html
    assert '<p class="economy-note">Prognosen bygger på att hösten blir som våren.</p>' in html


def test_a_deficit_has_a_real_minus_sign(make_project):
    facts = ECONOMY.replace("outcome: 1417", "outcome: 1600")
    html = chapter_of(html_of(with_chapter(make_project, "{{ ekonomi }}\n", facts)), "extra")
    assert f'<th scope="row">Avvikelse mot periodens budget (underskott)</th><td>{MINUS}53</td>' in html


def test_annual_report_compares_the_year(make_project):
    root = with_chapter(
        make_project,
        "Överskottet är {{ fakta.economy.surplus | tkr }}.\n\n{{ ekonomi }}\n",
        "economy:\n  budget: 2653\n  outcome: 2600,5\n",
    )
    edit(root / "report.yaml", "period: {from: 2030-01-01, to: 2030-08-31}\n", "")
    edit(root / "report.yaml", "kind: interim", "kind: annual")
    html = chapter_of(html_of(root), "extra")
    assert f"Överskottet är 52,5{NBSP}tkr." in html
    assert "</span> Ekonomi 2030, belopp i tkr</caption>" in html
    assert f'<th scope="row">Utfall för 2030</th><td>2{NBSP}600,5</td>' in html
    assert "Budget för perioden" not in html


def test_ekonomi_without_the_numbers_is_an_error_at_the_directive(make_project):
    root = with_chapter(make_project, "{{ ekonomi }}\n", "economy:\n  budget: 2653\n")
    [error] = errors_of(root)
    assert error.startswith("content/03-extra.md:5: {{ ekonomi }}: ekonomin saknar budget eller utfall.")


def test_interim_ekonomi_needs_the_periods_budget(make_project):
    root = with_chapter(make_project, "{{ ekonomi }}\n", "economy:\n  budget: 2653\n  outcome: 1417\n")
    [error] = errors_of(root)
    assert "utan periodens budget" in error and error.startswith("content/03-extra.md:5:")


def test_inconsistent_economy_is_located(make_project):
    facts = "economy:\n  budget: 1000\n  budget_period: 1547\n  forecast_basis: Ingenting.\n"
    root = with_chapter(make_project, "Text.\n", facts)
    errors = errors_of(root)
    assert any(
        e.startswith("data/facts.yaml:")
        and "budgeten för perioden (1547) är större än hela årets budget" in e
        for e in errors
    )
    assert any("prognosen (forecast) saknas" in e for e in errors)


def test_procent_rounds_a_computed_share(make_project):
    html = chapter_of(
        html_of(with_chapter(make_project, "Andel {{ fakta.economy.used_share | procent }}.\n", ECONOMY)),
        "extra",
    )
    assert f"Andel 53,4{NBSP}%." in html


# --- appendices ----------------------------------------------------------------------------------


APPENDIX = """\
Se {{ ref("bilaga-a") }} och {{ ref("del-ett") }}.

## Första delen {#del-ett}

Text.
"""


def test_appendix_is_titled_bilaga_and_listed_with_its_sections(make_project):
    root = with_chapter(make_project, APPENDIX, front="appendix: ja\nid: bilaga-a\n")
    html = html_of(root)
    section = chapter_of(html, "bilaga-a")
    assert (
        '<h2 class="chapter-title" id="bilaga-a"><span class="heading-number" '
        'data-pdf-text="Bilaga 1 ">Bilaga 1</span> Extra</h2>' in section
    )
    assert '<a class="xref" href="#bilaga-a">bilaga 1</a>' in section
    assert '<a class="xref" href="#del-ett">avsnittet ”Första delen” i bilaga 1</a>' in section
    printed = print_html_of(root)
    toc = printed[printed.index('<nav class="toc"') : printed.index("</nav>")]
    assert '<span class="toc-number">Bilaga 1</span> <span class="toc-title">Extra</span>' in toc
    assert 'href="#del-ett"' in toc


def test_figures_in_an_appendix_are_numbered_on_their_own(make_project):
    root = with_chapter(make_project, '{{ figur("andel") }}\n', front="appendix: ja\n")
    (root / "data/charts.yaml").write_text(
        "charts:\n"
        "  - id: andel\n"
        "    type: bar\n"
        "    title: Andel\n"
        "    values:\n"
        "      - {Grupp: A, Andel: '1'}\n"
        "      - {Grupp: B, Andel: '2'}\n"
        "    x: Grupp\n"
        "    y: Andel\n"
        "    source: Testet\n"
        "    alt: Stapeldiagram med två staplar.\n",
        encoding="utf-8",
    )
    from kfsreport.errors import Problems
    from kfsreport.load.folder import load_project
    from kfsreport.validate.report import validate

    sources, problems = load_project(root)
    report = validate(sources, Problems())
    assert report.figure_numbers == {"andel": "B1.1"}


# --- the action plan -------------------------------------------------------------------------------

ACTION_PLAN = """
action_plan:
  title: Åtgärdsplan
  groups:
    - title: Ledarskap
      actions:
        - text: Stärka cheferna.
          priority: high
        - text: Mäta engagemanget.
    - title: Arbetstider
      actions:
        - text: Se över schemana.
          responsible: HR
          period: 2025–2026
"""


def test_atgardsplan_caption_agrees_with_one_or_several_highest_priorities(make_project):
    several = ACTION_PLAN.replace(
        "          period: 2025–2026\n",
        "          period: 2025–2026\n          priority: high\n"
        "        - text: Korta passen.\n          priority: high\n"
        "        - text: Pröva fler scheman.\n          priority: high\n",
    )
    html = chapter_of(html_of(with_chapter(make_project, "{{ atgardsplan }}\n", several)), "extra")
    assert "</span> Ledarskap (2 åtgärder, 1 högst prioriterad)</caption>" in html
    assert "</span> Arbetstider (3 åtgärder, 3 högst prioriterade)</caption>" in html
    assert "Högst prioriterad: 4 av planens 5 åtgärder" in html


def test_atgardsplan_marks_the_highest_priority_with_words_and_a_symbol(make_project):
    html = chapter_of(html_of(with_chapter(make_project, "{{ atgardsplan }}\n", ACTION_PLAN)), "extra")
    assert (
        '<p class="priority-legend"><span class="priority-symbol" aria-hidden="true">◆</span> '
        "Högst prioriterad: 1 av planens 3 åtgärder" in html
    )
    assert "</span> Ledarskap (2 åtgärder, 1 högst prioriterad)</caption>" in html
    assert "</span> Arbetstider (1 åtgärd, ingen högst prioriterad)</caption>" in html
    assert (
        '<td class="priority"><span class="priority-symbol" aria-hidden="true">◆</span> '
        "Högst prioriterad</td>" in html
    )
    assert '<th scope="col">Ansvar</th>' in html and "<td>HR</td>" in html


def test_bold_written_in_a_facts_text_is_an_error_at_its_line(make_project):
    # Copied from a Word original where the highest priorities were bold: the asterisks were
    # published as written, ”**Stärka cheferna.**”.
    bold = ACTION_PLAN.replace("- text: Stärka cheferna.", "- text: '**Stärka cheferna.**'")
    root = with_chapter(make_project, "{{ atgardsplan }}\n", bold)
    line = next(
        i for i, text in enumerate((root / "data/facts.yaml").read_text().splitlines(), 1) if "**" in text
    )
    (error,) = errors_of(root)
    assert error.startswith(f"data/facts.yaml:{line}: 'text' under action_plan")
    assert "'**Stärka cheferna.**': texterna i fakta och inställningar är vanlig text" in error
    assert "en högst prioriterad åtgärd får priority: high" in error


def test_atgardsplan_without_a_highest_priority_has_no_priority_column_or_legend(make_project):
    facts = ACTION_PLAN.replace("          priority: high\n", "")
    html = chapter_of(html_of(with_chapter(make_project, "{{ atgardsplan }}\n", facts)), "extra")
    assert "priority-legend" not in html and "Högst prioriterad" not in html and "Prioriterad" not in html
    assert '<th scope="col">Prioritet</th>' not in html and '<td class="priority">' not in html
    assert "</span> Ledarskap (2 åtgärder)</caption>" in html
    assert '<tr><th scope="col">Åtgärd</th><th scope="col">Ansvar</th><th scope="col">Tid</th></tr>' in html


def test_action_plan_is_counted_by_a_chart_from_the_facts(make_project):
    from kfsreport.charts.compute import facts_frame
    from kfsreport.errors import Problems
    from kfsreport.load.folder import load_project
    from kfsreport.validate.report import validate

    root = with_chapter(make_project, "Text.\n", ACTION_PLAN)
    report = validate(load_project(root)[0], Problems())
    frame = facts_frame(report.facts, "action_plan")
    assert list(frame["group"]) == ["Ledarskap", "Ledarskap", "Arbetstider"]
    assert list(frame["priority_label"]) == ["Högst prioriterad", "Prioriterad", "Prioriterad"]


def test_directives_without_their_facts_show_nothing_and_check_warns(make_project, cli):
    body = "{{ atgardsplan }}\n\n{{ ekonomi }}\n\n{{ fokusomraden }}\n"
    root = with_chapter(make_project, body, "economy:\n  unit: tkr\n")
    html = chapter_of(html_of(root), "extra")
    assert "<table" not in html
    run = cli("check", "--project", str(root))
    assert "{{ atgardsplan }} visar ingenting" in run.out
    assert "{{ ekonomi }} visar ingenting" in run.out
    assert "{{ fokusomraden }} visar ingenting" in run.out


def test_new_starts_the_economy_empty_and_carries_the_action_plan(make_project, cli, tmp_path):
    source = with_chapter(make_project, "{{ ekonomi }}\n\n{{ atgardsplan }}\n", ECONOMY + ACTION_PLAN)
    edit(
        source / "data/facts.yaml",
        "      text: Goda exempel på samverkan.\n",
        "      text: Goda exempel på samverkan.\n      status: done\n      progress: Klart.\n",
    )
    assert cli("new", str(tmp_path / "ny"), "--from", str(source)).code == 0
    from kfsreport.load.folder import load_project

    sources, problems = load_project(tmp_path / "ny")
    facts = sources.facts.data
    assert facts["economy"] == {"unit": "tkr"}
    assert facts["action_plan"]["groups"][0]["actions"][0] == {"text": "Stärka cheferna.", "priority": "high"}
    assert facts["plan"]["goals"][0] == {
        "id": "mal-a",
        "assignment": "uppdrag-a",
        "text": "Goda exempel på samverkan.",
    }
    assert "period:\n  from: 2031-01-01\n  to: 2031-08-31\n" in (tmp_path / "ny/report.yaml").read_text(
        encoding="utf-8"
    )
    assert cli("build", "--project", str(tmp_path / "ny"), "--format", "html").code == 0


# --- other committees -------------------------------------------------------------------------------


def test_goals_may_belong_to_the_standing_assignment_or_none(make_project):
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "      assignment: uppdrag-b\n", "      assignment: standing\n")
    edit(root / "data/facts.yaml", "      assignment: uppdrag-a\n", "")
    html_of(root)


def test_standing_goal_without_standing_assignment_is_an_error(make_project):
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "      assignment: uppdrag-b\n", "      assignment: standing\n")
    edit(
        root / "data/facts.yaml",
        "standing_assignment:\n  text: Beredningen beskriver läget i länet.\n"
        "  decided_by: regionfullmäktige 2029-01-01, § 1\n",
        "",
    )
    errors = errors_of(root)
    assert any("hör till det bestående uppdraget, men standing_assignment saknas" in e for e in errors)


def test_goal_progress_is_shown_in_the_plan(make_project):
    root = make_project("minimal")
    edit(
        root / "data/facts.yaml",
        "      text: Goda exempel på samverkan.\n",
        "      text: Goda exempel på samverkan.\n"
        "      status: ongoing\n      progress: Två besök är gjorda.\n",
    )
    html = html_of(root)
    assert '<th scope="col">Läget</th>' in html
    assert '<td class="goal-progress" data-label="Läget">Två besök är gjorda.</td>' in html


def test_every_word_of_the_plan_comes_from_report_yaml(make_project):
    root = make_project("minimal")
    with (root / "report.yaml").open("a", encoding="utf-8") as file:
        file.write(
            "words:\n  goal: Målsättning\n  activities: Insatser\n  see: läs\n"
            "  plan_caption: Planen\n  status:\n    done: Klar\n"
        )
    html = html_of(root)
    assert '<th scope="col">Målsättning</th><th scope="col">Insatser</th>' in html
    assert "</span> Planen, fastställd 17 februari 2030</caption>" in html
    assert '<span class="status status-done">Klar</span>' in html
    assert ">läs avsnitt" in html and ">se avsnitt" not in html


STATUS_CHART = """charts:
  - id: status
    type: stacked_bar
    title: Aktiviteter per mål och status
    facts: plan.activities
    compute:
      count: {by: [goal_label, status_label], name: Antal}
    x: goal_label
    series: status_label
    y: Antal
    source: Beredningens plan
    alt: Staplar med planens två mål och deras aktiviteter efter status.
  - id: prioritet
    type: stacked_bar
    title: Åtgärder per rubrik och prioritet
    facts: action_plan
    compute:
      count: {by: [group, priority_label], name: Antal}
    x: group
    series: priority_label
    y: Antal
    source: Beredningens åtgärdsplan
    alt: Staplar med åtgärdsplanens två rubriker och deras åtgärder efter prioritet.
"""


def test_charts_of_the_facts_label_statuses_and_priorities_with_the_words(make_project):
    root = with_chapter(make_project, '{{ figur("status") }}\n\n{{ figur("prioritet") }}\n', ACTION_PLAN)
    (root / "data/charts.yaml").write_text(STATUS_CHART, encoding="utf-8")
    with (root / "report.yaml").open("a", encoding="utf-8") as file:
        file.write(
            "words:\n  status: {done: Klar, ongoing: Under arbete}\n"
            "  high_priority: Först\n  normal_priority: Sedan\n"
        )
    html = chapter_of(html_of(root), "extra")
    for word in ("Klar", "Under arbete", "Först", "Sedan"):
        assert f">{word}<" in html, word  # in the chart's table (and its legend)
    for default in ("Genomförd", "Pågår", "Högst prioriterad", ">Prioriterad<"):
        assert default not in html.split('<p class="priority-legend">')[0], default


def test_goals_in_a_chart_have_a_status_label_in_the_words(make_project):
    from kfsreport.charts.compute import facts_frame
    from kfsreport.errors import Problems
    from kfsreport.load.folder import load_project
    from kfsreport.load.schema import Words
    from kfsreport.validate.report import validate

    root = make_project("minimal")
    edit(
        root / "data/facts.yaml",
        "      text: Goda exempel på samverkan.\n",
        "      text: Goda exempel på samverkan.\n      status: ongoing\n",
    )
    report = validate(load_project(root)[0], Problems())
    words = Words.model_validate({"status": {"ongoing": "Under arbete"}})
    assert list(facts_frame(report.facts, "plan.goals", words)["status_label"]) == ["Under arbete", ""]
    assert list(facts_frame(report.facts, "plan.activities")["status_label"]) == ["Genomförd", "Pågår"]


def test_focus_areas_with_directions(make_project):
    root = with_chapter(make_project, "{{ fokusomraden }}\n")
    edit(
        root / "data/facts.yaml",
        "plan:\n  decided: 2030-02-17\n",
        "plan:\n  decided: 2030-02-17\n  focus_areas:\n    - id: larande\n      title: Lärande hela livet\n"
        "      directions:\n        - Vägledning för vuxna.\n        - Flexibla utbildningar.\n",
    )
    html = chapter_of(html_of(root), "extra")
    assert "</span> Fokusområden, fastställd 17 februari 2030</caption>" in html
    assert '<th scope="col">Fokusområden</th><th scope="col">Inriktningar</th>' in html
    assert "<li>Vägledning för vuxna.</li>" in html


FOCUS_PLAN = (
    "plan:\n  decided: 2030-02-17\n  focus_areas:\n    - id: larande\n      title: Lärande hela livet\n"
    "      text: Att lära nytt hela arbetslivet.\n"
    "      directions:\n        - Vägledning för vuxna.\n        - Flexibla utbildningar.\n"
    "    - id: kunskap\n      title: Kunskap om behoven\n      directions:\n        - Gemensamma analyser.\n"
)


def _focus_only(make_project) -> Path:
    """The minimal report whose plan is focus areas with directions, without goals."""
    root = with_chapter(make_project, "{{ plan }}\n")
    facts = (root / "data/facts.yaml").read_text(encoding="utf-8")
    start, end = facts.index("plan:\n"), facts.index("conclusions:\n")
    (root / "data/facts.yaml").write_text(facts[:start] + FOCUS_PLAN + facts[end:], encoding="utf-8")
    return root


def test_plan_of_focus_areas_renders_through_the_plan_directive_in_both_editions(make_project):
    root = _focus_only(make_project)
    printed = re.sub(r'<span class="no-hyphens">(.*?)</span>', r"\1", print_html_of(root))
    for html in (chapter_of(html_of(root), "extra"), printed):
        assert "Fokusområden, fastställd 17 februari 2030</caption>" in html
        assert '<th scope="col">Fokusområden</th><th scope="col">Inriktningar</th>' in html
        assert "Lärande hela livet" in html and "<li>Gemensamma analyser.</li>" in html
        assert '<span class="focus-text">Att lära nytt hela arbetslivet.</span>' in html
        assert '<p class="plan-lead">Beredningen beskriver läget i länet.</p>' in html
        assert "Verksamhetsplanens mål och aktiviteter" not in html


def test_plan_of_focus_areas_takes_its_words_and_check_does_not_call_it_empty(make_project, cli):
    root = _focus_only(make_project)
    with (root / "report.yaml").open("a", encoding="utf-8") as file:
        file.write("words:\n  focus_areas: Fokusområden 2025–2030\n  directions: Riktning\n")
    html = chapter_of(html_of(root), "extra")
    assert '<th scope="col">Fokusområden 2025–2030</th><th scope="col">Riktning</th>' in html
    assert "{{ plan }} visar ingenting" not in cli("check", "--project", str(root)).out


def test_plan_with_goals_and_focus_areas_shows_the_goals(make_project):
    root = with_chapter(make_project, "{{ plan }}\n")
    edit(root / "data/facts.yaml", "plan:\n  decided: 2030-02-17\n", FOCUS_PLAN)
    html = chapter_of(html_of(root), "extra")
    assert "Goda exempel på samverkan." in html and "Lärande hela livet" not in html


# --- stacked bars -----------------------------------------------------------------------------------


def test_stacked_bars_stack_in_one_order_whatever_the_row_order():
    import pandas as pd

    from kfsreport.charts.draw import STACK_ORDER, vega_lite
    from kfsreport.charts.spec import ChartSpec

    spec = ChartSpec.model_validate(
        {
            "id": "s",
            "type": "stacked_bar",
            "title": "T",
            "values": [{"K": "k", "S": "s", "V": "1"}],
            "x": "K",
            "y": "V",
            "series": "S",
            "source": "Test",
            "alt": "Staplat diagram i test.",
        }
    )
    frame = pd.DataFrame(
        {"K": ["k1", "k1", "k2", "k2"], "S": ["ett", "två", "två", "ett"], "V": [1.0, 2.0, 3.0, 4.0]}
    )
    chart = vega_lite(spec, frame)
    values = next(iter(chart["datasets"].values()))
    order = {(row["K"], row["S"]): row[STACK_ORDER] for row in values}
    assert order[("k1", "ett")] == order[("k2", "ett")] == 0
    assert order[("k1", "två")] == order[("k2", "två")] == 1


def test_a_short_period_in_the_action_plan_never_breaks_inside(make_project):
    # "kv 2–3" in the narrow Tid column broke as "kv 2–" over "3".
    facts = ACTION_PLAN.replace("period: 2025–2026", "period: kv 2–3").replace(
        "        - text: Mäta engagemanget.\n",
        "        - text: Mäta engagemanget.\n          period: från hösten 2025 till våren 2027\n",
    )
    html = chapter_of(html_of(with_chapter(make_project, "{{ atgardsplan }}\n", facts)), "extra")
    assert "<td>kv\u00a02–\u20603</td>" in html
    assert "<td>från hösten 2025 till våren 2027</td>" in html
