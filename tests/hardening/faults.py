"""A file system that refuses writes on cue: the Nth write below a folder fails with a chosen errno.

Every primitive Archivist writes with is wrapped (folders made, files opened for writing, temporary
files, data written, links, copies, renames). A refused data write first writes half its bytes, as a
disk that fills up mid-file does, so a half-written file is left for the code to clean up.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@dataclass
class Faults:
    """Counts the writes below `root` and makes write number `fail_at` (1-based; 0: none) raise, and
    every later write below the folder `scope` names for it: a full disk or a read-only folder stays so.

    With `kind` (which names the kind of place a write goes to) and `fail_kind`, the fault strikes at
    the `fail_at`-th write of that kind: a build writes its output tree and its record on threads of
    their own, so writes of different kinds interleave differently from one run to the next, while
    the writes of one kind keep their order."""

    root: str
    code: int = 0
    fail_at: int = 0
    scope: Callable[[str], str] = os.path.dirname
    calls: list[str] = field(default_factory=list)  # the path of every write counted, in order
    refusing: str | None = None  # the folder that refuses writes, once the fault has struck
    kind: Callable[[str], str] | None = None
    fail_kind: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # writes so far, by kind
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, path: Any) -> None:
        """Count one write to `path` (a str, Path or file descriptor); raise when it is refused."""
        name = _name(path)
        if name is None or not name.startswith(self.root):
            return
        with self.lock:
            self.calls.append(name)
            if self.kind is None:
                struck = len(self.calls) == self.fail_at
            else:
                kind = self.kind(name)
                self.counts[kind] = self.counts.get(kind, 0) + 1
                struck = kind == self.fail_kind and self.counts[kind] == self.fail_at
            if struck:
                self.refusing = self.scope(name)
        if self.refusing is not None and (name + "/").startswith(self.refusing + "/"):
            raise OSError(self.code, os.strerror(self.code), name)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Wrap every write primitive for the rest of the test."""
        _wrap(monkeypatch, pathlib.Path, "write_bytes", lambda a, k: a[0], self)
        _wrap(monkeypatch, pathlib.Path, "mkdir", lambda a, k: a[0], self)
        _wrap(monkeypatch, tempfile, "mkstemp", lambda a, k: k.get("dir"), self)
        for name in ("replace", "rename", "link"):
            _wrap(monkeypatch, os, name, lambda a, k: a[1], self)
        for name in ("copyfile", "copy2"):
            _wrap(monkeypatch, shutil, name, lambda a, k: a[1], self)
        real_open, real_fdopen = os.open, os.fdopen

        def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & WRITE_FLAGS:
                self.check(path)
            return real_open(path, flags, *args, **kwargs)

        def guarded_fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, mode, *args, **kwargs)
            return _HalfWriter(handle, fd, self) if "w" in mode else handle

        monkeypatch.setattr(os, "open", guarded_open)
        monkeypatch.setattr(os, "fdopen", guarded_fdopen)


class _HalfWriter:
    """A file whose data write counts as a write, and when refused leaves half the bytes written."""

    def __init__(self, handle: Any, fd: int, faults: Faults):
        self.handle, self.fd, self.faults = handle, fd, faults

    def write(self, data: bytes) -> int:
        try:
            self.faults.check(self.fd)
        except OSError:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise
        return self.handle.write(data)

    def __enter__(self) -> "_HalfWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def _wrap(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, target: Callable, faults: Faults) -> None:
    real = getattr(owner, name)

    def guarded(*args: Any, **kwargs: Any) -> Any:
        faults.check(target(args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, guarded)


def _name(path: Any) -> str | None:
    if path is None:
        return None
    if isinstance(path, int):
        try:
            return os.readlink(f"/proc/self/fd/{path}")
        except OSError:
            return None
    return os.path.abspath(os.fsdecode(path))
