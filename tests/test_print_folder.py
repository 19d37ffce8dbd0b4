"""A print process leaves nothing in the system's temporary folder, however it ends: WeasyPrint
copies a layout's fonts into a `weasyprint-…` folder and removes it only when the layout is
done, so each print process gets a temporary folder of its own (its TMPDIR), removed when it
is closed, killed, or left behind by a parent that ended without closing it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kfsreport.printing.chapterlayout import Place
from kfsreport.printing.printworker import PrintServer

FONT_FOLDER = (
    "import os, tempfile; folder = tempfile.mkdtemp(prefix='weasyprint-'); "
    "open(os.path.join(folder, 'typsnitt'), 'wb').write(b'x'); print(folder)"
)


def _process_folder(pid: int) -> Path:
    """The TMPDIR the print process `pid` runs with (once it has started)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for value in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
            if value.startswith(b"TMPDIR="):
                folder = Path(value.split(b"=", 1)[1].decode())
                if folder.name.startswith("kfsreport-print-") and folder.is_dir():
                    return folder
        time.sleep(0.05)  # still the parent's image, before exec
    raise AssertionError("no folder of its own")


def test_a_print_process_closed_in_the_middle_of_a_layout_leaves_no_folder(tmp_path):
    server = PrintServer()
    server.start()
    assert server.pid is not None
    folder = _process_folder(server.pid)
    # What WeasyPrint leaves while it lays out: a font folder under the process's TMPDIR.
    made = subprocess.run(
        [sys.executable, "-c", FONT_FOLDER],
        env={**os.environ, "TMPDIR": str(folder)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(made).parent == folder
    server.close()
    assert not folder.exists()


def test_a_print_process_whose_parent_is_killed_removes_its_folder(tmp_path):
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from kfsreport.printing.printworker import PrintServer; import sys, time; "
            "s = PrintServer(); s.start(); print(s.pid, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    folder = _process_folder(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 30
    while (folder.exists() or Path(f"/proc/{child}").exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not folder.exists()


def test_a_retired_print_process_starts_no_other():
    """The preview closes while a layout thread is still at work: what that thread asks of
    its print process afterwards starts no process that nobody would close."""
    server = PrintServer()
    server.start()
    assert server.pid is not None
    folder = _process_folder(server.pid)
    server.retire()
    assert server.pid is None and not folder.exists()
    with pytest.raises(OSError):
        server.start()
    assert server.draw([{"mark": "bar"}], []) is None
    with pytest.raises(OSError):
        server.lay_out_chapter("<p>x</p>", folder, [], Place(1, 0, True))
    assert server.pid is None
    closed = PrintServer()
    closed.start()
    closed.close()
    closed.start()  # closed, not retired: the next request starts a new one
    assert closed.pid is not None
    closed.close()
