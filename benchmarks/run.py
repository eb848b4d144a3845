"""The build benchmark suite: cold, warm and one-edit builds of generated corpora, beside Hugo and Pelican.

Run: .venv/bin/python benchmarks/run.py --n 1000 5000 [--runs 3] [--no-peers]
     [--only cold,parts,warm,edit,nosearch,bare] [--parts 4] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import matrix  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
from measure import RunFailed, Sample, folder_size, measure, median_sample  # noqa: E402
from optional import edit_to_serve, search_query_bytes  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "build.py"
BASE_URL = "https://example.org/bench/"
SCENARIOS = ("cold", "parts", "warm", "edit", "nosearch", "bare")


@dataclass
class Workspace:
    """The folders of one corpus size: the site, a no-citation twin sharing its content, and outputs."""

    n: int
    root: Path

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def bare(self) -> Path:
        return self.root / "bare"

    @property
    def output(self) -> Path:
        return self.root / "out-archivist"


@dataclass
class Results:
    """Medians (and every run) per scenario, plus sizes, peers and optional measurements."""

    n: int
    scenarios: dict[str, dict] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)

    def record(self, name: str, samples: list[Sample], error: str = "") -> None:
        entry: dict[str, object] = {"runs": [s.as_dict() for s in samples]}
        if samples:
            entry["median"] = median_sample(samples).as_dict()
        if error:
            entry["error"] = error
        self.scenarios[name] = entry

    def median(self, name: str) -> dict | None:
        return self.scenarios.get(name, {}).get("median")


def build_command(site: Path, output: Path, search: bool = True) -> list[str]:
    command = [sys.executable, str(BUILD_SCRIPT), "--site", str(site), "build", "--output", str(output),
               "--base-url", BASE_URL, "-q"]
    return command + ([] if search else ["--no-search"])


def prepare(work: Workspace, seed: int) -> float:
    """Write the corpus and its no-citation twin; return how long generating took."""
    started = time.perf_counter()
    corpus.generate(work.site, work.n, seed)
    elapsed = time.perf_counter() - started
    matrix.twin_site(work.site, work.bare)
    settings = corpus.site_settings().replace("[tool.archivist]\n", "[tool.archivist]\ncitation_styles = []\n")
    (work.bare / "pyproject.toml").write_text(settings + "search = false\n", encoding="utf-8")
    return elapsed


def repeat(results: Results, name: str, runs: int, once: Callable[[], Sample]) -> None:
    """Run a scenario `runs` times; a failure stops it and is recorded, not raised."""
    samples: list[Sample] = []
    try:
        for _ in range(runs):
            samples.append(once())
            print(f"  {name}: {samples[-1].wall:.2f} s wall, {samples[-1].cpu:.2f} s CPU", file=sys.stderr)
    except RunFailed as exc:
        print(f"  {name}: FAILED: {exc}", file=sys.stderr)
        results.record(name, samples, str(exc))
        return
    results.record(name, samples)


def cold(site: Path, output: Path, search: bool, timeout: float) -> Sample:
    """Empty cache, empty output: everything is computed and written."""
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    return measure(build_command(site, output, search), timeout=timeout)


def edit_one(article: Path, original: str, run: int) -> None:
    """Append a paragraph that differs every run, so each build sees a real change."""
    article.write_text(original + f"\nA paragraph added by edit number {run} of this benchmark.\n", encoding="utf-8")


def in_parts(work: Workspace, results: Results, count: int, runs: int, timeout: float) -> None:
    """The matrix build: each part's and the merge's medians, the slowest part plus the merge, and
    whether the merged site is the cold build's bytes (when the cold build ran just before)."""
    site = matrix.twin_site(work.site, work.root / "parts-site")
    merged = work.root / "out-merged"
    done: list[matrix.MatrixRun] = []
    try:
        for _ in range(runs):
            done.append(matrix.build_in_parts(site, work.root / "parts", merged, count, BASE_URL, timeout))
            print(f"  parts: slowest {done[-1].slowest.wall:.2f} s + merge {done[-1].merge.wall:.2f} s", file=sys.stderr)
    except RunFailed as exc:
        print(f"  parts: FAILED: {exc}", file=sys.stderr)
        results.record("parts_slowest", [run.slowest for run in done], str(exc))
        return
    results.record("parts_slowest", [run.slowest for run in done])
    results.record("merge", [run.merge for run in done])
    walls = sorted(run.wall for run in done)
    facts: dict[str, object] = {"count": count, "slowest_plus_merge_wall": round(walls[len(walls) // 2], 3),
                                "part_walls": [[round(s.wall, 2) for s in run.parts] for run in done]}
    if results.median("cold") and work.output.exists():
        facts["differences_from_cold"] = matrix.differences(work.output, merged)
    results.facts["parts"] = facts


def run_ours(work: Workspace, results: Results, args: argparse.Namespace) -> None:
    site, output, only, runs, timeout = work.site, work.output, args.only, args.runs, args.timeout
    if "cold" in only:
        repeat(results, "cold", runs, lambda: cold(site, output, True, timeout))
        size, files = folder_size(output) if output.exists() else (0, 0)
        results.facts.update(output_bytes=size, output_files=files, bytes_per_article=size // work.n,
                             search_index=(output / "pagefind").is_dir())
    if "parts" in only:
        in_parts(work, results, args.parts, runs, timeout)
    if only & {"warm", "edit"} and not output.exists():
        measure(build_command(site, output), timeout=timeout)  # prime: warm builds need a previous one
    if "warm" in only:
        repeat(results, "warm", runs, lambda: measure(build_command(site, output), timeout=timeout))
    if "edit" in only:
        article = sorted((site / "content" / "articles").glob("*.md"))[work.n // 2]
        original = article.read_text(encoding="utf-8")
        counter = iter(range(1, runs + 1))
        try:
            repeat(results, "edit", runs, lambda: (edit_one(article, original, next(counter)),
                                                    measure(build_command(site, output), timeout=timeout))[1])
        finally:
            article.write_text(original, encoding="utf-8")
    if "nosearch" in only:
        repeat(results, "nosearch", runs, lambda: cold(site, work.root / "out-nosearch", False, timeout))
    if "bare" in only:
        repeat(results, "bare", runs, lambda: cold(work.bare, work.root / "out-bare", False, timeout))


def run_peers(work: Workspace, results: Results, runs: int, timeout: float, pelican: Path | None) -> None:
    """Hugo (+ the Pagefind CLI on its output) and Pelican on the same corpus; absent tools are skipped."""
    content = work.site / "content"
    hugo, pagefind, pelican_peer = peers.find_hugo(), peers.find_pagefind(), peers.find_pelican(pelican)
    results.facts["peer_versions"] = {p.name: p.version for p in (hugo, pagefind, pelican_peer) if p}
    if hugo is None:
        print("  hugo: not installed, skipped", file=sys.stderr)
    else:
        out, cache = work.root / "out-hugo", work.root / "hugo-cache"
        command = peers.hugo_command(hugo, content, out, cache)
        repeat(results, "hugo", runs, lambda: peers.measure_fresh(
            command, out, timeout, lambda: shutil.rmtree(cache, ignore_errors=True)))
        repeat(results, "hugo_warm", runs, lambda: measure(command, timeout=timeout))
        if pagefind is None:
            print("  pagefind CLI: not found, skipped", file=sys.stderr)
        else:
            repeat(results, "pagefind_on_hugo", runs, lambda: peers.measure_fresh(
                peers.pagefind_command(pagefind, out), out / "pagefind", timeout))
    if pelican_peer is None:
        print("  pelican: not installed, skipped", file=sys.stderr)
        return
    pelican_content = work.root / "pelican-content"
    if not pelican_content.exists():
        peers.to_pelican(content, pelican_content)
    out = work.root / "out-pelican"
    repeat(results, "pelican", runs, lambda: peers.measure_fresh(
        peers.pelican_command(pelican_peer, pelican_content, out), out, timeout))


def sample_query(site: Path) -> str:
    """A word every corpus uses: the first word of the first article's title."""
    first = sorted((site / "content" / "articles").glob("*.md"))[0]
    title = next(line for line in first.read_text(encoding="utf-8").splitlines() if line.startswith("title:"))
    return title.split('"')[1].split()[0].lower()


def run_size(n: int, args: argparse.Namespace, base: Path) -> Results:
    work = Workspace(n, base / f"n{n}")
    results = Results(n)
    print(f"N={n}: generating the corpus in {work.site}", file=sys.stderr)
    results.facts["generate_seconds"] = round(prepare(work, args.seed), 3)
    run_ours(work, results, args)
    if "cold" in args.only and work.output.exists():
        results.facts["search_query"] = search_query_bytes(work.output, sample_query(work.site))
    if "serve" in args.only:
        article = sorted((work.site / "content" / "articles").glob("*.md"))[0]
        results.facts["edit_to_serve"] = edit_to_serve(work.site, article, args.runs)
    if not args.no_peers:
        run_peers(work, results, args.runs, args.timeout, args.pelican)
    results.facts["ratios"] = report.ratios(results.scenarios)
    return results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Measure Archivist's build beside Hugo and Pelican.")
    parser.add_argument("--n", type=int, nargs="+", default=[100], help="corpus sizes (articles)")
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario; medians are reported")
    parser.add_argument("--only", default=",".join(SCENARIOS) + ",serve",
                        help=f"comma-separated subset of {', '.join(SCENARIOS)}, serve")
    parser.add_argument("--parts", type=int, default=4, help="parts of the matrix build (scenario parts)")
    parser.add_argument("--no-peers", action="store_true", help="do not run Hugo, Pagefind or Pelican")
    parser.add_argument("--pelican", type=Path, help="the pelican executable (default: PATH, /tmp/pelican-venv)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed for any single run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep corpora and outputs here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    args = parser.parse_args(argv)
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = args.only - set(SCENARIOS) - {"serve"}
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    temporary = None if args.workdir else tempfile.TemporaryDirectory(prefix="archivist-bench-")
    base = args.workdir or Path(temporary.name)
    try:
        all_results = [run_size(n, args, base) for n in args.n]
    finally:
        if temporary:
            temporary.cleanup()
    document = {"environment": report.environment(), "runs": args.runs,
                "results": [{"n": r.n, "scenarios": r.scenarios, **r.facts} for r in all_results]}
    print(report.table(document))
    if args.json:
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    failed = any("error" in s for r in all_results for s in r.scenarios.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
