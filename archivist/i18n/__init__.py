"""Interface words per language: built-in tables, overridden or extended by the site's own."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

BUILTIN_DIR = Path(__file__).parent


def _read_table(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {k: str(v) for k, v in tomllib.load(handle).items()}


def _tables(language: str, site_dir: Path | None) -> list[Path]:
    """Candidate files, most general first, so later ones override earlier ones."""
    primary = language.split("-")[0].lower()
    names = ["en", primary, language] if language != primary else ["en", primary]
    folders = [BUILTIN_DIR] + ([site_dir] if site_dir else [])
    return [folder / f"{name}.toml" for name in dict.fromkeys(names) for folder in folders]


def labels_for(language: str, site_dir: Path | None = None) -> Mapping[str, str]:
    """The words for a language: English, overridden by the language, then by its region.

    Listings ask for them thousands of times in a build; the answer is kept for as long as the
    site's word files keep their sizes and times (one folder listing per call), so an edit to
    them in `serve` is seen at once.
    """
    return _merged(language, str(site_dir) if site_dir else "", _signature(site_dir))


def _signature(site_dir: Path | None) -> tuple[tuple[str, int, int], ...]:
    if site_dir is None:
        return ()
    try:
        with os.scandir(site_dir) as entries:
            return tuple(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in entries
                                if e.name.endswith(".toml")))
    except OSError:
        return ()


@lru_cache(maxsize=64)
def _merged(language: str, site_dir: str, _signature: tuple) -> Mapping[str, str]:
    merged: dict[str, str] = {}
    for path in _tables(language, Path(site_dir) if site_dir else None):
        if path.is_file():
            merged.update(_read_table(path))
    return MappingProxyType(merged)
