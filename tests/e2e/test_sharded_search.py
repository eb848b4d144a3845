"""A sharded search index behaves as one: the same generated archive indexed whole and in 8 shards,
searched through the real search page and header box in Chromium, gives the same results in the
same order, an author's name finds what they wrote first, and a name one shard holds does not
send the others to a shorter word (the 'J.' of an initial)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from support import REPO_ROOT
from support.server import serve_site

from archivist import config as config_step
from archivist.pages.plan import OutputJob
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.search.index import build_index
from archivist.build.pipeline import BuildOptions, build_site
from archivist.write.commit import commit

ARTICLES = 120
SMALL_SHARDS = 16  # 120 articles -> 8 shards of about 15
INITIALLED = 30  # articles given a note by someone with a middle initial
RARE_NAME = "Jarvis"  # in one article only


def add_initials(site: Path) -> None:
    """Some articles thank "Ruth J. Quill", one thanks Jarvis: 'jarvis' is in one shard, 'j' in most."""
    for at, path in enumerate(sorted((site / "content" / "articles").glob("*.md"))[:INITIALLED]):
        thanks = f"Thanks to {RARE_NAME} for the maps." if at == 0 else "Thanks to Ruth J. Quill for reading a draft."
        path.write_text(path.read_text(encoding="utf-8") + f"\n{thanks}\n", encoding="utf-8")
BASE_URL = "https://example.org/bench/"
BASE_PATH = "/bench/"
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated archive committed twice: with one index, and with the index in shards."""
    root = tmp_path_factory.mktemp("shards")
    site = root / "site"
    subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "corpus.py"), "--n", str(ARTICLES), str(site)],
                   check=True, timeout=300, capture_output=True)
    add_initials(site)
    config = config_step.load(site).with_base_url(BASE_URL)
    result = build_site(config, BuildOptions(search=False))
    page, problem = Renderer(config, static_files(config)).render(OutputJob("search/index.html", "search.html", {}))
    assert problem is None, problem
    files = {**result.files, "search/index.html": page}
    articles = [(p, d) for p, d in files.items() if re.fullmatch(r"articles/[^/]+/index\.html", p)]
    outputs = {}
    for name, shard_size in (("single", 10 * ARTICLES), ("sharded", SMALL_SHARDS)):
        outputs[name] = root / name
        commit(outputs[name], {**files, **build_index(articles, config, shard_size=shard_size)})
    outputs["site"] = site
    return outputs


@pytest.fixture(scope="module")
def servers(built):
    with serve_site(built["single"], BASE_PATH) as single, serve_site(built["sharded"], BASE_PATH) as sharded:
        yield {"single": single, "sharded": sharded}


def test_the_sharded_bundle_really_has_shards(built):
    single = json.loads((built["single"] / "pagefind" / "pagefind-entry.json").read_text())
    sharded = json.loads((built["sharded"] / "pagefind" / "pagefind-entry.json").read_text())
    assert single["archivist_shards"]["bundles"] == [] and single["archivist_shards"]["pages"] == ARTICLES
    assert sharded["archivist_shards"]["pages"] == ARTICLES
    bundles = sharded["archivist_shards"]["bundles"]
    assert len(bundles) >= 4, bundles
    assert (built["sharded"] / "pagefind" / sharded["archivist_shards"]["order"]).is_file()
    counted = sharded["languages"]["en"]["page_count"] + sum(
        json.loads((built["sharded"] / "pagefind" / b / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
        for b in bundles)
    assert counted == single["languages"]["en"]["page_count"] == ARTICLES


def front_matters(site: Path) -> list[dict]:
    import yaml

    return [yaml.safe_load(p.read_text(encoding="utf-8").split("---", 2)[1])
            for p in sorted((site / "content" / "articles").glob("*.md"))]


def article_texts(site: Path) -> list[str]:
    """Each article's body, in the order of front_matters()."""
    return [p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted((site / "content" / "articles").glob("*.md"))]


def most_common(values) -> str:
    counted: dict[str, int] = {}
    for value in values:
        counted[value] = counted.get(value, 0) + 1
    return min(sorted(counted), key=lambda value: -counted[value])


def common_words(site: Path) -> list[str]:
    """Two words of the articles' text: one in about a third of them, one in about a tenth."""
    frequency: dict[str, int] = {}
    for text in article_texts(site):
        for word in set(re.findall(r"\b[a-z]{6,}\b", text)):
            frequency[word] = frequency.get(word, 0) + 1
    return [min(sorted(frequency), key=lambda word: abs(frequency[word] - ARTICLES * share)) for share in (0.33, 0.1)]


def open_search(page, site, query: str, sort: str = "", **filters: str) -> None:
    params = ([("q", query)] if query else []) + [(k, v) for k, v in filters.items()] + ([("sort", sort)] if sort else [])
    page.goto(site.url_for("search/") + "?" + urllib.parse.urlencode(params), wait_until="networkidle")
    page.wait_for_selector("#search-app.search-app--ready", timeout=TIMEOUT_MS)
    page.wait_for_function("() => { const s = document.getElementById('search-status').textContent;"
                           " return /\\d|No /.test(s) && !s.includes('…'); }", timeout=TIMEOUT_MS)


def every_result(page) -> list[str]:
    """All result links, pressing "Show more" until none are left (until it is marked hidden)."""
    while page.evaluate("() => !document.getElementById('search-more').hidden"):
        shown = page.locator("#search-results > li").count()
        page.click("#search-more")
        page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length > {shown}",
                               timeout=TIMEOUT_MS)
    links = page.eval_on_selector_all("#search-results .search-result__title a", "els => els.map(e => e.getAttribute('href'))")
    return [link.split("?")[0] for link in links]


def facet_counts(page) -> dict[str, dict[str, int]]:
    if page.get_attribute("#search-facets-toggle", "aria-expanded") != "true":
        page.click("#search-facets-toggle")
    page.wait_for_selector("#search-facets fieldset.search-facet", timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('fieldset.search-facet')].map(f => [
        f.querySelector('legend').textContent,
        Object.fromEntries([...f.querySelectorAll('input')].map(i => [i.value,
            Number(/\\((\\d+)\\)/.exec(i.closest('li').textContent)[1])]))]))""")


def both(page_factory, servers, query: str, sort: str = "", **filters: str) -> dict[str, tuple[list[str], dict]]:
    seen = {}
    for name, site in servers.items():
        watched = page_factory()
        open_search(watched.page, site, query, sort, **filters)
        seen[name] = (every_result(watched.page), facet_counts(watched.page))
        assert watched.problems() == [], (name, watched.problems())
    return seen


@pytest.mark.parametrize("sort", ["", "newest", "oldest"])
@pytest.mark.parametrize("which", [0, 1])
def test_a_query_finds_the_same_articles_in_the_same_order_with_the_same_counts(built, servers, page_factory,
                                                                                 which, sort):
    query = common_words(built["site"])[which]
    seen = both(page_factory, servers, query, sort)
    (single, single_counts), (sharded, sharded_counts) = seen["single"], seen["sharded"]
    assert len(single) > 10, (query, single)  # more than the first batches: "Show more" is used
    assert sorted(sharded) == sorted(single)
    assert sharded == single  # by relevance, newest or oldest first: exactly as in one index
    assert sharded_counts == single_counts


def test_filters_alone_and_with_a_query_agree(built, servers, page_factory):
    query = common_words(built["site"])[0]
    metas = front_matters(built["site"])
    journal = most_common(meta["journal"] for meta in metas)
    with_word = [meta for meta, text in zip(metas, article_texts(built["site"])) if query in text]
    year = most_common(str(meta["date"])[:4] for meta in with_word)
    for q, sort, filters in (("", "newest", {"journal": journal}), (query, "oldest", {"year": year}),
                             (query, "", {"journal": journal, "year": year})):
        seen = both(page_factory, servers, q, sort, **filters)
        assert sorted(seen["sharded"][0]) == sorted(seen["single"][0]), (q, filters)
        assert seen["sharded"][0], (q, filters)
        if sort:
            assert seen["sharded"][0] == seen["single"][0], (q, sort, filters)
        assert seen["sharded"][1] == seen["single"][1], (q, filters)


def test_the_facets_before_any_search_count_the_whole_archive(servers, page_factory):
    counts = {}
    for name, site in servers.items():
        watched = page_factory(site.url_for("search/"))
        watched.page.wait_for_selector("#search-app.search-app--ready", timeout=TIMEOUT_MS)
        counts[name] = facet_counts(watched.page)
    assert counts["sharded"] == counts["single"]
    assert sum(counts["single"]["Journal"].values()) == ARTICLES


def test_the_header_box_counts_and_lists_the_same_articles(built, servers, page_factory):
    query = common_words(built["site"])[0]
    seen = {}
    for name, site in servers.items():
        watched = page_factory(site.url_for(""))
        page = watched.page
        page.fill("#site-search-q", query)
        page.wait_for_selector("#site-search-live:not([hidden])", timeout=TIMEOUT_MS)
        page.wait_for_function("() => document.getElementById('site-search-status').textContent !== ''")
        links = page.eval_on_selector_all("#site-search-options a[role=option]", "els => els.map(e => e.getAttribute('href'))")
        total = int(re.search(r"\d+", page.inner_text("#site-search-status")).group())
        seen[name] = (total, [link.split("?")[0] for link in links[:-1]], links[-1])
        assert watched.problems() == []
    assert seen["sharded"][0] == seen["single"][0] > 5
    assert seen["sharded"][2] == seen["single"][2]
    watched = page_factory()
    open_search(watched.page, servers["single"], query)
    everything = set(every_result(watched.page))
    assert len(seen["sharded"][1]) == 5 and set(seen["sharded"][1]) <= everything


def authorship(site: Path) -> tuple[str, str, list[str], list[str]]:
    """A person whose family name no one else has, who wrote articles and is cited in others:
    (family name, full name, slugs they wrote, slugs only citing them)."""
    import yaml

    wrote: dict[tuple[str, str], list[str]] = {}
    families: dict[str, set[str]] = {}
    paths = sorted((site / "content" / "articles").glob("*.md"))
    for path in paths:
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        for person in meta["authors"]:
            wrote.setdefault((person["given"], person["family"]), []).append(path.stem)
            families.setdefault(person["family"], set()).add(person["given"])
    texts = {path.stem: path.read_text(encoding="utf-8").split("---", 2)[2] for path in paths}
    best = None
    for (given, family), slugs in sorted(wrote.items()):
        if len(families[family]) > 1 or len(slugs) > 3:
            continue
        citing = [slug for slug, text in texts.items() if f"{given} {family}" in text and slug not in slugs]
        if citing and (best is None or len(citing) > len(best[3])):
            best = (family, f"{given} {family}", slugs, citing)
    assert best, "no author of the generated archive is cited elsewhere"
    return best


def slugs_of(links: list[str]) -> list[str]:
    return [link.rstrip("/").rsplit("/", 1)[-1] for link in links]


@pytest.mark.parametrize("which", ["family", "full"])
def test_an_authors_name_finds_what_they_wrote_first_in_either_split(built, servers, page_factory, which):
    family, full, wrote, citing = authorship(built["site"])
    seen = both(page_factory, servers, family if which == "family" else full)
    single, sharded = seen["single"][0], seen["sharded"][0]
    assert sharded == single
    found = slugs_of(single)
    assert sorted(found[:len(wrote)]) == sorted(wrote), (family, found, wrote)
    assert set(citing) & set(found[len(wrote):]), (family, found, citing)


def test_a_two_word_query_ranks_alike_in_either_split(built, servers, page_factory):
    query = " ".join(common_words(built["site"]))
    seen = both(page_factory, servers, query)
    assert seen["sharded"][0] == seen["single"][0] and len(seen["single"][0]) > 1


def test_a_name_in_one_shard_does_not_match_an_initial_in_the_others(built, servers, page_factory):
    seen = both(page_factory, servers, RARE_NAME)
    assert seen["sharded"][0] == seen["single"][0]
    assert len(seen["single"][0]) == 1, seen["single"][0]


def fetched_shards(site, since: int) -> set[str]:
    """The shard folders whose files the server sent after request number `since`."""
    return {match.group(1) for request in list(site.requests)[since:]
            if (match := re.search(r"/pagefind/(shard-\d+)/", request.path))}


def test_a_rare_name_fetches_only_the_shard_that_holds_it(built, servers, page_factory):
    site = servers["sharded"]
    holding = json.loads((built["sharded"] / "pagefind" / "pagefind-entry.json").read_text())["archivist_shards"]
    since = len(site.requests)
    watched = page_factory()
    open_search(watched.page, site, RARE_NAME)
    watched.page.wait_for_load_state("networkidle")
    assert len(every_result(watched.page)) == 1
    shards = fetched_shards(site, since)
    assert len(shards) <= 1 < len(holding["bundles"]), shards  # the primary's, or the one other that holds it
    assert watched.problems() == []
    since = len(site.requests)
    facet_counts(watched.page)  # the facets count the whole archive: every shard is fetched now
    assert fetched_shards(site, since) | shards == {folder.rstrip("/") for folder in holding["bundles"]}
