"""Where a report's caches and build records live: the platform's cache folder, never the report's.

`platformdirs` gives the folder (`~/.cache/kfsreport` on Linux, `~/Library/Caches/kfsreport`
on macOS, `%LOCALAPPDATA%\\kfsreport\\Cache` on Windows; `KFSREPORT_CACHE` overrides it), and
each report folder has its own subfolder, named by a hash of the folder's full path:

- `charts/`: each drawn chart (SVG and table of numbers) by a hash of what it is made from;
- `checks/`: what `check` has judged: each word's spelling (`check/spelling.py`) and
  WeasyPrint's warnings about the print stylesheets (`check/stylesheets.py`), each file
  named by a hash of what the verdicts depend on;
- `layout-plan.json`: the last PDF layout's facts per page (`printing/parts.py`), so the
  next build can lay out two parts at once; checked against what the parts find, never trusted;
- `builds/`: for each output folder, the record of the last build into it (the no-op check)
  and the lock that keeps two builds from writing there at once.

Beside the reports' subfolders, `fonts/` holds the font subsets for the web pages, shared by
every report (`fonts_dir`): a subset is named by a hash of the font's bytes and the characters
kept, nothing else, so the next year's report, the manual and the examples reuse the demo's.

So the report folder holds only what the secretariat wrote, `check` and `serve` write nothing
into it, and an output folder holds only what is published. Deleting the cache folder only
costs time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENVIRONMENT = "KFSREPORT_CACHE"


def cache_dir(root: Path) -> Path:
    """The cache folder of the report in `root` (not created here)."""
    base = os.environ.get(ENVIRONMENT) or _platform_cache()
    return Path(base) / _key(root.resolve())


def checked_before(cache: Path) -> bool:
    """Whether a `check` of this report has kept verdicts here (its stylesheets' or spelling's)."""
    return any((cache / "checks").glob("*.json"))


def fonts_dir(cache: Path) -> Path:
    """The font subsets' folder, shared by every report beside the report caches (`cache` is
    one report's cache folder)."""
    return cache.parent / "fonts"


def build_record(cache: Path, out_dir: Path) -> tuple[Path, Path]:
    """The record of the last build into `out_dir` and the lock file for writing there."""
    name = _key(out_dir.resolve())
    return cache / "builds" / f"{name}.json", cache / "builds" / f"{name}.lock"


def _platform_cache() -> str:
    import platformdirs

    return platformdirs.user_cache_dir("kfsreport", appauthor=False)


def _key(path: Path) -> str:
    return hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:24]
