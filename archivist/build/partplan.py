"""What the parts of a site built on several machines, and the merge that joins them, agree on without
talking to each other: which part builds which article and search shard, and digests that tell whether
they all built the same site.

An article belongs to the part of its search shard: shard `s` of the whole archive is built by part
`s mod N + 1`, so a part's article pages and its search shards are the same pages and no part needs
another's pages to index its own. The shard count follows from the whole archive's article count and
the site's `search_shard_size`, which every part reads from the same content folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from archivist.build.options import BuildOptions
from archivist.build.record import package_fingerprint
from archivist.build.state import hash_tree
from archivist.config import SiteConfig
from archivist.search.shards import shard_count, shard_of
from archivist.theme import THEME_DIR
from archivist.util.digests import digest, settings_digest

PART_PATTERN = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
DIGEST_NAMES = {"settings": "settings ([tool.archivist] and the build options)", "content": "content/ folder",
                "theme": "theme (templates/ and the citation styles)", "engine": "Archivist (another version or code)"}


class PartSpecError(ValueError):
    """A `--part` value that names no part."""


@dataclass(frozen=True)
class PartSpec:
    """Part `number` of `count`, counted from 1."""

    number: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "PartSpec":
        found = PART_PATTERN.fullmatch(text)
        if not found:
            raise PartSpecError(f"--part takes K/N, such as 2/4, not {text!r}")
        number, count = int(found.group(1)), int(found.group(2))
        if count < 1 or not 1 <= number <= count:
            raise PartSpecError(f"--part {number}/{count}: K must be from 1 to N (here 1 to {count})")
        return cls(number, count)

    @property
    def name(self) -> str:
        return f"{self.number}/{self.count}"

    @property
    def default_output(self) -> str:
        """The folder a part is built into unless told otherwise."""
        return f"output-part-{self.number}-of-{self.count}"


@dataclass(frozen=True)
class Ownership:
    """Which part builds each article: the part of its search shard."""

    parts: int
    shards: int  # the whole archive's number of search shards

    def shard_of(self, slug: str) -> int:
        return shard_of(article_page(slug), self.shards)

    def part_of(self, slug: str) -> int:
        return self.shard_of(slug) % self.parts + 1


def article_page(slug: str) -> str:
    return f"articles/{slug}/index.html"


def ownership(config: SiteConfig, slugs: Iterable[str], parts: int) -> Ownership:
    """The ownership every part computes alike from the whole archive's published slugs."""
    return Ownership(parts, shard_count(len(list(slugs)), config.search_shard_size))


def site_digests(config: SiteConfig, options: BuildOptions) -> dict[str, str]:
    """Digests of everything that reaches the pages, wherever the site is checked out: its settings and
    build options (base URL included), its content, its theme and styles, and Archivist itself."""
    root = config.root
    return {
        "settings": settings_digest(replace(config, root=Path(".")), options, config.base_url),
        "content": _tree_digest([config.content_dir], root),
        "theme": _tree_digest([config.templates_dir, *(root / d for d in config.csl_dirs)], root)
                 + _tree_digest([THEME_DIR], THEME_DIR),
        "engine": package_fingerprint(),
    }


def _tree_digest(folders: list[Path], root: Path) -> str:
    hashes = hash_tree(folders, root)
    return digest(json.dumps(hashes, sort_keys=True).encode())
