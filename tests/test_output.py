"""Writing the outputs: earlier outputs kept when a build fails, no temporary files, same bytes every time."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kfsreport.commands.build import build
from kfsreport.write import output
from tests.conftest import edit


def files_in(folder: Path) -> dict[str, bytes]:
    """Every output in `folder` by name (not the lock file or the build stamp)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def fail_on_call(monkeypatch, name: str, call: int, error: OSError) -> None:
    """Make `os.<name>` raise `error` on its `call`-th use (counting from 1)."""
    real = getattr(os, name)
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(args)
        if len(calls) == call:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, wrapper)


# --- write_outputs --------------------------------------------------------------------------


def test_write_outputs_writes_every_file_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "ut" / "mapp"
    written = output.write_outputs({out / "r.html": b"<html>", out / "r.pdf": b"%PDF-1.7"})
    assert written == [out / "r.html", out / "r.pdf"]
    assert files_in(out) == {"r.html": b"<html>", "r.pdf": b"%PDF-1.7"}
    assert oct((out / "r.pdf").stat().st_mode & 0o777) == "0o644"


def test_write_outputs_replaces_earlier_files(tmp_path):
    (tmp_path / "r.html").write_bytes(b"gammal")
    output.write_outputs({tmp_path / "r.html": b"ny"})
    assert files_in(tmp_path) == {"r.html": b"ny"}


def test_a_failure_while_moving_into_place_leaves_no_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "r.html").write_bytes(b"gammal html")
    (tmp_path / "r.pdf").write_bytes(b"gammal pdf")
    fail_on_call(monkeypatch, "replace", 2, PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(PermissionError):
        output.write_outputs({tmp_path / "r.html": b"ny html", tmp_path / "r.pdf": b"ny pdf"})
    # The first file has already been moved into place when the second move fails: write_outputs
    # promises no half-written file and no leftovers, not that two renames happen as one.
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r.html", "r.pdf"]
    assert (tmp_path / "r.pdf").read_bytes() == b"gammal pdf"


def test_a_failure_while_writing_leaves_earlier_outputs_and_no_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "r.html").write_bytes(b"gammal html")
    (tmp_path / "r.pdf").write_bytes(b"gammal pdf")
    fail_on_call(monkeypatch, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError):
        output.write_outputs({tmp_path / "r.html": b"ny html", tmp_path / "r.pdf": b"ny pdf"})
    assert files_in(tmp_path) == {"r.html": b"gammal html", "r.pdf": b"gammal pdf"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r.html", "r.pdf"]


def test_a_failure_while_writing_keeps_every_earlier_output(tmp_path, monkeypatch):
    (tmp_path / "r.html").write_bytes(b"gammal html")
    (tmp_path / "r.pdf").write_bytes(b"gammal pdf")
    fail_on_call(monkeypatch, "fsync", 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError):
        output.write_outputs({tmp_path / "r.html": b"ny html", tmp_path / "r.pdf": b"ny pdf"})
    assert (tmp_path / "r.html").read_bytes() == b"gammal html"
    assert (tmp_path / "r.pdf").read_bytes() == b"gammal pdf"


# --- builds ---------------------------------------------------------------------------------


def test_a_build_that_fails_in_the_pdf_stage_leaves_earlier_outputs_byte_identical(make_project, cli):
    root = make_project("minimal")
    assert cli("build", "--project", str(root)).code == 0
    before = files_in(root / "output")
    assert sorted(before) == ["testrapport-2030.html", "testrapport-2030.pdf"]
    edit(root / "content/02-resultat.md", "| Norsjö | 3 894 |", "| Norsjö | 3 895 |")
    footer = root / "templates/partials/back_cover.html.j2"
    footer.parent.mkdir(parents=True)
    footer.write_text('<footer><img src="file:///etc/hostname" alt="x"></footer>\n', encoding="utf-8")
    run = cli("build", "--project", str(root))
    assert run.code == 1
    assert run.err.splitlines()[-1] == (
        "Bygget avbröts: 1 fel att rätta. Inget skrevs; tidigare utdata ligger kvar."
    )
    assert files_in(root / "output") == before


def test_a_build_that_fails_in_the_text_leaves_earlier_outputs_byte_identical(make_project, cli):
    root = make_project("minimal")
    assert cli("build", "--project", str(root), "--format", "html").code == 0
    before = files_in(root / "output")
    edit(root / "content/01-inledning.md", "{{ tal.utfall }}", "{{ tal.utfal }}")
    assert cli("build", "--project", str(root), "--format", "html").code == 1
    assert files_in(root / "output") == before


def test_an_out_folder_that_is_a_file_is_a_plain_error(make_project, cli, tmp_path):
    root = make_project("minimal")
    (tmp_path / "fil").write_text("", encoding="utf-8")
    run = cli("build", "--project", str(root), "--format", "html", "--out", str(tmp_path / "fil"))
    assert run.code == 1
    assert "Traceback" not in run.err
    assert str(tmp_path / "fil") in run.err


def test_two_builds_give_byte_identical_html_and_pdf(make_project, tmp_path):
    """Same input, same bytes, even from a copy of the folder in another place."""
    root = make_project("minimal")
    copy = shutil.copytree(root, tmp_path / "annan plats" / "minimal")
    first = build(root)
    second = build(copy)
    assert [p.name for p in first.written] == [
        "testrapport-2030.html",
        "testrapport-2030.pdf",
    ]
    assert [p.name for p in second.written] == [p.name for p in first.written]
    assert files_in(root / "output")["testrapport-2030.pdf"].startswith(b"%PDF-")
    assert files_in(root / "output") == files_in(copy / "output")


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from kfsreport.write import output

real, calls = os.fsync, []
def fsync(fd):
    calls.append(fd)
    if len(calls) == 2:  # the second file is being written: killed, as by kill -9
        os.kill(os.getpid(), signal.SIGKILL)
    real(fd)
os.fsync = fsync
folder = Path(sys.argv[1])
output.write_outputs({folder / "r.html": b"ny html", folder / "r.pdf": b"ny pdf"})
"""


def test_a_writer_killed_half_way_leaves_the_earlier_files_and_nothing_else(tmp_path):
    (tmp_path / "r.html").write_bytes(b"gammal html")
    (tmp_path / "r.pdf").write_bytes(b"gammal pdf")
    run = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(tmp_path)], check=False)
    assert run.returncode == -signal.SIGKILL
    assert files_in(tmp_path) == {"r.html": b"gammal html", "r.pdf": b"gammal pdf"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r.html", "r.pdf"]  # no temporary file


def test_files_are_still_written_where_unnamed_files_cannot_be_linked(tmp_path, monkeypatch):
    (tmp_path / "r.html").write_bytes(b"gammal")
    fail_on_call(monkeypatch, "link", 1, OSError(errno.EXDEV, "Invalid cross-device link"))
    output.write_outputs({tmp_path / "r.html": b"ny html", tmp_path / "r.pdf": b"ny pdf"})
    assert files_in(tmp_path) == {"r.html": b"ny html", "r.pdf": b"ny pdf"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r.html", "r.pdf"]
    assert oct((tmp_path / "r.html").stat().st_mode & 0o777) == "0o644"


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Årsrapport 2025", "arsrapport-2025"),
        (
            "Yttrande över remissen om en ny lag om kommunernas och regionernas ansvar för "
            "kompetensförsörjning inom vård och omsorg (SOU 2025:99)",
            "yttrande-over-remissen-om-en-ny-lag-om-kommunernas-och",
        ),
        ("Kompetensförsörjningsuppföljningsrapportsammanställningsunderlagets-bilaga", None),
        ("★ ★ ★", "rapport"),
    ],
)
def test_the_files_are_named_by_the_title_in_whole_words_and_at_most_sixty_characters(title, name):
    # A consultation response's title gave a file name of 130 characters.
    from kfsreport.commands.build import MAX_NAME, output_name
    from kfsreport.load.schema import ReportSettings

    settings = ReportSettings.model_validate(
        {
            "title": title,
            "committee": "B",
            "organisation": "R",
            "kind": "annual",
            "year": 2025,
            "date": "2025-11-25",
        }
    )
    made = output_name(settings)
    assert len(made) <= MAX_NAME
    assert made == (name or made[:MAX_NAME])
