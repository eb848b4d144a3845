"""Interface words per language: built-in tables, overridden or extended by the site's own."""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..theme import THEME_DIR
from .site_tables import usable_words

BUILTIN_DIR = THEME_DIR / "i18n"
# Chinese from Taiwan, Hong Kong and Macao is written in Traditional characters unless its tag
# says otherwise; `zh` alone and every other region read the Simplified table.
IMPLIED_SCRIPTS = {("zh", "TW"): "Hant", ("zh", "HK"): "Hant", ("zh", "MO"): "Hant"}


def _read_table(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return {k: str(v) for k, v in tomllib.load(handle).items()}


def _tables(language: str, site_dir: Path | None) -> list[Path]:
    """Candidate files, most general first, so later ones override earlier ones."""
    folders = [BUILTIN_DIR] + ([site_dir] if site_dir else [])
    return [folder / f"{name}.toml" for name in table_names(language) for folder in folders]


def table_names(language: str) -> list[str]:
    """The tables a tag reads, most general first: English, the language, the language in its
    script (`zh-Hant` for `zh-TW`), then the whole tag."""
    subtags = language.split("-")
    primary = subtags[0].lower()
    script = _script(primary, subtags[1:])
    names = ["en", primary] + ([f"{primary}-{script}"] if script else []) + [language]
    return list(dict.fromkeys(names))


def _script(primary: str, subtags: list[str]) -> str:
    """The script a tag names (`Hant` in `zh-Hant-TW`), or the one its region implies."""
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            return subtag.title()
    regions = (subtag.upper() for subtag in subtags if len(subtag) == 2 and subtag.isalpha())
    return next((IMPLIED_SCRIPTS[primary, r] for r in regions if (primary, r) in IMPLIED_SCRIPTS), "")


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
            # a site's word that templates cannot use is reported (check_site_tables) and left out
            merged.update(_read_table(path) if path.parent == BUILTIN_DIR else usable_words(path))
    return MappingProxyType(merged)
