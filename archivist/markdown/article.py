"""Render one article: its title, abstract and body, from its parsed front-matter and Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable
from urllib.parse import unquote

from archivist.config import SiteConfig
from archivist.content.aliases import link_key
from archivist.model import Parsed
from archivist.diagnostics import Diagnostic
from archivist.i18n import labels_for
from archivist.model import Article, RenderedBody
from .context import BodyContext, MarkdownOptions
from .image_size import intrinsic_size
from .inline import render_inline
from .pipeline import render_body


IMAGE_HEADER_BYTES = 65536  # enough for any header this reads, including an SVG's root element


@dataclass(frozen=True)
class RenderedParts:
    """What rendering one article produces besides the inputs it was given."""

    body: RenderedBody
    title_html: str
    abstract_html: str
    problems: tuple[Diagnostic, ...]


def render(item: Parsed, config: SiteConfig, resolve_article: Callable[[str], str | None],
           resolve_path: Callable[[str], str | None] = lambda _url: None) -> tuple[Article, list[Diagnostic]]:
    """Render one article's title, abstract and body for its language."""
    parts = render_parts(item, config, resolve_article, resolve_path)
    return article_of(item, parts), list(parts.problems)


def article_of(item: Parsed, parts: RenderedParts) -> Article:
    return Article(source=item.source, meta=item.meta, body=parts.body, title_html=parts.title_html,
                   abstract_html=parts.abstract_html, body_line=item.body_line)


def render_parts(item: Parsed, config: SiteConfig, resolve_article: Callable[[str], str | None],
                 resolve_path: Callable[[str], str | None] = lambda _url: None) -> RenderedParts:
    """The HTML of one article's title, abstract and body, with the problems found on the way."""
    meta = item.meta
    labels = labels_for(meta.language, config.templates_dir / "i18n")
    options = MarkdownOptions.of(config)
    context = BodyContext(
        path=item.source.relpath,
        first_line=item.body_line,
        lang=meta.language,
        labels=labels,
        resolve_article=resolve_article,
        asset_exists=_asset_checker(item.source.bundle_dir),
        asset_size=_asset_sizer(item.source.bundle_dir),
        options=options,
        site_root=config.path_prefix,
        resolve_path=resolve_path,
        citations=item.citations,
        lists_works=bool(meta.nocite),
    )
    body, problems = render_body(item.body, context)
    abstract_html = ""
    if meta.abstract:
        abstract_context = BodyContext(item.source.relpath, meta.lines.get("abstract", 1), meta.language,
                                       labels, resolve_article, lambda _path: False, options=options,
                                       site_root=config.path_prefix, known_ids=frozenset(body.ids + body.paragraph_ids),
                                       resolve_path=resolve_path)
        abstract, found = render_body(meta.abstract, abstract_context)
        abstract_html = _strip_paragraph_ids(abstract.html)
        problems = problems + found
        body = replace(body, site_links=body.site_links + abstract.site_links)  # checked with the body's
    return RenderedParts(body=body, title_html=render_inline(meta.title, meta.language, options),
                         abstract_html=abstract_html, problems=tuple(problems))


def _strip_paragraph_ids(html: str) -> str:
    """Abstract paragraphs must not take the ids p1, p2 that belong to the body's passages."""
    return re.sub(r'<p id="p\d+">', "<p>", html)


def article_resolver(config: SiteConfig, slugs: Iterable[str]) -> Callable[[str], str | None]:
    """Turns the slug of an `article:` link into its URL, or None when no such article is loaded."""
    known = set(slugs)

    def resolve(slug: str) -> str | None:
        return config.url_for(f"articles/{slug}/") if slug in known else None

    return resolve


def path_resolver(config: SiteConfig, aliases: Iterable[tuple[str, str]]) -> Callable[[str], str | None]:
    """Turns a root path that is an article's old address into the article's own URL (keeping the
    query and the fragment, which a redirect page would lose), or None for any other path."""
    targets = dict(aliases)
    if not targets:
        return lambda _url: None

    def resolve(url: str) -> str | None:
        address, mark, fragment = url.partition("#")
        path, question, query = address.partition("?")
        slug = targets.get(link_key(unquote(path)))
        return config.url_for(f"articles/{slug}/") + question + query + mark + fragment if slug else None

    return resolve


def _asset_sizer(bundle: Path | None) -> Callable[[str], tuple[int, int] | None]:
    """An image's intrinsic size, read from the start of its file in the bundle."""
    exists = _asset_checker(bundle)

    def size(relative: str) -> tuple[int, int] | None:
        if bundle is None or not exists(relative):
            return None
        try:
            with open(bundle.joinpath(*PurePosixPath(relative).parts), "rb") as image:
                return intrinsic_size(image.read(IMAGE_HEADER_BYTES))
        except OSError:
            return None

    return size


def _asset_checker(bundle: Path | None) -> Callable[[str], bool]:
    def exists(relative: str) -> bool:
        if bundle is None:
            return False
        parts = PurePosixPath(relative).parts
        if ".." in parts or relative.startswith("/"):
            return False
        target = bundle.joinpath(*parts)
        return target.is_file() and target.resolve().is_relative_to(bundle.resolve())

    return exists
