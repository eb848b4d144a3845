"""Split the article pages into stable shards, each one Pagefind bundle, and join the bundles for publishing.

A page's shard follows from a hash of its slug and the number of shards alone, so adding or
editing one article changes one shard and leaves the others' bytes (and their cache entries)
as they were. The number of shards is a power of two: when the archive outgrows it, it
doubles and every shard splits in two (a page in shard i goes to i or i + count), instead of
every page moving as it would with `hash % n` for any n.

The first shard that has pages is the primary: it sits at pagefind/ exactly as a single
index would, with Pagefind's script and wasm, and its entry file lists the other shards
(pagefind/shard-NNN/, holding index data only) for the browser to merge.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
SHARDS_KEY = "archivist_shards"  # in the primary's entry file; Pagefind ignores keys it does not know
# What a merged shard needs: Pagefind loads its script and wasm once, from the primary.
SHARD_DATA_FOLDERS = ("fragment/", "index/", "filter/")


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
    """The least power of two that keeps the average shard at most `shard_size` pages."""
    needed = max(1, math.ceil(page_count / max(1, shard_size)))
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
        return dict(files)
    return {path: data for path, data in files.items()
            if path.startswith(SHARD_DATA_FOLDERS) or path.endswith(".pf_meta") or path == ENTRY_FILE}


def join_bundles(bundles: list[tuple[Shard, dict[str, bytes]]],
                 order: tuple[str, bytes] | None = None) -> dict[str, bytes]:
    """All shards' files under pagefind/, the primary's entry naming the other shards and the
    file (`order`: name under pagefind/, bytes) that puts sorted results in one global order."""
    files: dict[str, bytes] = {}
    for shard, bundle in bundles:
        for path, data in publishable(shard, bundle).items():
            files[f"{BUNDLE_DIR}/{shard.folder}{path}"] = data
    others = [shard.folder for shard, _ in bundles if not shard.primary]
    if others:
        entry_path = f"{BUNDLE_DIR}/{ENTRY_FILE}"
        files[entry_path] = with_shard_table(files[entry_path], others, order[0] if order else None)
        if order:
            files[f"{BUNDLE_DIR}/{order[0]}"] = order[1]
    return files


def with_shard_table(entry: bytes, others: list[str], order_name: str | None) -> bytes:
    """The primary's entry file naming the other shards' folders and the file of the global order,
    which the browser reads to search every shard as one index."""
    data = json.loads(entry)
    data[SHARDS_KEY] = {"bundles": others, "order": order_name}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
