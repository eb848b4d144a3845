"""Measures what formatting citations costs: per article and style, and a whole cold cite step.

Run: .venv/bin/python benchmarks/citations_bench.py [--items 50]
     .venv/bin/python benchmarks/citations_bench.py --site DIR [--workers N] [--json FILE]
The second form times cite_all on a site (one made by benchmarks/corpus.py) with an empty
citation cache: wall and CPU time (this process plus its Node workers) and the peak memory
of Python and of the largest Node worker.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from archivist import config as site_config
from archivist.citations.cite import cite_all
from archivist.citations import DEFAULT_STYLES, CitationEngine, csl_item
from archivist.build.steps import load_articles
from archivist.model import ArticleMeta, PartialDate, Person

MIB = 1024 * 1024


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


class NodePeak(threading.Thread):
    """Polls this process's child Node processes: the largest peak resident size any reached."""

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval = interval
        self.peak = 0
        self.seen: set[int] = set()
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self._sample()
            self._done.wait(self.interval)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak

    def _sample(self) -> None:
        for pid in _node_children():
            self.seen.add(pid)
            self.peak = max(self.peak, _status_kib(pid, "VmHWM") * 1024)


def _node_children() -> list[int]:
    parent = str(os.getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[1] == parent and (entry / "comm").read_text().strip() == "node":
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def _status_kib(pid: int | str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass(frozen=True)
class ColdCite:
    """One cold cite step: times in seconds, memory in bytes."""

    articles: int
    workers: str
    wall: float
    cpu_python: float
    cpu_node: float
    python_rss_before: int
    python_peak_rss: int
    node_peak_rss: int
    node_processes: int


def cold_cite(site: Path, workers: int | None) -> ColdCite:
    """cite_all with an empty cache, after the articles are loaded (not timed)."""
    config = site_config.load(site)
    articles, _ = load_articles(config)
    shutil.rmtree(config.cache_dir / "citations", ignore_errors=True)
    options = {} if workers is None else {"workers": workers}
    default = inspect.signature(cite_all).parameters["workers"].default
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS from here on
    before_rss = _status_kib("self", "VmRSS") * 1024
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler = NodePeak()
    sampler.start()
    start = time.perf_counter()
    entries, problems = cite_all(config, articles, **options)
    wall = time.perf_counter() - start
    node_peak = sampler.stop()
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if problems or len(entries) != len(articles):
        raise SystemExit(f"cite_all failed: {problems[:3]}")
    return ColdCite(
        articles=len(articles), workers=str(workers if workers is not None else f"default ({default})"), wall=wall,
        cpu_python=_cpu(self_after) - _cpu(self_before), cpu_node=_cpu(children_after) - _cpu(children_before),
        python_rss_before=before_rss, python_peak_rss=_status_kib("self", "VmHWM") * 1024,
        node_peak_rss=node_peak, node_processes=len(sampler.seen))


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def report_cold(result: ColdCite) -> None:
    print(f"cold cite_all: {result.articles} articles x {len(DEFAULT_STYLES)} styles, workers {result.workers}")
    print(f"  wall {result.wall:.2f} s, CPU {result.cpu_python + result.cpu_node:.2f} s "
          f"(Python {result.cpu_python:.2f}, Node {result.cpu_node:.2f}), {result.node_processes} Node processes")
    print(f"  Python RSS {result.python_rss_before / MIB:.0f} MiB before, peak {result.python_peak_rss / MIB:.0f} MiB; "
          f"largest Node peak {result.node_peak_rss / MIB:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--site", type=Path, help="time a cold cite_all on this site instead")
    parser.add_argument("--workers", type=int, help="Node workers for --site (default: cite_all's default)")
    parser.add_argument("--json", type=Path, help="also write the --site result here")
    args = parser.parse_args()
    if args.site is None:
        run(args.items)
        return
    result = cold_cite(args.site, args.workers)
    report_cold(result)
    if args.json:
        args.json.write_text(json.dumps(result.__dict__, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
