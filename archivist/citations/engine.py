"""Formats CSL-JSON items with citeproc-js, each item alone, many per trip to warm Node workers."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from archivist.citations.cache import CitationCache, Entries, cache_key, canonical_json, item_file_name, setup_digest
from archivist.citations.nodeproc import engine_version, find_citeproc
from archivist.citations.pool import CHUNK_JOBS, Batch, StyleSpec, WorkerPool
from archivist.citations.schedule import Chunk
from archivist.citations.sanitize import SANITIZER_VERSION, clean_html, html_to_text
from archivist.citations.styles import Style, StyleLibrary, choose_locale, locales_for
from archivist.diagnostics import Diagnostic

# A locator no real paragraph number equals; pages swap it for the paragraph a reader cites.
PINPOINT_SENTINEL = "999999"
BIBLIOGRAPHY = {"op": "bibliography"}
PINPOINT = {"op": "citation", "locator": PINPOINT_SENTINEL, "label": "paragraph"}
Done = Callable[[int], None]  # told how many more items are finished


@dataclass(frozen=True)
class FormattedCitation:
    """One formatted reference: safe HTML (italics as <i>) and the same words as plain text."""

    html: str
    text: str


@dataclass(frozen=True)
class ItemCitations:
    """An item in one style: its reference-list entry and its paragraph citation template."""

    bibliography: FormattedCitation
    pinpoint: FormattedCitation


@dataclass(frozen=True)
class _Setup:
    """A style and locale resolved once: what a worker builds and what every cache key hashes."""

    spec: StyleSpec
    lang: str
    digest: str


@dataclass(frozen=True)
class _Ask:
    """One result wanted: item number `item` of the call, in a setup, as a request."""

    item: int
    setup: _Setup
    request: dict[str, str] = field(hash=False)


class CitationEngine:
    """citeproc-js behind a small API; Node starts only for results the disk cache lacks.

    Every `lang` below is the language an item is cited in (the site's, see
    styles.citation_language), not the item's own, which citeproc-js reads from the item.
    """

    def __init__(self, style_dirs: Sequence[Path] = (), locale_override: str | None = None,
                 cache_dir: Path | None = None, node_modules: Path | None = None, workers: int = 1,
                 chunk_size: int = CHUNK_JOBS):
        self._library = StyleLibrary(style_dirs)
        self._locale_override = locale_override
        self._cache = CitationCache(cache_dir) if cache_dir is not None else None
        citeproc = find_citeproc(node_modules)
        self._version = f"{engine_version(citeproc)}+sanitizer-{SANITIZER_VERSION}"
        self._pool = WorkerPool(citeproc, workers, chunk_size)
        self._styles: dict[str, Style] = {}
        self._setups: dict[tuple[str, str], _Setup] = {}

    def __enter__(self) -> CitationEngine:
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        self.close(failed=exc_type is not None)

    def close(self, failed: bool = False) -> None:
        """Stop the Node processes; after a failure at once, as the build stops (see WorkerPool.close)."""
        self._pool.close(failed)

    def cache_problems(self) -> list[Diagnostic]:
        """A warning for each damaged cache entry read since last asked (each entry was then a miss)."""
        return self._cache.take_problems() if self._cache else []

    @property
    def workers_started(self) -> int:
        """How many Node processes this engine has started: 0 when the cache had everything."""
        return self._pool.started

    def style(self, style_id: str) -> Style:
        """The resolved style; raises UnknownStyleError with a did-you-mean."""
        if style_id not in self._styles:
            self._styles[style_id] = self._library.find(style_id)
        return self._styles[style_id]

    def style_title(self, style_id: str) -> str:
        return self.style(style_id).title

    def cite_items(self, items: Sequence[dict[str, Any]], langs: Sequence[str], style_ids: Sequence[str],
                   done: Done | None = None, sources: Sequence[str] = ()) -> list[dict[str, ItemCitations]]:
        """Every item's entry and pinpoint template in every style, each item formatted alone;
        what the cache lacks goes to Node in requests of at most `chunk_size` items. `done(n)` as
        `n` more items have every result (from the cache at once, from Node as chunks come back).
        `sources`, each item's article file, lets an engine failure name the articles it was formatting."""
        asks = [_Ask(n, self._setup(style_id, lang), request)
                for n, lang in enumerate(langs) for style_id in style_ids for request in (BIBLIOGRAPHY, PINPOINT)]
        found = iter(self._resolve(items, asks, keep_others=False, done=done, sources=sources))
        return [{style_id: ItemCitations(next(found), next(found)) for style_id in style_ids} for _ in items]

    def bibliography(self, item: dict[str, Any], style_id: str, lang: str) -> FormattedCitation:
        """The item's reference-list entry."""
        return self.bibliographies([item], style_id, lang)[0]

    def bibliographies(self, items: Sequence[dict[str, Any]], style_id: str, lang: str) -> list[FormattedCitation]:
        """Each item's entry, formatted alone (no disambiguation across items), in one trip."""
        setup = self._setup(style_id, lang)
        return self._resolve(items, [_Ask(n, setup, BIBLIOGRAPHY) for n in range(len(items))])

    def citation(self, item: dict[str, Any], style_id: str, lang: str, locator: str,
                 label: str = "paragraph") -> FormattedCitation:
        """An in-text or (for note styles) first-note citation pointing at one locator."""
        request = {"op": "citation", "locator": locator, "label": label}
        return self._resolve([item], [_Ask(0, self._setup(style_id, lang), request)])[0]

    def pinpoint_template(self, item: dict[str, Any], style_id: str, lang: str) -> FormattedCitation:
        """A paragraph citation with PINPOINT_SENTINEL as the number, for pages to fill in."""
        return self._resolve([item], [_Ask(0, self._setup(style_id, lang), PINPOINT)])[0]

    def format_articles(self, jobs: Sequence[dict[str, Any]], style_id: str, lang: str,
                        done: Done | None = None, sources: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Each article's citation clusters and reference list in one style (see worker.js,
        formatArticle): from the disk cache, else from Node in one batch; `done(n)` as `n` more
        articles are formatted."""
        setup = self._setup(style_id, lang)
        keys = [hashlib.sha256(setup.digest.encode() + b"\0" + canonical_json(job)).hexdigest() for job in jobs]
        replies: list[dict[str, Any] | None] = [self._cache.read_reply(key) if self._cache else None for key in keys]
        missing = [n for n, reply in enumerate(replies) if reply is None]
        if done is not None and len(missing) < len(jobs):
            done(len(jobs) - len(missing))
        if missing:
            batch = Batch(setup.spec, [{"article": jobs[n]} for n in missing], [sources[n] for n in missing if sources])
            chunk_done = (lambda chunk: done(len(chunk.jobs))) if done is not None else None
            for n, reply in zip(missing, self._pool.format([batch], chunk_done)[0]):
                replies[n] = reply
                if self._cache:
                    self._cache.write_reply(keys[n], reply)
        return replies  # type: ignore[return-value]

    def _setup(self, style_id: str, lang: str) -> _Setup:
        """Resolved once per style and language: hashing a large style per item was most of a
        warm build's citation time."""
        if (style_id, lang) not in self._setups:
            style = self.style(style_id)
            chosen = choose_locale(style, lang, self._locale_override)
            locales = locales_for(chosen)
            locale_bytes = b"\0".join(loc.xml.encode("utf-8") for loc in locales)
            key = f"{hashlib.sha256(style.source_bytes).hexdigest()[:16]}@{chosen}"
            spec = StyleSpec(key, style.id, style.xml, {loc.lang: loc.xml for loc in locales}, chosen, len(style.xml))
            self._setups[style_id, lang] = _Setup(spec, chosen, setup_digest(style.source_bytes, locale_bytes, self._version))
        return self._setups[style_id, lang]

    def _resolve(self, items: Sequence[dict[str, Any]], asks: list[_Ask], keep_others: bool = True,
                 done: Done | None = None, sources: Sequence[str] = ()) -> list[FormattedCitation]:
        """Results for the asks, from the cache or from Node; new results are stored, one file
        per item. keep_others=False drops entries no ask used (an old style, an old version).
        `done(n)` as `n` more items have all their results."""
        item_json = [canonical_json(item) for item in items]
        names = [item_file_name(item) for item in items]
        stored = {name: self._cache.read(name) for name in set(names)} if self._cache else {}
        keys = [cache_key(item_json[a.item], a.setup.digest, dict(a.request, lang=a.setup.lang)) for a in asks]
        results = [_from_entry(stored.get(names[a.item], {}).get(key)) for a, key in zip(asks, keys)]
        missing = [n for n, result in enumerate(results) if result is None]
        waiting = Counter(asks[n].item for n in missing)
        if done is not None and len(waiting) < len(items):
            done(len(items) - len(waiting))
        if not missing:
            return results  # type: ignore[return-value]
        fresh = self._format(items, [asks[n] for n in missing], done, sources)
        for n, formatted in zip(missing, fresh):
            results[n] = formatted
        if self._cache:
            self._store(names, stored, asks, keys, results, {names[asks[n].item] for n in missing}, keep_others)
        return results  # type: ignore[return-value]

    def _store(self, names: list[str], stored: dict[str, Entries], asks: list[_Ask], keys: list[str],
               results: list[FormattedCitation | None], changed: set[str], keep_others: bool) -> None:
        files: dict[str, Entries] = {name: dict(stored[name]) if keep_others else {} for name in changed}
        for ask, key, result in zip(asks, keys, results):
            name = names[ask.item]
            if name in files and result is not None:
                files[name][key] = {"html": result.html, "text": result.text}
        for name, entries in files.items():
            self._cache.write(name, entries)  # type: ignore[union-attr]

    def _format(self, items: Sequence[dict[str, Any]], asks: list[_Ask], done: Done | None = None,
                sources: Sequence[str] = ()) -> list[FormattedCitation]:
        """One job per item and setup (its entry and citations share one registration), one
        batch per setup, which the pool sends in chunks."""
        batches: dict[str, Batch] = {}
        job_index: dict[tuple[int, str], int] = {}
        slots = []
        for ask in asks:
            spec = ask.setup.spec
            batch = batches.setdefault(spec.key, Batch(spec, []))
            if (ask.item, spec.key) not in job_index:
                job_index[ask.item, spec.key] = len(batch.jobs)
                batch.jobs.append({"item": items[ask.item], "bibliography": False, "cites": []})
                if sources:
                    batch.sources.append(sources[ask.item])
            index = job_index[ask.item, spec.key]
            slots.append((spec.key, index, _slot(batch.jobs[index], ask.request)))
        tally = _ItemTally(job_index, list(batches), done) if done is not None else None
        replies = dict(zip(batches, self._pool.format(list(batches.values()), tally.chunk_back if tally else None)))
        return [_clean(_pick(replies[key][job], slot)) for key, job, slot in slots]


class _ItemTally:
    """Counts an item done when the last of its jobs comes back: its styles are separate batches,
    which may come back from different workers in any order."""

    def __init__(self, job_index: dict[tuple[int, str], int], batch_keys: list[str], done: Done):
        self._done = done
        self._items: list[list[int]] = [[] for _ in batch_keys]  # per batch: each job's item
        position = {key: n for n, key in enumerate(batch_keys)}
        for (item, key), index in sorted(job_index.items(), key=lambda pair: pair[1]):
            self._items[position[key]].append(item)
        self._waiting = Counter(item for item, _key in job_index)
        self._lock = threading.Lock()

    def chunk_back(self, chunk: Chunk) -> None:
        finished = 0
        with self._lock:
            for item in self._items[chunk.batch][chunk.start:chunk.start + len(chunk.jobs)]:
                self._waiting[item] -= 1
                finished += self._waiting[item] == 0
        if finished:
            self._done(finished)


def _slot(job: dict[str, Any], request: dict[str, str]) -> int:
    """Where a request's answer will be in its job's reply: -1 for the entry, else the cite."""
    if request["op"] == "bibliography":
        job["bibliography"] = True
        return -1
    job["cites"].append({"locator": request["locator"], "label": request["label"]})
    return len(job["cites"]) - 1


def _pick(reply: dict[str, Any], slot: int) -> str:
    return reply["bibliography"] if slot < 0 else reply["cites"][slot]


def _clean(engine_html: str) -> FormattedCitation:
    clean = clean_html(engine_html)
    return FormattedCitation(clean, html_to_text(clean))


def _from_entry(value: dict[str, str] | None) -> FormattedCitation | None:
    return FormattedCitation(value["html"], value["text"]) if value else None
