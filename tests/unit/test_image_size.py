"""Intrinsic image sizes from file headers, and the <img> attributes they become."""

from __future__ import annotations

import struct

import pytest

from archivist.markdown import BodyContext, render_body
from archivist.markdown.image_size import intrinsic_size


def png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc2" + struct.pack(">HBHH", 17, 8, height, width) + b"\x03" + b"\0" * 9
    return b"\xff\xd8" + app0 + b"\xff\xff" + sof + b"\xff\xd9"


def webp(kind: bytes, payload: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(payload)) + b"WEBP" + kind + struct.pack("<I", len(payload)) + payload


@pytest.mark.parametrize("data, size", [
    (png(640, 480), (640, 480)),
    (b"GIF89a" + struct.pack("<HH", 12, 34) + b"\0" * 8, (12, 34)),
    (jpeg(1200, 800), (1200, 800)),
    (webp(b"VP8X", b"\0\0\0\0" + (299).to_bytes(3, "little") + (199).to_bytes(3, "little")), (300, 200)),
    (webp(b"VP8 ", b"\0\0\0" + b"\x9d\x01\x2a" + struct.pack("<HH", 320, 240)), (320, 240)),
    (webp(b"VP8L", b"\x2f" + (99 | (49 << 14)).to_bytes(4, "little")), (100, 50)),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="620" height="400">', (620, 400)),
    (b'<svg width="100px" viewBox="0,0,200,80"/>', (100, 40)),
    (b'<svg height="40" viewBox="0 0 200 80"/>', (100, 40)),
])
def test_sizes_are_read_from_headers(data, size):
    assert intrinsic_size(data) == size


@pytest.mark.parametrize("data", [
    b"", b"not an image", png(0, 10), png(10**9, 10), b"\xff\xd8\xff\xe0\x00", b'<svg width="50%" height="2em"/>',
    b'<svg viewBox="0 0 0 0"/>', b'<svg viewBox="0 0 200 80" role="img"><title>t</title></svg>', webp(b"VP8?", b"\0" * 16), png(640, 480)[:20],
])
def test_unknown_or_damaged_headers_give_no_size(data):
    assert intrinsic_size(data) is None


def body(markdown: str, sizes: dict[str, tuple[int, int]]) -> str:
    context = BodyContext(path="a.md", first_line=1, lang="en", labels={}, resolve_article=lambda slug: None,
                          asset_exists=lambda path: path in sizes, asset_size=sizes.get)
    return render_body(markdown, context)[0].html


def test_figures_and_inline_images_carry_their_size():
    html = body("![A chart of tolls](chart.svg)\n\nText with ![a mark](mark.png) inline.\n",
                {"chart.svg": (620, 400), "mark.png": (16, 16)})
    assert 'src="chart.svg" alt="A chart of tolls" width="620" height="400" loading="lazy"' in html
    assert 'src="mark.png" alt="a mark" width="16" height="16"' in html


def test_an_image_whose_size_is_unknown_has_no_size_attributes():
    html = body("![A chart of tolls](chart.svg)\n", {"chart.svg": None})  # type: ignore[dict-item]
    assert "width=" not in html and 'src="chart.svg"' in html
