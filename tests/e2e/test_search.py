"""Search as a reader uses it: the built sample under /archive/, real Pagefind bundle, Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
import urllib.parse
from pathlib import Path

import pytest
import yaml

from support import REPO_ROOT
from support.axe import format_violations, run_axe
from support.server import serve_site

ARTICLES = REPO_ROOT / "content" / "articles"
ENGLISH_SLUG = "counting-barges-on-the-elbe"
SEARCH_TIMEOUT_MS = 15_000

# Independent of find.js: how many times `term` occurs in the text find.js searches,
# compared after the same folding (case, accents) but counted per text node.
COUNT_IN_PAGE = """([term, fold]) => {
  const skip = "script, style, noscript, template, [hidden], [data-pagefind-ignore], .find-box";
  const scope = document.querySelector("[data-pagefind-body]");
  const norm = (s) => fold ? s.normalize("NFD").replace(/\\p{M}/gu, "").toLowerCase() : s;
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  let count = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(skip)) continue;
    count += norm(node.data).split(norm(term)).length - 1;
  }
  return count;
}"""


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def korean_article() -> tuple[str, str]:
    """The Korean sample article's slug and its first Hangul keyword."""
    for path in sorted(ARTICLES.rglob("*.md")):
        meta = front_matter(path)
        if str(meta.get("language", "")).startswith("ko"):
            slug = meta.get("slug") or (path.parent.name if path.name == "index.md" else path.stem)
            word = next(k for k in meta["keywords"] if re.search(r"[\uac00-\ud7a3]", k))
            return slug, word.split()[0]
    raise AssertionError("the sample archive has no Korean article (language: ko)")


def search(watched, site, query: str = "", **params: str | list[str]):
    """Open the search page with these parameters and wait for the results to be announced."""
    pairs = ([("q", query)] if query else []) + [
        (key, value) for key, values in params.items() for value in ([values] if isinstance(values, str) else values)
    ]
    watched.goto(site.url_for("search/") + ("?" + urllib.parse.urlencode(pairs) if pairs else ""))
    wait_for_results(watched.page)
    return watched.page


def wait_for_results(page) -> None:
    page.wait_for_selector("#search-app.search-app--ready", timeout=SEARCH_TIMEOUT_MS)
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent; return s && !s.includes('…'); }",
        timeout=SEARCH_TIMEOUT_MS,
    )


def result_links(page) -> list[str]:
    return page.eval_on_selector_all("#search-results .search-result__title a", "els => els.map(e => e.getAttribute('href'))")


def result_count(page) -> int:
    match = re.search(r"\d+", page.inner_text("#search-status"))
    return int(match.group()) if match else 0


def test_a_query_finds_the_article_and_links_under_the_sub_path(served_sample, page_factory):
    watched = page_factory()
    page = search(watched, served_sample, "barges")
    links = result_links(page)
    assert any(link.startswith(f"/archive/articles/{ENGLISH_SLUG}/") for link in links), links
    assert all(link.startswith("/archive/articles/") for link in links), links
    first = page.locator("#search-results .search-result").first
    assert first.locator(".search-result__excerpt mark").count() >= 1
    assert first.locator(".search-result__source").inner_text().strip()
    for link in links:
        response = page.request.get(served_sample.origin + link)
        assert response.status == 200, link
    assert watched.problems() == []


def open_facets(page) -> None:
    """Facets stay closed (and their data unfetched) until the reader asks for them."""
    toggle = page.locator("#search-facets-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    page.wait_for_selector("#search-facets fieldset.search-facet", timeout=SEARCH_TIMEOUT_MS)
    assert toggle.get_attribute("aria-expanded") == "true"


def test_a_facet_narrows_the_results_and_the_address_keeps_it(served_sample, page_factory):
    watched = page_factory()
    page = search(watched, served_sample, "archives")
    before = result_count(page)
    open_facets(page)
    assert before > 1
    options = page.locator("fieldset.search-facet:has(legend:text-is('Journal')) li")
    narrowing = None
    for index in range(options.count()):
        count = int(re.search(r"\((\d+)\)", options.nth(index).inner_text()).group(1))
        if 0 < count < before:
            narrowing = (options.nth(index), count)
            break
    assert narrowing is not None, "no journal facet value narrows the results"
    option, expected = narrowing
    journal = option.locator("input").get_attribute("value")
    option.locator("input").check()
    page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length === {min(expected, 5)}")
    wait_for_results(page)
    assert result_count(page) == expected
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["journal"] == [journal]
    page.go_back()
    page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length === {min(before, 5)}")
    assert "journal" not in urllib.parse.urlsplit(page.url).query
    assert watched.problems() == []


def test_the_address_restores_query_filters_and_sort(served_sample, page_factory):
    watched = page_factory()
    page = search(watched, served_sample, "archives", sort="oldest", type="Journal article")
    assert page.input_value("#search-q") == "archives"
    assert page.input_value("#search-sort") == "oldest"
    assert page.locator("input[name=type][value='Journal article']").is_checked()
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", " ".join(
        page.locator(".search-result__source").all_inner_texts()))]
    assert years == sorted(years) and years


def test_a_korean_query_finds_the_korean_article(served_sample, page_factory):
    slug, word = korean_article()
    watched = page_factory()
    page = search(watched, served_sample, word)
    links = result_links(page)
    assert any(link.startswith(f"/archive/articles/{slug}/") for link in links), (word, links)
    target = next(link for link in links if f"/{slug}/" in link)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)["highlight"] == [word]
    assert watched.problems() == []


def test_accented_words_match_their_plain_spelling(served_sample, page_factory):
    watched = page_factory()
    plain = search(watched, served_sample, "Helene")
    plain_links = result_links(plain)
    accented_links = result_links(search(watched, served_sample, "Hélène"))
    assert plain_links
    assert [link.split("?")[0] for link in accented_links] == [link.split("?")[0] for link in plain_links]


def test_a_result_link_highlights_the_terms_in_the_article(served_sample, page_factory):
    watched = page_factory()
    watched.goto(served_sample.url_for(f"articles/{ENGLISH_SLUG}/?highlight=barges"))
    watched.page.wait_for_selector("mark.pagefind-highlight", timeout=SEARCH_TIMEOUT_MS)
    marked = watched.page.locator("mark.pagefind-highlight").first.inner_text()
    assert marked.lower().startswith("barge")
    assert watched.problems() == []


def test_slash_focuses_the_header_search_box_but_not_while_typing(served_sample, page_factory):
    watched = page_factory(served_sample.url_for(f"articles/{ENGLISH_SLUG}/"))
    page = watched.page
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    assert page.input_value("#site-search-q") == ""
    page.focus("#find-box-q")
    page.keyboard.type("a/b")
    assert page.input_value("#find-box-q") == "a/b"


@pytest.mark.parametrize("term, folds", [("barge", True), ("Elbe", True)])
def test_find_in_article_counts_and_steps(served_sample, page_factory, term, folds):
    watched = page_factory(served_sample.url_for(f"articles/{ENGLISH_SLUG}/"))
    assert_find_works(watched.page, term, folds)
    assert watched.problems() == []


def test_find_in_article_works_with_hangul(served_sample, page_factory):
    slug, word = korean_article()
    watched = page_factory(served_sample.url_for(f"articles/{slug}/"))
    assert_find_works(watched.page, word, False)


def test_find_in_article_ignores_accents_and_marks_the_original_text(served_sample, page_factory):
    """Typed 'helene' finds 'Hélène' (an author's name in the sample), and the mark holds 'Hélène'."""
    slug = article_with_text("Hélène")
    watched = page_factory(served_sample.url_for(f"articles/{slug}/"))
    page = watched.page
    count, marked = assert_find_works(page, "helene", True)
    assert "Hélène" in {unicodedata.normalize("NFC", text) for text in marked}, marked
    assert count >= 1


def article_with_text(text: str) -> str:
    for path in sorted(ARTICLES.rglob("*.md")):
        if text in path.read_text(encoding="utf-8"):
            meta = front_matter(path)
            return meta.get("slug") or (path.parent.name if path.name == "index.md" else path.stem)
    raise AssertionError(f"no sample article contains {text!r}")


def assert_find_works(page, term: str, folds: bool) -> tuple[int, list[str]]:
    expected = page.evaluate(COUNT_IN_PAGE, [term, folds])
    assert expected >= 2 or term == "helene", f"pick a term that occurs more than once, not {term!r}"
    box = page.locator("#find-box-q")
    assert box.is_visible()
    box.fill(term)
    status = page.locator("#find-box-status")
    status.filter(has_text=re.compile(r"\d")).wait_for(timeout=SEARCH_TIMEOUT_MS)
    hits = page.locator("mark.find-hit")
    assert hits.count() >= expected
    current = page.locator("mark.find-hit--current")
    assert current.count() >= 1
    total = int(re.findall(r"\d+", status.inner_text())[-1])
    assert total == expected, (status.inner_text(), expected)
    if total > 1:
        first = current.first.evaluate("m => [...document.querySelectorAll('mark.find-hit')].indexOf(m)")
        box.press("Enter")
        assert re.search(r"\b2\b", status.inner_text())
        second = current.first.evaluate("m => [...document.querySelectorAll('mark.find-hit')].indexOf(m)")
        assert second > first
        box.press("Shift+Enter")
        assert re.search(r"\b1\b", status.inner_text())
        page.click("[data-find-previous]")
        assert re.search(rf"\b{total}\b.*\b{total}\b", status.inner_text())
        page.click("[data-find-next]")
        assert re.search(r"\b1\b", status.inner_text())
    marked = hits.all_inner_texts()
    box.fill("")
    page.wait_for_function("() => !document.querySelector('mark.find-hit')")
    return total, marked


def test_the_search_page_passes_axe_with_results_and_facets(served_sample, page_factory):
    watched = page_factory()
    page = search(watched, served_sample, "archives")
    open_facets(page)
    assert page.locator("fieldset.search-facet").count() >= 3
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_facet_data_is_fetched_only_when_the_facets_open(served_sample, page_factory):
    watched = page_factory()
    fetched: list[str] = []
    watched.page.on("request", lambda request: fetched.append(request.url))
    page = search(watched, served_sample, "archives")
    assert result_count(page) > 1
    assert not [url for url in fetched if url.endswith(".pf_filter")]
    open_facets(page)
    assert [url for url in fetched if url.endswith(".pf_filter")]


def test_an_empty_archive_says_so_instead_of_failing(tmp_path, page_factory):
    site = tmp_path / "empty"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "pyproject.toml").write_bytes((REPO_ROOT / "pyproject.toml").read_bytes())
    output = tmp_path / "out"
    subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "build", "--output", str(output),
                    "--base-url", "https://example.org/archive/", "-q"], cwd=site, check=True, timeout=600)
    with serve_site(output, "/archive/") as served:
        watched = page_factory(served.url_for("search/?q=barges"))
        page = watched.page
        page.wait_for_function("() => /no articles/i.test(document.getElementById('search-status').textContent)",
                               timeout=SEARCH_TIMEOUT_MS)
        watched.goto(served.url_for(""))
        page.fill("#site-search-q", "barges")
        page.wait_for_selector("#site-search-live:not([hidden])", timeout=SEARCH_TIMEOUT_MS)
        assert "no articles" in page.inner_text("#site-search-live").lower()
        assert page.locator("#site-search-options a").count() == 0
        assert watched.problems() == []


# ---------- live results under the header search box ----------

LIVE_PANEL = "#site-search-live:not([hidden])"


def type_in_header_box(page, query: str) -> None:
    """Fill the header box as a reader types (no Enter) and wait for the list to open."""
    page.fill("#site-search-q", query)
    page.wait_for_selector(LIVE_PANEL, timeout=SEARCH_TIMEOUT_MS)
    page.wait_for_function("() => document.getElementById('site-search-status').textContent !== ''")


def live_links(page) -> list[str]:
    return page.eval_on_selector_all("#site-search-options a[role=option]", "els => els.map(e => e.getAttribute('href'))")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_typing_in_the_header_box_lists_the_top_results(served_sample, page_factory, viewport):
    watched = page_factory(served_sample.url_for(""), viewport=viewport)
    page = watched.page
    type_in_header_box(page, "barges")
    links = live_links(page)
    *results, see_all = links
    assert 1 <= len(results) <= 5
    assert any(link.startswith(f"/archive/articles/{ENGLISH_SLUG}/?highlight=barges") for link in results), links
    assert see_all == "/archive/search/?q=barges"
    total = int(re.search(r"\d+", page.inner_text("#site-search-status")).group())
    assert total >= len(results)
    assert str(total) in page.inner_text(".search-live__all")
    first = page.locator("#site-search-options a[role=option]").first
    assert first.locator(".search-live__title").inner_text().strip()
    assert first.locator(".search-live__source").inner_text().strip()
    assert page.get_attribute("#site-search-q", "role") == "combobox"
    assert page.get_attribute("#site-search-q", "aria-expanded") == "true"
    assert page.get_attribute("#site-search-q", "aria-controls") == "site-search-options"
    panel = page.locator("#site-search-live").bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width, (panel, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for link in links:
        assert page.request.get(served_sample.origin + link).status == 200, link
    assert watched.problems() == []


def test_pagefind_is_fetched_only_once_the_box_is_used(served_sample, page_factory):
    watched = page_factory()
    fetched: list[str] = []
    watched.page.on("request", lambda request: fetched.append(request.url))
    watched.goto(served_sample.url_for(""))
    assert not [url for url in fetched if "/pagefind/" in url]
    watched.page.focus("#site-search-q")
    watched.page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/pagefind/pagefind.js'))")
    watched.page.fill("#site-search-q", "b")
    watched.page.wait_for_timeout(600)  # well past the typing delay: one letter must not open the list
    assert watched.page.locator(LIVE_PANEL).count() == 0


def test_arrow_keys_choose_a_result_and_enter_opens_it(served_sample, page_factory):
    watched = page_factory(served_sample.url_for(""))
    page = watched.page
    type_in_header_box(page, "archives")
    options = live_links(page)
    assert len(options) >= 3
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#site-search-q", "aria-activedescendant") == "site-search-option-0"
    assert page.get_attribute("#site-search-option-0", "aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert page.get_attribute("#site-search-q", "aria-activedescendant") == "site-search-option-1"
    assert page.get_attribute("#site-search-option-0", "aria-selected") == "false"
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # wraps round to "See all"
    assert page.get_attribute("#site-search-q", "aria-activedescendant") == f"site-search-option-{len(options) - 1}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urllib.parse.urlsplit(page.url).path + "?" + urllib.parse.urlsplit(page.url).query == options[1]
    assert watched.problems() == []


def test_escape_closes_the_list_and_enter_goes_to_the_search_page(served_sample, page_factory):
    watched = page_factory(served_sample.url_for(""))
    page = watched.page
    type_in_header_box(page, "archives")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.locator(LIVE_PANEL).count() == 0
    assert page.get_attribute("#site-search-q", "aria-expanded") == "false"
    assert page.get_attribute("#site-search-q", "aria-activedescendant") is None
    assert page.input_value("#site-search-q") == "archives"
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.press("ArrowDown")  # reopens on the first result
    assert page.locator(LIVE_PANEL).count() == 1
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == served_sample.url_for("search/?q=archives")
    wait_for_results(page)
    assert result_count(page) > 1


@pytest.mark.parametrize("viewport, scheme", [("desktop", "light"), ("phone", "dark")])
def test_the_open_list_passes_axe(served_sample, page_factory, viewport, scheme):
    watched = page_factory(served_sample.url_for(""), viewport=viewport, color_scheme=scheme)
    page = watched.page
    type_in_header_box(page, "archives")
    page.keyboard.press("ArrowDown")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
