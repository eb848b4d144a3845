"""Links from article bodies into the site, checked on every build against the pages and files it writes.

A body is rendered, and cached, before the site's pages exist, and a link may lead to another
article's old address, a listing, a feed or a file from another bundle: so each link a body recorded
(`RenderedBody.site_links`) is checked here, after planning, whatever was rendered again. A link to
nothing is a warning, an image the site does not publish an error, and a fragment the target
article has no id for a warning; each on the line of the link.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable, Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from .redirects import REDIRECT_TEMPLATE
from archivist.diagnostics import Diagnostic, error, warning
from .jobs import OutputJob
from archivist.library.entry import Entry
from archivist.markdown.anchors import PAGE_TARGETS, closest_id, fragment_target
from archivist.model import Article, SiteLink

_ORIGIN = "http://site.invalid/"  # resolves paths as a browser does, '..' stopping at the root


def site_link_problems(entries: Iterable[Entry], files: Iterable[str], jobs: Mapping[str, OutputJob],
                       whole: Callable[[Article], Article] | None = None) -> list[Diagnostic]:
    """Every link of every article body that leads to no page, file or id of this build; `whole` gives
    an article with the ids its body keeps elsewhere (see markdown.bodies), for a link into it."""
    entries = tuple(entries)
    if not any(entry.article.body.site_links for entry in entries):
        return []
    site = SitePaths.of(entries, files, jobs)
    if whole is not None:
        site = replace(site, whole=whole)
    problems = []
    for entry in entries:
        for link in entry.article.body.site_links:
            found = site.check(entry.article, link)
            if found is not None:
                problems.append(found)
    return problems


@dataclass(frozen=True)
class SitePaths:
    """The files of a build, and the article each article page or redirect page shows."""

    files: frozenset[str]
    articles: Mapping[str, Article]  # page file -> the article it shows (or sends the reader on to)
    slugs: Mapping[str, Article]
    whole: Callable[[Article], Article] = lambda article: article  # an article with its body's ids

    @classmethod
    def of(cls, entries: tuple[Entry, ...], files: Iterable[str], jobs: Mapping[str, OutputJob]) -> "SitePaths":
        articles = {f"{entry.article.url_path}index.html": entry.article for entry in entries}
        for path, job in jobs.items():
            if job.template == REDIRECT_TEMPLATE:
                articles[path] = job.context["entry"].article
        return cls(frozenset(files), articles, {entry.article.slug: entry.article for entry in entries})

    def check(self, article: Article, link: SiteLink) -> Diagnostic | None:
        """The problem with one recorded link, or None when it leads somewhere real."""
        where, line = article.source.relpath, link.line
        shown = unquote(link.target)
        if link.kind == "article":
            slug, _, fragment = link.target.partition("#")
            target = self.slugs.get(slug)  # an unknown slug was reported while rendering
            return self._fragment(where, line, f"article:{shown}", target, fragment) if target else None
        address, _, fragment = link.target.partition("#")
        path = _site_path(article.url_path, address)
        if link.kind == "image":
            if path in self.files:
                return None
            return error(where, line, "body.image-path", f"image '{shown}' is not a file this site publishes; "
                                                         "put it in the article's folder and write its name")
        page = self.page_for(path)
        if page is None:
            return warning(where, line, "body.broken-link",
                           f"link to '{shown}' leads to no page or file of this site{self._suggest(path)}")
        return self._fragment(where, line, shown, self.articles.get(page), fragment)

    def page_for(self, path: str) -> str | None:
        """The file a server answers a path with: the file itself, or the index of the folder."""
        if path == "" or path.endswith("/"):
            candidates = [path + "index.html"]
        else:
            candidates = [path, path + "/index.html"]  # the host answers '/x' by adding the slash
        return next((c for c in candidates if c in self.files), None)

    def _fragment(self, where: str, line: int, shown: str, target: Article | None, fragment: str) -> Diagnostic | None:
        if target is None or not fragment:
            return None  # a listing or a file: its ids are not an article's to know
        name = fragment_target(fragment)
        if name in PAGE_TARGETS:
            return None
        target = self.whole(target)
        if name in target.body.ids or name in target.body.paragraph_ids:
            return None
        own = dict(target.body.heading_aliases).get(name)
        hint = f" (the heading it names has the id '{own}' there)" if own else closest_id(name, target.body.ids)
        return warning(where, line, "body.missing-anchor",
                       f"link to '{shown}': the article '{target.slug}' has no element with the id '{name}'{hint}")

    def _suggest(self, path: str) -> str:
        """' (did you mean …?)' when a page or file of the site ends with the same name, ignoring case."""
        name = path.rstrip("/").rpartition("/")[2].casefold()
        close = self._by_name.get(name.removesuffix(".html").removesuffix(".htm"))
        return f" (did you mean '{close}'?)" if close else ""

    @cached_property
    def _by_name(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for file in sorted(self.files, key=lambda f: (f.count("/"), f)):
            shown = file.removesuffix("index.html")
            name = shown.rstrip("/").rpartition("/")[2].casefold()
            names.setdefault(name.removesuffix(".html").removesuffix(".htm"), "/" + shown)
        return names


def _site_path(page: str, address: str) -> str:
    """A link's path from the site's root: read from the article's page when relative, decoded."""
    resolved = urlsplit(urljoin(_ORIGIN + page, address)).path
    return unquote(resolved.lstrip("/"))
