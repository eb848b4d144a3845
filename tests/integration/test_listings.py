"""Browsing pages of the sample archive: golden pages, breadcrumbs, pagination, validity, and a crawl
from the home page under /archive/ that must reach every article with no broken internal link."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from archivist import config as site_config
from archivist.citations.csl import csl_item
from archivist.library.entry import Entry
from archivist.pages.listings import plan_listings
from archivist.build.steps import assemble_library, load_articles
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from support import REPO_ROOT, published_sample_slugs
from support.axe import format_violations, run_axe
from support.vnu import validate_html

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "listings"
GOLDEN_PAGES = [
    "articles/index.html",
    "authors/index.html",
    "authors/thomas-r-whitcombe-jr/index.html",
    "journals/index.html",
    "journals/ledger-and-letter/index.html",
    "journals/ledger-and-letter/14/index.html",
    "journals/ledger-and-letter/14/1/index.html",
    "years/index.html",
    "years/2021/index.html",
    "keywords/index.html",
    "keywords/archives/index.html",
]
LISTING_FOLDERS = ("articles/page", "authors", "journals", "years", "keywords")


class _Links(HTMLParser):
    """Every href and src of a page, and the breadcrumb trail's items."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.crumbs: list[dict[str, str | None]] = []
        self._in_crumbs = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(found[name] or "")
        if tag == "nav" and "breadcrumbs" in (found.get("class") or ""):
            self._in_crumbs = True
        if self._in_crumbs and tag == "a":
            self.crumbs.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_crumbs = False


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def listing_pages(site: Path) -> list[Path]:
    pages = [site / "articles" / "index.html"]
    for folder in ("authors", "journals", "years", "keywords"):
        pages += sorted((site / folder).rglob("index.html"))
    return pages


def without_fingerprints(html: bytes) -> bytes:
    """Static URLs carry a hash of the CSS/JS they name; a theme edit must not break listing goldens
    (test_pages checks the fingerprints themselves)."""
    return re.sub(rb"\?v=[0-9a-f]{10}", b"?v=FINGERPRINT", html)


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_listing_page_matches_golden(sample_site: Path, update_golden: bool, page: str):
    built = without_fingerprints((sample_site / page).read_bytes())
    golden = GOLDEN / page
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(built)
    assert golden.is_file(), f"no golden file for {page}: run pytest with --update-golden"
    assert built == golden.read_bytes(), f"{page} differs from {golden} (re-run with --update-golden if intended)"


def test_every_listing_has_breadcrumbs_ending_at_itself(sample_site: Path):
    pages = listing_pages(sample_site)
    assert len(pages) > 60
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<nav class="breadcrumbs" aria-label="Breadcrumb"' in html, page
        assert '<ol class="breadcrumbs__list">' in html, page
        crumbs = parse(html).crumbs
        served = "/archive/" + page.relative_to(sample_site).as_posix().removesuffix("index.html")
        assert crumbs[0]["href"] == "/archive/", page
        assert crumbs[-1] == {"href": served, "aria-current": "page"}, page
        assert all("aria-current" not in c for c in crumbs[:-1]), page


def test_articles_page_lists_every_article_newest_first_with_cite_links(sample_site: Path):
    html = (sample_site / "articles" / "index.html").read_text(encoding="utf-8")
    slugs = re.findall(r'<h2 class="article-item__title"[^>]*><a href="/archive/articles/([a-z0-9-]+)/">', html)
    cites = re.findall(r'href="/archive/articles/([a-z0-9-]+)/#cite"', html)
    dates = re.findall(r'<time datetime="([0-9-]+)">', html)
    assert len(slugs) == len(published_sample_slugs()) and slugs == cites
    assert dates == sorted(dates, reverse=True)
    assert "watermark-twins" not in slugs  # a draft


def test_author_index_is_alphabetical_with_counts(sample_site: Path):
    html = (sample_site / "authors" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<li><a href="/archive/authors/[^"]+/"[^>]*>([^<]+)</a> <span class="count">', html)
    assert names[:3] == ["Abernethy, Ruth", "Albrecht, Friederike", "Asante, Kofi Mensah"]
    assert names.index("Linden, Maaike van der") < names.index("Merriweather, Jonathan, III")
    assert names[-2:] == ["박, 서연", "이, 도현"]
    assert "Whitcombe, Thomas R., Jr.</a> <span class=\"count\">(2 articles)" in html


def test_issue_page_lists_its_contents_by_first_page(sample_site: Path):
    html = (sample_site / "journals/ledger-and-letter/14/1/index.html").read_text(encoding="utf-8")
    slugs = re.findall(r'<h3 class="article-item__title"[^>]*><a href="/archive/articles/([a-z0-9-]+)/">', html)
    assert slugs == ["letters-in-transit", "archive-as-workshop", "iron-gall-ink-as-evidence"]


def test_listing_pages_link_their_atom_feeds(sample_site: Path):
    journal = (sample_site / "journals/ledger-and-letter/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="Archivist Sample Archive" ' \
           'href="/archive/feed.xml">' in journal
    assert 'href="/archive/journals/ledger-and-letter/feed.xml">' in journal


@pytest.fixture(scope="module")
def small_pages_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The sample's listings rendered in memory with four articles a page (no citation engine needed)."""
    config = replace(site_config.load(REPO_ROOT).with_base_url("https://example.org/archive/"), page_size=4)
    articles, _ = load_articles(config)
    library, _ = assemble_library(config, [Entry(a, csl=csl_item(a.meta, config.absolute_url(a.url_path),
                                                                  config.language, a.abstract_html)) for a in articles])
    renderer = Renderer(config, static_files(config))
    out = tmp_path_factory.mktemp("paged")
    paths = []
    for job in plan_listings(config, library):
        data, problem = renderer.render(job)
        assert problem is None, problem.format_text()
        (out / job.path).parent.mkdir(parents=True, exist_ok=True)
        (out / job.path).write_bytes(data)
        paths.append(job.path)
    return out, paths


def test_articles_are_paginated_with_an_accessible_nav(small_pages_site):
    out, paths = small_pages_site
    pages = [p for p in paths if p.startswith("articles/")]
    count = len(published_sample_slugs())
    last_number = -(-count // 4)
    assert pages == ["articles/index.html"] + [f"articles/page/{n}/index.html" for n in range(2, last_number + 1)]
    second = (out / "articles/page/2/index.html").read_text(encoding="utf-8")
    assert '<nav class="pagination" aria-label="Pagination">' in second
    assert '<a href="/archive/articles/page/2/" aria-current="page" aria-label="Page 2">2</a>' in second
    assert second.count('aria-current="page"') == 2  # the page number, and the last breadcrumb
    assert '<a href="/archive/articles/" rel="prev">' in second
    assert '<a href="/archive/articles/page/3/" rel="next">' in second
    last = (out / f"articles/page/{last_number}/index.html").read_text(encoding="utf-8")
    assert last.count('class="article-item"') == count - 4 * (last_number - 1) and 'rel="next"' not in last


def test_listing_pages_are_valid_html(sample_site: Path):
    report = validate_html([sample_site / "articles"] + [sample_site / f for f in LISTING_FOLDERS[1:]])
    assert not report.all_errors(), report.format_errors(sample_site)


@pytest.mark.parametrize("path", ["articles/", "authors/", "authors/0000-0002-8831-2492/", "journals/",
                                  "journals/ledger-and-letter/14/", "journals/annals-of-documents-and-manuscripts/5/2/",
                                  "keywords/", "years/2021/"])
def test_listing_pages_have_no_axe_violations(served_sample, page_factory, path: str):
    watched = page_factory(served_sample.url_for(path))
    violations = run_axe(watched.page)
    assert violations == [], format_violations(violations)


def test_crawl_from_home_reaches_every_page_with_no_broken_link(served_sample, sample_site: Path):
    base = served_sample.url
    seen, queue, broken = {base}, [base], []
    while queue:
        url = queue.pop()
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                kind = answer.headers.get("Content-Type", "")
                body = answer.read()
        except urllib.error.HTTPError as exc:
            broken.append(f"{url} -> {exc.code}")
            continue
        if not kind.startswith("text/html"):
            continue
        for link in parse(body.decode("utf-8")).links:
            target = urldefrag(urljoin(url, link)).url
            if urlsplit(target).path == "/archive/search/":
                continue  # made by the search step, which a build may switch off; tested with it
            if target.startswith(served_sample.origin) and target not in seen:
                assert urlsplit(target).path.startswith("/archive/"), f"{url} links outside the base: {link}"
                seen.add(target)
                queue.append(target)
    assert broken == []
    articles = {f"{base}articles/{p.parent.name}/" for p in (sample_site / "articles").glob("*/index.html")
                if p.parent.name != "page"}
    assert len(articles) == len(published_sample_slugs()) and articles <= seen
    listings = {f"{base}{p.relative_to(sample_site).as_posix().removesuffix('index.html')}"
                for p in listing_pages(sample_site)}
    assert listings <= seen
