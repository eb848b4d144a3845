"""build_index on small generated pages: real Pagefind binary, bundle read back from bytes."""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from pagefind.service import _must_get_executable

from archivist.config import SiteConfig
from archivist.util.engines import EngineFailure
from archivist.search.index import SearchIndexError, build_index, search_diagnostic, served_path
from archivist.search.service import ALLOCATOR_SETTINGS, ALLOCATOR_VARIABLE, PromptService, engine_environment
from archivist.search.bundle import cbor_decode, cbor_encode, pack_json, trim_fragments, unpack, unpack_json

BASE_URL = "https://example.org/archive/"


def article_html(slug: str, title: str, body: str, lang: str = "en", authors=("Ana Lucía Ferreira",),
                 journal: str = "Ledger and Letter", year: str = "2021", keywords=("archives",)) -> bytes:
    filters = "".join(f'<span data-pagefind-filter="author">{a}</span>' for a in authors)
    filters += "".join(f'<span data-pagefind-filter="keyword">{k}</span>' for k in keywords)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title></head><body>
<nav>Home Articles Search</nav>
<article data-pagefind-body>
<h1 data-pagefind-meta="title">{title}</h1>
<div hidden data-pagefind-ignore>
  <span data-pagefind-meta="authors">{"; ".join(authors)}</span>
  <span data-pagefind-filter="journal">{journal}</span><span data-pagefind-filter="year">{year}</span>
  {filters}<span data-pagefind-sort="date">{year}-01-01</span>
</div>
<section data-pagefind-weight="2"><h2 id="{slug}-text">Text</h2><p id="{slug}-p1">{body}</p></section>
<section data-pagefind-ignore="all"><p>Cite as: nothing to index here</p></section>
</article></body></html>""".encode("utf-8")


PAGES = [
    ("articles/counting-barges/index.html",
     article_html("counting-barges", "Counting Barges on the Elbe", "Toll registers record every barge.",
                  authors=("Thomas R. Whitcombe, Jr.", "Hélène de Vaucourt"), keywords=("river trade", "tolls"))),
    ("articles/hojeok/index.html",
     article_html("hojeok", "호적대장 전산 자료의 인명 정규화", "조선 후기 호적대장은 3년마다 작성된 자료이다.", lang="ko",
                  authors=("박서연",), journal="동아시아 문서사 연구", year="2022", keywords=("호적대장",))),
    ("articles/letters/index.html",
     article_html("letters", "Letters in Transit", "Merchant letters crossed the sea.", year="2019")),
]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    return SiteConfig(root=tmp_path_factory.mktemp("site"), base_url=BASE_URL)


@pytest.fixture(scope="module")
def bundle(config: SiteConfig) -> dict[str, bytes]:
    return build_index(PAGES, config)


def fragments(files: dict[str, bytes]) -> list[dict]:
    out = []
    for path, data in files.items():
        if path.endswith(".pf_fragment"):
            out.append(json.loads(gzip.decompress(data)[len(b"pagefind_dcd"):]))
    return out


def filter_values(files: dict[str, bytes]) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for path, data in files.items():
        if path.endswith(".pf_filter"):
            name, entries = unpack(data)
            values.setdefault(name, set()).update(value for value, _pages in entries)
    return values


def test_bundle_paths_sit_under_pagefind_and_leave_out_unused_interfaces(bundle):
    assert bundle, "no files"
    assert all(path.startswith("pagefind/") for path in bundle)
    for needed in ("pagefind/pagefind.js", "pagefind/pagefind-entry.json", "pagefind/pagefind-highlight.js",
                   "pagefind/pagefind-worker.js"):
        assert needed in bundle
    assert not any("-ui." in path for path in bundle), sorted(bundle)


def test_same_pages_give_the_same_bytes_whatever_their_order(config, bundle):
    shuffled = PAGES[:]
    random.Random(7).shuffle(shuffled)
    again = build_index(shuffled, config)
    assert sorted(again) == sorted(bundle)
    changed = [path for path in bundle if again[path] != bundle[path]]
    assert changed == []


def test_result_urls_are_the_served_urls_under_the_sub_path(bundle):
    urls = sorted(fragment["url"] for fragment in fragments(bundle))
    assert urls == ["/archive/articles/counting-barges/", "/archive/articles/hojeok/", "/archive/articles/letters/"]


def test_every_language_goes_into_one_index(bundle):
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == 3


def test_filters_meta_and_sorts_are_recorded(bundle):
    values = filter_values(bundle)
    assert values["author"] == {"Thomas R. Whitcombe, Jr.", "Hélène de Vaucourt", "박서연", "Ana Lucía Ferreira"}
    assert values["journal"] == {"Ledger and Letter", "동아시아 문서사 연구"}
    assert values["year"] == {"2019", "2021", "2022"}
    assert "호적대장" in values["keyword"]
    meta_file = next(path for path in bundle if path.endswith(".pf_meta"))
    meta = unpack(bundle[meta_file])
    assert sorted(name for name, _chunk in meta[3]) == ["author", "journal", "keyword", "year"]
    assert [name for name, _pages in meta[4]] == ["date"]
    korean = next(f for f in fragments(bundle) if f["url"].endswith("/hojeok/"))
    assert korean["meta"]["title"] == "호적대장 전산 자료의 인명 정규화"
    assert korean["meta"]["authors"] == "박서연"


def test_ignored_parts_stay_out_of_the_text(bundle):
    texts = " ".join(fragment["content"] for fragment in fragments(bundle))
    assert "Toll registers" in texts
    assert "Cite as" not in texts
    assert "Home Articles" not in texts


def test_fragments_keep_the_text_and_only_the_headings_anchors(bundle):
    barges = next(f for f in fragments(bundle) if f["url"].endswith("/counting-barges/"))
    assert "Toll registers record every barge." in barges["content"]
    assert [(a["element"], a["id"]) for a in barges["anchors"]] == [("h2", "counting-barges-text")]


def test_trimming_drops_paragraph_anchors_and_keeps_names_and_untouched_bytes():
    heading = {"element": "h2", "id": "sources", "text": "Sources", "location": 3}
    paragraph = {"element": "p", "id": "p-4", "text": "A long paragraph repeated in full.", "location": 4}
    page = {"url": "/a/", "content": "Sources A long paragraph repeated in full.", "word_count": 7,
            "filters": {}, "meta": {"title": "A"}, "anchors": [heading, paragraph]}
    plain = {**page, "url": "/b/", "anchors": [heading]}
    files = {"pagefind/fragment/en_1.pf_fragment": pack_json(page),
             "pagefind/fragment/en_2.pf_fragment": pack_json(plain), "pagefind/pagefind.js": b"js"}
    trimmed = trim_fragments(files)
    assert sorted(trimmed) == sorted(files)
    assert unpack_json(trimmed["pagefind/fragment/en_1.pf_fragment"]) == {**page, "anchors": [heading]}
    assert trimmed["pagefind/fragment/en_2.pf_fragment"] == files["pagefind/fragment/en_2.pf_fragment"]
    assert trimmed["pagefind/pagefind.js"] == b"js"


def test_site_at_the_domain_root_gets_root_urls(tmp_path):
    config = SiteConfig(root=tmp_path, base_url="https://owner.github.io/")
    files = build_index(PAGES[:1], config)
    assert [f["url"] for f in fragments(files)] == ["/articles/counting-barges/"]


@pytest.fixture
def uncached(tmp_path: Path) -> SiteConfig:
    """A site whose search cache is empty, so every shard is indexed."""
    return SiteConfig(root=tmp_path, base_url=BASE_URL)


def test_a_missing_binary_is_a_search_index_error(uncached, monkeypatch, tmp_path):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match="no-such-pagefind"):
        build_index(PAGES, uncached)


def test_a_binary_that_dies_is_an_engine_failure_not_a_hang(uncached, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    with pytest.raises(EngineFailure, match="Pagefind failed while indexing search shard 1 of 1 .*exited with status 1"):
        build_index(PAGES, uncached)


def test_a_page_that_is_not_utf8_is_named(config):
    with pytest.raises(SearchIndexError) as caught:
        build_index([("articles/bad/index.html", b"<html>\xff\xfe</html>")], config)
    assert caught.value.path == "articles/bad/index.html"
    diagnostic = search_diagnostic(caught.value)
    assert diagnostic.code == "search.index" and diagnostic.path == "articles/bad/index.html"


def test_served_path_drops_index_html():
    assert served_path("articles/x/index.html") == "articles/x/"
    assert served_path("search/index.html") == "search/"


cbor_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=5),
    max_leaves=20,
)


@given(cbor_values)
def test_cbor_round_trips(value):
    assert cbor_decode(cbor_encode(value)) == value


def test_pages_given_as_files_index_to_the_same_bytes(uncached, bundle, tmp_path):
    files = []
    for number, (site_path, html) in enumerate(PAGES):
        stored = tmp_path / f"page-{number}.html"
        stored.write_bytes(html)
        files.append((site_path, stored))
    assert build_index(files, uncached) == bundle


def test_a_page_file_that_vanished_is_a_search_index_error(uncached, tmp_path):
    with pytest.raises(SearchIndexError, match="cannot be read"):
        build_index([("articles/gone/index.html", tmp_path / "gone.html")], uncached)


def test_a_binary_that_writes_garbage_and_dies_leaves_no_stray_warning(uncached, monkeypatch, tmp_path, caplog):
    """The process is signalled without being reaped, so asyncio's child watcher never finds it gone
    ("Unknown child process ..."), a line the build's one-line failure report must not carry."""
    garbage = tmp_path / "garbage-pagefind"
    garbage.write_text("#!/bin/sh\nprintf 'not-base64!,'\nexit 0\n")
    garbage.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(garbage))
    for _attempt in range(25):
        with pytest.raises(EngineFailure, match="it wrote something that is not an answer"):
            build_index(PAGES, uncached)
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []


def test_pagefinds_allocator_takes_the_settings_the_service_starts_it_with(monkeypatch):
    """The pinned binary's allocator reads the settings (a binary built with another allocator, or a
    variable of another name, would ignore them silently: the process would keep freed memory for
    ten seconds instead of three)."""
    monkeypatch.delenv(ALLOCATOR_VARIABLE, raising=False)
    environment = engine_environment()
    environment[ALLOCATOR_VARIABLE] += ",stats_print:true"  # jemalloc prints the settings it uses on exit
    printed = subprocess.run([str(_must_get_executable()), "--version"], env=environment, capture_output=True,
                             text=True, timeout=60, check=True).stderr
    assert "Invalid conf" not in printed
    assert "opt.dirty_decay_ms: 3000 " in printed
    assert "opt.muzzy_decay_ms: 0 " in printed


def test_a_machines_own_allocator_settings_are_kept(monkeypatch):
    monkeypatch.delenv(ALLOCATOR_VARIABLE, raising=False)
    assert engine_environment()[ALLOCATOR_VARIABLE] == ALLOCATOR_SETTINGS
    monkeypatch.setenv(ALLOCATOR_VARIABLE, "narenas:1")
    assert engine_environment()[ALLOCATOR_VARIABLE] == "narenas:1"


def test_the_service_process_runs_with_the_allocator_settings(monkeypatch):
    """Read from the running process itself: the settings reach Pagefind, not only the helper."""
    async def environment_of_a_running_service() -> bytes:
        service = await PromptService().launch()
        try:
            return Path(f"/proc/{service._backend.pid}/environ").read_bytes()
        finally:
            await service.stop(False)

    monkeypatch.delenv(ALLOCATOR_VARIABLE, raising=False)
    with ThreadPoolExecutor(max_workers=1) as thread:  # a loop of its own, whatever this thread runs
        seen = thread.submit(asyncio.run, environment_of_a_running_service()).result().split(b"\0")
    assert f"{ALLOCATOR_VARIABLE}={ALLOCATOR_SETTINGS}".encode() in seen
