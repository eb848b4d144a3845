"""A write the file system refuses (a full disk, a quota, a read-only or locked folder) as one line that
names the folder, instead of a traceback that names a temporary file."""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# The refusals a user can heal without touching Archivist or the content, and what heals each.
REASONS = {
    errno.ENOSPC: ("no space left on device", "free some space and build again"),
    errno.EDQUOT: ("disk quota exceeded", "free some space and build again"),
    errno.EFBIG: ("file too large for the file system", "free some space and build again"),
    errno.EROFS: ("read-only file system", "make the folder writable and build again"),
    errno.EACCES: ("permission denied", "make the folder writable and build again"),
    errno.EPERM: ("operation not permitted", "make the folder writable and build again"),
}


class DiskFault(Exception):
    """A write refused by the file system: why, what was being written, and in which folder.

    The arguments are kept in `args` so the exception crosses from a worker process intact."""

    def __init__(self, code: int, what: str, folder: str):
        super().__init__(code, what, folder)

    def __str__(self) -> str:
        code, what, folder = self.args
        reason, remedy = REASONS[code]
        return f"{reason} while writing {what} in {folder} ({remedy})"


def is_disk_fault(error: BaseException) -> bool:
    """Whether an error is a refusal `DiskFault` names (not a bug, not a missing file)."""
    return isinstance(error, OSError) and error.errno in REASONS


def shown_folder(folder: Path) -> str:
    """The folder as the user knows it: from the current folder when below it, else whole."""
    folder = Path(os.path.abspath(folder))
    try:
        relative = folder.relative_to(Path.cwd())
    except (ValueError, OSError):
        return str(folder)
    return relative.as_posix() if relative.parts else str(folder)


@contextmanager
def writing(what: str, folder: Path) -> Iterator[None]:
    """Turn a refused write inside the block into a `DiskFault` naming `what` and `folder`; any
    other error passes unchanged."""
    try:
        yield
    except OSError as exc:
        if not is_disk_fault(exc):
            raise
        raise DiskFault(exc.errno, what, shown_folder(folder)) from exc
