"""Hashes that say whether settings or theme files changed, cheap to import: `build` checks them
before it loads anything else, so a build with nothing to do ends in a fraction of a second."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from archivist import __version__

PACKAGE_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = PACKAGE_DIR / "static"
BUILTIN_TEMPLATES = PACKAGE_DIR / "templates"
PACKAGE_LOCALES = PACKAGE_DIR / "i18n"


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
    """Folders whose files reach every page: templates, static files, locales and citation styles."""
    return [root / "templates", *(root / d for d in csl_dirs), BUILTIN_TEMPLATES, STATIC_DIR, PACKAGE_LOCALES]
