"""Rendered pages kept on disk between rendering and the commit, so a large archive's build does not
hold every page in memory at once.

A spooled page is a file of the build's own: the commit hard-links it into the new output tree
instead of copying it (a content file is always copied, so an editor's later change to it can
never reach into the published site). Beside the pages, a build may keep other files of its own
that are never published (`scratch`): they go when the spool does.

A file whose bytes the last build already published is not written at all: the spool hands back
the published file itself, which the commit finds in place by its inode and links into the new
tree. After one edit in a large archive nearly every file a build makes (exports, search shards,
pages) is such a file; writing each to the spool, comparing it with the published one and then
deleting it took a quarter of an edit build's time at 10,000 articles. Only a file the commit
finds unchanged since (see PublishedFile) is taken.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path, PosixPath, PurePosixPath

from archivist.util.digests import digest
from archivist.util.diskfaults import writing


class SpooledFile(PosixPath):
    """A page written to the spool: the commit may link it rather than copy it."""


class PublishedFile(PosixPath):
    """A file the last build published, standing for a spooled one because it held the very bytes.
    `stamp` is what its inode said when they were compared; the commit takes the file only while
    that still holds, so a file another program changed meanwhile is never published as current."""

    stamp: tuple[int, ...] = ()

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return _published_file, (os.fspath(self), self.stamp)  # from a forked worker, stamp and all


def _published_file(name: str, stamp: tuple[int, ...]) -> PublishedFile:
    found = PublishedFile(name)
    found.stamp = stamp
    return found


def file_stamp(found: os.stat_result) -> tuple[int, ...]:
    """Device, inode, size and modification time: a write or a replacement changes one. Not the change
    time, which the commit's own hard link into the new tree moves on."""
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


class Spool:
    """A private folder of rendered files for one build; removed by `close`."""

    def __init__(self, parent: Path, published: Path | None = None):
        """`published`: the output folder of the last build, when the commit will replace it; its
        files may stand for the spool's own (see the module's docstring)."""
        self.folder = Path(parent) / f"spool-{os.getpid()}"
        self.published = os.fspath(published.absolute()) + "/" if published is not None else None
        self._folders: dict[str, bool] = {"": True}  # folders of the published tree: a real one, not a link?
        _sweep(Path(parent))
        shutil.rmtree(self.folder, ignore_errors=True)

    def put(self, site_path: str, data: bytes) -> Path:
        """The page's file: the published one when it holds these very bytes, else the spool's own.

        The spool's files are all in one folder, named after the site path's digest with the page's
        own extension. A folder per page would double the folders a build makes, and making a folder
        costs more than writing a page on some disks; the page's own name is left out, since a page's
        name may be as long as a file name may be."""
        published = self._published(site_path, data)
        if published is not None:
            return published
        extension = PurePosixPath(site_path).suffix
        name = digest(site_path.encode("utf-8")) + (extension if len(extension) <= 16 else "")
        target = SpooledFile(self.folder / "site" / name)
        with writing("the rendered pages", self.folder.parent):  # the build stops; `close` removes the spool
            try:
                target.write_bytes(data)
            except FileNotFoundError:  # the first page of this process's build
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return target

    def _published(self, site_path: str, data: bytes) -> PublishedFile | None:
        """The last build's file at `site_path` when it is a plain file holding exactly `data`, inside
        the output folder through real folders only (the commit never makes a link)."""
        pure = PurePosixPath(site_path)
        if self.published is None or "\0" in site_path or pure.is_absolute() or ".." in pure.parts:
            return None
        if not self._real_folder(site_path.rpartition("/")[0]):
            return None
        name = self.published + site_path
        try:
            with open(name, "rb", opener=_plain_open) as handle:
                found = os.fstat(handle.fileno())
                if not stat.S_ISREG(found.st_mode) or found.st_size != len(data) or handle.read() != data:
                    return None
        except OSError:
            return None
        return _published_file(name, file_stamp(found))

    def _real_folder(self, folder: str) -> bool:
        """Whether this folder of the published tree, and each above it, is a folder and not a link."""
        known = self._folders.get(folder)
        if known is None:
            try:
                here = stat.S_ISDIR(os.lstat(self.published + folder).st_mode)  # type: ignore[operator]
            except OSError:
                here = False
            known = self._folders[folder] = here and self._real_folder(folder.rpartition("/")[0])
        return known

    def scratch(self, name: str) -> Path:
        """A folder of the build's own beside the pages, never published, removed with the spool."""
        return self.folder / "scratch" / name

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _plain_open(name: str, flags: int) -> int:
    """Opened without following a link (the commit never makes one) and without waiting on a pipe."""
    return os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK)


def _sweep(parent: Path) -> None:
    """Spools of builds that were killed before they could remove their own."""
    for folder in parent.glob("spool-*"):
        try:
            os.kill(int(folder.name.split("-", 1)[1]), 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # a live process of another user
