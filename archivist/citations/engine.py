"""Formats CSL-JSON items with citeproc-js, one item at a time, through a warm Node worker."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from archivist.citations.cache import CitationCache, cache_key
from archivist.citations.errors import CitationEngineError
from archivist.citations.nodeproc import NodeWorker, engine_version, find_citeproc
from archivist.citations.sanitize import SANITIZER_VERSION, clean_html, html_to_text
from archivist.citations.styles import Style, StyleLibrary, choose_locale, locales_for

# A locator no real paragraph number equals; pages swap it for the paragraph a reader cites.
PINPOINT_SENTINEL = "999999"


@dataclass(frozen=True)
class FormattedCitation:
    """One formatted reference: safe HTML (italics as <i>) and the same words as plain text."""

    html: str
    text: str


@dataclass(frozen=True)
class _Setup:
    """A style and locale resolved for one call: what the worker loads and the cache hashes."""

    style: Style
    lang: str
    worker_key: str
    locale_bytes: bytes


class CitationEngine:
    """citeproc-js behind a small API; the Node worker starts on the first cache miss."""

    def __init__(
        self,
        style_dirs: Sequence[Path] = (),
        locale_override: str | None = None,
        cache_dir: Path | None = None,
        node_modules: Path | None = None,
    ):
        self._library = StyleLibrary(style_dirs)
        self._locale_override = locale_override
        self._cache = CitationCache(cache_dir) if cache_dir is not None else None
        self._citeproc = find_citeproc(node_modules)
        self._version = f"{engine_version(self._citeproc)}+sanitizer-{SANITIZER_VERSION}"
        self._worker: NodeWorker | None = None
        self._styles: dict[str, Style] = {}
        self._loaded: set[str] = set()

    def __enter__(self) -> CitationEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
            self._loaded.clear()

    def style(self, style_id: str) -> Style:
        """The resolved style; raises UnknownStyleError with a did-you-mean."""
        if style_id not in self._styles:
            self._styles[style_id] = self._library.find(style_id)
        return self._styles[style_id]

    def style_title(self, style_id: str) -> str:
        return self.style(style_id).title

    def bibliography(self, item: dict[str, Any], style_id: str, lang: str) -> FormattedCitation:
        """The item's reference-list entry."""
        return self.bibliographies([item], style_id, lang)[0]

    def bibliographies(self, items: Sequence[dict[str, Any]], style_id: str, lang: str) -> list[FormattedCitation]:
        """Each item's entry, formatted alone (no disambiguation across items), in one trip."""
        requests = [{"op": "bibliography"} for _ in items]
        return self._format(list(items), requests, style_id, lang)

    def citation(
        self, item: dict[str, Any], style_id: str, lang: str, locator: str, label: str = "paragraph"
    ) -> FormattedCitation:
        """An in-text or (for note styles) first-note citation pointing at one locator."""
        request = {"op": "citation", "locator": locator, "label": label}
        return self._format([item], [request], style_id, lang)[0]

    def pinpoint_template(self, item: dict[str, Any], style_id: str, lang: str) -> FormattedCitation:
        """A paragraph citation with PINPOINT_SENTINEL as the number, for pages to fill in."""
        return self.citation(item, style_id, lang, PINPOINT_SENTINEL, "paragraph")

    def _setup(self, style_id: str, lang: str) -> _Setup:
        style = self.style(style_id)
        chosen = choose_locale(style, lang, self._locale_override)
        locale_bytes = b"\0".join(loc.xml.encode("utf-8") for loc in locales_for(chosen))
        style_hash = hashlib.sha256(style.source_bytes).hexdigest()[:16]
        return _Setup(style, chosen, f"{style_hash}@{chosen}", locale_bytes)

    def _format(self, items: list[dict], requests: list[dict], style_id: str, lang: str) -> list[FormattedCitation]:
        setup = self._setup(style_id, lang)
        keys = [self._key(setup, item, request) for item, request in zip(items, requests)]
        results: list[FormattedCitation | None] = [self._cached(key) for key in keys]
        missing = [i for i, result in enumerate(results) if result is None]
        if missing:
            fresh = self._run(setup, [items[i] for i in missing], [requests[i] for i in missing])
            for index, formatted in zip(missing, fresh):
                results[index] = formatted
                self._store(keys[index], formatted)
        return [r for r in results if r is not None]

    def _run(self, setup: _Setup, items: list[dict], requests: list[dict]) -> list[FormattedCitation]:
        worker = self._ensure_loaded(setup)
        try:
            if requests[0]["op"] == "bibliography":
                raw = worker.request("bibliography", key=setup.worker_key, items=items)
            else:
                cites = [dict(request, item=item) for item, request in zip(items, requests)]
                raw = worker.request("citation", key=setup.worker_key, cites=cites)
        except CitationEngineError as exc:
            ids = ", ".join(str(item.get("id")) for item in items[:5])
            raise CitationEngineError(f"cannot format {ids} with style '{setup.style.id}': {exc}") from exc
        formatted = []
        for engine_html in raw:
            clean = clean_html(engine_html)
            formatted.append(FormattedCitation(clean, html_to_text(clean)))
        return formatted

    def _ensure_loaded(self, setup: _Setup) -> NodeWorker:
        if self._worker is None:
            self._worker = NodeWorker(self._citeproc)
        if setup.worker_key not in self._loaded:
            locales = {loc.lang: loc.xml for loc in locales_for(setup.lang)}
            try:
                self._worker.request("load", key=setup.worker_key, style=setup.style.xml,
                                     locales=locales, lang=setup.lang)
            except CitationEngineError as exc:
                raise CitationEngineError(f"cannot load citation style '{setup.style.id}': {exc}") from exc
            self._loaded.add(setup.worker_key)
        return self._worker

    def _key(self, setup: _Setup, item: dict, request: dict) -> str:
        return cache_key(item, setup.style.source_bytes, setup.locale_bytes, self._version,
                         dict(request, lang=setup.lang))

    def _cached(self, key: str) -> FormattedCitation | None:
        value = self._cache.get(key) if self._cache else None
        if value and isinstance(value.get("html"), str) and isinstance(value.get("text"), str):
            return FormattedCitation(value["html"], value["text"])
        return None

    def _store(self, key: str, formatted: FormattedCitation) -> None:
        if self._cache:
            self._cache.put(key, {"html": formatted.html, "text": formatted.text})
