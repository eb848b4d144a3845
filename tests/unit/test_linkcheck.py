"""How a link recorded in a body is read as a path of the site, which file answers it, and its fragment."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.content.aliases import link_key
from archivist.pages.linkcheck import SitePaths, _site_path
from archivist.model import Article, ArticleMeta, RenderedBody, SiteLink, SourceFile

FILES = frozenset({"index.html", "articles/kim/index.html", "articles/kim/map.png", "feed.xml", "old-name.html"})


@pytest.mark.parametrize(("page", "address", "path"), [
    ("articles/a/", "/en/lessons/x", "en/lessons/x"),
    ("articles/a/", "/caf%C3%A9/?q=1", "café/"),
    ("articles/a/", "../kim/", "articles/kim/"),
    ("articles/a/", "map.png", "articles/a/map.png"),
    ("articles/a/", "../../../../etc/passwd", "etc/passwd"),  # '..' stops at the root, as in a browser
    ("articles/a/", "/", ""),
])
def test_a_link_reads_as_a_path_from_the_sites_root(page: str, address: str, path: str):
    assert _site_path(page, address) == path


@pytest.mark.parametrize(("path", "found"), [
    ("", "index.html"),
    ("articles/kim/", "articles/kim/index.html"),
    ("articles/kim", "articles/kim/index.html"),  # the host adds the slash
    ("articles/kim/map.png", "articles/kim/map.png"),
    ("articles/Kim/", None),  # the host tells case apart
    ("feed.xml/", None),
    ("old-name.html", "old-name.html"),
])
def test_the_file_a_host_answers_a_path_with(path: str, found: str | None):
    assert SitePaths(FILES, {}, {}).page_for(path) == found


def test_links_and_aliases_name_a_page_by_one_key():
    assert {link_key(p) for p in ("old/path/", "old/path", "old/path/index.html", "/old/path/")} == {"old/path"}
    assert link_key("old-name.html") == "old-name.html" and link_key("index.html") == ""


def article(slug: str, body: RenderedBody) -> Article:
    source = SourceFile(Path(f"/site/content/articles/{slug}.md"), f"content/articles/{slug}.md", slug, None, "")
    return Article(source, ArticleMeta(slug=slug, title=slug.title(), date=None), body, "", "", 5)


def test_fragments_of_another_article_are_checked_against_its_ids_and_passages():
    beta = article("beta", RenderedBody("<p>…</p>", paragraph_ids=("p1", "p2"), ids=("results", "fn-1"),
                                        heading_aliases=(("results-1", "results-2"),)))
    alpha = article("alpha", RenderedBody(""))
    site = SitePaths(FILES | {"articles/beta/index.html", "old/beta/index.html"},
                     {"articles/beta/index.html": beta, "old/beta/index.html": beta}, {"beta": beta})

    def found(kind: str, target: str) -> str:
        problem = site.check(alpha, SiteLink(kind, target, 9))
        return "" if problem is None else f"{problem.line} {problem.code}: {problem.message}"

    for fine in ("beta#p2", "beta#results", "beta#fn-1", "beta#cite", "gone#x"):
        assert found("article", fine) == "", fine
    assert found("root", "/old/beta/#results") == ""  # through the old address to Beta's page
    assert found("article", "beta#p9") == (
        "9 body.missing-anchor: link to 'article:beta#p9': the article 'beta' has no element with the id 'p9'")
    assert found("root", "/articles/beta/#results-1").endswith(
        "has no element with the id 'results-1' (the heading it names has the id 'results-2' there)")
    assert found("root", "/articles/beta/#result").endswith("(did you mean 'results'?)")
