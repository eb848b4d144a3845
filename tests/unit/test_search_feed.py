"""feed_html: the ids taken out before Pagefind reads a page, and the index it makes from what is left."""

from __future__ import annotations

import gzip
import json

import pytest

from archivist.config import SiteConfig
from archivist.search import index
from archivist.search.feed import feed_html

PAGE = """<!DOCTYPE html><html lang="en"><head><title>Barges</title></head><body>
<article data-pagefind-body>
<h1 id="top" data-pagefind-meta="title">Counting Barges</h1>
<section class="abstract" id="abstract" data-pagefind-weight="2"><h2 id="abstract-title">Abstract</h2>
<p>Toll registers record every barge.</p></section>
<div class="body" id="body"><h2 id="text">Text</h2>
<p id="p1" class="para">Registers of the toll<sup id="fnref-1"><a href="#fn-1">1</a></sup> at Lauenburg.</p>
<ul id="list"><li id="li1">one</li><li>two</li></ul>
<pre id="code"><code>&lt;p id="kept"&gt; as text</code></pre>
<blockquote id="q"><p>Quoted<em id="em">ly</em> <span id="aside" data-pagefind-ignore>aside</span>.</p></blockquote></div>
<ol class="footnotes"><li id="fn-1"><p>A note.</p></li></ol>
</article></body></html>"""


def test_ids_go_but_headings_ignored_elements_and_text_keep_theirs():
    fed = feed_html(PAGE.encode()).decode()
    for gone in ('id="abstract"', 'id="body"', 'id="p1"', 'id="list"', 'id="li1"', 'id="q"', 'id="fn-1"', 'id="fnref-1"'):
        assert gone not in fed
    for kept in ('<h1 id="top"', '<h2 id="abstract-title"', '<h2 id="text"', 'toll <sup><a href="#fn-1">1</a>', 'barge.</p></section>\n <div class="body">',
                 '<pre id="code"', '&lt;p id="kept"&gt;', '<span id="aside" data-pagefind-ignore>',
                 '<section class="abstract" data-pagefind-weight="2">', '<p class="para">'):
        assert kept in fed


def _fragment(config: SiteConfig) -> dict:
    files = index._keep_bundle(index._run_apart(
        lambda: index._index_in_memory([("articles/barges/index.html", PAGE.encode())], config)))
    [data] = [data for path, data in files.items() if path.endswith(".pf_fragment")]
    return json.loads(gzip.decompress(data)[len(b"pagefind_dcd"):])


def test_the_published_fragment_is_the_same_with_or_without_the_feed(tmp_path, monkeypatch: pytest.MonkeyPatch):
    config = SiteConfig(root=tmp_path, base_url="https://example.org/")
    fed = _fragment(config)
    monkeypatch.setattr(index, "feed_html", lambda page: page)
    assert fed == _fragment(config)
    assert [anchor["id"] for anchor in fed["anchors"]] == ["top", "abstract-title", "text"]
