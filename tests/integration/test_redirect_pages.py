"""Redirect pages for old addresses are built for the reader and left out of what machines harvest:
the search index, the sitemap and the feeds (the browser side is tests/e2e/test_moving_journal.py)."""

from __future__ import annotations

from pathlib import Path

from archivist import config as config_step
from archivist.search import index as search
from archivist.build.pipeline import BuildOptions, build_site

SITE = Path(__file__).resolve().parents[1] / "sites" / "moving-journal"
REDIRECTS = {"old/path/index.html", "en/lessons/Old-Name/index.html", "old-name.html", "articles/moved-house/index.html"}


def test_redirect_pages_are_built_but_never_indexed_listed_or_fed(monkeypatch):
    indexed: list[str] = []

    def fake_index(pages, config, **options):
        indexed.extend(path for path, _data in pages)
        return {}

    monkeypatch.setattr(search, "build_index", fake_index)
    config = config_step.load(SITE).with_base_url("https://example.org/archive/")
    result = build_site(config, BuildOptions(search=True))
    assert not [d for d in result.diagnostics if d.severity == "error"]
    assert REDIRECTS <= set(result.files) and result.redirects == REDIRECTS
    # articles/moved-house/ looks like an article page, but it only sends readers on
    assert indexed == ["articles/moved-article/index.html", "articles/wide-things/index.html"]
    harvested = b"".join(result.files[name] for name in ("sitemap.xml", "feed.xml"))
    assert all(page.removesuffix("index.html").encode() not in harvested for page in REDIRECTS)
