"""Stage 4, print: the print edition's HTML through WeasyPrint into PDF bytes.

WeasyPrint fetches through `GuardedFetcher`, which serves files inside the report folder
and the template folders and `data:` URIs, and refuses everything else (other files,
`../` escapes, every network URL) with a located error, so a build never reads or fetches
anything it should not.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from kfsreport.errors import Problems, ReportError

VARIANTS = {"": "pdf/ua-1", "-arkiv": "pdf/a-2a"}
"""File-name suffix → PDF variant: the accessible PDF (PDF/UA-1) and the archival one
(PDF/A-2a, which is tagged as well). Both are written from one layout.

One file cannot honestly declare both: PDF/A only allows XMP properties from its own
schemas or ones described by an extension schema, and WeasyPrint 70 has no way to write the
description of the PDF/UA identifier (`pdfuaid`) into the metadata (README, "PDF/A och
PDF/UA")."""


class RefusedURL(Exception):
    """A URL the build will not fetch."""


def make_fetcher(allowed: list[Path]) -> object:
    """A WeasyPrint URL fetcher limited to files under `allowed` and data: URIs."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):  # type: ignore[misc]
        pass

    roots = [folder.resolve() for folder in allowed]

    class GuardedFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(), {})
            self.refused.append(url)
            raise Refused(url)

    return GuardedFetcher()


def write_pdf_bytes(
    html: str, root: Path, template_dirs: list[Path], problems: Problems
) -> dict[str, bytes] | None:
    """Lay out `html` once with WeasyPrint; return each variant's PDF by file-name suffix."""
    pdfs, refused = lay_out(html, root, template_dirs)
    report_refused(refused, problems)
    return pdfs


def lay_out(html: str, root: Path, template_dirs: list[Path]) -> tuple[dict[str, bytes] | None, list[str]]:
    """The PDFs (None if a fetch was refused) and every URL the fetcher refused, in order."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = make_fetcher([root, *template_dirs])
    pdfs: dict[str, bytes] | None
    try:
        document = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render()
        pdfs = write_variants(document)
    except FatalURLFetchingError:
        pdfs = None
    # WeasyPrint carries on without a resource that failed inside an SVG image, so the
    # fetcher's own list of refusals decides, not only the exception.
    refused = list(dict.fromkeys(getattr(fetcher, "refused", [])))
    return (None if refused else pdfs), refused


def report_refused(refused: list[str], problems: Problems) -> None:
    """A located problem for each URL the PDF stage would not fetch."""
    for url in refused:
        problems.add(
            ReportError(
                f"PDF:en skulle hämta '{url}', som ligger utanför rapportmappen; det görs inte.",
                "templates",
                hint="Ta bort hänvisningen eller lägg filen i rapportmappen.",
            )
        )


def write_variants(document: Any) -> dict[str, bytes]:
    """Each variant's PDF from one layout. On a machine with a second core, the archive file
    is written by a forked copy of this process while this one writes the accessible file,
    so the second PDF costs almost no extra time; if that fails, both are written here."""
    suffixes = list(VARIANTS)
    if len(suffixes) < 2 or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return {suffix: bytes(document.write_pdf(pdf_variant=VARIANTS[suffix])) for suffix in suffixes}
    first, *others = suffixes
    readers = {suffix: _fork_writer(document, VARIANTS[suffix]) for suffix in others}
    pdfs = {first: bytes(document.write_pdf(pdf_variant=VARIANTS[first]))}
    for suffix, reader in readers.items():
        data = reader()
        pdfs[suffix] = data if data is not None else bytes(document.write_pdf(pdf_variant=VARIANTS[suffix]))
    return pdfs


def _fork_writer(document: Any, variant: str) -> Callable[[], bytes | None]:
    """Start writing `variant` in a child process; the returned call collects its bytes."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write the PDF into the pipe and leave at once
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(bytes(document.write_pdf(pdf_variant=variant)))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def collect() -> bytes | None:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return data if os.waitstatus_to_exitcode(status) == 0 and data.startswith(b"%PDF-") else None

    return collect
