"""How a link recorded in a body is read as a path of the site, and which file answers it."""

from __future__ import annotations

import pytest

from archivist.aliases import link_key
from archivist.linkcheck import SitePaths, _site_path

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
