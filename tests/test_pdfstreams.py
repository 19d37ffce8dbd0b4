"""A page whose compressed content happens to end in CR still has a /Length every validator
reads alike (PDFA2A-STREAM-LENGTH-001)."""

import io
import zlib

import pikepdf

from kfsreport.printing import pdfstreams


def _ending_in_cr() -> bytes:
    for n in range(1_000):
        data = b"q Q\n%" + b"x" * n + b"y" * (n % 7) + b"\n"  # a comment line, nothing drawn
        if zlib.compress(data, 6).endswith(b"\r"):
            return data
    raise AssertionError("no such content found")


def test_a_content_stream_ending_in_cr_is_saved_so_it_does_not() -> None:
    data = _ending_in_cr()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(b"")
    pdf.pages[0].obj.Contents.write(zlib.compress(data, 6), filter=pikepdf.Name.FlateDecode)
    assert pdf.pages[0].obj.Contents.read_raw_bytes().endswith(b"\r")

    saved = pikepdf.open(io.BytesIO(pdfstreams.save(pdf)))
    content = saved.pages[0].obj.Contents
    assert not content.read_raw_bytes().endswith(b"\r")
    assert content.read_bytes().rstrip(b"\n") == data.rstrip(b"\n")


def test_an_unfiltered_content_stream_is_compressed_without_a_trailing_cr() -> None:
    data = _ending_in_cr()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(data)
    saved = pikepdf.open(io.BytesIO(pdfstreams.save(pdf)))
    content = saved.pages[0].obj.Contents
    assert content.get("/Filter") == "/FlateDecode"
    assert not content.read_raw_bytes().endswith(b"\r")
