"""Atom feeds of the newest articles: one for the whole archive, one per journal."""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET
from typing import Iterable

from archivist.config import SiteConfig
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from archivist.markdown import MarkdownOptions, inline_text
from archivist.model import PartialDate
from archivist.util.vocabulary import LICENSES
from .xmlfile import xml_file

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "xml:lang"  # written as is: the xml prefix is bound in every XML document


def feed_files(config: SiteConfig, library: Library) -> dict[str, bytes]:
    """'feed.xml' and 'journals/<slug>/feed.xml' for every journal, newest articles first."""
    files = {"feed.xml": atom_feed(config, "feed.xml", config.title, config.description,
                                   library.newest(config.feed_size), home="")}
    for journal in library.collections.journals_only:
        path = f"{journal.path}feed.xml"
        files[path] = atom_feed(config, path, journal.title, "", journal.entries[:config.feed_size],
                                home=journal.path, language=journal.language)
    return files


def atom_timestamp(date: PartialDate) -> str:
    """RFC 3339 at midnight UTC; a missing month or day counts as the first."""
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


def last_change(entry: Entry) -> PartialDate | None:
    """When the record last changed: its correction date, else its publication date (None for
    an undated draft)."""
    meta = entry.article.meta
    return meta.updated or meta.date


def dated(entries: Iterable[Entry]) -> list[Entry]:
    """The entries with a publication date: an undated draft (built with --drafts) has none to
    announce in a feed, a harvesting record or a deposit."""
    return [e for e in entries if e.article.meta.date]


def feed_updated(entries: Iterable[Entry]) -> str:
    """The newest change among the entries, never the build time, so rebuilding changes no byte.

    With no articles at all there is no date to take; SOURCE_DATE_EPOCH (reproducible builds)
    is honoured then, else the Unix epoch is used."""
    dates = [change.sort_key for change in map(last_change, entries) if change]
    if dates:
        year, month, day = max(dates)
        return atom_timestamp(PartialDate(year, month or None, day or None))
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def atom_feed(config: SiteConfig, path: str, title: str, subtitle: str, entries: Iterable[Entry],
              home: str, language: str = "") -> bytes:
    """One Atom 1.0 document; ids are the absolute URLs of the feed and of each article page."""
    entries = tuple(dated(entries))
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language or config.language})
    _text(feed, "id", config.absolute_url(path))
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "updated", feed_updated(entries))
    _link(feed, "self", config.absolute_url(path), "application/atom+xml")
    _link(feed, "alternate", config.absolute_url(home), "text/html")
    author = ET.SubElement(feed, "author")  # stands in for entries without a byline
    _text(author, "name", config.publisher or config.title)
    _text(feed, "generator", "Archivist")
    for entry in entries:
        feed.append(_entry(config, entry, language or config.language))
    return xml_file(feed)


def _entry(config: SiteConfig, entry: Entry, feed_language: str) -> ET.Element:
    article, meta = entry.article, entry.article.meta
    element = ET.Element("entry")
    if meta.language and meta.language != feed_language:
        element.set(XML_LANG, meta.language)
    url = config.absolute_url(article.url_path)
    _text(element, "id", url)
    _text(element, "title", inline_text(meta.title, meta.language, MarkdownOptions.of(config)))
    _link(element, "alternate", url, "text/html")
    if meta.doi:
        _link(element, "related", f"https://doi.org/{meta.doi}", "")
    _text(element, "published", atom_timestamp(meta.date))
    _text(element, "updated", atom_timestamp(last_change(entry)))
    for person in meta.authors:
        author = ET.SubElement(element, "author")
        _text(author, "name", person.display_name)
        if person.orcid:
            _text(author, "uri", f"https://orcid.org/{person.orcid}")
    for keyword in meta.keywords:
        ET.SubElement(element, "category", {"term": keyword})
    if entry.abstract_text:
        _text(element, "summary", entry.abstract_text)
    if meta.license:
        _text(element, "rights", LICENSES.get(meta.license, (meta.license,))[0])
    return element


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = text
    return child


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    attributes = {"rel": rel, "href": href}
    if media_type:
        attributes["type"] = media_type
    ET.SubElement(parent, "link", attributes)
