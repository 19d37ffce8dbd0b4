"""Stage 5, print: the print edition's HTML through WeasyPrint into PDF bytes.

WeasyPrint fetches through `GuardedFetcher`, which serves files inside the report folder
and the template folders and `data:` URIs, and refuses everything else (other files,
`../` escapes, every network URL) with a located error, so a build never reads or fetches
anything it should not.
"""

from __future__ import annotations

import functools
import gc
import io
import shutil
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from kfsreport.errors import Problems, ReportError
from kfsreport.printing import pageturn, pdfstreams, pdftags, weasyprint_1051
from kfsreport.printing.engine import load_weasyprint

T = TypeVar("T")

VARIANTS = {"": "pdf/ua-1", "-arkiv": "pdf/a-2a"}
"""The variants a layout is written as: the accessible PDF (PDF/UA-1), which the preview
shows, and the one that is PDF/A-2a as well as PDF/UA-1 (`archive_copy` adds the PDF/UA
identifier with the extension schema PDF/A requires for it, which WeasyPrint 70 cannot
write). A build publishes the second one only (`published`)."""


def published(pdfs: dict[str, bytes] | None, archive_copy: bool) -> dict[str, bytes]:
    """The PDF files a build writes, by file-name suffix: the one file that is both PDF/A-2a
    and PDF/UA-1 as `<namn>.pdf`, and with `archive_copy` (report.yaml) the same bytes again
    as `<namn>-arkiv.pdf`, for an archive that wants a file of its own."""
    if not pdfs:
        return {}
    both = pdfs.get("-arkiv", pdfs[""])
    return {"": both, "-arkiv": both} if archive_copy else {"": both}


def make_fetcher(allowed: list[Path]) -> object:
    """A WeasyPrint URL fetcher limited to files under `allowed` and data: URIs."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

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
            raise FatalURLFetchingError(url)  # WeasyPrint stops; report_refused says why

    return GuardedFetcher()


def write_pdf_bytes(
    html: str, root: Path, template_dirs: list[Path], problems: Problems
) -> dict[str, bytes] | None:
    """Lay out `html` once with WeasyPrint; return each variant's PDF by file-name suffix."""
    pdfs, refused = lay_out(html, root, template_dirs)
    report_refused(refused, problems)
    return pdfs


def lay_out(
    html: str, root: Path, template_dirs: list[Path], *, archive: bool = True
) -> tuple[dict[str, bytes] | None, list[str]]:
    """The PDFs (None if a fetch was refused) and every URL the fetcher refused, in order.
    Without `archive`, only the accessible file (the preview's)."""
    load_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    pageturn.install()  # before the layout: no page ends in a hyphen (and pdftags' hooks)
    weasyprint_1051.install()  # no first word alone on a line for a space the line ends with
    fetcher = make_fetcher([root, *template_dirs])
    fonts = FontConfiguration()
    pdfs: dict[str, bytes] | None

    def laid_out_and_written() -> dict[str, bytes]:
        # No reference to the layout is kept here, so write_variants can let it go early.
        layout = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher).render
        again = functools.partial(_without_page_turn_hyphens, html, root, fetcher, fonts)
        return write_variants(again(layout(font_config=fonts)), archive=archive)

    try:
        pdfs = without_collector(laid_out_and_written)
    except FatalURLFetchingError:
        pdfs = None
    finally:
        _remove_font_folder(fonts)
    # WeasyPrint carries on without a resource that failed inside an SVG image, so the
    # fetcher's own list of refusals decides, not only the exception.
    refused = list(dict.fromkeys(getattr(fetcher, "refused", [])))
    return (None if refused else pdfs), refused


def without_collector(work: Callable[[], T]) -> T:
    """`work()` with Python's cyclic garbage collector paused, and its answer.

    A layout holds millions of objects (the DOM, styles, boxes, pages, then the PDF's), and
    the collector goes through all of them again and again while they only grow: in the
    demo ×20 it took 9 of the 40 s of the layout, and more per page the longer the report
    (0,010 s a page at 148 pages, 0,016 s at 561), the main reason a build grew faster than
    its pages. What it would find is small: a layout of 561 pages leaves about 90 000 objects
    in reference cycles (about 30 MB more at the peak, 3 %); everything else is freed by
    reference counting as before. The collector runs again as soon as `work` returns, when
    the layout is gone, so it has only that little to go through once; `work` must keep no
    reference to the layout after it returns (the caller's locals neither)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return work()
    finally:
        if enabled:
            gc.enable()


def _remove_font_folder(fonts: object) -> None:
    """WeasyPrint copies each @font-face into a `weasyprint-XXXXXXXX` folder in the system's
    temp folder and removes it only when the configuration is garbage-collected, which a
    worker that ends with os._exit never does: remove it as soon as the PDF is written."""
    folder = getattr(fonts, "_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None  # type: ignore[attr-defined]


MAX_RELAYOUTS = 4
"""At most this many layouts more to keep words whole across page turns (each found word stays
whole in the later ones, so the set only grows; in practice one or two are enough)."""


def _without_page_turn_hyphens(html: str, root: Path, fetcher: object, fonts: object, document: Any) -> Any:
    """The layout again, if a word is still split across a page turn, with those words kept
    whole (`hyphenation.page_turn_words`): a safety net, as `pageturn` already keeps the line
    that ends a page whole during the layout itself; again if keeping them whole moved a split
    to another page turn, until none is left, and only when needed. After `MAX_RELAYOUTS` the
    last layout is kept as it is (its words still read whole, `pdftags`; `check --pdf` names
    the pages)."""
    from weasyprint import HTML

    from kfsreport.render.hyphenation import page_turn_words, protect_words

    words: set[str] = set()
    for _ in range(MAX_RELAYOUTS):
        found = page_turn_words(document) - words
        if not found:
            break
        words |= found
        del document
        again = HTML(string=protect_words(html, words), base_url=root.as_uri() + "/", url_fetcher=fetcher)
        document = again.render(font_config=fonts)
    return document


def report_refused(refused: list[str], problems: Problems) -> None:
    """A located problem for each URL the PDF stage would not fetch."""
    for url in refused:
        problems.add(
            ReportError(
                f"PDF:en skulle hämta '{url}', som ligger utanför rapportmappen; det görs inte.",
                path="templates",
                hint="Ta bort hänvisningen eller lägg filen i rapportmappen.",
            )
        )


def write_variants(document: Any, *, archive: bool = True) -> dict[str, bytes]:
    """Each variant's PDF from one layout (without `archive`, the accessible one only):
    WeasyPrint writes the accessible file, and the archive file is made from its bytes
    (`archive_copy`), which takes a small fraction of a second, where a second `write_pdf`
    took as long as the first. If the caller keeps no reference to the layout, its memory is
    given back before the archive copy is made, so that step adds nothing to the peak."""
    pdftags.install()
    pdftags.prepare(document)
    if not archive:
        return {"": pdftags.repair(bytes(document.write_pdf(pdf_variant=VARIANTS[""])))}
    if document.color_profiles:  # a template's own @color-profile: let WeasyPrint do it all
        pdfs = {
            suffix: pdftags.repair(bytes(document.write_pdf(pdf_variant=variant)))
            for suffix, variant in VARIANTS.items()
        }
        return {**pdfs, "-arkiv": declare_ua(pdfs["-arkiv"])}
    accessible = pdftags.repair(bytes(document.write_pdf(pdf_variant=VARIANTS[""])))
    metadata = document.metadata
    del document
    return {"": accessible, "-arkiv": archive_copy(accessible, metadata)}


def archive_copy(accessible: bytes, metadata: Any) -> bytes:
    """The PDF/A-2a file from the PDF/UA-1 file of the same layout, made exactly as WeasyPrint
    makes `pdf/a-2a` (tests/test_pdf.py compares the two): WeasyPrint's sRGB profile as the
    output intent and as colour space `srgb`, every annotation printable (/F 4), WeasyPrint's
    own XMP for PDF/A-2a in place of the PDF/UA one, and a file identifier. Pages, fonts,
    tags and outline are the accessible file's, untouched."""
    import pikepdf
    from weasyprint.css import ColorProfile

    with (files("weasyprint.pdf") / "sRGB2014.icc").open("rb") as icc:
        profile = ColorProfile(icc, "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))
    with pikepdf.open(io.BytesIO(accessible)) as pdf:
        stream = pdf.make_stream(profile.content, N=len(profile.components))
        name = pikepdf.String(profile.name)
        pdf.Root.OutputIntents = pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.OutputIntent,
                    S=pikepdf.Name.GTS_PDFA1,
                    OutputConditionIdentifier=name,
                    Info=name,
                    DestOutputProfile=stream,
                )
            ]
        )
        spaces = set()
        for page in pdf.pages:
            space = page.Resources.get("/ColorSpace")
            if space is not None and space.objgen not in spaces:  # shared by every page
                spaces.add(space.objgen)
                space.srgb = pikepdf.Array([pikepdf.Name.ICCBased, stream])
            for annotation in page.get("/Annots", []):
                annotation.F = 4
        for obj in pdf.objects:  # PDF/A forbids image interpolation (ISO 19005-2, 6.2.8)
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image" and "/Interpolate" in obj:
                del obj["/Interpolate"]
        xmp = metadata.generate_rdf_metadata("a", 2, "A").replace(b"</rdf:RDF>", PDFUA_XMP + b"</rdf:RDF>")
        packet = b"\n".join((XMP_HEADER, xmp, *metadata.xmp_metadata, XMP_FOOTER))
        pdf.Root.Metadata = pdf.make_stream(packet, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        return pdfstreams.save(pdf)


PDFUA_XMP = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1" />
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 (PDF/UA) the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""
"""The PDF/UA-1 identifier and, as PDF/A requires for a property outside its own schemas, the
PDF/A extension schema that describes it (ISO 19005-2, 6.6.2.3): with both, one file can
honestly declare PDF/A-2a and PDF/UA-1, which WeasyPrint 70 cannot write."""


def declare_ua(data: bytes) -> bytes:
    """A PDF/A file of WeasyPrint's with the PDF/UA-1 identifier and its extension schema."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().replace(b"</rdf:RDF>", PDFUA_XMP + b"</rdf:RDF>")
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        return pdfstreams.save(pdf)


XMP_HEADER = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
XMP_FOOTER = b'</x:xmpmeta>\n<?xpacket end="r"?>'
"""The XMP packet around the RDF, as WeasyPrint's `DocumentMetadata.include_in_pdf` writes it."""
