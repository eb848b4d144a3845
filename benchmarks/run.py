"""The build benchmark suite: cold, warm and one-edit builds of generated corpora, beside Hugo and Pelican.

Scenarios take turns: each round runs every requested scenario once, ours and then the peers', and
the ratios are given both from the medians and round by round (see in_rounds).

Run: .venv/bin/python benchmarks/run.py --n 1000 5000 [--runs 3] [--no-peers]
     [--only cold,parts,warm,edit,nosearch,bare] [--parts 4] [--json results.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

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


Once = Callable[[], Sample]


def in_rounds(results: Results, scenarios: list[tuple[str, Once]], runs: int) -> None:
    """Each scenario once per round, in the order given, for `runs` rounds.

    A machine's speed can drift over the minutes a benchmark runs (page cache, memory reclaim,
    other tenants). Repeating one scenario back to back, then the next, lets that drift land on
    one scenario and not another; taking turns spreads it over all of them, so round k of ours
    and round k of a peer ran under the same conditions and their ratio compares like with like.
    A scenario that fails is recorded with its error and left out of later rounds."""
    samples: dict[str, list[Sample]] = {name: [] for name, _ in scenarios}
    errors: dict[str, str] = {}
    for round_number in range(1, runs + 1):
        for name, once in scenarios:
            if name in errors:
                continue
            try:
                samples[name].append(once())
            except RunFailed as exc:
                errors[name] = str(exc)
                print(f"  {name}: FAILED: {exc}", file=sys.stderr)
                continue
            done = samples[name][-1]
            print(f"  {name} (round {round_number}/{runs}): {done.wall:.2f} s wall, {done.cpu:.2f} s CPU",
                  file=sys.stderr)
    for name, _ in scenarios:
        results.record(name, samples[name], errors.get(name, ""))


def cold(site: Path, output: Path, search: bool, timeout: float) -> Sample:
    """Empty cache, empty output: everything is computed and written."""
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(output, ignore_errors=True)
    return measure(build_command(site, output, search), timeout=timeout)


def edit_one(article: Path, original: str, run: int) -> None:
    """Append a paragraph that differs every run, so each build sees a real change."""
    article.write_text(original + f"\nA paragraph added by edit number {run} of this benchmark.\n", encoding="utf-8")


@dataclass
class PartsRuns:
    """The matrix build, one run per round: each part's and the merge's figures, the slowest part plus
    the merge, and whether the merged site is the cold build's bytes (when the cold build ran just before
    in the same round, and so from the same content)."""

    work: Workspace
    count: int
    timeout: float
    runs: list[matrix.MatrixRun] = field(default_factory=list)
    cold_just_built: bool = False  # the output folder holds a cold build that succeeded, and nothing since
    differences: list[str] | None = None

    def once(self) -> Sample:
        site = matrix.twin_site(self.work.site, self.work.root / "parts-site")
        merged = self.work.root / "out-merged"
        self.runs.append(matrix.build_in_parts(site, self.work.root / "parts", merged, self.count, BASE_URL,
                                               self.timeout))
        if self.cold_just_built:
            self.differences = sorted(set(self.differences or ()) | set(matrix.differences(self.work.output, merged)))
        done = self.runs[-1]
        print(f"  parts: slowest {done.slowest.wall:.2f} s + merge {done.merge.wall:.2f} s", file=sys.stderr)
        return done.slowest

    def record(self, results: Results) -> None:
        """The merge's figures and the facts beside the slowest part's, which the rounds recorded."""
        if not self.runs:
            return
        results.record("merge", [run.merge for run in self.runs])
        walls = sorted(run.wall for run in self.runs)
        facts: dict[str, object] = {"count": self.count, "slowest_plus_merge_wall": round(walls[len(walls) // 2], 3),
                                    "part_walls": [[round(s.wall, 2) for s in run.parts] for run in self.runs]}
        if self.differences is not None:
            facts["differences_from_cold"] = self.differences[:10]
        results.facts["parts"] = facts


@dataclass
class OurBuilds:
    """Our builds of the site, which share its output folder and cache from one scenario to the next."""

    work: Workspace
    results: Results
    timeout: float
    parts: PartsRuns | None = None
    article: Path | None = None  # the article the edit scenario changes, and its text as generated
    original: str = ""
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))  # each edit differs

    def cold(self) -> Sample:
        self._cold_built(False)
        sample = cold(self.work.site, self.work.output, True, self.timeout)
        self._cold_built(True)
        size, files = folder_size(self.work.output)
        self.results.facts.update(output_bytes=size, output_files=files, bytes_per_article=size // self.work.n,
                                  search_index=(self.work.output / "pagefind").is_dir())
        return sample

    def warm(self) -> Sample:
        self._previous()
        return self._build()

    def edited(self) -> Sample:
        assert self.article is not None
        self._previous()
        edit_one(self.article, self.original, next(self.counter))
        return self._build()

    def _build(self) -> Sample:
        return measure(build_command(self.work.site, self.work.output), timeout=self.timeout)

    def _previous(self) -> None:
        """A warm or edited build starts from the last build; when there is none (no cold build was asked
        for, or this round's failed), one is made first and not counted."""
        self._cold_built(False)
        if not self.work.output.exists():
            self._build()

    def _cold_built(self, fresh: bool) -> None:
        if self.parts is not None:
            self.parts.cold_just_built = fresh


def our_scenarios(work: Workspace, args: argparse.Namespace, builds: OurBuilds) -> list[tuple[str, Once]]:
    """Our scenarios in the order a round runs them: the cold build first, so that the parts are
    compared with it and the warm build has its output to start from."""
    only, timeout = args.only, args.timeout
    chosen: list[tuple[str, Once]] = []
    if "cold" in only:
        chosen.append(("cold", builds.cold))
    if builds.parts is not None:
        chosen.append(("parts_slowest", builds.parts.once))
    if "warm" in only:
        chosen.append(("warm", builds.warm))
    if builds.article is not None:
        chosen.append(("edit", builds.edited))
    if "nosearch" in only:
        chosen.append(("nosearch", lambda: cold(work.site, work.root / "out-nosearch", False, timeout)))
    if "bare" in only:
        chosen.append(("bare", lambda: cold(work.bare, work.root / "out-bare", False, timeout)))
    return chosen


def peer_scenarios(work: Workspace, results: Results, timeout: float, pelican: Path | None) -> list[tuple[str, Once]]:
    """Hugo (+ the Pagefind CLI on its output) and Pelican on the same corpus; absent tools are skipped."""
    content = work.site / "content"
    hugo, pagefind, pelican_peer = peers.find_hugo(), peers.find_pagefind(), peers.find_pelican(pelican)
    results.facts["peer_versions"] = {p.name: p.version for p in (hugo, pagefind, pelican_peer) if p}
    chosen: list[tuple[str, Once]] = []
    if hugo is None:
        print("  hugo: not installed, skipped", file=sys.stderr)
    else:
        out, cache = work.root / "out-hugo", work.root / "hugo-cache"
        command = peers.hugo_command(hugo, content, out, cache)
        chosen.append(("hugo", lambda: peers.measure_fresh(command, out, timeout,
                                                           lambda: shutil.rmtree(cache, ignore_errors=True))))
        chosen.append(("hugo_warm", lambda: measure(command, timeout=timeout)))
        if pagefind is None:
            print("  pagefind CLI: not found, skipped", file=sys.stderr)
        else:
            chosen.append(("pagefind_on_hugo", lambda: peers.measure_fresh(
                peers.pagefind_command(pagefind, out), out / "pagefind", timeout)))
    if pelican_peer is None:
        print("  pelican: not installed, skipped", file=sys.stderr)
        return chosen
    pelican_content = work.root / "pelican-content"
    if not pelican_content.exists():
        peers.to_pelican(content, pelican_content)
    pelican_out = work.root / "out-pelican"
    chosen.append(("pelican", lambda: peers.measure_fresh(
        peers.pelican_command(pelican_peer, pelican_content, pelican_out), pelican_out, timeout)))
    return chosen


def run_all(work: Workspace, results: Results, args: argparse.Namespace) -> None:
    """Ours and the peers, in rounds; the edited article is restored however the rounds end."""
    only = args.only
    parts = PartsRuns(work, args.parts, args.timeout) if "parts" in only else None
    article = sorted((work.site / "content" / "articles").glob("*.md"))[work.n // 2] if "edit" in only else None
    original = article.read_text(encoding="utf-8") if article is not None else ""
    try:
        builds = OurBuilds(work, results, args.timeout, parts, article, original)
        scenarios = our_scenarios(work, args, builds)
        if not args.no_peers:
            scenarios += peer_scenarios(work, results, args.timeout, args.pelican)
        in_rounds(results, scenarios, args.runs)
    finally:
        if article is not None:
            article.write_text(original, encoding="utf-8")
    if parts is not None:
        parts.record(results)


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
    run_all(work, results, args)
    if "cold" in args.only and work.output.exists():
        results.facts["search_query"] = search_query_bytes(work.output, sample_query(work.site))
    if "serve" in args.only:
        article = sorted((work.site / "content" / "articles").glob("*.md"))[0]
        results.facts["edit_to_serve"] = edit_to_serve(work.site, article, args.runs)
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
