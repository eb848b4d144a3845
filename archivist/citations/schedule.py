"""Hands out chunks of the styles' work to Node workers as they free up, one chunk at a time."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Sequence


@dataclass(frozen=True)
class Chunk:
    """Jobs `start` to `start + len(jobs)` of batch number `batch`: one request to a worker."""

    batch: int
    start: int
    jobs: list[dict[str, Any]] = field(hash=False)


def split(batch: int, jobs: list[dict[str, Any]], size: int) -> list[Chunk]:
    """A batch's jobs in order, at most `size` per chunk, so no request or reply grows with the archive."""
    size = max(1, size)
    return [Chunk(batch, start, jobs[start:start + size]) for start in range(0, len(jobs), size)]


class ChunkPlan:
    """Which chunk a free worker formats next. Building a style costs about as much as formatting
    a hundred items, so a worker prefers, in turn: more of a style it already holds; a style no
    worker holds yet (the one with most work left first); a share of a style that still has at
    least `share_from` jobs waiting, which is then worth building a second time.

    Only who does what depends on timing: every job's answer goes back to its own place, and
    after a failure every chunk before it (in batch and job order) is still handed out, so the
    failure reported is always the first in that order.
    """

    def __init__(self, keys: Sequence[str], chunks: Sequence[Sequence[Chunk]], held: Sequence[set[str]],
                 share_from: int):
        self._lock = threading.Lock()
        self._keys = list(keys)
        self._waiting = [deque(batch_chunks) for batch_chunks in chunks]
        self._held = [set(style_keys) for style_keys in held]  # worker -> styles it holds or builds
        self._share_from = max(1, share_from)

    def next_for(self, worker: int) -> Chunk | None:
        """The worker's next chunk, or None when nothing is left for it: then nothing ever will be."""
        with self._lock:
            batch = self._choose(worker)
            if batch is None:
                return None
            self._held[worker].add(self._keys[batch])
            return self._waiting[batch].popleft()

    def failed(self, chunk: Chunk) -> None:
        """A chunk failed: hand out only the chunks before it, which might fail first."""
        with self._lock:
            for batch, waiting in enumerate(self._waiting):
                kept = [c for c in waiting if (c.batch, c.start) < (chunk.batch, chunk.start)]
                self._waiting[batch] = deque(kept)

    def _choose(self, worker: int) -> int | None:
        waiting = [n for n, chunks in enumerate(self._waiting) if chunks]
        mine = [n for n in waiting if self._keys[n] in self._held[worker]]
        if mine:
            return max(mine, key=self._jobs_left)
        unheld = [n for n in waiting if not any(self._keys[n] in keys for keys in self._held)]
        if unheld:
            return max(unheld, key=self._jobs_left)
        shareable = [n for n in waiting if self._jobs_left(n) >= self._share_from]
        return max(shareable, key=self._jobs_left, default=None)

    def _jobs_left(self, batch: int) -> int:
        return sum(len(chunk.jobs) for chunk in self._waiting[batch])
