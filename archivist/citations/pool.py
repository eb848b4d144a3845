"""Spreads citation styles over a few Node workers, started only when a style has work to do."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from archivist.citations.errors import CitationEngineError
from archivist.citations.nodeproc import NodeWorker


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
    """Every job one style must format in this run: one request, one reply."""

    spec: StyleSpec
    jobs: list[dict[str, Any]] = field(hash=False)


class WorkerPool:
    """Up to `size` Node processes; each style lives in one of them, so it is built once."""

    def __init__(self, citeproc_dir: Path, size: int = 1):
        self._citeproc = citeproc_dir
        self._size = max(1, size)
        self._workers: list[NodeWorker | None] = [None] * self._size
        self._loaded: list[set[str]] = [set() for _ in range(self._size)]
        self._home: dict[str, int] = {}  # style key -> worker index
        self._load: list[int] = [0] * self._size  # weight of the styles each worker holds
        self.started = 0  # Node processes started so far

    def format(self, batches: Sequence[Batch]) -> list[list[Any]]:
        """Each batch's results, in order; batches held by different workers run at once."""
        by_worker: dict[int, list[int]] = {}
        for position, batch in enumerate(batches):
            by_worker.setdefault(self._assign(batch.spec), []).append(position)
        for index in by_worker:
            self._worker(index)  # started here, not in the threads below
        results: list[list[Any]] = [[] for _ in batches]

        def run(index: int) -> None:
            for position in by_worker[index]:
                results[position] = self._request(index, batches[position])

        if len(by_worker) == 1:
            run(next(iter(by_worker)))
        else:
            with ThreadPoolExecutor(len(by_worker)) as threads:
                for done in [threads.submit(run, index) for index in sorted(by_worker)]:
                    done.result()
        return results

    def close(self) -> None:
        for index, worker in enumerate(self._workers):
            if worker is not None:
                worker.close()
            self._workers[index] = None
            self._loaded[index].clear()

    def _assign(self, spec: StyleSpec) -> int:
        """The worker already holding the style, else the one with the lightest styles."""
        if spec.key not in self._home:
            index = min(range(self._size), key=lambda i: self._load[i])
            self._home[spec.key] = index
            self._load[index] += spec.weight
        return self._home[spec.key]

    def _request(self, index: int, batch: Batch) -> list[Any]:
        worker = self._worker(index)
        spec = batch.spec
        fields: dict[str, Any] = {"key": spec.key, "jobs": batch.jobs}
        if spec.key not in self._loaded[index]:
            fields["style"] = {"style": spec.xml, "locales": spec.locales, "lang": spec.lang}
        self._loaded[index].discard(spec.key)  # known good again only after a reply
        try:
            result = worker.request("format", **fields)
        except CitationEngineError as exc:
            raise CitationEngineError(f"cannot format with citation style '{spec.style_id}': {exc}") from exc
        self._loaded[index].add(spec.key)
        return result

    def _worker(self, index: int) -> NodeWorker:
        worker = self._workers[index]
        if worker is None:
            worker = self._workers[index] = NodeWorker(self._citeproc)
            self.started += 1
        return worker
