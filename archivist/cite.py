"""The cite step: each article's CSL item, its formatted citations, exports and page metadata."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .citations.csl import csl_item
from .citations.engine import CitationEngine
from .citations.errors import CitationError
from .citations.exports import to_bibtex, to_csl_json, to_ris
from .config import SiteConfig
from .diagnostics import Diagnostic, error
from .library import Entry
from .metadata import build_page_metadata
from .model import Article

PINPOINT_SENTINEL = "999999"  # the locator a page replaces with the paragraph number


@dataclass(frozen=True)
class StyleBlock:
    """One formatted citation of an article, in one style."""

    style_id: str
    title: str
    html: str
    text: str


def cite_all(config: SiteConfig, articles: Iterable[Article]) -> tuple[list[Entry], list[Diagnostic]]:
    """Entries for every article; a style that cannot be used is reported once, against the settings."""
    articles = list(articles)
    style_dirs = [config.root / d for d in config.csl_dirs]
    try:
        with CitationEngine(style_dirs, config.citation_locale or None, cache_dir=config.cache_dir / "citations") as engine:
            problems = _check_styles(engine, config)
            if problems:
                return [Entry(article=a) for a in articles], problems
            return [_entry(engine, config, a) for a in articles], []
    except CitationError as exc:
        return [Entry(article=a) for a in articles], [error("pyproject.toml", 1, "cite.engine", str(exc))]


def _check_styles(engine: CitationEngine, config: SiteConfig) -> list[Diagnostic]:
    problems = []
    for style_id in config.citation_styles:
        try:
            engine.style_title(style_id)
        except CitationError as exc:
            problems.append(error("pyproject.toml", 1, "config.citation-style", str(exc)))
    return problems


def _entry(engine: CitationEngine, config: SiteConfig, article: Article) -> Entry:
    page_url = config.absolute_url(article.url_path)
    item = csl_item(article.meta, page_url, config.language)
    lang = article.meta.language
    blocks, pinpoints = [], []
    for style_id in config.citation_styles:
        title = engine.style_title(style_id)
        formatted = engine.bibliography(item, style_id, lang)
        blocks.append(StyleBlock(style_id, title, formatted.html, formatted.text))
        pin = engine.pinpoint_template(item, style_id, lang)
        pinpoints.append(StyleBlock(style_id, title, pin.html, pin.text))
    exports = {"cite.bib": to_bibtex(item), "cite.ris": to_ris(item), "cite.json": to_csl_json(item)}
    return Entry(article=article, csl=item, citations=tuple(blocks), exports=exports,
                 metadata=_metadata(config, article, item, page_url), pinpoints=tuple(pinpoints))


def _metadata(config: SiteConfig, article: Article, item: dict, page_url: str):
    people = [{"orcid": p.orcid, "affiliation": p.affiliation} for p in article.meta.authors]
    pdf_url = config.absolute_url(article.url_path + article.meta.pdf) if article.meta.pdf else ""
    return build_page_metadata(item, authors=people, page_url=page_url, pdf_url=pdf_url, site_title=config.title,
                               publisher=config.publisher, license_id=article.meta.license)


def export_files(entries: Iterable[Entry]) -> dict[str, bytes]:
    """cite.bib, cite.ris and cite.json beside each article page."""
    files = {}
    for entry in entries:
        for name, text in entry.exports.items():
            files[f"{entry.article.url_path}{name}"] = text.encode("utf-8")
    return files


__all__ = ["cite_all", "export_files", "StyleBlock", "PINPOINT_SENTINEL", "Path"]
