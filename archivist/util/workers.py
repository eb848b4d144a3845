"""Render many articles' Markdown on every core: worker processes when there are enough, else in turn.

Each article renders on its own (links resolve against the list of slugs, not against other
articles' HTML), so splitting the work between processes gives the same parts as a serial run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence, TypeVar

from archivist.config import SiteConfig
from archivist.render_cache import RenderedParts

if TYPE_CHECKING:
    from archivist.load import Parsed

T = TypeVar("T")
PARALLEL_THRESHOLD = 50  # below this, starting processes costs more than it saves
MAX_WORKERS = 8

_worker_resolver: Callable[[str], str | None] | None = None
_worker_paths: Callable[[str], str | None] | None = None
_worker_config: SiteConfig | None = None


def render_many(items: Sequence[Parsed], config: SiteConfig, slugs: Iterable[str],
                workers: int | None = None, aliases: Iterable[tuple[str, str]] = ()) -> list[RenderedParts]:
    """The rendered parts of each item, in the order given; `aliases` are (old address, slug) pairs."""
    from archivist.load import article_resolver, path_resolver, render_parts

    slugs, aliases = tuple(slugs), tuple(aliases)
    count = worker_count(len(items), workers)
    if count < 2:
        resolver, paths = article_resolver(config, slugs), path_resolver(config, aliases)
        return [render_parts(item, config, resolver, paths) for item in items]
    return _render_in_pool(items, config, slugs, count, aliases)


def worker_count(items: int, requested: int | None = None) -> int:
    """How many processes to use: one (serial) for a small batch, else the cores available."""
    if requested is not None:
        return max(1, min(requested, items))
    if items <= PARALLEL_THRESHOLD:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_WORKERS, items))


def _render_in_pool(items: Sequence[Parsed], config: SiteConfig, slugs: tuple[str, ...],
                    count: int, aliases: tuple[tuple[str, str], ...] = ()) -> list[RenderedParts]:
    return forked_map(_render_one, items, count, max_chunk=16, setup=_set_up_worker,
                      setup_args=(config, slugs, aliases))


def forked_map(function: Callable[[Any], T], items: Sequence[Any], count: int, max_chunk: int = 16,
               setup: Callable[..., None] | None = None, setup_args: tuple = ()) -> list[T]:
    """`function` over `items`, in order, on `count` worker processes.

    Workers are forked where possible, so they start with every module already imported and
    with whatever the parent prepared for them; they leave Ctrl-C to the parent and die with it.
    `setup(*setup_args)` runs once in each worker before its first item.
    """
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(max_chunk, len(items) // (count * 4)))
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context,
                               initializer=_start_worker, initargs=(os.getpid(), setup, setup_args))
    try:
        results = list(pool.map(function, items, chunksize=chunk))
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


def _set_up_worker(config: SiteConfig, slugs: tuple[str, ...], aliases: tuple[tuple[str, str], ...] = ()) -> None:
    from archivist.load import article_resolver, path_resolver

    global _worker_config, _worker_resolver, _worker_paths
    _worker_config = config
    _worker_resolver = article_resolver(config, slugs)
    _worker_paths = path_resolver(config, aliases)


def _render_one(item: Parsed) -> RenderedParts:
    from archivist.load import render_parts

    assert _worker_config is not None and _worker_resolver is not None
    return render_parts(item, _worker_config, _worker_resolver, _worker_paths)


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
