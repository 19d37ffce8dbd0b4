"""The reference tools and the library lookup, measured by `make bench` (bench/run.py).

- The report's own text (the demo's chapters, without front matter and template calls) as
  one Markdown file, typeset by pandoc through WeasyPrint (`pandoc --pdf-engine=weasyprint`)
  and by Typst (the PyPI package `typst`, from Markdown made Typst by pandoc, or by the small
  converter here when pandoc is missing or older than 3.1.2). Neither is a dependency of
  kfsreport: pandoc comes from Debian (`apt-get install pandoc`), Typst is installed here, for
  the bench only, into a cache folder. A tool that is missing is reported as missing, not left out silently.
- `import weasyprint` in a fresh process, plainly and through `engine.load_weasyprint` (which
  answers cffi's library lookups from the sonames that exist), in alternating pairs: wall
  time, processor time of the process and every program it started, and how many programs it
  started (`strace -f -e trace=execve`, when strace is there).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TYPST_VERSION = "0.15.2"
TOOLS = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kfsreport-bench" / "typst"


@dataclass
class Tool:
    name: str
    seconds: float | None
    """Median wall time; None when the tool is missing."""
    pages: int = 0
    note: str = ""


@dataclass
class Lookup:
    plain_s: float
    plain_cpu: float
    plain_programs: int | None
    shortcut_s: float
    shortcut_cpu: float
    shortcut_programs: int | None


def report_text(project: Path) -> str:
    """The chapters' text as one Markdown file: front matter and `{{ … }}` calls removed."""
    parts = []
    for chapter in sorted((project / "content").glob("[0-9]*.md")):
        text = chapter.read_text(encoding="utf-8")
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
        text = re.sub(r"\{\{.*?\}\}", "", text)
        text = re.sub(r"\{#[^}]*\}", "", text)
        parts.append(text)
    return "\n\n".join(parts)


def _timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and processor time (this process's children) of `command`, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _pages(pdf: Path) -> int:
    result = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    found = re.search(r"^Pages:\s+(\d+)", result.stdout, flags=re.M)
    return int(found.group(1)) if found else 0


def _typst_python() -> tuple[list[str], str]:
    """The Python command that can `import typst`, installing it into the bench's own cache
    folder if needed; or an empty command and why not."""
    env_path = str(TOOLS)
    probe = [sys.executable, "-c", "import typst"]
    if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return [sys.executable], ""
    if not (TOOLS / "typst").is_dir():
        install = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--target",
            env_path,
            f"typst=={TYPST_VERSION}",
        ]
        result = subprocess.run(install, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            return [], f"`pip install typst=={TYPST_VERSION}` misslyckades: {result.stderr.strip()[-200:]}"
    return [sys.executable], env_path


def _to_typst(markdown: str) -> str:
    """A plain Markdown → Typst conversion for when pandoc is missing: headings, lists and
    paragraphs, with Typst's special characters escaped."""
    lines = []
    for line in markdown.splitlines():
        line = re.sub(r"([#$@*_`<>\[\]\\])", r"\\\1", line)
        heading = re.match(r"^(\\#+) (.*)$", line)
        if heading:
            line = "=" * heading.group(1).count("#") + " " + heading.group(2)
        lines.append(line)
    return "\n".join(lines)


def tools(project: Path, scratch: Path, repeats: int) -> list[Tool]:
    """pandoc through WeasyPrint and Typst on the demo's text, each `repeats` times."""
    folder = scratch / "referens"
    folder.mkdir(exist_ok=True)
    source = folder / "rapport.md"
    source.write_text(report_text(project), encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    found: list[Tool] = []
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        found.append(Tool("pandoc → PDF via WeasyPrint", None, note="pandoc saknas (apt-get install pandoc)"))
    else:
        out = folder / "pandoc.pdf"
        command = [pandoc, str(source), "-s", "--metadata", "title=Rapport", "-V", "lang=sv"]
        command += ["--pdf-engine=weasyprint", "-o", str(out)]
        runs = [_timed(command, folder, env)[0] for _ in range(repeats)]
        found.append(Tool("pandoc → PDF via WeasyPrint", statistics.median(runs), _pages(out)))
    python, typst_path = _typst_python()
    if not python:
        found.append(Tool("Typst", None, note=typst_path))
        return found
    typ = folder / "rapport.typ"
    made = (
        pandoc is not None
        and (
            subprocess.run(
                [pandoc, str(source), "-t", "typst", "-o", str(typ)], capture_output=True, check=False
            )
        ).returncode
        == 0
    )  # pandoc writes Typst from version 3.1.2 on
    if made:
        how = "källtexten gjord av pandoc"
    else:
        typ.write_text(_to_typst(source.read_text(encoding="utf-8")), encoding="utf-8")
        how = "källtexten gjord av bench/reference.py"
    typ.write_text('#set text(lang: "sv")\n#set page(paper: "a4")\n' + typ.read_text(encoding="utf-8"))
    out = folder / "typst.pdf"
    typst_env = {**env, "PYTHONPATH": typst_path} if typst_path else env
    command = [*python, "-c", f"import typst; typst.compile({str(typ)!r}, output={str(out)!r})"]
    runs = [_timed(command, folder, typst_env)[0] for _ in range(repeats)]
    found.append(Tool("Typst", statistics.median(runs), _pages(out), f"Python-paketet typst, {how}"))
    return found


def lookup(repeats: int) -> Lookup:
    """`import weasyprint` plainly and through engine.py's shortcut, in alternating pairs."""
    plain = [sys.executable, "-c", "import weasyprint"]
    shortcut = [
        sys.executable,
        "-c",
        "from kfsreport.printing.engine import load_weasyprint; load_weasyprint()",
    ]
    here = Path.cwd()
    a: list[tuple[float, float]] = []
    b: list[tuple[float, float]] = []
    _timed(plain, here)  # the first import of all compiles and reads from disk: not counted
    for _ in range(max(repeats, 3)):
        a.append(_timed(plain, here))
        b.append(_timed(shortcut, here))
    return Lookup(
        statistics.median(t for t, _ in a),
        statistics.median(c for _, c in a),
        _programs(plain),
        statistics.median(t for t, _ in b),
        statistics.median(c for _, c in b),
        _programs(shortcut),
    )


def _programs(command: list[str]) -> int | None:
    """How many programs `command` starts (besides itself), counted with strace; None without it."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    result = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=execve", "-e", "signal=none", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    calls = [line for line in result.stderr.splitlines() if "execve(" in line and "= 0" in line]
    return max(len(calls) - 1, 0)
