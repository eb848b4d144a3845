"""Search index size and the bytes one query downloads, for the sample and a generated archive.

    .venv/bin/python benchmarks/search_bench.py                 # sample + 1,000 generated articles
    .venv/bin/python benchmarks/search_bench.py --n 10000       # the design goal: <= 300 KB a query
    .venv/bin/python benchmarks/search_bench.py --n 0           # the sample only
    .venv/bin/python benchmarks/search_bench.py --shard-size 250 # the index in shards of ~250 articles

Each archive goes through the real pipeline (build_site, the search page template, build_index),
is served under /bench/ and searched in Chromium through the real search page; the bytes are the
response bodies the browser received, grouped by kind. The static server does not compress, so
these are the bytes before any HTTP compression; "on the wire" is what GitHub Pages would send,
which gzips text (HTML, CSS, JS, JSON) but sends Pagefind's index files (gzipped already) and
wasm (a .pagefind file) as they are.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]

from archivist import config as config_step  # noqa: E402
from archivist.pages.plan import OutputJob  # noqa: E402
from archivist.render.renderer import Renderer  # noqa: E402
from archivist.render.theme import static_files  # noqa: E402
from archivist.config import SEARCH_SHARD_SIZE  # noqa: E402
from archivist.search.index import build_index  # noqa: E402
from archivist.build.pipeline import BuildOptions, build_site  # noqa: E402
from archivist.write.commit import commit  # noqa: E402

BASE_URL = "https://example.org/bench/"
GOAL_BYTES = 300 * 1024
COMPRESSED_BY_SERVER = (".html", ".css", ".js", ".json", ".svg", ".xml")


def build(site_root: Path, output: Path, shard_size: int = SEARCH_SHARD_SIZE) -> dict[str, float]:
    """Build a site with its search page and index; return timings and index size.

    The index is built from an empty cache, then once more after one article changes (what
    `serve` does after an edit: only that article's shard is indexed again)."""
    config = config_step.load(site_root).with_base_url(BASE_URL)
    if site_root.resolve() != ROOT:  # a generated archive starts cold; the sample keeps its cache
        shutil.rmtree(config.cache_dir / "search", ignore_errors=True)
    started = time.perf_counter()
    result = build_site(config, BuildOptions(search=False))
    rendered = time.perf_counter()
    page, problem = Renderer(config, static_files(config)).render(OutputJob("search/index.html", "search.html", {}))
    if problem is not None:
        raise SystemExit(problem.format_text())
    result.files["search/index.html"] = page
    articles = sorted((path, data) for path, data in result.files.items()
                      if re.fullmatch(r"articles/[^/]+/index\.html", path) and isinstance(data, bytes))
    cpu = time.process_time() + children_cpu()
    bundle = build_index(articles, config, shard_size=shard_size)
    indexed = time.perf_counter()
    cpu = time.process_time() + children_cpu() - cpu
    edited = [(articles[0][0], articles[0][1].replace(b"</article>", b"<p>an edit</p></article>", 1))] + articles[1:]
    build_index(edited, config, shard_size=shard_size)
    reindexed = time.perf_counter()
    result.files.update(bundle)
    commit(output, result.files)
    return {
        "articles": len(articles),
        "shards": 1 + len(json.loads(bundle["pagefind/pagefind-entry.json"]).get("archivist_shards", {}).get("bundles", [])),
        "render_s": rendered - started,
        "index_s": indexed - rendered,
        "index_cpu_ms_per_page": 1000 * cpu / max(1, len(articles)),
        "reindex_one_s": reindexed - indexed,
        "pagefind_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "bundle_bytes": sum(len(data) for data in bundle.values()),
        "bundle_files": len(bundle),
        "index_bytes": sum(len(d) for p, d in bundle.items() if p.endswith((".pf_index", ".pf_meta", ".pf_filter",
                                                                          ".pf_fragment"))),
    }


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kind(path: str) -> str:
    if "/pagefind/" not in path:
        return "page, css, site js"
    for suffix, name in ((".pf_fragment", "fragments"), (".pf_index", "word index"), (".pf_filter", "filters"),
                         (".pf_meta", "metadata"), (".pagefind", "wasm")):
        if suffix in path:
            return name
    return "pagefind js + entry"


def measure_query(output: Path, query: str) -> dict[str, tuple[Counter, Counter, int]]:
    """Bytes served per kind for `query`, on the search page and in the header box's live list.

    Counted at the server (each answered path's file size), which sees a worker's fetches as
    well as the page's. The live list counts only what typing fetched, not the home page itself.
    """
    from playwright.sync_api import sync_playwright

    from support.browser import launch_chromium
    from support.server import serve_site

    with serve_site(output, "/bench/") as site, sync_playwright() as driver:
        browser = launch_chromium(driver)
        page = browser.new_context().new_page()
        page.goto(site.url_for(f"search/?q={query}"), wait_until="networkidle")
        page.wait_for_function("() => /\\d|No /.test(document.getElementById('search-status').textContent)")
        page.wait_for_load_state("networkidle")
        shown = len(page.query_selector_all("#search-results > li"))
        search_page = tally(output, site.requests[:], shown)
        page = browser.new_context().new_page()
        page.goto(site.url_for(""), wait_until="networkidle")
        before = len(site.requests)
        page.fill("#site-search-q", query)
        page.wait_for_selector("#site-search-live:not([hidden])")
        page.wait_for_load_state("networkidle")
        shown = len(page.query_selector_all("#site-search-options a")) - 1
        live = tally(output, site.requests[before:], shown)
        browser.close()
    return {"search page": search_page, "header box, live list": live}


def tally(output: Path, requests: list, shown: int) -> tuple[Counter, Counter, int]:
    received: Counter = Counter()
    on_wire: Counter = Counter()
    for request in (r for r in requests if r.status == 200):
        raw, sent = served_size(output, request.path)
        received[kind(request.path)] += raw
        on_wire[kind(request.path)] += sent
    return received, on_wire, shown


def served_size(output: Path, url_path: str) -> tuple[int, int]:
    """The file's size, and what a server that gzips text would send for it."""
    relative = url_path.split("?", 1)[0].removeprefix("/bench/")
    target = output / relative
    if target.is_dir() or relative == "" or relative.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return 0, 0
    data = target.read_bytes()
    sent = len(gzip.compress(data, 6)) if target.suffix in COMPRESSED_BY_SERVER else len(data)
    return len(data), sent


def report(name: str, stats: dict[str, float], received: Counter, on_wire: Counter, results: int,
           query: str) -> None:
    search_bytes = sum(v for k, v in received.items() if k != "page, css, site js")
    wire_bytes = sum(v for k, v in on_wire.items() if k != "page, css, site js")
    print(f"\n== {name}: {stats['articles']} articles, query {query!r} -> {results} results shown")
    print(f"   render {stats['render_s']:.1f} s, index {stats['index_s']:.1f} s in {stats['shards']} shard(s) "
          f"({stats['index_cpu_ms_per_page']:.0f} ms CPU a page), after one edit {stats['reindex_one_s']:.1f} s; "
          f"largest Pagefind process {stats['pagefind_peak_mb']:.0f} MB")
    print(f"   bundle: {stats['bundle_files']} files, {stats['bundle_bytes'] / 1024:.0f} KB "
          f"({stats['index_bytes'] / 1024:.0f} KB of index data)")
    print(f"   {'':22} {'served':>8}    {'on the wire':>11}")
    for key, value in sorted(received.items()):
        print(f"   {key:22} {value / 1024:8.1f} KB {on_wire[key] / 1024:8.1f} KB")
    verdict = "within" if search_bytes <= GOAL_BYTES else "OVER"
    print(f"   search downloads      {search_bytes / 1024:8.1f} KB {wire_bytes / 1024:8.1f} KB "
          f"(uncompressed: {verdict} the 300 KB goal)")


def with_templates(site: Path, templates: Path | None, scratch: Path) -> Path:
    """The site itself, or a copy whose templates/ holds `templates` (to try a template change)."""
    if templates is None:
        return site
    copy = scratch / f"{site.name}-with-templates"
    if not copy.exists():
        copy.mkdir()
        (copy / "pyproject.toml").write_bytes((site / "pyproject.toml").read_bytes())
        (copy / "content").symlink_to((site / "content").resolve())
        shutil.copytree(templates, copy / "templates")
    return copy


def run_sample(scratch: Path, templates: Path | None, shard_size: int) -> None:
    output = scratch / "sample-out"
    stats = build(with_templates(ROOT, templates, scratch), output, shard_size)
    for where, (received, on_wire, results) in measure_query(output, "archives").items():
        report(f"sample archive, {where}", stats, received, on_wire, results, "archives")


def run_generated(scratch: Path, n: int, templates: Path | None, shard_size: int) -> None:
    import corpus

    site = scratch / f"generated-{n}"
    if not site.exists():
        corpus.generate(site, n)
    output = scratch / f"generated-{n}-{shard_size}-out"
    stats = build(with_templates(site, templates, scratch), output, shard_size)
    for kind, query in (("title word", generated_query(site)), ("rarest word", rare_query(site))):
        for where, (received, on_wire, results) in measure_query(output, query).items():
            report(f"generated archive (n={n}), {kind}, {where}", stats, received, on_wire, results, query)


def generated_query(site: Path) -> str:
    """A word from the first article's title: common enough to match several articles."""
    first = sorted((site / "content" / "articles").glob("*.md"))[0].read_text(encoding="utf-8")
    title = re.search(r'^title: "?([^"\n]+)', first, re.M).group(1)
    words = [w for w in re.findall(r"[A-Za-z]{5,}", title)]
    return words[0] if words else "the"


def rare_query(site: Path) -> str:
    """The word the fewest articles' texts hold (the first in alphabetical order among them): a
    known-item search, which a sharded index can answer from the shards that hold it."""
    holders: Counter = Counter()
    for path in sorted((site / "content" / "articles").glob("*.md")):
        holders.update(set(re.findall(r"\b[a-z]{7,}\b", path.read_text(encoding="utf-8").lower())))
    return min(sorted(holders), key=holders.__getitem__) if holders else generated_query(site)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the search bundle and one query's downloads.")
    parser.add_argument("--n", type=int, default=1000, help="generated articles (0: sample only)")
    parser.add_argument("--no-sample", action="store_true", help="skip the sample archive")
    parser.add_argument("--templates", type=Path, help="site templates to use for every archive measured")
    parser.add_argument("--shard-size", type=int, nargs="+", default=[SEARCH_SHARD_SIZE],
                        help="articles per search shard (several: measure each)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as scratch:
        for shard_size in args.shard_size:
            if not args.no_sample:
                run_sample(Path(scratch), args.templates, shard_size)
            if args.n > 0:
                run_generated(Path(scratch), args.n, args.templates, shard_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
