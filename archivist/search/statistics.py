"""Give every shard the whole archive's page count and average page length.

Pagefind scores a page against its own index's page count (in each term's rarity) and average
page length (in how a page's length tempers its term counts). A shard of a few hundred pages
would score its pages on numbers of its own, so the same page would score differently in
another split. Each shard's metadata is given one placeholder page per page that other shards
hold: one carries the other shards' word count and the rest none, so the page count and the
average length are the archive's exactly. Placeholders have no words, filters or sort values,
so no search can return one. (The term rarities, which follow from the query, are put right in
the browser; see pagefind.js.)
"""

from __future__ import annotations

import json
import re

from archivist.search.bundle import BundleFormatError, content_name, pack, unpack

META_FILE = re.compile(r"^pagefind\.(?P<name>[^/]+)\.pf_meta$")
ENTRY_FILE = "pagefind-entry.json"
META_PAGES_FIELD = 1
PAGE_WORD_COUNT = 1
PLACEHOLDER_HASH = ""  # names no fragment: a placeholder is never a result


def _meta_path(files: dict[str, bytes]) -> str:
    metas = [path for path in files if META_FILE.match(path)]
    if len(metas) != 1:
        raise BundleFormatError(f"expected one metadata file, found {len(metas)}")
    return metas[0]


def page_statistics(files: dict[str, bytes]) -> tuple[int, int]:
    """A shard bundle's (pages, words), from its metadata (paths relative to its folder)."""
    pages = unpack(files[_meta_path(files)])[META_PAGES_FIELD]
    return len(pages), sum(int(page[PAGE_WORD_COUNT]) for page in pages)


def with_archive_statistics(files: dict[str, bytes], pages: int, words: int) -> dict[str, bytes]:
    """The shard bundle with placeholder pages that make its totals `pages` and `words`."""
    own_pages, own_words = page_statistics(files)
    if (own_pages, own_words) == (pages, words):
        return files
    if own_pages >= pages or own_words > words:
        raise BundleFormatError(f"a shard of {own_pages} pages cannot stand for an archive of {pages}")
    out = dict(files)
    path = _meta_path(files)
    meta = unpack(out.pop(path))
    placeholders = [[PLACEHOLDER_HASH, 0] for _ in range(pages - own_pages)]
    placeholders[0][PAGE_WORD_COUNT] = words - own_words
    meta[META_PAGES_FIELD] = list(meta[META_PAGES_FIELD]) + placeholders
    data = pack(meta)
    old = META_FILE.match(path).group("name")
    language, digits = old.rsplit("_", 1)
    new = content_name(language, data, len(digits))
    out[f"pagefind.{new}.pf_meta"] = data
    entry = json.loads(out[ENTRY_FILE])
    for details in entry.get("languages", {}).values():
        if details.get("hash") == old:
            details["hash"] = new
    out[ENTRY_FILE] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out
