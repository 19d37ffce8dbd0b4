"""`kfsreport serve` as an editor meets it: save a chapter and the open page reloads with the
new text; break the facts and the page shows the message over the last good version; fix it
and the page comes back. Everything on 127.0.0.1, nothing written to output/."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kfsreport.commands.serve import PreviewServer
from tests.conftest import edit

WAIT = 30.0


class Events:
    """A reader of the preview's server-sent events, as the page's EventSource reads them."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        self.version = self.next()

    def next(self, kind: str = "reload") -> str:
        """The data of the next event of `kind` (`reload`, or `pdf` for the PDF's state)."""
        deadline = time.monotonic() + WAIT
        event = ""
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == kind:
                return line.removeprefix("data: ")
        raise AssertionError(f"no {kind} event")

    def pdf_state(self, text: str) -> None:
        """Wait until the page is told the PDF's state `text` (a part of what it shows)."""
        while text not in self.next("pdf"):
            pass

    def reload(self) -> str:
        """Wait for a version other than the one the page shows."""
        shown = self.version
        while self.version == shown:
            self.version = self.next()
        return self.version

    def close(self) -> None:
        self.connection.close()


def get(port: int, path: str = "/") -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


def page(port: int) -> str:
    return get(port)[2].decode("utf-8")


@pytest.fixture
def preview(make_project) -> Iterator[tuple[Path, int]]:
    project = make_project("minimal")
    with PreviewServer(project, port=0) as server:
        assert server.url.startswith("http://127.0.0.1:")
        yield project, int(server.url.rstrip("/").rsplit(":", 1)[1])


def test_saving_a_chapter_reloads_the_page_with_the_new_text(preview):
    project, port = preview
    first = page(port)
    assert "Ett förord utan nummer." in first
    assert 'new EventSource("/events")' in first
    events = Events(port)
    edit(project / "content" / "00-forord.md", "Ett förord utan nummer.", "Ett nyskrivet förord.")
    version = events.reload()
    shown = page(port)
    assert "Ett nyskrivet förord." in shown
    assert f'const shown = "{version}"' in shown
    events.close()
    assert not (project / "output").exists()


def test_a_broken_edit_shows_the_message_and_keeps_the_last_good_page_until_fixed(preview):
    project, port = preview
    events = Events(port)
    edit(project / "content" / "00-forord.md", "Ett förord utan nummer.", "Ett nyskrivet förord.")
    events.reload()
    facts = project / "data" / "facts.yaml"
    edit(facts, "      goal: mal-b\n", "      goal: mal-c\n")
    events.reload()
    broken = page(port)
    assert (
        "<li><code>data/facts.yaml:28: aktiviteten &#39;akt-2&#39; hänvisar till målet &#39;mal-c&#39;, "
        "som inte finns. (menade du &#39;mal-b&#39;?)</code></li>"
    ) in broken
    assert "Förhandsvisningen kunde inte byggas om." in broken
    assert "Under visas den senaste versionen som fungerade." in broken
    assert "Ett nyskrivet förord." in broken
    assert 'new EventSource("/events")' in broken
    edit(facts, "      goal: mal-c\n", "      goal: mal-b\n")
    events.reload()
    fixed = page(port)
    assert "kfsreport-fel" not in fixed
    assert "Ett nyskrivet förord." in fixed
    events.close()


def test_report_settings_are_watched_too(preview):
    project, port = preview
    events = Events(port)
    edit(project / "report.yaml", "title: Testrapport 2030", "title: Ändrad rapport 2030")
    events.reload()
    assert "Ändrad rapport 2030" in page(port)
    events.close()


def test_the_pdf_is_served_and_made_again_when_the_inputs_change(preview):
    project, port = preview
    status, kind, first = get(port, "/rapport.pdf")
    assert (status, kind) == (200, "application/pdf")
    assert first.startswith(b"%PDF-")
    events = Events(port)
    edit(project / "content" / "00-forord.md", "Ett förord utan nummer.", "Ett nyskrivet förord.")
    events.reload()
    status, _, second = get(port, "/rapport.pdf")
    assert status == 200
    assert second.startswith(b"%PDF-") and second != first
    events.close()
    assert not (project / "output").exists()


def test_other_addresses_are_not_found(preview):
    _, port = preview
    status, _, body = get(port, "/../report.yaml")
    assert status == 404
    assert (
        body.decode("utf-8") == "Sidan finns inte. Förhandsvisningen finns på / och PDF:en på /rapport.pdf."
    )


def test_a_port_in_use_gets_a_swedish_message(make_project, cli):
    project = make_project("minimal")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = cli("serve", "--project", str(project), "--port", str(port))
    assert run.code == 1
    assert (
        f"Porten {port} används redan av ett annat program. Välj en annan: kfsreport serve --port {port + 1}"
        in run.err
    )


def test_each_pdf_refresh_is_laid_out_by_the_same_warm_process(make_project):
    project = make_project("minimal")
    with PreviewServer(project, port=0) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        assert get(port, "/rapport.pdf")[0] == 200
        maker = server.preview.pdf._server
        first = maker.pid
        assert first is not None
        events = Events(port)
        for word in ("Ett", "Två"):
            edit(project / "content" / "00-forord.md", "Ett förord", f"{word} förord")
            events.reload()
            status, _, pdf = get(port, "/rapport.pdf")
            assert status == 200 and pdf.startswith(b"%PDF-")
            assert maker.pid == first  # WeasyPrint was not imported again
        events.close()


def test_a_pdf_that_cannot_be_made_says_why_and_a_dead_pdf_process_is_replaced(make_project):
    project = make_project("minimal")
    with PreviewServer(project, port=0) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        events = Events(port)
        edit(project / "data" / "facts.yaml", "      goal: mal-b\n", "      goal: mal-c\n")
        events.reload()
        status, kind, body = get(port, "/rapport.pdf")
        assert (status, kind) == (503, "text/plain; charset=utf-8")
        assert "data/facts.yaml:" in body.decode("utf-8") and "mal-c" in body.decode("utf-8")
        edit(project / "data" / "facts.yaml", "      goal: mal-c\n", "      goal: mal-b\n")
        events.reload()
        assert get(port, "/rapport.pdf")[0] == 200
        maker = server.preview.pdf._server
        assert maker.pid is not None
        os.kill(maker.pid, signal.SIGKILL)
        time.sleep(0.2)
        edit(project / "content" / "00-forord.md", "Ett förord", "Ännu ett förord")
        events.reload()
        status, _, pdf = get(port, "/rapport.pdf")
        if status != 200:  # the refresh that met the dead process says so; the next one works
            assert b"PDF-processen avslutades" in pdf
            edit(project / "content" / "00-forord.md", "Ännu ett förord", "Ett förord")
            events.reload()
            status, _, pdf = get(port, "/rapport.pdf")
        assert status == 200 and pdf.startswith(b"%PDF-")
        events.close()


def get_as(port: int, host: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    connection.putrequest("GET", "/", skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_only_requests_for_this_computer_are_answered(preview):
    _, port = preview
    assert get_as(port, f"127.0.0.1:{port}")[0] == 200
    assert get_as(port, f"localhost:{port}")[0] == 200
    for host in ("angripare.example", f"angripare.example:{port}", f"127.0.0.1:{port + 1}", ""):
        status, _, body = get_as(port, host)
        assert status == 421
        assert b"<html" not in body and "127.0.0.1" in body.decode("utf-8")


def test_the_page_may_run_only_the_reload_script_and_load_nothing(preview):
    _, port = preview
    _, headers, body = get_as(port, f"127.0.0.1:{port}")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "base-uri 'none'" in policy
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert body.decode("utf-8").count("<script") == 1
    assert f'<script nonce="{nonce}">' in body.decode("utf-8")


def test_a_browser_that_leaves_early_is_no_error(preview, capfd):
    _, port = preview
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert get(port)[0] == 200  # the server still answers, and said nothing about the others
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipeError" not in err


def test_ctrl_c_in_the_terminal_leaves_the_pdf_process_quiet(make_project, capfd):
    project = make_project("minimal")
    with PreviewServer(project, port=0) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        assert get(port, "/rapport.pdf")[0] == 200  # the PDF process is up and answering
        maker = server.preview.pdf._server
        assert maker.pid is not None
        os.kill(maker.pid, signal.SIGINT)  # what Ctrl+C sends to every process in the terminal
        edit(project / "content" / "00-forord.md", "Ett förord", "Ett nytt förord")
        events = Events(port)
        events.reload()
        assert get(port, "/rapport.pdf")[0] == 200
        events.close()
    err = capfd.readouterr().err
    assert "KeyboardInterrupt" not in err and "Traceback" not in err


def pdf_text(pdf: bytes) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_the_pdf_is_never_an_old_one_while_it_is_made_again_or_the_files_are_broken(make_project):
    import threading

    project = make_project("minimal")
    with PreviewServer(project, port=0) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        assert 'id="kfsreport-pdf"' in page(port) and "Öppna PDF:en" in page(port)
        events = Events(port)
        assert get(port, "/rapport.pdf")[0] == 200
        events.pdf_state("PDF:en är klar")
        assert "PDF:en är klar" in page(port)
        # Hold the next rebuild right after it has begun, as a slow one would be held.
        begun, go_on = threading.Event(), threading.Event()
        build = server.preview._build

        def held() -> Any:
            begun.set()
            go_on.wait(WAIT)
            return build()

        server.preview._build = held  # type: ignore[method-assign]
        edit(project / "content" / "00-forord.md", "Ett förord utan nummer.", "Ett nyskrivet förord.")
        assert begun.wait(WAIT)
        events.pdf_state("PDF:en görs om")
        fetched: list[tuple[int, str, bytes]] = []
        request = threading.Thread(target=lambda: fetched.append(get(port, "/rapport.pdf")))
        request.start()
        request.join(1.0)  # a request during the rebuild waits for the new PDF
        go_on.set()
        request.join(WAIT)
        status, _, pdf = fetched[0]
        assert status == 200 and "Ett nyskrivet förord." in pdf_text(pdf)
        server.preview._build = build  # type: ignore[method-assign]
        edit(project / "data" / "facts.yaml", "      goal: mal-b\n", "      goal: mal-c\n")
        events.pdf_state("Ingen ny PDF förrän felen är rättade")
        status, kind, body = get(port, "/rapport.pdf")
        assert (status, kind) == (503, "text/plain; charset=utf-8")
        assert "mal-c" in body.decode("utf-8")
        events.close()


def test_the_terminal_says_once_when_an_error_appears_and_when_it_is_fixed(preview, caplog):
    project, port = preview
    events = Events(port)
    facts = project / "data" / "facts.yaml"
    with caplog.at_level("WARNING", logger="kfsreport"):
        edit(facts, "      goal: mal-b\n", "      goal: mal-c\n")
        events.reload()
        edit(project / "content" / "00-forord.md", "Ett förord", "Ett annat förord")  # still broken
        events.reload()
        edit(facts, "      goal: mal-c\n", "      goal: mal-b\n")
        events.reload()
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "data/facts.yaml:28: aktiviteten 'akt-2' hänvisar till målet 'mal-c', som inte finns."
        " (menade du 'mal-b'?)",
        "Felen är rättade; förhandsvisningen visar den nya versionen.",
    ]
    events.close()


def test_head_requests_get_the_headers_of_a_get(preview):
    _, port = preview
    for path, kind in (("/", "text/html; charset=utf-8"), ("/rapport.pdf", "application/pdf")):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("HEAD", path)
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Type")) == (200, kind)
        assert int(response.getheader("Content-Length") or 0) > 0
        assert response.read() == b""
        connection.close()
