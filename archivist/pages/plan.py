"""Decide every output file of the site: which template renders which page, with what data."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

from .redirects import redirect_jobs
from archivist.config import SiteConfig
from .jobs import OutputJob
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from .listings import article_extras, home_extras, plan_listings


def plan(config: SiteConfig, library: Library, listings: Sequence[OutputJob] | None = None) -> list[OutputJob]:
    """All pages, in a stable order; `listings` are the listing pages when the caller has planned
    them already (the sitemap lists them too)."""
    home = {"articles": library.newest(config.feed_size), **home_extras(config, library)}
    jobs = [OutputJob("index.html", "index.html", home), OutputJob("404.html", "404.html", {}),
            OutputJob("search/index.html", "search.html", {})]
    for entry in library.entries:
        context = {"entry": entry, **article_extras(config, library, entry)}
        jobs.append(OutputJob(f"{entry.article.url_path}index.html", "article.html", context,
                              sources=_article_sources(library, entry)))
    jobs.extend(plan_listings(config, library) if listings is None else listings)
    jobs.extend(redirect_jobs(library.entries, (job.path for job in jobs)))
    return jobs


def _article_sources(library: Library, entry: Entry) -> tuple[str, ...]:
    """The article's own file, its translations' files (the page links to each in its language), and
    the files of the articles that cite it (its 'cited by' block shows them)."""
    group = library.translations.get(entry.slug, ())
    others = sorted({t.entry.article.source.relpath for t in group if t.entry is not entry}
                    | {citing.source for citing in library.cited_by(entry)})
    return (entry.article.source.relpath, *others)


def bundle_assets(library: Library) -> dict[str, Path]:
    """Images and PDFs that travel from an article's bundle to its page folder."""
    assets: dict[str, Path] = {}
    for entry in library.entries:
        article = entry.article
        bundle = article.source.bundle_dir
        if bundle is None:
            continue
        names = list(article.body.assets) + ([article.meta.pdf] if article.meta.pdf else [])
        for name in names:
            assets[f"{article.url_path}{name}"] = bundle / name
    return assets


def export_files(entries: Iterable[Entry], stow: Callable[[str, bytes], Path] | None = None) -> dict[str, bytes | Path]:
    """cite.bib, cite.ris and cite.json beside each article page; with `stow`, each file is handed to it
    as it is made and the build keeps where it went (a large build's spool). Measured, that saved 7 MB
    at 5,000 articles and nothing at 1,000: a spooled file's path costs nearly what an export does."""
    files: dict[str, bytes | Path] = {}
    for entry in entries:
        for name, text in entry.exports.items():
            path = f"{entry.article.url_path}{name}"
            data = text.encode("utf-8")
            files[path] = data if stow is None else stow(path, data)
    return files
