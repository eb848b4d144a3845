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
deleting it was a third of the build's time at 10,000 articles.
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


class Spool:
    """A private folder of rendered files for one build; removed by `close`."""

    def __init__(self, parent: Path, published: Path | None = None):
        """`published`: the output folder of the last build, when the commit will replace it; its
        files may stand for the spool's own (see the module's docstring)."""
        self.folder = Path(parent) / f"spool-{os.getpid()}"
        self.published = os.fspath(published.absolute()) + "/" if published is not None else None
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

    def _published(self, site_path: str, data: bytes) -> Path | None:
        """The last build's file at `site_path` when it is a plain file holding exactly `data`. The
        output folder is the build's own (its lock keeps other builds out), so the file stays as read
        until the commit links it into the new tree."""
        pure = PurePosixPath(site_path)
        if self.published is None or "\0" in site_path or pure.is_absolute() or ".." in pure.parts:
            return None
        name = self.published + site_path
        try:
            with open(name, "rb", opener=_no_follow) as handle:
                found = os.fstat(handle.fileno())
                if not stat.S_ISREG(found.st_mode) or found.st_size != len(data) or handle.read() != data:
                    return None
        except OSError:
            return None
        return Path(name)

    def scratch(self, name: str) -> Path:
        """A folder of the build's own beside the pages, never published, removed with the spool."""
        return self.folder / "scratch" / name

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _no_follow(name: str, flags: int) -> int:
    """A link in the published tree is never the build's file (the commit never makes one)."""
    return os.open(name, flags | os.O_NOFOLLOW)


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
