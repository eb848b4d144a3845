"""Rendered pages kept on disk between rendering and the commit, so a large archive's build does not
hold every page in memory at once.

A spooled page is a file of the build's own: the commit hard-links it into the new output tree
instead of copying it (a content file is always copied, so an editor's later change to it can
never reach into the published site). Beside the pages, a build may keep other files of its own
that are never published (`scratch`): they go when the spool does.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PosixPath, PurePosixPath

from archivist.util.digests import digest
from archivist.util.diskfaults import writing


class SpooledFile(PosixPath):
    """A page written to the spool: the commit may link it rather than copy it."""


class Spool:
    """A private folder of rendered files for one build; removed by `close`."""

    def __init__(self, parent: Path):
        self.folder = Path(parent) / f"spool-{os.getpid()}"
        _sweep(Path(parent))
        shutil.rmtree(self.folder, ignore_errors=True)

    def put(self, site_path: str, data: bytes) -> SpooledFile:
        """The page's file: all in one folder, named after the site path's digest with the page's own
        extension. A folder per page would double the folders a build makes, and making a folder costs
        more than writing a page on some disks; the page's own name is left out, since a page's name may
        be as long as a file name may be."""
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

    def scratch(self, name: str) -> Path:
        """A folder of the build's own beside the pages, never published, removed with the spool."""
        return self.folder / "scratch" / name

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


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
