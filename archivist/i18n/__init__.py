"""Interface words per language: built-in tables, overridden or extended by the site's own."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Mapping

BUILTIN_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
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
    """The words for a language: English, overridden by the language, then by its region."""
    merged: dict[str, str] = {}
    for path in _tables(language, site_dir):
        if path.is_file():
            merged.update(_read_table(path))
    return merged
