"""A disk cache of each article's rendered Markdown, keyed on everything that decides the HTML.

Rendering the bodies is the largest share of a build; an article whose source, site settings,
interface words, linkable slugs, bundle files and renderer code are all unchanged renders to the
same bytes, so a warm build reads the result back instead. A file that cannot be read is a miss."""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from archivist.diagnostics import Diagnostic
from archivist.util.files import write_atomically
from archivist.util.digests import code_fingerprint, parts_digest as digest
from archivist.markdown.context import MarkdownOptions
from archivist.model import RenderedBody
from archivist.util.workers import forked_map, worker_count

if TYPE_CHECKING:
    from archivist.config import SiteConfig
    from archivist.content.load import Parsed

CACHE_FORMAT = b"render-cache-4"  # bump when the stored layout changes; older files then miss
FOLDER = "render"


@dataclass(frozen=True)
class RenderedParts:
    """What rendering one article produces besides the inputs it was given."""

    body: RenderedBody
    title_html: str
    abstract_html: str
    problems: tuple[Diagnostic, ...]


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
    """Each file an article's body may refer to, as 'path<TAB>size<TAB>mtime': an image whose
    bytes change may change its width and height in the HTML, so its size and time are part of
    the key."""
    if bundle is None or not bundle.is_dir():
        return []
    root = bundle.resolve()
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and path.resolve().is_relative_to(root):
            stat = path.stat()
            found.append(f"{path.relative_to(bundle).as_posix()}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return found


class RenderCache:
    """One pickle per article under `<cache_dir>/render/`, named after its source path, written atomically."""

    def __init__(self, cache_dir: Path):
        self.folder = cache_dir / FOLDER

    def file_for(self, relpath: str) -> Path:
        return self.folder / (hashlib.sha256(relpath.encode("utf-8")).hexdigest()[:40] + ".pickle")

    def get(self, relpath: str, key: str) -> RenderedParts | None:
        """The stored parts when the file exists, is whole and was made for this very key."""
        try:
            with open(self.file_for(relpath), "rb") as handle:
                stored = pickle.load(handle)
        except Exception:  # noqa: BLE001 - a missing, truncated or foreign file is only a miss
            return None
        if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == CACHE_FORMAT and stored[1] == key):
            return None
        parts = stored[2]
        return parts if isinstance(parts, RenderedParts) else None

    def put(self, relpath: str, key: str, parts: RenderedParts) -> None:
        """Store the parts; a cache that cannot be written only costs the next build time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = pickle.dumps((CACHE_FORMAT, key, parts), protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(self.file_for(relpath), data, suffix=".pickle")
        except OSError:
            pass

    def prune(self, keep: Iterable[str]) -> None:
        """Remove the files of articles that no longer exist, so the folder does not grow forever."""
        wanted = {self.file_for(relpath).name for relpath in keep}
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name.endswith(".pickle") and name not in wanted:
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass


_worker_resolver: Callable[[str], str | None] | None = None
_worker_paths: Callable[[str], str | None] | None = None
_worker_config: SiteConfig | None = None


def render_many(items: Sequence[Parsed], config: SiteConfig, slugs: Iterable[str],
                workers: int | None = None, aliases: Iterable[tuple[str, str]] = ()) -> list[RenderedParts]:
    """The rendered parts of each item, in the order given; `aliases` are (old address, slug) pairs."""
    from archivist.content.load import article_resolver, path_resolver, render_parts

    slugs, aliases = tuple(slugs), tuple(aliases)
    count = worker_count(len(items), workers)
    if count < 2:
        resolver, paths = article_resolver(config, slugs), path_resolver(config, aliases)
        return [render_parts(item, config, resolver, paths) for item in items]
    return forked_map(_render_one, items, count, max_chunk=16, setup=_set_up_worker,
                      setup_args=(config, slugs, aliases))


def _set_up_worker(config: SiteConfig, slugs: tuple[str, ...], aliases: tuple[tuple[str, str], ...] = ()) -> None:
    from archivist.content.load import article_resolver, path_resolver

    global _worker_config, _worker_resolver, _worker_paths
    _worker_config = config
    _worker_resolver = article_resolver(config, slugs)
    _worker_paths = path_resolver(config, aliases)


def _render_one(item: Parsed) -> RenderedParts:
    from archivist.content.load import render_parts

    assert _worker_config is not None and _worker_resolver is not None
    return render_parts(item, _worker_config, _worker_resolver, _worker_paths)
