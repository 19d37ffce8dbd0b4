"""A build with nothing to do does nothing: the record in the cache and what invalidates it."""

from __future__ import annotations

import os

import pytest

from kfsreport.write import fingerprint
from tests.conftest import edit


def test_an_unchanged_report_is_not_built_again(make_project, cli):
    root = make_project("minimal")
    assert cli("build", "--project", str(root), "--format", "html").code == 0
    before = (root / "output/testrapport-2030.html").stat().st_mtime_ns
    run = cli("build", "--project", str(root), "--format", "html")
    assert run.code == 0
    assert run.out == "Inget har ändrats sedan förra bygget; filerna i utdatamappen är aktuella.\n"
    assert (root / "output/testrapport-2030.html").stat().st_mtime_ns == before


def test_any_change_builds_again(make_project, cli):
    root = make_project("minimal")
    assert cli("build", "--project", str(root), "--format", "html").code == 0
    changes = [
        lambda: edit(root / "content/01-inledning.md", "Text.", "Ny text."),
        lambda: edit(root / "data/facts.yaml", "Samverkan behövs.", "Samverkan behövs mer."),
        lambda: (
            (root / "templates/css").mkdir(parents=True)
            or (root / "templates/css/screen.css").write_text("body { color: #111; }\n", encoding="utf-8")
        ),
        lambda: (root / "output/testrapport-2030.html").write_text("ändrad för hand", encoding="utf-8"),
        lambda: (root / "output/testrapport-2030.html").unlink(),
        lambda: (root / "content/02-nytt.md").write_text(
            "---\ntitle: Nytt\n---\n\nText.\n", encoding="utf-8"
        ),
    ]
    for change in changes:
        change()
        run = cli("build", "--project", str(root), "--format", "html")
        assert run.out.startswith("Skrev "), run.out
    assert cli("build", "--project", str(root), "--format", "html,pdf").out.count("Skrev ") == 2


def test_a_symlink_out_of_the_folder_is_not_read_for_the_digest(make_project, tmp_path):
    from kfsreport.write.fingerprint import inputs_digest

    root = make_project("minimal")
    secret = tmp_path / "hemlig.txt"
    secret.write_text("1", encoding="utf-8")
    (root / "data/lank.txt").symlink_to(secret)
    first = inputs_digest(root, ["html"], root / "output", ["data/lank.txt"])
    secret.write_text("2", encoding="utf-8")
    assert inputs_digest(root, ["html"], root / "output", ["data/lank.txt"]) == first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_only_the_files_the_report_reads_are_hashed_and_never_a_fifo(make_project, cli, monkeypatch):
    root = make_project("minimal")
    (root / "data/video.mp4").write_bytes(b"\0" * 1_000_000)  # in the folder, read by nothing
    os.mkfifo(root / "data/ror")  # opening it would wait for a writer for ever
    hashed: list[str] = []
    digest = fingerprint._digest.__wrapped__

    def spy(path: str, *args: int) -> bytes | None:
        hashed.append(path)
        return digest(path, *args)

    monkeypatch.setattr(fingerprint, "_digest", spy)
    assert cli("build", "--project", str(root), "--format", "html").code == 0
    assert cli("build", "--project", str(root), "--format", "html").out.startswith("Inget har ändrats")
    assert str(root / "content/01-inledning.md") in hashed
    assert not [path for path in hashed if path.endswith(("video.mp4", "data/ror"))]
    assert fingerprint.file_digest(root / "data/ror") is None


def test_the_output_folder_holds_only_what_is_published(make_project, cli, tmp_path):
    root = make_project("minimal")
    out = tmp_path / "ut"
    assert cli("build", "--project", str(root), "--out", str(out)).code == 0
    assert sorted(path.name for path in out.iterdir()) == [
        "testrapport-2030.html",
        "testrapport-2030.pdf",
    ]
    assert cli("build", "--project", str(root), "--out", str(out)).out.startswith("Inget har ändrats")
