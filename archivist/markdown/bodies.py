"""Where rendered bodies wait for their own page: files of the build's scratch folder, not memory.

A body's HTML is most of what rendering an article makes, and only the article's own page shows it:
listings, feeds, related-article blocks and harvest files show its front-matter and whether it has
a text. A build that holds every body until the pages are made grows by the size of the archive's
text; one that writes each body out as it arrives, keeps a short stand-in in its place and reads it
back when that one page is rendered, holds a summary per article and one body at a time.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from archivist.model import Article

STAND_IN = "<!-- this article's text waits in the build's scratch folder -->"


class BodyStore:
    """The bodies of one build's articles, by source file, in files under `folder` (the caller's to remove)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.stowed: set[str] = set()  # sources whose body is in a file, not in their article

    def stow(self, article: Article) -> Article:
        """The article with its body's HTML written out and a stand-in in its place; an article
        without a text keeps its (blank) HTML, so that `has_body` reads the same either way."""
        html = article.body.html
        source = article.source.relpath
        if not html.strip() or (source in self.stowed and html == STAND_IN):
            return article
        self.folder.mkdir(parents=True, exist_ok=True)
        self._file(source).write_bytes(html.encode("utf-8"))
        self.stowed.add(source)
        return replace(article, body=replace(article.body, html=STAND_IN))

    def restore(self, article: Article) -> Article:
        """The article with its body's HTML read back, when it was stowed here."""
        source = article.source.relpath
        if source not in self.stowed or article.body.html != STAND_IN:
            return article
        html = self._file(source).read_bytes().decode("utf-8")
        return replace(article, body=replace(article.body, html=html))

    def _file(self, source: str) -> Path:
        return self.folder / (hashlib.sha256(source.encode("utf-8")).hexdigest()[:40] + ".html")
