"""Is the last build still current? A digest of every input, checked before anything heavy loads.

The digest covers the report folder (except `output/`, caches and hidden folders), the
package's own code and templates, the versions of the libraries that shape the output, the
formats asked for and the output folder. A build whose digest matches the stamp in the
output folder, with every output file still as it was written, has nothing to do.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path

from kfsreport import __version__
from kfsreport.load import inside

STAMP = ".kfsreport-build.json"
PACKAGE = Path(__file__).parent
SKIPPED = {"output", ".kfsreport-cache", "node_modules", "__pycache__"}
SHAPING_LIBRARIES = (
    "weasyprint",
    "jinja2",
    "markdown-it-py",
    "mdit-py-plugins",
    "altair",
    "vl-convert-python",
    "pandas",
    "babel",
)


def inputs_digest(root: Path, formats: Sequence[str] | None, out_dir: Path) -> str:
    """A hash of everything that could change what a build writes."""
    digest = hashlib.sha256()
    digest.update(json.dumps([__version__, sorted(formats or []), str(out_dir)]).encode())
    for name in SHAPING_LIBRARIES:
        digest.update(f"{name}={version(name)}".encode())
    for base, path in (*_files(root, root), *_files(PACKAGE, PACKAGE)):
        digest.update(f"\0{base}:{path.relative_to(base).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current(out_dir: Path, digest: str) -> bool:
    """True if the stamp in `out_dir` has `digest` and every file it lists is unchanged."""
    try:
        stamp = json.loads((out_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("inputs") != digest:
        return False
    outputs = stamp.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    try:
        return all(_hash((out_dir / name).read_bytes()) == value for name, value in outputs.items())
    except OSError:
        return False


def stamp(digest: str, files: dict[Path, bytes]) -> bytes:
    """The stamp to write beside the outputs: the input digest and each output's hash."""
    outputs = {path.name: _hash(data) for path, data in sorted(files.items())}
    return json.dumps({"inputs": digest, "outputs": outputs}, indent=1, sort_keys=True).encode()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(base: Path, folder: Path) -> Iterable[tuple[Path, Path]]:
    """Every file under `folder` in a stable order, skipping outputs, caches and hidden folders."""
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in SKIPPED or inside(base, path) is None:
            continue  # a symlink out of the folder is never read (the build refuses it anyway)
        if path.is_dir():
            yield from _files(base, path)
        elif path.is_file():
            yield base, path
