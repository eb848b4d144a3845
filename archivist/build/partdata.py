"""What a part of a site tells the merge, as JSON: each of its articles as listings and harvest files
show it, the files it wrote and the problems it found; and the stand-in entries of the articles a
part or the merge did not render itself.

An article page shows other articles only as listings do (title, byline, journal, whether it has a
text), and listings, feeds and harvest files show nothing of an article's body HTML: so an entry
made from the front-matter, or from a part's record, holds everything but that HTML, which stays on
the article's own page. Templates that print another article's body would print only a comment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from archivist.citations.cite import StyleBlock
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic
from archivist.library.entry import Entry
from archivist.markdown import MarkdownOptions, render_inline
from archivist.model import Article, Parsed, Reference, RenderedBody
from archivist.util.jsondata import JsonDataError, from_json, to_json

PART_FILE = "archivist-part.json"
SITE_FOLDER = "site"  # a part's own files, by site path, under its folder
SEARCH_FOLDER = "search"  # its search shards' bundles as Pagefind made them, NNN/<path> for shard NNN
FORMAT = "archivist-part 2"  # change when PartSummary changes: the merge refuses other forms
BODY_STAND_IN = "<!-- this article's text is on its own page -->"


@dataclass(frozen=True)
class ArticleRecord:
    """One article a part built, as the merge needs it for listings, feeds, harvest files and link checks."""

    source: str  # its file, relative to the site
    title_html: str
    abstract_html: str
    has_body: bool
    body: RenderedBody  # without its HTML and citations (see `bodiless`)
    csl: Mapping[str, Any]
    citations: tuple[StyleBlock, ...]
    exports: tuple[str, ...]  # names of the files written beside its page ('cite.bib', …)
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class PartSummary:
    """Everything the merge reads of one part: which part of which site it is, and what it made."""

    format: str
    part: int
    parts: int
    base_url: str
    drafts: bool
    search: bool
    digests: Mapping[str, str]  # see partplan.site_digests
    shards: int  # the whole archive's search shards
    articles: tuple[ArticleRecord, ...]  # by source
    files: tuple[str, ...]  # site paths of its pages, exports, assets and redirect pages
    search_files: tuple[str, ...]  # its search shards' bundle files (see shard_file), under search/
    diagnostics: tuple[Diagnostic, ...]


class SummaryError(ValueError):
    """A part file that cannot be read as this version's summary."""


def encode(summary: PartSummary) -> bytes:
    return (json.dumps(to_json(summary), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def decode(data: bytes) -> PartSummary:
    try:
        found = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SummaryError(f"not JSON ({exc})") from None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        shown = found.get("format") if isinstance(found, dict) else None
        raise SummaryError(f"written in the form {shown!r}, not {FORMAT!r}: build every part and merge "
                           "with the same Archivist")
    try:
        return from_json(PartSummary, found)
    except (JsonDataError, TypeError) as exc:
        raise SummaryError(f"not a part summary ({exc})") from None


def shard_file(number: int, path: str) -> str:
    """Where a part keeps a file of shard `number`'s bundle, under its search folder: the bundle as
    indexed, not as published, since the merge joins every shard's with the whole archive's statistics."""
    return f"{number:03d}/{path}"


def shard_of_file(name: str) -> tuple[int, str]:
    """(shard number, path in its bundle) of a name shard_file made; ValueError for any other name."""
    number, _slash, path = name.partition("/")
    if not (number.isdigit() and len(number) == 3 and path):
        raise ValueError(f"{name!r} is not a shard's file")
    return int(number), path


def record_of(entry: Entry) -> ArticleRecord:
    """What the merge needs of an entry this part built."""
    article = entry.article
    return ArticleRecord(article.source.relpath, article.title_html, article.abstract_html, article.has_body,
                         bodiless(article.body), entry.csl, entry.citations, tuple(sorted(entry.exports)),
                         entry.references)


def bodiless(body: RenderedBody) -> RenderedBody:
    """The body's facts without its HTML and its citations, which only its own page shows."""
    return replace(body, html="", citations=())


def recorded_entry(record: ArticleRecord, item: Parsed, folder: Path) -> Entry:
    """The entry a part built, as listings and harvest files see it; its exports are read back from
    the part's `folder` (its site files), where they were written beside the page."""
    body = replace(record.body, html=BODY_STAND_IN if record.has_body else "")
    article = Article(replace(item.source, text=""), item.meta, body, record.title_html, record.abstract_html,
                      item.body_line)
    exports = {name: (folder / article.url_path / name).read_bytes().decode("utf-8") for name in record.exports}
    return Entry(article, csl=record.csl, citations=record.citations, exports=exports, references=record.references)


def front_matter_entry(item: Parsed, config: SiteConfig, has_body: bool) -> Entry:
    """An article another part builds, as this part's pages show it: from its front-matter alone."""
    meta = item.meta
    title_html = render_inline(meta.title, meta.language, MarkdownOptions.of(config))
    body = RenderedBody(html=BODY_STAND_IN if has_body else "")
    return Entry(Article(replace(item.source, text=""), meta, body, title_html, "", item.body_line))
