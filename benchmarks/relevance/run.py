"""How well the archive's search finds known items, in one index shard and in eight: they must agree.

    .venv/bin/python benchmarks/relevance/run.py PEPS_DIR [--work DIR] [--shards 8]
        [--eval ../shared/search-eval/run_queries.py] [--queries benchmarks/relevance/pep-queries.json]

Writes the PEP archive (pep_corpus.py) from a checkout of python/peps, builds it once with one
search shard (and the zero-configuration Pagefind CLI beside it, through search-eval's
--baseline-plain) and once in SHARDS shards (search_shard_size = ceil(pages / SHARDS)), runs the
known-item queries against each in Chromium with search-eval, and prints success@1, success@3
and MRR for each. Exits 1 when the sharded figures differ from the one-shard ones.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import pep_corpus  # noqa: E402


def default_eval() -> Path:
    for shared in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        candidate = shared / "search-eval" / "run_queries.py"
        if candidate.is_file():
            return candidate
    return ROOT.parent / "shared" / "search-eval" / "run_queries.py"


def build(site: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--site", str(site), "build", "-q"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"building {site} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def evaluate(runner: Path, site: Path, queries: Path, label: str, baseline: bool) -> dict:
    report = site / f"{label}.json"
    command = [sys.executable, str(runner), str(site / "output"), "--queries", str(queries),
               "--label", label, "--json", str(report), "--show-failures", "20"]
    if baseline:
        command += ["--baseline-plain", "--work", str(site / "baseline")]
    done = subprocess.run(command, capture_output=True, text=True)
    print(done.stdout)
    if done.returncode != 0:
        raise SystemExit(f"search-eval failed for {label}:\n{done.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))["systems"]


def figures(rows: list[dict]) -> dict[str, float]:
    ranks = [row["rank"] for row in rows]
    n = len(ranks)
    return {"s1": sum(1 for r in ranks if r == 1) / n, "s5": sum(1 for r in ranks if r and r <= 5) / n,
            "mrr": sum(1 / r for r in ranks if r) / n}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("peps", type=Path, help="a python/peps checkout (or its peps/ folder)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/archivist-relevance"))
    parser.add_argument("--count", type=int, default=160)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--eval", type=Path, default=default_eval())
    parser.add_argument("--queries", type=Path, default=HERE / "pep-queries.json")
    args = parser.parse_args(argv)
    folder = args.peps / "peps" if (args.peps / "peps").is_dir() else args.peps
    single, sharded = args.work / "one-shard", args.work / f"{args.shards}-shards"
    shutil.rmtree(args.work, ignore_errors=True)
    slugs = pep_corpus.write_site(folder, single, args.count)
    shutil.copytree(single, sharded)
    with open(sharded / "pyproject.toml", "a", encoding="utf-8") as settings:
        settings.write(f"search_shard_size = {math.ceil(len(slugs) / args.shards)}\n")
    build(single)
    build(sharded)
    one = evaluate(args.eval, single, args.queries, "one-shard", baseline=True)
    many = evaluate(args.eval, sharded, args.queries, f"{args.shards}-shards", baseline=False)
    table = {**one, **many}
    for label, rows in table.items():
        f = figures(rows)
        print(f"{label:>12}: S@1 {f['s1']:.3f}  S@5 {f['s5']:.3f}  MRR {f['mrr']:.3f}  ({len(rows)} queries)")
    same = figures(one["one-shard"]) == figures(many[f"{args.shards}-shards"])
    ranks_agree = [r["rank"] for r in one["one-shard"]] == [r["rank"] for r in many[f"{args.shards}-shards"]]
    print(f"{args.shards} shards rank every query as one shard does: {'yes' if ranks_agree else 'no'}")
    return 0 if same and ranks_agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
