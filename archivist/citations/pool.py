"""Spreads citation work over a few Node workers: styles, and chunks of one style, run at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from archivist.citations.errors import CitationEngineError
from archivist.citations.nodeproc import NodeWorker
from archivist.citations.schedule import Chunk, ChunkPlan, split
from archivist.util.engines import EngineFailure, allowance
from archivist.util.workers import worker_count

MAX_WORKERS = 4  # each worker holds its own copy of the styles it builds: more costs memory, not time
CHUNK_JOBS = 100  # items per request: about a second of Node's work, a few hundred KiB of JSON each way
# A second worker builds a style only when this many chunks of it are still waiting: building
# costs about one chunk's time and 5-150 MiB, and sharing saves half of what is left minus that.
SHARE_FROM_CHUNKS = 5
# Seconds a worker may take per job, on top of engines.FLOOR_SECONDS (which covers building a style):
# a job takes a few milliseconds to a tenth of a second, so only a hung or lost worker meets this.
JOB_SECONDS = 1.0


def default_workers() -> int:
    """One Node worker per core this process may use, at most MAX_WORKERS: the work is split into
    chunks only later, so the cap alone bounds the count."""
    return worker_count(MAX_WORKERS, most=MAX_WORKERS, threshold=0)


@dataclass(frozen=True)
class StyleSpec:
    """What a worker needs to build one style's engine, and a rough cost of building it."""

    key: str
    style_id: str
    xml: str
    locales: dict[str, str] = field(hash=False)
    lang: str
    weight: int  # the style's size: large styles take longer to build


@dataclass(frozen=True)
class Batch:
    """Every job one style must format in this run; sent to Node in chunks of a bounded size."""

    spec: StyleSpec
    jobs: list[dict[str, Any]] = field(hash=False)
    sources: list[str] = field(default_factory=list, hash=False)  # each job's article, when known: errors name it


class WorkerPool:
    """Up to `size` Node processes. A style is built in a worker when it first gets work there and
    stays built; a style with much work left is built in a second worker too, so that one style
    can keep every worker busy. Each job's result depends only on the job, never on the worker."""

    def __init__(self, citeproc_dir: Path, size: int = 1, chunk_size: int = CHUNK_JOBS,
                 share_from: int | None = None):
        self._citeproc = citeproc_dir
        self._size = max(1, size)
        self._chunk_size = max(1, chunk_size)
        self._share_from = share_from if share_from is not None else SHARE_FROM_CHUNKS * self._chunk_size
        self._workers: list[NodeWorker | None] = [None] * self._size
        self._loaded: list[set[str]] = [set() for _ in range(self._size)]
        self.started = 0  # Node processes started so far

    def format(self, batches: Sequence[Batch], done: Callable[[Chunk], None] | None = None) -> list[list[Any]]:
        """Each batch's results, in job order, whichever workers formatted which chunks; `done(chunk)`
        as each chunk's results arrive (on the thread of the worker that formatted it)."""
        chunks = [split(position, batch.jobs, self._chunk_size) for position, batch in enumerate(batches)]
        plan = ChunkPlan([batch.spec.key for batch in batches], chunks, self._loaded, self._share_from)
        firsts = {index: chunk for index in range(self._size) if (chunk := plan.next_for(index)) is not None}
        for index in firsts:
            self._worker(index)  # started here, in order, not in the threads below
        results: list[list[Any]] = [[None] * len(batch.jobs) for batch in batches]
        failures: list[tuple[int, int, Exception]] = []

        def run(index: int, chunk: Chunk | None) -> None:
            while chunk is not None:
                try:
                    reply = self._request(index, batches[chunk.batch], chunk)
                except Exception as exc:  # re-raised below, once every worker has stopped
                    failures.append((chunk.batch, chunk.start, exc))
                    plan.failed(chunk)
                    return
                results[chunk.batch][chunk.start:chunk.start + len(chunk.jobs)] = reply
                if done is not None:
                    done(chunk)
                chunk = plan.next_for(index)

        self._run_all(run, firsts)
        if failures:
            raise min(failures, key=lambda failure: failure[:2])[2]  # the first in job order, whatever the timing
        return results

    def close(self, failed: bool = False) -> None:
        """End every worker; with `failed`, kill them rather than wait for them to exit: the build stops,
        and a worker that hung in the failure's wake would hold it up for seconds more."""
        for index, worker in enumerate(self._workers):
            if worker is not None:
                worker.close(kill=failed)
            self._workers[index] = None
            self._loaded[index].clear()

    @staticmethod
    def _run_all(run: Any, firsts: dict[int, Chunk]) -> None:
        if len(firsts) == 1:
            run(*next(iter(firsts.items())))
        elif firsts:
            with ThreadPoolExecutor(len(firsts)) as threads:
                for done in [threads.submit(run, index, chunk) for index, chunk in firsts.items()]:
                    done.result()

    def _request(self, index: int, batch: Batch, chunk: Chunk) -> list[Any]:
        worker = self._worker(index)
        spec, jobs = batch.spec, chunk.jobs
        fields: dict[str, Any] = {"key": spec.key, "jobs": jobs}
        if spec.key not in self._loaded[index]:
            fields["style"] = {"style": spec.xml, "locales": spec.locales, "lang": spec.lang}
        self._loaded[index].discard(spec.key)  # known good again only after a reply
        try:
            result = worker.request("format", timeout=allowance(len(jobs), JOB_SECONDS), **fields)
        except EngineFailure as exc:
            self._drop(index)
            sources = batch.sources[chunk.start:chunk.start + len(jobs)]
            raise exc.while_doing(f"formatting citations in style '{spec.style_id}' for {_what(sources, len(jobs))}"
                                  ) from None
        except CitationEngineError as exc:
            raise CitationEngineError(f"cannot format with citation style '{spec.style_id}': {exc}") from exc
        if not isinstance(result, list) or len(result) != len(jobs):
            raise CitationEngineError(f"citation style '{spec.style_id}': the worker answered {len(jobs)} jobs wrongly")
        self._loaded[index].add(spec.key)
        return result

    def _drop(self, index: int) -> None:
        """Forget a worker that failed: it is not trusted with more work."""
        worker, self._workers[index] = self._workers[index], None
        self._loaded[index].clear()
        if worker is not None:
            worker.close()

    def _worker(self, index: int) -> NodeWorker:
        worker = self._workers[index]
        if worker is None:
            worker = self._workers[index] = NodeWorker(self._citeproc)
            self.started += 1
        return worker


def _what(sources: list[str], jobs: int) -> str:
    """The articles of a chunk, for an error: the first by name and how many more."""
    if not sources:
        return f"{jobs} item{'s' * (jobs != 1)}"
    more = len(sources) - 1
    return sources[0] + (f" and {more} more article{'s' * (more != 1)}" if more else "")
