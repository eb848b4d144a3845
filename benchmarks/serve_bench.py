"""Measure `serve`'s edit-to-reload time: from saving a file to the page being told to reload.

Usage: python benchmarks/serve_bench.py [--articles 300] [--rounds 5] [--only start,body,retitle,full]
                                        [--no-sample]

Runs twice: on a copy of the sample archive, and on a generated archive made of the sample
articles copied under new slugs. For each it times the start (from creating the live builder to
the first site being ready, with a cold and a warm `.cache/archivist`, next to `build` into a
fresh output folder with the same cache: each in a fresh process, imports not counted), then,
through the real server and its event stream, a body edit (the article's own page is rendered
again), a retitle (its page and the listings that show it) and a full rebuild (a template
change), and prints the medians. The edit timings include the 150 ms the watcher waits for an
editor's burst of writes to settle.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from archivist import config as config_step  # noqa: E402
from archivist.build.options import BuildOptions  # noqa: E402
from archivist.build.output import build_into  # noqa: E402
from archivist.serve.live import LiveBuilder  # noqa: E402
from archivist.serve.preview import Preview  # noqa: E402

BODY_MARK = "\n\nEdited paragraph {n}.\n"
KINDS = ("start", "body", "retitle", "full")


class Listener:
    """An open event stream, as a page holds one; `wait` returns when the next reload arrives."""

    def __init__(self, url: str):
        page = urllib.request.urlopen(url, timeout=60).read().decode()
        self.since = page.split("events?since=")[1].split('"')[0]
        self.heard = threading.Event()
        self.stream = urllib.request.urlopen(f"{url}__archivist__/events?since={self.since}", timeout=600)
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        for line in self.stream:
            if line.startswith(b"event: reload"):
                self.heard.set()
                return

    def wait(self, timeout: float = 600) -> bool:
        return self.heard.wait(timeout)


def timed(preview: Preview, change) -> float:
    listener = Listener(preview.url)
    started = time.perf_counter()
    change()
    if not listener.wait():
        raise RuntimeError("no reload within 10 minutes")
    return time.perf_counter() - started


def make_sample(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "pyproject.toml", folder / "pyproject.toml")
    shutil.copytree(REPO_ROOT / "content", folder / "content")
    return folder


def make_generated(folder: Path, count: int) -> Path:
    """`count` more articles: the sample's single-file articles copied under new slugs, without DOIs
    or translation links (a copy of a translation would be a second one in its language)."""
    make_sample(folder)
    articles = folder / "content" / "articles"
    originals = sorted(p for p in articles.glob("*.md"))
    texts = [p.read_text(encoding="utf-8") for p in originals]
    for n in range(count):
        text = texts[n % len(texts)]
        for key in ("slug", "doi", "translation_of"):
            text = text.replace(f"\n{key}:", f"\n# {key}:")
        text = text.replace("(article:", "(https://example.org/")
        (articles / f"copy-{n:05d}.md").write_text(text, encoding="utf-8")
    return folder


def measure(root: Path, rounds: int, label: str, only: frozenset[str] = frozenset(KINDS)) -> None:
    if "start" in only:
        measure_start(root, label)
    if not only & {"body", "retitle", "full"}:
        return
    started = time.perf_counter()
    preview = Preview(root, port=0, out=open("/dev/null", "w"))
    preview.start()
    print(f"{label}: first build {time.perf_counter() - started:.2f} s")
    article = root / "content" / "articles" / "archive-as-workshop.md"
    template_dir = root / "templates"
    template_dir.mkdir(exist_ok=True)
    results = {}
    try:
        if "body" in only:
            results["body edit"] = [timed(preview, lambda n=n: _append(article, BODY_MARK.format(n=n)))
                                    for n in range(rounds)]
        if "retitle" in only:
            results["retitle"] = [timed(preview, lambda n=n: _retitle(article, n)) for n in range(rounds)]
        if "full" in only:
            results["template change (full)"] = [
                timed(preview, lambda n=n: (template_dir / "extra.html").write_text(f"<p>{n}</p>"))
                for n in range(max(1, rounds // 2))]
    finally:
        preview.stop()
    for name, times in results.items():
        print(f"{label}: {name}: median {statistics.median(times):.3f} s over {len(times)} "
              f"(min {min(times):.3f}, max {max(times):.3f})")


def measure_start(root: Path, label: str) -> None:
    """The first site of `serve` and of `build`, each from a cold cache and then from the cache its own
    cold start left (the two render at different addresses, so each warms its own entries)."""
    cache = root / ".cache" / "archivist"
    times: dict[str, dict[str, float]] = {"cold": {}, "warm": {}}
    for kind in ("serve", "build"):
        shutil.rmtree(cache, ignore_errors=True)
        times["cold"][kind] = _start_in_child(kind, root)
        times["warm"][kind] = _start_in_child(kind, root)
    for warmth, found in times.items():
        print(f"{label}: start, {warmth} cache: serve {found['serve']:.2f} s, build {found['build']:.2f} s")


def _start_in_child(kind: str, root: Path) -> float:
    """Seconds to the first site in a fresh process, as `serve` or `build` would start."""
    done = subprocess.run([sys.executable, __file__, "--start-child", kind, str(root)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def start_once(kind: str, root: Path) -> float:
    """One start, timed from the builder's creation to the site being complete in memory (serve) or
    committed to a fresh output folder (build); search indexing is left out of both, as `serve`
    indexes in the background after the pages are served."""
    options = BuildOptions(search=False)
    started = time.perf_counter()
    if kind == "serve":
        LiveBuilder(root, options, base_url="http://127.0.0.1:8000/").rebuild()
    else:
        with tempfile.TemporaryDirectory(prefix="serve-bench-output-") as output:
            build_into(config_step.load(root), options, Path(output) / "site", full=True)
            return time.perf_counter() - started
    return time.perf_counter() - started


def edit_to_serve(site: Path, article: Path, runs: int = 3, search_timeout: float = 120.0,
                  first_index_timeout: float = 3600.0) -> dict:
    """Medians over `runs` body edits of `article` in a running `serve` of `site`: seconds until the
    page was told to reload (the rebuilt page is being served), and until the search index served
    had changed too. The article is restored afterwards."""
    original = article.read_text(encoding="utf-8")
    started = time.perf_counter()
    preview = Preview(site, port=0, out=open("/dev/null", "w"))
    preview.start()
    first_build = time.perf_counter() - started
    bundle = f"{preview.url}pagefind/"
    served, searchable = [], []
    try:
        _wait_for_change(bundle, "", first_index_timeout)  # the first index of the whole archive
        first_index = time.perf_counter() - started - first_build
        for n in range(runs):
            before = _index_signature(bundle)
            change_started = time.perf_counter()
            # A word no earlier run added, so no cache (rendered Markdown, search shards) can answer.
            mark = BODY_MARK.format(n=f"{n} {time.time_ns()}")
            served.append(timed(preview, lambda mark=mark: _append(article, mark)))
            _wait_for_change(bundle, before, search_timeout)
            searchable.append(time.perf_counter() - change_started)
    finally:
        preview.stop()
        article.write_text(original, encoding="utf-8")
    return {"first_build_s": round(first_build, 3), "first_index_s": round(first_index, 3), "runs": runs,
            "served_s": round(statistics.median(served), 3), "searchable_s": round(statistics.median(searchable), 3)}


def _fetch(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=60).read().decode()
    except OSError:
        return ""


def _index_signature(bundle: str) -> str:
    """The entry files of the served index and of every shard it merges: one of them changes
    when any shard is indexed again ("" while there is no index yet)."""
    primary = _fetch(f"{bundle}pagefind-entry.json")
    if not primary:
        return ""
    shards = json.loads(primary).get("archivist_shards", {}).get("bundles", [])
    return "\n".join([primary, *(_fetch(f"{bundle}{folder}pagefind-entry.json") for folder in shards)])


def _wait_for_change(bundle: str, before: str, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        now = _index_signature(bundle)
        if now and now != before:
            return
        time.sleep(0.05)
    raise RuntimeError(f"the search index under {bundle} did not change within {timeout:.0f} s")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _retitle(path: Path, n: int) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = f"title: Retitled {n}"
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="size of the generated archive")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default=",".join(KINDS), help="what to measure, of " + ", ".join(KINDS))
    parser.add_argument("--no-sample", action="store_true", help="measure the generated archive only")
    parser.add_argument("--start-child", nargs=2, metavar=("KIND", "SITE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.start_child:
        print(f"{start_once(args.start_child[0], Path(args.start_child[1])):.3f}")
        return 0
    only = frozenset(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as scratch:
        if not args.no_sample:
            measure(make_sample(Path(scratch) / "sample"), args.rounds, "sample", only)
        if args.articles:
            generated = make_generated(Path(scratch) / "generated", args.articles)
            measure(generated, args.rounds, f"generated ({args.articles} extra articles)", only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
