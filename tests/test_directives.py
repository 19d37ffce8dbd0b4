"""`{{ … }}` in chapters: directives, key figures, filters and `ref()`, and the errors editors meet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import edit
from tests.rendering import chapter_of, errors_of, html_of

NBSP = "\u00a0"


def with_chapter(make_project, body: str) -> Path:
    """The minimal fixture with a third chapter, `content/03-extra.md`, whose body starts on line 5."""
    root = make_project("minimal")
    (root / "content/03-extra.md").write_text("---\ntitle: Extra\n---\n\n" + body, encoding="utf-8")
    return root


def extra(make_project, body: str) -> str:
    return chapter_of(html_of(with_chapter(make_project, body)), "extra")


# --- directives -----------------------------------------------------------------------------


def test_riktade_uppdrag_lists_the_assignments(make_project):
    html = chapter_of(html_of(make_project("minimal")), "inledning")
    assert (
        '<ul class="assignments">\n'
        '<li id="uppdrag-uppdrag-a">Kartlägga samverkan.</li>\n'
        '<li id="uppdrag-uppdrag-b">Beskriva arbetslivet.</li>\n'
        "</ul>\n"
    ) in html


def test_plan_is_a_table_of_goals_with_their_activities(make_project):
    html = chapter_of(html_of(make_project("minimal")), "resultat")
    plan = html[html.index('<div class="plan">') : html.index("</table>")]
    assert '<p class="plan-lead">Beredningen beskriver läget i länet.</p>' in plan
    assert (
        '<caption><span class="table-number">Tabell 1.</span> '
        "Verksamhetsplanens mål och aktiviteter, fastställd 17 februari 2030</caption>"
    ) in plan
    assert '<thead>\n<tr><th scope="col">Mål</th><th scope="col">Aktiviteter</th></tr>\n</thead>' in plan
    rows = re.findall(r"<tr>\n(.*?)</tr>", plan, re.DOTALL)
    assert len(rows) == 2
    assert rows[0].startswith('<th scope="row" class="goal" data-label="Mål">Goda exempel på samverkan.</th>')
    assert (
        "<li>Besöka två kommuner.\n"
        '<span class="status status-done">Genomförd</span>, '
        '<a class="xref" href="#samverkan">se avsnitt 1.1</a></li>'
    ) in rows[0]
    assert "Skicka en enkät" not in rows[0]
    assert rows[1].startswith('<th scope="row" class="goal" data-label="Mål">Ett längre arbetsliv.</th>')
    assert (
        "<li>Skicka en enkät.\n"
        '<span class="status status-ongoing">Pågår</span>, '
        '<a class="xref" href="#arbetsliv">se avsnitt 2.1</a></li>'
    ) in rows[1]


def test_a_plan_of_goals_without_activities_has_no_empty_activities_column(make_project):
    # A strategy's goal picture: sub-goals only. The column of activities stood empty in every row.
    root = make_project("minimal")
    text = (root / "data/facts.yaml").read_text(encoding="utf-8")
    start, end = text.index("  activities:\n"), text.index("conclusions:")
    (root / "data/facts.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    html = chapter_of(html_of(root), "resultat")
    plan = html[html.index('<div class="plan">') : html.index("</table>")]
    assert '<thead>\n<tr><th scope="col">Mål</th></tr>\n</thead>' in plan
    assert "</span> Verksamhetsplanens mål, fastställd 17 februari 2030</caption>" in plan
    assert "Aktiviteter</th>" not in plan and "<ul" not in plan
    # A row header heading no other cell is an error in PDF/UA (check --pdf): the goals are cells.
    assert '<td class="goal" data-label="Mål">Goda exempel på samverkan.</td>' in plan
    assert 'scope="row"' not in plan


def test_on_a_phone_the_plans_cells_are_named_in_the_reports_own_words(make_project):
    # The stacked phone layout named every cell "Mål" or "Aktiviteter" from the stylesheet,
    # whatever `words:` said, and called a goal's progress "Aktiviteter" too.
    root = make_project("minimal")
    with (root / "report.yaml").open("a", encoding="utf-8") as settings:
        settings.write("words:\n  goal: Delmål\n  activities: Insatser\n")
    plan = chapter_of(html_of(root), "resultat")
    assert '<th scope="row" class="goal" data-label="Delmål">Goda exempel' in plan
    # The caption says it in the same words, unless words.plan_caption is given.
    assert "</span> Verksamhetsplanens delmål och insatser, fastställd 17 februari 2030</caption>" in plan
    assert '<td data-label="Insatser">\n<ul class="activities">' in plan
    from kfsreport.errors import PACKAGE_TEMPLATES

    css = (PACKAGE_TEMPLATES / "css" / "screen.css").read_text(encoding="utf-8")
    assert "content: attr(data-label)" in css and '"Aktiviteter"' not in css and '"Mål"' not in css


@pytest.mark.parametrize(
    ("status", "label"),
    [("planned", "Planerad"), ("ongoing", "Pågår"), ("done", "Genomförd"), ("cancelled", "Inställd")],
)
def test_plan_shows_each_status_in_swedish(make_project, status, label):
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "      status: ongoing\n", f"      status: {status}\n")
    html = html_of(root)
    assert f'<span class="status status-{status}">{label}</span>, <a class="xref" href="#arbetsliv">' in html


def test_plan_activity_without_a_section_has_no_link(make_project):
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "      reported_in: arbetsliv\n", "")
    html = html_of(root)
    assert '<li>Skicka en enkät.\n<span class="status status-ongoing">Pågår</span></li>' in html


def test_slutsatser_are_numbered_with_their_title_in_bold(make_project):
    html = chapter_of(html_of(make_project("minimal")), "resultat")
    assert (
        '<ol class="conclusions">\n'
        '<li id="slutsats-1"><strong>Samverkan.</strong> Samverkan behövs.</li>\n'
        "</ol>\n"
    ) in html


def test_rekommendationer_number_the_recommendations_with_title_and_addressee(make_project):
    root = make_project("minimal")
    html = chapter_of(html_of(root), "resultat")
    assert (
        '<ol class="recommendations">\n<li id="rek-1"><p class="recommendation-head">'
        '<span class="recommendation-number">R1</span></p>\n'
        '<p class="recommendation-text">Fler praktikplatser.</p>\n</li>\n</ol>\n'
    ) in html
    edit(
        root / "data/facts.yaml",
        "    text: Fler praktikplatser.\n",
        "    text: Fler praktikplatser.\n    title: Praktik\n    addressed_to: regionstyrelsen\n",
    )
    html = html_of(root)
    assert (
        '<span class="recommendation-number">R1</span> <strong class="recommendation-title">Praktik</strong>'
        in html
    )
    assert '<p class="addressed-to"><span class="addressed-to-label">Till:</span> regionstyrelsen</p>' in html


def test_rekommendationer_i_korthet_repeat_them_briefly_with_links(make_project):
    root = make_project("minimal")
    edit(
        root / "content/02-resultat.md",
        "{{ rekommendationer }}",
        "{{ rekommendationer_i_korthet }}\n\n{{ rekommendationer }}",
    )
    edit(
        root / "data/facts.yaml",
        "    text: Fler praktikplatser.\n",
        "    text: Fler praktikplatser.\n    title: Praktik\n    addressed_to: regionstyrelsen\n",
    )
    assert (
        '<li><a class="xref recommendation-number" href="#rek-1">R1</a> Praktik '
        '<span class="addressed-to">(till regionstyrelsen)</span></li>'
    ) in html_of(root)


def test_uppfoljning_lists_last_years_recommendations_with_how_each_was_followed_up(make_project):
    root = with_chapter(make_project, "{{ uppfoljning }}\n")
    edit(
        root / "data/facts.yaml",
        "recommendations:\n",
        "follow_up:\n"
        "  - id: rek-0\n"
        "    text: Fler lärlingar.\n"
        "    addressed_to: regionstyrelsen\n"
        "    outcome: Tolv nya platser inrättades.\n"
        "  - id: rek-00\n"
        "    text: Mät kompetensbehoven.\n"
        "recommendations:\n",
    )
    assert (
        '<ul class="follow-up">\n'
        '<li><p class="recommendation">Fler lärlingar. '
        '<span class="addressed-to">(till regionstyrelsen)</span></p>\n'
        '<p class="outcome"><strong>Uppföljning:</strong> Tolv nya platser inrättades.</p></li>\n'
        '<li><p class="recommendation">Mät kompetensbehoven.</p>\n</li>\n'
        "</ul>\n"
    ) in chapter_of(html_of(root), "extra")


def test_a_follow_up_key_that_is_misspelt_is_located_with_a_suggestion(make_project):
    root = with_chapter(make_project, "{{ uppfoljning }}\n")
    edit(
        root / "data/facts.yaml",
        "recommendations:\n",
        "follow_up:\n  - id: rek-0\n    text: Fler lärlingar.\n    outcom: Klart.\nrecommendations:\n",
    )
    assert errors_of(root) == ["data/facts.yaml:39: okänd nyckel 'outcom'. (menade du 'outcome'?)"]


def test_uppdragsbeskrivning_is_the_standing_assignment_with_its_decision(make_project):
    html = extra(make_project, "{{ uppdragsbeskrivning }}\n")
    assert (
        '<p class="standing-assignment">Beredningen beskriver läget i länet. '
        '<span class="decided-by">(regionfullmäktige 2029-01-01, § 1)</span></p>'
    ) in html


# --- values in the text ---------------------------------------------------------------------


def test_key_figures_are_shown_with_their_unit_in_swedish(make_project):
    html = chapter_of(html_of(make_project("minimal")), "inledning")
    assert (
        f"<p>Kommunen har 3{NBSP}894{NBSP}invånare och en sjukfrånvaro på 6,9{NBSP}%.\n"
        f"Antalet unga minskar med \u22128{NBSP}% och de äldsta ökar med +60{NBSP}%.\n"
        f"Utfallet blev 1{NBSP}417{NBSP}tkr. Planen fastställdes 17 februari 2030.</p>"
    ) in html


def test_parts_of_a_key_figure(make_project):
    html = extra(
        make_project, "Värden: {{ tal.invanare.varde }} | {{ tal.invanare.enhet }} | {{ tal.okning.varde }}\n"
    )
    assert f"<p>Värden: 3{NBSP}894 | invånare | +60</p>" in html


def test_a_line_that_starts_and_ends_with_values_is_text(make_project):
    html = extra(make_project, "{{ tal.invanare }} och {{ tal.utfall }}\n")
    assert f"<p>3{NBSP}894{NBSP}invånare och 1{NBSP}417{NBSP}tkr</p>" in html


def test_filters_format_values_from_the_facts_and_settings(make_project):
    root = with_chapter(
        make_project,
        "Budget {{ fakta.economy.budget | tkr }}, utfall {{ fakta.economy.outcome | tal }}, "
        "andel {{ 6.9 | procent }}, {{ fakta.plan.decided | datum }}, {{ rapport.date | datum }}, "
        "år {{ rapport.year }}.\n",
    )
    (root / "data/facts.yaml").write_text(
        (root / "data/facts.yaml").read_text(encoding="utf-8")
        + "economy:\n  budget: 1500\n  outcome: 1417,5\n",
        encoding="utf-8",
    )
    html = chapter_of(html_of(root), "extra")
    assert (
        f"<p>Budget 1{NBSP}500{NBSP}tkr, utfall 1{NBSP}417,5, andel 6,9{NBSP}%, "
        "17 februari 2030, 20 augusti 2030, år 2030.</p>"
    ) in html


def test_ref_links_to_a_section_with_its_number(make_project):
    html = chapter_of(html_of(make_project("minimal")), "inledning")
    assert '<p>Se <a class="xref" href="#arbetsliv">avsnitt 2.1</a> och <a href="#plan">planen</a>.' in html


@pytest.mark.parametrize(
    ("anchor", "link"),
    [
        ("inledning", '<a class="xref" href="#inledning">kapitel 1</a>'),
        ("samverkan", '<a class="xref" href="#samverkan">avsnitt 1.1</a>'),
        ("plan", '<a class="xref" href="#plan">avsnitt 2.2</a>'),
        ("en-underrubrik", '<a class="xref" href="#en-underrubrik">avsnitt 1.1, ”En underrubrik”</a>'),
    ],
)
def test_ref_names_chapters_sections_and_unnumbered_headings(make_project, anchor, link):
    html = extra(make_project, f'Se {{{{ ref("{anchor}") }}}}.\n')
    assert f"<p>Se {link}.</p>" in html


def test_ref_that_opens_a_sentence_starts_with_a_capital(make_project):
    html = extra(
        make_project,
        '{{ ref("samverkan") }} visar läget. Det gör {{ ref("plan") }} också.\n'
        '{{ ref("inledning") }} börjar en mening på en ny rad! {{ ref("plan") }} med.\n\n'
        '- {{ ref("plan") }} i en lista, se {{ ref("plan") }} (och {{ ref("plan") }}).\n',
    )
    link = '<a class="xref" href="#{}">{}</a>'.format
    assert (
        f"<p>{link('samverkan', 'Avsnitt 1.1')} visar läget. Det gör {link('plan', 'avsnitt 2.2')} "
        f"också.\n{link('inledning', 'Kapitel 1')} börjar en mening på en ny rad! "
        f"{link('plan', 'Avsnitt 2.2')} med.</p>"
    ) in html
    assert (
        f"<li>{link('plan', 'Avsnitt 2.2')} i en lista, se {link('plan', 'avsnitt 2.2')} "
        f"(och {link('plan', 'avsnitt 2.2')}).</li>"
    ) in html


def test_ref_to_an_unnumbered_heading_directly_in_a_chapter_names_the_chapter(make_project):
    html = extra(make_project, '### Direkt under kapitlet\n\nSe {{ ref("direkt-under-kapitlet") }}.\n')
    assert 'href="#direkt-under-kapitlet">kapitel 3, ”Direkt under kapitlet”</a>' in html


def test_text_from_values_and_facts_is_escaped(make_project):
    root = with_chapter(
        make_project, "{{ riktade_uppdrag }}\n\nTal: {{ tal.utfall }}. Text: {{ '<b>fet</b>' }}.\n"
    )
    edit(
        root / "data/facts.yaml",
        "    text: Kartlägga samverkan.\n",
        "    text: Kartlägga <b>samverkan</b>.\n",
    )
    edit(root / "data/facts.yaml", "    unit: tkr\n", '    unit: "<b>tkr</b>"\n')
    html = chapter_of(html_of(root), "extra")
    assert '<li id="uppdrag-uppdrag-a">Kartlägga &lt;b&gt;samverkan&lt;/b&gt;.</li>' in html
    assert f"Tal: 1{NBSP}417{NBSP}&lt;b&gt;tkr&lt;/b&gt;." in html
    assert "Text: &lt;b&gt;fet&lt;/b&gt;." in html
    assert "<b>" not in html


# --- errors ---------------------------------------------------------------------------------


def test_a_misspelt_figure_fails_the_build_with_a_located_suggestion(make_project, cli):
    root = make_project("minimal")
    edit(root / "content/01-inledning.md", "{{ tal.invanare }}", "{{ tal.invanre }}")
    run = cli("build", "--project", str(root), "--format", "html")
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        "content/01-inledning.md:5: {{ tal.invanre }}: 'invanre' finns inte (menade du 'invanare'?)."
    )
    assert not (root / "output").exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{{ tal.minskning }}",
            "{{ tal.minsknig }}",
            "content/01-inledning.md:6: {{ tal.minsknig }}: 'minsknig' finns inte (menade du 'minskning'?).",
        ),
        (
            "| datum }}",
            "| datumm }}",
            "content/01-inledning.md:7: {{ fakta.plan.decided | datumm }}: "
            "filtret 'datumm' finns inte (menade du 'datum'?).",
        ),
        (
            "| datum }}",
            "| xyz }}",
            "content/01-inledning.md:7: {{ fakta.plan.decided | xyz }}: "
            "filtret 'xyz' finns inte (filter: datum, tal, procent, tkr).",
        ),
        (
            "{{ riktade_uppdrag }}",
            "{{ riktade_uppdrg }}",
            "content/01-inledning.md:13: {{ riktade_uppdrg }}: 'riktade_uppdrg' finns inte "
            "(menade du 'riktade_uppdrag'?).",
        ),
        (
            '{{ ref("arbetsliv") }}',
            "{{ ref }}",
            'content/01-inledning.md:11: {{ ref }} behöver parenteser med ett värde, t.ex. ref("id").',
        ),
    ],
)
def test_expression_errors_name_the_chapter_and_line(make_project, old, new, message):
    root = make_project("minimal")
    edit(root / "content/01-inledning.md", old, new)
    assert errors_of(root) == [message]


def test_an_unknown_directive_is_a_located_error(make_project):
    root = make_project("minimal")
    edit(root / "content/02-resultat.md", "{{ plan }}", "{{ planen }}")
    assert errors_of(root) == [
        "content/02-resultat.md:7: {{ planen }}: 'planen' finns inte (menade du 'plan'?)."
    ]


def test_a_syntax_error_is_a_located_error(make_project):
    root = with_chapter(make_project, "Ett {{ tal.x( }} fel.\n")
    assert errors_of(root) == [
        "content/03-extra.md:5: {{ tal.x( }} är inte ett giltigt uttryck "
        "(en parentes eller ett citattecken avslutas inte). "
        "Skriv till exempel {{ tal.norsjo_invanare }} eller {{ plan }}."
    ]


def test_ref_and_figur_with_wrong_arguments_say_how_to_call_them(make_project):
    body = 'Se {{ ref(12) }}.\n\nSe {{ ref(id="samverkan") }}.\n\n{{ figur("a", "b") }}\n\n{{ figur() }}\n'
    assert errors_of(with_chapter(make_project, body)) == [
        f"content/03-extra.md:{line}: {call}: {name}() tar ett enda id inom raka citattecken och "
        f'inget annat. Skriv till exempel {{{{ {name}("skr-prognos") }}}}.'
        for line, call, name in [
            (5, "ref(12)", "ref"),
            (7, 'ref(id="samverkan")', "ref"),
            (9, 'figur("a", "b")', "figur"),
            (11, "figur()", "figur"),
        ]
    ]


def test_an_id_without_quotes_says_to_quote_it_and_arithmetic_on_unknown_names_is_swedish(make_project):
    body = (
        "{{ figur(skr-prognos) }}\n\nSe {{ ref(samverkan) }}.\n\nDet blir {{ tal.invanare.varde * nej }}.\n"
    )
    assert errors_of(with_chapter(make_project, body)) == [
        "content/03-extra.md:5: {{ figur(skr-prognos) }}: id:t i figur() ska stå inom raka "
        'citattecken. Skriv figur("skr-prognos").',
        "content/03-extra.md:7: {{ ref(samverkan) }}: id:t i ref() ska stå inom raka citattecken. "
        'Skriv ref("samverkan").',
        "content/03-extra.md:9: {{ tal.invanare.varde * nej }}: 'nej' finns inte.",
    ]


def test_parentheses_after_a_name_that_takes_none_say_to_leave_them_out(make_project):
    errors = errors_of(with_chapter(make_project, "{{ plan() }}\n"))
    assert errors == [
        "content/03-extra.md:5: {{ plan() }}: det som står före ( kan inte ta något inom parentes; "
        'bara ref("id") och figur("id") gör det. Skriv namnet utan parenteser, till exempel '
        "{{ plan }} eller {{ tal.norsjo_invanare }}."
    ]


def test_ref_to_an_id_no_heading_has_is_a_located_error(make_project):
    root = with_chapter(make_project, 'Se {{ ref("nope") }}.\n\nSe {{ ref("samverka") }}.\n')
    errors = errors_of(root)
    assert len(errors) == 2
    assert errors[0].startswith('content/03-extra.md:5: ref("nope"): ingen rubrik')
    assert errors[0].endswith("har id:t 'nope'")
    assert errors[1].startswith('content/03-extra.md:7: ref("samverka"): ingen rubrik')
    assert errors[1].endswith("har id:t 'samverka' (menade du 'samverkan'?)")


def test_every_bad_expression_in_a_chapter_is_reported_in_one_run(make_project):
    root = with_chapter(make_project, "{{ tal.a }}\n\nText {{ tal.b }}\noch {{ tal.c }}.\n")
    assert [error.split(": ")[0] for error in errors_of(root)] == [
        "content/03-extra.md:5",
        "content/03-extra.md:7",
        "content/03-extra.md:8",
    ]


def test_a_name_that_is_not_a_value_is_refused(make_project):
    root = with_chapter(make_project, "Alla tal: {{ tal }}.\n")
    assert [error.split(": ")[0] for error in errors_of(root)] == ["content/03-extra.md:5"]


def test_a_value_that_is_not_set_is_refused(make_project):
    root = with_chapter(make_project, "Undertitel: {{ rapport.subtitle }}.\n")
    assert [error.split(": ")[0] for error in errors_of(root)] == ["content/03-extra.md:5"]


def test_a_broken_directive_template_override_is_a_located_error(make_project):
    root = make_project("minimal")
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/plan.html.j2").write_text("<p>{% if %}</p>\n", encoding="utf-8")
    errors = errors_of(root)
    assert errors[0].startswith("templates/partials/plan.html.j2:1: mallen kan inte användas")


def test_a_block_never_closed_in_a_template_override_is_reported_at_its_opening_line(make_project):
    root = make_project("minimal")
    (root / "templates/partials").mkdir(parents=True)
    template = (
        "<table>\n{% set n = 1 %}\n{% for goal in facts.plan.goals %}\n"
        "<tr>{% if goal.label %}x{% endif %}</tr>\n</table>\n"
    )
    (root / "templates/partials/plan.html.j2").write_text(template, encoding="utf-8")
    errors = errors_of(root)
    assert errors[0].startswith(
        "templates/partials/plan.html.j2:3: mallen kan inte användas: ett {% … %}-block"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{% for i in range(10**9) %}x{% endfor %}",
            "mallen ber om en för lång talföljd (range() får ha högst 100 000 tal).",
        ),
        (
            '<p>\n{{ facts.conclusions | length + "x" }}</p>',
            "mallen kan inte köras med rapportens data: ett värde av fel slag, ett tal som inte "
            "kan räknas ut eller något som inte finns.",
        ),
    ],
)
def test_a_template_override_that_fails_while_it_runs_is_reported_at_its_own_line(
    make_project, template, message
):
    root = make_project("minimal")
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/plan.html.j2").write_text(template + "\n", encoding="utf-8")
    line = template.count("\n") + 1
    assert errors_of(root) == [
        f"templates/partials/plan.html.j2:{line}: {message} Rätta mallen eller ta bort den."
    ]


# --- the sandbox ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("fakta.__class__", "__class__"),
        ("''.__class__.__mro__", "__class__"),
        ("fakta.__class__.__init__.__globals__", "__init__"),
        ("rapport.__class__.__base__.__subclasses__()", "__class__"),
        ("lipsum.__globals__", "__globals__"),
        ("cycler.__init__.__globals__.os", "__init__"),
        ("tal.invanare._figure", "_figure"),
        ('"{0.__class__}".format(fakta)', "__class__"),
    ],
)
def test_python_internals_cannot_be_reached(make_project, expression, name):
    root = with_chapter(make_project, f"{{{{ {expression} }}}}\n")
    assert errors_of(root) == [
        f"content/03-extra.md:5: {{{{ {expression} }}}}: '{name}' får inte användas i texten."
    ]


def test_content_cannot_change_the_facts(make_project):
    root = with_chapter(make_project, "Töm{{ fakta.assignments.clear() }}.\n\n{{ riktade_uppdrag }}\n")
    errors = errors_of(root)
    assert [error.split(": ")[0] for error in errors] == ["content/03-extra.md:5"]


def test_a_huge_value_is_a_located_error(make_project):
    root = with_chapter(make_project, '{{ "x" * 10**15 }}\n')
    assert [error.split(": ")[0] for error in errors_of(root)] == ["content/03-extra.md:5"]


def test_council_elements_members_signature_sources_and_the_year_in_numbers(make_project):
    root = make_project("minimal")
    edit(
        root / "data/facts.yaml",
        "recommendations:\n",
        "members:\n  - name: Anna Ek\n    party: S\n    role: ordförande\n  - name: Per Ås\n    party: M\n"
        "recommendations:\n",
    )
    edit(
        root / "data/facts.yaml",
        "    unit: invånare\n",
        "    unit: invånare\n    label: Invånare i kommunen\n    source: SCB\n",
    )
    edit(
        root / "content/00-forord.md",
        "Ett förord utan nummer.\n",
        "Ett förord utan nummer.\n\n{{ underskrift }}\n\n{{ ledamoter }}\n\n"
        "{{ aret_i_siffror }}\n\n{{ kallor }}\n",
    )
    html = html_of(root)
    assert '<p class="signature-name">Anna Ek (S)</p>' in html
    assert '<p class="signature-role">Ordförande, Testberedningen</p>' in html
    assert '<tr><th scope="row">Per Ås</th><td>M</td><td>ledamot</td></tr>' in html
    assert "<dt>Invånare i kommunen</dt><dd>3\u00a0894\u00a0invånare</dd>" in html
    assert '<ul class="sources">\n<li>SCB</li>\n</ul>' in html


def _signed(make_project, people: str):
    root = make_project("minimal")
    edit(root / "data/facts.yaml", "recommendations:\n", people + "recommendations:\n")
    edit(
        root / "content/00-forord.md",
        "Ett förord utan nummer.\n",
        "Ett förord utan nummer.\n\n{{ underskrift }}\n",
    )
    return root


def test_the_chair_signs_whatever_the_capitals_of_the_role(make_project):
    # `role: Ordförande`, as on a members' list, was no chair, and the build stopped with an
    # error in the package's own template ("ett namn i mallen finns inte").
    root = _signed(make_project, "members:\n  - name: Anna Ek\n    party: S\n    role: Ordförande \n")
    assert '<p class="signature-name">Anna Ek (S)</p>' in html_of(root)


def test_without_a_chair_the_signature_shows_nothing_instead_of_a_template_error(make_project):
    root = _signed(make_project, "members:\n  - name: Anna Ek\n    role: vice ordförande\n")
    assert '<div class="signature">' not in html_of(root)


def test_those_in_signed_by_sign_side_by_side_with_their_roles(make_project):
    people = (
        "members:\n  - name: Anna Ek\n    party: S\n    role: ordförande\n"
        "signed_by:\n  - name: Anna Ek\n    party: S\n    role: ordförande\n"
        "  - name: Per Ås\n    role: sekreterare\n"
    )
    html = html_of(_signed(make_project, people))
    signature = html[html.index('<div class="signature">') :]
    assert signature.index("Anna Ek (S)") < signature.index("Ordförande<") < signature.index("Per Ås")
    assert '<p class="signature-role">Sekreterare</p>' in signature
    assert "Ordförande, Testberedningen" not in html


def test_a_signatory_without_a_role_is_a_located_error(make_project):
    root = _signed(make_project, "signed_by:\n  - name: Per Ås\n")
    errors = errors_of(root)
    assert len(errors) == 1 and errors[0].startswith("data/facts.yaml:"), errors
    assert "role" in errors[0]


def test_an_activity_names_who_carries_it_out_and_when(make_project):
    # A plan for next year gives each activity a responsible unit and a quarter; the keys
    # were refused ("okänd nyckel 'responsible'").
    root = make_project("minimal")
    edit(
        root / "data/facts.yaml",
        "      text: Skicka en enkät.\n",
        "      text: Skicka en enkät.\n      responsible: Analysenheten\n      period: kv 1–2\n",
    )
    edit(
        root / "data/facts.yaml",
        "      text: Besöka två kommuner.\n",
        "      text: Besöka två kommuner.\n      period: våren\n",
    )
    plan = chapter_of(html_of(root), "resultat")
    assert '<span class="activity-meta">Ansvar: Analysenheten. Tid: kv\u00a01–\u20602</span>' in plan
    assert '<span class="activity-meta">Tid: våren</span>' in plan
