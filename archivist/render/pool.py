"""Render many pages through the templates on every core: forked workers when there are enough pages.

A page's bytes depend only on its job and the build's settings, so which process renders it does
not change them. Workers are forked after the templates are compiled, so they share the compiled
templates and the whole library with the parent instead of receiving copies; only page numbers
go to them and only bytes (and what each page read of the library) come back.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Callable, Protocol, Sequence

from archivist.diagnostics import Diagnostic
from archivist.markdown.bodies import BodyStore
from archivist.pages.jobs import OutputJob
from archivist.util.workers import forked_map, worker_count
from .renderer import Renderer


class Spool(Protocol):
    """Where rendered pages may be kept instead of memory (the write step's spool): `put` returns the file."""

    def put(self, site_path: str, data: bytes) -> Path: ...


Rendered = tuple[bytes | Path | None, Diagnostic | None]

_renderer: Renderer | None = None  # set in the parent just before forking; workers inherit them
_jobs: Sequence[OutputJob] = ()
_spool: Spool | None = None
_bodies: BodyStore | None = None


def render_all_pages(renderer: Renderer, jobs: Sequence[OutputJob], workers: int | None = None,
                     spool: Spool | None = None, done: Callable[[int], None] | None = None,
                     bodies: BodyStore | None = None) -> list[Rendered]:
    """Each job's bytes (or, with a spool, the file they were written to) or diagnostic, in order;
    `done(1)` as each page is ready. An article's page gets its body back from `bodies`, when stowed there."""
    count = worker_count(len(jobs), workers)
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _render_here(renderer, jobs, spool, done, bodies)
    for name in sorted({job.template for job in jobs}):
        _compile(renderer, name)
    return _render_forked(renderer, jobs, count, spool, done, bodies)


def _render_here(renderer: Renderer, jobs: Sequence[OutputJob], spool: Spool | None,
                 done: Callable[[int], None] | None, bodies: BodyStore | None) -> list[Rendered]:
    rendered = []
    for job in jobs:
        rendered.append(_render(renderer, job, spool, bodies))
        if done is not None:
            done(1)
    return rendered


def _render(renderer: Renderer, job: OutputJob, spool: Spool | None, bodies: BodyStore | None) -> Rendered:
    data, problem = renderer.render(_with_body(job, bodies))
    if data is None or spool is None:
        return data, problem
    return spool.put(job.path, data), problem


def _with_body(job: OutputJob, bodies: BodyStore | None) -> OutputJob:
    """The job with its own article's body read back (the page's own copy, dropped once it is rendered);
    the entry keeps its place as the page's root, so what the page reads is recorded as before."""
    entry = job.context.get("entry")
    if bodies is None or entry is None:
        return job
    article = bodies.restore(entry.article)
    if article is entry.article:
        return job
    return replace(job, context={**job.context, "entry": replace(entry, article=article)})


def _compile(renderer: Renderer, name: str) -> None:
    """Load a template in the parent so forked workers need not compile it each; a broken one is
    left for `render` to report against the page that uses it."""
    try:
        renderer.env.get_template(name)
    except Exception:  # noqa: BLE001 - reported by render() with file and line
        pass


def _render_forked(renderer: Renderer, jobs: Sequence[OutputJob], count: int, spool: Spool | None,
                   done: Callable[[int], None] | None, bodies: BodyStore | None) -> list[Rendered]:
    global _renderer, _jobs, _spool, _bodies
    _renderer, _jobs, _spool, _bodies = renderer, jobs, spool, bodies  # inherited by the forked workers
    arriving = iter(jobs)  # results come back in the jobs' order

    def kept(result: tuple[bytes | Path | None, Diagnostic | None, tuple]) -> Rendered:
        """What a page read is kept (shared) as its result arrives: its fresh copies are let go at once,
        not held for every page until the last (14 KB an article at 5,000 articles, measured)."""
        data, problem, reads = result
        path = next(arriving).path
        if problem is None:
            renderer.keep_reads(path, reads)
        else:
            renderer.reads.pop(path, None)
        return data, problem

    try:
        return forked_map(_render_one, range(len(jobs)), count, max_chunk=32, done=done, then=kept)
    finally:
        _renderer, _jobs, _spool, _bodies = None, (), None, None


def _render_one(index: int) -> tuple[bytes | Path | None, Diagnostic | None, tuple]:
    """In a worker: the page, and what it read, which the parent keeps."""
    assert _renderer is not None
    job = _jobs[index]
    data, problem = _render(_renderer, job, _spool, _bodies)
    return data, problem, _renderer.reads.pop(job.path, ())
