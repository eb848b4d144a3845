"""The cite step's second half: every article's own citations and reference list, formatted by
citeproc-js in the article's style (its `reference_style`, else the site's house style), all
articles of one style and language in one batch."""

from __future__ import annotations

from typing import Any, Sequence

from archivist.citations.bibliography import BibliographyReader
from archivist.citations.engine import CitationEngine
from archivist.citations.errors import CitationError
from archivist.citations.references import Planned, apply, job_for, title_year_key
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.i18n import labels_for
from archivist.model import Article, ArticleMeta, Reference
from archivist.util.progress import Stage


def cite_references(config: SiteConfig, articles: Sequence[Article], engine: CitationEngine,
                    reader: BibliographyReader | None = None, catalogue: Sequence[ArticleMeta] | None = None,
                    stage: Stage | None = None) -> tuple[list[Article], list[tuple[Reference, ...]], list[Diagnostic]]:
    """Each article with its citations in place, its references, and every problem found (unknown
    keys, unreadable bibliographies, unknown styles). An article that cites nothing is returned as it is.
    `catalogue` holds every article of the archive (when `articles` are only some), so that a reference
    to any of them links to it. `stage` counts the articles whose reference lists are formatted."""
    articles = list(articles)
    citing = [n for n, a in enumerate(articles) if a.body.citations or a.meta.nocite]
    references: list[tuple[Reference, ...]] = [() for _ in articles]
    if stage is not None:
        stage.total = len(citing)
    if not citing:
        return articles, references, []
    own_reader = reader is None
    reader = reader or BibliographyReader(config, config.cache_dir / "bibliography")
    try:
        bibliographies, problems = reader.for_articles([(articles[n].source, articles[n].meta) for n in citing])
    finally:
        if own_reader:
            reader.close()
    planned: dict[int, Planned] = {}
    for n, bibliography in zip(citing, bibliographies):
        job, found = job_for(articles[n], bibliography)
        problems.extend(found)
        if job is not None:
            planned[n] = job
    if stage is not None:
        stage.total = len(planned)  # an article citing an unknown key is reported, not formatted
    if planned:
        paths = archive_paths(catalogue if catalogue is not None else [a.meta for a in articles])
        problems.extend(_format(config, articles, planned, references, engine, paths, stage))
    return articles, references, problems


def _format(config: SiteConfig, articles: list[Article], planned: dict[int, Planned],
            references: list[tuple[Reference, ...]], engine: CitationEngine, paths: dict[str, str],
            stage: Stage | None = None) -> list[Diagnostic]:
    """Format the planned articles, one batch per style and language, and put the results in place."""
    problems = []
    try:
        for (style_id, lang), numbers in _groups(config, articles, planned).items():
            problem = _check_style(config, engine, style_id, articles[numbers[0]])
            if problem:
                problems.append(problem)
                continue
            replies = engine.format_articles([planned[n].job for n in numbers], style_id, lang,
                                             done=stage.advance if stage is not None else None,
                                             sources=[articles[n].source.relpath for n in numbers])
            for n, reply in zip(numbers, replies):
                articles[n], references[n] = apply(articles[n], planned[n], reply, _labels(config, articles[n]),
                                                   paths, config.url_for)
    except CitationError as exc:
        problems.append(error("pyproject.toml", 1, "cite.engine", str(exc)))
    return problems


def _groups(config: SiteConfig, articles: list[Article], planned: dict[int, Planned]) -> dict[tuple[str, str], list[int]]:
    groups: dict[tuple[str, str], list[int]] = {}
    for n in sorted(planned):
        meta = articles[n].meta
        groups.setdefault((meta.reference_style or config.reference_style, meta.language), []).append(n)
    return groups


def _check_style(config: SiteConfig, engine: CitationEngine, style_id: str, article: Article) -> Diagnostic | None:
    try:
        engine.style(style_id)
        return None
    except CitationError as exc:
        if article.meta.reference_style:
            return error(article.source.relpath, article.meta.lines.get("reference_style", 1), "cite.style", str(exc))
        return error("pyproject.toml", 1, "config.reference-style", str(exc))


def archive_paths(metas: Sequence[ArticleMeta]) -> dict[str, str]:
    """How a reference finds an article of this archive: 'doi:<doi>' and the title-and-year key,
    each to the article's url_path. A title shared by two articles in one year matches neither."""
    paths: dict[str, str] = {}
    clashes: set[str] = set()
    for meta in metas:
        url_path = f"articles/{meta.slug}/"
        if meta.doi:
            paths[f"doi:{meta.doi.lower()}"] = url_path
        key = title_year_key(meta.title, str(meta.date.year) if meta.date else "")
        if key:
            if key in paths:
                clashes.add(key)
            paths[key] = url_path
    for key in clashes:
        del paths[key]
    return paths


def _labels(config: SiteConfig, article: Article) -> Any:
    return labels_for(article.meta.language, config.templates_dir / "i18n")
