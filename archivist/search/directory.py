"""The shard directory: a small Pagefind index that tells which shards hold a word a search term matches.

Pagefind matches a term with every indexed word that begins with it; when no word does, it
falls back to the longest indexed word that begins the term. Each shard decides that alone, so
a name held by one shard sends every other shard to its own fallback ('jarvis' to the 'j' of a
middle initial), and those pages would join the results. The directory is one index over the
whole archive's vocabulary whose "pages" are the shards: searched with the same term, Pagefind
makes the decision once, for the whole archive, and its results name the shards whose matches
count. A lone letter or digit is left out of the directory, so it is never the word a term
falls back to, in any shard or in none.

Each shard's vocabulary is read from its bundle once, when the shard is indexed, and kept with
it in the cache (WORDS_FILE), so an unchanged shard costs nothing here.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from typing import Callable

from archivist.search.bundle import SIGNATURE, BundleFormatError, CborEncoded, cbor_encode, content_name, pack

WORDS_FILE = "archivist-words.txt"  # in a shard's cached bundle; never published
FOLDER = "directory/"
INDEX_CHUNK = re.compile(r"^index/[^/]+\.pf_index$")
WORDS_PER_CHUNK = 2000  # about 20 KB of gzipped chunk: a term loads one or two
PAGE_FIELD_DELTA, PAGE_FIELD_LOCATIONS, PAGE_FIELD_META = range(3)
# One page of a word as Pagefind writes them: [page delta, [locations], [metadata locations]], all
# integers of any width. An array of integers ends where the next array begins, so the pattern needs
# no counts. Matched a word's whole page list at once (see _pages_end), the regular expression engine
# steps over millions of positions that a loop in Python would visit one by one.
_INTEGER = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38].|[\x19\x39].{2}|[\x1a\x3a].{4}|[\x1b\x3b].{8})"
_ARRAY_HEAD = rb"(?:[\x80-\x97]|\x98.|\x99.{2}|\x9a.{4})"
_PLAIN_PAGE = rb"(?>\x83" + _INTEGER + _ARRAY_HEAD + _INTEGER + rb"*+" + _ARRAY_HEAD + _INTEGER + rb"*+)"
ONE_WORD_AT_START = [-25, 0]  # Pagefind's location list: weight 1 (24/24), then position 0


def vocabulary(files: dict[str, bytes]) -> bytes:
    """The words a shard's bundle indexes (paths relative to its folder), one a line, sorted."""
    words: set[str] = set()
    for path in sorted(p for p in files if INDEX_CHUNK.match(p)):
        words.update(chunk_words(files[path]))
    return "".join(f"{word}\n" for word in sorted(words)).encode("utf-8")


def chunk_words(data: bytes) -> list[str]:
    """The words of one index chunk ([[word, pages, variants], ...]), skipping their pages
    without building them: a chunk of a thousand long articles holds millions of positions.

    Page lists are first matched by pattern (_pages_end), which takes an array among a page's
    locations for the page's next field; Pagefind writes none there, and such a misreading leaves
    the chunk unparsable or not ending where it should, so the chunk is then read item by item."""
    raw = gzip.decompress(data) if not data.startswith(SIGNATURE) else data
    if not raw.startswith(SIGNATURE):
        raise BundleFormatError("missing Pagefind signature")
    try:
        words, end = _words(raw, len(SIGNATURE), _pages_end)
        if end == len(raw):
            return words
    except (BundleFormatError, IndexError, UnicodeDecodeError):
        pass
    try:
        return _words(raw, len(SIGNATURE), _skip)[0]
    except IndexError as exc:
        raise BundleFormatError("an index chunk ends early") from exc


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, length or value, where the item's content starts) of the CBOR item at `at`."""
    info = data[at] & 0x1F
    if info < 24:
        return data[at] >> 5, info, at + 1
    if info > 27:
        raise BundleFormatError(f"unsupported CBOR length form {info}")
    size = 1 << (info - 24)
    return data[at] >> 5, int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _skip(data: bytes, at: int) -> int:
    """Where the CBOR item at `at` ends (arrays and maps counted down, not recursed into; an
    integer's value is never read, only its size: most items are positions). The item head is read
    here rather than by `_head`: a shard of a thousand long articles has millions of them."""
    pending = 1
    while pending:
        pending -= 1
        first = data[at]
        info = first & 0x1F
        if first < 0x40:  # an unsigned or negative integer
            at += 1 if info < 24 else 1 + (1 << (info - 24))
            continue
        if info < 24:
            length = info
            at += 1
        elif info < 28:
            size = 1 << (info - 24)
            length = int.from_bytes(data[at + 1:at + 1 + size], "big")
            at += 1 + size
        else:
            raise BundleFormatError(f"unsupported CBOR length form {info}")
        major = first >> 5
        if major == 4:
            pending += length
        elif major == 5:
            pending += 2 * length
        elif major < 4:  # bytes or text
            at += length
    return at


def _words(data: bytes, at: int, skip_pages: Callable[[bytes, int], int]) -> tuple[list[str], int]:
    """The chunk's words and where the chunk ends, stepping over each word's pages with `skip_pages`."""
    _, _, at = _head(data, at)  # the chunk: a one-item array
    _, count, at = _head(data, at)
    words = []
    for _ in range(count):
        _, fields, at = _head(data, at)
        major, length, at = _head(data, at)
        if major != 3:
            raise BundleFormatError("an index entry does not start with its word")
        words.append(data[at:at + length].decode("utf-8"))
        at += length
        if fields > 1:
            at = skip_pages(data, at)
        for _ in range(fields - 2):
            at = _skip(data, at)
    return words, at


def _pages_end(data: bytes, at: int) -> int:
    """Where a word's list of pages, at `at`, ends: matched whole when every page has the plain
    form, and otherwise stepped through item by item."""
    major, count, start = _head(data, at)
    if major == 4:
        end = _plain_pages_end(data, start, count)
        if end is not None:
            return end
    return _skip(data, at)


def _plain_pages_end(data: bytes, at: int, count: int) -> int | None:
    """Where `count` plain pages from `at` end, or None where one is not plain. Runs of a power of
    two pages are matched at once, so a few patterns serve every count."""
    while count:
        run = 1 << min(count.bit_length() - 1, 10)
        matched = _plain_pages(run).match(data, at)
        if matched is None:
            return None
        at, count = matched.end(), count - run
    return at


@lru_cache(maxsize=None)
def _plain_pages(count: int) -> re.Pattern[bytes]:
    """Exactly `count` plain pages; `count` is a power of two up to 1,024."""
    return re.compile(_PLAIN_PAGE + b"{%d}" % count, re.DOTALL)


def with_vocabulary(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundle with its vocabulary added, as the cache keeps it."""
    return {**files, WORDS_FILE: vocabulary(files)}


def directory_word(word: str) -> bool:
    """Whether a word may be matched through the directory: anything but a lone cased letter or
    digit (an initial, a note number). A lone CJK character or Hangul jamo is a real word."""
    if len(word) != 1:
        return bool(word)
    return not (word.isdigit() or word.lower() != word.upper())


def directory_bundle(shards: list[tuple[int, bytes]], entry: dict) -> dict[str, bytes]:
    """The directory's files (paths relative to its folder) for (shard number, vocabulary) pairs;
    `entry` is the primary shard's entry file, whose language and version it shares."""
    language = sorted(entry.get("languages") or {"unknown": {}})[0]
    holders: dict[str, list[int]] = {}
    for position, (_, words) in enumerate(shards):
        for word in words.decode("utf-8").splitlines():
            if directory_word(word):
                holders.setdefault(word, []).append(position)
    files: dict[str, bytes] = {}
    encoded: dict[tuple[int, ...], CborEncoded] = {}
    chunks = [_chunk(files, language, part, encoded) for part in _parts(sorted(holders.items()))]
    pages = [[f"{language}_dir-{number}", 1] for number, _ in shards]
    meta = pack([str(entry.get("version", "")), pages, chunks, [], [], []])
    meta_name = content_name(language, meta, 10)
    files[f"pagefind.{meta_name}.pf_meta"] = meta
    own = {"hash": meta_name, "wasm": language, "page_count": len(shards)}
    directory_entry = {**entry, "languages": {language: own}}
    files["pagefind-entry.json"] = json.dumps(directory_entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files


def _parts(words: list[tuple[str, list[int]]]) -> list[list[tuple[str, list[int]]]]:
    return [words[at:at + WORDS_PER_CHUNK] for at in range(0, len(words), WORDS_PER_CHUNK)] or [[]]


def _chunk(files: dict[str, bytes], language: str, part: list[tuple[str, list[int]]],
           encoded: dict[tuple[int, ...], CborEncoded]) -> list[str]:
    """Write one index chunk; return its [first word, last word, name] for the metadata. `encoded`
    keeps each list of shards encoded: the words of an archive share a few of them."""
    entries = []
    for word, positions in part:
        held = tuple(positions)
        if held not in encoded:
            encoded[held] = CborEncoded(cbor_encode([[page - before, list(ONE_WORD_AT_START), []]
                                                     for before, page in zip((0,) + held, held)]))
        entries.append([word, encoded[held], []])
    data = pack([entries])
    name = content_name(language, data, 7)
    files[f"index/{name}.pf_index"] = data
    first, last = (part[0][0], part[-1][0]) if part else ("", "")
    return [first, last, name]
