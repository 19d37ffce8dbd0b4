"""Stage 6, write: put the outputs in place atomically.

Each file is written beside its target (a file without a name where Linux has them) and
moved over it with `os.replace` only when all of them are complete, so an interrupted,
killed or failed build leaves the previous outputs exactly as they were, and nothing else.
A lock (`filelock`, in the cache folder, so the output folder holds only what is published)
keeps two builds from interleaving.
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
    """Write every file beside its target first, then move them all into place.

    Each is written to a file without a name where the system has them (Linux `O_TMPFILE`),
    so a build killed while it writes (`kill -9`, a power cut) leaves nothing behind; the
    file gets its temporary name only when all are written, just before it is moved."""
    staged: list[tuple[Path, Path]] = []
    unnamed: list[tuple[int, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = _unnamed_file(target.parent)
            if fd is None:
                staged.append((_named_copy(target, data), target))
            else:
                unnamed.append((fd, target))
                _write_all(fd, data, close=False)
        for fd, target in unnamed:
            staged.append((_named(fd, target, files[target]), target))
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for fd, _ in unnamed:
            os.close(fd)
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return list(files)


def _unnamed_file(folder: Path) -> int | None:
    """An open file without a name in `folder`, or None where the system or file system has none."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):  # linked in through /proc
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o644)
    except OSError:  # e.g. EOPNOTSUPP on a file system without unnamed files
        return None


def _write_all(fd: int, data: bytes, close: bool) -> None:
    """`data` written and synced to disk, readable by all (0644, as a published file)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        os.fchmod(fd, 0o644)
    finally:
        if close:
            os.close(fd)


def _named(fd: int, target: Path, data: bytes) -> Path:
    """The unnamed file `fd` linked under a new temporary name beside `target` (or, where
    the link is refused, `data` written again to a named temporary file)."""
    folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        while True:
            name = f".{target.name}.{os.urandom(6).hex()}.tmp"
            try:
                # linkat(…, AT_SYMLINK_FOLLOW) through /proc, as open(2) shows for O_TMPFILE;
                # os.link uses linkat only when given a folder's descriptor.
                os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=folder, follow_symlinks=True)
                return target.parent / name
            except FileExistsError:
                continue
            except OSError:
                break
    finally:
        os.close(folder)
    return _named_copy(target, data)


def _named_copy(target: Path, data: bytes) -> Path:
    """`data` written to a new temporary file beside `target` (none is left if that fails)."""
    fd, path = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        _write_all(fd, data, close=True)
    except OSError:
        Path(path).unlink(missing_ok=True)
        raise
    return Path(path)
