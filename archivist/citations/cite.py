"""The cite step: each article's CSL item, its formatted citations, exports and page metadata."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from archivist.citations.cite_references import cite_references
from archivist.citations.csl import csl_item
from archivist.citations.engine import PINPOINT_SENTINEL, CitationEngine, FormattedCitation, ItemCitations
from archivist.citations.errors import CitationError
from archivist.citations.exports import to_bibtex, to_csl_json, to_ris
from archivist.citations.pool import default_workers
from archivist.citations.styles import citation_language, forced_locale
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.markdown import MarkdownOptions, inline_text
from archivist.citations.metadata import PageMetadata, build_page_metadata
from archivist.model import Article, ArticleMeta, Reference
from archivist.util.progress import SILENT, Progress, Stage


@dataclass(frozen=True)
class StyleBlock:
    """One formatted citation of an article, in one style."""

    style_id: str
    title: str
    html: str
    text: str


@dataclass(frozen=True)
class Cited:
    """What the cite step makes of one article for its page; all empty when the settings' styles cannot be used."""

    csl: Mapping[str, Any] = field(default_factory=dict)  # the CSL-JSON item, JSON values as citeproc reads them
    citations: tuple[StyleBlock, ...] = ()  # formatted blocks, one per configured style
    exports: Mapping[str, str] = field(default_factory=dict)  # file name -> text
    metadata: PageMetadata | None = None  # Highwire, Dublin Core, OpenGraph, JSON-LD
    pinpoints: tuple[StyleBlock, ...] = ()  # per style: a citation with a locator placeholder, for passages
    article: Article | None = None  # the article with its own citations in place, when it cites
    references: tuple[Reference, ...] = ()  # the works it cites, in its reference list's order


def cite_all(config: SiteConfig, articles: Iterable[Article], workers: int | None = None,
             engine: CitationEngine | None = None, catalogue: Sequence[ArticleMeta] | None = None,
             progress: Progress = SILENT) -> tuple[list[Cited], list[Diagnostic]]:
    """What the cite step makes of each article, in order; a style that cannot be used is reported
    once, against the settings.

    Every article's citations are looked up in the cache first; what is missing goes to Node
    in requests of a bounded number of items, spread over `workers` Node processes (by default
    one per core, see default_workers): a cold build costs a few round trips per hundred
    articles, not a few per article, and its memory does not grow with the archive. `serve` passes
    the `engine` it keeps between runs, so that an edit does not wait for Node to start again.
    `progress` counts two stages: the reference lists of the articles that cite, then every article.
    """
    articles = list(articles)
    if engine is not None:  # an engine kept by `serve` between runs
        return _cite_everything(config, articles, engine, catalogue, progress)
    if not config.citation_styles and not any(a.body.citations or a.meta.nocite for a in articles):
        with progress.stage("citations", "article", len(articles)) as stage:
            return _cite_with(config, articles, None, stage=stage)
    try:
        with citation_engine(config, workers) as made:
            return _cite_everything(config, articles, made, catalogue, progress)
    except CitationError as exc:
        return [Cited() for _ in articles], [error("pyproject.toml", 1, "cite.engine", str(exc))]


def _cite_everything(config: SiteConfig, articles: list[Article], engine: CitationEngine,
                     catalogue: Sequence[ArticleMeta] | None, progress: Progress = SILENT
                     ) -> tuple[list[Cited], list[Diagnostic]]:
    """Each article's own citations and references first (its body changes), then its citation blocks."""
    with progress.stage("reference lists", "article") as stage:
        placed, references, problems = cite_references(config, articles, engine, catalogue=catalogue, stage=stage)
    with progress.stage("citations", "article", len(articles)) as stage:
        cited, more = _cite_with(config, placed, engine if config.citation_styles else None, references, stage)
    return [replace(c, article=a if a is not b else None, references=r)
            for c, a, b, r in zip(cited, placed, articles, references)], problems + more + engine.cache_problems()


def citation_engine(config: SiteConfig, workers: int | None = None) -> CitationEngine:
    """The engine for the site's styles and locale, with its disk cache; the caller closes it."""
    style_dirs = [config.root / d for d in config.csl_dirs]
    return CitationEngine(style_dirs, forced_locale(config.citation_locale), cache_dir=config.cache_dir / "citations",
                          workers=default_workers() if workers is None else workers)


def _cite_with(config: SiteConfig, articles: list[Article], engine: CitationEngine | None,
               references: Sequence[tuple[Reference, ...]] | None = None, stage: Stage | None = None
               ) -> tuple[list[Cited], list[Diagnostic]]:
    """Each article's citation blocks, exports and page metadata; `stage` counts the articles whose
    blocks are formatted (all at once when no style is configured)."""
    items = [csl_item(a.meta, config.absolute_url(a.url_path), config.language, a.abstract_html) for a in articles]
    works = list(references) if references is not None else [() for _ in articles]
    if not config.citation_styles or engine is None:
        if stage is not None:
            stage.advance(len(articles))
        return [_cited(config, a, item, {}, refs) for a, item, refs in zip(articles, items, works)], []
    try:
        problems = _check_styles(engine, config)
        if problems:
            return [Cited() for _ in articles], problems
        formatted = engine.cite_items(items, _languages(config, items), config.citation_styles,
                                      done=stage.advance if stage is not None else None,
                                      sources=[a.source.relpath for a in articles])
        titles = {style_id: engine.style_title(style_id) for style_id in config.citation_styles}
    except CitationError as exc:
        return [Cited() for _ in articles], [error("pyproject.toml", 1, "cite.engine", str(exc))]
    return [_cited(config, a, item, _blocks(found, titles), refs)
            for a, item, found, refs in zip(articles, items, formatted, works)], []


def _languages(config: SiteConfig, items: list[dict]) -> list[str]:
    """Each item's citation language: the site's, or with citation_locale = "item" its own."""
    return [citation_language(config.citation_locale, config.language, item.get("language", "")) for item in items]


def _check_styles(engine: CitationEngine, config: SiteConfig) -> list[Diagnostic]:
    problems = []
    for style_id in config.citation_styles:
        try:
            engine.style_title(style_id)
        except CitationError as exc:
            problems.append(error("pyproject.toml", 1, "config.citation-style", str(exc)))
    return problems


def _blocks(found: dict[str, ItemCitations], titles: dict[str, str]) -> dict[str, tuple[StyleBlock, ...]]:
    """The article's reference entries and pinpoint templates, in the configured style order."""
    def block(style_id: str, formatted: FormattedCitation) -> StyleBlock:
        return StyleBlock(style_id, titles[style_id], formatted.html, formatted.text)

    return {"citations": tuple(block(s, f.bibliography) for s, f in found.items()),
            "pinpoints": tuple(block(s, f.pinpoint) for s, f in found.items())}


def _cited(config: SiteConfig, article: Article, item: dict, blocks: dict[str, tuple[StyleBlock, ...]],
           references: tuple[Reference, ...] = ()) -> Cited:
    page_url = config.absolute_url(article.url_path)
    exports = {"cite.bib": to_bibtex(item), "cite.ris": to_ris(item), "cite.json": to_csl_json(item, references)}
    return Cited(csl=item, citations=blocks.get("citations", ()), exports=exports,
                 metadata=_metadata(config, article, item, page_url, references), pinpoints=blocks.get("pinpoints", ()))


def _metadata(config: SiteConfig, article: Article, item: dict, page_url: str,
              references: tuple[Reference, ...] = ()) -> PageMetadata:
    people = [{"orcid": p.orcid, "affiliation": p.affiliation} for p in article.meta.authors]
    pdf_url = config.absolute_url(article.url_path + article.meta.pdf) if article.meta.pdf else ""
    return build_page_metadata(item, authors=people, page_url=page_url, pdf_url=pdf_url, site_title=config.title,
                               publisher=config.publisher, license_id=article.meta.license,
                               title=inline_text(article.meta.title, article.meta.language,
                                                 MarkdownOptions.of(config)), references=references)


__all__ = ["cite_all", "Cited", "StyleBlock", "PINPOINT_SENTINEL", "Path"]
