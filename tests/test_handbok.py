"""The manual (handbok/) builds, and every example in it and in README.md does what it says.

Markdown examples become chapters in a copy of the demo and YAML examples are merged into the
copy's files (each YAML example names its file on its first line); the copy must build. Every
command in a shell example must exist: Makefile targets (dry run), `kfsreport` arguments (the
real parser) and the line that puts kfsreport on the PATH. Error messages the manual shows are
planted in the demo and must come out exactly as printed.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from kfsreport.cli import _parser
from kfsreport.commands.build import build
from kfsreport.commands.newmakefile import makefile_text
from tests.conftest import REPO, Run, edit

HANDBOK = REPO / "handbok"
DOCUMENTS = [REPO / "README.md", REPO / "DEVELOPING.md", *sorted((HANDBOK / "content").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.M | re.S)
YAML_FILES = ("report.yaml", "data/facts.yaml", "data/charts.yaml")


def examples(kind: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every fenced block of `kind` in README, DEVELOPING and the manual."""
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        assert text.count("```") % 2 == 0, f"{document}: a code block is not closed"
        for match in FENCE.finditer(text):
            if match.group(1) == kind:
                line = text.count("\n", 0, match.start()) + 1
                yield f"{document.relative_to(REPO)}:{line}", match.group(2)


def test_the_manual_builds_to_pdf_and_html(handbok: Path) -> None:
    names = sorted(path.name for path in handbok.iterdir() if not path.name.startswith("."))
    assert names == ["handbok.html", "handbok.pdf"]
    html = (handbok / "handbok.html").read_text(encoding="utf-8")
    for title in (
        "Kom igång",
        "Skriv ett kapitel",
        "Ett diagram från ett Excelblad",
        "Läsa ett felmeddelande",
    ):
        assert title in html
    assert html.count('<img src="data:image/png') == len(list((HANDBOK / "content/bilder").glob("*.png")))
    text = subprocess.run(
        ["pdftotext", str(handbok / "handbok.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Granska innan rapporten skickas" in text and "export PATH" in text


def _merge(into: Any, example: Any) -> Any:
    """Example keys over the demo's: mappings merge, lists of items with an id replace or append."""
    if isinstance(into, dict) and isinstance(example, dict):
        for key, value in example.items():
            into[key] = _merge(into[key], value) if key in into else value
        return into
    if isinstance(into, list) and isinstance(example, list) and all(isinstance(i, dict) for i in example):
        for item in example:
            same = [
                i for i, old in enumerate(into) if isinstance(old, dict) and old.get("id") == item.get("id")
            ]
            if same:
                into[same[0]] = item
            else:
                into.append(item)
        return into
    return example


def test_every_markdown_and_yaml_example_builds(make_project: Callable[[str], Path], tmp_path: Path) -> None:
    project = make_project("demo")
    yaml = YAML()
    found = 0
    for where, text in examples("yaml"):
        first = text.split("\n", 1)[0]
        assert first.lstrip("# ").strip() in YAML_FILES, (
            f"{where}: the first line must name the file ({first})"
        )
        target = project / first.lstrip("# ").strip()
        merged = _merge(yaml.load(target.read_text(encoding="utf-8")), yaml.load(text))
        buffer = io.StringIO()
        yaml.dump(merged, buffer)
        target.write_text(buffer.getvalue(), encoding="utf-8")
        found += 1
    for number, (_where, text) in enumerate(examples("markdown"), start=1):
        body = text if text.startswith("---\n") else f"---\ntitle: Exempel {number}\n---\n\n{text}"
        # Read after the demo's chapter 4 and before its appendix (05-bilaga-…): an appendix
        # must come last.
        (project / "content" / f"04-zz{number:02d}-exempel.md").write_text(body, encoding="utf-8")
        found += 1
    assert found >= 6
    build(project, ["html"], tmp_path / "out")
    html = (tmp_path / "out" / "arsrapport-2025.html").read_text(encoding="utf-8")
    assert "Praktikplatser" in html and "Andelen kvinnor och män i byggbranschen" in html


def _make_dry_run(folder: Path, words: list[str]) -> None:
    done = subprocess.run(["make", "-n", "-C", str(folder), *words[1:]], capture_output=True, text=True)
    assert done.returncode == 0, f"make {' '.join(words[1:])}: {done.stderr}"


def test_every_shell_example_names_a_real_command(tmp_path: Path) -> None:
    new_folder = tmp_path / "ny-rapport"
    new_folder.mkdir()
    (new_folder / "Makefile").write_text(makefile_text(2026), encoding="utf-8")
    checked = 0
    for where, text in examples("sh"):
        folder = REPO
        for line in text.splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            checked += 1
            if words[0] == "make":
                _make_dry_run(folder, words)
            elif words[0] == "cd":
                folder = new_folder
            elif words[0] == "kfsreport":
                try:
                    _parser().parse_args(words[1:])
                except SystemExit as exit_:
                    assert exit_.code == 0, f"{where}: {line}"
            elif words[0] == "export":
                _check_path_line(line)
            else:
                pytest.fail(f"{where}: the example runs '{words[0]}', which this test does not know")
    assert checked >= 15


def _check_path_line(line: str) -> None:
    """The PATH line, run in the project folder, finds the project's kfsreport."""
    found = subprocess.run(
        ["bash", "-c", f"{line}; command -v kfsreport"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    installed = REPO / ".venv" / "bin" / "kfsreport"
    if installed.exists():
        assert found == str(installed)


def _error_lines(chapter: str) -> list[str]:
    text = (HANDBOK / "content" / chapter).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if re.match(r"^(data|content)/[\w./-]+:\d+: ", line)]


def test_the_error_messages_in_the_manual_are_what_the_build_prints(
    make_project: Callable[[str], Path], cli: Callable[..., Run]
) -> None:
    shown = _error_lines("06-fel.md")
    assert len(shown) == 4
    project = make_project("demo")
    facts = project / "data" / "facts.yaml"
    edit(
        facts,
        "- id: akt-avtalssamverkan\n      goal: mal-avtalssamverkan",
        "- id: akt-avtalssamverkan\n      goal: mal-avtalsamverkan",
    )
    edit(
        project / "content" / "03-resultat.md",
        "kommunens {{ tal.norsjo_invanare }}",
        "kommunens {{ tal.norsjo_invanre }}",
    )
    edit(project / "content" / "03-resultat.md", "\n:::\n\nEn FoU-rapport", "\n\n\nEn FoU-rapport")
    edit(
        project / "content" / "01-sammanfattning.md",
        '{{ ref("aldersdiskriminering") }}',
        '{{ ref("alders\u200bdiskri\u00adminering") }}',
    )
    run = cli("build", "--project", str(project), "--format", "html")
    assert run.code == 1
    printed = run.err.splitlines()
    for line in shown:
        assert line in printed


def test_make_report_lists_the_councils_pdf_first(tmp_path: Path) -> None:
    for name in ("rapport.html", "rapport-arkiv.pdf", "rapport.pdf"):
        (tmp_path / name).write_text("", encoding="utf-8")
    done = subprocess.run(
        ["make", "-s", "-C", str(REPO), "list-output", f"OUTDIR={tmp_path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = [line.strip() for line in done.stdout.splitlines() if line.startswith("  ")]
    assert [Path(line).name for line in listed] == ["rapport.pdf", "rapport-arkiv.pdf", "rapport.html"]


def _base_python() -> str:
    """The interpreter without the test environment's libraries, as a user's plain `python`."""
    for candidate in (Path(sys.base_prefix) / "bin" / "python3", Path("/usr/bin/python3")):
        if candidate.exists():
            return str(candidate)
    pytest.skip("ingen Python utanför den virtuella miljön")


def test_python_build_py_without_the_libraries_says_what_to_run(tmp_path: Path) -> None:
    shutil.copy(REPO / "build.py", tmp_path / "build.py")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([_base_python(), "build.py"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Kör först: make report" in done.stderr


def test_python_build_py_finds_the_projects_environment(tmp_path: Path) -> None:
    if not (REPO / ".venv" / "bin" / "python").exists():
        pytest.skip("projektet har ingen .venv/ (kfsreport installerat på annat sätt)")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [_base_python(), str(REPO / "build.py"), "--format", "html", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "arsrapport-2025.html").exists()


def test_the_manual_passes_its_own_check(cli: Callable[..., Run]) -> None:
    """The manual has no errors for check. Its chapter on writing shows a footnote inside a
    code example, which is no footnote of the manual's (no warning about it either)."""
    run = cli("check", "--project", str(HANDBOK))
    assert run.code == 0, run.out
    assert ": fel:" not in run.out
    assert "fotnoten [^1]" not in run.out
