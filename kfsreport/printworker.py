"""The second core's share of a build: WeasyPrint, vl-convert and the layout of the PDF.

Before WeasyPrint can lay out a page, `import weasyprint` costs 0.4–0.7 s, and before
vl-convert draws its first chart it spends 0.35 s starting its JavaScript engine: together as
long as all the rest of a build before the PDF. `PrintWorker.start()` forks a child that
imports WeasyPrint at once, then serves this process's requests in order:

- `warm_charts()`: a chart must be drawn, so start vl-convert now (while this process is
  still loading pandas and Altair and computing the charts' numbers);
- `draw()`: Vega-Lite specs in, SVGs out;
- `send()` / `receive()`: the print HTML in, as soon as it is rendered (this process makes the
  web page meanwhile); each PDF out, laid out and written exactly as `pdf.write_pdf_bytes`
  does it here, with the URLs its fetcher refused, which are reported as problems here.

Only a fresh build starts a worker: when WeasyPrint is already in this process (the preview,
the tests) there is nothing to gain. If the worker cannot be started, dies or answers with
nothing usable, the work is done in this process instead, so the outcome never depends on
the worker, only the time does.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from kfsreport.errors import Problems

Spec = dict[str, Any]


class PrintWorker:
    """A forked child with WeasyPrint imported, serving requests until it has sent the PDFs."""

    def __init__(self, pid: int, send: BinaryIO, receive: BinaryIO) -> None:
        self.pid = pid
        self._send = send
        self._receive = receive
        self._alive = True
        self._finished = False
        self._sending: threading.Thread | None = None
        self._sent: tuple[str, Path, list[Path]] | None = None

    @classmethod
    def start(cls) -> PrintWorker | None:
        """Fork the worker, or None where it would not help (one core, no fork, WeasyPrint
        already imported) or the fork fails."""
        if "weasyprint" in sys.modules or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
            return None
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered may be printed twice
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        try:
            pid = os.fork()
        except OSError:
            for fd in (to_child, from_parent, to_parent, from_child):
                os.close(fd)
            return None
        if pid == 0:
            status = 1
            try:
                os.close(from_parent)
                os.close(to_parent)
                _work(to_child, from_child)
                status = 0
            finally:  # never return into the parent's code, whatever happened
                os._exit(status)
        os.close(to_child)
        os.close(from_child)
        return cls(pid, os.fdopen(from_parent, "wb"), os.fdopen(to_parent, "rb"))

    # --- charts ---------------------------------------------------------------------------------

    def warm_charts(self) -> None:
        """A chart will be drawn: the worker starts vl-convert while this process computes."""
        self._post(("warm",))

    def draw(self, specs: list[Spec], font_dirs: list[Path]) -> list[str]:
        """The SVG of each Vega-Lite spec, drawn by the worker (or here if it fails)."""
        from kfsreport.charts.svg import to_svg

        svgs = self._ask(("draw", specs, [str(d) for d in font_dirs]))
        if isinstance(svgs, list) and len(svgs) == len(specs) and all(isinstance(s, str) for s in svgs):
            return svgs
        return [to_svg(spec, font_dirs) for spec in specs]

    # --- the PDF --------------------------------------------------------------------------------

    def send(self, html: str, root: Path, template_dirs: list[Path]) -> None:
        """Hand over the print HTML and return at once; the worker starts laying it out."""
        self._sent = (html, root, template_dirs)
        message = ("print", html, str(root), [str(d) for d in template_dirs])
        # A large page fills the pipe while the worker may still be busy, so it is written
        # from a thread, and this process goes on to make the web page.
        self._sending = threading.Thread(target=self._post, args=(message,), daemon=True)
        self._sending.start()

    def receive(self, problems: Problems) -> dict[str, bytes] | None:
        """Each PDF variant by file-name suffix, from the worker (or laid out here if it
        failed); None, with the problems recorded, if the layout would fetch what it must not."""
        from kfsreport.pdf import report_refused, write_pdf_bytes

        if self._sent is None:
            raise RuntimeError("receive() before send()")
        if self._sending is not None:
            self._sending.join()
        answer = self._read()
        self._finished = answer is not None
        self.close()
        if not (isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[1], list)):
            return write_pdf_bytes(*self._sent, problems)  # as if there never was a worker
        pdfs, refused = answer
        report_refused(refused, problems)
        return pdfs if isinstance(pdfs, dict) else None

    def close(self) -> None:
        """End the worker: after its last answer it ends by itself; before (the build stopped
        on a problem, or was interrupted), it is stopped at once rather than waited for."""
        if not self._alive:
            return
        self._alive = False
        if not self._finished:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        if self._sending is not None:
            self._sending.join()
        for stream in (self._send, self._receive):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    # --- the pipe -------------------------------------------------------------------------------

    def _post(self, message: tuple[Any, ...]) -> bool:
        try:
            pickle.dump(message, self._send, protocol=pickle.HIGHEST_PROTOCOL)
            self._send.flush()
            return True
        except (OSError, ValueError):  # the worker is gone; the caller's fallback does the work
            return False

    def _read(self) -> Any:
        try:
            return pickle.load(self._receive)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return None

    def _ask(self, message: tuple[Any, ...]) -> Any:
        return self._read() if self._alive and self._post(message) else None


def _work(receive_fd: int, send_fd: int) -> None:
    """The worker's whole life: import WeasyPrint, then answer requests until the PDFs are sent."""
    import weasyprint  # noqa: F401  (why the worker exists: this import runs while the parent works)

    from kfsreport.charts.svg import to_svg, warm_up
    from kfsreport.pdf import lay_out

    with os.fdopen(receive_fd, "rb") as receive, os.fdopen(send_fd, "wb") as send:
        while True:
            try:
                kind, *arguments = pickle.load(receive)
            except EOFError:  # the build stopped before the PDF; nothing more to do
                return
            if kind == "warm":
                warm_up()
                continue
            if kind == "draw":
                specs, font_dirs = arguments
                answer: Any = [to_svg(spec, [Path(d) for d in font_dirs]) for spec in specs]
            else:
                html, root, template_dirs = arguments
                answer = lay_out(html, Path(root), [Path(d) for d in template_dirs])
            pickle.dump(answer, send, protocol=pickle.HIGHEST_PROTOCOL)
            send.flush()
            if kind == "print":
                return
