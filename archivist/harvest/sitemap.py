"""sitemap.xml, every page with its last change, and robots.txt, which points crawlers to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterable

from archivist.config import SiteConfig
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from archivist.pages.jobs import OutputJob
from .feeds import dated, last_change
from .xmlfile import xml_file

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def page_dates(library: Library, listings: Iterable[OutputJob]) -> list[tuple[str, str]]:
    """(served path, lastmod) of every HTML page: home, articles and listings; lastmod is the
    newest change among the articles a page shows."""
    newest = _newest(library.entries)
    by_source = {e.article.source.relpath: e for e in library.entries}
    pages = [("", newest)]
    pages += [(e.article.url_path, _newest([e])) for e in library.entries]  # no lastmod for an undated draft
    for job in listings:
        shown = [by_source[s] for s in job.sources if s in by_source]
        pages.append((job.path[: -len("index.html")], _newest(shown) if shown else newest))
    return pages


def _newest(entries: Iterable[Entry]) -> str:
    dates = sorted((last_change(e) for e in dated(entries)), key=lambda d: d.sort_key)
    return dates[-1].iso if dates else ""


def sitemap(config: SiteConfig, library: Library, listings: Iterable[OutputJob]) -> bytes:
    """Every page with its last change; an article with translations lists each language's page
    (itself included) as an xhtml:link alternate, as search engines read them."""
    groups = {e.article.url_path: library.translations[e.slug] for e in library.entries if e.slug in library.translations}
    namespaces = {"xmlns": SITEMAP, **({"xmlns:xhtml": XHTML} if groups else {})}
    root = ET.Element("urlset", namespaces)
    for path, lastmod in page_dates(library, listings):
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = config.absolute_url(path)
        if lastmod:
            ET.SubElement(url, "lastmod").text = lastmod
        for member in groups.get(path, ()):
            ET.SubElement(url, "xhtml:link", {"rel": "alternate", "hreflang": member.language,
                                               "href": config.absolute_url(member.url_path)})
    return xml_file(root)


def robots(config: SiteConfig) -> bytes:
    """Everything may be crawled; the Sitemap line must be an absolute URL."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n".encode("utf-8")
