"""Files on disk: writes that readers never see half done, and the one walk over a folder's files."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterator


def write_atomically(target: Path, data: bytes, suffix: str = "") -> None:
    """Write `data` to a temporary file beside `target` and rename it over `target`; a failure
    leaves `target` as it was and no temporary file behind. `suffix` ends the temporary name, so
    a folder's own clean-up (which looks at endings) also sweeps one left by a killed process."""
    write_atomically_with(target, lambda out: out.write(data), suffix)


def write_atomically_with(target: Path, write: Callable[[BinaryIO], object], suffix: str = "") -> None:
    """As `write_atomically`, with `write` writing to the open temporary file: a large pickle goes
    to disk as it is made instead of being made whole in memory first."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stat_key(found: os.stat_result) -> tuple[int, int, int, int]:
    """A file's size, modification and change times (ns) and inode: equal keys mean an unchanged file,
    as far as stat data can tell. The change time catches an edit whose old modification time was
    put back, since the kernel sets it on every write and `utime`."""
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino


class NotPlainFile(OSError):
    """A path that is a symbolic link, a folder, a pipe or a device where a plain file was expected."""


def read_plain(path: Path) -> bytes:
    """The bytes of a regular file that is not a symbolic link; NotPlainFile for anything else there,
    another OSError when nothing is there or it cannot be read.

    The link is refused when the file is opened, not by a look beforehand, so a link put in its place
    in between is refused too; a pipe is opened without waiting for a writer, and then refused."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):
        raise NotPlainFile(errno.ELOOP, "a symbolic link", str(path))
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise NotPlainFile(exc.errno, "a symbolic link", str(path)) from exc
        raise
    try:
        plain = stat.S_ISREG(os.fstat(handle).st_mode)
    except OSError:
        os.close(handle)
        raise
    if not plain:
        os.close(handle)
        raise NotPlainFile(errno.EINVAL, "a folder, a pipe or a device", str(path))
    with os.fdopen(handle, "rb") as opened:
        return opened.read()


def walk_files(folder: Path, hidden: bool = True) -> Iterator[os.DirEntry]:
    """Every file below `folder`, linked folders included; never a __pycache__, and without `hidden`
    no name starting with '.' and no editor backup ('~', '.pyc'). What cannot be read is passed over."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__" or not (hidden or _shown(entry.name)):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=True)
        except OSError:
            continue
        if is_folder:
            yield from walk_files(Path(entry.path), hidden)
        elif hidden or not entry.name.endswith((".pyc", "~")):
            yield entry


def _shown(name: str) -> bool:
    return not name.startswith(".")


def site_key(path: str | Path, root: Path) -> str:
    """A file's stable name: its path from the site's root, or its whole path when it lies outside
    (a built-in template or static file). Called for every file of a large site on each rebuild, so
    a path that starts with the root is cut as a string, without building path objects."""
    name, prefix = str(path), os.path.join(str(root), "")
    if name.startswith(prefix) and os.sep == "/":
        return name[len(prefix):]
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()
