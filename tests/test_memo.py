"""A short document (`layout: memo`): no cover, contents or back cover, chapters that follow
one another, a header with the title and the practical facts on the first page."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

from kfsreport.commands.chapterpdf import Chapters, chapter_spans
from kfsreport.commands.check.pdfcheck import check_pdf
from tests.rendering import errors_of, html_of, print_html_of


def memo(make_project) -> Path:
    root = make_project("minimal")
    settings = root / "report.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "layout: memo\n", encoding="utf-8")
    return root


def test_a_memo_opens_with_a_header_instead_of_a_cover_contents_and_back_cover(make_project):
    # A three-page decision memo came out with cover, inside page, contents and back cover.
    root = memo(make_project)
    html = print_html_of(root)
    assert '<body class="edition-print layout-memo">' in html
    assert '<h1 class="memo-title">Testrapport 2030</h1>' in html
    facts = html[html.index('<dl class="memo-facts">') : html.index("</dl>")]
    assert "Diarienummer" in facts and "Period" in facts
    for part in ('<header class="cover"', '<nav class="toc"', '<footer class="back-cover"'):
        assert part not in html
    assert ".layout-memo .chapter { break-before: auto; }" in html
    # A page that goes on with chapter 2 and begins chapter 3 lower down: "2 …" at its head.
    assert "@page { @top-left { content: string(chapter, start); } }" in html
    screen = html_of(root)
    assert "layout-memo" in screen and 'class="site-header"' in screen and "memo-title" not in screen


def test_a_memo_pdf_is_only_its_text_and_passes_the_checker(make_project, cli):
    root = memo(make_project)
    assert cli("build", "--project", str(root), "--format", "pdf").code == 0
    path = root / "output/testrapport-2030.pdf"
    assert check_pdf(path) == []
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
    assert pages <= 3  # a report with the same chapters has cover, inside page, contents, back cover


def test_an_unknown_layout_is_a_located_error(make_project):
    root = make_project("minimal")
    settings = root / "report.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "layout: pm\n", encoding="utf-8")
    (error,) = errors_of(root)
    assert error.startswith(
        "report.yaml:9: 'layout' har värdet 'pm', som inte är tillåtet. Välj ett av: 'report', 'memo'"
    )


def test_a_memo_has_no_chapter_pdf_in_the_preview_only_its_whole_pdf(make_project):
    """A memo's chapters follow one another on the page; the preview's chapter PDF laid one
    out alone from the top of a page, showing pages the memo does not have."""
    root = memo(make_project)
    html = print_html_of(root)
    assert chapter_spans(html) == []
    chapters = Chapters()
    chapters.edition(html, root, 1)
    assert chapters.spans == {}
    report = html.replace('<body class="edition-print layout-memo">', '<body class="edition-print">')
    assert [span.source for span in chapter_spans(report)][:2] == [
        "content/00-forord.md",
        "content/01-inledning.md",
    ]


def test_a_registration_number_written_with_its_label_is_a_located_error(make_project):
    # `Dnr: RUN 2025/123` from a letterhead was printed "Diarienummer Dnr: RUN 2025/123".
    root = memo(make_project)
    settings = root / "report.yaml"
    text = settings.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("registration_number:"))
    lines = text.splitlines()
    lines[line - 1] = "registration_number: 'Dnr: RUN 2030/7'"
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert errors_of(root) == [
        f"report.yaml:{line}: 'registration_number': 'Dnr: RUN 2030/7' börjar med 'Dnr:', men "
        "rapporten skriver själv Diarienummer framför numret; skriv bara numret: RUN 2030/7."
    ]


def test_a_kind_named_after_the_document_says_which_kind_it_is(make_project):
    # `kind: remissvar` listed the four kinds in English words and left the writer guessing.
    root = make_project("minimal")
    settings = root / "report.yaml"
    text = settings.read_text(encoding="utf-8")
    kind = next(line for line in text.splitlines() if line.startswith("kind:"))
    settings.write_text(text.replace(kind, "kind: remissvar"), encoding="utf-8")
    (error,) = errors_of(root)
    assert "'kind' har värdet 'remissvar', som inte är tillåtet. Välj ett av: 'annual'" in error
    assert "allt annat report (ett remissvar, ett faktablad" in error and "layout: memo" in error


def test_a_consultation_response_names_its_recipient_and_the_recipients_number(make_project):
    # A response to a ministry had nowhere to put the ministry and its registration number.
    root = memo(make_project)
    settings = root / "report.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        + "recipient: Socialdepartementet\nrecipient_reference: S2026/01872\n",
        encoding="utf-8",
    )
    printed = print_html_of(root)
    printed = printed[printed.index('<dl class="memo-facts">') : printed.index("</dl>")]
    words = " ".join(re.sub(r"<[^>]+>", " ", printed).split())
    assert "Mottagare Socialdepartementet Mottagarens diarienummer S2026" in words
    assert "<dt>Mottagare</dt><dd>Socialdepartementet</dd>" in html_of(root)


def test_the_recipients_number_written_with_its_label_is_a_located_error(make_project):
    root = memo(make_project)
    settings = root / "report.yaml"
    text = settings.read_text(encoding="utf-8") + "recipient_reference: Dnr S2026/01872\n"
    settings.write_text(text, encoding="utf-8")
    (error,) = errors_of(root)
    assert error.startswith(f"report.yaml:{len(text.splitlines())}: ")
    assert (
        "rapporten skriver själv Mottagarens diarienummer framför numret; skriv bara numret: S2026/01872"
        in error
    )
