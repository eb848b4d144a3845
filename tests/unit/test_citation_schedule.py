"""Which Node worker formats which chunk of citation work: styles stay where they are built,
and only a style with much work left is built a second time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archivist.citations.schedule import ChunkPlan, split


def jobs(count: int, style: str = "s") -> list[dict]:
    return [{"item": {"id": f"{style}-{n}"}} for n in range(count)]


def plan(sizes: list[int], chunk: int, share_from: int, held: list[set[str]] | None = None) -> ChunkPlan:
    keys = [f"style{n}" for n in range(len(sizes))]
    chunks = [split(n, jobs(size, keys[n]), chunk) for n, size in enumerate(sizes)]
    return ChunkPlan(keys, chunks, held if held is not None else [set(), set()], share_from)


def test_split_keeps_order_and_bounds_each_chunk():
    work = jobs(7)
    chunks = split(3, work, 3)
    assert [(c.batch, c.start, len(c.jobs)) for c in chunks] == [(3, 0, 3), (3, 3, 3), (3, 6, 1)]
    assert [job for c in chunks for job in c.jobs] == work
    assert split(0, [], 3) == []
    assert [len(c.jobs) for c in split(0, work, 0)] == [1] * 7  # a size below one means one job each


def test_small_styles_are_spread_over_workers_and_never_built_twice():
    chunks = plan([4, 4, 4, 4], chunk=100, share_from=200)
    first = [chunks.next_for(0), chunks.next_for(1)]
    assert [c.batch for c in first] == [0, 1]
    # Worker 0 finishes first: it takes the next style nobody holds, then the last one.
    assert chunks.next_for(0).batch == 2
    assert chunks.next_for(1).batch == 3
    assert chunks.next_for(0) is None and chunks.next_for(1) is None


def test_a_worker_keeps_to_the_styles_it_already_holds():
    chunks = plan([1, 1, 1, 1], chunk=100, share_from=200, held=[{"style2", "style3"}, {"style0", "style1"}])
    assert sorted([chunks.next_for(0).batch, chunks.next_for(0).batch]) == [2, 3]
    assert chunks.next_for(0) is None  # styles 0 and 1 are small: not worth building here
    assert sorted([chunks.next_for(1).batch, chunks.next_for(1).batch]) == [0, 1]


def test_one_large_style_is_shared_by_every_worker_until_little_is_left():
    chunks = plan([10], chunk=2, share_from=4)
    taken = [(worker, chunks.next_for(worker)) for worker in (0, 1, 0, 1)]
    assert [(worker, c.start) for worker, c in taken] == [(0, 0), (1, 2), (0, 4), (1, 6)]
    assert chunks.next_for(1).start == 8  # worker 1 already holds the style
    assert chunks.next_for(0) is None


def test_a_worker_without_the_style_does_not_build_it_for_a_little_work():
    chunks = plan([5], chunk=2, share_from=4)
    assert chunks.next_for(0).start == 0
    assert chunks.next_for(1) is None  # only three jobs left: fewer than share_from
    assert [chunks.next_for(0).start, chunks.next_for(0).start, chunks.next_for(0)] == [2, 4, None]


def test_after_a_failure_only_earlier_chunks_are_handed_out():
    chunks = plan([6, 6, 6], chunk=2, share_from=1, held=[set(), set(), set()])
    taken = [chunks.next_for(0), chunks.next_for(1), chunks.next_for(2)]
    assert [(c.batch, c.start) for c in taken] == [(0, 0), (1, 0), (2, 0)]
    chunks.failed(taken[1])  # batch 1's first chunk: batch 0 might still fail first
    rest = [chunks.next_for(worker) for worker in (0, 0, 1, 2)]
    assert [(c.batch, c.start) for c in rest[:2]] == [(0, 2), (0, 4)]
    assert rest[2:] == [None, None] and chunks.next_for(0) is None


@settings(max_examples=200, deadline=None)
@given(sizes=st.lists(st.integers(0, 30), min_size=1, max_size=5), chunk=st.integers(1, 8),
       share_from=st.integers(1, 40), asks=st.lists(st.integers(0, 2), min_size=1, max_size=60))
def test_every_chunk_is_handed_out_exactly_once_whoever_asks(sizes, chunk, share_from, asks):
    chunks = plan(sizes, chunk, share_from, held=[set(), set(), set()])
    taken = []
    for worker in asks + [0, 1, 2] * 100:  # then every worker asks until nothing is left for it
        found = chunks.next_for(worker)
        if found is not None:
            taken.append((found.batch, found.start, len(found.jobs)))
    expected = [(c.batch, c.start, len(c.jobs)) for n, size in enumerate(sizes) for c in split(n, jobs(size), chunk)]
    assert sorted(taken) == sorted(expected)
