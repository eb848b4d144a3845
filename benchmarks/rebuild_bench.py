"""Measure what one edit costs `serve`'s live rebuild: pages rendered again and seconds, for a retitle and a body edit.

Usage: python benchmarks/rebuild_bench.py [--articles 1000] [--rounds 3] [--corpus copies|benchmark]

Builds a generated archive once in memory (`copies`: the sample articles copied under new slugs, as
serve_bench makes it; `benchmark`: the corpus of benchmarks/run.py, long articles with their own
authors, journals and keywords), then retitles one article and edits another's body, each `--rounds` times, and prints the
pages each rebuild rendered and its time (the rebuild itself, without the watcher or the browser).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from archivist.build.options import BuildOptions  # noqa: E402
from archivist.serve.live import LiveBuilder  # noqa: E402
import corpus  # noqa: E402
from serve_bench import _append, _retitle, make_generated  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", choices=("copies", "benchmark"), default="copies")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rebuild-bench-") as scratch:
        root = Path(scratch) / "site"
        if args.corpus == "copies":
            make_generated(root, args.articles)
            articles = root / "content" / "articles"
            retitled, edited = articles / "copy-00007.md", articles / "copy-00011.md"
        else:
            retitled, edited = corpus.generate(root, args.articles)[7:12:4]
        builder = LiveBuilder(root, BuildOptions(search=False))
        started = time.perf_counter()
        first = builder.rebuild()
        print(f"first build: {first.rendered} pages in {time.perf_counter() - started:.2f} s")
        edits = {"retitle": lambda n: _retitle(retitled, n),
                 "body edit": lambda n: _append(edited, f"\n\nEdited paragraph {n}.\n")}
        for name, edit in edits.items():
            times, pages = [], []
            for n in range(args.rounds):
                edit(n)
                outcome = builder.rebuild()
                times.append(outcome.seconds)
                pages.append(outcome.rendered)
            print(f"{name}: {statistics.median(pages):.0f} pages rendered, median {statistics.median(times):.3f} s "
                  f"over {args.rounds} (min {min(times):.3f}, max {max(times):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
