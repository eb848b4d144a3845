"""Every file for machines that harvest the archive: feeds, sitemap, robots.txt, OAI-PMH, Crossref, catalogues."""

from __future__ import annotations

from typing import Sequence

from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.library.assemble import Library
from archivist.pages.jobs import OutputJob
from archivist.pages.listings import plan_listings
from .catalogue import catalogue_files
from .crossref import crossref_files
from .feeds import dated, feed_files
from .oai import oai_repository
from .sitemap import robots, sitemap


def harvest(config: SiteConfig, library: Library, listings: Sequence[OutputJob] | None = None
            ) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every harvesting file, and the problems that kept any of them from being written; `listings`
    are the listing pages when the caller has planned them already (the sitemap lists them)."""
    files = feed_files(config, library)
    files["sitemap.xml"] = sitemap(config, library, plan_listings(config, library) if listings is None else listings)
    files["robots.txt"] = robots(config)
    oai, problems = oai_repository(config, tuple(dated(library.entries)))
    if oai is not None:
        files["oai.xml"] = oai
    files.update(crossref_files(config, library))
    files.update(catalogue_files(library.entries))
    return files, problems
