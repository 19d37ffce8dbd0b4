"""tools/install-python.sh, which `make` uses to fill .venv/: uv at its pinned version, pip as the
fallback. The Python and uv here are small shell stand-ins that log what they are asked to do,
so every path runs in milliseconds and fetches nothing."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "tools" / "install-python.sh"
UV_VERSION = re.search(r"^UV_VERSION\s*:=\s*(\S+)$", (REPO / "Makefile").read_text(), re.M)

FAKE_UV = """#!/bin/sh
echo "uv $*" >> "$LOG"
[ "$1" = --version ] && echo "uv ${FAKE_UV_VERSION:-$UV_VERSION} (stand-in)" && exit 0
[ -z "${UV_FAILS:-}" ]
"""

FAKE_PYTHON = """#!/bin/sh
echo "python $*" >> "$LOG"
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0
fi
case "$*" in
*"uv=="*)
  [ -z "${UV_UNAVAILABLE:-}" ] || exit 1
  cp "$FAKE_UV" "$(dirname "$0")/uv" ;;
esac
"""


def _stand_in(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)
    return path


def install(
    tmp_path: Path, spec: str = ".[test]", **env: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the script with the stand-ins; its result and the commands it ran, in order."""
    python = _stand_in(tmp_path / "python3", FAKE_PYTHON)
    log = tmp_path / "log"
    variables = {
        "PATH": os.environ["PATH"],
        "LOG": str(log),
        "FAKE_UV": str(_stand_in(tmp_path / "uv", FAKE_UV)),
        "UV_VERSION": "0.13.8",
        **env,
    }
    done = subprocess.run(
        ["sh", str(SCRIPT), str(python), str(tmp_path / ".venv"), spec],
        capture_output=True,
        text=True,
        env=variables,
        cwd=tmp_path,
    )
    ran = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done, [line.replace(str(tmp_path), "T") for line in ran]


def test_the_makefile_pins_uv_and_passes_the_pin_and_pip_choice_to_the_script() -> None:
    assert UV_VERSION and re.fullmatch(r"\d+\.\d+\.\d+", UV_VERSION.group(1))
    dry = subprocess.run(
        ["make", "-n", "-B", "-C", str(REPO), "PIP=pip", ".venv/.installed"], capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    assert f'PIP=pip UV_VERSION={UV_VERSION.group(1)} sh tools/install-python.sh python3 .venv ".[test]"' in (
        dry.stdout
    )


def test_uv_at_the_pinned_version_fills_a_new_environment(tmp_path: Path) -> None:
    done, ran = install(tmp_path)
    assert done.returncode == 0, done.stderr
    assert ran == [
        "python -m venv T/.venv",
        "python -m pip install --quiet --disable-pip-version-check uv==0.13.8",
        "uv pip install --quiet --compile-bytecode --python T/.venv/bin/python -e .[test]",
    ]
    assert done.stderr == ""


def test_an_existing_environment_and_uv_are_reused(tmp_path: Path) -> None:
    install(tmp_path)
    (tmp_path / "log").unlink()
    done, ran = install(tmp_path, ".")
    assert done.returncode == 0, done.stderr
    assert ran == [
        "uv --version",
        "uv pip install --quiet --compile-bytecode --python T/.venv/bin/python -e .",
    ]


def test_a_uv_of_another_version_is_replaced_by_the_pinned_one(tmp_path: Path) -> None:
    install(tmp_path)
    (tmp_path / "log").unlink()
    _, ran = install(tmp_path, FAKE_UV_VERSION="0.1.0")
    assert "python -m pip install --quiet --disable-pip-version-check uv==0.13.8" in ran


def test_pip_is_used_when_asked(tmp_path: Path) -> None:
    done, ran = install(tmp_path, PIP="pip")
    assert done.returncode == 0, done.stderr
    assert ran == [
        "python -m venv T/.venv",
        "python -m pip install --quiet --upgrade pip",
        "python -m pip install --quiet -e .[test]",
    ]


@pytest.mark.parametrize("failure", ["UV_UNAVAILABLE", "UV_FAILS"])
def test_pip_takes_over_when_uv_cannot_be_installed_or_fails(tmp_path: Path, failure: str) -> None:
    done, ran = install(tmp_path, **{failure: "1"})
    assert done.returncode == 0, done.stderr
    assert ran[-2:] == [
        "python -m pip install --quiet --upgrade pip",
        "python -m pip install --quiet -e .[test]",
    ]
    assert done.stderr == (
        "uv 0.13.8 kunde inte installera Pythonpaketen; pip försöker i stället (tar ungefär en minut).\n"
    )


def test_an_unknown_installer_is_named_in_swedish(tmp_path: Path) -> None:
    done, ran = install(tmp_path, PIP="conda")
    assert done.returncode == 2
    assert done.stderr == "PIP=conda känns inte igen. Skriv PIP=uv (standard) eller PIP=pip.\n"
    assert ran == []
