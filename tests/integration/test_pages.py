"""Targeted facts about the built sample's pages, read from their HTML like an XPath check would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

BASE_PATH = "/archive/"
SITE_HOST = "example.org"
KOREAN = "hojeok-name-normalisation"
ARABIC = "waqf-deeds-urban-history"
RECORD_ONLY = "kim-takes-control"
CORRECTED = "iron-gall-ink-as-evidence"
DRAFT = "watermark-twins"
WITH_PDF = "small-presses-long-runs"
LETTERS = "letters-in-transit"
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Attributes whose URL the browser fetches by itself, as opposed to links a reader follows.
FETCHED = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
           "video": "src", "embed": "src", "object": "data", "track": "src", "input": "src"}
# <link> relations a browser loads; others (canonical, alternate, schema.DC) only name a URL.
LOADED_RELS = frozenset("stylesheet icon apple-touch-icon manifest preload modulepreload prefetch preconnect dns-prefetch".split())


@dataclass
class Node:
    """An element of a parsed page: enough of a DOM to ask targeted questions."""

    tag: str
    attrs: dict[str, str]
    parent: "Node | None" = None
    children: list["Node | str"] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator["Node"]:
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        return [n for n in self.iter(tag) if all(n.has(k.rstrip("_"), v) for k, v in attrs.items())]

    def find(self, tag: str | None = None, **attrs: str) -> "Node | None":
        return next(iter(self.find_all(tag, **attrs)), None)

    def has(self, name: str, value: str) -> bool:
        if name == "class":
            return value in self.attrs.get("class", "").split()
        return self.attrs.get(name) == value

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split())

    def ancestors(self) -> Iterator["Node"]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class TreeBuilder(HTMLParser):
    """Builds Nodes from html.parser events; HTML5 void elements never take children."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


def html_root(page: Node) -> Node:
    root = page.find("html")
    assert root is not None, "no <html> element"
    return root


def article_page(site: Path, slug: str) -> Node:
    path = site / "articles" / slug / "index.html"
    assert path.is_file(), f"no page for {slug}"
    return parse(path)


def article_slugs(site: Path) -> list[str]:
    return sorted(p.parent.name for p in (site / "articles").glob("*/index.html"))


def all_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ---- every article page ----

def test_every_article_page_has_exactly_one_h1(sample_site: Path) -> None:
    for slug in article_slugs(sample_site):
        headings = article_page(sample_site, slug).find_all("h1")
        assert len(headings) == 1, f"{slug}: {len(headings)} <h1>"
        assert headings[0].text(), f"{slug}: empty <h1>"


def test_article_canonical_link_is_the_absolute_page_url(sample_site: Path) -> None:
    for slug in article_slugs(sample_site):
        links = article_page(sample_site, slug).find_all("link", rel="canonical")
        assert [link.attrs["href"] for link in links] == [f"https://{SITE_HOST}{BASE_PATH}articles/{slug}/"]


def test_skip_link_is_first_and_reaches_main(sample_site: Path) -> None:
    for path in [sample_site / "index.html", sample_site / "articles" / LETTERS / "index.html"]:
        page = parse(path)
        first_link = page.find("body").find("a")
        assert first_link.attrs["href"] == "#main", path
        main = page.find("main")
        assert main is not None and main.attrs.get("id") == "main", path


def test_table_of_contents_points_at_ids_on_the_page(sample_site: Path) -> None:
    checked = 0
    for slug in article_slugs(sample_site):
        page = article_page(sample_site, slug)
        ids = {n.attrs["id"] for n in page.iter() if "id" in n.attrs}
        toc = page.find("nav", class_="toc")
        if toc is None:
            continue
        targets = [a.attrs["href"][1:] for a in toc.find_all("a") if a.attrs["href"].startswith("#")]
        assert targets, f"{slug}: empty contents"
        assert set(targets) <= ids, f"{slug}: contents link to missing ids {set(targets) - ids}"
        checked += 1
    assert checked >= 5


def test_ids_are_unique_on_every_page(sample_site: Path) -> None:
    for path in all_pages(sample_site):
        ids = [n.attrs["id"] for n in parse(path).iter() if "id" in n.attrs]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        assert not duplicates, f"{path.relative_to(sample_site)}: duplicate ids {duplicates}"


# ---- language and direction ----

def test_korean_article_is_marked_korean_and_chrome_keeps_site_language(sample_site: Path) -> None:
    page = article_page(sample_site, KOREAN)
    root = html_root(page)
    assert (root.attrs["lang"], root.attrs["dir"]) == ("ko", "ltr")
    assert page.find("header", class_="site-header").attrs.get("lang") == "en-US"
    assert page.find("footer").attrs.get("lang") == "en-US"
    assert "초록" in page.find("section", class_="abstract").text()


def test_arabic_article_is_right_to_left_with_left_to_right_chrome(sample_site: Path) -> None:
    page = article_page(sample_site, ARABIC)
    root = html_root(page)
    assert (root.attrs["lang"], root.attrs["dir"]) == ("ar", "rtl")
    header = page.find("header", class_="site-header")
    assert (header.attrs.get("lang"), header.attrs.get("dir")) == ("en-US", "ltr")
    doi = page.find("a", class_="doi")
    assert doi.attrs.get("dir") == "ltr", "a DOI must keep left-to-right order inside Arabic text"


def test_english_pages_carry_the_site_language_without_chrome_overrides(sample_site: Path) -> None:
    page = article_page(sample_site, LETTERS)
    assert (html_root(page).attrs["lang"], html_root(page).attrs["dir"]) == ("en-US", "ltr")
    assert "lang" not in page.find("header", class_="site-header").attrs


def test_foreign_titles_in_the_home_list_carry_their_language(sample_site: Path) -> None:
    page = parse(sample_site / "index.html")
    items = {a.attrs["href"]: a for a in page.find_all("a") if a.attrs.get("href", "").startswith(f"{BASE_PATH}articles/")}
    arabic = items[f"{BASE_PATH}articles/{ARABIC}/"]
    marked = next(n for n in arabic.ancestors() if "lang" in n.attrs)
    assert (marked.attrs["lang"], marked.attrs.get("dir")) == ("ar", "rtl")


# ---- the record ----

def test_orcid_links_have_an_accessible_name(sample_site: Path) -> None:
    page = article_page(sample_site, LETTERS)
    link = page.find("a", href="https://orcid.org/0000-0002-1734-8658")
    assert link is not None
    assert "ORCID" in link.text() and "0000-0002-1734-8658" in link.text()
    assert link.find("svg").attrs.get("aria-hidden") == "true"


def test_doi_is_shown_as_a_doi_org_link(sample_site: Path) -> None:
    link = article_page(sample_site, LETTERS).find("a", class_="doi")
    assert link.attrs["href"] == "https://doi.org/10.99999/ll.2021.001"
    assert link.text() == "https://doi.org/10.99999/ll.2021.001"


def test_affiliations_are_numbered_and_linked(sample_site: Path) -> None:
    page = article_page(sample_site, LETTERS)
    refs = [a.attrs["href"] for a in page.find("ul", class_="byline").find_all("a") if a.attrs["href"].startswith("#")]
    assert refs == ["#affiliation-1", "#affiliation-2"]
    assert page.find("li", id="affiliation-1").text() == "Department of History, University of Northmoor"


def test_licence_links_to_its_deed(sample_site: Path) -> None:
    link = article_page(sample_site, LETTERS).find("a", rel="license")
    assert (link.attrs["href"], link.text()) == ("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0")


def test_correction_notice_only_on_the_corrected_article(sample_site: Path) -> None:
    notice = article_page(sample_site, CORRECTED).find("p", class_="notice--correction")
    assert notice is not None and "This article was corrected on 2 September 2021." in notice.text()
    assert article_page(sample_site, LETTERS).find("p", class_="notice--correction") is None


def test_metadata_only_record_points_to_the_full_text_elsewhere(sample_site: Path) -> None:
    page = article_page(sample_site, RECORD_ONLY)
    assert page.find("div", class_="article-body") is None
    where = page.find("section", id="where-to-read")
    assert where is not None
    links = [a.attrs["href"] for a in where.find_all("a")]
    assert "https://doi.org/10.1353/ks.2002.0009" in links
    assert any(a.text() == "Read the full text" for a in page.find_all("a"))
    assert page.find("section", class_="abstract") is not None


def test_full_text_sits_in_the_indexed_region(sample_site: Path) -> None:
    page = article_page(sample_site, LETTERS)
    body = page.find("div", class_="article-body")
    assert body is not None and body.find("section", class_="footnotes") is not None
    assert any("data-pagefind-body" in n.attrs for n in body.ancestors())


def test_pdf_download_is_a_relative_link_to_a_file_beside_the_page(sample_site: Path) -> None:
    page = article_page(sample_site, WITH_PDF)
    link = next(a for a in page.find_all("a") if a.attrs.get("href", "").endswith(".pdf"))
    assert "/" not in link.attrs["href"]
    assert (sample_site / "articles" / WITH_PDF / link.attrs["href"]).is_file()


def test_draft_is_neither_built_nor_linked(sample_site: Path) -> None:
    assert not (sample_site / "articles" / DRAFT).exists()
    for path in all_pages(sample_site):
        assert f"articles/{DRAFT}/" not in path.read_text(encoding="utf-8"), path


# ---- cite this article ----

def test_cite_section_has_a_block_per_style_and_a_working_switcher(sample_site: Path) -> None:
    cite = article_page(sample_site, LETTERS).find("section", id="cite")
    assert cite is not None
    blocks = cite.find_all("div", class_="cite__text")
    radios = cite.find_all("input", type="radio")
    assert len(blocks) == len(radios) >= 2
    assert [b.attrs["data-csl-style"] for b in blocks] == [r.attrs["value"] for r in radios]
    assert ["checked" in r.attrs for r in radios].count(True) == 1
    assert all(b.text() for b in blocks)
    assert all("hidden" in b.attrs for b in cite.find_all("button")), "copy buttons wait for the script"


def test_cite_downloads_exist_beside_the_page(sample_site: Path) -> None:
    cite = article_page(sample_site, LETTERS).find("section", id="cite")
    names = [a.attrs["href"] for a in cite.find_all("a") if "download" in a.attrs]
    assert {"cite.bib", "cite.ris", "cite.json"} <= set(names)
    for name in names:
        assert (sample_site / "articles" / LETTERS / name).is_file(), name


# ---- links and requests, every page ----

def _urls(page: Node) -> Iterator[tuple[str, str]]:
    """(kind, url) for every URL a page holds: 'fetched' by the browser, or a 'link' to follow."""
    for node in page.iter():
        if node.tag in FETCHED and FETCHED[node.tag] in node.attrs:
            yield "fetched", node.attrs[FETCHED[node.tag]]
        elif node.tag == "link" and "href" in node.attrs:
            loaded = LOADED_RELS & set(node.attrs.get("rel", "").lower().split())
            yield ("fetched" if loaded else "link"), node.attrs["href"]
        elif node.tag in ("a", "area") and "href" in node.attrs:
            yield "link", node.attrs["href"]
        elif node.tag == "form" and "action" in node.attrs:
            yield "link", node.attrs["action"]


def test_no_page_fetches_anything_from_another_host(sample_site: Path) -> None:
    for path in all_pages(sample_site):
        for kind, url in _urls(parse(path)):
            host = urlsplit(url).hostname
            if kind == "fetched" and host is not None:
                assert host == SITE_HOST, f"{path.relative_to(sample_site)} fetches {url}"


def test_root_relative_links_stay_under_the_base_path(sample_site: Path) -> None:
    for path in all_pages(sample_site):
        for _kind, url in _urls(parse(path)):
            if url.startswith("/"):
                assert url.startswith(BASE_PATH), f"{path.relative_to(sample_site)} links to {url}"


def test_internal_links_reach_files_of_the_build(sample_site: Path) -> None:
    for path in all_pages(sample_site):
        for _kind, url in _urls(parse(path)):
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if parts.path.startswith("/"):
                target = sample_site / parts.path[len(BASE_PATH):]
            else:
                target = path.parent / parts.path
            if parts.path.endswith("/"):
                target = target / "index.html"
            if "search/" in parts.path:
                continue  # the search page is built by the search step, which may be switched off
            assert target.is_file(), f"{path.relative_to(sample_site)}: {url} leads nowhere"


@pytest.mark.parametrize("name", ["index.html", "404.html"])
def test_static_assets_use_fingerprinted_urls_under_the_base(sample_site: Path, name: str) -> None:
    page = parse(sample_site / name)
    sheet = page.find("link", rel="stylesheet")
    assert sheet.attrs["href"].startswith(f"{BASE_PATH}static/archivist.css?v=")
    scripts = [s.attrs["src"] for s in page.find_all("script") if "src" in s.attrs]
    assert any(src.startswith(f"{BASE_PATH}static/archivist.js?v=") for src in scripts), scripts
    assert all(src.startswith(f"{BASE_PATH}static/") and "?v=" in src for src in scripts), scripts


def test_not_found_page_links_only_through_the_base_path(sample_site: Path) -> None:
    page = parse(sample_site / "404.html")
    assert page.find("h1").text() == "Page not found"
    assert page.find("link", rel="canonical") is None
    hrefs = [url for _kind, url in _urls(page)]
    assert hrefs and all(url.startswith(BASE_PATH) or url.startswith("#") for url in hrefs), hrefs


def test_home_page_lists_newest_articles_and_journals(sample_site: Path) -> None:
    page = parse(sample_site / "index.html")
    assert page.find("h1").text() == "Archivist Sample Archive"
    newest = page.find("section", class_="home-newest").find_all("li", class_="article-item")
    assert len(newest) >= 5
    journals = [c.text() for c in page.find("section", class_="home-journals").find_all("cite")]
    assert "Ledger and Letter" in journals and len(journals) == len(set(journals))
