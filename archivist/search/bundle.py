"""Rewrite Pagefind's bundle for publishing: the same pages give the same bytes, and fragments shed
what the archive's search never reads.

Pagefind 1.5.2 writes filter values, and the filter list of each language's metadata, in
hash-map order, which changes from run to run; file names are content hashes, so the
names change too and every build would rewrite (and redeploy) the filter files, the
metadata and pagefind-entry.json. Here the filter chunks are decoded (gzip + CBOR), their
entries sorted, re-encoded, renamed after their new content, and the references in the
metadata and entry file rewritten to match. Everything else Pagefind writes is already stable.

A page's fragment (what a result's data() downloads) holds its text plus an "anchor" for every
element with an id, each with that element's text; article paragraphs all carry ids, so the
anchors repeat the whole text and double the download. Only headings' anchors, which Pagefind
turns into sub-results, are kept. A fragment keeps its name: Pagefind's index refers to it by
that name, and the trimmed bytes follow from the original ones alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import struct
from typing import Any

SIGNATURE = b"pagefind_dcd"
FILTER_FILE = re.compile(r"^pagefind/filter/(?P<hash>[^/]+)\.pf_filter$")
META_FILE = re.compile(r"^pagefind/pagefind\.(?P<hash>[^/]+)\.pf_meta$")
FRAGMENT_FILE = re.compile(r"^pagefind/fragment/[^/]+\.pf_fragment$")
ENTRY_FILE = "pagefind/pagefind-entry.json"
HEADING_ELEMENTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
META_PAGES_FIELD = 1
META_FILTERS_FIELD = 3  # [version, pages, index chunks, filters, sorts, meta fields]
META_SORTS_FIELD = 4


class BundleFormatError(ValueError):
    """The bundle does not have the shape this version of the code understands."""


# --- a small CBOR codec: exactly the kinds Pagefind writes (ints, strings, arrays, maps, floats)


def cbor_decode(data: bytes) -> Any:
    value, end = _decode(data, 0)
    if end != len(data):
        raise BundleFormatError(f"{len(data) - end} trailing bytes after CBOR value")
    return value


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    major, info = data[at] >> 5, data[at] & 0x1F
    if major == 7:
        return _decode_simple(data, at, info)
    length, at = _argument(data, at + 1, info)
    if major == 0:
        return length, at
    if major == 1:
        return -1 - length, at
    if major in (2, 3):
        raw = data[at:at + length]
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), at + length
    if major == 4:
        items = []
        for _ in range(length):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(length):
            key, at = _decode(data, at)
            value, at = _decode(data, at)
            pairs.append((key, value))
        return CborMap(pairs), at
    raise BundleFormatError(f"unsupported CBOR major type {major}")


def _argument(data: bytes, at: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, at
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise BundleFormatError(f"unsupported CBOR length form {info}")
    return int.from_bytes(data[at:at + size], "big"), at + size


def _decode_simple(data: bytes, at: int, info: int) -> tuple[Any, int]:
    simple = {20: False, 21: True, 22: None}
    if info in simple:
        return simple[info], at + 1
    formats = {25: (">e", 2), 26: (">f", 4), 27: (">d", 8)}
    if info not in formats:
        raise BundleFormatError(f"unsupported CBOR simple value {info}")
    fmt, size = formats[info]
    return CborFloat(struct.unpack(fmt, data[at + 1:at + 1 + size])[0], info), at + 1 + size


class CborMap(list):
    """A CBOR map kept as its list of pairs, so re-encoding keeps Pagefind's key order."""


class CborEncoded(bytes):
    """Bytes that are already one CBOR item, written as they are: a part that repeats (the directory's
    list of shards holding a word) is encoded once rather than once for every word."""


class CborFloat(float):
    """A float that remembers its width, so re-encoding writes the bytes it was read from."""

    def __new__(cls, value: float, width: int) -> "CborFloat":
        made = super().__new__(cls, value)
        made.width = width
        return made


def cbor_encode(value: Any) -> bytes:
    out = bytearray()
    _encode_into(value, out)
    return bytes(out)


def _encode_into(value: Any, out: bytearray) -> None:
    """Append `value`'s CBOR to `out`. The plain types come first, by exact type: a shard's index and
    the directory are hundreds of thousands of small integers and lists."""
    kind = type(value)
    if kind is int:
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif kind is list:
        out += _head(4, len(value))
        for item in value:
            _encode_into(item, out)
    elif kind is str:
        raw = value.encode("utf-8")
        out += _head(3, len(raw))
        out += raw
    elif kind is CborEncoded:
        out += value
    elif kind is CborMap:
        out += _head(5, len(value))
        for key, item in value:
            _encode_into(key, out)
            _encode_into(item, out)
    elif isinstance(value, bool) or value is None:
        out.append(0xF5 if value is True else 0xF4 if value is False else 0xF6)
    elif isinstance(value, CborFloat):
        out.append(0xE0 | value.width)
        out += struct.pack({25: ">e", 26: ">f", 27: ">d"}[value.width], value)
    elif isinstance(value, int):
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, bytes):
        out += _head(2, len(value))
        out += value
    elif isinstance(value, str):  # a subclass of one of the plain types, encoded as that type
        _encode_into(str(value), out)
    elif isinstance(value, CborMap):
        _encode_into(CborMap(value), out)
    elif isinstance(value, list):
        _encode_into(list(value), out)
    else:
        raise BundleFormatError(f"cannot encode {type(value).__name__} as CBOR")


_SMALL_HEADS = [[bytes([major << 5 | length]) for length in range(24)] for major in range(8)]


def _head(major: int, length: int) -> bytes:
    """The shortest head for a length, as serde's CBOR writer emits it."""
    if length < 24:
        return _SMALL_HEADS[major][length]
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise BundleFormatError("CBOR length too large")


# --- Pagefind's compressed files


def unpack(data: bytes) -> Any:
    raw = gzip.decompress(data) if not data.startswith(SIGNATURE) else data
    if not raw.startswith(SIGNATURE):
        raise BundleFormatError("missing Pagefind signature")
    return cbor_decode(raw[len(SIGNATURE):])


def pack(value: Any) -> bytes:
    # mtime=0 and a fixed level keep the gzip bytes stable too.
    return gzip.compress(SIGNATURE + cbor_encode(value), compresslevel=9, mtime=0)


def unpack_json(data: bytes) -> Any:
    """A fragment: Pagefind's signature and JSON, gzipped."""
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise BundleFormatError("missing Pagefind signature")
    return json.loads(raw[len(SIGNATURE):])


def pack_json(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(SIGNATURE + text.encode("utf-8"), compresslevel=9, mtime=0)


def content_name(language_prefix: str, data: bytes, digits: int) -> str:
    """A file name that follows from the file's bytes, in Pagefind's 'lang_hash' form."""
    return f"{language_prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"


# --- the whole bundle


def canonicalise(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same bundle with stable filter chunks, metadata and entry file (names and bytes)."""
    out = dict(files)
    renamed_filters = _sort_filter_chunks(out)
    renamed_meta = _rewrite_metadata(out, renamed_filters)
    _rewrite_entry(out, renamed_meta)
    return out


def trim_fragments(files: dict[str, bytes]) -> dict[str, bytes]:
    """The same bundle with only headings' anchors left in each page's fragment."""
    out = dict(files)
    for path in sorted(p for p in files if FRAGMENT_FILE.match(p)):
        fragment = unpack_json(files[path])
        anchors = fragment.get("anchors")
        if not isinstance(anchors, list):
            raise BundleFormatError(f"{path}: no anchor list")
        kept = [a for a in anchors if isinstance(a, dict) and a.get("element") in HEADING_ELEMENTS]
        if len(kept) < len(anchors):
            out[path] = pack_json({**fragment, "anchors": kept})
    return out


def tag_pages(files: dict[str, bytes], tag: str) -> dict[str, bytes]:
    """The same bundle with `tag` in every page id ('en_1a2b3c4' -> 'en_s3-1a2b3c4').

    A page's id is its fragment's name, and the only thing a merged search tells about which
    index a result came from; the index chunks and filters refer to pages by number, so only
    the metadata's page list and the fragments' names change. Run before canonicalise(),
    which renames the metadata after its new bytes."""
    out = dict(files)
    for path in sorted(p for p in files if META_FILE.match(p)):
        meta = unpack(files[path])
        for page in meta[META_PAGES_FIELD]:
            language, _, digest = str(page[0]).rpartition("_")
            old, page[0] = page[0], f"{language}_{tag}-{digest}"
            fragment = out.pop(f"pagefind/fragment/{old}.pf_fragment", None)
            if fragment is None:
                raise BundleFormatError(f"no fragment for page {old}")
            out[f"pagefind/fragment/{page[0]}.pf_fragment"] = fragment
        out[path] = pack(meta)
    return out


def _sort_filter_chunks(files: dict[str, bytes]) -> dict[str, str]:
    renamed: dict[str, str] = {}
    for path in sorted(p for p in files if FILTER_FILE.match(p)):
        old = FILTER_FILE.match(path).group("hash")
        name, values = unpack(files.pop(path))
        values = sorted(values, key=lambda pair: (str(pair[0]), cbor_encode(pair[1])))
        data = pack([name, values])
        new = content_name(old.rsplit("_", 1)[0], data, 7)
        files[f"pagefind/filter/{new}.pf_filter"] = data
        renamed[old] = new
    return renamed


def _rewrite_metadata(files: dict[str, bytes], renamed_filters: dict[str, str]) -> dict[str, str]:
    renamed: dict[str, str] = {}
    for path in sorted(p for p in files if META_FILE.match(p)):
        old = META_FILE.match(path).group("hash")
        meta = unpack(files.pop(path))
        filters = meta[META_FILTERS_FIELD]
        for item in filters:
            item[1] = renamed_filters.get(item[1], item[1])
        meta[META_FILTERS_FIELD] = sorted(filters, key=lambda item: str(item[0]))
        meta[META_SORTS_FIELD] = sorted(meta[META_SORTS_FIELD], key=lambda item: str(item[0]))
        data = pack(meta)
        new = content_name(old.rsplit("_", 1)[0], data, len(old.rsplit("_", 1)[1]))
        files[f"pagefind/pagefind.{new}.pf_meta"] = data
        renamed[old] = new
    return renamed


def _rewrite_entry(files: dict[str, bytes], renamed_meta: dict[str, str]) -> None:
    entry = json.loads(files[ENTRY_FILE])
    languages = entry.get("languages", {})
    for details in languages.values():
        details["hash"] = renamed_meta.get(details["hash"], details["hash"])
    entry["languages"] = dict(sorted(languages.items()))
    files[ENTRY_FILE] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
