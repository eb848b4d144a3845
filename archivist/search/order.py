"""The table that puts a sharded index's sorted results (newest first, oldest first) in one global order.

In a sorted search Pagefind 1.5.2 scores a result by its page's position in its own index's
sort list (negated when ascending), and a merged search orders all results by that score, so
results from different shards interleave by position, not by date. The table maps each
shard's positions to the page's rank in the whole archive's order, the order a single index
would give: by sort value, ties by site path (Pagefind numbers pages in the order they were
added, which is site-path order). The browser tells shards apart by the tag in each page id.

Values are read from the pages' `data-pagefind-sort="key"` elements. Each shard's own order,
as Pagefind wrote it, is checked against them; a key whose order cannot be confirmed gets no
table, and the browser keeps Pagefind's merged order for it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re

from archivist.search.bundle import BundleFormatError, unpack
from archivist.search.shards import Shard, page_bytes

SORT_ELEMENT = re.compile(rb'data-pagefind-sort="([^"\[:]+)"[^>]*>([^<]*)<')
META_FILE = re.compile(r"^pagefind\.[^/]+\.pf_meta$")
META_PAGES_FIELD = 1
META_SORTS_FIELD = 4


def sort_values(page: bytes) -> dict[str, str]:
    """The page's sort values by key, as Pagefind reads them (the element's text, trimmed)."""
    found: dict[str, str] = {}
    for key, value in SORT_ELEMENT.findall(page):
        found.setdefault(key.decode("utf-8"), html.unescape(value.decode("utf-8")).strip())
    return found


def shard_sorts(files: dict[str, bytes]) -> tuple[int, dict[str, list[int]]]:
    """A shard bundle's page count and, per sort key, its pages' indices in sorted order."""
    metas = [path for path in files if META_FILE.match(path)]
    if len(metas) != 1:
        raise BundleFormatError(f"expected one metadata file, found {len(metas)}")
    meta = unpack(files[metas[0]])
    return len(meta[META_PAGES_FIELD]), {str(name): list(order) for name, order in meta[META_SORTS_FIELD]}


def order_file(bundles: list[tuple[Shard, dict[str, bytes]]]) -> tuple[str, bytes] | None:
    """('order.<hash>.json', bytes) for these shards, or None when no sort can be put in order.

    The JSON maps each sort key to, per shard number, the global ranks of the shard's sort
    positions, delta-encoded (each rank minus the one before; ranks only grow)."""
    values = {path: sort_values(page_bytes(page)) for shard, _ in bundles for path, page in shard.pages}
    local = {shard.number: _local_orders(shard, files) for shard, files in bundles}
    keys = sorted({key for orders in local.values() for key in orders})
    tables = {}
    for key in keys:
        table = _key_table(key, bundles, values, local)
        if table is not None:
            tables[key] = table
    if not tables:
        return None
    data = json.dumps(tables, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return f"order.{hashlib.sha256(data).hexdigest()[:10]}.json", data


def _local_orders(shard: Shard, files: dict[str, bytes]) -> dict[str, list[str]]:
    """Per sort key, the shard's site paths in Pagefind's sorted order."""
    page_count, sorts = shard_sorts(files)
    if page_count != len(shard.pages):
        raise BundleFormatError(f"shard {shard.number}: {page_count} pages indexed, {len(shard.pages)} given")
    paths = [path for path, _ in shard.pages]
    return {key: [paths[index] for index in order] for key, order in sorts.items()}


def _key_table(key: str, bundles: list[tuple[Shard, dict[str, bytes]]], values: dict[str, dict[str, str]],
               local: dict[int, dict[str, list[str]]]) -> list[list[int]] | None:
    having = [path for path, found in values.items() if key in found]
    numeric = all(_is_number(values[path][key]) for path in having)
    ordered = sorted(having, key=lambda path: (_sort_value(values[path][key], numeric), path))
    rank = {path: at for at, path in enumerate(ordered)}
    table: list[list[int]] = [[] for _ in range(bundles[0][0].count)]
    for shard, _files in bundles:
        order = local[shard.number].get(key, [])
        ranks = [rank.get(path, -1) for path in order]
        in_shard = sum(1 for path, _ in shard.pages if path in rank)
        if len(ranks) != in_shard or any(b <= a for a, b in zip([-1] + ranks, ranks)):
            return None  # Pagefind's own order differs from what the values say: leave it be
        table[shard.number] = [b - a for a, b in zip([-1] + ranks, ranks)]
    return table


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _sort_value(value: str, numeric: bool) -> float | str:
    return float(value) if numeric else value
