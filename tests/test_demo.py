"""The demo report end to end: built into a temporary folder, then read back as a user would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf

HEADINGS = [
    "1 Sammanfattning",
    "2 Fullmäktigeberedningen för kompetensförsörjning",
    "2.1 Syfte och uppdrag",
    "2.2 Riktade uppdrag för 2025",
    "2.3 Beredningens verksamhetsplan för 2025",
    "3 Resultat",
    "3.1 Avtalssamverkan mellan kommuner och regioner",
    "3.2 Ett förlängt arbetsliv och senior kompetens",
    "3.3 Åldersdiskriminering och jämställdhet i arbetslivet",
    "3.4 Kommunala perspektiv och utbildning",
    "3.5 Nationella och regionala nätverk och organisationer",
    "3.6 Projekt och särskilda initiativ",
    "3.7 Tillsammans för en hållbar kompetensförsörjning",
    "4 Beredningens avslutande kommentar",
]

APPENDIX = "Bilaga 1 Region Västerbottens åtgärdsplan för kompetensförsörjning 2023–2030"

FIGURES = [
    "13 ledamöter",
    "3 894 invånare",
    "430 anställda",
    "6,9 %",
    "140",
    "11 %",
    "50 %",
    "10 000",
    "+60 %",
    "−8 %",
    "+32 %",
    "17 februari 2025",
]


def pdf_text(pdf: Path, first_page: int = 1) -> str:
    text = subprocess.run(
        ["pdftotext", "-f", str(first_page), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_pdf_has_every_heading_in_order_with_its_number(demo):
    body = pdf_text(demo / "arsrapport-2025.pdf", first_page=3)  # after cover and contents
    text = re.sub(r"\s+", " ", body)
    position = 0
    for heading in HEADINGS:  # each found after the previous one
        position = text.index(f" {heading} ", position) + len(heading)


def test_pdf_shows_the_figures_the_swedish_way(demo):
    text = re.sub(r"\s+", " ", pdf_text(demo / "arsrapport-2025.pdf"))
    missing = [figure for figure in FIGURES if figure not in text]
    assert missing == []


def test_pdf_metadata_comes_from_report_yaml(demo):
    with pikepdf.open(demo / "arsrapport-2025.pdf") as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]).startswith("Årsrapport 2025")
        assert str(info["/Author"]) == "Fullmäktigeberedningen för kompetensförsörjning"
        assert str(info["/CreationDate"]).startswith("D:20251125")
        assert str(pdf.Root.Lang) == "sv"
        assert len(pdf.pages) >= 15


def test_pdf_embeds_every_font_and_only_the_vendored_family(demo):
    listing = subprocess.run(
        ["pdffonts", str(demo / "arsrapport-2025.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing
    for row in listing:
        assert "Source-Sans-3" in row
        assert row.split()[-5] == "yes"  # the "emb" column


def test_html_is_one_file_with_headings_and_nothing_from_other_hosts(demo):
    html = (demo / "arsrapport-2025.html").read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="sv">')
    titles = re.findall(r'<h2 class="chapter-title" id="[^"]+">(.*?)</h2>', html)
    plain = [re.sub(r"<[^>]+>", "", t).replace("\u00ad", "").strip() for t in titles]  # soft hyphens
    assert plain == ["Om rapporten"] + [h for h in HEADINGS if re.match(r"^\d ", h)] + [APPENDIX]
    assert re.findall(r'<h3 id="[^"]+"><span class="heading-number">(3\.\d)</span>', html) == [
        f"3.{n}" for n in range(1, 8)
    ]
    resources = re.findall(r'(?:src|<link[^>]*href)="([^"#][^"]*)"|url\(\s*["\']?([^)"\']+)', html)
    fetched = [a or b for a, b in resources]
    assert fetched, "the page has its fonts inline"
    assert all(url.startswith(("data:", "mailto:")) for url in fetched)
    assert "<link" not in html and "<script" not in html


def test_html_and_pdf_carry_the_plan_from_the_facts(demo):
    html = (demo / "arsrapport-2025.html").read_text(encoding="utf-8")
    start = html.index('<table class="plan-table" id="tabell-plan">')
    table = html[start : html.index("</table>", start)]
    assert table.count('<th scope="row" class="goal" data-label="Mål">') == 4
    assert table.count('<span class="status status-done">Genomförd</span>') == 8
    assert "fastställd 17 februari 2025" in html


def test_the_action_plan_appendix_claims_no_priority_the_facts_do_not_give(demo):
    """Seed 004 marks its highest-priority actions in bold, which its text lost: the demo
    cannot know which they are, so it marks none and says so instead of guessing."""
    from kfsreport.errors import Problems
    from kfsreport.load.folder import load_project
    from kfsreport.validate.report import validate
    from tests.conftest import REPO

    report = validate(load_project(REPO)[0], Problems())
    assert report.facts.action_plan is not None
    actions = [action for group in report.facts.action_plan.groups for action in group.actions]
    html = (demo / "arsrapport-2025.html").read_text(encoding="utf-8")
    appendix = html[html.index('id="bilaga-atgardsplan"') :]
    if not any(action.priority == "high" for action in actions):
        assert "priority-legend" not in appendix and "Högst prioriterad" not in appendix
        assert "anger bilagan inte vilka åtgärder det gäller" in appendix
    assert appendix.count('<table class="action-table"') == 8
    assert sum(appendix.count(f"<td>{action.text}</td>") for action in actions) == len(actions) == 34


def test_a_table_caption_is_never_left_at_the_foot_of_a_page(demo):
    """Each action-plan group's caption stands on the page where its table starts (print.css:
    caption { break-after: avoid }); before, one was left alone at the foot of a page."""
    from kfsreport.errors import Problems
    from kfsreport.load.folder import load_project
    from kfsreport.validate.report import validate
    from tests.conftest import REPO

    plan = validate(load_project(REPO)[0], Problems()).facts.action_plan
    assert plan is not None
    pages = [" ".join(page.split()) for page in pdf_text(demo / "arsrapport-2025.pdf").split("\f")]
    for group in plan.groups:
        caption = f"{group.title} ({len(group.actions)} åtgärder)"
        first = " ".join(group.actions[0].text.split())[:40]
        [page] = [page for page in pages if caption in page]
        assert first in page, f"the caption '{caption}' stands without its table"
