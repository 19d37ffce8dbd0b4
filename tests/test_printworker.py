"""The print worker: a fresh build hands WeasyPrint and vl-convert to a forked child.

Each test runs in a fresh Python process, as `kfsreport build` does: this test process has
WeasyPrint loaded already (tests/conftest.py), where no worker is ever started.
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

from kfsreport.cache import cache_dir
from tests.conftest import FIXTURES
from tests.test_charts import with_charts
from tests.test_security import CANARY, outside

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="no fork")


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=300
    )


# A build in a fresh process with an audit hook that every process of the build inherits
# (the worker and its archive writer are forks): each file it opens, with the opening pid.
AUDITED_BUILD = """
    import json, os, sys
    log = open(sys.argv[2], "a", buffering=1)
    def hook(event, args):
        if event == "open" and isinstance(args[0], (str, bytes)):
            log.write(json.dumps([os.getpid(), os.fsdecode(args[0])]) + "\\n")
    sys.addaudithook(hook)
    from kfsreport.cli import main
    code = main(["build", "--project", sys.argv[1]])
    heavy = sorted(m for m in ("weasyprint", "pandas", "altair", "vl_convert") if m in sys.modules)
    print(json.dumps({"pid": os.getpid(), "code": code, "loaded": heavy}))
"""


# What the libraries' imports open in a fresh process (the test process has done it long
# before its audit starts): WeasyPrint's MIME table, `tempfile` probing the temporary folder
# with a file of its own, /dev/null for a subprocess of ctypes, the import system's own hook.
LIBRARY_HOUSEKEEPING = re.compile(
    rf"^(/etc/mime\.types|/dev/null|{re.escape(tempfile.gettempdir())}(/(tmp)?[a-z0-9_]{{8}})?|__editable__\..*)$"
)


def audited_build(root: Path, tmp_path: Path) -> tuple[dict[str, object], list[tuple[int, str]], str]:
    log = tmp_path / "opened.jsonl"
    run = run_python(AUDITED_BUILD, str(root), str(log))
    assert run.stdout, run.stderr
    opened = [tuple(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()]
    return json.loads(run.stdout.splitlines()[-1]), opened, run.stderr  # type: ignore[return-value]


def test_a_fresh_build_lays_out_in_the_worker_and_reads_nothing_outside(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    outcome, opened, err = audited_build(root, tmp_path)
    assert outcome["code"] == 0, err
    assert outcome["loaded"] == []  # the build process itself never loaded any of them
    computed = [pid for pid, path in opened if path.endswith("data/utfall.csv")]
    assert any(pid != outcome["pid"] for pid in computed)  # the numbers were computed in a child
    by_worker = [path for pid, path in opened if pid != outcome["pid"]]
    assert any(path.endswith("SourceSans3-Regular.ttf") for path in by_worker)  # the layout
    assert [
        path for path in outside([path for _, path in opened], root) if not LIBRARY_HOUSEKEEPING.match(path)
    ] == []
    text = subprocess.run(
        ["pdftotext", str(root / "output/testrapport-2030.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Figur 1. Andel kvinnor" in text and "Figur 2. Utfall per kommun" in text
    assert (root / "output/testrapport-2030.pdf").read_bytes().startswith(b"%PDF-")


def test_the_worker_draws_the_charts_the_same_as_this_process(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    outcome, opened, err = audited_build(root, tmp_path)
    assert outcome["code"] == 0, err
    assert any(pid != outcome["pid"] and "vl_convert" in path for pid, path in opened)
    from kfsreport.charts.figures import render_charts
    from kfsreport.load import load_project
    from kfsreport.templates import template_dirs
    from kfsreport.validate import validate

    cached = {
        json.loads(path.read_text(encoding="utf-8"))["svg"]
        for path in (cache_dir(root) / "charts").glob("*.json")
    }
    shutil.rmtree(cache_dir(root) / "charts")
    sources, problems = load_project(root)
    report = validate(sources, problems)
    here = {figure.svg for figure in render_charts(report, template_dirs(root), problems).figures.values()}
    assert cached == here and len(here) == 2


def test_a_fetch_refused_in_the_worker_is_reported_and_nothing_is_written(tmp_path):
    root = _copy("minimal", tmp_path)
    (tmp_path / "kanarie.md").write_text(CANARY, encoding="utf-8")
    back_cover = root / "templates/partials/back_cover.html.j2"  # in the print edition only
    back_cover.parent.mkdir(parents=True)
    back_cover.write_text('<footer><img src="file:///etc/passwd" alt=""></footer>\n', encoding="utf-8")
    outcome, opened, err = audited_build(root, tmp_path)
    assert outcome["code"] == 1
    assert err.splitlines()[0] == (
        "templates: PDF:en skulle hämta 'file:///etc/passwd', som ligger utanför rapportmappen; "
        "det görs inte. Ta bort hänvisningen eller lägg filen i rapportmappen."
    )
    assert "/etc/passwd" not in [path for _, path in opened]
    assert not (root / "output").exists()


def test_a_killed_worker_is_replaced_by_this_process(tmp_path):
    code = """
        import os, signal, sys, time
        from pathlib import Path
        from kfsreport.errors import Problems
        from kfsreport.printworker import PrintWorker
        from kfsreport.templates import template_dirs
        root = Path(sys.argv[1])
        worker = PrintWorker.start()
        os.kill(worker.pid, signal.SIGKILL)
        time.sleep(0.2)
        fonts = [d / "fonts" for d in template_dirs(root)]
        svg, = worker.draw([{"mark": "bar", "data": {"values": [{"a": 1}]},
                             "encoding": {"x": {"field": "a", "type": "quantitative"}}}], fonts)
        html = "<!DOCTYPE html><html lang=sv><title>T</title><p>Hej världen</p></html>"
        worker.send(html, root, template_dirs(root))
        pdfs = worker.receive(problems := Problems())
        print(svg.startswith("<svg"), sorted(pdfs), all(p.startswith(b"%PDF-") for p in pdfs.values()))
        print(len(problems.errors))
    """
    run = run_python(code, str(_copy("minimal", tmp_path)))
    assert run.stdout.splitlines() == ["True ['', '-arkiv'] True", "0"], run.stderr


def test_a_build_that_stops_on_a_problem_leaves_no_worker_behind(tmp_path):
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


def test_forked_work_sends_its_result_back_or_none_when_it_fails():
    from kfsreport.printworker import forked

    assert forked(lambda: {"svar": [1, "två"]}) == {"svar": [1, "två"]}
    child_pid = forked(os.getpid)
    assert child_pid is not None and child_pid != os.getpid()
    assert forked(lambda: 1 / 0) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child has been waited for


def test_a_problem_found_while_computing_in_the_child_is_reported_with_its_place(tmp_path):
    root = with_charts(lambda name: _copy(name, tmp_path))
    (root / "data/utfall.csv").write_text("Kommun,Utfall\nNorsjö,1417\nLycksele,tolv\n", encoding="utf-8")
    outcome, _, err = audited_build(root, tmp_path)
    assert outcome["code"] == 1
    assert err.splitlines()[0].startswith(
        "data/utfall.csv:3: kolumnen 'Utfall' ska innehålla tal, men har 'tolv'."
    )
    assert not (root / "output").exists()


def test_a_killed_build_takes_its_worker_with_it(make_project):
    root = make_project("demo")  # long enough that the worker is still laying out when killed
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
    assert children, "the build started no worker"
    time.sleep(1.2)  # WeasyPrint imported, the layout under way
    assert _alive(children[0])
    build.kill()
    build.wait()
    time.sleep(0.5)  # far less than the rest of the layout would take
    assert not _alive(children[0])
    assert not (root / "output").exists()


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for init to reap it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
