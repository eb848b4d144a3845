"""Load every article: read, split front-matter, validate, then render Markdown once all slugs are known."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable
from urllib.parse import unquote

from . import discover, frontmatter, schema
from .aliases import alias_targets, link_key
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.build.facts import ArticleFacts, article_facts
from archivist.i18n import labels_for
from archivist.markdown import BodyContext, MarkdownOptions, render_body, render_inline
from archivist.markdown.image_size import intrinsic_size
from archivist.model import Article, ArticleMeta, SourceFile
from archivist.markdown.batch import render_many
from .translations import translation_problems, withheld_slug
from archivist.markdown.batch import RenderCache, RenderedParts, article_key, bundle_files, site_fingerprint


IMAGE_HEADER_BYTES = 65536  # enough for any header this reads, including an SVG's root element


@dataclass(frozen=True)
class Parsed:
    """An article whose front-matter is valid but whose Markdown is not yet rendered."""

    source: SourceFile
    meta: ArticleMeta
    body: str
    body_line: int


@dataclass(frozen=True)
class Loaded:
    """The published articles of a site, and the facts of every article file a rebuild compares."""

    articles: list[Article]
    facts: ArticleFacts


def load_articles(config: SiteConfig, drafts: bool = False) -> tuple[list[Article], list[Diagnostic]]:
    """All publishable articles, rendered, with every diagnostic of every file."""
    loaded, problems = load_site_articles(config, drafts)
    return loaded.articles, problems


def load_site_articles(config: SiteConfig, drafts: bool = False) -> tuple[Loaded, list[Diagnostic]]:
    """Like `load_articles`, with the facts for rebuild planning; the articles keep no source text
    (their Markdown is rendered by then), which on a large archive saves hundreds of megabytes."""
    sources, problems = discover.scan(config.root)
    parsed: dict[str, Parsed | None] = {}
    withheld: list[str] = []
    for source in sources:
        item, found = parse(source, config.language)
        problems.extend(found)
        parsed[source.relpath] = item if item is not None and (drafts or not item.meta.draft) else None
        if parsed[source.relpath] is None:
            withheld.append(withheld_slug(source, item))
    published = [item for item in parsed.values() if item is not None]
    problems.extend(duplicates(published))
    problems.extend(missing_pdfs(published))
    problems.extend(translation_problems(published, withheld))
    facts = article_facts(parsed, {source.relpath: source.text for source in sources})
    cache = RenderCache(config.cache_dir)
    articles, found = render_all(published, config, cache)
    problems.extend(found)
    cache.prune(source.relpath for source in sources)
    del sources, parsed, published
    return Loaded([replace(a, source=replace(a.source, text="")) for a in articles], facts), problems


def render_all(parsed: list[Parsed], config: SiteConfig, cache: RenderCache | None = None,
               workers: int | None = None) -> tuple[list[Article], list[Diagnostic]]:
    """Render every article, reading unchanged ones from the cache and rendering the rest,
    in worker processes when there are many; the result is the same as rendering them one by one."""
    slugs = [item.meta.slug for item in parsed]
    aliases = sorted(alias_targets((item.meta.slug, item.meta.aliases) for item in parsed).items())
    site = site_fingerprint(config.language, config.base_url, slugs, MarkdownOptions.of(config), aliases)
    keys = [_cache_key(site, item, config) for item in parsed]
    found: list[RenderedParts | None] = [cache.get(item.source.relpath, key) if cache else None
                                         for item, key in zip(parsed, keys)]
    missing = [index for index, parts in enumerate(found) if parts is None]
    fresh = render_many([parsed[index] for index in missing], config, slugs, workers, aliases)
    for index, parts in zip(missing, fresh):
        found[index] = parts
        if cache is not None:
            cache.put(parsed[index].source.relpath, keys[index], parts)
    articles, problems = [], []
    for item, parts in zip(parsed, found):
        assert parts is not None
        articles.append(_assemble(item, parts))
        problems.extend(parts.problems)
    return articles, problems


def _cache_key(site: str, item: Parsed, config: SiteConfig) -> str:
    labels = labels_for(item.meta.language, config.templates_dir / "i18n")
    return article_key(site, item.source.relpath, item.source.text, labels, bundle_files(item.source.bundle_dir))


def parse(source: SourceFile, site_language: str) -> tuple[Parsed | None, list[Diagnostic]]:
    """Split and validate one file's front-matter."""
    try:
        fm = frontmatter.split(source.text)
    except frontmatter.FrontMatterError as exc:
        return None, [frontmatter.as_diagnostic(exc, source.relpath)]
    meta, problems = schema.validate(fm, source.relpath, source.default_slug, site_language)
    if meta is None:
        return None, problems
    return Parsed(source, meta, fm.body, fm.body_line), problems


def render(item: Parsed, config: SiteConfig, resolve_article: Callable[[str], str | None],
           resolve_path: Callable[[str], str | None] = lambda _url: None) -> tuple[Article, list[Diagnostic]]:
    """Render one article's title, abstract and body for its language."""
    parts = render_parts(item, config, resolve_article, resolve_path)
    return _assemble(item, parts), list(parts.problems)


def _assemble(item: Parsed, parts: RenderedParts) -> Article:
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


def duplicates(parsed: list[Parsed]) -> list[Diagnostic]:
    """Every article sharing a slug or a DOI with another, each culprit named."""
    problems = []
    for key, code, label in (("slug", "meta.duplicate-slug", "slug"), ("doi", "meta.duplicate-doi", "DOI")):
        groups: dict[str, list[Parsed]] = defaultdict(list)
        for item in parsed:
            value = getattr(item.meta, key)
            if value:
                groups[value.lower()].append(item)
        for value, items in groups.items():
            if len(items) < 2:
                continue
            for item in items:
                others = ", ".join(o.source.relpath for o in items if o is not item)
                line = item.meta.lines.get(key, 1)
                problems.append(error(item.source.relpath, line, code,
                                      f"{label} '{getattr(item.meta, key)}' is also used by {others}"))
    return problems


def missing_pdfs(parsed: list[Parsed]) -> list[Diagnostic]:
    """A 'pdf' that is not in the article's bundle."""
    problems = []
    for item in parsed:
        pdf = item.meta.pdf
        if not pdf:
            continue
        bundle = item.source.bundle_dir
        if bundle is None or not (bundle / pdf).is_file():
            where = "its bundle folder" if bundle else "a bundle (content/articles/<slug>/index.md with the PDF beside it)"
            problems.append(error(item.source.relpath, item.meta.lines.get("pdf", 1), "meta.pdf-missing",
                                  f"pdf '{pdf}' is not a file in {where}"))
    return problems


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
