"""Score the home page and an article page with Lighthouse, on a phone and a desktop profile.

Builds the sample archive (or takes a built one with --site), serves it under /archive/ on
127.0.0.1 as GitHub Pages would, runs npm's `lighthouse` with Debian's Chromium and prints the
four category scores per page and profile. Exits 1 when a score is below --min (default 95).

    .venv/bin/python scripts/lighthouse.py [--site output/] [--article SLUG] [--min 95]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))

from support.server import serve_site  # noqa: E402

LIGHTHOUSE = REPO_ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PROFILES = {"mobile": [], "desktop": ["--preset=desktop"]}
BASE_URL = "https://example.org/archive/"
DEFAULT_ARTICLE = "counting-barges-on-the-elbe"


@dataclass(frozen=True)
class Score:
    """One page's four Lighthouse scores (0-100) under one profile."""

    page: str
    profile: str
    values: dict[str, int]

    def lowest(self) -> int:
        return min(self.values.values())


def build_sample(output: Path) -> Path:
    """The sample archive built with the real command line into `output`."""
    command = [sys.executable, "build.py", "build", "--output", str(output), "--base-url", BASE_URL, "-q"]
    subprocess.run(command, cwd=REPO_ROOT, check=True, timeout=900)
    return output


def run_lighthouse(url: str, profile: str) -> dict[str, int]:
    """Lighthouse's category scores for one URL, as whole numbers out of 100."""
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: add it to package.json devDependencies and run npm ci")
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}", *PROFILES[profile]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "CHROME_PATH": CHROME_PATH})
    if done.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url} ({profile}):\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def score_site(site_root: Path, pages: dict[str, str]) -> list[Score]:
    """Every page under every profile, served from `site_root` under /archive/."""
    scores = []
    with serve_site(site_root, "/archive/") as site:
        for name, path in pages.items():
            for profile in PROFILES:
                scores.append(Score(name, profile, run_lighthouse(site.url_for(path), profile)))
    return scores


def report(scores: list[Score]) -> str:
    """A plain table: page, profile, then one column per category."""
    header = f"{'page':<10} {'profile':<8} " + " ".join(f"{c:>14}" for c in CATEGORIES)
    rows = [f"{s.page:<10} {s.profile:<8} " + " ".join(f"{s.values[c]:>14}" for c in CATEGORIES) for s in scores]
    return "\n".join([header, *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build the sample)")
    parser.add_argument("--article", default=DEFAULT_ARTICLE, help="slug of the article page to score")
    parser.add_argument("--min", type=int, default=95, help="lowest acceptable score in every category")
    args = parser.parse_args(argv)
    pages = {"home": "", "article": f"articles/{args.article}/"}
    with tempfile.TemporaryDirectory(prefix="lighthouse-site-") as scratch:
        site_root = args.site or build_sample(Path(scratch) / "site")
        scores = score_site(site_root, pages)
    print(report(scores))
    failing = [s for s in scores if s.lowest() < args.min]
    for score in failing:
        print(f"below {args.min}: {score.page} ({score.profile}): {score.values}", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
