"""Bring the preview's folder up to date file by file, instead of building and swapping a whole tree.

`serve` owns its output folder and remembers what its last commit wrote, so after an edit it
knows which few files changed without looking at the others. Each changed file is written
beside its old self and renamed over it, so the preview's web server always reads a complete
file; on an archive of thousands of articles this replaces seconds of linking and deleting with
a few writes. The first commit, and any after a failure, is a whole-tree `commit`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from archivist.util.diskfaults import writing
from archivist.util.files import write_atomically
from archivist.write.commit import MARKER, MARKER_TEXT, CommitMemory, WriteReport, check_paths, commit


def update_in_place(output: Path, files: Mapping[str, bytes | Path], memory: CommitMemory) -> WriteReport:
    """Make `output` hold exactly `files`, writing only what differs from the last commit."""
    last = memory.last
    if not last or not output.is_dir():
        return commit(output, files, memory)
    files = {MARKER: MARKER_TEXT, **files}
    changed = sorted(path for path, data in files.items() if last.get(path) is not data)
    check_paths(changed)  # the others were checked when they were written (a large site has tens of thousands)
    removed = sorted(set(last) - set(files))
    memory.forget()  # until every file is in place, nothing on disk is known
    with writing("the preview", output):
        for path in changed:
            _replace(output, path, files[path])
    for path in removed:
        _remove(output, path)
    memory.remember(files)
    return WriteReport(written=len(changed), unchanged=len(files) - len(changed), removed=len(removed),
                       changed_paths=tuple(sorted(changed + removed)))


def _replace(output: Path, path: str, data: bytes | Path) -> None:
    target = output / path
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, data if isinstance(data, bytes) else data.read_bytes())


def _remove(output: Path, path: str) -> None:
    """Remove a file that is no longer part of the site, and the folders it leaves empty."""
    target = output / path
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != output and folder.is_relative_to(output):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or already gone): the folders above are not empty either
        folder = folder.parent
