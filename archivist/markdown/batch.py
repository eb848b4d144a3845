"""Render every article's Markdown: from a disk cache keyed on everything that decides the HTML, and the
rest on every core.

Rendering the bodies is the largest share of a build; an article whose source, site settings,
interface words, linkable slugs, bundle files and renderer code are all unchanged renders to the
same bytes, so a warm build reads the result back instead. An entry that cannot be read is a miss."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

from archivist.config import SiteConfig
from archivist.content.aliases import alias_targets
from archivist.content.load import TextChanged, read_back, text_digest
from archivist.model import Parsed
from archivist.diagnostics import Diagnostic
from archivist.i18n import labels_for
from archivist.model import Article, RenderedBody
from archivist.util.cacheentry import SUFFIX, DamagedEntry, EntryKind, read_decoded, read_json, to_bytes, write_entry
from archivist.util.jsondata import from_json, to_json
from archivist.util.progress import Stage
from archivist.util.digests import code_fingerprint, file_digest, parts_digest as digest
from archivist.util.workers import forked_map, worker_count
from .bodies import STOWED
from .article import RenderedParts, article_of, article_resolver, path_resolver, render_parts
from .context import MarkdownOptions

ENTRY_KIND = EntryKind("render", 7)  # bump the version when RenderedParts changes; older entries then miss
FOLDER = "render"
STALE_SUFFIXES = (SUFFIX, ".pickle")  # the files prune may remove: entries, and those of the pickled layout


def site_fingerprint(language: str, base_url: str, slugs: Iterable[str],
                     options: MarkdownOptions = MarkdownOptions(), aliases: Iterable[tuple[str, str]] = ()) -> str:
    """The settings every article's rendering shares: site language, link prefix, linkable slugs,
    the old addresses links are pointed past (`aliases`, as (address, slug)) and the Markdown syntax
    switched on or off (`markdown_subscript`, `markdown_superscript`, `markdown_math_delimiters`)."""
    slug_list = "\n".join(sorted(set(slugs))).encode("utf-8")
    alias_list = "\n".join(f"{path}\t{slug}" for path, slug in sorted(set(aliases))).encode("utf-8")
    syntax = (f"subscript={options.subscript} superscript={options.superscript} "
              f"math={','.join(options.math)}").encode()
    return digest(code_fingerprint().encode(), language.encode(), base_url.encode(), slug_list, syntax, alias_list)


def article_key(site: str, relpath: str, text: str, labels: Mapping[str, str], assets: Iterable[str]) -> str:
    """One article's key: the shared fingerprint plus its own source, words and bundle files."""
    words = "\n".join(f"{k}\t{v}" for k, v in sorted(labels.items())).encode("utf-8")
    files = "\n".join(sorted(assets)).encode("utf-8")
    return digest(site.encode(), relpath.encode("utf-8"), text.encode("utf-8"), words, files)


def bundle_files(bundle: Path | None) -> list[str]:
    """Each file an article's body may refer to, as 'path<TAB>hash of its bytes': an image whose
    bytes change may change its width and height in the HTML. Its bytes, not its size and time,
    since an edit can keep both (a time restored, or two writes within one tick of the clock)."""
    if bundle is None or not bundle.is_dir():
        return []
    root = bundle.resolve()
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and path.resolve().is_relative_to(root):
            found.append(f"{path.relative_to(bundle).as_posix()}\t{file_digest(path)}")
    return found


class RenderCache:
    """One entry per article under `<cache_dir>/render/<site address>/`, named after its source path and
    written atomically: its parts as JSON in the common envelope (util.cacheentry), so an entry that is
    damaged, copied from another article or crafted is a miss, never a wrong page or code that runs.

    Links in a body depend on the site's address, so `serve` (which previews at its own) and `build`
    render different bodies; one folder per address keeps a writer who alternates them from making
    each throw away what the other stored."""

    def __init__(self, cache_dir: Path, base_url: str = ""):
        self.folder = cache_dir / FOLDER / hashlib.sha256(base_url.encode("utf-8")).hexdigest()[:16]

    def file_for(self, relpath: str) -> Path:
        return self.folder / (hashlib.sha256(relpath.encode("utf-8")).hexdigest()[:40] + SUFFIX)

    def get(self, relpath: str, key: str, problems: list[Diagnostic] | None = None) -> RenderedParts | None:
        """The stored parts when the entry exists, is whole, and was made for this article and key;
        a damaged entry adds one warning to `problems`."""
        return read_parts(self.file_for(relpath), relpath, key, problems)

    def put(self, relpath: str, key: str, parts: RenderedParts) -> bool:
        """Store the parts, and say whether they were; a cache that cannot be written only costs the
        next build time."""
        return write_entry(self.file_for(relpath), ENTRY_KIND, relpath, parts_to_bytes(parts), key)

    def prune(self, keep: Iterable[str]) -> None:
        """Remove the entries of articles that no longer exist (and files of older layouts), so the
        folder does not grow forever."""
        wanted = {self.file_for(relpath).name for relpath in keep}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.endswith(STALE_SUFFIXES) and name not in wanted:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass


def read_parts(path: Path, relpath: str, key: str, problems: list[Diagnostic] | None = None) -> RenderedParts | None:
    """The parts an entry at `path` holds for this article and key, as `RenderCache.get` reads them."""
    return read_decoded(path, ENTRY_KIND, relpath, key, parts_from_bytes, "an article's rendered parts", problems)


@dataclass(frozen=True)
class CachedBody:
    """An article's body as its render-cache entry holds it, for a BodyStore to link rather than write
    out again; read back, the entry is checked as any entry is (whole, this article's, this key's)."""

    path: Path
    relpath: str
    key: str

    def read(self, path: Path) -> dict[str, Any]:
        parts = read_parts(path, self.relpath, self.key)
        if parts is None:
            raise OSError(f"the rendered text of {self.relpath} kept for its page is gone or damaged ({path})")
        return {name: getattr(parts.body, name) for name in STOWED}


def parts_to_bytes(parts: RenderedParts) -> bytes:
    """The parts as one line of JSON without the body's HTML, then the HTML itself: most of an entry is
    that HTML, and reading it as raw text rather than as an escaped JSON string makes a warm build's
    reads several times faster."""
    data = to_json(parts)
    html = data["body"].pop("html")
    return to_bytes(data) + b"\n" + html.encode("utf-8")


def parts_from_bytes(content: bytes) -> RenderedParts:
    """The parts `parts_to_bytes` wrote; DamagedEntry or JsonDataError for anything else."""
    line, _newline, html = content.partition(b"\n")
    data = read_json(line)
    if not (isinstance(data, dict) and isinstance(data.get("body"), dict) and "html" not in data["body"]):
        raise DamagedEntry("its content is not an article's rendered parts")
    data["body"]["html"] = html.decode("utf-8")
    return from_json(RenderedParts, data)


def render_all(parsed: list[Parsed], config: SiteConfig, cache: RenderCache | None = None,
               workers: int | None = None) -> tuple[list[Article], list[Diagnostic]]:
    """Render every article, reading unchanged ones from the cache and rendering the rest,
    in worker processes when there are many; the result is the same as rendering them one by one."""
    articles, problems = [], []
    for article, found in render_each(parsed, config, cache, workers):
        articles.append(article)
        problems.extend(found)
    return articles, problems


def render_each(parsed: list[Parsed], config: SiteConfig, cache: RenderCache | None = None,
                workers: int | None = None, among: Collection[str] | None = None, stage: Stage | None = None,
                keep: Callable[[Article, CachedBody | None], Article] | None = None
                ) -> list[tuple[Article, list[Diagnostic]]]:
    """Each article with its own problems, as `render_all` makes them; with `among`, only the
    articles of those sources, rendered as they are among all the others (whose slugs links reach).
    `stage` counts the articles as they are read from the cache or come back rendered. `keep` makes
    what is kept of each article as soon as it is at hand (see `bodies.BodyStore.stow`), so that a
    large archive's bodies need not all be in memory at once; it is told which cache entry holds an
    article's parts, when the cache holds them (read from it, or stored in it just now)."""
    slugs = [item.meta.slug for item in parsed]
    aliases = sorted(alias_targets((item.meta.slug, item.meta.aliases) for item in parsed).items())
    site = site_fingerprint(config.language, config.base_url, slugs, MarkdownOptions.of(config), aliases)
    if among is not None:
        parsed = [item for item in parsed if item.source.relpath in among]
    if stage is not None:
        stage.total = len(parsed)
    keys = [_cache_key(site, item, config) for item in parsed]

    def finish(index: int, parts: RenderedParts, damage: list[Diagnostic], cached: bool = False
               ) -> tuple[Article, list[Diagnostic]]:
        article = article_of(parsed[index], parts)
        if keep is not None:
            relpath = parsed[index].source.relpath
            stored = CachedBody(cache.file_for(relpath), relpath, keys[index]) if cached and cache else None
            article = keep(article, stored)
        return article, list(parts.problems) + damage

    rendered, missing = _cached(parsed, keys, cache, stage, finish)
    waiting = iter(missing)

    def arrived(parts: RenderedParts) -> tuple[Article, list[Diagnostic]]:
        """A fresh article, stored in the cache; `keep` is then told of its entry as of one read from
        the cache, so that its body is linked to that file rather than written out once more."""
        index, damage = next(waiting)
        relpath = parsed[index].source.relpath
        stored = cache is not None and not _unread(parts) and cache.put(relpath, keys[index], parts)
        return finish(index, parts, damage, stored)

    fresh = render_many([parsed[index] for index, _damage in missing], config, slugs, workers, aliases,
                        done=stage.advance if stage is not None else None, then=arrived)
    for (index, _damage), made in zip(missing, fresh):
        rendered[index] = made
    return [made for made in rendered if made is not None]


def _cached(parsed: list[Parsed], keys: list[str], cache: RenderCache | None, stage: Stage | None,
            finish: Callable[[int, RenderedParts, list[Diagnostic], bool], tuple[Article, list[Diagnostic]]]
            ) -> tuple[list[tuple[Article, list[Diagnostic]] | None], list[tuple[int, list[Diagnostic]]]]:
    """Each article finished from the cache (None for a miss), and the positions of the misses, each
    with the warning of its damaged entry (kept with its article, so the build reports it once);
    `stage` counts the hits."""
    found: list[tuple[Article, list[Diagnostic]] | None] = []
    missing = []
    for index, (item, key) in enumerate(zip(parsed, keys)):
        damage: list[Diagnostic] = []
        parts = cache.get(item.source.relpath, key, damage) if cache else None
        if parts is None:
            missing.append((index, damage))
            found.append(None)
            continue
        found.append(finish(index, parts, damage, True))
        if stage is not None:
            stage.advance()
    return found, missing


def _cache_key(site: str, item: Parsed, config: SiteConfig) -> str:
    labels = labels_for(item.meta.language, config.templates_dir / "i18n")
    text = f"{item.digest or text_digest(item.source.text)}\0{item.citations}"
    return article_key(site, item.source.relpath, text, labels, bundle_files(item.source.bundle_dir))


_worker_resolver: Callable[[str], str | None] | None = None
_worker_paths: Callable[[str], str | None] | None = None
_worker_config: SiteConfig | None = None


def render_many(items: Sequence[Parsed], config: SiteConfig, slugs: Iterable[str],
                workers: int | None = None, aliases: Iterable[tuple[str, str]] = (),
                done: Callable[[int], None] | None = None,
                then: Callable[[RenderedParts], Any] | None = None) -> list[Any]:
    """The rendered parts of each item, in the order given; `aliases` are (old address, slug) pairs;
    `done(1)` as each item's parts are ready; with `then`, what it makes of each item's parts instead,
    made as they are ready."""
    slugs, aliases = tuple(slugs), tuple(aliases)
    count = worker_count(len(items), workers)
    if count < 2:
        resolver, paths = article_resolver(config, slugs), path_resolver(config, aliases)
        rendered = []
        for item in items:
            parts = _render_item(item, config, resolver, paths)
            rendered.append(parts if then is None else then(parts))
            if done is not None:
                done(1)
        return rendered
    return forked_map(_render_one, items, count, max_chunk=16, setup=_set_up_worker,
                      setup_args=(config, slugs, aliases), done=done, then=then)


def _set_up_worker(config: SiteConfig, slugs: tuple[str, ...], aliases: tuple[tuple[str, str], ...] = ()) -> None:
    global _worker_config, _worker_resolver, _worker_paths
    _worker_config = config
    _worker_resolver = article_resolver(config, slugs)
    _worker_paths = path_resolver(config, aliases)


def _render_one(item: Parsed) -> RenderedParts:
    assert _worker_config is not None and _worker_resolver is not None
    return _render_item(item, _worker_config, _worker_resolver, _worker_paths)


def _render_item(item: Parsed, config: SiteConfig, resolver: Callable[[str], str | None],
                 paths: Callable[[str], str | None] | None) -> RenderedParts:
    """One item's parts, its text read back first when the build let it go after loading; a file
    that reads differently now renders to nothing but the problem that says so."""
    try:
        item = read_back(item, config.root)
    except TextChanged as exc:
        return RenderedParts(RenderedBody(html=""), "", "", (exc.problem,))
    if paths is None:
        return render_parts(item, config, resolver)
    return render_parts(item, config, resolver, paths)


def _unread(parts: RenderedParts) -> bool:
    """Parts that say the file could not be read again: never kept, so the next build reads it anew."""
    return any(problem.code.startswith("content.") for problem in parts.problems)
