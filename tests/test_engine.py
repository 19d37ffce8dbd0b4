"""WeasyPrint is imported without running programs to find its libraries, and a missing
library gives a Swedish message. Each case runs in a fresh Python, where the import happens."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_importing_weasyprint_runs_no_program():
    result = run(
        """
        import sys
        started = []
        sys.addaudithook(lambda event, args: started.append(args[0]) if event in (
            "subprocess.Popen", "os.posix_spawn", "os.exec", "os.system") else None)
        from kfsreport.printing.engine import load_weasyprint
        weasyprint = load_weasyprint()
        assert weasyprint.HTML is not None
        print(started)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


WITHOUT_GOBJECT = """
import cffi
real = cffi.FFI.dlopen
def dlopen(self, name, flags=0):
    if "gobject" in str(name):
        raise OSError(f"cannot load library '{name}': no such file")
    return real(self, name, flags)
cffi.FFI.dlopen = dlopen
"""
"""GObject made unloadable for cffi, as on a computer where the library is not installed."""

MISSING_GOBJECT = (
    "PDF:en kan inte göras: systembiblioteket GObject (libgobject-2.0.so.0) saknas på den här "
    "datorn. Installera det, på Debian och Ubuntu med: sudo apt install libglib2.0-0"
)


def test_a_missing_library_is_named_in_swedish():
    result = run(
        WITHOUT_GOBJECT
        + """
from kfsreport.errors import ReportError
from kfsreport.printing.engine import load_weasyprint
try:
    load_weasyprint()
except ReportError as error:
    print(repr(error.path), error.line)
    print(error)
"""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["'' None", MISSING_GOBJECT]
    assert "WeasyPrint could not import" not in result.stdout + result.stderr


def test_a_build_without_a_library_says_which_one_and_stops(make_project, tmp_path):
    """The user's view: `kfsreport build` on a computer without GObject (in the build and in
    the print process it starts) prints the message once (not once per process), no traceback, and exits 1."""
    root = make_project("minimal")
    patched = tmp_path / "patched"
    patched.mkdir()
    (patched / "sitecustomize.py").write_text(WITHOUT_GOBJECT, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kfsreport", "build", "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(patched)},
    )
    assert result.returncode == 1
    assert MISSING_GOBJECT in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("PDF:en kan inte göras") == 1
    assert not (root / "output").exists()


def test_a_build_leaves_nothing_in_the_temp_folder(make_project, tmp_path):
    root = make_project("minimal")
    temp = tmp_path / "temp"
    temp.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "kfsreport", "build", "--project", str(root), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert result.returncode == 0, result.stderr
    assert list(temp.iterdir()) == []
