"""Index the rendered article pages with Pagefind, from memory, into bundle files for the commit."""

from __future__ import annotations

import asyncio
from collections import deque
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Coroutine, TypeVar

from pagefind.index import IndexConfig, PagefindIndex

from archivist.config import SEARCH_SHARD_SIZE, SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.search.bundle import BundleFormatError, canonicalise, tag_pages, trim_fragments
from archivist.search.cache import PREVIEW_SHARD_SIZE, ShardCache, cache_key, remove_other_sizes, size_folder
from archivist.search.directory import WORDS_FILE, with_vocabulary
from archivist.search.feed import feed_html
from archivist.search.order import order_file
from archivist.search.service import PromptService, ProcessLost, SearchIndexError
from archivist.search.shards import BUNDLE_DIR, SHARD_DATA_FOLDERS, Shard, join_bundles, page_bytes, plan_shards
from archivist.util.engines import PAGEFIND, EngineFailure, allowance, timed_out
from archivist.util.workers import worker_count

T = TypeVar("T")
Done = Callable[[int], None]  # told how many more pages are indexed
# Given a bundle file's site path and bytes, what the build keeps of it: the bytes, or the file
# they were written to (a large build's spool). See _stowed.
Stow = Callable[[str, bytes], "bytes | Path"]
Bundle = dict[str, "bytes | Path"]
Settle = Callable[[Shard, dict[str, bytes]], Bundle]  # what is kept of a shard's bundle, once it is ready
CACHE_FOLDER = "search"
PAGEFIND_BYTES_PER_PAGE = 2_200_000  # peak of a Pagefind process per 6,000-word article (2.1-2.2 MB measured)
PAGES_IN_FLIGHT = 8  # pages sent ahead of Pagefind's answers, so it never waits for the next one
# Seconds Pagefind may take per page of a shard, on top of engines.FLOOR_SECONDS: a long page takes
# under a tenth of a second, so only a hung or lost process meets this.
PAGE_SECONDS = 0.5
# Pagefind's ready-made interfaces; the archive ships its own accessible one (static/search.js).
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css",
    "pagefind-modular-ui.js", "pagefind-modular-ui.css",
)


def index_options(config: SiteConfig) -> IndexConfig:
    """One index for every article, whatever its language.

    By default Pagefind makes an index per page language and a page searches only its own, so
    the (English) search page would never find a Korean article. Merging the other indexes in
    the browser finds them, but then sorting by date only interleaves each index's own order
    and facet counts come from separate indexes; one index in the site's language keeps
    sorting, counts and downloads exact. The cost: other languages' words are not stemmed
    (Korean and Arabic words still match as written, and prefixes match).
    """
    return {
        "force_language": config.language.split("-")[0].lower(),
        "keep_index_url": False,
        "write_playground": False,
    }


def served_path(site_path: str) -> str:
    """'articles/x/index.html' is served as 'articles/x/'."""
    return site_path[: -len("index.html")] if site_path.endswith("index.html") else site_path


def build_index(pages: list[tuple[str, bytes | Path]], config: SiteConfig, *, shard_size: int = SEARCH_SHARD_SIZE,
                workers: int | None = None, done: Done | None = None,
                problems: list[Diagnostic] | None = None, stow: Stow | None = None) -> Bundle:
    """The search bundle for these pages, as {'pagefind/…': bytes}.

    Result URLs are the pages' served URLs (with the site's sub-path), so the search page must
    tell Pagefind `baseUrl: "/"`. The pages are split into shards of about `shard_size` (see
    search_shards); a shard whose pages, options and Pagefind are unchanged comes from the
    cache under config.cache_dir, the others are indexed, up to `workers` Pagefind processes at
    once (default: one per CPU). The bytes depend only on the pages, not on their order. `done(n)`
    as `n` more pages are indexed (a cached shard's all at once), from whichever thread runs Pagefind.
    A damaged cache entry adds one warning to `problems`. With `stow`, each shard's pages, word
    index and filters are handed to it as soon as the shard is ready (see _stowed).
    """
    shards = plan_shards(pages, shard_size)
    return joined_index(index_bundles(shards, config, shard_size, workers, prune=True, done=done, problems=problems,
                                      stow=stow))


def index_bundles(shards: list[Shard], config: SiteConfig, shard_size: int, workers: int | None = None,
                  prune: bool = False, done: Done | None = None, problems: list[Diagnostic] | None = None,
                  stow: Stow | None = None) -> list[tuple[Shard, Bundle]]:
    """Each shard with its bundle (paths relative to pagefind/), from the cache or indexed; with `prune`,
    the cache keeps only these shards (a build of some of the shards, one part of a site, keeps the others').
    A damaged cache entry adds one warning to `problems`; `stow`, see _stowed."""
    options = index_options(config)
    cache = ShardCache(size_folder(config.cache_dir / CACHE_FOLDER, shard_size))
    keys = {shard.number: _shard_key(shard, options, config) for shard in shards}
    bundles: dict[int, Bundle | None] = {}
    for shard in shards:
        loaded = cache.load(keys[shard.number], problems)
        bundles[shard.number] = None if loaded is None else _stowed(shard, loaded, stow)
    missing = [shard for shard in shards if bundles[shard.number] is None]
    if done is not None and len(missing) < len(shards):
        done(sum(len(shard.pages) for shard in shards if bundles[shard.number] is not None))

    def settle(shard: Shard, files: dict[str, bytes]) -> Bundle:
        cache.store(keys[shard.number], files)
        return _stowed(shard, files, stow)

    for shard, files in _index_shards(missing, config, workers or default_workers(missing), settle, done):
        bundles[shard.number] = files
    if prune:
        cache.prune(set(keys.values()))
        remove_other_sizes(config.cache_dir / CACHE_FOLDER, {shard_size, config.search_shard_size, PREVIEW_SHARD_SIZE})
    return [(shard, bundles[shard.number]) for shard in shards]


def _stowed(shard: Shard, files: dict[str, bytes], stow: Stow | None) -> Bundle:
    """The shard's bundle with its pages, word index and filters handed to `stow` (nearly all of its
    bytes), the rest kept: joining the shards reads only their metadata, entry files and words.

    A build that spools its pages stows these too, as each shard is ready: an archive's bundle is
    about 35 KB an article (169 MiB at 5,000), and held until the end it made the build's memory grow
    with the archive while Pagefind still indexed the last shards."""
    if stow is None:
        return files
    if WORDS_FILE not in files:
        files = with_vocabulary(files)  # read from the word index before it goes
    return {path: stow(f"{BUNDLE_DIR}/{shard.folder}{path}", data) if path.startswith(SHARD_DATA_FOLDERS) else data
            for path, data in files.items()}


def joined_index(joined: list[tuple[Shard, Bundle]]) -> Bundle:
    """The search bundle of every shard of the archive, each with its bundle as index_bundles gives it:
    a whole build's, or the bundles its parts indexed on other machines."""
    try:
        order = order_file(joined) if len(joined) > 1 else None
        return join_bundles(joined, order)
    except (BundleFormatError, ValueError, KeyError, IndexError, EOFError, OSError) as exc:
        raise SearchIndexError(f"unexpected Pagefind bundle layout ({exc})") from exc


def default_workers(shards: list[Shard]) -> int:
    """One Pagefind process per core, as long as that many fit in the memory available: Pagefind
    holds a shard's whole index while it works, about PAGEFIND_BYTES_PER_PAGE for each long page."""
    largest = max((len(shard.pages) for shard in shards), default=0)
    fitting = int(_available_memory() * 0.6 // max(1, largest * PAGEFIND_BYTES_PER_PAGE))
    return worker_count(len(shards), most=fitting, threshold=0)


def _available_memory() -> int:
    """MemAvailable from /proc/meminfo; where that cannot be read, assume room for one process per core."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 2**62


def _shard_key(shard: Shard, options: IndexConfig, config: SiteConfig) -> str:
    place = f"{shard.number}/{shard.count}/{'primary' if shard.primary else 'merged'}"
    try:
        return cache_key(((config.url_for(served_path(path)), html) for path, html in shard.pages), dict(options), place)
    except OSError as exc:
        raise SearchIndexError(f"a rendered page cannot be read ({exc})") from exc


def _index_shards(shards: list[Shard], config: SiteConfig, workers: int, settle: Settle, done: Done | None = None
                  ) -> list[tuple[Shard, Bundle]]:
    """Each shard's bundle (paths relative to pagefind/), indexed `workers` at a time, as `settle`
    keeps it (called as each shard is ready)."""
    if not shards:
        return []
    try:
        return _run_apart(lambda: _index_all(shards, config, workers, settle, done))
    except SearchIndexError:
        raise
    except (ConnectionError, BrokenPipeError) as exc:
        raise SearchIndexError(f"the Pagefind process stopped answering ({exc})") from exc
    except (OSError, ValueError, RuntimeError, AssertionError, asyncio.TimeoutError) as exc:
        raise SearchIndexError(f"building the search index failed: {exc}") from exc


def _run_apart(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end, in a thread of its own when this one already runs an event loop
    (a caller that is itself asynchronous, or a browser driver in the same test session)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_to_end(make_coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_run_to_end, make_coroutine).result()


def _run_to_end(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run`, with the result handed back beside the main task rather than as its result. On
    the main thread, `asyncio.run` puts back its Ctrl-C handler when it ends and Python 3.11 then
    writes out that handler, the task and its result with `repr`: for a search bundle, every page
    and every file, about half a second per thousand pages."""
    kept: list[T] = []

    async def main() -> None:
        kept.append(await make_coroutine())

    asyncio.run(main())
    return kept[0]


async def _index_all(shards: list[Shard], config: SiteConfig, workers: int, settle: Settle, done: Done | None = None
                     ) -> list[tuple[Shard, Bundle]]:
    """One Pagefind process per shard (each holds only its shard's index), `workers` at once, and at
    most half of them (at least one) building their indexes (see _index_in_memory)."""
    slots, building = asyncio.Semaphore(max(1, workers)), asyncio.Semaphore(max(1, workers // 2))

    async def one(shard: Shard) -> tuple[Shard, Bundle]:
        async with slots:
            files = await _index_shard(shard, config, done, building)
        return shard, settle(shard, _keep_bundle(files, shard.tag))

    tasks = [asyncio.ensure_future(one(shard)) for shard in shards]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()  # after a failure, stop the shards still waiting for a slot


async def _index_shard(shard: Shard, config: SiteConfig, done: Done | None = None,
                       building: asyncio.Semaphore | None = None) -> dict[str, bytes]:
    """One shard's bundle, within a deadline that grows with its pages; a process that dies, hangs or
    writes garbage stops the build with an EngineFailure naming the shard."""
    pages = list(shard.pages)
    seconds = allowance(len(pages), PAGE_SECONDS)
    doing = f"indexing search shard {shard.number + 1} of {shard.count} ({len(pages)} page{'s' * (len(pages) != 1)})"
    try:
        return await asyncio.wait_for(_index_in_memory(pages, config, done, building), timeout=seconds)
    except asyncio.TimeoutError:
        raise EngineFailure(PAGEFIND, doing, timed_out(seconds)) from None
    except ProcessLost as exc:
        raise EngineFailure(PAGEFIND, doing, exc.reason) from None


async def _index_in_memory(pages: list[tuple[str, bytes | Path]], config: SiteConfig, done: Done | None = None,
                           building: asyncio.Semaphore | None = None) -> dict[str, bytes]:
    """The bundle as Pagefind hands it over in memory.

    Not write_files(): Pagefind 1.5.2 answers before its last disk writes have finished, so
    stopping it straight after can leave a truncated file; the in-memory answer is complete.

    `building`, shared by the processes of one build, lets only so many of them build their indexes
    and hand them over at once, each from its request until it has stopped. Building is when a
    Pagefind process needs about four times the memory it holds while pages are added, and shards
    of equal size reach it together: two processes building at once made a 5,000-article build on
    two cores peak at 2.7 GiB, one at a time at 1.9-2.0 GiB in about the same time. Building and
    adding each keep one core busy, so the processes waiting to build leave their cores to those
    adding pages and to the build's own threads; with no shard left to add (two shards on two
    cores) the wait is the price, a few seconds at 1,000 articles.
    """
    service = await PromptService().launch()
    failed, held = True, False
    try:
        index = await service.create_index(index_options(config))
        pending: deque[tuple[str, asyncio.Future[dict[str, Any]]]] = deque()
        for site_path, html in pages:
            pending.append((site_path, service.submit(_add_request(index, site_path, html, config))))
            await service.drained()
            if len(pending) >= PAGES_IN_FLIGHT:
                await _added(*pending.popleft(), done)
        while pending:
            await _added(*pending.popleft(), done)
        if building is not None:
            await building.acquire()
            held = True
        answer = await service.submit({"type": "GetFiles", "index_id": index._index_id})
        if answer.get("type") != "GetFiles":
            raise SearchIndexError(f"Pagefind gave an unexpected answer ({answer.get('type')})")
        files = {item["path"]: item["content"] for item in answer["files"]}  # decoded as they arrived
        failed = False
        return files
    except ConnectionError:  # the pipe to it broke: the reader tells how the process ended
        raise await service.lost() from None
    finally:
        try:
            await service.stop(failed)
        finally:
            if held:
                building.release()  # type: ignore[union-attr]


def _add_request(index: PagefindIndex, site_path: str, html: bytes | Path, config: SiteConfig) -> dict[str, Any]:
    """The service's request to index one page, as Pagefind's wrapper sends it."""
    try:
        text = feed_html(page_bytes(html)).decode("utf-8")
    except OSError as exc:
        raise SearchIndexError(f"the rendered page cannot be read ({exc})", site_path) from exc
    except UnicodeDecodeError as exc:
        raise SearchIndexError(f"not UTF-8 HTML ({exc})", site_path) from exc
    return {"type": "AddFile", "index_id": index._index_id, "url": config.url_for(served_path(site_path)),
            "file_contents": text, "file_path": None}


async def _added(site_path: str, answer: "asyncio.Future[dict[str, Any]]", done: Done | None = None) -> None:
    """Wait for Pagefind's answer to one page; a refusal names the page; `done(1)` once it is indexed."""
    try:
        result = await answer
    except SearchIndexError as exc:
        raise SearchIndexError(exc.message, site_path) from exc
    if result.get("type") != "IndexedFile":
        raise SearchIndexError(f"Pagefind gave an unexpected answer ({result.get('type')})", site_path)
    if done is not None:
        done(1)


def _keep_bundle(files: dict[str, bytes], tag: str = "") -> dict[str, bytes]:
    """The files a shard publishes (paths relative to its folder), in a reproducible form, its
    page ids carrying `tag` when there is one, and the words it indexes (for the directory)."""
    kept = {f"{BUNDLE_DIR}/{path.lstrip('/')}": data for path, data in sorted(files.items())
            if path.lstrip("/") not in UNUSED_BUNDLE_FILES}
    if f"{BUNDLE_DIR}/pagefind-entry.json" not in kept:
        raise SearchIndexError(f"Pagefind returned no index (files: {', '.join(sorted(files)[:5])})")
    try:
        trimmed = trim_fragments(kept)
        bundle = canonicalise(tag_pages(trimmed, tag) if tag else trimmed)
        return with_vocabulary({path[len(BUNDLE_DIR) + 1:]: data for path, data in bundle.items()})
    except (BundleFormatError, ValueError, KeyError, IndexError, EOFError, OSError) as exc:
        raise SearchIndexError(f"unexpected Pagefind bundle layout ({exc})") from exc


def search_diagnostic(exc: SearchIndexError) -> Diagnostic:
    """The failure as a diagnostic, so the command line reports it like any other problem."""
    return error(exc.path or "pyproject.toml", 1, "search.index", exc.message)
