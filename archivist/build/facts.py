"""What the rebuild planner needs to know of each article file, taken while the file is at hand.

A build keeps no article's source text after rendering it (on a large archive the texts alone
would take hundreds of megabytes), so these few facts are taken on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping
from urllib.parse import unquote

from archivist.content.aliases import alias_targets, link_key
from archivist.model import Parsed, SourceFile
from archivist.util.digests import digest

ARTICLE_LINK = re.compile(r"article:([^)\s#\"'>]+)")
# A root path in a Markdown link or reference definition, and in an HTML attribute; more is harmless.
# Two patterns, each with a fixed first character or word the scan can jump to: as one alternation
# the expression was tried at every position of a long text.
MARKDOWN_ROOT_LINK = re.compile(r"""\](?:\(\s*|:[ \t]*)<?(/[^\s)"'<>#?]*)""")
HTML_ROOT_LINK = re.compile(r"""(?:href|src)\s*=\s*["']?(/[^\s)"'<>#?]*)""")


@dataclass(frozen=True)
class ArticleFacts:
    """Per article file: a hash of what listings show, its slug when published, the slugs and root paths it
    links to; and the old addresses of the published articles (their `link_key` -> slug)."""

    listed: Mapping[str, str]
    slugs: Mapping[str, str]
    links: Mapping[str, frozenset[str]]
    paths: Mapping[str, frozenset[str]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)


def listing_digest(item: Parsed | None) -> str:
    """What listings may show of an article: its validated front-matter and whether it has a body.

    '' stands for an article that is not published (invalid front-matter, or a draft left out).
    """
    if item is None:
        return ""
    meta = replace(item.meta, lines={})
    return digest(repr((meta, item.has_text)).encode())


@dataclass
class FactsMemo:
    """What `serve` keeps between runs so that an unchanged file's facts are not taken again: the links
    found in each text, and each article's listing digest while its front-matter and body are the very
    objects the file's last parse made."""

    links: dict[str, tuple[str, frozenset[str], frozenset[str]]] = field(default_factory=dict)
    listed: dict[str, tuple[object, str, str]] = field(default_factory=dict)


class LinkNotes:
    """The links of each file, taken while the load step has its text at hand (see `load.load`'s `seen`),
    for a build that lets every text go once it is read."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def take(self, source: SourceFile) -> None:
        self.found[source.relpath] = _links_in(source.relpath, source.text, None)


def article_facts(parsed: Mapping[str, Parsed | None], texts: Mapping[str, str],
                  known: FactsMemo | None = None, notes: LinkNotes | None = None) -> ArticleFacts:
    """The facts of every article file, from its parsed front-matter and its text (or, with `notes`,
    the links taken from its text while it was read).

    Looking for links scans every text, the slowest part of taking the facts of a large archive; with
    `known` (kept between runs by `serve`), a text seen before keeps the links found in it then."""
    links, paths = {}, {}
    for source, text in texts.items():
        links[source], paths[source] = _links_in(source, text, known)
    for source, (linked, rooted) in (notes.found.items() if notes is not None else ()):
        links[source], paths[source] = linked, rooted
    if known is not None:
        for table in (known.links, known.listed):
            for gone in set(table) - set(texts):
                del table[gone]
    return ArticleFacts(
        listed={source: _listed(source, item, known) for source, item in parsed.items()},
        slugs={source: item.meta.slug for source, item in parsed.items() if item is not None},
        links=links,
        paths=paths,
        aliases=alias_targets((item.meta.slug, item.meta.aliases) for item in parsed.values() if item is not None),
    )


def _links_in(source: str, text: str, known: FactsMemo | None) -> tuple[frozenset[str], frozenset[str]]:
    """The slugs (`article:` links) and the root paths one text links to."""
    if known is not None and source in known.links and known.links[source][0] == text:
        return known.links[source][1], known.links[source][2]
    links = frozenset(unquote(m) for m in ARTICLE_LINK.findall(text))
    found = MARKDOWN_ROOT_LINK.findall(text)
    if "href" in text or "src" in text:
        found += HTML_ROOT_LINK.findall(text)
    paths = frozenset(link_key(unquote(m)) for m in found)
    if known is not None:
        known.links[source] = (text, links, paths)
    return links, paths


def _listed(source: str, item: Parsed | None, known: FactsMemo | None) -> str:
    if item is None or known is None:
        return listing_digest(item)
    kept = known.listed.get(source)
    if kept is not None and kept[0] is item.meta and kept[1] is item.body:
        return kept[2]
    value = listing_digest(item)
    known.listed[source] = (item.meta, item.body, value)
    return value
