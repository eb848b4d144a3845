"""Measures what formatting citations costs per article and style: cold, warm and cached.

Run: .venv/bin/python benchmarks/citations_bench.py [--items 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from archivist.citations import DEFAULT_STYLES, CitationEngine, csl_item
from archivist.model import ArticleMeta, PartialDate, Person


def sample_items(count: int) -> list[dict]:
    """Varied articles: one to nine authors, particles, organisations, several types."""
    types = ("article-journal", "chapter", "book", "report")
    items = []
    for n in range(count):
        authors = tuple(Person(family=f"Author{n}x{k}", given="Jane", particle="van" if k == 1 else "")
                        for k in range(1 + n % 9)) + ((Person(literal="Open Science Collaboration"),) if n % 7 == 0 else ())
        meta = ArticleMeta(
            slug=f"article-{n}", title=f"Study number {n} of *Moby-Dick* and its readers",
            date=PartialDate(1990 + n % 30, 1 + n % 12), type=types[n % len(types)], authors=authors,
            journal="Journal of Sample Studies", volume=str(n % 40), issue=str(1 + n % 4),
            pages=f"{10 + n}-{30 + n}", doi=f"10.1234/sample.{n}" if n % 2 else "",
        )
        items.append(csl_item(meta, f"https://example.org/archive/articles/article-{n}/", "en-US"))
    return items


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(item_count: int) -> None:
    items = sample_items(item_count)
    with tempfile.TemporaryDirectory() as cache_dir:
        with CitationEngine(cache_dir=Path(cache_dir)) as engine:
            print(f"{item_count} items x {len(DEFAULT_STYLES)} styles; times in ms\n")
            print(f"{'style':32} {'cold 1st':>9} {'warm/item':>10} {'batch/item':>11} {'cite/item':>10}")
            for style in DEFAULT_STYLES:
                cold = timed(lambda: engine.citation(items[0], style, "en-US", "1"))
                warm = [timed(lambda i=i: engine.bibliography(i, style, "en-US")) for i in items]
                batch = timed(lambda: engine.bibliographies(
                    [dict(i, id=i["id"] + "-b") for i in items], style, "en-US"))
                cites = [timed(lambda i=i: engine.citation(i, style, "en-US", "12")) for i in items]
                print(f"{style:32} {cold * 1e3:9.0f} {statistics.median(warm) * 1e3:10.2f} "
                      f"{batch / len(items) * 1e3:11.2f} {statistics.median(cites) * 1e3:10.2f}")
        with CitationEngine(cache_dir=Path(cache_dir)) as cached:
            print("\nfrom the disk cache (a new engine; Node never starts):")
            for style in DEFAULT_STYLES:
                hits = [timed(lambda i=i: cached.bibliography(i, style, "en-US")) for i in items]
                print(f"{style:32} {statistics.median(hits) * 1e3:10.3f} ms/item")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    run(parser.parse_args().items)


if __name__ == "__main__":
    main()
