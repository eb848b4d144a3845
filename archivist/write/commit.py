"""Commit a built site to disk atomically: the output folder is swapped whole, or not touched at all."""

from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping

from archivist.util.diskfaults import writing
from archivist.util.progress import SILENT, Progress, Stage
from archivist.write.spool import SpooledFile

MARKER = ".archivist-output"
MARKER_TEXT = b"This folder is built by Archivist and replaced whole by each build.\n"
RENAME_EXCHANGE = 2
AT_FDCWD = -100


class OutputRefused(Exception):
    """The output folder exists and is not one Archivist made; it is never deleted."""


@dataclass(frozen=True)
class WriteReport:
    """What a commit changed: files written anew, files kept as they were, files removed."""

    written: int
    unchanged: int
    removed: int
    changed_paths: tuple[str, ...] = ()  # written or removed, sorted: what `build -v` lists

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


class CommitMemory:
    """The data of the last commit into a folder that only its owner writes (serve's preview).

    A page whose data is the very object committed last time is known to be on disk already, so
    a rebuild that changed one page does not read thousands of files to find that out.
    """

    def __init__(self) -> None:
        self._last: dict[str, bytes | Path] = {}

    @property
    def last(self) -> Mapping[str, bytes | Path]:
        """What the last complete commit wrote (empty when that is not known)."""
        return self._last

    def same(self, path: str, data: bytes | Path) -> bool:
        return self._last.get(path) is data

    def remember(self, files: Mapping[str, bytes | Path]) -> None:
        self._last = dict(files)

    def forget(self) -> None:
        self._last = {}


def commit(output: Path, files: Mapping[str, bytes | Path], memory: CommitMemory | None = None,
           progress: Progress = SILENT) -> WriteReport:
    """Make `output` hold exactly `files` (site path -> bytes, or a source file to copy).

    Nothing is written when every byte is already in place. Otherwise a complete new tree is
    made beside the old one (unchanged files hard-linked, so they are not rewritten) and swapped
    in with one atomic rename: a build killed at any moment leaves the old site or the new one.
    `progress` counts each file once: when it is found unchanged, or else when it is written.
    """
    files = {MARKER: MARKER_TEXT, **files}
    check_paths(files)
    output = output.absolute()
    _refuse_foreign(output)
    _remove_leftovers(output)
    with progress.stage("writing", "file", len(files)) as stage:
        return _commit(output, files, memory, stage)


def _commit(output: Path, files: Mapping[str, bytes | Path], memory: CommitMemory | None, stage: Stage) -> WriteReport:
    old = _existing_files(output)
    known = memory.same if memory is not None else (lambda _path, _data: False)
    unchanged = set()
    for path, data in files.items():
        if path in old and (known(path, data) or _same(old[path], data)):
            unchanged.add(path)
            stage.advance()
    removed = set(old) - set(files)
    if memory is not None:
        memory.forget()  # until this commit is complete, nothing on disk is known
    if len(unchanged) == len(files) and not removed:
        if memory is not None:
            memory.remember(files)
        return WriteReport(written=0, unchanged=len(unchanged), removed=0)
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    try:
        with writing(f"the new {output.name}/", output.parent):  # a full disk: one line naming the folder
            _fill(staging, files, output, unchanged, stage)
            _swap_in(staging, output)
    except BaseException:  # a half-made tree is never left beside the site (a kill is swept by the next build)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if memory is not None:
        memory.remember(files)
    changed = tuple(sorted((set(files) - unchanged) | removed))
    return WriteReport(written=len(files) - len(unchanged), unchanged=len(unchanged), removed=len(removed),
                       changed_paths=changed)


def check_paths(files: Iterable[str]) -> None:
    """Every site path (of a mapping's keys, or a list of paths) stays inside the output folder."""
    for path in files:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise ValueError(f"refusing to write outside the output folder: {path!r}")


def _refuse_foreign(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"{output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputRefused(f"{output} holds files that Archivist did not write; "
                            "choose another --output folder or empty this one yourself")


def _remove_leftovers(output: Path) -> None:
    """Trees left by a build that was killed before it could clean up after itself."""
    for pattern in (f".{output.name}.staging-*", f".{output.name}.old-*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _existing_files(output: Path) -> dict[str, str]:
    """Every file under `output`, by site path. Walked with plain strings: a site of tens of
    thousands of files spent most of this in building path objects."""
    if not output.is_dir():
        return {}
    found: dict[str, str] = {}
    root = os.fspath(output)
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((name + "/", entry.path))
                else:
                    found[name] = entry.path
    return found


def _same(existing: str, data: bytes | Path) -> bool:
    try:
        if isinstance(data, Path):
            before, source = os.stat(existing), data.stat()
            if os.path.samestat(before, source):
                return True  # a page kept from the previous build: the very same file
            return before.st_size == source.st_size and _read(existing) == data.read_bytes()
        return os.stat(existing).st_size == len(data) and _read(existing) == data
    except OSError:
        return False


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _fill(staging: Path, files: Mapping[str, bytes | Path], output: Path, unchanged: set[str], stage: Stage) -> None:
    """The new tree, in site-path order; folders are made once each and paths kept as strings
    (an edit of one article links tens of thousands of unchanged files here)."""
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    new_root, old_root = os.fspath(staging) + "/", os.fspath(output) + "/"
    made = {""}
    for path, data in sorted(files.items()):
        folder = path.rpartition("/")[0]
        if folder not in made:
            os.makedirs(new_root + folder, exist_ok=True)
            made.add(folder)
        target = new_root + path
        if path in unchanged:
            _link_or_copy(old_root + path, target)
            continue  # counted when it was found unchanged
        if isinstance(data, SpooledFile):
            _link_or_copy(data, target)  # the build's own file: nothing else will ever write to it
        elif isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            with open(target, "wb") as handle:
                handle.write(data)
        stage.advance()


def _link_or_copy(source: str | Path, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap_in(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    if not _exchange(staging, output):
        retired = output.parent / f".{output.name}.old-{os.getpid()}"
        os.rename(output, retired)
        try:
            os.rename(staging, output)
        except OSError:
            os.rename(retired, output)  # the previous site goes back where it was
            raise
        staging = retired
    shutil.rmtree(staging, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0
