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
from archivist.model import Parsed
from archivist.util.digests import digest

ARTICLE_LINK = re.compile(r"article:([^)\s#\"'>]+)")
# A root path in a Markdown link, a reference definition or an HTML attribute; more is harmless.
ROOT_LINK = re.compile(r"""(?:\]\(\s*<?|\]:[ \t]*<?|(?:href|src)\s*=\s*["']?)(/[^\s)"'<>#?]*)""")


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
    return digest(repr((meta, bool(item.body.strip()))).encode())


def article_facts(parsed: Mapping[str, Parsed | None], texts: Mapping[str, str],
                  known: dict[str, tuple[str, frozenset[str], frozenset[str]]] | None = None) -> ArticleFacts:
    """The facts of every article file, from its parsed front-matter and its text.

    Looking for links scans every text, the slowest part of taking the facts of a large archive; with
    `known` (kept between runs by `serve`), a text seen before keeps the links found in it then."""
    links, paths = {}, {}
    for source, text in texts.items():
        links[source], paths[source] = _links_in(source, text, known)
    for gone in set(known or ()) - set(texts):
        del known[gone]
    return ArticleFacts(
        listed={source: listing_digest(item) for source, item in parsed.items()},
        slugs={source: item.meta.slug for source, item in parsed.items() if item is not None},
        links=links,
        paths=paths,
        aliases=alias_targets((item.meta.slug, item.meta.aliases) for item in parsed.values() if item is not None),
    )


def _links_in(source: str, text: str, known: dict | None) -> tuple[frozenset[str], frozenset[str]]:
    """The slugs (`article:` links) and the root paths one text links to."""
    if known is not None and source in known and known[source][0] == text:
        return known[source][1], known[source][2]
    links = frozenset(unquote(m) for m in ARTICLE_LINK.findall(text))
    paths = frozenset(link_key(unquote(m)) for m in ROOT_LINK.findall(text))
    if known is not None:
        known[source] = (text, links, paths)
    return links, paths
