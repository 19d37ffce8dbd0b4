"""`kfsreport serve`: a live preview of the HTML edition while the secretariat writes.

The build's own stages (`pipeline.make`: load → validate → charts → render, HTML only) run
in this process, with imports warm and the drawn charts and font subsets in the cache
(`cache.py`), whenever a file under `content/`, `data/` or `templates/`, or `report.yaml`,
is saved (watchfiles). The page is kept in memory
and served on 127.0.0.1 only; a small script in the page (added only here, never to
`output/`) listens for server-sent events and reloads it. A broken edit shows the Swedish
messages with file and line above the last good page; fixing it brings the page back.
`/rapport.pdf` is laid out by a long-lived child process with WeasyPrint imported once
(`printworker.PrintServer`) from the print edition rendered here, again in the background
whenever the inputs change once it has been asked for, so a refresh costs WeasyPrint's
layout and nothing more. The PDF is never an old one: a request waits while the files are
being rebuilt, gets the errors while they are broken, and the page shows the PDF's state
(server-sent `pdf` events; `pdfbuilds.py` decides what is laid out when). Once the PDF has
been laid out, a save of one chapter's file also
lays out that chapter alone, at its place in the report, before the whole PDF
(`chapterpdf.py`), and the page links to it at `/kapitel/<id>.pdf`.
Nothing is written to `output/` or anywhere in the report folder.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup

from kfsreport.commands.chapterpdf import CHAPTER_PREFIX
from kfsreport.commands.pdfbuilds import PDF_PATH, PdfBuilds
from kfsreport.errors import ReportError, os_reason
from kfsreport.load.folder import CONTENT_DIR, SETTINGS_FILE
from kfsreport.pipeline import Made, make
from kfsreport.write.cache import cache_dir
from kfsreport.write.output import write_outputs

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
WATCHED_DIRS = (CONTENT_DIR, "data", "templates")
KEEPALIVE = 15.0
WATCH_OPTIONS: dict[str, Any] = {
    "step": 30,  # ms of quiet after a change before rebuilding: an editor's save is one change
    "rust_timeout": 300,
    "yield_on_timeout": True,  # an empty yield tells that the watcher runs
    "raise_interrupt": False,
}

RELOAD_SCRIPT = """<script nonce="%(nonce)s">
(() => {
  const shown = "%(version)s", key = "kfsreport-scroll";
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", () => window.scrollTo(0, Number(saved)));
  }
  const events = new EventSource("/events");
  events.addEventListener("reload", (event) => {
    if (event.data !== shown) {
      sessionStorage.setItem(key, String(window.scrollY));
      events.close();
      location.reload();
    }
  });
  events.addEventListener("pdf", (event) => {
    const status = document.getElementById("kfsreport-pdf");
    if (status) status.innerHTML = event.data;
  });
})();
</script>
"""
PDF_STATUS_STYLE = (
    "position:fixed;right:1rem;bottom:1rem;z-index:1000;margin:0;padding:.4rem .8rem;max-width:34rem;"
    "background:#fff;color:#1a1a1a;border:2px solid #0b5563;border-radius:4px;"
    "font:15px/1.4 system-ui,sans-serif"
)
PDF_STATES = {
    "idle": '<a href="/rapport.pdf">Öppna PDF:en</a> (den görs när du öppnar den)',
    "building": "PDF:en görs om …",
    "ready": '<a href="/rapport.pdf">PDF:en är klar</a> och stämmer med filerna',
    "error": "Ingen ny PDF förrän felen är rättade",
}
"""What the page's PDF status says; sent to the page as server-sent `pdf` events."""

# Fixed, not sticky: the report's body is a CSS grid, and a sticky banner would become one of its
# narrow cells instead of spanning the window.
ERROR_STYLE = (
    "position:fixed;top:0;left:0;right:0;max-height:50vh;overflow:auto;box-sizing:border-box;"
    "z-index:1000;margin:0;padding:1rem 1.25rem;background:#fff4f4;"
    "color:#1a1a1a;border-bottom:4px solid #b3261e;font:16px/1.45 system-ui,sans-serif"
)


class Preview:
    """The preview's state: the last good page, the current errors, the version, the PDF."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.version = 0
        self.html: str | None = None
        self.errors: list[ReportError] = []
        self.changed = threading.Condition()
        self.closed = False
        self._building = threading.Lock()
        self._saved: list[str] | None = None
        self.cache = cache_dir(self.root)
        self.pdf_state = "idle"
        self.pdf_status = PDF_STATES["idle"]
        """The PDF status the page shows (HTML): the state's text and the chapter PDF's."""
        self.chapter_ids: list[str] = []
        """The chapters of the last good build, in order: the addresses /kapitel/<id>.pdf."""
        self.pdf = PdfBuilds(self.print_edition, on_state=self._pdf_state_changed)

    def rebuild(self, saved: list[str] | None = None) -> bool:
        """Build the HTML edition in memory; on a problem keep the last good page. `saved`:
        the files whose save started this (report-relative, with `/`), if known."""
        with self._building:
            started = time.perf_counter()
            shown_before = [str(error) for error in self.errors]
            self.pdf.expect()
            self._saved = saved
            html, errors = self._build()
            if errors:  # told before the page reloads, so the terminal and the page agree
                self.pdf.broken(errors)
                _announce_errors(errors, shown_before)
            elif shown_before:
                log.warning("Felen är rättade; förhandsvisningen visar den nya versionen.")
            with self.changed:
                self.version += 1
                self.errors = errors
                if html is not None:
                    self.html = html
                self.changed.notify_all()
        if errors:
            return False
        seconds = f"{time.perf_counter() - started:.2f}".replace(".", ",")
        log.info("Sidan byggdes%s på %s s.", " om" if self.version > 1 else "", seconds)
        if not self.pdf.wanted:
            self.pdf.inputs_changed()
        return True

    def _build(self) -> tuple[str | None, list[ReportError]]:
        # The print edition first when the PDF is wanted, laid out while the page is made.
        formats = ["pdf", "html"] if self.pdf.wanted else ["html"]
        try:
            made = self._make(formats, on_print=lambda html: self.pdf.submit(html, self.root, self._saved))
        except Exception as error:  # a bug must not stop the preview; show it instead
            log.exception("kfsreport kunde inte bygga förhandsvisningen")
            return None, [ReportError(f"internt fel i kfsreport: {error!r}.", hint="Rapportera felet.")]
        if made.failed or made.document is None:
            return None, made.problems.errors
        if made.report is not None:
            self.chapter_ids = [chapter.id for chapter in made.report.chapters]
        return made.document.screen_html, []

    def print_edition(self) -> tuple[str | None, Path, list[ReportError]]:
        """The print edition's HTML as the build makes it, for the PDF (or the problems)."""
        with self._building:
            made = self._make(["pdf"])
        if made.failed or made.document is None:
            return None, self.root, made.problems.errors
        return made.document.print_html, made.root, []

    def _make(self, formats: list[str], on_print: Callable[[str], None] | None = None) -> Made:
        """The pipeline, with the drawn charts and font subsets kept in the report's cache."""
        made = make(self.root, formats, cache=self.cache, on_print=on_print)
        for warning in made.problems.warnings:
            log.warning("%s", warning.labelled("varning"))
        self._charts_to_cache(made)
        return made

    def _charts_to_cache(self, made: Made) -> None:
        if made.charts is not None and made.charts.cache_entries:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                write_outputs(made.charts.cache_entries)

    def page(self) -> bytes:
        """The page to show: the last good HTML (with the errors above it) and the reload script."""
        with self.changed:
            html, errors, version = self.html, list(self.errors), self.version
        script = RELOAD_SCRIPT % {"version": version, "nonce": _Server.nonce}
        if html is None:
            html = (
                '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
                "<title>Förhandsvisning</title></head><body></body></html>"
            )
        if errors:
            html = _after_body_open(html, _error_banner(errors, has_good=self.html is not None))
        status = Markup('<p id="kfsreport-pdf" role="status" style="{}">{}</p>').format(
            PDF_STATUS_STYLE, Markup(self.pdf_status)
        )
        return _before_body_close(html, str(status) + script).encode("utf-8")

    def wait_for_change(self, seen: int, timeout: float, pdf_seen: str = "") -> tuple[int, str]:
        """Block until the version or the PDF's status changes (or `timeout`); return both."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.version != seen or self.pdf_status != pdf_seen or self.closed, timeout
            )
            return self.version, self.pdf_status

    def _pdf_state_changed(self, state: str) -> None:
        status = PDF_STATES[state] + self.pdf.chapter_note()
        with self.changed:
            self.pdf_state = state
            self.pdf_status = status
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()
        self.pdf.close()


def _announce_errors(errors: list[ReportError], shown_before: list[str]) -> None:
    """Each error once on the terminal: a save that leaves the same errors prints nothing."""
    for error in errors:
        if str(error) not in shown_before:
            log.error("%s", error)


def _error_banner(errors: list[ReportError], has_good: bool) -> str:
    items = Markup("").join(Markup("<li><code>{}</code></li>").format(str(error)) for error in errors)
    below = (
        "Under visas den senaste versionen som fungerade."
        if has_good
        else "Rapporten har inte kunnat byggas ännu."
    )
    return str(
        Markup(
            '<div id="kfsreport-fel" role="alert" style="{}"><p style="margin:0 0 .5rem">'
            "<strong>Förhandsvisningen kunde inte byggas om.</strong> Rätta {} nedan och spara "
            "filen; sidan laddas om av sig själv. {}</p>"
            '<ul style="margin:0;padding-left:1.25rem">{}</ul></div>'
        ).format(ERROR_STYLE, "felet" if len(errors) == 1 else f"de {len(errors)} felen", below, items)
    )


def _after_body_open(html: str, insert: str) -> str:
    match = re.search(r"<body\b[^>]*>", html)
    return html[: match.end()] + insert + html[match.end() :] if match else insert + html


def _before_body_close(html: str, insert: str) -> str:
    at = html.rfind("</body>")
    return html[:at] + insert + html[at:] if at >= 0 else html + insert


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    head_only = False

    def do_HEAD(self) -> None:
        """The same status and headers as GET, without the body."""
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_allowed():
            return
        preview = self.server.preview
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", preview.page())
        elif path == "/events":
            self._events(preview)
        elif path.startswith(CHAPTER_PREFIX):
            self._chapter(preview, unquote(path.removeprefix(CHAPTER_PREFIX)))
        elif path == PDF_PATH:
            pdf, error = preview.pdf.get()
            if pdf is not None:
                self._send(HTTPStatus.OK, "application/pdf", pdf)
            else:
                text = (
                    f"PDF:en kunde inte byggas:\n\n{error or 'okänt fel'}\n\nRätta felet och ladda om sidan."
                )
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", text.encode())
        else:
            text = f"Sidan finns inte. Förhandsvisningen finns på / och PDF:en på {PDF_PATH}."
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", text.encode())

    def _chapter(self, preview: Preview, name: str) -> None:
        """/kapitel/<id>.pdf: the chapter's preview PDF, why there is none, or not found."""
        chapter_id = name.removesuffix(".pdf")
        with preview.changed:
            errors = list(preview.errors)
        if name.endswith(".pdf") and not preview.chapter_ids and errors:
            # No build has worked yet: which chapters there are is not known, but why is.
            self._chapter_failed("\n".join(map(str, errors)))
            return
        if not name.endswith(".pdf") or chapter_id not in preview.chapter_ids:
            listed = ", ".join(f"{CHAPTER_PREFIX}{known}.pdf" for known in preview.chapter_ids) or "inga ännu"
            text = (
                f"Kapitlet '{chapter_id}' finns inte i rapporten. Ett kapitels PDF finns på "
                f"{CHAPTER_PREFIX}<kapitlets id>.pdf: {listed}. Hela PDF:en finns på {PDF_PATH}."
            )
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", text.encode())
            return
        made, error = preview.pdf.get_chapter(chapter_id)
        if made is not None:
            self._send(HTTPStatus.OK, "application/pdf", made.pdf)
            return
        self._chapter_failed(error)

    def _chapter_failed(self, error: str | None) -> None:
        text = f"Kapitlets PDF kunde inte göras:\n\n{error or 'okänt fel'}\n\nRätta felet och ladda om sidan."
        self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", text.encode())

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        _send_protection(self)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser went away
            if not self.head_only:
                self.wfile.write(body)

    def _host_allowed(self) -> bool:
        """Only a browser on this computer that asked for 127.0.0.1 or localhost: a page on
        another site that points its own name at 127.0.0.1 (DNS rebinding) is turned away."""
        if allowed_host(self.headers.get("Host"), self.server.server_address[1]):
            return True
        text = "Förhandsvisningen svarar bara på http://127.0.0.1 och http://localhost."
        self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8", text.encode())
        return False

    def _events(self, preview: Preview) -> None:
        """Server-sent events: the page's version now, then each new version as it comes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        _send_protection(self)
        self.end_headers()
        if self.head_only:
            return
        version, pdf = preview.version, preview.pdf_status
        try:
            self.wfile.write(f"retry: 500\nevent: reload\ndata: {version}\n\n".encode())
            self.wfile.write(_pdf_event(pdf))
            self.wfile.flush()
            while not preview.closed and not self.server.closing:
                now, pdf_now = preview.wait_for_change(version, KEEPALIVE, pdf)
                message = f"event: reload\ndata: {now}\n\n".encode() if now != version else b""
                message += _pdf_event(pdf_now) if pdf_now != pdf else b""
                version, pdf = now, pdf_now
                self.wfile.write(message or ": vänta\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def allowed_host(host: str | None, port: int) -> bool:
    """Whether a request's `Host` header names the preview itself."""
    return host in (f"{HOST}:{port}", f"localhost:{port}")


CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
    "script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""The page may show only what it carries (`data:`), run only the reload script (its nonce is
new for each preview) and connect only to the preview for its reload events."""


def _send_protection(handler: BaseHTTPRequestHandler) -> None:
    nonce = getattr(handler.server, "nonce", "")
    handler.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=nonce))
    handler.send_header("X-Content-Type-Options", "nosniff")
    handler.send_header("Referrer-Policy", "no-referrer")


def _pdf_event(status: str) -> bytes:
    return f"event: pdf\ndata: {status}\n\n".encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    nonce = secrets.token_urlsafe(16)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes the connection early is no error worth a traceback."""
        kind = sys.exc_info()[0]
        if kind is not None and issubclass(kind, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        super().__init__(address, _Handler)
        self.preview = preview
        self.closing = False


class PreviewServer:
    """The preview running: the first build, the HTTP server and the file watchers."""

    def __init__(self, project: Path, port: int = 8000) -> None:
        self.preview = Preview(project)
        try:
            self._http = _Server((HOST, port), self.preview)
        except OSError:
            self.preview.close()
            raise
        self.url = f"http://{HOST}:{self._http.server_address[1]}/"
        self._stop = threading.Event()
        self._restart = threading.Event()
        self._watching = [threading.Event(), threading.Event()]
        self._threads = [
            threading.Thread(target=self._watch_folders, name="kfsreport-watch", daemon=True),
            threading.Thread(target=self._watch_root, name="kfsreport-watch-root", daemon=True),
            threading.Thread(target=self._http.serve_forever, name="kfsreport-http", daemon=True),
        ]
        for thread in self._threads[:2]:
            thread.start()
        for watching in self._watching:  # watching before the first build: no save is missed
            watching.wait(timeout=10)
        self.preview.rebuild()
        self._threads[2].start()

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._restart.set()
        self._http.closing = True
        self.preview.close()
        self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _watch_folders(self) -> None:
        """content/, data/ and templates/ with everything in them; restarted when one appears."""
        import watchfiles

        root = self.preview.root
        while not self._stop.is_set():
            self._restart.clear()
            folders = [root / name for name in WATCHED_DIRS if (root / name).is_dir()]
            if not folders:
                self._watching[0].set()
                self._restart.wait()
                continue
            for changes in watchfiles.watch(
                *folders, stop_event=self._restart, ignore_permission_denied=True, **WATCH_OPTIONS
            ):
                self._watching[0].set()
                if changes:
                    self.preview.rebuild(_relative(root, changes))

    def _watch_root(self) -> None:
        """report.yaml, and the watched folders appearing, in the report folder itself."""
        import watchfiles

        root = self.preview.root
        names = {SETTINGS_FILE, *WATCHED_DIRS}
        for changes in watchfiles.watch(
            root,
            stop_event=self._stop,
            recursive=False,
            watch_filter=lambda change, path: Path(path).name in names and Path(path).parent == root,
            **WATCH_OPTIONS,
        ):
            self._watching[1].set()
            if not changes:
                continue
            if any(Path(path).name in WATCHED_DIRS for _, path in changes):
                self._restart.set()
            self.preview.rebuild()


def _relative(root: Path, changes: set[tuple[Any, str]]) -> list[str]:
    """The saved files as the report names them (`content/03-resultat.md`), in order."""
    paths = []
    for _, path in sorted(changes, key=lambda change: change[1]):
        with contextlib.suppress(ValueError):
            paths.append(Path(path).relative_to(root).as_posix())
    return paths


def serve(project: Path, port: int, announce: Callable[[str], None]) -> int:
    """Run the preview until Ctrl+C; `announce` shows the address and what to do."""
    try:
        server = PreviewServer(project, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            log.error(
                "Porten %s används redan av ett annat program. Välj en annan: kfsreport serve --port %s",
                port,
                port + 1,
            )
        else:
            log.error("Förhandsvisningen kunde inte starta: %s.", os_reason(error))
        return 1
    with server:
        announce(
            f"Förhandsvisningen finns på {server.url} (PDF:en på {server.url.rstrip('/')}{PDF_PATH}).\n"
            "Sidan laddas om när du sparar en fil. Avsluta med Ctrl+C."
        )
        try:
            _forever()
        except KeyboardInterrupt:
            announce("Förhandsvisningen avslutades.")
    return 0


def _forever() -> None:
    while True:
        time.sleep(3600)
