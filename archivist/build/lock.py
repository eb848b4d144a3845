"""One build of a site at a time: a lock file in the cache folder, held while a build reads and writes.

Two builds of the same site at once (a CI retry, a git hook while `serve` rebuilds) share the cache,
the spool and the output folder; each would sweep what it takes for the other's leftovers. The
lock is an advisory `flock` on `.cache/archivist/build.lock`, so it is released by the kernel when
its holder exits, however it exits: a killed build never leaves a stale lock behind. A second build
says once that it waits, and for whom, then goes on when the first is done; after `wait` seconds it
gives up with one line naming the lock and the process holding it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

from archivist.util.diskfaults import shown_folder, writing

LOCK_NAME = "build.lock"
WAIT_SECONDS = 600.0  # a large archive's build takes minutes; CI's own timeout ends a real hang
WAIT_VARIABLE = "ARCHIVIST_LOCK_WAIT"
POLL_SECONDS = 0.1
UNLOCKABLE = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP)


class SiteLocked(Exception):
    """Another build kept the site's lock for longer than this one would wait."""


def lock_wait() -> float:
    """How long a build waits for another: ARCHIVIST_LOCK_WAIT seconds when set (0: not at all)."""
    value = os.environ.get(WAIT_VARIABLE, "")
    try:
        return max(0.0, float(value)) if value else WAIT_SECONDS
    except ValueError:
        return WAIT_SECONDS


@contextmanager
def site_lock(cache_dir: Path, wait: float | None = None, out: TextIO | None = sys.stderr) -> Iterator[None]:
    """Hold the site's build lock for the block, waiting up to `wait` seconds (default: `lock_wait()`)
    for another build to finish; the wait is announced once on `out`."""
    path = cache_dir / LOCK_NAME
    with writing("the build lock", cache_dir):
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        _acquire(handle, path, lock_wait() if wait is None else wait, out)
        _sign(handle)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _acquire(handle: int, path: Path, wait: float, out: TextIO | None) -> None:
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            if exc.errno in UNLOCKABLE:
                return  # a file system without locks (some network mounts): build as before locks existed
            raise
        holder = _holder(handle)
        if time.monotonic() >= deadline:
            raise SiteLocked(f"another build ({holder}) holds {shown_folder(path.parent)}/{path.name} and did "
                             f"not end within {wait:g} s; wait for it, or set {WAIT_VARIABLE} to wait longer")
        if not announced and out is not None:
            print(f"archivist: waiting for another build ({holder}) to finish; it holds "
                  f"{shown_folder(path.parent)}/{path.name}", file=out, flush=True)
            announced = True
        time.sleep(POLL_SECONDS)


def _holder(handle: int) -> str:
    """Who holds the lock, as its holder wrote it: 'process 1234'; vaguer while it has not written yet."""
    try:
        text = os.pread(handle, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"process {text}" if text.isdigit() else "another process"


def _sign(handle: int) -> None:
    """Write this process's id into the lock, for the message a waiting build prints; a full disk
    only makes that message vaguer."""
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode("ascii"), 0)
    except OSError:
        pass
