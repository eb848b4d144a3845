"""Split the article pages into stable shards, each one Pagefind bundle, and join the bundles for publishing.

A page's shard follows from a hash of its slug and the number of shards alone, so adding or
editing one article changes one shard and leaves the others' bytes (and their cache entries)
as they were. The number of shards is a power of two: when the archive outgrows it, it
doubles and every shard splits in two (a page in shard i goes to i or i + count), instead of
every page moving as it would with `hash % n` for any n.

The first shard that has pages is the primary: it sits at pagefind/ as a single index would,
with Pagefind's wasm, and its entry file lists the other shards (pagefind/shard-NNN/, holding
index data only) for the browser to merge. A split must not change what a search finds or its
order, so every shard carries the archive's page statistics (statistics.py), the directory
(directory.py) says which shards' matches count for a term, and pagefind.js, the archive's
entry to Pagefind (Pagefind's own script is pagefind-engine.js), ranks the merged results on
the whole archive's term statistics. One shard is published the same way, so an archive ranks
alike whatever its number of shards.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from archivist.search.directory import FOLDER as DIRECTORY_FOLDER, WORDS_FILE, directory_bundle, vocabulary
from archivist.search.statistics import page_statistics, with_archive_statistics

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
SHARDS_KEY = "archivist_shards"  # in the primary's entry file; Pagefind ignores keys it does not know
# What a merged shard needs: Pagefind loads its script and wasm once, from the primary.
SHARD_DATA_FOLDERS = ("fragment/", "index/", "filter/")
ENGINE_SCRIPT = "pagefind-engine.js"  # Pagefind's own pagefind.js, which the archive's one wraps
ENTRY_SCRIPT = "pagefind.js"
ARCHIVE_SCRIPT = Path(__file__).with_name("pagefind.js")
TWO_SHARDS_FROM = 200  # pages: from here on one Pagefind process per shard pays for the second one


@dataclass(frozen=True)
class Shard:
    """Some of the article pages, indexed together by one Pagefind process."""

    number: int
    count: int
    primary: bool
    pages: tuple[tuple[str, bytes | Path], ...]  # (site path, HTML or the file holding it), in site-path order

    @property
    def folder(self) -> str:
        """Where the bundle is published, under pagefind/."""
        return "" if self.primary else f"shard-{self.number:03d}/"

    @property
    def tag(self) -> str:
        """What the shard's page ids carry so the browser can tell the shards' results apart
        ('' when there is one shard: then the bundle is exactly Pagefind's own)."""
        return "" if self.count == 1 else f"s{self.number}"


def page_bytes(page: bytes | Path) -> bytes:
    """A page's HTML; a large build passes the rendered files rather than holding every page in memory."""
    return page if isinstance(page, bytes) else page.read_bytes()


def shard_count(page_count: int, shard_size: int) -> int:
    """The least power of two that keeps the average shard at most `shard_size` pages, and at
    least two from TWO_SHARDS_FROM pages on. Pagefind builds a shard's index on one core, so an
    archive in one shard leaves the machine's second core idle through most of the search step
    (a cold build of 1,000 benchmark articles: 52 s in one shard, 39 s in two); ranking does
    not depend on the split (see the module's docstring), and a query fetches at most one
    more word-index file. The count depends on the pages alone, never on the machine, so every
    machine builds the same bytes."""
    needed = max(1, math.ceil(page_count / max(1, shard_size)))
    if page_count >= TWO_SHARDS_FROM:
        needed = max(needed, 2)
    return 1 << (needed - 1).bit_length()


def slug_of(site_path: str) -> str:
    """'articles/<slug>/index.html' -> '<slug>'; any other path stands for itself."""
    parts = site_path.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == "articles" and parts[2] == "index.html" else site_path


def shard_of(site_path: str, count: int) -> int:
    """The shard of a page: the low bits of its slug's hash, so doubling `count` splits shards."""
    digest = hashlib.sha256(slug_of(site_path).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def plan_shards(pages: list[tuple[str, bytes | Path]], shard_size: int) -> list[Shard]:
    """The non-empty shards of these pages (one, possibly empty, when there are none)."""
    ordered = sorted(pages, key=lambda page: page[0])
    count = shard_count(len(ordered), shard_size)
    groups: dict[int, list[tuple[str, bytes | Path]]] = {}
    for page in ordered:
        groups.setdefault(shard_of(page[0], count), []).append(page)
    if not groups:
        return [Shard(0, 1, True, ())]
    numbers = sorted(groups)
    return [Shard(n, count, n == numbers[0], tuple(groups[n])) for n in numbers]


def publishable(shard: Shard, files: dict[str, bytes]) -> dict[str, bytes]:
    """The shard's bundle files (paths relative to its folder) that its folder publishes."""
    if shard.primary:
        return {path: data for path, data in files.items() if path != WORDS_FILE}
    return {path: data for path, data in files.items()
            if path.startswith(SHARD_DATA_FOLDERS) or path.endswith(".pf_meta") or path == ENTRY_FILE}


def join_bundles(bundles: list[tuple[Shard, dict[str, bytes]]],
                 order: tuple[str, bytes] | None = None) -> dict[str, bytes]:
    """All shards' files under pagefind/, each with the archive's page statistics; the directory;
    the archive's pagefind.js; and the primary's entry naming the other shards, the directory,
    the archive's page count and the file (`order`: name under pagefind/, bytes) that puts
    sorted results in one global order. An archive without pages gets Pagefind's empty bundle."""
    if not any(shard.pages for shard, _ in bundles):
        return {f"{BUNDLE_DIR}/{path}": data for shard, bundle in bundles for path, data in publishable(shard, bundle).items()}
    totals = [page_statistics(bundle) for _, bundle in bundles]
    pages, words = sum(count for count, _ in totals), sum(total for _, total in totals)
    files: dict[str, bytes] = {}
    for shard, bundle in bundles:
        for path, data in publishable(shard, with_archive_statistics(bundle, pages, words)).items():
            files[f"{BUNDLE_DIR}/{shard.folder}{path}"] = data
    entry_path = f"{BUNDLE_DIR}/{ENTRY_FILE}"
    entry = json.loads(files[entry_path])
    vocabularies = [(shard.number, bundle.get(WORDS_FILE) or vocabulary(bundle)) for shard, bundle in bundles]
    for path, data in directory_bundle(vocabularies, entry).items():
        files[f"{BUNDLE_DIR}/{DIRECTORY_FOLDER}{path}"] = data
    entry[SHARDS_KEY] = {"bundles": [shard.folder for shard, _ in bundles if not shard.primary],
                         "order": order[0] if order else None, "directory": DIRECTORY_FOLDER, "pages": pages}
    files[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if order:
        files[f"{BUNDLE_DIR}/{order[0]}"] = order[1]
    files[f"{BUNDLE_DIR}/{ENGINE_SCRIPT}"] = files.pop(f"{BUNDLE_DIR}/{ENTRY_SCRIPT}")
    files[f"{BUNDLE_DIR}/{ENTRY_SCRIPT}"] = ARCHIVE_SCRIPT.read_bytes()
    return files
