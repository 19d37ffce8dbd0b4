"""The second core's share of a build: WeasyPrint, vl-convert and the layout of the PDF.

Before WeasyPrint can lay out a page, `import weasyprint` costs 0.4–0.7 s, and before
vl-convert draws its first chart it spends 0.35 s starting its JavaScript engine: together as
long as all the rest of a build before the PDF. `PrintWorker.start()` forks a child that
imports WeasyPrint at once, then serves this process's requests in order:

- `warm_charts()`: a chart must be drawn, so the worker forks a drawer that starts vl-convert
  now, while the charts' numbers are computed (by `forked()`, in a child of this process);
- `draw()`: Vega-Lite specs in, SVGs out; the drawer then ends, and with it vl-convert's memory;
- `send()` / `receive()`: the print HTML in, as soon as it is rendered (this process makes the
  web page meanwhile); each PDF out, laid out and written exactly as `pdf.write_pdf_bytes`
  does it here, with the URLs its fetcher refused, which are reported as problems here.

So during the layout, when a build needs the most memory, neither process holds pandas,
Altair or vl-convert. Every forked helper ends with the process that forked it.

Only a fresh build starts a worker: when WeasyPrint is already in this process (the preview,
the tests) there is nothing to gain. If the worker cannot be started, dies or answers with
nothing usable, the work is done in this process instead, so the outcome never depends on
the worker, only the time does. `PrintServer` is the preview's long-lived variant.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from kfsreport.errors import Problems

Spec = dict[str, Any]
T = TypeVar("T")


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
        child = _fork(_work)
        return cls(*child) if child is not None else None

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


def forked(work: Callable[[], T]) -> T | None:
    """`work()` run in a forked copy of this process and its result sent back, so that what
    the work loads (pandas, Altair) is never held here; None if that cannot be done or the
    work failed there, and the caller then does the work itself."""
    if not hasattr(os, "fork"):
        return None

    def answer(_requests: int, answers: int) -> None:
        with os.fdopen(answers, "wb") as send:
            pickle.dump(work(), send, protocol=pickle.HIGHEST_PROTOCOL)

    child = _fork(answer)
    if child is None:
        return None
    pid, send, receive = child
    send.close()  # the work needs nothing more from here
    try:
        result: T | None = pickle.load(receive)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        result = None
    finally:
        receive.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return result


def _fork(child: Callable[[int, int], None], *inherited: int) -> tuple[int, BinaryIO, BinaryIO] | None:
    """Fork a child that runs `child(requests_fd, answers_fd)` and then ends, whatever happens,
    and that ends too when this process does. Returns its pid and this side of the pipe
    (send, receive), or None if the fork fails. `inherited`: descriptors of this process
    the child must close, so that only its own pipe connects it."""
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
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
            _die_with_parent()
            for fd in (*inherited, from_parent, to_parent):
                os.close(fd)
            child(to_child, from_child)
            status = 0
        finally:  # never return into the parent's code
            os._exit(status)
    os.close(to_child)
    os.close(from_child)
    return pid, os.fdopen(from_parent, "wb"), os.fdopen(to_parent, "rb")


def _die_with_parent() -> None:
    """In a forked child: end when the process that forked it ends (Linux), so a build that is
    killed leaves nothing laying out a PDF nobody will write."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent ended before that took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent ends."""


class PrintServer:
    """The preview's PDF maker: a long-lived `python -m kfsreport.printworker` with WeasyPrint
    imported once, so each refresh of `/rapport.pdf` costs the layout, not the import too.

    A separate process, not a thread, because a layout holds the interpreter for seconds and
    the preview must go on answering; spawned, not forked, because the preview has threads.
    Only the accessible PDF is made. If the process dies, the next request starts a new one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        """Start the process now (it takes a moment to import WeasyPrint)."""
        with self._lock:
            self._running()

    def lay_out(self, html: str, root: Path, template_dirs: list[Path]) -> tuple[bytes | None, list[str]]:
        """The PDF/UA file and the URLs refused; raises OSError if the process failed."""
        with self._lock:
            process = self._running()
            assert process.stdin is not None and process.stdout is not None
            try:
                message = ("print", html, str(root), [str(d) for d in template_dirs], False)
                pickle.dump(message, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                process.stdin.flush()
                pdfs, refused = pickle.load(process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as error:
                self._stop()
                raise OSError(f"PDF-processen avslutades oväntat ({error or type(error).__name__})") from None
        return (pdfs or {}).get(""), refused

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is not None:
            self._stop()  # it died (killed, out of memory): a new one takes its place
        if self._process is None:
            command = [sys.executable, "-m", "kfsreport.printworker"]
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
            self._process.wait()
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self._process = None


def _work(receive_fd: int, send_fd: int, *, once: bool = True) -> None:
    """The worker's whole life: import WeasyPrint, then answer requests until the PDFs are sent
    (`once`), or until the requests end (the preview's PrintServer)."""
    from kfsreport.engine import load_weasyprint

    load_weasyprint()  # why the worker exists: this import runs while the parent works

    from kfsreport.charts.svg import to_svg
    from kfsreport.pdf import lay_out

    drawer: _ChartDrawer | None = None
    with os.fdopen(receive_fd, "rb") as receive, os.fdopen(send_fd, "wb") as send:
        while True:
            try:
                kind, *arguments = pickle.load(receive)
            except EOFError:  # the build stopped before the PDF, or the preview closed
                return
            if kind == "warm":
                drawer = drawer or _ChartDrawer.start((receive_fd, send_fd))
                continue
            if kind == "draw":
                specs, font_dirs = arguments
                answer: Any = drawer.draw(specs, font_dirs) if drawer else None
                drawer = None
                if answer is None:  # no drawer, or it failed: draw here
                    answer = [to_svg(spec, [Path(d) for d in font_dirs]) for spec in specs]
            else:
                html, root, template_dirs, *archive = arguments
                dirs = [Path(d) for d in template_dirs]
                answer = lay_out(html, Path(root), dirs, archive=archive[0] if archive else True)
            pickle.dump(answer, send, protocol=pickle.HIGHEST_PROTOCOL)
            send.flush()
            if kind == "print" and once:
                return


class _ChartDrawer:
    """vl-convert in a child of the worker, which ends once the charts are drawn.

    vl-convert's JavaScript engine takes some 85 MB that would otherwise stay in the worker
    while it lays out the PDF, the moment a build needs the most memory."""

    def __init__(self, pid: int, send: BinaryIO, receive: BinaryIO) -> None:
        self.pid, self._send, self._receive = pid, send, receive

    @classmethod
    def start(cls, worker_fds: tuple[int, int]) -> _ChartDrawer | None:
        child = _fork(_draw, *worker_fds)  # only its own pipe to the worker
        return cls(*child) if child is not None else None

    def draw(self, specs: list[Spec], font_dirs: list[str]) -> list[str] | None:
        """The SVGs, or None if the child failed; the child ends either way."""
        try:
            pickle.dump((specs, font_dirs), self._send, protocol=pickle.HIGHEST_PROTOCOL)
            self._send.close()
            svgs = pickle.load(self._receive)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            svgs = None
        finally:
            with contextlib.suppress(OSError):
                self._send.close()
                self._receive.close()
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        return svgs if isinstance(svgs, list) else None


def _draw(receive_fd: int, send_fd: int) -> None:
    """The chart drawer's life: start vl-convert at once, draw one batch of charts, end."""
    from kfsreport.charts.svg import to_svg, warm_up

    warm_up()
    with os.fdopen(receive_fd, "rb") as receive, os.fdopen(send_fd, "wb") as send:
        specs, font_dirs = pickle.load(receive)
        svgs = [to_svg(spec, [Path(d) for d in font_dirs]) for spec in specs]
        pickle.dump(svgs, send, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":  # PrintServer's process: requests on stdin, answers on stdout
    # Ctrl+C in the terminal reaches this process too; the preview ends it by closing stdin.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = os.dup(1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    from kfsreport.engine import EngineMissing

    try:
        _work(0, answers, once=False)
    except EngineMissing as missing:
        sys.stderr.write(f"{missing}\n")
        sys.exit(1)
