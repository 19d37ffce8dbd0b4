"""A page whose compressed content happens to end in CR still has a /Length every validator
reads alike (PDFA2A-STREAM-LENGTH-001)."""

import hashlib
import io
import re
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


def _packed_ending_in_cr(prefix: bytes) -> tuple[bytes, bytes]:
    """Data starting with `prefix` whose zlib stream ends in CR (its Adler-32 checksum does, so
    no other compression of the same data helps), and that stream."""
    for n in range(100_000):
        data = prefix + n.to_bytes(4, "big")
        packed = zlib.compress(data, 6)
        if packed.endswith(b"\r"):
            return data, packed
    raise AssertionError("no such data found")


def _saved(pdf: pikepdf.Pdf) -> pikepdf.Pdf:
    data = pdfstreams.save(pdf)
    for start in (m.end() for m in re.finditer(rb"\bstream\r?\n", data)):
        end = data.index(b"endstream", start)
        assert not data[start:end].endswith(b"\r\n"), "a stream's data ends in CR before the EOL"
    return pikepdf.open(io.BytesIO(data))


def test_an_image_ending_in_cr_is_wrapped_with_its_pixels_and_predictor_unchanged() -> None:
    pixels, packed = _packed_ending_in_cr(b"\x00\x10\x20\x30" * 12)  # 4 x 4 gray, PNG rows
    pdf = pikepdf.new()
    pdf.add_blank_page()
    image = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image)
    image.write(packed, filter=pikepdf.Name.FlateDecode, decode_parms=pikepdf.Dictionary(Predictor=1))
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))

    saved_pdf = _saved(pdf)
    saved = saved_pdf.pages[0].obj.Resources.XObject.Im0
    assert list(saved.Filter) == ["/RunLengthDecode", "/FlateDecode"]
    assert saved.DecodeParms[1].Predictor == 1
    assert saved.read_raw_bytes().endswith(b"\x80")
    assert saved.read_bytes(pikepdf.StreamDecodeLevel.specialized) == pixels


def test_a_font_ending_in_cr_is_wrapped_and_reads_the_same() -> None:
    font_bytes, packed = _packed_ending_in_cr(b"\x00\x01\x00\x00 not really a font ")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    font = pdf.make_stream(b"", Length1=len(font_bytes))
    font.write(packed, filter=pikepdf.Name.FlateDecode)
    pdf.Root.Font = font

    saved_pdf = _saved(pdf)
    saved = saved_pdf.Root.Font
    assert list(saved.Filter) == ["/RunLengthDecode", "/FlateDecode"]
    assert "/DecodeParms" not in saved
    assert saved.read_bytes(pikepdf.StreamDecodeLevel.specialized) == font_bytes
    assert saved.Length1 == len(font_bytes)


def test_an_unfiltered_stream_and_metadata_ending_in_cr_are_saved_so_they_do_not() -> None:
    data, _ = _packed_ending_in_cr(b"plain data ")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Plain = pdf.make_stream(data)
    xmp = b'<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"/><?xpacket end="r"?>\r'
    pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)

    saved = _saved(pdf)
    assert saved.Root.Plain.read_bytes(pikepdf.StreamDecodeLevel.specialized) == data
    assert "/Filter" not in saved.Root.Metadata  # PDF/A: metadata unfiltered
    assert saved.Root.Metadata.read_bytes().rstrip() == xmp.rstrip()


def test_streams_not_ending_in_cr_are_saved_byte_for_byte() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    packed = zlib.compress(b"an image that does not end in CR" * 3, 6)
    assert not packed.endswith(b"\r")
    pdf.Root.Image = pdf.make_stream(b"")
    pdf.Root.Image.write(packed, filter=pikepdf.Name.FlateDecode)
    saved = _saved(pdf)
    assert saved.Root.Image.read_raw_bytes() == packed


def test_run_length_encoding_reads_back_as_the_data() -> None:
    for data in (b"", b"x", bytes(range(256)) * 3):
        pdf = pikepdf.new()
        pdf.Root.S = pdf.make_stream(b"")
        pdf.Root.S.write(pdfstreams.run_length(data), filter=pikepdf.Name.RunLengthDecode)
        assert pdf.Root.S.read_bytes(pikepdf.StreamDecodeLevel.specialized) == data


def _object_stream_ending_in_cr() -> pikepdf.Pdf:
    """A PDF whose object stream, as qpdf groups and compresses it afresh, ends in CR."""
    for n in range(5_000):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        text = hashlib.sha256(str(n).encode()).hexdigest()  # bytes that vary the checksum well
        element = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, T=pikepdf.String(text))
        pdf.Root.Note = pdf.make_indirect(element)
        pdf.Root.Metadata = pdf.make_stream(b"<x/>", Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        out = io.BytesIO()
        mode = pikepdf.ObjectStreamMode.generate
        pdf.save(out, deterministic_id=True, fix_metadata_version=False, object_stream_mode=mode)
        if pdfstreams.WRITTEN_ENDING_IN_CR in out.getvalue():
            return pdf
    raise AssertionError("no such object stream found")


def test_an_object_stream_ending_in_cr_is_saved_so_it_does_not() -> None:
    """An object stream ending in CR stays so whatever the offsets and the compression (its
    bytes end in the checksum of what it holds): a structure element in it gets its default
    revision number, and the objects read the same."""
    pdf = _object_stream_ending_in_cr()
    data = pdfstreams.save(pdf, generate=True)
    assert pdfstreams.WRITTEN_ENDING_IN_CR not in data
    saved = pikepdf.open(io.BytesIO(data))
    assert str(saved.Root.Note.T) == str(pdf.Root.Note.T)
    assert int(saved.Root.Note.get("/R", 0)) == 0
    assert any(isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm" for o in saved.objects)
