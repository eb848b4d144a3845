"""A disk cache of formatted citations: one file per item, its entries keyed on everything that decides their text."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from archivist.diagnostics import Diagnostic
from archivist.util.cacheentry import (SUFFIX, DamagedEntry, EntryKind, read_entry, read_json, report_damage, to_bytes,
                                       write_entry)
from archivist.util.digests import parts_digest as digest

DEFAULT_CACHE_DIR = Path(".cache/archivist/citations")
# Bump a version when its entries' layout changes; older entries are then ignored.
ITEM_KIND = EntryKind("citations", 3)
REPLY_KIND = EntryKind("citation-reply", 3)


def canonical_json(value: Any) -> bytes:
    """One byte string per JSON value, whatever the key order it was built in."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def setup_digest(style_bytes: bytes, locale_bytes: bytes, engine_version: str) -> str:
    """What a style in one locale contributes to every key: hashed once, not once per item."""
    return digest(style_bytes, locale_bytes, engine_version.encode("utf-8"))


def cache_key(item_json: bytes, setup: str, request: dict[str, Any]) -> str:
    """The key of one result: the item (canonical JSON), the style setup and what was asked
    (a flat mapping of strings, such as {"op": "citation", "locator": "7", ...})."""
    return digest(item_json, setup.encode("ascii"), _request_json(tuple(sorted(request.items()))))


@lru_cache(maxsize=256)
def _request_json(request: tuple[tuple[str, Any], ...]) -> bytes:
    """Requests come in a few kinds shared by every item: encode each kind once."""
    return canonical_json(dict(request))


def item_file_name(item: dict[str, Any]) -> str:
    """The file an item's results live in: named after its id, so an edited article replaces
    its old results instead of leaving them behind, and its address (URL), so that `serve`, which
    previews at its own address, and `build` do not each throw away what the other stored."""
    name = f"{item.get('id', '')}\n{item.get('URL', '')}" if item.get("URL") else str(item.get("id", ""))
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:40]


Entries = dict[str, dict[str, str]]


class CitationCache:
    """Entries under one folder, two hex digits deep, one per item (and one per article's formatted
    citations), each JSON in the common envelope (util.cacheentry) and written atomically.

    An item's entry maps result keys to {"html", "text"}; since every key hashes all its inputs, an
    entry that holds other keys (an older version of the article, another style) is harmless.
    `problems` collects one warning for each damaged entry read; `take_problems` hands them over.
    """

    def __init__(self, directory: Path = DEFAULT_CACHE_DIR):
        self.directory = Path(directory)
        self.problems: list[Diagnostic] = []

    def path_for(self, name: str) -> Path:
        return self.directory / name[:2] / f"{name}{SUFFIX}"

    def take_problems(self) -> list[Diagnostic]:
        """The warnings collected since last asked, each reported once."""
        found, self.problems = self.problems, []
        return found

    def read(self, name: str) -> Entries:
        """The item's entries, or {} when absent, out of date or damaged."""
        value = self._load(ITEM_KIND, name, None)
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and _is_result(v) for k, v in value.items()):
            report_damage(self.path_for(name), "its content is not an item's formatted citations", self.problems)
            return {}
        return value

    def write(self, name: str, entries: Entries) -> None:
        """Write via a temporary file and os.replace, so readers never see half a file."""
        write_entry(self.path_for(name), ITEM_KIND, name, to_bytes(entries))

    def read_reply(self, key: str) -> dict[str, Any] | None:
        """An article's formatted citations (engine.format_articles), or None when absent or damaged."""
        value = self._load(REPLY_KIND, "article-" + key, key)
        if value is None:
            return None
        if not isinstance(value, dict):
            report_damage(self.path_for("article-" + key), "its content is not an article's citations", self.problems)
            return None
        return value

    def write_reply(self, key: str, reply: dict[str, Any]) -> None:
        name = "article-" + key
        write_entry(self.path_for(name), REPLY_KIND, name, to_bytes(reply), key)

    def _load(self, kind: EntryKind, name: str, key: str | None) -> Any:
        path = self.path_for(name)
        content = read_entry(path, kind, name, key, self.problems)
        if content is None:
            return None
        try:
            return read_json(content)
        except DamagedEntry as exc:
            report_damage(path, str(exc), self.problems)
            return None


def _is_result(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("html"), str) and isinstance(value.get("text"), str)
