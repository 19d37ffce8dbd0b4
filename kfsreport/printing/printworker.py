"""The print process: WeasyPrint (and vl-convert) in a spawned `python -m kfsreport.printing.printworker`.

Before WeasyPrint can lay out a page, `import weasyprint` costs 0.4–0.7 s, and before
vl-convert draws its first chart it spends 0.35 s starting its JavaScript engine: together as
long as all the rest of a build before the PDF. So the pipeline (`pipeline.make`) starts a
`PrintServer` first thing, and the process imports WeasyPrint on the second core while the
build loads, validates and computes; it is the same process the preview keeps for its PDF.
Requests go in order through its stdin, answers come back through its stdout (pickled):

- `warm_charts()`: a chart must be drawn, so the process starts vl-convert now;
- `draw()`: Vega-Lite specs in, SVGs out;
- `css_warnings()`: what WeasyPrint says about the print stylesheets (for `check`);
- `spell()`: words judged with Hunspell (for a report's first `check`, which computes its
  charts meanwhile instead of loading the dictionaries);
- `send()` / `receive()`: the print HTML in, as soon as it is rendered (the build makes the
  web page meanwhile); each PDF out, laid out and written exactly as `pdf.lay_out` does it
  in the build's own process, with the URLs its fetcher refused;
- `send(..., plan=True)`: the same, and the layout's facts kept for the next build
  (`parts.Facts`, read with `facts()`);
- `send_part()` / `receive_part()`: one part of the pages laid out from the whole print
  HTML (`parts.lay_out_part`), for a build that lays out its report on two processes, and
  `join()`: the first part's process joins the second part to its own (`parts.join`);
- `places()` / `lay_out_chapter()`, for the preview: where the chapters began in the last
  layout sent with `remember`, and one chapter laid out alone at its place
  (`chapterlayout`).

The process is spawned, never forked, so it works wherever Python runs and whatever threads
the caller has. It ends when its stdin closes (the build is done or has stopped, or the
preview closes) or is stopped at once by `close()`. If it cannot be started, dies or fails,
the failure is logged with its traceback (shown with `--verbose`) and the caller does the
work itself: the outcome never depends on the process, only the time does.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from kfsreport.printing.chapterlayout import Place
    from kfsreport.printing.parts import Facts, Seed

log = logging.getLogger(__name__)

Spec = dict[str, Any]
PrintAnswer = tuple[dict[str, bytes] | None, list[str]]
"""Each PDF variant by file-name suffix (None if a fetch was refused), and the URLs refused."""


class PrintServer:
    """A spawned Python with WeasyPrint imported, answering requests one at a time.

    Thread-safe: the preview asks from its PDF thread; a request waits for the one before."""

    command = [sys.executable, "-m", "kfsreport.printing.printworker"]

    def __init__(self, ahead: bool = True) -> None:
        """`ahead`: the process imports WeasyPrint as soon as it starts; else only when a
        request needs it (`check` of a report without its own stylesheets: the charts and
        the spelling come first there, and may be all it is asked for)."""
        if not ahead:
            self.command = [*self.command, LATER]
        self._lock = threading.Lock()
        self._stopping = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._retired = False
        """Closed for good (`retire`): no request starts a process again."""
        self._folder: Path | None = None
        """The process's own temporary folder (its TMPDIR), removed when it ends."""
        self._sending: threading.Thread | None = None
        self._sent = False
        self._waiting: Callable[[], None] | None = None
        self._facts: Facts | None = None

    @property
    def pid(self) -> int | None:
        """The process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        """Start the process now (it takes a moment to import WeasyPrint)."""
        with self._lock:
            self._running()

    def while_waiting(self, work: Callable[[], None] | None) -> None:
        """Call `work` (which must return at once, starting a thread, say) the first time the
        caller waits for an answer: work that holds the interpreter, such as loading Hunspell's
        dictionary, then costs nothing but the time this process would wait anyway. None:
        forget the work not yet called."""
        self._waiting = work

    # --- charts ---------------------------------------------------------------------------------

    def warm_charts(self) -> None:
        """A chart will be drawn: the process starts vl-convert while the caller computes."""
        with self._lock:
            self._post(("warm",))

    def draw(self, specs: list[Spec], font_dirs: list[Path]) -> list[str] | None:
        """The SVG of each Vega-Lite spec, or None if the process failed (logged)."""
        with self._lock:
            svgs = self._answer(self._post(("draw", specs, [str(d) for d in font_dirs])), "diagrammen")
        if isinstance(svgs, list) and len(svgs) == len(specs) and all(isinstance(s, str) for s in svgs):
            return svgs
        return None

    # --- check -------------------------------------------------------------------------------

    def css_warnings(self, root: Path, template_dirs: list[Path]) -> list[tuple[str, str]] | None:
        """WeasyPrint's warnings about the print stylesheets (`csswarnings.css_warnings`), or
        None if the process failed (logged)."""
        with self._lock:
            found = self._answer(
                self._post(("css", str(root), [str(d) for d in template_dirs])), "stilmallarna"
            )
        if isinstance(found, list) and all(isinstance(w, tuple) and len(w) == 2 for w in found):
            return [(str(where), str(message)) for where, message in found]
        return None

    def spell(self, folder: Path, extra: list[str], words: list[str]) -> dict[str, Any] | None:
        """`words` judged with Hunspell's dictionaries in `folder` and the word list `extra`
        (`spelling.judge_words`: the process loads the dictionaries, which this process then
        need not), or None if the process failed (logged)."""
        with self._lock:
            found = self._answer(self._post(("spell", str(folder), extra, words)), "stavningen")
        return found if isinstance(found, dict) else None

    # --- the PDF --------------------------------------------------------------------------------

    def send(
        self,
        html: str,
        root: Path,
        template_dirs: list[Path],
        *,
        archive: bool = True,
        remember: bool = False,
        plan: bool = False,
    ) -> None:
        """Hand over the print HTML and return at once; the process starts laying it out.
        With `remember`, the process keeps where each element's page began (`places`); with
        `plan`, the answer brings the layout's facts (`facts()`)."""
        self._hand_over(("print", html, str(root), [str(d) for d in template_dirs], archive, remember, plan))

    def _hand_over(self, message: tuple[Any, ...]) -> None:
        """Post `message` and return at once; the lock is held until `_taken` reads the answer,
        so nobody else may ask in between."""
        self._lock.acquire()
        self._sent = True
        # A large page fills the pipe while the process may still be busy, so it is written
        # from a thread, and the caller goes on to make the web page.
        self._sending = threading.Thread(target=self._post, args=(message,), daemon=True)
        self._sending.start()

    def _taken(self, what: str) -> Any:
        """The answer to what `_hand_over` posted (None if the process failed, logged)."""
        if not self._sent:
            raise RuntimeError(f"{what}: no request handed over")
        try:
            if self._sending is not None:
                self._sending.join()
                self._sending = None
            return self._answer(True, what)
        finally:
            self._sent = False
            self._lock.release()

    def receive(self) -> PrintAnswer | None:
        """The answer to `send()`, or None if the process failed (logged)."""
        answer = self._taken("PDF:en")
        if isinstance(answer, tuple) and len(answer) == 3:
            *answer, self._facts = answer
            answer = tuple(answer)
        if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[1], list):
            pdfs, refused = answer
            return (pdfs if isinstance(pdfs, dict) else None), [str(url) for url in refused]
        return None

    def facts(self) -> Facts | None:
        """The facts of the last layout sent with `plan` (once), or None."""
        facts, self._facts = self._facts, None
        return facts

    def send_part(self, html: str, root: Path, template_dirs: list[Path], seed: Seed) -> None:
        """Hand over the print HTML and the part to lay out (`parts.lay_out_part`); returns at
        once, like `send()`."""
        self._hand_over(("part", html, str(root), [str(d) for d in template_dirs], seed))

    def join(
        self, second: bytes, bookmarks: list[list[Any]], *, archive: bool = True
    ) -> dict[str, bytes] | None:
        """The report's PDFs from the first part this process laid out and `second`
        (`parts.join`; without `archive`, the accessible one only), or None if the process
        failed (logged)."""
        with self._lock:
            pdfs = self._answer(self._post(("join", second, bookmarks, archive)), "PDF:ens delar")
        if isinstance(pdfs, dict) and all(isinstance(v, bytes) for v in pdfs.values()):
            return pdfs
        return None

    def receive_part(self) -> tuple[bytes | None, list[str], Facts | None] | None:
        """The answer to `send_part()`: the part's PDF, the URLs refused and the facts found;
        None if the process failed (logged)."""
        answer = self._taken("PDF:ens del")
        if isinstance(answer, tuple) and len(answer) == 3 and isinstance(answer[1], list):
            pdf, refused, facts = answer
            return (pdf if isinstance(pdf, bytes) else None), [str(url) for url in refused], facts
        return None

    def lay_out(
        self,
        html: str,
        root: Path,
        template_dirs: list[Path],
        *,
        archive: bool = True,
        remember: bool = False,
        plan: bool = False,
    ) -> PrintAnswer:
        """`send()` and `receive()` in one; raises OSError if the process failed."""
        self.send(html, root, template_dirs, archive=archive, remember=remember, plan=plan)
        answer = self.receive()
        if answer is None:
            raise OSError("PDF-processen avslutades oväntat")
        return answer

    # --- the preview's chapter PDF --------------------------------------------------------------

    def places(self, ids: list[str]) -> dict[str, Place]:
        """Where each of `ids` began in the last layout sent with `remember` (`chapterlayout`);
        empty if the process failed (logged) or has laid out nothing since it started."""
        with self._lock:
            found = self._answer(self._post(("places", ids)), "kapitlens sidor")
        return found if isinstance(found, dict) else {}

    def lay_out_chapter(
        self, html: str, root: Path, template_dirs: list[Path], place: Place
    ) -> tuple[bytes | None, list[str], int, int]:
        """One chapter alone at `place` (`chapterlayout.lay_out_chapter`): its PDF (None if a
        fetch was refused), the URLs refused, its number of pages and the page its layout
        began at; raises OSError if the process failed."""
        message = ("chapter", html, str(root), [str(d) for d in template_dirs], place)
        with self._lock:
            answer = self._answer(self._post(message), "kapitlets PDF")
        if not (isinstance(answer, tuple) and len(answer) == 4):
            raise OSError("PDF-processen kunde inte lägga ut kapitlet")
        pdf, refused, count, begun = answer
        made = pdf if isinstance(pdf, bytes) else None
        return made, [str(url) for url in refused], int(count), int(begun)

    def cancel(self) -> None:
        """Forget a `send()` whose answer nobody will read (the build stopped on an error in
        the web page): the process is ended, and the next request starts a new one."""
        if self._sent:
            self.close()
            self.receive()

    def close(self) -> None:
        """End the process at once (a layout in progress is not waited for; whoever waits
        for its answer gets None). The next request starts a new one."""
        self._stop()

    def retire(self) -> None:
        """End the process for good (the preview closing): a request from a thread still at
        work afterwards starts no new process, which nobody would close, and fails as a
        failed process does (start() raises OSError)."""
        with self._stopping:
            self._retired = True
        self._stop()

    # --- the pipe -------------------------------------------------------------------------------

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is not None:
            self._stop()  # it died (killed, out of memory): a new one takes its place
        with self._stopping:
            return self._started()

    def _started(self) -> subprocess.Popen[bytes]:
        """The process, started now if there is none (under `_stopping`)."""
        if self._retired:
            raise OSError("PDF-processen är stängd")
        if self._process is None:
            # WeasyPrint copies the fonts of a layout into a temporary folder and removes it
            # when the layout is done; a process ended in the middle of one (the preview's
            # whole PDF when the preview closes, a build stopped) cannot. Its own TMPDIR,
            # removed here when it ends, leaves nothing behind whatever it was doing.
            self._folder = Path(tempfile.mkdtemp(prefix="kfsreport-print-"))
            environment = {**os.environ, "TMPDIR": str(self._folder)}
            self._process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment
            )
        return self._process

    def _post(self, message: tuple[Any, ...]) -> bool:
        try:
            process = self._running()
            assert process.stdin is not None
            pickle.dump(message, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
            return True
        except (OSError, ValueError) as error:
            log.info("PDF-processen kunde inte ta emot arbetet (%s); det görs i den här processen.", error)
            return False

    def _answer(self, posted: bool, what: str) -> Any:
        """The process's answer, or None with the failure logged and the process stopped."""
        if not posted or self._process is None or self._process.stdout is None:
            return None
        work, self._waiting = self._waiting, None
        if work is not None:
            work()
        try:
            kind, value = pickle.load(self._process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as error:
            log.info("PDF-processen avslutades oväntat (%r); %s görs i den här processen.", error, what)
            self._stop()
            return None
        if kind == "failed":
            log.info("PDF-processen misslyckades med %s; det görs i den här processen.\n%s", what, value)
            return None
        return value

    def _stop(self) -> None:
        with self._stopping:
            process, self._process = self._process, None
            folder, self._folder = self._folder, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def serve(receive: BinaryIO, send: BinaryIO, ahead: bool = True) -> None:
    """The process's whole life: import WeasyPrint (unless not `ahead`: then the first
    request that lays out or reads stylesheets does), then answer requests until stdin ends.
    A request that fails is answered with its traceback, and the process goes on."""
    from kfsreport.printing.engine import load_weasyprint

    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    if ahead:
        load_weasyprint()  # why the process exists: this import runs while the build works

    while True:
        try:
            kind, *arguments = pickle.load(receive)
        except EOFError:  # the build is done or stopped, or the preview closed
            _remove_own_folder()
            return
        try:
            answer: Any = ("ok", _do(kind, arguments))
        except Exception:
            answer = ("failed", traceback.format_exc())
        if kind != "warm":
            pickle.dump(answer, send, protocol=pickle.HIGHEST_PROTOCOL)
            send.flush()
        del answer, arguments  # the HTML too: an idle process holds nothing of a layout
        if kind in LAYOUTS:
            give_back_memory()


LATER = "--weasyprint-later"
"""The process's argument for a process that imports WeasyPrint only when asked to use it."""
LAYOUTS = frozenset({"print", "part", "join", "chapter"})
"""The requests after which `serve` gives the memory of the layout back (`give_back_memory`)."""


def give_back_memory() -> None:
    """The memory of a layout, written and answered, given back to the system now, not when
    the process ends: the layout is freed only by Python's cyclic garbage collector (its pages
    and boxes refer to each other), which an idle process does not run, and the C library
    keeps what is freed for later use. So the second part's process held 540 MB of the demo
    ×20 while it waited for the build to end, and the first part's process held its layout
    while it joined the parts: the build's highest memory. Done after the answer is sent, so
    the caller does not wait for it. `malloc_trim` is glibc's; elsewhere only the collector."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc (macOS, Windows, musl)
        ctypes.CDLL(None).malloc_trim(0)


def _end_with_parent(parent: int) -> None:
    """End this process as soon as the one that started it has ended (killed, say), even in
    the middle of a layout nobody will read. Where the parent's end cannot be seen this way
    (Windows), the process ends at its next request, when stdin is closed."""
    while os.getppid() == parent:
        time.sleep(0.1)
    _remove_own_folder()
    os._exit(1)


def _remove_own_folder() -> None:
    """Remove this process's own temporary folder (`PrintServer` made it its TMPDIR): the
    parent that would remove it may be gone."""
    folder = os.environ.get("TMPDIR", "")
    if Path(folder).name.startswith("kfsreport-print-"):
        shutil.rmtree(folder, ignore_errors=True)


def _do(kind: str, arguments: list[Any]) -> Any:
    from kfsreport.charts.svg import to_svg, warm_up
    from kfsreport.printing import chapterlayout, parts
    from kfsreport.printing.pdf import lay_out

    if kind == "warm":
        return warm_up()
    if kind == "draw":
        specs, font_dirs = arguments
        return [to_svg(spec, [Path(d) for d in font_dirs]) for spec in specs]
    if kind == "css":
        from kfsreport.printing.csswarnings import css_warnings

        root, template_dirs = arguments
        return css_warnings(Path(root), [Path(d) for d in template_dirs])
    if kind == "spell":
        from kfsreport.commands.hunspell import judge_words

        folder, extra, words = arguments
        return judge_words(Path(folder), extra, words)
    if kind == "places":
        return chapterlayout.places(arguments[0])
    if kind == "chapter":
        html, root, template_dirs, place = arguments
        return chapterlayout.lay_out_chapter(html, Path(root), [Path(d) for d in template_dirs], place)
    if kind == "join":
        second, bookmarks, archive = arguments
        return parts.join(second, bookmarks, archive)
    if kind == "part":
        html, root, template_dirs, seed = arguments
        return parts.lay_out_part(html, Path(root), [Path(d) for d in template_dirs], seed)
    html, root, template_dirs, archive, remember, plan = arguments
    chapterlayout.recording(remember)
    parts.recording(plan)
    try:
        pdfs, refused = lay_out(html, Path(root), [Path(d) for d in template_dirs], archive=archive)
    finally:
        chapterlayout.recording(False)
    return (pdfs, refused, parts.record()) if plan else (pdfs, refused)


if __name__ == "__main__":  # requests on stdin, answers on stdout
    # Ctrl+C in the terminal reaches this process too; the build or preview ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    from kfsreport.errors import ReportError

    try:
        serve(sys.stdin.buffer, answers, ahead=LATER not in sys.argv[1:])
    except ReportError:  # WeasyPrint cannot load: the caller, doing the work itself, says why
        sys.exit(1)
