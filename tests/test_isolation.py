"""A build reads only the report folder and the package's templates, and fetches nothing."""

from __future__ import annotations

import base64
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.rendering import chapter_of, errors_of, html_of, print_html_of

IMAGE_HINT = "Spara bilden i content/ eller data/ och skriv en relativ sökväg, t.ex. bilder/karta.png."
LINK_HINT = "Länka till en webbadress (https://…), en e-postadress (mailto:…) eller en rubrik (#id)."
URL_HINT = "Lägg filen i rapportens templates/ och skriv en relativ sökväg."


class Listener:
    """A TCP server on 127.0.0.1 that accepts and records every connection, and answers nothing."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, peer = self.server.accept()
            except TimeoutError:
                continue
            self.connections.append(peer)
            connection.close()

    def close(self) -> list[tuple[str, int]]:
        """Stop listening; return every connection made, including any still waiting to be accepted."""
        if self._stop.is_set():
            return self.connections
        self._stop.set()
        self._thread.join()
        self.server.setblocking(False)
        while True:
            try:
                connection, peer = self.server.accept()
            except BlockingIOError:
                break
            self.connections.append(peer)
            connection.close()
        self.server.close()
        return self.connections


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def add_chapter(root: Path, body: str) -> None:
    """`content/03-extra.md` in the minimal fixture, its body starting on line 5."""
    (root / "content/03-extra.md").write_text("---\ntitle: Extra\n---\n\n" + body, encoding="utf-8")


def test_the_listener_sees_a_connection_when_there_is_one(listener):
    with socket.create_connection(("127.0.0.1", listener.port)):
        pass
    assert len(listener.close()) == 1


# --- images ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "message"),
    [
        (
            "/etc/passwd",
            f"bilden '/etc/passwd' hämtas inte: bilder måste ligga i rapportmappen. {IMAGE_HINT}",
        ),
        (
            "file:///etc/passwd",
            f"bilden 'file:///etc/passwd' hämtas inte: bilder måste ligga i rapportmappen. {IMAGE_HINT}",
        ),
        ("../../../etc/passwd", "bilden '../../../etc/passwd' ligger utanför rapportmappen och läses inte."),
        ("%2Fetc%2Fpasswd", "bilden '%2Fetc%2Fpasswd' ligger utanför rapportmappen och läses inte."),
    ],
)
def test_an_image_outside_the_folder_is_refused_with_chapter_and_line(make_project, cli, src, message):
    root = make_project("minimal")
    add_chapter(root, f"Text.\n\n![x]({src})\n")
    run = cli("build", "--project", str(root))
    assert run.code == 1
    assert run.err.splitlines()[0] == f"content/03-extra.md:7: {message}"
    assert "Traceback" not in run.err
    assert not (root / "output").exists()


@pytest.mark.parametrize("src", ["http://127.0.0.1:{port}/bild.png", "//127.0.0.1:{port}/bild.png"])
def test_an_image_on_the_network_is_refused_and_never_fetched(make_project, cli, listener, src):
    src = src.format(port=listener.port)
    root = make_project("minimal")
    add_chapter(root, f"![Bild]({src})\n")
    run = cli("build", "--project", str(root))
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f"content/03-extra.md:5: bilden '{src}' hämtas inte: bilder måste ligga i rapportmappen. {IMAGE_HINT}"
    )
    assert listener.close() == []


@pytest.mark.parametrize("target", ["/etc/hostname", "outside"])
def test_an_image_that_is_a_symlink_out_of_the_folder_is_refused(make_project, tmp_path, target):
    root = make_project("minimal")
    if target == "outside":
        target = tmp_path / "hemlig.png"
        Image.new("RGB", (1, 1)).save(target)
    os.symlink(target, root / "content/bild.png")
    add_chapter(root, "![En bild](bild.png)\n")
    assert errors_of(root) == [
        "content/bild.png: filen är en symbolisk länk; länkar följs inte. "
        "Kopiera in filen eller mappen i stället för att länka till den."
    ]


@pytest.mark.parametrize("name", ["content/03-hemlig.md", "data/facts.yaml"])
def test_a_source_file_that_is_a_symlink_out_of_the_folder_is_not_read(make_project, cli, tmp_path, name):
    root = make_project("minimal")
    outside = tmp_path / "hemlig.txt"
    outside.write_text("---\ntitle: Hemlig\n---\n\nHemlig text.\n", encoding="utf-8")
    (root / name).unlink(missing_ok=True)
    os.symlink(outside, root / name)
    run = cli("build", "--project", str(root), "--format", "html")
    assert run.code == 1
    assert (
        run.err.splitlines()[0] == f"{name}: filen är en symbolisk länk; länkar följs inte. "
        "Kopiera in filen eller mappen i stället för att länka till den."
    )


def test_an_image_inside_the_folder_is_embedded_as_a_data_uri(make_project):
    root = make_project("minimal")
    (root / "content/bilder").mkdir()
    Image.new("RGB", (3, 2), (200, 30, 40)).save(root / "content/bilder/karta.png")
    add_chapter(root, "![Karta över *länet*](bilder/karta.png)\n")
    data = base64.b64encode((root / "content/bilder/karta.png").read_bytes()).decode()
    html = html_of(root)
    image = f'<p><img src="data:image/png;base64,{data}" alt="Karta över länet"></p>'
    assert image in chapter_of(html, "extra")
    assert "bilder/karta.png" not in html


def test_an_image_needs_alternative_text(make_project):
    root = make_project("minimal")
    Image.new("RGB", (1, 1)).save(root / "content/karta.png")
    add_chapter(root, "![](karta.png)\n")
    assert errors_of(root) == [
        "content/03-extra.md:5: bilden saknar alternativtext. "
        "Beskriv bilden inom hakparentesen: ![Karta över länet](karta.png)."
    ]


# --- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "//evil.example/",
    ],
)
def test_links_that_could_run_code_or_read_files_are_located_errors(make_project, href):
    root = make_project("minimal")
    add_chapter(root, f"Text.\n\nEn [länk]({href}) här.\n")
    assert errors_of(root) == [f"content/03-extra.md:7: länken '{href}' kan inte användas. {LINK_HINT}"]


def test_links_to_the_web_mail_phone_and_headings_are_kept(make_project):
    root = make_project("minimal")
    add_chapter(
        root, "[a](https://example.se/x?y=1) [b](mailto:info@example.se) [c](tel:+46901234) [d](#samverkan)\n"
    )
    html = chapter_of(html_of(root), "extra")
    assert (
        '<p><a href="https://example.se/x?y=1">a</a><span class="link-address"> (example.se/x?y=1)</span> '
        '<a href="mailto:info@example.se">b</a> <a href="tel:+46901234">c</a> <a href="#samverkan">d</a></p>'
    ) in html


# --- stylesheets and templates --------------------------------------------------------------


def override(root: Path, name: str, text: str) -> None:
    path = root / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_stylesheet_override_may_not_point_outside_or_import(make_project):
    root = make_project("minimal")
    override(
        root,
        "css/print.css",
        "body { color: #222; }\n"
        ".a { background: url(/etc/passwd); }\n"
        ".b { background: url('../../secret.css'); }\n"
        "@import 'extra.css';\n"
        ".c { background: url(http://127.0.0.1:9/bild.png); }\n",
    )
    outside = "pekar utanför mallmappen eller på en fil som inte finns."
    assert errors_of(root, ("pdf",)) == [
        f"templates/css/print.css:2: url(/etc/passwd) {outside} {URL_HINT}",
        f"templates/css/print.css:3: url(../../secret.css) {outside} {URL_HINT}",
        "templates/css/print.css:4: @import stöds inte i stilmallarna. Lägg reglerna direkt i filen.",
        f"templates/css/print.css:5: url(http://127.0.0.1:9/bild.png) {outside} {URL_HINT}",
    ]


def test_a_stylesheet_override_with_valid_rules_is_used(make_project):
    root = make_project("minimal")
    (root / "templates/bilder").mkdir(parents=True)
    Image.new("RGB", (1, 1)).save(root / "templates/bilder/logga.png")
    override(root, "css/print.css", ".cover { background: url(../bilder/logga.png); color: #123456; }\n")
    html = print_html_of(root)
    logo = (root / "templates/bilder/logga.png").resolve().as_uri()
    assert f'.cover {{ background: url("{logo}"); color: #123456; }}' in html
    assert "@page {\n  size: A4;" not in html


def test_a_screen_stylesheet_override_changes_the_html(make_project):
    root = make_project("minimal")
    override(root, "css/screen.css", ".site-header { background: #654321; }\n")
    html = html_of(root)
    assert ".site-header { background: #654321; }" in html
    assert ".skip-link:focus" not in html


@pytest.mark.parametrize(
    "rule",
    [
        '.a { background-image: image-set("http://127.0.0.1:9/a.png" 1x); }',
        '.a { background: u\\72l("http://127.0.0.1:9/a.png"); }',
        '@\\69mport "http://127.0.0.1:9/a.css";',
    ],
)
def test_a_screen_stylesheet_cannot_reach_the_network_by_other_spellings(make_project, rule):
    root = make_project("minimal")
    override(root, "css/screen.css", rule + "\n")
    errors = errors_of(root)
    assert errors[0].startswith("templates/css/screen.css:1: ")


def test_a_template_override_replaces_the_package_template(make_project):
    root = make_project("minimal")
    override(
        root,
        "partials/footer.html.j2",
        '<footer class="egen-sidfot">'
        "<p>{{ page.report.organisation }}, {{ page.report.year }}</p></footer>\n",
    )
    html = html_of(root)
    assert '<footer class="egen-sidfot"><p>Region Test, 2030</p></footer>' in html
    assert "site-footer" not in html.split("</style>")[1]


def test_a_template_reference_to_the_network_fails_the_pdf_without_fetching(make_project, cli, listener):
    root = make_project("minimal")
    url = f"http://127.0.0.1:{listener.port}/logga.png"
    override(root, "partials/back_cover.html.j2", f'<footer><img src="{url}" alt="Logga"></footer>\n')
    run = cli("build", "--project", str(root), "--format", "pdf")
    assert run.code == 1
    # Refused before layout by the check of the print edition's HTML (the fetcher would too).
    assert run.err.splitlines()[0] == (
        f"templates: Tryckutgåvans HTML (som PDF:en görs av) skulle hämta '{url}'; sidan ska vara "
        "fristående och hämtar ingenting. Ta bort det ur mallen eller lägg in innehållet i mallen."
    )
    assert listener.close() == []
    assert not (root / "output").exists()


def svg_fetching(url: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{url}" width="10" height="10"/></svg>\n'
    )


def test_an_svg_image_that_refers_to_the_network_is_not_fetched_for_the_pdf(make_project, cli, listener):
    root = make_project("minimal")
    (root / "content/bild.svg").write_text(
        svg_fetching(f"http://127.0.0.1:{listener.port}/x.png"), encoding="utf-8"
    )
    add_chapter(root, "![En bild](bild.svg)\n")
    cli("build", "--project", str(root), "--format", "pdf")
    assert listener.close() == []


def test_an_svg_image_that_refers_to_the_network_is_reported(make_project, cli, listener):
    root = make_project("minimal")
    url = f"http://127.0.0.1:{listener.port}/x.png"
    (root / "content/bild.svg").write_text(svg_fetching(url), encoding="utf-8")
    add_chapter(root, "![En bild](bild.svg)\n")
    run = cli("build", "--project", str(root), "--format", "pdf")
    assert run.code == 1
    assert run.err.startswith(
        f"content/03-extra.md:5: bilden 'bild.svg' hänvisar till '{url}'; en SVG-bild måste vara fristående."
    )


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="file:///etc/hostname" alt="x">',
        '<script src="http://127.0.0.1:9/a.js"></script>',
        '<link rel="stylesheet" href="https://cdn.example/a.css">',
    ],
)
def test_a_screen_template_that_would_load_something_is_refused(make_project, cli, tag):
    root = make_project("minimal")
    override(root, "partials/footer.html.j2", f"<footer>{tag}</footer>\n")
    run = cli("build", "--project", str(root), "--format", "html")
    assert run.code == 1
    assert run.err.startswith("templates: HTML-sidan skulle hämta '")
    assert not (root / "output").exists()
