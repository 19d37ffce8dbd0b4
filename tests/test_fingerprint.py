"""A build with nothing to do does nothing: the stamp beside the outputs and what invalidates it."""

from __future__ import annotations

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
    ]
    for change in changes:
        change()
        run = cli("build", "--project", str(root), "--format", "html")
        assert run.out.startswith("Skrev "), run.out
    assert cli("build", "--project", str(root), "--format", "html,pdf").out.count("Skrev ") == 3


def test_a_symlink_out_of_the_folder_is_not_read_for_the_digest(make_project, tmp_path):
    from kfsreport.fingerprint import inputs_digest

    root = make_project("minimal")
    secret = tmp_path / "hemlig.txt"
    secret.write_text("1", encoding="utf-8")
    (root / "data/lank.txt").symlink_to(secret)
    first = inputs_digest(root, ["html"], root / "output")
    secret.write_text("2", encoding="utf-8")
    assert inputs_digest(root, ["html"], root / "output") == first
