"""A disk cache of formatted citations, keyed on everything that decides their text."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_CACHE_DIR = Path(".cache/archivist/citations")


def canonical_json(value: Any) -> bytes:
    """One byte string per JSON value, whatever the key order it was built in."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def cache_key(
    item: dict[str, Any],
    style_bytes: bytes,
    locale_bytes: bytes,
    engine_version: str,
    request: dict[str, Any],
) -> str:
    """sha256 of the item, the style and locale files, the engine and what was asked.

    Each part is length-prefixed so no two different inputs can hash the same bytes.
    """
    digest = hashlib.sha256()
    for part in (canonical_json(item), style_bytes, locale_bytes,
                 engine_version.encode("utf-8"), canonical_json(request)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class CitationCache:
    """JSON files under one folder, two hex digits deep, written atomically."""

    def __init__(self, directory: Path = DEFAULT_CACHE_DIR):
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value, or None when absent or unreadable (then it is recomputed)."""
        try:
            value = json.loads(self.path_for(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Write via a temporary file and os.replace, so readers never see half a file."""
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(value, stream, ensure_ascii=False, sort_keys=True)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
