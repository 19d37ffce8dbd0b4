"""WeasyPrint imported without searching the system for its libraries.

WeasyPrint opens Pango, GObject, HarfBuzz and Fontconfig through cffi, trying Windows and
macOS names before the Linux sonames. cffi asks `ctypes.util.find_library` about every name
that does not open at once, and on Linux that runs `ldconfig -p`, then `gcc` and `ld` with
temporary files: about 22 programs on each import. While WeasyPrint is imported here,
`find_library` answers from the sonames that exist in the dynamic linker's own search (a
`dlopen` of each, which runs nothing), so only the names that open directly are used. A
library that is really missing is a `ReportError` (without a file: it is this computer's
fault, not the report's) naming the library and the package that provides it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib
import io
import re
import threading
from collections.abc import Iterator
from types import ModuleType

from kfsreport.errors import ReportError

LIBRARIES = {
    "gobject": ("libgobject-2.0.so.0", "GObject", "libglib2.0-0"),
    "pango": ("libpango-1.0.so.0", "Pango", "libpango-1.0-0"),
    "harfbuzz": ("libharfbuzz.so.0", "HarfBuzz", "libharfbuzz0b"),
    "harfbuzz-subset": ("libharfbuzz-subset.so.0", "HarfBuzz", "libharfbuzz-subset0"),
    "fontconfig": ("libfontconfig.so.1", "Fontconfig", "libfontconfig1"),
    "pangoft2": ("libpangoft2-1.0.so.0", "Pango", "libpango-1.0-0"),
}
"""cffi's short names as WeasyPrint spells them → (Linux soname, library, Debian package)."""

_LOCK = threading.Lock()


def load_weasyprint() -> ModuleType:
    """`import weasyprint`, with no program run to look for its libraries; a `ReportError`
    naming what is missing if WeasyPrint or a system library it needs cannot be loaded."""
    with _LOCK, _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
        try:
            weasyprint = importlib.import_module("weasyprint")
        except OSError as error:
            raise _missing(str(error)) from None
    return weasyprint


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    real = ctypes.util.find_library
    ctypes.util.find_library = _soname
    try:
        yield
    finally:
        ctypes.util.find_library = real


def _soname(name: str) -> str | None:
    """What `find_library` would say for `name`, from the sonames the dynamic linker finds."""
    for key, (soname, _, _) in LIBRARIES.items():
        if _short(name) == key and _opens(soname):
            return soname
    return None


def _short(name: str) -> str:
    """`libpango-1.0-0`, `pango-1.0`, `libharfbuzz-subset.0.dylib` … → `pango`, `harfbuzz-subset`."""
    base = name.removeprefix("lib")
    return re.sub(r"[-.]\d.*$|\.(so|dylib|dll).*$", "", base)


def _opens(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _missing(error: str) -> ReportError:
    named = re.search(r"library '([^']+)'", error)
    found = LIBRARIES.get(_short(named.group(1))) if named else None
    if found:
        soname, library, package = found
        return ReportError(
            f"PDF:en kan inte göras: systembiblioteket {library} ({soname}) saknas på den här datorn.",
            hint=f"Installera det, på Debian och Ubuntu med: sudo apt install {package}",
        )
    return ReportError(
        f"PDF:en kan inte göras: WeasyPrint kunde inte läsa in ett systembibliotek ({error}).",
        hint="Installera WeasyPrints systembibliotek så som README.md beskriver.",
    )
