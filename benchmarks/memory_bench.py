"""Measure how the build's Python memory grows with the number of articles, stage by stage.

Usage: python benchmarks/memory_bench.py [--sizes 100,400] [--kind bare|full]

For each size, writes the benchmark corpus (benchmarks/corpus.py, seed 1) into a scratch folder and
builds it cold in this process under tracemalloc, with a probe around each step of the pipeline:
what Python held when the step began, its peak during the step, and what it held after. `bare`
builds without citation styles and search (the Python of the build alone); `full` with the corpus's
settings (four styles and search). The last lines give the peak's growth per article between the
first and the last size: the figure the target "at most 50 KB per article" is about.

tracemalloc counts Python's own allocations, not the interpreter, the modules or the engines
(Node, Pagefind) the build starts, so the figure is the part that grows with an archive's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any, Callable

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import archivist.build.pipeline as pipeline  # noqa: E402
from archivist import cli  # noqa: E402
from archivist.build.recorddraft import StateDraft  # noqa: E402
from archivist.write.commit import StagedCommit  # noqa: E402
import corpus  # noqa: E402

PROBED = ((pipeline.load_step, "load"), (pipeline, "render_articles"), (pipeline, "cite"), (pipeline, "plan_site"),
          (pipeline, "site_wide_files"), (pipeline, "render_pages"), (pipeline, "article_files"),
          (pipeline, "site_problems"), (pipeline, "search_files"), (StagedCommit, "finish", "commit"),
          (StateDraft, "publish", "write_record"))
Row = tuple[str, int, int, int]  # step, held before, peak during, held after (bytes)


def probe(rows: list[Row], module: Any, name: str, label: str = "") -> Callable[[], None]:
    """Wrap module.name (a module's function or a class's method) so each call adds a row, named
    `label` or else `name`; returns what puts the original back. The commit's and the record's rows
    are their last part: what each begins on a thread of its own while the search index is made is
    traced in that step's row."""
    original = getattr(module, name)

    def probed(*args: Any, **kwargs: Any) -> Any:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        try:
            return original(*args, **kwargs)
        finally:
            held, peak = tracemalloc.get_traced_memory()
            rows.append((label or name, before, peak, held))

    setattr(module, name, probed)
    return lambda: setattr(module, name, original)


def measure(site: Path, output: Path) -> list[Row]:
    """One cold build of `site` into `output`, in this process; the rows of every probed step."""
    rows: list[Row] = []
    restore = [probe(rows, *probed) for probed in PROBED]
    tracemalloc.start(1)
    try:
        status = cli.main(["--site", str(site), "build", "--output", str(output), "-q"])
    finally:
        tracemalloc.stop()
        for undo in restore:
            undo()
    if status not in (0, None):
        raise SystemExit(f"the build of {site} ended with status {status}")
    return rows


def write_site(folder: Path, n: int, kind: str) -> Path:
    site = folder / f"site-{n}"
    corpus.generate(site, n, 1)
    if kind == "bare":
        settings = corpus.site_settings().replace("[tool.archivist]\n", "[tool.archivist]\ncitation_styles = []\n")
        (site / "pyproject.toml").write_text(settings + "search = false\n", encoding="utf-8")
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,400", help="numbers of articles, comma-separated")
    parser.add_argument("--kind", choices=("bare", "full"), default="bare")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    peaks: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as scratch:
        for n in sizes:
            site = write_site(Path(scratch), n, args.kind)
            rows = measure(site, Path(scratch) / f"output-{n}")
            peaks[n] = max(peak for _name, _before, peak, _after in rows)
            print(f"N = {n:,} ({args.kind}): MB held before, peak during, held after each step")
            for name, before, peak, after in rows:
                print(f"  {name:16s} {before / 1e6:8.1f} {peak / 1e6:8.1f} {after / 1e6:8.1f}")
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        growth = (peaks[last] - peaks[first]) / (last - first)
        print(f"peak {peaks[first] / 1e6:.1f} MB at {first:,}, {peaks[last] / 1e6:.1f} MB at {last:,}: "
              f"{growth / 1e3:.1f} KB per article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
