"""Sharded search index: stable shard assignment, the per-shard cache, and the global sort table."""

from __future__ import annotations

import asyncio
import gc
import json
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

import archivist.search.index as search
from archivist.config import SiteConfig
from archivist.search.index import build_index
from archivist.search.bundle import unpack, unpack_json
from archivist.search.cache import ENTRY_KIND, PREVIEW_SHARD_SIZE, ShardCache, decode, encode
from archivist.util.cacheentry import SUFFIX, seal
from archivist.search.order import sort_values
from archivist.search.shards import plan_shards, shard_count, shard_of

BASE_URL = "https://example.org/archive/"
SHARD_SIZE = 3  # 12 pages -> 4 shards


def page(slug: str, date: str, words: str, journal: str = "Ledger") -> tuple[str, bytes]:
    html = f"""<!DOCTYPE html><html lang="en"><head><title>{slug}</title></head><body>
<article data-pagefind-body><h1 data-pagefind-meta="title">{slug}</h1>
<div hidden data-pagefind-ignore><span data-pagefind-filter="journal">{journal}</span>
<span data-pagefind-sort="date">{date}</span></div><p>{words}</p></article></body></html>"""
    return f"articles/{slug}/index.html", html.encode("utf-8")


# Dates repeat on purpose: ties are ordered by site path, as in one index.
PAGES = [page(f"article-{i:02d}", f"20{10 + i % 5}-0{1 + i % 3}-01", f"common words number{i}",
              journal="Ledger" if i % 2 else "Letter") for i in range(12)]


@pytest.fixture
def config(tmp_path: Path) -> SiteConfig:
    return SiteConfig(root=tmp_path, base_url=BASE_URL)


@pytest.fixture
def indexed(monkeypatch) -> list[list[str]]:
    """The site paths each Pagefind run indexed, one list per run."""
    runs: list[list[str]] = []
    real = search._index_in_memory

    async def counting(pages, config, done=None, building=None):
        runs.append([path for path, _ in pages])
        return await real(pages, config, done, building)

    monkeypatch.setattr(search, "_index_in_memory", counting)
    return runs


def cache_folder(config: SiteConfig) -> Path:
    return config.cache_dir / "search" / f"size-{SHARD_SIZE}"


def cache_entries(config: SiteConfig) -> set[str]:
    return {p.name for p in cache_folder(config).iterdir()}


# ---------- assignment


def test_shard_count_is_the_least_power_of_two_that_fits():
    assert [shard_count(n, 1000) for n in (0, 1, 199, 1001, 2500, 4001, 10_000)] == [1, 1, 1, 2, 4, 8, 16]
    assert [shard_count(n, 100) for n in (0, 100, 101, 400, 401)] == [1, 1, 2, 4, 8]


def test_an_archive_of_two_hundred_pages_or_more_has_two_shards_for_two_cores():
    assert [shard_count(n, 1000) for n in (199, 200, 1000)] == [1, 2, 2]
    assert shard_count(200, 10_000) == 2
    assert shard_count(10_000, 20_000) == 2


def test_the_default_shard_size_keeps_each_pagefind_process_within_a_gigabyte_and_a_half():
    """Each Pagefind process holds one shard, about PAGEFIND_BYTES_PER_PAGE per long page at its peak,
    so the largest shard the default makes bounds the build's memory at every size of archive, not
    only at the sizes the benchmark measures: two shards of about 1,000 pages at 2,000 articles
    peaked at 4.0 GiB for the whole build."""
    default = SiteConfig(root=Path(".")).search_shard_size
    for articles in (200, 1000, 1250, 1251, 1600, 2000, 2500, 3000, 4000, 5000, 7000, 10_000):
        pages = [(f"articles/article-{n:05d}/index.html", b"") for n in range(articles)]
        largest = max(len(shard.pages) for shard in plan_shards(pages, default))
        assert largest * search.PAGEFIND_BYTES_PER_PAGE <= 1.5 * 2**30, (articles, largest)
    # The sizes the benchmark measures keep the shards they had: 2 at 1,000, 8 at 5,000, 16 at 10,000.
    assert [shard_count(n, default) for n in (1000, 5000, 10_000)] == [2, 8, 16]


def test_doubling_the_shards_splits_each_one_in_two():
    paths = [f"articles/a{i}/index.html" for i in range(500)]
    for count in (1, 2, 4, 8):
        for path in paths:
            assert shard_of(path, 2 * count) in (shard_of(path, count), shard_of(path, count) + count)


def test_adding_articles_moves_no_other_article():
    before = {path: shard.number for shard in plan_shards(PAGES[:11], SHARD_SIZE) for path, _ in shard.pages}
    grown = PAGES[:11] + [page("article-new", "2020-01-01", "new")]  # still 4 shards
    after = {path: shard.number for shard in plan_shards(grown, SHARD_SIZE) for path, _ in shard.pages}
    assert {path: after[path] for path in before} == before
    assert len(set(before.values())) >= 3


def test_every_page_is_in_exactly_one_shard_and_the_first_is_primary():
    shards = plan_shards(list(reversed(PAGES)), SHARD_SIZE)
    listed = [path for shard in shards for path, _ in shard.pages]
    assert sorted(listed) == sorted(path for path, _ in PAGES)
    assert [shard.primary for shard in shards] == [True] + [False] * (len(shards) - 1)
    assert all(list(shard.pages) == sorted(shard.pages) for shard in shards)


# ---------- the joined bundle


def test_one_shard_has_no_shard_folders_and_no_order_table(config):
    files = build_index(PAGES, config)
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    assert entry["archivist_shards"] == {"bundles": [], "order": None, "directory": "directory/", "pages": len(PAGES)}
    assert not any(path.startswith("pagefind/shard-") or "/order." in path for path in files)
    assert all("_s" not in path.rsplit("/", 1)[-1] for path in files if path.endswith(".pf_fragment"))


def test_shards_are_listed_and_hold_only_index_data(config):
    files = build_index(PAGES, config, shard_size=SHARD_SIZE)
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    bundles = entry["archivist_shards"]["bundles"]
    assert len(bundles) >= 3
    for folder in bundles:
        inside = [p[len(f"pagefind/{folder}"):] for p in files if p.startswith(f"pagefind/{folder}")]
        assert "pagefind-entry.json" in inside
        assert not [p for p in inside if p.endswith((".js", ".pagefind"))], inside
    pages = sum(json.loads(files[f"pagefind/{f}pagefind-entry.json"])["languages"]["en"]["page_count"]
                for f in ["", *bundles])
    assert pages == len(PAGES)


def test_page_ids_name_their_shard_and_their_fragment(config):
    files = build_index(PAGES, config, shard_size=SHARD_SIZE)
    bundles = json.loads(files["pagefind/pagefind-entry.json"])["archivist_shards"]["bundles"]
    for folder in ["", *bundles]:
        meta = unpack(next(d for p, d in files.items() if p.startswith(f"pagefind/{folder}pagefind.")
                           and p.endswith(".pf_meta") and p.count("/") == 1 + folder.count("/")))
        for page_id, _words in meta[1]:
            if not page_id:
                continue  # a placeholder that gives the shard the archive's page count
            number = int(page_id.split("_s", 1)[1].split("-", 1)[0])
            assert (folder or "") == ("" if folder == "" else f"shard-{number:03d}/")
            assert f"pagefind/{folder}fragment/{page_id}.pf_fragment" in files


def test_the_order_table_gives_every_page_its_global_date_rank(config):
    files = build_index(PAGES, config, shard_size=SHARD_SIZE)
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    table = json.loads(files[f"pagefind/{entry['archivist_shards']['order']}"])["date"]
    expected = sorted(PAGES, key=lambda p: (sort_values(p[1])["date"], p[0]))
    for shard in plan_shards(PAGES, SHARD_SIZE):
        ranks, rank = [], -1
        for gap in table[shard.number]:
            rank += gap
            ranks.append(rank)
        # the shard's pages in date order are exactly the pages at those global ranks
        local = sorted(shard.pages, key=lambda p: (sort_values(p[1])["date"], p[0]))
        assert [expected[r][0] for r in ranks] == [path for path, _ in local]


def test_a_spooling_build_stows_each_shards_pages_words_and_filters_as_the_shard_is_ready(config, tmp_path, monkeypatch):
    plain = build_index(PAGES, config, shard_size=SHARD_SIZE)
    stowed: dict[str, Path] = {}
    at_each_run: list[int] = []

    def stow(site_path: str, data: bytes) -> Path:
        target = tmp_path / "spool" / f"{len(stowed)}.bin"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        stowed[site_path] = target
        return target

    real = search._index_in_memory
    sizes = [len(shard.pages) for shard in plan_shards(PAGES, SHARD_SIZE)]
    before = [sum(sizes[:k]) for k in range(len(sizes))]  # pages of the shards indexed before the k-th

    async def counting(pages, config, done=None, building=None):
        # One shard at a time (workers=1): the shards indexed before this one go to the stow while
        # it is indexed, not once every shard is done. Wait for them, at most ten seconds.
        for _ in range(1000):
            if sum(1 for path in stowed if "/fragment/" in path) >= before[len(at_each_run)]:
                break
            await asyncio.sleep(0.01)
        at_each_run.append(sum(1 for path in stowed if "/fragment/" in path))
        return await real(pages, config, done, building)

    monkeypatch.setattr(search, "_index_in_memory", counting)
    for cached in (False, True):  # indexed, then every shard from the cache
        stowed.clear()
        if not cached:
            for entry in cache_folder(config).iterdir():
                entry.unlink()
        files = build_index(PAGES, config, shard_size=SHARD_SIZE, workers=1, stow=stow)
        assert files.keys() == plain.keys()
        for path, data in files.items():
            held = data.read_bytes() if isinstance(data, Path) else data
            assert held == plain[path], path
            # A shard's own; the shard directory is made when the shards are joined, and kept.
            bulk = path.split("/")[-2] in ("fragment", "index", "filter") and not path.startswith("pagefind/directory/")
            assert isinstance(data, Path) == bulk, path
            assert not bulk or stowed[path] == data
    # One run per shard (the second build indexed nothing), and each saw the pages of every shard
    # indexed before it stowed, and no others.
    assert at_each_run == before


# ---------- the cache


@pytest.mark.parametrize("workers", [2, 4])
def test_pagefind_processes_add_pages_together_and_at_most_half_build_at_once(config, monkeypatch, workers):
    """Building is when a Pagefind process needs most memory, and shards of equal size reach it
    together. From its request for the files until it has stopped, a process counts as building;
    at most half of the processes (at least one) do at once, while others add their pages."""
    from archivist.search.service import PromptService

    live: set[int] = set()
    building: set[int] = set()
    most_live, overlaps = [0], []
    launch, submit, stop = PromptService.launch, PromptService.submit, PromptService.stop

    async def launching(self):
        started = await launch(self)
        live.add(id(self))
        most_live[0] = max(most_live[0], len(live))
        return started

    def submitting(self, payload):
        if payload.get("type") == "GetFiles":
            overlaps.append(sorted(building))
            building.add(id(self))
        return submit(self, payload)

    async def stopping(self, *args, **kwargs):
        try:
            return await stop(self, *args, **kwargs)
        finally:
            live.discard(id(self))
            building.discard(id(self))

    monkeypatch.setattr(PromptService, "launch", launching)
    monkeypatch.setattr(PromptService, "submit", submitting)
    monkeypatch.setattr(PromptService, "stop", stopping)
    files = build_index(PAGES, config, shard_size=SHARD_SIZE, workers=workers)
    assert len(overlaps) == 4  # one request for the files per shard
    assert max(len(others) for others in overlaps) < workers // 2  # each asked with fewer than half building
    assert most_live[0] >= 2  # yet processes were at work at once
    assert "pagefind/pagefind-entry.json" in files


def test_a_second_build_indexes_nothing_and_gives_the_same_bytes(config, indexed):
    first = build_index(PAGES, config, shard_size=SHARD_SIZE)
    assert sorted(path for run in indexed for path in run) == sorted(path for path, _ in PAGES)
    assert len(indexed) == len(plan_shards(PAGES, SHARD_SIZE))
    indexed.clear()
    assert build_index(PAGES, config, shard_size=SHARD_SIZE) == first
    assert indexed == []


def test_changing_one_article_reindexes_only_its_shard_and_prunes_the_old_entry(config, indexed):
    build_index(PAGES, config, shard_size=SHARD_SIZE)
    before = cache_entries(config)
    indexed.clear()
    changed = list(PAGES)
    changed[5] = page("article-05", "2011-01-01", "rewritten text")
    build_index(changed, config, shard_size=SHARD_SIZE)
    shard = next(s for s in plan_shards(changed, SHARD_SIZE) if any(p == PAGES[5][0] for p, _ in s.pages))
    assert indexed == [[path for path, _ in shard.pages]]
    after = cache_entries(config)
    assert len(after) == len(before) and len(after - before) == 1


def test_the_same_pages_give_the_same_bytes_from_a_fresh_cache(tmp_path):
    one = build_index(PAGES, SiteConfig(root=tmp_path / "a", base_url=BASE_URL), shard_size=SHARD_SIZE)
    two = build_index(list(reversed(PAGES)), SiteConfig(root=tmp_path / "b", base_url=BASE_URL), shard_size=SHARD_SIZE)
    assert one == two


def test_a_damaged_cache_entry_is_indexed_again(config, indexed):
    first = build_index(PAGES, config, shard_size=SHARD_SIZE)
    victim = sorted(cache_folder(config).iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:-10])
    indexed.clear()
    assert build_index(PAGES, config, shard_size=SHARD_SIZE) == first
    assert len(indexed) == 1


def test_a_cache_that_cannot_be_written_only_costs_time(config, indexed):
    cache_folder(config).parent.mkdir(parents=True)
    cache_folder(config).write_text("a file where the folder should be")
    first = build_index(PAGES, config, shard_size=SHARD_SIZE)
    runs = len(indexed)
    assert build_index(PAGES, config, shard_size=SHARD_SIZE) == first
    assert len(indexed) == 2 * runs


def test_the_base_url_is_part_of_the_key(tmp_path, indexed):
    build_index(PAGES, SiteConfig(root=tmp_path, base_url=BASE_URL), shard_size=SHARD_SIZE)
    indexed.clear()
    files = build_index(PAGES, SiteConfig(root=tmp_path, base_url="https://other.org/"), shard_size=SHARD_SIZE)
    assert indexed
    urls = [unpack_json(d)["url"] for p, d in files.items() if p.endswith(".pf_fragment")]
    assert all(url.startswith("/articles/") for url in urls)


def test_a_shards_answer_is_let_go_once_the_shard_is_settled_without_waiting_for_a_collection(config, monkeypatch):
    """What Python holds grows, from one shard to the next, by what each settled shard keeps (its
    script, wasm, metadata and words) and no more: the rest of its answer from Pagefind is freed
    at once. Bound in a frame that a cancellation's traceback keeps, every shard's whole answer
    stayed until a full collection (at 5,000 articles, tens of megabytes more each shard). The
    cycle collector is off here, so only reference counts free anything."""
    held: list[int] = []
    kept: list[int] = []
    real = search._stowed

    def measured(shard, files, stow):
        held.append(tracemalloc.get_traced_memory()[0])
        bundle = real(shard, files, stow)
        kept.append(sum(len(data) for data in bundle.values() if isinstance(data, bytes)))
        return bundle

    monkeypatch.setattr(search, "_stowed", measured)
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        build_index(PAGES, config, shard_size=SHARD_SIZE, workers=1, stow=lambda path, data: Path(path))
    finally:
        tracemalloc.stop()
        if enabled:
            gc.enable()
    assert len(held) == 4
    # Each stopped service's own objects (a few tens of KB) also wait for a collection: room for them.
    assert held[-1] - held[0] < sum(kept[:-1]) + 3 * 100_000, f"held {held}, kept {kept}"


def test_cache_blobs_round_trip_and_refuse_truncation(tmp_path):
    files = {"a.json": b"{}", "fragment/x.pf_fragment": bytes(range(256))}
    blob = encode(files)
    assert decode(blob) == files
    assert decode(blob[:-1]) is None
    assert decode(b"other" + blob) is None
    cache = ShardCache(tmp_path / "c")
    cache.store("k1", files)
    cache.store("k2", {})
    # written file by file, an entry has the very bytes of the blob sealed whole: earlier entries still load
    assert (tmp_path / "c" / f"k1{SUFFIX}").read_bytes() == seal(ENTRY_KIND, "k1", blob, "k1")
    assert cache.load("k1") == files
    cache.prune({"k2"})
    assert cache.load("k1") is None and cache.load("k2") == {}


def test_build_and_preview_shard_sizes_keep_their_own_cache(config, indexed):
    config = replace(config, search_shard_size=SHARD_SIZE)
    build_index(PAGES, config, shard_size=SHARD_SIZE)
    build_index(PAGES, config, shard_size=PREVIEW_SHARD_SIZE)
    indexed.clear()
    build_index(PAGES, config, shard_size=SHARD_SIZE)
    assert indexed == []  # the preview's small shards did not prune the build's
    build_index(PAGES, config, shard_size=PREVIEW_SHARD_SIZE)
    assert indexed == []  # nor the build's the preview's


def test_a_build_removes_the_cache_of_a_shard_size_no_longer_used(config, indexed):
    """A site whose shard size changed (or whose default did) would otherwise keep the old size's
    bundles for ever, a whole archive's worth, in every cache restored between CI runs."""
    before = replace(config, search_shard_size=5)  # the size this site used before
    root = config.cache_dir / "search"
    build_index(PAGES, before, shard_size=PREVIEW_SHARD_SIZE)
    build_index(PAGES, before, shard_size=5)
    assert sorted(path.name for path in root.iterdir()) == [f"size-{PREVIEW_SHARD_SIZE}", "size-5"]
    (root / "notes").mkdir()  # not a size's folder: left alone
    config = replace(config, search_shard_size=SHARD_SIZE)
    build_index(PAGES, config, shard_size=SHARD_SIZE)
    assert sorted(path.name for path in root.iterdir()) == ["notes", f"size-{PREVIEW_SHARD_SIZE}", f"size-{SHARD_SIZE}"]
    indexed.clear()
    build_index(PAGES, config, shard_size=PREVIEW_SHARD_SIZE)
    assert indexed == []  # the preview's entries were kept
