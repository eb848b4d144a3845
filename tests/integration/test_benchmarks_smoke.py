"""The benchmark suite still runs end to end on a tiny corpus, so it cannot rot unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_suite_runs_and_reports_every_requested_scenario(tmp_path: Path) -> None:
    results_file = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--n", "5", "--runs", "1", "--no-peers",
         "--only", "cold,parts,warm,edit,bare,serve", "--parts", "2", "--workdir", str(tmp_path / "work"), "--json", str(results_file)],
        capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(results_file.read_text(encoding="utf-8"))["results"][0]
    assert result["n"] == 5
    assert set(result["scenarios"]) == {"cold", "parts_slowest", "merge", "warm", "edit", "bare"}
    for name, entry in result["scenarios"].items():
        assert entry["median"]["wall"] > 0 and entry["median"]["cpu"] > 0, name
        assert entry["median"]["max_rss"] > 0, name
    cold = result["scenarios"]["cold"]["median"]
    assert 0 < cold["tree_pss"] <= cold["tree_rss"], "the cold build's tree is measured by PSS too, shared pages once"
    assert result["output_files"] > 5 and result["bytes_per_article"] > 0
    parts = result["parts"]
    assert parts["count"] == 2 and len(parts["part_walls"][0]) == 2
    assert parts["differences_from_cold"] == [], "the merged parts must be the cold build's very bytes"
    assert parts["slowest_plus_merge_wall"] > result["scenarios"]["merge"]["median"]["wall"]
    assert "2 parts: slowest part + merge" in done.stdout
    serve = result["edit_to_serve"]
    assert isinstance(serve, dict), serve
    assert 0 < serve["served_s"] <= serve["searchable_s"], serve
    assert "cold" in done.stdout and "warm" in done.stdout


def test_edit_scenario_restores_the_article(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--n", "3", "--runs", "2", "--no-peers",
         "--only", "edit", "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=900, check=True,
    )
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "corpus.py"), "--n", "3", str(fresh)],
                   check=True, capture_output=True)
    edited = sorted((tmp_path / "work" / "n3" / "site" / "content" / "articles").glob("*.md"))
    assert [p.read_bytes() for p in edited] == [p.read_bytes() for p in sorted(fresh.rglob("*.md"))]


def test_memory_benchmark_probes_every_step_and_reports_the_growth(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "memory_bench.py"), "--sizes", "3,6"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for step in ("load", "render_articles", "cite", "render_pages", "commit", "write_record"):
        assert done.stdout.count(f"  {step} ") == 2, (step, done.stdout)
    assert "KB per article" in done.stdout.splitlines()[-1]


def test_floor_benchmark_runs_each_engine_over_the_whole_corpus(tmp_path: Path) -> None:
    results_file = tmp_path / "floors.json"
    done = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "floors.py"), "--n", "6", "--runs", "1",
                           "--no-peers", "--workdir", str(tmp_path / "work"), "--json", str(results_file)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(results_file.read_text(encoding="utf-8"))
    assert result["floor_pages"] == 6 and result["indexed_pages"] == 6, result
    assert set(result["figures"]) == {"markdown", "citations", "search"}
    for name, sample in result["figures"].items():
        assert sample["wall"] > 0 and sample["cpu"] > 0, name
    page = next((tmp_path / "work" / "n6" / "out-floor" / "articles").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<sup" in page and "<h1>" in page and "data-pagefind-body" in page, "footnotes and title rendered"
    fed = next((tmp_path / "work" / "n6" / "fed" / "articles").glob("*/index.html")).read_bytes()
    assert b' id="p1"' not in fed, "the search floor indexes pages as the build feeds them, without passage ids"
    assert "cold floor (markdown + search)" in done.stdout
