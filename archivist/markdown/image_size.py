"""The intrinsic width and height of an article's image, read from the file's header at build time.

An <img> with width and height lets the browser reserve the figure's box before the image
arrives, so a long article does not jump as its lazily loaded figures come in (and a link to
a passage lands where it should). Only the few bytes that hold the size are read; a file whose
size cannot be found simply gets no attributes.
"""

from __future__ import annotations

import re
import struct

Size = tuple[int, int]
MAX_DIMENSION = 100_000  # larger numbers are a damaged or hostile header, not a real image
SVG_LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
JPEG_SIZE_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def intrinsic_size(data: bytes) -> Size | None:
    """(width, height) in CSS pixels for PNG, GIF, JPEG, WebP and SVG; None when unknown."""
    for reader in (_png, _gif, _jpeg, _webp, _svg):
        try:
            size = reader(data)
        except (struct.error, ValueError, IndexError):
            size = None
        if size is not None:
            width, height = size
            return size if 0 < width <= MAX_DIMENSION and 0 < height <= MAX_DIMENSION else None
    return None


def _png(data: bytes) -> Size | None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _gif(data: bytes) -> Size | None:
    if not data.startswith((b"GIF87a", b"GIF89a")):
        return None
    return struct.unpack("<HH", data[6:10])


def _jpeg(data: bytes) -> Size | None:
    """Walk the segments to the first start-of-frame, which holds the size."""
    if not data.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in JPEG_SIZE_MARKERS:
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    return None


def _webp(data: bytes) -> Size | None:
    if not (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return None
    kind = data[12:16]
    if kind == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if kind == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _svg(data: bytes) -> Size | None:
    """From the root element's width and height in pixels, one of them with the viewBox's ratio."""
    root = SVG_ROOT.search(data[:65536])
    if root is None:
        return None
    tag = root.group(0).decode("utf-8", "replace")
    width, height = _svg_attribute(tag, "width"), _svg_attribute(tag, "height")
    box = _svg_view_box(tag)
    if width and height:
        return round(width), round(height)
    if box is None:
        return None
    box_width, box_height = box
    if width:
        return round(width), round(width * box_height / box_width)
    if height:
        return round(height * box_width / box_height), round(height)
    return None  # a viewBox alone: browsers stretch such an image to the column, so no size is given


def _svg_attribute(tag: str, name: str) -> float | None:
    found = re.search(rf'\s{name}\s*=\s*["\']([^"\']*)["\']', tag)
    if not found:
        return None
    number = SVG_LENGTH.match(found.group(1))  # percentages, ems and other units say nothing of pixels
    return float(number.group(1)) if number else None


def _svg_view_box(tag: str) -> tuple[float, float] | None:
    found = re.search(r'\sviewBox\s*=\s*["\']([^"\']*)["\']', tag)
    if not found:
        return None
    parts = found.group(1).replace(",", " ").split()
    if len(parts) != 4:
        return None
    width, height = float(parts[2]), float(parts[3])
    return (width, height) if width > 0 and height > 0 else None
