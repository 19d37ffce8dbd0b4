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


def test_a_missing_library_is_named_in_swedish():
    result = run(
        """
        import cffi
        real = cffi.FFI.dlopen
        def dlopen(self, name, flags=0):
            if "gobject" in str(name):
                raise OSError(f"cannot load library '{name}': no such file")
            return real(self, name, flags)
        cffi.FFI.dlopen = dlopen
        from kfsreport.printing.engine import EngineMissing, load_weasyprint
        try:
            load_weasyprint()
        except EngineMissing as error:
            print(error)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "PDF:en kan inte göras: systembiblioteket GObject (libgobject-2.0.so.0) saknas på den här "
        "datorn. Installera det, på Debian och Ubuntu med: sudo apt install libglib2.0-0"
    )
    assert "WeasyPrint could not import" not in result.stdout + result.stderr


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
