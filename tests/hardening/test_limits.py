"""Resource limits: billion laughs, huge files and absurd nesting end in a clear error or a clean
render, with bounded memory. Each case loads its site in a child process that reports its own
peak memory; the child's timeout only guards against a hang, it is not a speed test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import CASES, REPO_ROOT, make_site

HANG_GUARD_SECONDS = 300
PEAK_LIMIT_MB = 500
HEADER = "---\ntitle: Limits\ndate: 2021\nauthors: ['Doe, Jane']\n---\n"

# Run in the child: load the site in-process and report diagnostics and memory.
PROBE = """
import json, resource, sys, tracemalloc
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from archivist import config
from archivist.build.steps import load_articles
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
articles, problems = load_articles(config.load(Path(sys.argv[1])), drafts=True)
_current, peak = tracemalloc.get_traced_memory()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({
    "articles": len(articles),
    "diagnostics": [[d.path, d.line, d.severity, d.code] for d in problems],
    "traced_peak_mb": peak / 2**20,
    "rss_growth_mb": (after - before) / 1024,
}))
"""


def billion_laughs() -> str:
    lines = ['a0: &a0 ["lol"]'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "---\ntitle: Laughs\ndate: 2021\n" + "\n".join(lines) + "\n---\nBody.\n"


def merge_bomb() -> str:
    """Anchors through merge keys, the other road to exponential expansion."""
    lines = ["base: &b0 {x: 1}"] + [f"m{i}: &b{i} {{<<: [*b{i - 1}, *b{i - 1}]}}" for i in range(1, 30)]
    return "---\ntitle: Merge\ndate: 2021\n" + "\n".join(lines) + "\n---\n"


def deep_flow_front_matter(depth: int) -> str:
    return f"---\ntitle: Deep\ndate: 2021\nextra: {'[' * depth}{']' * depth}\n---\n"


def deep_mapping_front_matter(depth: int) -> str:
    return f"---\ntitle: Deep\ndate: 2021\nextra: {'{a: ' * depth}1{'}' * depth}\n---\n"


CASES_BY_NAME: dict[str, tuple[object, str | None]] = {
    # name: (file text or bytes, the error code expected, or None for a clean render)
    "billion-laughs": (billion_laughs(), "yaml.alias"),
    "merge-key-bomb": (merge_bomb(), "yaml.alias"),
    "50-mb-article": (HEADER.encode() + b"word " * (10 * 2**20), "content.too-large"),
    "front-matter-10000-deep-list": (deep_flow_front_matter(10_000), "yaml.too-deep"),
    "front-matter-10000-deep-mapping": (deep_mapping_front_matter(10_000), "yaml.too-deep"),
    "body-10000-deep-list": (HEADER + "- " * 10_000 + "item\n", None),
    "body-10000-deep-ordered-list": (HEADER + "1. " * 10_000 + "item\n", None),
    "body-10000-deep-quote": (HEADER + "> " * 10_000 + "quote\n", None),
    "body-10000-nested-brackets": (HEADER + "[" * 10_000 + "x" + "](y)" * 10_000 + "\n", None),
    "body-10000-nested-emphasis": (HEADER + "*a " * 10_000 + "\n", None),
    "body-10000-nested-html": (HEADER + "<div>" * 10_000 + "x" + "</div>" * 10_000 + "\n", None),
    "body-100000-undefined-footnotes": (HEADER + "[^x]" * 100_000 + "\n", "body.undefined-footnote"),
    "body-20000-line-table": (HEADER + "|a|b|\n|-|-|\n" + "|x|y|\n" * 20_000, None),
    "body-3-mb-single-line": (HEADER + "x" * (3 * 2**20) + "\n", None),
}


def probe(site: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(site), str(REPO_ROOT)], capture_output=True, text=True,
                          timeout=HANG_GUARD_SECONDS, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", sorted(CASES_BY_NAME))
def test_hostile_size_and_depth_end_cleanly(scratch: Path, name: str) -> None:
    content, expected_code = CASES_BY_NAME[name]
    site = make_site(scratch / "site", {"limit.md": content})  # type: ignore[dict-item]
    CASES["resource-limit inputs"] += 1
    report = probe(site)
    codes = {code for _path, _line, severity, code in report["diagnostics"] if severity == "error"}
    for path, line, _severity, code in report["diagnostics"]:
        assert path == "content/articles/limit.md" and line >= 1, (path, line, code)
    if expected_code is None:
        assert report["articles"] == 1 and not codes, codes
    else:
        assert expected_code in codes, codes
    assert report["traced_peak_mb"] < PEAK_LIMIT_MB, report["traced_peak_mb"]
    assert report["rss_growth_mb"] < PEAK_LIMIT_MB, report["rss_growth_mb"]
