"""Keep each search shard's finished bundle on disk, so an unchanged shard is never indexed again.

An entry is named by a hash of everything its bytes follow from (the shard's pages' URLs and
HTML, the index options, Pagefind's version, the shard's place, this code's format), never by
dates. Entries are written whole or not at all (temporary file, then rename) in the common
envelope (util.cacheentry); one that cannot be read, written or pruned costs only the time to
index its shard again, and one that is damaged a warning besides.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Iterator

from archivist.diagnostics import Diagnostic
from archivist.util.cacheentry import SUFFIX, EntryKind, read_entry, report_damage, write_entry_streamed
from archivist.search.shards import page_bytes

FORMAT = b"archivist-search-shard 4\n"  # change when what a cached bundle holds changes
ENTRY_KIND = EntryKind("search-shard", 4)
STALE_SUFFIXES = (SUFFIX, ".shard")  # the files prune may remove: entries, and those of the older layout
# The preview re-indexes the shard of each article saved; small shards keep that to a few seconds,
# and locally it does not matter that a query downloads one small index file per shard.
PREVIEW_SHARD_SIZE = 100
SIZE_FOLDER = "size-{}"  # one folder of entries per shard size: build and preview keep their own


def size_folder(root: Path, shard_size: int) -> Path:
    """The folder of one shard size's entries under the search cache's `root`."""
    return root / SIZE_FOLDER.format(shard_size)


def remove_other_sizes(root: Path, keep: Iterable[int]) -> None:
    """Remove the folders of shard sizes neither the build nor the preview uses now: left by a site
    whose `search_shard_size` changed, or whose default did. Each holds a whole archive's bundles
    (about 35 KB an article), which a cache kept between CI runs would otherwise carry for ever."""
    kept = {SIZE_FOLDER.format(size) for size in keep}
    try:
        folders = [path for path in root.glob(SIZE_FOLDER.format("*")) if path.name not in kept and path.is_dir()]
    except OSError:
        return
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)  # one that cannot be removed costs only disk space


def pagefind_version() -> str:
    try:
        return f"{metadata.version('pagefind')}/{metadata.version('pagefind_bin')}"
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_key(pages: Iterable[tuple[str, bytes | Path]], options: dict[str, Any], place: str) -> str:
    """The name of a shard's entry. `pages` are (URL, HTML) pairs; `place` says where the shard
    sits (its number, the number of shards, whether it is the primary)."""
    digest = hashlib.sha256(FORMAT)
    digest.update(pagefind_version().encode() + b"\0")
    digest.update(json.dumps(options, sort_keys=True).encode() + b"\0" + place.encode() + b"\0")
    for url, html in pages:
        digest.update(url.encode("utf-8") + b"\0" + hashlib.sha256(page_bytes(html)).digest())
    return digest.hexdigest()[:40]


def encode(files: dict[str, bytes]) -> bytes:
    """A bundle as one blob: the format line, a JSON list of [path, size], a newline, the bytes."""
    return b"".join(encoded(files))


def encoded(files: dict[str, bytes]) -> Iterator[bytes]:
    """The blob of `encode` in pieces: its head, then each file's bytes as they are."""
    ordered = sorted(files.items())
    header = json.dumps([[path, len(data)] for path, data in ordered], separators=(",", ":"))
    yield FORMAT + header.encode("utf-8") + b"\n"
    for _, data in ordered:
        yield data


def decode(blob: bytes) -> dict[str, bytes] | None:
    """The bundle in a blob, or None when the blob is not one this code wrote whole."""
    if not blob.startswith(FORMAT):
        return None
    header_end = blob.find(b"\n", len(FORMAT))
    files: dict[str, bytes] = {}
    at = header_end + 1
    try:
        for path, size in json.loads(blob[len(FORMAT):header_end]):
            files[str(path)] = blob[at:at + size]
            at += size
    except (ValueError, TypeError):
        return None
    return files if header_end > 0 and at == len(blob) else None


class ShardCache:
    """Finished shard bundles under one folder, one entry per shard, named by its key."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def load(self, key: str, problems: list[Diagnostic] | None = None) -> dict[str, bytes] | None:
        """The bundle stored for `key`, or None; a damaged entry adds one warning to `problems`."""
        path = self._path(key)
        content = read_entry(path, ENTRY_KIND, key, key, problems)
        if content is None:
            return None
        files = decode(content)
        if files is None:
            report_damage(path, "its content is not a search shard's bundle", problems)
        return files

    def store(self, key: str, files: dict[str, bytes]) -> None:
        """Keep a shard's bundle, written file by file: joined first, and sealed, it was in memory
        twice more beside the bundle. Unwritable, it is only indexed again next time."""
        write_entry_streamed(self._path(key), ENTRY_KIND, key, encoded(files), key)

    def prune(self, keep: set[str]) -> None:
        """Remove the entries of shards that no longer exist (and stray temporary files)."""
        try:
            stale = [p for p in self.folder.iterdir() if p.name.endswith(STALE_SUFFIXES) and p.stem not in keep]
        except OSError:
            return
        for path in stale:
            try:
                path.unlink()
            except OSError:
                pass
