"""The print process: a fresh build hands WeasyPrint and vl-convert to a spawned Python.

Each test runs in a fresh Python process, as `kfsreport build` does: this test process has
WeasyPrint loaded already (tests/conftest.py), where no print process is ever started.
Files opened are seen through an audit hook that `sitecustomize.py` installs in every
Python process the build starts, the print process included.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from kfsreport.render.templates import template_dirs
from kfsreport.write.cache import cache_dir
from tests.conftest import FIXTURES
from tests.test_charts import with_charts
from tests.test_security import CANARY, outside

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no print process")

AUDIT_HOOK = """
import json, os, sys
if os.environ.get("KFSREPORT_AUDIT_LOG"):
    _log = open(os.environ["KFSREPORT_AUDIT_LOG"], "a", buffering=1)
    def _hook(event, args):
        if event == "open" and isinstance(args[0], (str, bytes)):
            _log.write(json.dumps([os.getpid(), os.fsdecode(args[0])]) + "\\n")
    sys.addaudithook(_hook)
"""


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


# A build in a fresh process; with the audit hook above in every process it starts: each
# file opened, with the opening pid.
AUDITED_BUILD = """
    import json, os, sys
    from kfsreport.cli import main
    code = main(["build", "--project", sys.argv[1]])
    heavy = sorted(m for m in ("weasyprint", "pandas", "altair", "vl_convert") if m in sys.modules)
    print(json.dumps({"pid": os.getpid(), "code": code, "loaded": heavy}))
"""


# What the libraries' imports open in a fresh process (the test process has done it long
# before its audit starts): WeasyPrint's MIME table, `tempfile` probing the temporary folder
# with a file of its own, /dev/null for a subprocess of ctypes, the import system's own hook.
LIBRARY_HOUSEKEEPING = re.compile(
    rf"^(/etc/mime\.types|/dev/null|{re.escape(tempfile.gettempdir())}(/(tmp)?[a-z0-9_]{{8}})?|__editable__\..*"
    r"|.*/hooks(/__pycache__)?(/sitecustomize\..*)?)$"
)


def audited_build(root: Path, tmp_path: Path) -> tuple[dict[str, object], list[tuple[int, str]], str]:
    log = tmp_path / "opened.jsonl"
    log.unlink(missing_ok=True)
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(hooks), os.environ.get("PYTHONPATH", "")) if p)
    run = run_python(AUDITED_BUILD, str(root), env={"KFSREPORT_AUDIT_LOG": str(log), "PYTHONPATH": path})
    assert run.stdout, run.stderr
    opened = [tuple(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()]
    return json.loads(run.stdout.splitlines()[-1]), opened, run.stderr  # type: ignore[return-value]


def test_a_fresh_build_lays_out_in_the_print_process_and_reads_nothing_outside(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    outcome, opened, err = audited_build(root, tmp_path)
    assert outcome["code"] == 0, err
    assert outcome["loaded"] == ["altair", "pandas"]  # WeasyPrint and vl-convert: elsewhere
    by_printer = [path for pid, path in opened if pid != outcome["pid"]]
    assert any("vl_convert" in path for path in by_printer)  # the charts drawn there
    assert any(path.endswith("SourceSans3-Regular.ttf") for path in by_printer)  # the layout
    assert [
        path for path in outside([path for _, path in opened], root) if not LIBRARY_HOUSEKEEPING.match(path)
    ] == []
    text = subprocess.run(
        ["pdftotext", str(root / "output/testrapport-2030.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Figur 1. Andel kvinnor" in text and "Figur 2. Utfall per kommun" in text
    assert (root / "output/testrapport-2030.pdf").read_bytes().startswith(b"%PDF-")


def test_the_print_process_draws_the_charts_the_same_as_this_process(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    outcome, opened, err = audited_build(root, tmp_path)
    assert outcome["code"] == 0, err
    assert any(pid != outcome["pid"] and "vl_convert" in path for pid, path in opened)
    from kfsreport.charts.figures import render_charts
    from kfsreport.load.folder import load_project
    from kfsreport.render.templates import template_dirs
    from kfsreport.validate.report import validate

    cached = {
        json.loads(path.read_text(encoding="utf-8"))["svg"]
        for path in (cache_dir(root) / "charts").glob("*.json")
    }
    shutil.rmtree(cache_dir(root) / "charts")
    sources, problems = load_project(root)
    report = validate(sources, problems)
    here = {figure.svg for figure in render_charts(report, template_dirs(root), problems).figures.values()}
    assert cached == here and len(here) == 2


def test_a_fetch_refused_in_the_print_process_is_reported_and_nothing_is_written(tmp_path):
    root = _copy("minimal", tmp_path)
    (tmp_path / "kanarie.md").write_text(CANARY, encoding="utf-8")
    back_cover = root / "templates/partials/back_cover.html.j2"  # in the print edition only
    back_cover.parent.mkdir(parents=True)
    # An SVG inside a data: address: the page itself fetches nothing (htmlcheck lets it
    # pass), so it is the print process's fetcher that refuses what the SVG refers to.
    svg = "<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>"
    back_cover.write_text(f'<footer><img src="data:image/svg+xml,{svg}" alt=""></footer>\n', encoding="utf-8")
    outcome, opened, err = audited_build(root, tmp_path)
    assert outcome["code"] == 1
    assert err.splitlines()[0] == (
        "templates: PDF:en skulle hämta 'file:///etc/passwd', som ligger utanför rapportmappen; "
        "det görs inte. Ta bort hänvisningen eller lägg filen i rapportmappen."
    )
    assert "/etc/passwd" not in [path for _, path in opened]
    assert not (root / "output").exists()


def test_a_killed_print_process_is_replaced(tmp_path):
    code = """
        import os, signal, sys, time
        from pathlib import Path
        from kfsreport.printing.printworker import PrintServer
        from kfsreport.render.templates import template_dirs
        root = Path(sys.argv[1])
        printer = PrintServer()
        printer.start()
        first = printer.pid
        os.kill(first, signal.SIGKILL)
        os.waitpid(first, 0)
        fonts = [d / "fonts" for d in template_dirs(root)]
        svg, = printer.draw([{"mark": "bar", "data": {"values": [{"a": 1}]},
                              "encoding": {"x": {"field": "a", "type": "quantitative"}}}], fonts)
        html = "<!DOCTYPE html><html lang=sv><title>T</title><p>Hej världen</p></html>"
        pdfs, refused = printer.lay_out(html, root, template_dirs(root))
        print(svg.startswith("<svg"), sorted(pdfs), all(p.startswith(b"%PDF-") for p in pdfs.values()))
        print(refused, printer.pid not in (None, first))
        printer.close()
    """
    run = run_python(code, str(_copy("minimal", tmp_path)))
    assert run.stdout.splitlines() == ["True ['', '-arkiv'] True", "[] True"], run.stderr


def test_a_failure_in_the_print_process_is_logged_with_its_traceback(caplog):
    import logging

    from kfsreport.printing.printworker import PrintServer

    printer = PrintServer()
    try:
        with caplog.at_level(logging.INFO, logger="kfsreport"):
            assert printer.draw([{"mark": "ingen-sadan-typ"}], []) is None
        assert "PDF-processen misslyckades med diagrammen" in caplog.text
        assert "Traceback (most recent call last)" in caplog.text
        assert printer.pid is not None  # it goes on serving
    finally:
        printer.close()


# A build in a fresh process whose print process cannot start (the command exits at once),
# or where os.fork, fcntl and prctl do not exist; each prints its output folder's files.
BUILD_WITHOUT = """
    import os, sys
    what = sys.argv[3]
    if what == "no-printer":
        from kfsreport.printing.printworker import PrintServer
        PrintServer.command = [sys.executable, "-c", "import sys; sys.exit(3)"]
    if what == "no-posix":
        import ctypes
        for name in ("fork", "forkpty", "register_at_fork"):
            if hasattr(os, name):
                delattr(os, name)
        sys.modules["fcntl"] = None  # import fcntl raises ImportError, as on Windows
        class NoPrctl:
            def __getattr__(self, name):
                raise AttributeError(name)
        ctypes.CDLL = lambda *args, **kwargs: NoPrctl()
    from kfsreport.cli import main
    code = main(["-v", "build", "--project", sys.argv[1], "--out", sys.argv[2]])
    print(code, "fcntl" in sys.modules and sys.modules["fcntl"] is not None)
"""


def test_the_same_bytes_without_a_print_process_and_without_fork_fcntl_or_prctl(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    outputs = {}
    for what in ("normal", "no-printer", "no-posix"):
        out = tmp_path / f"ut-{what}"
        run = run_python(BUILD_WITHOUT, str(root), str(out), what)
        assert run.stdout.splitlines()[-1].split()[0] == "0", run.stderr
        assert run.stdout.splitlines()[-1].endswith("False" if what == "no-posix" else "True")
        if what == "no-printer":
            assert "PDF-processen avslutades oväntat" in run.stderr  # logged with --verbose
        outputs[what] = {path.name: path.read_bytes() for path in out.iterdir()}
    assert len(outputs["normal"]) == 2  # the web page and the PDF
    assert outputs["no-printer"] == outputs["normal"] == outputs["no-posix"]


def test_a_build_that_stops_on_a_problem_leaves_no_process_behind(tmp_path):
    root = _copy("minimal", tmp_path)
    (root / "report.yaml").write_text(
        (root / "report.yaml").read_text(encoding="utf-8").replace("year:", "yaer:"), encoding="utf-8"
    )
    code = """
        import os, sys
        from kfsreport.cli import main
        code = main(["build", "--project", sys.argv[1]])
        try:
            os.waitpid(-1, os.WNOHANG)
            left = "a child is left"
        except ChildProcessError:
            left = "no child"
        print(code, left)
    """
    run = run_python(code, str(root))
    assert run.stdout.splitlines()[-1] == "1 no child", run.stderr
    assert "yaer" in run.stderr


def _copy(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def test_a_problem_found_while_computing_is_reported_with_its_place(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,1417\nLycksele,tolv\n", encoding="utf-8")
    outcome, _, err = audited_build(root, tmp_path)
    assert outcome["code"] == 1
    assert err.splitlines()[0].startswith(
        "data/utfall.csv:3: kolumnen 'Utfall' ska innehålla tal, men har 'tolv'."
    )
    assert not (root / "output").exists()


def test_a_killed_build_takes_its_print_process_with_it(make_project):
    root = make_project("demo")  # long enough that the layout is still under way when killed
    build = subprocess.Popen(
        [sys.executable, "-m", "kfsreport", "build", "--project", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: list[int] = []
    deadline = time.monotonic() + 30
    while not children and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            children = [
                int(pid) for pid in Path(f"/proc/{build.pid}/task/{build.pid}/children").read_text().split()
            ]
        time.sleep(0.01)
    assert children, "the build started no print process"
    time.sleep(1.2)  # WeasyPrint imported, the layout under way
    assert _alive(children[0])
    build.kill()
    build.wait()
    gone = time.monotonic() + 2  # far less than the rest of the layout (about 3.5 s on a quiet machine)
    while _alive(children[0]) and time.monotonic() < gone:
        time.sleep(0.05)
    assert not _alive(children[0])
    assert not (root / "output").exists()


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for init to reap it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_kept_print_process_serves_every_build_and_outlives_one_that_stops(tmp_path):
    """`pipeline.keep_printer` (the test suite's way): builds hand their work to the one kept
    process and leave it running; a build that stops after it handed over its print page
    (an error found in the web page) leaves no half-done layout that blocks the next one."""
    code = """
        import sys
        from pathlib import Path
        from kfsreport import pipeline
        from kfsreport.commands.build import build
        from kfsreport.printing.printworker import PrintServer
        from kfsreport.render.templates import template_dirs
        root, out = Path(sys.argv[1]), Path(sys.argv[2])
        printer = PrintServer()
        pipeline.keep_printer(printer)
        build(root, out_dir=out / "a")
        first = printer.pid
        build(root, out_dir=out / "b")
        print(first is not None, printer.pid == first, "weasyprint" in sys.modules)
        html = "<!DOCTYPE html><html lang=sv><title>T</title><p>Hej</p></html>"
        printer.send(html, root, template_dirs(root))
        pipeline.release(printer)  # what make() does when the build stops there
        pdfs, refused = printer.lay_out(html, root, template_dirs(root))
        same = [(out / f"{d}/testrapport-2030.pdf").read_bytes() for d in "ab"]
        print(sorted(pdfs), same[0] == same[1])
        printer.close()
    """
    run = run_python(code, str(_copy("minimal", tmp_path)), str(tmp_path))
    assert run.stdout.splitlines() == ["True True False", "['', '-arkiv'] True"], run.stderr


def test_the_print_process_gives_a_layouts_memory_back_after_answering(monkeypatch):
    """After a layout (a whole PDF, a part, the join, a chapter) is answered, the process
    collects the layout's reference cycles and hands the freed memory back
    (`give_back_memory`), so an idle print process does not hold a whole layout; not after a
    small request (charts, the chapters' places)."""
    import io
    import pickle

    from kfsreport.printing import printworker

    events: list[str] = []
    monkeypatch.setattr(printworker, "_do", lambda kind, arguments: events.append(f"do {kind}") or kind)
    monkeypatch.setattr(printworker, "give_back_memory", lambda: events.append("give back"))
    monkeypatch.setattr(printworker, "_end_with_parent", lambda parent: None)  # no watcher left behind
    requests = io.BytesIO()
    kinds = ["part", "places", "join", "draw"]
    for kind in kinds:
        pickle.dump((kind, "arguments"), requests)
    requests.seek(0)
    answers = io.BytesIO()
    printworker.serve(requests, answers)
    assert events == ["do part", "give back", "do places", "do join", "give back", "do draw"]
    answers.seek(0)
    assert [pickle.load(answers) for _ in kinds] == [("ok", kind) for kind in kinds]


def test_giving_back_memory_frees_reference_cycles():
    import gc
    import weakref

    from kfsreport.printing.printworker import give_back_memory

    class Box:
        pass

    box = Box()
    box.page = box  # type: ignore[attr-defined]  # a cycle, as a laid-out page's boxes make
    gone = weakref.ref(box)
    gc.disable()
    try:
        del box
        assert gone() is not None
        give_back_memory()
        assert gone() is None
    finally:
        gc.enable()


def test_a_laid_out_document_keeps_no_cache_of_every_elements_style():
    """Once the pages exist, WeasyPrint's caches of every element's cascaded and computed
    style are emptied (`parts.forget_styles`): the layout context outlives the layout (an SVG
    image refers to it), and the caches held the styles of the whole document, also of the
    pages another part lays out, while the PDF was written. The pages keep their own."""
    import base64

    from weasyprint import HTML
    from weasyprint.layout import LayoutContext

    from kfsreport.printing import parts

    parts.install()
    svg = "data:image/svg+xml;base64," + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>'
    ).decode("ascii")
    document = HTML(string=f'<p style="color: red">Hej</p><img src="{svg}">').render()
    boxes = list(document.pages[0]._page_box.descendants())
    context = next(box.replacement._context for box in boxes if hasattr(box, "replacement"))
    assert isinstance(context, LayoutContext)  # kept alive by the SVG image, as by a chart
    assert not context.style_for._cascaded_styles and not context.style_for._computed_styles
    assert any(getattr(box, "element_tag", "") == "p" and box.style["color"] == (1, 0, 0, 1) for box in boxes)

    class StyleFor:
        _cascaded_styles = {"a": 1}
        _computed_styles = {"a": 2}

    class Context:
        style_for = StyleFor()

    parts.forget_styles(Context())
    assert StyleFor._cascaded_styles == {} and StyleFor._computed_styles == {}
    parts.forget_styles(object())  # another WeasyPrint without the caches: nothing to do


TINY_CHART = {
    "mark": "bar",
    "data": {"values": [{"a": 1}]},
    "encoding": {"x": {"field": "a", "type": "quantitative"}},
}


def _weasyprint_loaded(pid: int) -> bool:
    """Whether process `pid` has WeasyPrint's Pango loaded (its import opens the library)."""
    return "libpango" in Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="/proc finns inte här")
def test_a_print_process_started_for_later_imports_weasyprint_only_when_asked(make_project):
    """`check` of a report without stylesheets of its own starts its print process with
    `ahead=False`: the process draws and spells without WeasyPrint (0.3 s of import the
    check need not wait for), and imports it the first time a request needs it."""
    from kfsreport.printing.csswarnings import css_warnings
    from kfsreport.printing.printworker import PrintServer

    planted = make_project("check-planted")
    dirs = template_dirs(planted)
    later = PrintServer(ahead=False)
    later.start()
    try:
        svg = later.draw([TINY_CHART], [d / "fonts" for d in dirs])
        assert svg is not None and svg[0].startswith("<svg")
        assert later.pid is not None and not _weasyprint_loaded(later.pid)
        assert later.css_warnings(planted, dirs) == css_warnings(planted, dirs) != []
        assert _weasyprint_loaded(later.pid)
    finally:
        later.close()
