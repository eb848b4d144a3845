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

The record is kept as two files. Its head (fingerprint, stamps, output files, warnings) is all a
build with nothing to do reads, and all it writes again when a file's stamp is refreshed (see
`stamps.to_keep`). The planner's state, most of the record (every page's reads), sits in a file
of its own, read only when there is work to do; the head holds its digest, so a state left by
another build is never taken for this one's.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from archivist.citations.errors import CitationEngineError
from archivist.citations.nodeproc import find_citeproc
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.build.changes import SiteState
from archivist.build.stamps import Stamp, stamp_of
from archivist.build.recorddata import diagnostics_from_json, diagnostics_to_json, state_from_json
from archivist.render.theme import theme_folders
from archivist.util.digests import code_fingerprint, package_digest
from archivist.build.recordstream import head_chunks, state_chunks
from archivist.util.cacheentry import (DECODE_ERRORS, SUFFIX, EntryKind, read_decoded, read_entry, read_json, report_damage,
                                       write_entry_streamed)
from archivist.util.files import site_key, walk_files
from archivist.util.jsondata import JsonDataError, from_json

RECORD_KIND = EntryKind("build-record", 6)  # bump the version when RecordHead changes; older records are then ignored
STATE_KIND = EntryKind("build-state", 1)  # bump the version when the state's JSON form changes
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


@dataclass(frozen=True)
class RecordHead:
    """A record without its state: what tells a build whether it has anything to do."""

    fingerprint: str
    inputs: Stamps
    outputs: Stats
    article_count: int
    diagnostics: tuple[Diagnostic, ...]
    state_digest: str  # sha256 of the state file's content


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
    """One record per output folder: building into two folders keeps two. This is its head; the
    state is kept beside it (`state_path`)."""
    name = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
    return config.cache_dir / "builds" / f"{name}{SUFFIX}"


def state_path(head_path: Path) -> Path:
    return head_path.with_name(f"{head_path.stem}.state{SUFFIX}")


def read_head(path: Path, fingerprint: str, problems: list[Diagnostic] | None = None) -> RecordHead | None:
    """The head of the record of the last build into this output with these settings, or None; a
    damaged head adds one warning to `problems`."""
    return read_decoded(path, RECORD_KIND, path.stem, fingerprint, lambda content: head_from_json(read_json(content)),
                        "a build record", problems)


def read_state(path: Path, head: RecordHead, problems: list[Diagnostic] | None = None) -> SiteState | None:
    """The state the head at `path` was written with, or None (one warning when the file is damaged
    or belongs to another head)."""
    where = state_path(path)
    content = read_entry(where, STATE_KIND, where.stem, head.fingerprint, problems)
    if content is None:
        return None
    if hashlib.sha256(content).hexdigest() != head.state_digest:
        report_damage(where, "it is not the state its build record was written with", problems)
        return None
    try:
        return state_from_json(read_json(content))
    except DECODE_ERRORS as exc:
        report_damage(where, f"its content is not a build state ({exc})", problems)
        return None


def read_record(path: Path, fingerprint: str, problems: list[Diagnostic] | None = None) -> BuildRecord | None:
    """The whole record (head and state), or None when either is missing or damaged."""
    head = read_head(path, fingerprint, problems)
    state = read_state(path, head, problems) if head is not None else None
    if head is None or state is None:
        return None
    return BuildRecord(head.fingerprint, head.inputs, state, head.outputs, head.article_count, head.diagnostics)


def write_record(path: Path, record: BuildRecord) -> None:
    """Store the record, its state first and then the head that names it, each atomically; a record
    that cannot be written costs the next build time only."""
    where = state_path(path)
    digest = write_state(where, where.stem, state_chunks(record.state), record.fingerprint)
    write_head(path, RecordHead(record.fingerprint, record.inputs, record.outputs, record.article_count,
                                record.diagnostics, digest))


def write_state(target: Path, name: str, chunks: Iterable[bytes], fingerprint: str) -> str:
    """Write a state's `chunks` as the entry `name` (the state file's stem, wherever `target` is: a
    draft is renamed to it later), streamed; the SHA-256 of the content, which the head names."""
    digest = hashlib.sha256()

    def hashed(pieces: Iterable[bytes]) -> Iterable[bytes]:
        for piece in pieces:
            digest.update(piece)
            yield piece

    write_entry_streamed(target, STATE_KIND, name, hashed(chunks), fingerprint)
    return digest.hexdigest()


def write_head(path: Path, head: RecordHead) -> None:
    """Store the head alone: the state it names is already written."""
    write_entry_streamed(path, RECORD_KIND, path.stem, head_chunks(head), head.fingerprint)


HEAD_FIELDS = tuple(field.name for field in fields(RecordHead))


def head_to_json(head: RecordHead) -> dict:
    """The head as JSON values (`head_chunks` writes the same, piece by piece)."""
    return {"fingerprint": head.fingerprint, "inputs": head.inputs, "outputs": head.outputs,
            "article_count": head.article_count, "diagnostics": diagnostics_to_json(head.diagnostics),
            "state_digest": head.state_digest}


def head_from_json(data: object) -> RecordHead:
    """The head `head_to_json` wrote; JsonDataError for anything of another shape."""
    if not isinstance(data, dict) or set(data) != set(HEAD_FIELDS):
        raise JsonDataError(f"a build record has the fields {list(HEAD_FIELDS)}")
    return RecordHead(fingerprint=from_json(str, data["fingerprint"]), inputs=from_json(Stamps, data["inputs"]),
                      outputs=from_json(Stats, data["outputs"]), article_count=from_json(int, data["article_count"]),
                      diagnostics=diagnostics_from_json(data["diagnostics"]),
                      state_digest=from_json(str, data["state_digest"]))


def forget_record(path: Path) -> None:
    """Drop a record (head and state) that no longer describes the output (a build that wrote and
    then failed), and the pickled record an older Archivist kept beside it, which nothing reads any more."""
    for stale in (path, state_path(path), path.with_suffix(".pickle")):
        try:
            stale.unlink()
        except OSError:
            pass
