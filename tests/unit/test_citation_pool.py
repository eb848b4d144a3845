"""The worker pool with stand-in workers: whatever the number of workers, the chunk size and the
timing, every job's answer lands in its own place, and a failure is the same failure."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

from archivist.citations.errors import CitationEngineError
from archivist.citations.pool import MAX_WORKERS, Batch, StyleSpec, WorkerPool, default_workers


class FakeWorker:
    """Answers like worker.js would, from the job alone, after a random short pause; records
    which styles it was asked to build and how many jobs each request held."""

    instances: list[FakeWorker] = []
    lock = threading.Lock()

    def __init__(self, citeproc_dir: Path):
        self.built: list[str] = []
        self.sizes: list[int] = []
        self.styles: set[str] = set()
        with FakeWorker.lock:
            FakeWorker.instances.append(self)

    def request(self, op: str, key: str, jobs: list[dict], style: dict | None = None, timeout: float | None = None):
        if style is not None:
            self.built.append(key)
            self.styles.add(key)
        if key not in self.styles:
            raise CitationEngineError(f"style not loaded: {key}")
        self.sizes.append(len(jobs))
        time.sleep(random.random() / 500)
        if any(job["item"].get("broken") for job in jobs):
            bad = next(job["item"]["id"] for job in jobs if job["item"].get("broken"))
            raise CitationEngineError(f"item {bad}: cannot format")
        return [{"bibliography": f"{key}:{job['item']['id']}", "cites": [f"{key}:{job['item']['id']}:{c['locator']}"
                                                                       for c in job["cites"]]} for job in jobs]

    def close(self) -> None:
        pass


@pytest.fixture
def fake_workers(monkeypatch) -> list[FakeWorker]:
    FakeWorker.instances = []
    monkeypatch.setattr("archivist.citations.pool.NodeWorker", FakeWorker)
    return FakeWorker.instances


def batches(sizes: list[int], broken: set[tuple[int, int]] = frozenset()) -> list[Batch]:
    made = []
    for n, size in enumerate(sizes):
        spec = StyleSpec(f"key{n}", f"style{n}", "<style/>", {}, "en-US", 100)
        jobs = [{"item": {"id": f"item{k}", **({"broken": True} if (n, k) in broken else {})},
                 "bibliography": True, "cites": [{"locator": str(k), "label": "paragraph"}]} for k in range(size)]
        made.append(Batch(spec, jobs))
    return made


def expected(work: list[Batch]) -> list[list[dict]]:
    def answer(key: str, job: dict) -> dict:
        name = f"{key}:{job['item']['id']}"
        return {"bibliography": name, "cites": [f"{name}:{job['cites'][0]['locator']}"]}

    return [[answer(b.spec.key, job) for job in b.jobs] for b in work]


@pytest.mark.parametrize("workers, chunk", [(1, 100), (2, 1), (2, 3), (3, 2), (4, 5), (4, 1000)])
def test_results_are_in_job_order_whatever_the_workers_and_chunks(fake_workers, workers, chunk):
    work = batches([40, 1, 0, 17])
    pool = WorkerPool(Path("."), workers, chunk_size=chunk)
    assert pool.format(work) == expected(work)
    assert all(size <= chunk for worker in fake_workers for size in worker.sizes)
    assert sum(sum(worker.sizes) for worker in fake_workers) == 58  # each job sent once


def test_one_large_style_keeps_two_workers_busy(fake_workers):
    work = batches([60])
    pool = WorkerPool(Path("."), 2, chunk_size=5)
    assert pool.format(work) == expected(work)
    assert pool.started == 2
    assert [worker.built for worker in fake_workers] == [["key0"], ["key0"]]
    assert all(worker.sizes for worker in fake_workers)


def test_styles_stay_built_in_their_workers_from_one_call_to_the_next(fake_workers):
    pool = WorkerPool(Path("."), 2, chunk_size=100)
    pool.format(batches([3, 3, 3, 3]))
    built = [sorted(worker.built) for worker in fake_workers]
    assert sorted(key for keys in built for key in keys) == ["key0", "key1", "key2", "key3"]  # each once
    again = batches([1, 1, 1, 1])
    assert pool.format(again) == expected(again)
    assert [sorted(worker.built) for worker in fake_workers] == built  # nothing built again


def test_the_first_failing_job_in_order_is_reported_and_the_pool_stays_usable(fake_workers):
    pool = WorkerPool(Path("."), 3, chunk_size=2)
    for _ in range(5):  # the same error whichever chunk happens to fail first
        with pytest.raises(CitationEngineError, match=r"'style1'.*item3"):
            pool.format(batches([10, 10, 10], broken={(1, 3), (1, 8), (2, 0)}))
    work = batches([4, 4])
    assert pool.format(work) == expected(work)


def test_default_workers_follow_the_cores_within_a_cap(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert default_workers() == MAX_WORKERS
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0}, raising=False)
    assert default_workers() == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert default_workers() == 2
