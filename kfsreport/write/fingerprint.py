"""The one fingerprint scheme: what a file, a chart or a whole build is made from, as a hash.

`file_digest` hashes a regular file streamed (a large file never sits whole in memory), once
for each version of it (its size, time and inode); FIFOs, devices and folders are never
opened. Charts (`charts.figures.source_key`) and font subsets are cached under hashes built
from it, and the "nothing changed" check of `build` is:

`inputs_digest` covers exactly the files the last build read (report.yaml, the word list,
the facts and chart files, the chapters, each chart's data, each image, the templates), the
names in `content/` and `templates/` (so a new chapter or template counts), the package's
own code and templates, the versions of the libraries that shape the output, the formats
and the output folder. The record of a build (in the cache, `cache.build_record`) holds the
digest, the files read and each output's hash; a build whose record matches, with every
output file still as it was written, has nothing to do. Checked before anything heavy loads.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from kfsreport import __version__
from kfsreport.load.folder import inside

if TYPE_CHECKING:
    from kfsreport.validate.report import Report

PACKAGE = Path(__file__).parents[1]
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
LISTED = ("content", "templates")
"""Folders whose file names are part of the digest: a file added there may be read."""


def file_digest(path: Path) -> bytes | None:
    """SHA-256 of a regular file's bytes, read in blocks; None if it is not a regular file
    or cannot be read."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return _digest(str(path), info.st_mtime_ns, info.st_size, info.st_ino)


@functools.cache
def library_version(name: str) -> str:
    """The installed version of library `name`, looked up once per process: the code this
    process runs is the version it imported, even if a newer one is installed meanwhile."""
    return metadata.version(name)


@functools.lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int, inode: int) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return None


def inputs_digest(root: Path, formats: Sequence[str] | None, out_dir: Path, reads: Iterable[str]) -> str:
    """A hash of everything that could change what a build into `out_dir` writes."""
    digest = hashlib.sha256()
    digest.update(json.dumps([__version__, sorted(formats or []), str(out_dir)]).encode())
    for name in SHAPING_LIBRARIES:
        digest.update(f"{name}={library_version(name)}".encode())
    for folder in LISTED:
        digest.update(f"\0{folder}:{_names(root / folder)}".encode())
    for name in sorted(set(reads)):
        path = inside(root, root / name)  # never a file outside the report folder
        digest.update(f"\0{name}\0".encode() + ((file_digest(path) if path else None) or b"-"))
    for path in _package_files(PACKAGE):
        digest.update(f"\0kfsreport/{path.relative_to(PACKAGE).as_posix()}\0".encode())
        digest.update(file_digest(path) or b"-")
    return digest.hexdigest()


def reads_of(report: Report) -> list[str]:
    """Every file (relative to the report folder) a build of `report` reads."""
    from kfsreport.load.folder import CHARTS_FILE, FACTS_FILE, SETTINGS_FILE
    from kfsreport.render.hyphenation import WORD_LIST
    from kfsreport.render.templates import template_dirs
    from kfsreport.validate.links import Refused, resolve_image

    root = report.root
    names = {SETTINGS_FILE, FACTS_FILE, CHARTS_FILE, "ordlista.txt", WORD_LIST}
    names.update(chapter.path for chapter in report.chapters)
    names.update(spec.data for spec in report.charts.values() if spec.data)
    images = [("report.yaml", report.settings.logo)] if report.settings.logo else []
    for chapter in report.chapters:
        for token in chapter.tokens:
            images += [
                (chapter.path, str(child.attrGet("src") or ""))
                for child in token.children or []
                if child.type == "image"
            ]
    for where, src in images:
        try:
            names.add(resolve_image(root, where, src).relative_to(root).as_posix())
        except (Refused, ValueError):
            continue
    own = template_dirs(root)[0]
    if own.is_relative_to(root):
        names.update(path.relative_to(root).as_posix() for path in _package_files(own))
    return sorted(names)


def is_current(record: Path, root: Path, formats: Sequence[str] | None, out_dir: Path) -> bool:
    """True if the last build into `out_dir` read the same inputs and its outputs are intact."""
    try:
        stamp = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or not isinstance(stamp.get("reads"), list):
        return False
    outputs = stamp.get("outputs")
    if not isinstance(outputs, dict) or not outputs:
        return False
    if stamp.get("inputs") != inputs_digest(root, formats, out_dir, map(str, stamp["reads"])):
        return False
    return all(_hex(file_digest(out_dir / name)) == value for name, value in outputs.items())


def build_record(digest: str, reads: list[str], files: dict[Path, bytes]) -> bytes:
    """The record of a build: the input digest, the files read and each output's hash."""
    outputs = {path.name: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}
    stamp = {"inputs": digest, "reads": reads, "outputs": outputs}
    return json.dumps(stamp, indent=1, sort_keys=True).encode()


def _hex(digest: bytes | None) -> str | None:
    return digest.hex() if digest is not None else None


def _names(folder: Path) -> str:
    """The names under `folder`, recursively, without reading any file."""
    if not folder.is_dir():
        return "-"
    found = []
    for base, dirs, files in os.walk(folder):
        dirs.sort()
        found += [os.path.relpath(os.path.join(base, name), folder) for name in sorted(files)]
    return "\n".join(found)


def _package_files(folder: Path) -> list[Path]:
    """Every regular file under `folder` in a stable order, without caches and hidden files."""
    found = []
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(base) / name for name in sorted(files) if not name.startswith(".")]
    return [path for path in found if file_digest(path) is not None]
