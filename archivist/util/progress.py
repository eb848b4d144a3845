"""How far a build has got: each step counts its own stage's items as they finish, for a display to show.

A step opens its stage with `progress.stage(name, unit, total)` and calls `advance` as items are done
(from any thread: citation and search workers answer on threads of their own). Where the count goes
is the caller's choice: nowhere (`SILENT`, the default, which `serve`'s rebuilds, `check` and `-q`
use), one plain line per finished stage (`StageLines`, for logs), or a line redrawn in place on a
terminal (`archivist.util.terminal`). Nothing here touches what a build writes."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator, TextIO


class Stage:
    """One stage under way: how many of its items are done, of how many (None until known)."""

    def __init__(self, name: str, unit: str, total: int | None, shown: Progress):
        self.name, self.unit, self.shown = name, unit, shown
        self.done = 0
        self._total = total
        self._lock = threading.Lock()
        self.started = time.perf_counter()

    @property
    def total(self) -> int | None:
        return self._total

    @total.setter
    def total(self, count: int) -> None:
        """The number of items, once the step knows it (after finding the files, or planning the work)."""
        self._total = count
        self.shown.changed(self)

    def advance(self, count: int = 1) -> None:
        """`count` more items are done."""
        with self._lock:
            self.done += count
        self.shown.changed(self)

    def described(self) -> str:
        """The stage's line once it is over: 'citations: 5,000 articles in 41.2 s'."""
        seconds = time.perf_counter() - self.started
        return f"{self.name}: {self.done:,} {plural(self.unit, self.done)} in {seconds:.1f} s"


class Progress:
    """Shows nothing; the displays below override what they show. Also a context manager, so that a
    display that holds the terminal lets go of it however the build ends."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def stage(self, name: str, unit: str, total: int | None = None) -> Iterator[Stage]:
        """A stage from its first item to its last; it is shown as finished only when the step
        returns (a step that fails ends its stage unreported), and a stage with nothing to do
        (a total of 0) is not shown at all."""
        stage = Stage(name, unit, total, self)
        self.began(stage)
        try:
            yield stage
        except BaseException:
            self.dropped(stage)
            raise
        if stage.total == 0:
            self.dropped(stage)
        else:
            self.ended(stage)

    def began(self, stage: Stage) -> None:
        """A stage started."""

    def changed(self, stage: Stage) -> None:
        """A stage's count or total changed; may be called from any thread."""

    def ended(self, stage: Stage) -> None:
        """A stage finished its work."""

    def dropped(self, stage: Stage) -> None:
        """A stage stopped without being reported: it failed, or had nothing to do."""

    def close(self) -> None:
        """The build is over: let go of the terminal."""


SILENT = Progress()


class StageLines(Progress):
    """One plain line per finished stage, for a log (CI, a file, a pipe): no escape codes, nothing
    redrawn, nothing printed while a stage runs."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def ended(self, stage: Stage) -> None:
        print(stage.described(), file=self.stream, flush=True)


def plural(unit: str, count: int) -> str:
    return unit if count == 1 else unit + "s"
