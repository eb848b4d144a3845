"""Worker processes: how many to use, and one forked pool that maps a function over items in order."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
PARALLEL_THRESHOLD = 50  # below this many items, starting processes costs more than it saves
MAX_WORKERS = 8


def usable_cores() -> int:
    """The cores this process may run on (its affinity), else the machine's count."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def worker_count(items: int, requested: int | None = None, *, most: int = MAX_WORKERS,
                 threshold: int = PARALLEL_THRESHOLD) -> int:
    """How many workers share `items` pieces of work: `requested` when given (never more than the
    items), else one (serial) for `threshold` items or fewer, else one per usable core, at most `most`."""
    if requested is not None:
        return max(1, min(requested, items))
    if items <= threshold:
        return 1
    return max(1, min(usable_cores(), most, items))


def forked_map(function: Callable[[Any], T], items: Sequence[Any], count: int, max_chunk: int = 16,
               setup: Callable[..., None] | None = None, setup_args: tuple = (),
               done: Callable[[int], None] | None = None, then: Callable[[T], R] | None = None) -> list[Any]:
    """`function` over `items`, in order, on `count` worker processes.

    Workers are forked where possible, so they start with every module already imported and
    with whatever the parent prepared for them; they leave Ctrl-C to the parent and die with it.
    `setup(*setup_args)` runs once in each worker before its first item. `done(1)` is called in
    this process as each result comes back, in order (a build's progress counts them). `then`, run
    in this process on each result as it comes back, makes what is kept of it: a large result may be
    written out and let go at once instead of waiting in the list for all the others.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(max_chunk, len(items) // (count * 4)))
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context,
                               initializer=_start_worker, initargs=(os.getpid(), setup, setup_args))
    try:
        results = []
        for result in pool.map(function, items, chunksize=chunk):
            results.append(result if then is None else then(result))
            if done is not None:
                done(1)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _start_worker(parent: int, setup: Callable[..., None] | None, setup_args: tuple) -> None:
    """Set up a worker once: it leaves Ctrl-C to the parent and dies with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    if setup is not None:
        setup(*setup_args)


def _die_with_parent(parent: int) -> None:
    """A build killed outright must not leave workers waiting forever for work."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, signal.SIGKILL) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before the request took hold
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)
