"""Saving a PDF with pikepdf so that every reader counts each stream's bytes alike.

qpdf writes a line feed between a stream's data and `endstream`. When compressed data happens
to end in a carriage return (about one stream in 256), the two read as one CR LF end-of-line
marker, and veraPDF-style validators count one byte less than `/Length`
(PDFA2A-STREAM-LENGTH-001; ISO 32000-1 7.3.8.1, ISO 19005-2 6.1.7.1). `save` makes sure no
stream ends so. A page content stream or form gets a line feed more in its data, which changes
nothing drawn. An image or font cannot change by a byte, and recompressing it does not help
(a zlib stream ends in the Adler-32 checksum of the data), so such a stream is wrapped in
run-length encoding as well (`/Filter [/RunLengthDecode /FlateDecode]`, a standard filter
PDF/A allows, which qpdf saves as it is), whose encoding ends in its end-of-data byte 128; it
grows by one byte in 128, in one stream of 256. The XMP metadata, which PDF/A
requires unfiltered, gets a line feed after its packet. The streams qpdf makes only as it
writes (the cross-reference stream and object streams) are checked in the written bytes. An
object stream holds objects, not offsets, and its bytes end in the checksum of what it holds:
if one ends in CR, a structure element in it gets its default revision number written out
(`/R 0`, ISO 32000-1 table 323), which changes what the stream holds and nothing it means, and
the written file is saved again with the same object streams. If the cross-reference stream
ends in CR, the metadata gets one more line feed, which moves every offset after it.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

CR = b"\r"


WRITTEN_ENDING_IN_CR = b"\r\nendstream"
"""A stream whose data ends in CR, as qpdf writes it (data, line feed, `endstream`)."""


def save(pdf: Any, *, generate: bool = False) -> bytes:
    """The bytes of `pdf`, saved as kfsreport always saves, with no stream ending in CR.
    With `generate`, the objects are grouped into object streams afresh (a PDF joined from
    parts, whose copied objects would otherwise be written one by one, uncompressed)."""
    import pikepdf

    settle(pdf)
    mode = pikepdf.ObjectStreamMode.generate if generate else pikepdf.ObjectStreamMode.preserve
    data = _saved(pdf, mode)
    for _ in range(8):
        if WRITTEN_ENDING_IN_CR not in data:
            return data
        written = pikepdf.open(io.BytesIO(data))
        if not _touch_object_streams(written, pikepdf) and not _pad_metadata(written):
            return data
        data = _saved(written, pikepdf.ObjectStreamMode.preserve)
    return data


def _saved(pdf: Any, mode: Any) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, fix_metadata_version=False, object_stream_mode=mode)
    return out.getvalue()


def _touch_object_streams(pdf: Any, pikepdf: Any) -> bool:
    """In each object stream of the written `pdf` that ends in CR, one structure element gets
    `/R 0` (or loses it); False if there is no such stream (or no element in one)."""
    touched = False
    for stream in pdf.objects:
        if not (isinstance(stream, pikepdf.Stream) and stream.get("/Type") == "/ObjStm"):
            continue
        if not stream.read_raw_bytes().endswith(CR):
            continue
        header = stream.read_bytes()[: int(stream.First)].split()
        for number in header[0::2]:
            element = pdf.get_object((int(number), 0))
            if isinstance(element, pikepdf.Dictionary) and element.get("/Type") == "/StructElem":
                if "/R" in element:
                    del element["/R"]
                else:
                    element.R = 0
                touched = True
                break
    return touched


def _pad_metadata(pdf: Any) -> bool:
    """One line feed more after the XMP packet (whitespace there is allowed), so the offsets
    qpdf writes into its cross-reference stream change; False if there is no metadata."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None or "/Filter" in metadata:
        return False
    metadata.write(metadata.read_raw_bytes() + b"\n")
    return True


def settle(pdf: Any) -> None:
    """Compress each page's content streams and form XObjects here, ending them with enough
    line feeds that the compressed bytes do not end in CR (a line feed more in a content
    stream changes nothing drawn); then every other stream (`_settle_other`). qpdf saves them
    as they are."""
    import pikepdf

    streams = [obj for page in pdf.pages for obj in _contents(page.obj, pikepdf)]
    streams += [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
    for obj in streams:
        flate = obj.get("/Filter")
        plain = flate == "/FlateDecode" and "/DecodeParms" not in obj
        if flate is None or (plain and obj.read_raw_bytes().endswith(CR)):
            obj.write(_compressed(obj.read_bytes()), filter=pikepdf.Name.FlateDecode)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            _settle_other(obj, pikepdf)


def _settle_other(obj: Any, pikepdf: Any) -> None:
    """An image, font or other stream, left as it is unless its saved bytes would end in CR."""
    if obj.get("/Type") == "/Metadata":
        if "/Filter" not in obj and obj.read_raw_bytes().endswith(CR):
            obj.write(obj.read_raw_bytes() + b"\n")
        return
    if "/Filter" not in obj:  # qpdf would flate it as it saves: do that here, to see the end
        obj.write(zlib.compress(obj.read_bytes(), 6), filter=pikepdf.Name.FlateDecode)
    raw = obj.read_raw_bytes()
    if not raw.endswith(CR):
        return
    filters = obj.Filter if isinstance(obj.Filter, pikepdf.Array) else pikepdf.Array([obj.Filter])
    parms = obj.get("/DecodeParms")
    if parms is not None and not isinstance(parms, pikepdf.Array):
        parms = pikepdf.Array([parms])
    obj.write(
        run_length(raw),
        filter=pikepdf.Array([pikepdf.Name.RunLengthDecode, *filters]),
        decode_parms=None if parms is None else pikepdf.Array([None, *parms]),
    )


def run_length(data: bytes) -> bytes:
    """`data` in RunLengthDecode's encoding (ISO 32000-1, 7.4.5), as literal runs of up to 128
    bytes each, ending in the end-of-data byte 128."""
    out = bytearray()
    for start in range(0, len(data), 128):
        run = data[start : start + 128]
        out.append(len(run) - 1)
        out += run
    out.append(128)
    return bytes(out)


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
