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


def article_facts(parsed: Mapping[str, Parsed | None], texts: Mapping[str, str]) -> ArticleFacts:
    """The facts of every article file, from its parsed front-matter and its text."""
    return ArticleFacts(
        listed={source: listing_digest(item) for source, item in parsed.items()},
        slugs={source: item.meta.slug for source, item in parsed.items() if item is not None},
        links={source: frozenset(unquote(m) for m in ARTICLE_LINK.findall(text)) for source, text in texts.items()},
        paths={source: frozenset(link_key(unquote(m)) for m in ROOT_LINK.findall(text))
               for source, text in texts.items()},
        aliases=alias_targets((item.meta.slug, item.meta.aliases) for item in parsed.values() if item is not None),
    )
