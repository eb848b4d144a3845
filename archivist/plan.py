"""Decide every output file of the site: which template renders which page, with what data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .config import SiteConfig
from .library import Library


@dataclass(frozen=True)
class OutputJob:
    """One page to render: where it goes, with which template, and the data it shows."""

    path: str  # site path, e.g. 'articles/kim-takes-control/index.html'
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()  # content files this page depends on, for incremental rebuilds


def plan(config: SiteConfig, library: Library) -> list[OutputJob]:
    """All pages, in a stable order."""
    jobs = [OutputJob("index.html", "index.html", {"articles": library.newest(config.feed_size)}),
            OutputJob("404.html", "404.html", {})]
    for entry in library.entries:
        jobs.append(OutputJob(f"{entry.article.url_path}index.html", "article.html", {"entry": entry},
                              sources=(entry.article.source.relpath,)))
    from .listings import plan_listings  # imported here: listings builds OutputJobs from this module
    jobs.extend(plan_listings(config, library))
    return jobs


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
