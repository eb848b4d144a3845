"""Hashes that say whether settings or theme files changed, cheap to import: `build` checks them
before it loads anything else, so a build with nothing to do ends in a fraction of a second."""

from __future__ import annotations

import hashlib
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


def settings_digest(root: Path, options: object, base_url: str) -> str:
    """Settings, build options, the preview's base URL and the package version: any change means all."""
    try:
        settings = (root / "pyproject.toml").read_bytes()
    except OSError:
        settings = b""
    return digest(settings + repr((options, base_url, __version__)).encode())


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
