"""Build the demo report in this folder: `python build.py` (same as `kfsreport build`).

Run with a Python that lacks kfsreport's libraries (the system's `python`), it starts itself
again with the project's `.venv/bin/python`, which `make report` creates; without one it says
what to run instead of failing with a traceback.
"""

import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_PYTHON = HERE / ".venv" / "bin" / "python"
NEEDED = ("ruamel.yaml", "weasyprint", "markdown_it", "jinja2", "pydantic")


def _has_libraries() -> bool:
    try:
        return all(importlib.util.find_spec(name) is not None for name in NEEDED)
    except ModuleNotFoundError:  # a parent package ("ruamel") is missing
        return False


def _main() -> int:
    if not _has_libraries():
        if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != (HERE / ".venv").resolve():
            os.execv(VENV_PYTHON, [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])
        print(
            "kfsreport och dess Pythonpaket är inte installerade för den här Python "
            f"({sys.executable}).\nKör först: make report   (installerar allt i .venv/ och bygger)\n"
            "Sedan fungerar: python build.py   eller   .venv/bin/kfsreport build",
            file=sys.stderr,
        )
        return 1
    sys.path.insert(0, str(HERE))
    from kfsreport.cli import main

    return main(["build", "--project", str(HERE), *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(_main())
