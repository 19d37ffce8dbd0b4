"""Saving a PDF with pikepdf so that every reader counts each stream's bytes alike.

qpdf writes a line feed between a stream's data and `endstream`. When compressed data happens
to end in a carriage return (about one stream in 256), the two read as one CR LF end-of-line
marker, and veraPDF-style validators count one byte less than `/Length`
(PDFA2A-STREAM-LENGTH-001; ISO 32000-1 7.3.8.1, ISO 19005-2 6.1.7.1). `save` makes sure no page
content stream or form ends so. Other streams (images, fonts) cannot be padded without
changing them and are left as they are: a rare CR at their end remains a known gap.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

CR = b"\r"


def save(pdf: Any) -> bytes:
    """The bytes of `pdf`, saved as kfsreport always saves, with no stream ending in CR."""
    settle(pdf)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def settle(pdf: Any) -> None:
    """Compress each page's content streams and form XObjects here, ending them with enough
    line feeds that the compressed bytes do not end in CR (a line feed more in a content
    stream changes nothing drawn); qpdf then leaves them as they are."""
    import pikepdf

    streams = [obj for page in pdf.pages for obj in _contents(page.obj, pikepdf)]
    streams += [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
    for obj in streams:
        flate = obj.get("/Filter")
        plain = flate == "/FlateDecode" and "/DecodeParms" not in obj
        if flate is None or (plain and obj.read_raw_bytes().endswith(CR)):
            obj.write(_compressed(obj.read_bytes()), filter=pikepdf.Name.FlateDecode)


def _contents(page: Any, pikepdf: Any) -> list[Any]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _compressed(data: bytes) -> bytes:
    """`data` deflated, with line feeds added until the bytes do not end in CR (the last four
    bytes are the data's Adler-32 checksum, so only other data can change them)."""
    packed = zlib.compress(data, 6)
    while packed.endswith(CR):
        data += b"\n"
        packed = zlib.compress(data, 6)
    return packed
