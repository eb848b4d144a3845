"""The floor under a build: what the engines a build must run cost on the corpus, with none of
Archivist's own work around them, beside Hugo and the Pagefind CLI in the same command.

Run: .venv/bin/python benchmarks/floors.py --n 1000 [--runs 2] [--workdir DIR] [--no-peers] [--json FILE]

Three floors, each on every usable core, each measured as its own process tree:
- markdown: mistune 3 (the pinned version, with the footnotes, table, strikethrough, math and
  def_list plugins and its contents hook) renders each article's abstract and body, and one Jinja
  template wraps them, with the title, byline, record and keywords, into a page written to disk:
  what Hugo's benchmark templates make of an article, and only the article pages, no listings.
  This is the least a `bare` build does.
- citations: citeproc-js formats each article's item by itself (a page must show the entry the
  item gets alone) in the four default styles, a bibliography entry each and nothing more
  (floor_cite.js).
- search: the Pagefind CLI indexes the article pages of a build of the corpus as the build feeds
  them to Pagefind (built first, not timed): Pagefind's own work on the pages a build must index.
A cold build does at least the first and the last, so none on these engines is faster than their
sum (the cold floor); `bare` does at least the first. The citation figure is not part of the sum:
the build formats citations faster than this plain use of the engine (it builds cheaper engines
where a style allows), so it shows what that saves rather than a floor.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402
import peers  # noqa: E402
from measure import RunFailed, Sample, measure, median_sample  # noqa: E402

from archivist.util.workers import usable_cores  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "build.py"
CITE_SCRIPT = Path(__file__).resolve().with_name("floor_cite.js")
BASE_URL = "https://example.org/bench/"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }} | Benchmark Archive</title></head>
<body>
<header><a href="/bench/">Benchmark Archive</a></header>
<main><article data-pagefind-body>
<h1>{{ title }}</h1>
<p class="byline">{% for a in authors %}{% if not loop.first %}, {% endif %}{{ a.given }} {{ a.family }}{% endfor %}</p>
<p class="record"><i>{{ journal }}</i> {{ volume }}({{ issue }}): {{ pages }}, {{ year }}.
<a href="https://doi.org/{{ doi }}">doi:{{ doi }}</a></p>
<section class="abstract">{{ abstract_html | safe }}</section>
<nav class="toc">{{ toc_html | safe }}</nav>
{{ body_html | safe }}
<p>{% for k in keywords %}<a href="/bench/keywords/{{ k | urlencode }}/">{{ k }}</a> {% endfor %}</p>
</article></main>
</body>
</html>
"""


# --- the markdown floor, run as its own process: `floors.py render CONTENT OUTPUT` ---------------

def _markdown():
    import mistune
    from mistune.toc import add_toc_hook

    md = mistune.create_markdown(plugins=["footnotes", "table", "strikethrough", "math", "def_list"])
    add_toc_hook(md)
    return md


_worker: dict = {}


def _start_renderer(output: str) -> None:
    import jinja2

    _worker["md"] = _markdown()
    _worker["page"] = jinja2.Environment(autoescape=True).from_string(PAGE)
    _worker["output"] = Path(output)


def _render_article(path: str) -> int:
    """One article's page, written; its length, so the caller can check every page was made."""
    import yaml
    from mistune.toc import render_toc_ul

    text = Path(path).read_text(encoding="utf-8")
    found = FRONT_MATTER.match(text)
    meta = yaml.load(found.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if found else {}
    md = _worker["md"]
    body_html, state = md.parse(text[found.end():] if found else text)
    page = _worker["page"].render(
        title=meta.get("title", ""), authors=meta.get("authors") or [], journal=meta.get("journal", ""),
        volume=meta.get("volume", ""), issue=meta.get("issue", ""), pages=meta.get("pages", ""),
        year=str(meta.get("date", ""))[:4], doi=meta.get("doi", ""), keywords=meta.get("keywords") or [],
        abstract_html=md(meta.get("abstract") or ""), toc_html=render_toc_ul(state.env.get("toc_items") or []),
        body_html=body_html)
    folder = _worker["output"] / "articles" / Path(path).stem
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(page, encoding="utf-8")
    return len(page)


def render_floor(content: Path, output: Path) -> int:
    """Every article page, on every usable core; fails unless each page was written."""
    articles = sorted(str(p) for p in (content / "articles").glob("*.md"))
    cores = usable_cores()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(cores, initializer=_start_renderer, initargs=(str(output),)) as pool:
        sizes = pool.map(_render_article, articles, chunksize=max(1, len(articles) // (cores * 8)))
    if len(sizes) != len(articles) or not all(sizes):
        raise SystemExit("the markdown floor did not write every page")
    return len(sizes)


# --- what the timed runs need, made first and not timed ------------------------------------------

def citation_inputs(site: Path, folder: Path) -> tuple[Path, Path]:
    """The corpus's articles as CSL-JSON items, and the default styles with their locale."""
    from archivist import config as site_config
    from archivist.content import load as load_step
    from archivist.citations import DEFAULT_STYLES, csl_item
    from archivist.citations.styles import FALLBACK_LOCALE, StyleLibrary, load_locale

    config = site_config.load(site)
    files, _problems = load_step.load(config, False)
    items = [csl_item(parsed.meta, config.absolute_url(f"articles/{parsed.meta.slug}/"), FALLBACK_LOCALE)
             for parsed in files.published]
    library = StyleLibrary()
    styles = [library.path_of(style).read_text(encoding="utf-8") for style in DEFAULT_STYLES]
    spec = {"styles": styles, "locales": {FALLBACK_LOCALE: load_locale(FALLBACK_LOCALE).xml}, "lang": FALLBACK_LOCALE}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "items.json").write_text(json.dumps(items), encoding="utf-8")
    (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder / "spec.json", folder / "items.json"


def fed_pages(site: Path, root: Path, timeout: float) -> Path:
    """The article pages of a build of the corpus, each as the build hands it to Pagefind: what the
    search floor indexes."""
    from archivist.search.feed import feed_html

    built, fed = root / "out-archivist", root / "fed"
    if not (built / "index.html").is_file():
        command = [sys.executable, str(BUILD_SCRIPT), "--site", str(site), "build", "--output", str(built),
                   "--base-url", BASE_URL, "--no-search", "-q"]
        done = subprocess.run(command, timeout=timeout, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"the build of the corpus failed: {done.stderr[-2000:]}")
    shutil.rmtree(fed, ignore_errors=True)
    for page in sorted(built.glob("articles/*/index.html")):
        target = fed / page.relative_to(built)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(feed_html(page.read_bytes()))
    return fed


# --- the timed runs ---------------------------------------------------------------------------------

def repeat(name: str, runs: int, once) -> Sample:
    samples = []
    for _ in range(runs):
        samples.append(once())
        print(f"  {name}: {samples[-1].wall:.2f} s wall, {samples[-1].cpu:.2f} s CPU", file=sys.stderr)
    return median_sample(samples)


def run(n: int, root: Path, runs: int, timeout: float, with_peers: bool) -> dict:
    site = root / "site"
    if not (site / "content" / "articles").is_dir():
        corpus.generate(site, n, 1)
    spec, items = citation_inputs(site, root / "citations")
    pages = fed_pages(site, root, timeout)
    cores = usable_cores()
    pagefind = peers.find_pagefind()
    if pagefind is None:
        raise SystemExit("the Pagefind binary is not installed (pip install the project first)")
    figures: dict[str, Sample] = {}
    render_out = root / "out-floor"
    figures["markdown"] = repeat("markdown floor", runs, lambda: peers.measure_fresh(
        [sys.executable, __file__, "render", str(site / "content"), str(render_out)], render_out, timeout))
    figures["citations"] = repeat("citations floor", runs, lambda: measure(
        ["node", str(CITE_SCRIPT), str(spec), str(items), str(cores)], cwd=REPO_ROOT, timeout=timeout))
    figures["search"] = repeat("search floor", runs, lambda: peers.measure_fresh(
        peers.pagefind_command(pagefind, pages), pages / "pagefind", timeout))
    hugo = peers.find_hugo() if with_peers else None
    if hugo is not None:
        out, cache = root / "out-hugo", root / "hugo-cache"
        figures["hugo"] = repeat("hugo", runs, lambda: peers.measure_fresh(
            peers.hugo_command(hugo, site / "content", out, cache), out, timeout,
            lambda: shutil.rmtree(cache, ignore_errors=True)))
        figures["pagefind_on_hugo"] = repeat("pagefind CLI on hugo", runs, lambda: peers.measure_fresh(
            peers.pagefind_command(pagefind, out), out / "pagefind", timeout))
    return {"n": n, "cores": cores, "floor_pages": len(list((render_out / "articles").glob("*/index.html"))),
            "indexed_pages": len(list((pages / "pagefind" / "fragment").glob("*.pf_fragment"))),
            "figures": {name: sample.as_dict() for name, sample in figures.items()}}


def table(result: dict) -> str:
    """The floors, their sums, and the ratios the build's targets are stated in."""
    f = result["figures"]
    lines = [f"N = {result['n']}, {result['cores']} cores (medians)", "",
             "| | wall s | CPU s | CPU s per article |", "|---|---:|---:|---:|"]
    names = {"markdown": "markdown floor", "search": "search floor", "citations": "citations, plain engine use",
             "hugo": "Hugo", "pagefind_on_hugo": "Pagefind CLI on Hugo's output"}
    for name, label in names.items():
        if name in f:
            lines.append(f"| {label} | {f[name]['wall']:.2f} | {f[name]['cpu']:.2f} | "
                         f"{1000 * f[name]['cpu'] / result['n']:.1f} ms |")
    floor_wall = f["markdown"]["wall"] + f["search"]["wall"]
    floor_cpu = f["markdown"]["cpu"] + f["search"]["cpu"]
    lines += ["", f"cold floor (markdown + search): {floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU, "
                  f"at least {floor_cpu / result['cores']:.2f} s on {result['cores']} cores"]
    if "hugo" in f:
        peers_wall = f["hugo"]["wall"] + f.get("pagefind_on_hugo", {"wall": 0.0})["wall"]
        lines += [f"cold floor / (Hugo + Pagefind CLI): {floor_wall / peers_wall:.2f} x",
                  f"bare floor (markdown) / Hugo: {f['markdown']['wall'] / f['hugo']['wall']:.2f} x"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["render"]:
        render_floor(Path(argv[1]), Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--no-peers", action="store_true", help="skip Hugo and the Pagefind CLI on its output")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    temporary = None if args.workdir else tempfile.TemporaryDirectory(prefix="archivist-floors-")
    root = (args.workdir or Path(temporary.name)) / f"n{args.n}"
    try:
        result = run(args.n, root, args.runs, args.timeout, not args.no_peers)
    except RunFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if temporary:
            temporary.cleanup()
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
