"""A disk cache of formatted citations: one file per item, its entries keyed on everything that decides their text."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from archivist.util.files import write_atomically
from archivist.util.digests import parts_digest as digest

DEFAULT_CACHE_DIR = Path(".cache/archivist/citations")
CACHE_FORMAT = 2  # bump when the file layout changes; older files are then ignored


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
    """JSON files under one folder, two hex digits deep, one per item, written atomically.

    A file maps result keys to {"html", "text"}; since every key hashes all its inputs, a
    file that holds other keys (an older version of the article, another style) is harmless.
    """

    def __init__(self, directory: Path = DEFAULT_CACHE_DIR):
        self.directory = Path(directory)

    def path_for(self, name: str) -> Path:
        return self.directory / name[:2] / f"{name}.json"

    def read(self, name: str) -> Entries:
        """The file's entries, or {} when absent, unreadable or of another format."""
        try:
            value = json.loads(self.path_for(name).read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(value, dict) or value.get("format") != CACHE_FORMAT:
            return {}
        entries = value.get("entries")
        return {k: v for k, v in entries.items() if _is_result(v)} if isinstance(entries, dict) else {}

    def write(self, name: str, entries: Entries) -> None:
        """Write via a temporary file and os.replace, so readers never see half a file."""
        path = self.path_for(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"format": CACHE_FORMAT, "entries": entries}, ensure_ascii=False, sort_keys=True)
        write_atomically(path, data.encode("utf-8"), suffix=".tmp")

    def read_reply(self, key: str) -> dict[str, Any] | None:
        """An article's formatted citations (engine.format_articles), or None when absent or damaged."""
        try:
            value = json.loads(self.path_for("article-" + key).read_bytes())
        except (OSError, ValueError):
            return None
        ok = isinstance(value, dict) and value.get("format") == CACHE_FORMAT and value.get("key") == key
        return value["reply"] if ok and isinstance(value.get("reply"), dict) else None

    def write_reply(self, key: str, reply: dict[str, Any]) -> None:
        data = json.dumps({"format": CACHE_FORMAT, "key": key, "reply": reply}, ensure_ascii=False, sort_keys=True)
        path = self.path_for("article-" + key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data.encode("utf-8"), suffix=".tmp")


def _is_result(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("html"), str) and isinstance(value.get("text"), str)
