"""Shared fixtures: report folders copied into tmp_path and the CLI run as a user runs it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

# Imported here so that builds in the test process lay out their PDFs in this process, where
# monkeypatches and the security tests' audit hook see everything they do (a build forks a
# PrintWorker only while WeasyPrint is not yet loaded). tests/test_printworker.py runs builds
# in fresh processes to cover the worker.
import weasyprint  # noqa: F401

from kfsreport.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent

# The tests' caches (drawn charts, font subsets, build records) in a folder of their own, not
# the user's cache folder; subprocesses the tests start inherit it.
os.environ["KFSREPORT_CACHE"] = tempfile.mkdtemp(prefix="kfsreport-test-cache-")


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


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo report built once per test run into a temporary folder."""
    from kfsreport.build import build

    out = tmp_path_factory.mktemp("demo-output")
    build(REPO, out_dir=out)
    return out


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
