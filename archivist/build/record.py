"""Remember what a build read and wrote, so the next `build` renders only what changed, or nothing.

Editors rebuild many times a day, mostly after small edits. After each build that reached the
output folder, a record is kept in the cache: a fingerprint of everything that reaches every page
(settings, build options, the output folder, Archivist's own files and the versions of what it
calls), a stamp of every input file (its stat data, and its hash where the stat data cannot be
trusted: see `stamps`), the state the rebuild planner compares (`rebuild.SiteState`), the size and
modification time of every file left in the output, and the build's warnings. The next build then:

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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from archivist.citations.errors import CitationEngineError
from archivist.citations.nodeproc import find_citeproc
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.build.changes import SiteState
from archivist.build.stamps import Stamp, stamp_of
from archivist.build.recorddata import diagnostics_from_json, diagnostics_to_json, state_from_json, state_to_json
from archivist.render.theme import theme_folders
from archivist.util.digests import code_fingerprint, package_digest
from archivist.build.recordstream import record_chunks
from archivist.util.cacheentry import SUFFIX, EntryKind, read_decoded, read_json, write_entry_streamed
from archivist.util.files import site_key, walk_files
from archivist.util.jsondata import JsonDataError, from_json

RECORD_KIND = EntryKind("build-record", 5)  # bump the version when BuildRecord changes; older records are then ignored
# The package's files besides its code (code_fingerprint hashes that): templates, scripts, styles, words.
PACKAGE_DATA_SUFFIXES = (".html", ".js", ".css", ".toml", ".json", ".csl", ".xml", ".svg", ".txt")

Stats = dict[str, tuple[int, int]]  # output path -> (size, modification time in ns)
Stamps = dict[str, Stamp]  # input path -> its stamp (see `stamps`)


@dataclass(frozen=True)
class BuildRecord:
    """What one build depended on and left behind."""

    fingerprint: str
    inputs: Stamps
    state: SiteState
    outputs: Stats
    article_count: int
    diagnostics: tuple[Diagnostic, ...]


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """Archivist's own files (code, templates, scripts, styles) and the versions of the libraries it
    calls: an upgrade of either may change any page."""
    parts = (code_fingerprint(), package_digest(PACKAGE_DATA_SUFFIXES))
    return hashlib.sha256("\n".join(parts).encode() + _citeproc_version()).hexdigest()


def _citeproc_version() -> bytes:
    try:
        return (find_citeproc() / "package.json").read_bytes()
    except (CitationEngineError, OSError):
        return b"no citeproc"


def build_fingerprint(settings: str, output: Path) -> str:
    """The rebuild planner's settings digest, the output folder and the package: any change means all."""
    return hashlib.sha256(f"{settings}\n{output.resolve()}\n{package_fingerprint()}".encode()).hexdigest()


def input_stamps(config: SiteConfig, started_ns: int, earlier: Stamps | None = None) -> Stamps:
    """The stamp of every file a build reads from the site folder (see `stamps`): stat data where it
    can be trusted, the content's hash where it cannot or where the `earlier` record compares by hash."""
    earlier = earlier or {}
    stamps: Stamps = {}
    paths = [entry.path for folder in (config.content_dir, *theme_folders(config.root, config.csl_dirs))
             for entry in walk_files(folder)]
    paths.append(str(config.root / "pyproject.toml"))
    for path in paths:
        try:
            found = os.stat(path)
        except OSError:
            continue
        key = site_key(path, config.root)
        stamps[key] = stamp_of(path, found, started_ns, earlier.get(key))
    return stamps


def file_stats(folders: Iterable[Path], relative_to: Path) -> Stats:
    """Every file under the folders (hidden ones too: a stat costs little) -> (size, mtime_ns)."""
    stats: Stats = {}
    for folder in folders:
        for entry in walk_files(folder):
            try:
                found = entry.stat(follow_symlinks=True)
            except OSError:
                continue
            stats[site_key(entry.path, relative_to)] = (found.st_size, found.st_mtime_ns)
    return stats


def output_stats(output: Path) -> Stats:
    """The files of an output folder as they are now."""
    return file_stats([output], output) if output.is_dir() else {}


def record_path(config: SiteConfig, output: Path) -> Path:
    """One record per output folder: building into two folders keeps two."""
    name = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    return config.cache_dir / "builds" / f"{name}{SUFFIX}"


def read_record(path: Path, fingerprint: str, problems: list[Diagnostic] | None = None) -> BuildRecord | None:
    """The record of the last build into this output with these settings, or None; a damaged record
    adds one warning to `problems`."""
    return read_decoded(path, RECORD_KIND, path.stem, fingerprint, lambda content: record_from_json(read_json(content)),
                        "a build record", problems)


def write_record(path: Path, record: BuildRecord) -> None:
    """Store the record atomically; a record that cannot be written costs the next build time only."""
    write_entry_streamed(path, RECORD_KIND, path.stem, record_chunks(record), record.fingerprint)


def record_to_json(record: BuildRecord) -> dict:
    """The record as JSON values (`record_chunks` writes the same, piece by piece)."""
    return {"fingerprint": record.fingerprint, "inputs": record.inputs, "state": state_to_json(record.state),
            "outputs": record.outputs, "article_count": record.article_count,
            "diagnostics": diagnostics_to_json(record.diagnostics)}


def record_from_json(data: object) -> BuildRecord:
    """The record `record_to_json` wrote; JsonDataError for anything of another shape."""
    fields = ("fingerprint", "inputs", "state", "outputs", "article_count", "diagnostics")
    if not isinstance(data, dict) or set(data) != set(fields):
        raise JsonDataError(f"a build record has the fields {list(fields)}")
    return BuildRecord(fingerprint=from_json(str, data["fingerprint"]), inputs=from_json(Stamps, data["inputs"]),
                       state=state_from_json(data["state"]), outputs=from_json(Stats, data["outputs"]),
                       article_count=from_json(int, data["article_count"]),
                       diagnostics=diagnostics_from_json(data["diagnostics"]))


def forget_record(path: Path) -> None:
    """Drop a record that no longer describes the output (a build that wrote and then failed), and
    the pickled record an older Archivist kept beside it, which nothing reads any more."""
    for stale in (path, path.with_suffix(".pickle")):
        try:
            stale.unlink()
        except OSError:
            pass
