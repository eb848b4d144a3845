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

import json
import re

from archivist.search.bundle import content_name, pack, unpack

WORDS_FILE = "archivist-words.txt"  # in a shard's cached bundle; never published
FOLDER = "directory/"
INDEX_CHUNK = re.compile(r"^index/[^/]+\.pf_index$")
WORDS_PER_CHUNK = 2000  # about 20 KB of gzipped chunk: a term loads one or two
PAGE_FIELD_DELTA, PAGE_FIELD_LOCATIONS, PAGE_FIELD_META = range(3)
ONE_WORD_AT_START = [-25, 0]  # Pagefind's location list: weight 1 (24/24), then position 0


def vocabulary(files: dict[str, bytes]) -> bytes:
    """The words a shard's bundle indexes (paths relative to its folder), one a line, sorted."""
    words: set[str] = set()
    for path in sorted(p for p in files if INDEX_CHUNK.match(p)):
        for entry in unpack(files[path])[0]:
            words.add(str(entry[0]))
    return "".join(f"{word}\n" for word in sorted(words)).encode("utf-8")


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
    chunks = [_chunk(files, language, part) for part in _parts(sorted(holders.items()))]
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


def _chunk(files: dict[str, bytes], language: str, part: list[tuple[str, list[int]]]) -> list[str]:
    """Write one index chunk; return its [first word, last word, name] for the metadata."""
    entries = []
    for word, positions in part:
        pages = [[page - before, list(ONE_WORD_AT_START), []]
                 for before, page in zip([0] + positions, positions)]
        entries.append([word, pages, []])
    data = pack([entries])
    name = content_name(language, data, 7)
    files[f"index/{name}.pf_index"] = data
    first, last = (part[0][0], part[-1][0]) if part else ("", "")
    return [first, last, name]
