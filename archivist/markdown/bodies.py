"""Where rendered bodies wait for their own page: files of the build's scratch folder, not memory.

A body's HTML, with its table of contents and its ids, is most of what rendering an article makes,
and only the article's own page shows them (the link check asks for the ids of an article a link
points into, and reads them back): listings, feeds, related-article blocks and harvest files show
its front-matter and whether it has a text. A build that holds every body until the pages are made grows by the size of the archive's
text; one that writes each body out as it arrives, keeps a short stand-in in its place and reads it
back when that one page is rendered, holds a summary per article and one body at a time.

A body in the render cache is on disk already, whether it was read from there or stored there as it
was rendered: its entry is linked into the folder instead of being written out again (a build after
a one-article edit reads thousands of bodies from the cache and renders one page; a cold build
would otherwise write every body twice), and read back from that link, checked as any cache entry is.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from archivist.model import Article
from archivist.util.diskfaults import writing

STAND_IN = "<!-- this article's text waits in the build's scratch folder -->"
STOWED = ("html", "toc", "paragraph_ids", "ids", "heading_aliases")  # the body's parts kept in its file


class StoredBody(Protocol):
    """A file that holds an article's body already (its render-cache entry), and how to read the parts
    back from that file or from a link to it."""

    path: Path

    def read(self, path: Path) -> dict[str, Any]: ...


class BodyStore:
    """The bodies of one build's articles, by source file, in files under `folder` (the caller's to remove)."""

    def __init__(self, folder: Path, shown: Path | None = None):
        self.folder = Path(folder)
        self.shown = Path(shown) if shown is not None else self.folder  # the folder a full disk is reported in
        self.stowed: set[str] = set()  # sources whose body is in a file, not in their article
        self.linked: dict[str, StoredBody] = {}  # those whose file is a link to where the body was stored

    def stow(self, article: Article, stored: StoredBody | None = None) -> Article:
        """The article with its body's large parts written out (or, with `stored`, that file linked), a
        stand-in for its HTML and nothing for the others in their place; an article without a text keeps
        its body as it is, so that `has_body` reads the same either way."""
        body = article.body
        source = article.source.relpath
        if not body.html.strip() or (source in self.stowed and body.html == STAND_IN):
            return article
        with writing("the rendered pages", self.shown):  # the build stops; the spool goes with its bodies
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._file(source)
            target.unlink(missing_ok=True)  # never written through: it may be a link to a cache entry
            self.linked.pop(source, None)
            if stored is not None and _linked(stored.path, target):
                self.linked[source] = stored
            else:
                parts = {name: getattr(body, name) for name in STOWED}
                target.write_bytes(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))
        self.stowed.add(source)
        return replace(article, body=replace(body, html=STAND_IN, toc=(), paragraph_ids=(), ids=(), heading_aliases=()))

    def restore(self, article: Article) -> Article:
        """The article with its body's parts read back, when they were stowed here."""
        source = article.source.relpath
        if source not in self.stowed or article.body.html != STAND_IN:
            return article
        stored = self.linked.get(source)
        path = self._file(source)
        parts = stored.read(path) if stored is not None else pickle.loads(path.read_bytes())
        return replace(article, body=replace(article.body, **parts))

    def _file(self, source: str) -> Path:
        return self.folder / (hashlib.sha256(source.encode("utf-8")).hexdigest()[:40] + ".pickle")


def _linked(existing: Path, link: Path) -> bool:
    """Whether `link` now names the file `existing` names. Cache entries are replaced by renaming, never
    written in place, so the linked file keeps the bytes it had for as long as the link lasts. Where
    no hard link can be made (another file system), the body is written out instead."""
    try:
        os.link(existing, link)
    except OSError:
        return False
    return True
