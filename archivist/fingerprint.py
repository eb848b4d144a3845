"""Hashes that say whether settings or theme files changed, cheap to import: `build` checks them
before it loads anything else, so a build with nothing to do ends in a fraction of a second."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Iterable

from . import __version__
from .theme import THEME_DIR

STATIC_DIR = THEME_DIR / "static"
BUILTIN_TEMPLATES = THEME_DIR
PACKAGE_LOCALES = THEME_DIR / "i18n"


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def parts_digest(*parts: bytes) -> str:
    """sha256 of the parts, each length-prefixed so that no two different inputs collide: the key
    of the render and citation caches."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def settings_digest(config: object, options: object, base_url: str) -> str:
    """The validated settings, build options, the preview's base URL and the package version: any
    change means all. The settings are hashed as validated, not as written, so a change elsewhere in
    pyproject.toml (its [project] table, a comment, the order of keys) redoes nothing."""
    settings = json.dumps(dataclasses.asdict(config), sort_keys=True, default=str)  # type: ignore[call-overload]
    return digest(settings.encode() + repr((options, base_url, __version__)).encode())


def theme_folders(root: Path, csl_dirs: Iterable[str]) -> list[Path]:
    """Folders whose files reach every page: templates, static files, locales and citation styles.
    The default theme holds its static files and locales; it is left out when it is the site's own
    templates/ (the repository's sample site), so no file is read twice."""
    site = root / "templates"
    builtin = [] if _same_folder(site, THEME_DIR) else [THEME_DIR]
    return [site, *(root / d for d in csl_dirs), *builtin]


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False
