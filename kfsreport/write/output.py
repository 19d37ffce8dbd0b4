"""Stage 6, write: put the outputs in place atomically.

Each file is written to a temporary file beside its target and moved over it with
`os.replace` only when all of them are complete, so an interrupted or failed build leaves
the previous outputs exactly as they were. A lock (`filelock`, in the cache folder, so the
output folder holds only what is published) keeps two builds from interleaving.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def output_lock(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock while a build writes its outputs (an OS lock where there is
    one; filelock falls back to a lock file of its own where there is not)."""
    with warnings.catch_warnings():  # "only soft file lock is available": that is the fallback
        warnings.simplefilter("ignore", UserWarning)
        from filelock import FileLock

    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_file):
        yield


def write_outputs(files: dict[Path, bytes]) -> list[Path]:
    """Write every file to a temporary sibling first, then move them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(name, 0o644)
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [target for _, target in staged]
