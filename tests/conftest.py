"""Shared fixtures: report folders copied into tmp_path and the CLI run as a user runs it.

`make test` runs the suite in parallel (pytest-xdist, one worker process per core). Anything
costly that many tests only read, such as the built demo, is made once per test run with
`built_once` and shared by all workers; see "Tester" in DEVELOPING.md.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kfsreport import pipeline
from kfsreport.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent

# The tests' caches (drawn charts, font subsets, build records) in a folder of their own, not
# the user's cache folder, made once per run: pytest-xdist's workers inherit it from the
# process that starts them, as the subprocesses the tests start do, so a font subset made in
# one is not made again in another. Each report folder a test makes has its own subfolder.
_OWN_CACHE: str | None = None
"""The run's cache folder, if this process made it (the one that starts the workers): removed
when the run ends, so a test run leaves nothing behind in the temp folder."""
if not (os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("KFSREPORT_TEST_RUN_CACHE")):
    _OWN_CACHE = os.environ["KFSREPORT_TEST_RUN_CACHE"] = tempfile.mkdtemp(prefix="kfsreport-test-cache-")
os.environ["KFSREPORT_CACHE"] = os.environ["KFSREPORT_TEST_RUN_CACHE"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_CACHE is not None:
        shutil.rmtree(_OWN_CACHE, ignore_errors=True)


SLOW_FIRST = (
    "test_parts.py",
    "test_serve_chapter.py",
    "test_printworker.py",
    "test_serve.py",
    "test_conformance.py",
    "test_chart_labels.py",
)
"""Modules whose tests take seconds each (builds of the demo or the manual in fresh processes,
the preview's layouts, the validator), measured with `--durations`: under `make test` they
are handed out first, right after the groups, so that the run ends with short tests on both
workers instead of one worker finishing a long test while the other waits."""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each `xdist_group` in one worker under `--dist loadgroup` (`make test`), and hand
    out the slow modules' tests first (`SLOW_FIRST`).

    pytest-xdist 3.8 groups the tests by adding `@group` to each test's id (`item._nodeid`),
    which pytest 9.2 no longer reads (the id is `item._id`): every group was silently spread
    over the workers, so each started its own Chromium, ran the Nu Html Checker's JVM and
    made every module fixture again. The id is set here the way pytest 9.2 keeps it (and
    left alone where xdist's own suffix took); tests/test_browser.py checks that it holds."""
    if not config.getoption("loadgroup", default=False):
        return
    from _pytest.nodeid import NodeId

    # pytest-xdist hands out the groups first (most tests first, `--loadscope-reorder`), then
    # every other test alone in the order collected: a stable sort puts the slow ones first.
    items.sort(key=lambda item: item.path.name not in SLOW_FIRST)

    for item in items:
        marks = item.iter_markers("xdist_group")
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in marks}
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(names))}")  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def print_process() -> Iterator[None]:
    """Builds in the test process hand their charts and PDFs to a print process, as
    `kfsreport build` does: one spawned `PrintServer` per test process, kept for all of its
    builds (`pipeline.keep_printer`), so the suite covers the default path without paying
    WeasyPrint's import once per build. Tests that must see the layout in this process use
    `print_here`; tests/test_printworker.py runs whole builds in fresh processes, one print
    process per build, exactly as the command does."""
    from kfsreport.printing.printworker import PrintServer

    printer = PrintServer()
    printer.start()
    pipeline.keep_printer(printer)
    yield
    pipeline.keep_printer(None)
    printer.close()  # waited for, so its CPU time counts in the run's


@pytest.fixture
def print_here() -> Iterator[None]:
    """This test's builds lay out their PDFs in the test process, where its monkeypatches
    and audit hooks see everything they do: no kept print process, and WeasyPrint imported
    here, so a build starts none (`pipeline.print_process`)."""
    from kfsreport.printing.engine import load_weasyprint

    load_weasyprint()
    kept = pipeline.keep_printer(None)
    yield
    pipeline.keep_printer(kept)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy `tests/fixtures/<name>` (or the demo, for "demo") into tmp_path and return it."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        if name == "demo":
            target.mkdir()
            for part in ("report.yaml", "ordlista.txt", "content", "data", "templates"):
                source = REPO / part
                if source.is_dir():
                    shutil.copytree(source, target / part)
                elif source.exists():
                    shutil.copy(source, target / part)
        else:
            shutil.copytree(FIXTURES / name, target)
        return target

    return copy


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder `name`, filled by `make(folder)` once per test run and shared by every
    pytest-xdist worker: the first worker to ask makes it under a lock, the others wait for it
    and reuse it. Tests must only read what is in it (copy it to change it)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = base / f"{name}.built"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


def built_report(tmp_path_factory: pytest.TempPathFactory, source: Path) -> Path:
    """A copy of the report folder `source` (a fixture, an example, under the repository),
    built whole into its `output/` once per test run and shared by every worker and module
    that needs it (the conformance, browser, visual and example tests): read only. The
    `first_release` and `handbok` fixtures are the same for those two."""
    from kfsreport.commands.build import build

    name = source.relative_to(REPO).as_posix().replace("/", "-")

    def make(folder: Path) -> None:
        root = folder / source.name
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("output", ".kfsreport-cache"))
        build(root)

    return built_once(tmp_path_factory, f"{name}-built", make) / source.name


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo report's output folder, built once per test run (read only)."""
    from kfsreport.commands.build import build

    return built_once(tmp_path_factory, "demo-output", lambda out: build(REPO, out_dir=out))


@pytest.fixture(scope="session")
def demo_pdf_problems(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """What `check_pdf` finds in the shared demo's PDF (2 s of processor time), read once per
    test run and shared by every worker, like the demo itself."""
    from kfsreport.commands.check.pdfcheck import check_pdf

    def make(folder: Path) -> None:
        found = check_pdf(demo / "arsrapport-2025.pdf")
        (folder / "problems.json").write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")

    folder = built_once(tmp_path_factory, "demo-pdf-problems", make)
    return list(json.loads((folder / "problems.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def handbok(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The manual's (handbok/) output folder, built once per test run (read only)."""
    from kfsreport.commands.build import build

    return built_once(tmp_path_factory, "handbok-output", lambda out: build(REPO / "handbok", out_dir=out))


@pytest.fixture(scope="session")
def first_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of tests/fixtures/demo-2025-first (the demo as first released),
    built once per test run (read only): the compatibility and conformance tests share it."""
    from kfsreport.commands.build import build

    def make(out: Path) -> None:
        build(FIXTURES / "demo-2025-first", out_dir=out)

    return built_once(tmp_path_factory, "demo-2025-first-output", make)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `kfsreport <args>` in-process and return exit code, stdout and stderr."""

    def run(*args: str) -> Run:
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in a file, failing loudly if `old` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
