"""Turn benchmark medians into ratios against the peers, a printed table, and a description of the machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
GIB = 1024 * MIB

# name -> (our scenario, the peer scenarios summed, the target ratio)
RATIO_TARGETS = {
    "cold / (hugo + pagefind)": ("cold", ("hugo", "pagefind_on_hugo"), 1.0),
    "cold / pelican": ("cold", ("pelican",), 0.25),
    "bare / hugo": ("bare", ("hugo",), 2.0),
    "warm / hugo": ("warm", ("hugo_warm",), 0.1),
    "edit / (hugo + pagefind)": ("edit", ("hugo", "pagefind_on_hugo"), 0.25),  # the peers rebuild all
}
PEAK_MEMORY_TARGET = 2 * GIB


def ratios(scenarios: dict[str, dict]) -> dict[str, dict]:
    """Our median time over the peers' summed medians, for wall and CPU time, with the target."""
    found = {}
    for name, (ours, theirs, target) in RATIO_TARGETS.items():
        mine = scenarios.get(ours, {}).get("median")
        others = [scenarios.get(t, {}).get("median") for t in theirs]
        if not mine or not all(others):
            continue
        wall = mine["wall"] / sum(o["wall"] for o in others)
        cpu = mine["cpu"] / sum(o["cpu"] for o in others)
        found[name] = {"wall": round(wall, 3), "cpu": round(cpu, 3), "target": target, "met": wall <= target}
        paired = paired_ratio(scenarios, ours, theirs)
        if paired is not None:
            found[name]["paired_wall"] = paired
    cold = scenarios.get("cold", {}).get("median")
    if cold:
        peak = cold.get("tree_pss") or cold["tree_rss"]  # PSS where it was measured: shared pages once
        found["cold peak memory (GiB)"] = {"value": round(peak / GIB, 3), "target": PEAK_MEMORY_TARGET / GIB,
                                           "met": peak <= PEAK_MEMORY_TARGET}
    return found


def paired_ratio(scenarios: dict[str, dict], ours: str, theirs: tuple[str, ...]) -> dict | None:
    """The median, lowest and highest of round-by-round wall-time ratios: round k of ours over the sum
    of the peers' round k, which ran minutes apart rather than a whole suite apart. None unless every
    scenario has the same number of runs (a failed one has fewer)."""
    runs = [scenarios.get(name, {}).get("runs") or [] for name in (ours, *theirs)]
    if not runs[0] or any(len(r) != len(runs[0]) for r in runs):
        return None
    each = [mine["wall"] / sum(other[k]["wall"] for other in runs[1:]) for k, mine in enumerate(runs[0])]
    return {"median": round(statistics.median(each), 3), "low": round(min(each), 3), "high": round(max(each), 3)}


def table(document: dict) -> str:
    lines = [f"{'N':>6}  {'scenario':<18} {'wall s':>9} {'CPU s':>9} {'max RSS MiB':>12} {'tree MiB':>9} "
             f"{'PSS MiB':>8} {'runs':>5}"]
    for result in document["results"]:
        for name, entry in result["scenarios"].items():
            median = entry.get("median")
            if median:
                lines.append(f"{result['n']:>6}  {name:<18} {median['wall']:>9.2f} {median['cpu']:>9.2f} "
                             f"{median['max_rss'] / MIB:>12.0f} {median['tree_rss'] / MIB:>9.0f} "
                             f"{median.get('tree_pss', 0) / MIB:>8.0f} {len(entry['runs']):>5}")
            if entry.get("error"):
                lines.append(f"{result['n']:>6}  {name:<18} FAILED: {entry['error'][:90]}")
        lines.extend(_facts(result))
    return "\n".join(lines)


def _facts(result: dict) -> list[str]:
    lines = []
    if "output_bytes" in result:
        lines.append(f"{'':>8}output: {result['output_bytes'] / MIB:.1f} MiB in {result['output_files']} files, "
                     f"{result['bytes_per_article'] / 1024:.0f} KiB per article; "
                     f"search index {'present' if result.get('search_index') else 'absent'}")
    parts = result.get("parts")
    if parts:
        cold = result["scenarios"].get("cold", {}).get("median")
        against = f", {parts['slowest_plus_merge_wall'] / cold['wall']:.2f}x the cold build" if cold else ""
        same = parts.get("differences_from_cold")
        verdict = "" if same is None else ("; merged site identical to the cold build" if not same
                                           else f"; merged site DIFFERS from the cold build: {same[:3]}")
        lines.append(f"{'':>8}{parts['count']} parts: slowest part + merge {parts['slowest_plus_merge_wall']:.2f} s"
                     f"{against}{verdict}")
    for key in ("search_query", "edit_to_serve"):
        if key in result:
            lines.append(f"{'':>8}{key.replace('_', ' ')}: {json.dumps(result[key], default=str)[:200]}")
    for name, ratio in result.get("ratios", {}).items():
        verdict = "meets" if ratio["met"] else "misses"
        if "value" in ratio:
            lines.append(f"{'':>8}{name}: {ratio['value']} ({verdict} <= {ratio['target']})")
        else:
            paired = ratio.get("paired_wall")
            rounds = f"; round by round {paired['median']}x ({paired['low']}-{paired['high']})" if paired else ""
            lines.append(f"{'':>8}{name}: wall {ratio['wall']}x, CPU {ratio['cpu']}x{rounds} "
                         f"({verdict} <= {ratio['target']}x)")
    return lines


def environment() -> dict[str, object]:
    """Machine, load and versions: the context without which the numbers mean little."""
    return {
        "date": dt.date.today().isoformat(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB, 1),
        "load_average": os.getloadavg(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": {name: _package_version(name) for name in ("archivist", "mistune", "jinja2", "nh3", "pagefind")},
        "node": _command_version(["node", "--version"]),
        "citeproc_js": _citeproc_version(),
    }


def _cpu_model() -> str:
    output = _command_version(["lscpu"], whole=True)
    for line in output.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _command_version(command: list[str], whole: bool = False) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return done.stdout if whole else done.stdout.strip()


def _citeproc_version() -> str:
    package = REPO_ROOT / "node_modules" / "citeproc" / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8")).get("version", "unknown")
    except (OSError, ValueError):
        return "not installed"
