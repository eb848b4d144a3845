"""Which locale a citation is formatted in: the site's (or a forced one, or the style's own),
never the cited article's, unless the site asks for citation_locale = "item".

Korean, Chinese and Japanese articles are cited on an en-US site through the cite step, and
every string is compared with what citeproc-js itself makes of the same CSL item in the same
locale, run directly with a small script of its own rather than through the project's worker.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from archivist.citations.cite import cite_all
from archivist.citations import DEFAULT_STYLES, PINPOINT_SENTINEL, csl_item
from archivist.citations.nodeproc import find_citeproc
from archivist.citations.sanitize import clean_html
from archivist.citations.styles import StyleLibrary, locales_for
from archivist.config import SiteConfig
from archivist.model import Article, ArticleMeta, PartialDate, Person, RenderedBody, SourceFile

APA, MLA, CAD, CNB = DEFAULT_STYLES
SITE = "https://example.org/archive/"

CJK = {
    "ko": dict(slug="sukcheong-jeongchi", language="ko", date=PartialDate(2010, 3),
               title="북한의 숙청 정치, 1956-1960",
               authors=(Person(family="김", given="민수"), Person(family="박", given="지영")),
               journal="한국정치학회보", volume="44", issue="2", pages="55-78",
               publisher_place="서울", doi="10.99999/kpsr.2010.44.2.55"),
    "zh-CN": dict(slug="qingdai-huji", language="zh-CN", date=PartialDate(2015),
                  title="清代户籍制度与人口统计",
                  authors=(Person(family="王", given="丽华"), Person(family="陈", given="志强")),
                  journal="历史研究", volume="12", issue="3", pages="101-125"),
    "ja": dict(slug="edo-shumon-aratame", language="ja", date=PartialDate(2018, 11),
               title="江戸時代の宗門改帳と人口研究",
               authors=(Person(family="佐藤", given="健一"), Person(family="田中", given="美咲")),
               journal="史学雑誌", volume="127", issue="11", pages="1-30"),
}
# The Korean, Chinese and Japanese locale's words for 'and', 'volume', 'issue', 'year',
# 'month', 'page' and 'paragraph', and their title quotes: none of them is in the fixtures'
# own text, so any of them on an en-US site is a locale term where an English one belongs.
FOREIGN_TERMS = ("와/과", "호", "년", "월", "和", "卷", "期", "页", "段", "《", "号", "巻", "年", "ページ", "「")


def article(fields: dict) -> Article:
    slug = fields["slug"]
    source = SourceFile(Path(f"/nowhere/{slug}.md"), f"content/articles/{slug}.md", slug, None, "")
    return Article(source=source, meta=ArticleMeta(**fields), body=RenderedBody(html="<p>x</p>"),
                   title_html=fields["title"], abstract_html="", body_line=1)


ARTICLES = [article(fields) for fields in CJK.values()]
ITEMS = [csl_item(a.meta, f"{SITE}articles/{a.meta.slug}/", "en-US") for a in ARTICLES]

DIRECT = """
  const CSL = require(process.argv[1]);
  const ask = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const items = Object.fromEntries(ask.items.map((item, n) => ["direct-" + n, Object.assign({}, item, { id: "direct-" + n })]));
  const sys = { retrieveItem: (id) => items[id], retrieveLocale: (l) => ask.locales[l] || false };
  const formatOne = (engine, id, output) => {
    engine.setOutputFormat(output);
    const cite = engine.makeCitationCluster([{ id, locator: ask.locator, label: "paragraph" }]);
    return { bibliography: engine.makeBibliography()[1].join(""), pinpoint: cite };
  };
  const answers = ask.styles.map((style) => {
    const engine = new CSL.Engine(sys, style, ask.lang, true);
    engine.opt.development_extensions.wrap_url_and_doi = true;
    return Object.keys(items).map((id) => {
      engine.updateItems([id]);  // alone, as the site formats each item
      return { html: formatOne(engine, id, "html"), text: formatOne(engine, id, "text") };
    });
  });
  process.stdout.write(JSON.stringify(answers));
"""


def citeproc_direct(items: list[dict], styles: tuple[str, ...], lang: str) -> list[dict[str, dict]]:
    """Each item in each style, in locale `lang` (en-US filling its gaps), from citeproc-js
    alone: {style: {"html": {...}, "text": {...}}} per item."""
    ask = {"items": items, "styles": [StyleLibrary().find(style).xml for style in styles], "lang": lang,
           "locales": {loc.lang: loc.xml for loc in locales_for(lang)}, "locator": PINPOINT_SENTINEL}
    done = subprocess.run(["node", "-e", DIRECT, str(find_citeproc())], input=json.dumps(ask),
                          capture_output=True, text=True, check=True, timeout=300)
    per_style = json.loads(done.stdout)
    return [{style: per_style[s][n] for s, style in enumerate(styles)} for n in range(len(items))]


def formatted(entry) -> dict[str, dict[str, str]]:
    """What the cite step made of one article: per style, its entry and pinpoint, html and text."""
    pins = {p.style_id: p for p in entry.pinpoints}
    return {c.style_id: {"html": (c.html, pins[c.style_id].html), "text": (c.text, pins[c.style_id].text)}
            for c in entry.citations}


def expected(direct: dict) -> dict[str, tuple[str, str]]:
    """citeproc-js's own answer in the shape of `formatted`: its HTML through the same
    sanitiser the site uses, its text output as it is."""
    html, text = direct["html"], direct["text"]
    return {"html": (clean_html(html["bibliography"]), clean_html(html["pinpoint"])),
            "text": (text["bibliography"].strip(), text["pinpoint"])}


def cite_entries(root: Path, articles: list[Article] = ARTICLES, **settings) -> list:
    """The cite step's entries for the articles on an en-US site with these settings."""
    config = SiteConfig(root=root, base_url=SITE, language="en-US", **settings)
    entries, problems = cite_all(config, articles, workers=1)
    assert problems == []
    return entries


def cite(root: Path, articles: list[Article] = ARTICLES, **settings) -> list[dict[str, dict[str, str]]]:
    return [formatted(entry) for entry in cite_entries(root, articles, **settings)]


@pytest.fixture(scope="module")
def english_site_entries(tmp_path_factory) -> list:
    return cite_entries(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def on_english_site(english_site_entries) -> list[dict]:
    return [formatted(entry) for entry in english_site_entries]


@pytest.fixture(scope="module")
def in_english() -> list[dict]:
    return citeproc_direct(ITEMS, DEFAULT_STYLES, "en-US")


@pytest.fixture(scope="module")
def in_own_language() -> list[dict]:
    return [citeproc_direct([item], DEFAULT_STYLES, lang)[0]
            for item, lang in zip(ITEMS, ("ko-KR", "zh-CN", "ja-JP"))]


def test_cjk_articles_on_an_english_site_take_the_english_locale(on_english_site, in_english):
    found = on_english_site
    for position, item in enumerate(ITEMS):
        for style in DEFAULT_STYLES:
            assert found[position][style] == expected(in_english[position][style]), (
                item["language"], style)
            for text in found[position][style]["text"]:
                assert not any(term in text for term in FOREIGN_TERMS), (item["language"], style, text)


def test_the_korean_article_reads_as_english_styles_cite_it(on_english_site, english_site_entries):
    korean = on_english_site[0]
    doi = "https://doi.org/10.99999/kpsr.2010.44.2.55"
    assert korean[MLA]["text"] == (
        f"김민수, and 박지영. “북한의 숙청 정치, 1956-1960.” 한국정치학회보 [서울], vol. 44, no. 2, Mar. 2010, "
        f"pp. 55–78, {doi}.", f"(김 and 박, par. {PINPOINT_SENTINEL})")
    assert korean[APA]["text"] == (
        f"김민수, & 박지영. (2010). 북한의 숙청 정치, 1956-1960. 한국정치학회보, 44(2), 55–78. {doi}",
        f"(김 & 박, 2010, para. {PINPOINT_SENTINEL})")
    # The article keeps its language where it is data: the CSL-JSON export and the meta tags.
    entry = english_site_entries[0]
    assert json.loads(entry.exports["cite.json"])[0]["language"] == "ko"
    assert ("citation_language", "ko") in entry.metadata.highwire


def test_item_setting_formats_each_article_in_its_own_language(tmp_path, in_own_language):
    found = cite(tmp_path, citation_locale="item")
    for position, item in enumerate(ITEMS):
        for style in DEFAULT_STYLES:
            assert found[position][style] == expected(in_own_language[position][style]), (item["language"], style)
    assert "와/과" in found[0][MLA]["text"][0] and ", 호 2," in found[0][MLA]["text"][0]
    for position in range(len(ITEMS)):  # the terms the English site must not show are here
        assert any(term in found[position][MLA]["text"][0] for term in FOREIGN_TERMS)


def test_a_forced_locale_wins_over_the_site_language(tmp_path):
    forced = cite(tmp_path, citation_locale="de-DE")
    direct = citeproc_direct(ITEMS[:1], DEFAULT_STYLES, "de-DE")[0]
    for style in DEFAULT_STYLES:
        assert forced[0][style] == expected(direct[style]), style
    assert "und" in forced[0][MLA]["text"][0]


def test_the_site_language_decides_for_english_articles_too(tmp_path):
    """The rule runs both ways: an English article on a Korean site is cited in Korean."""
    english = dict(CJK["ko"], slug="purge", language="en", title="The purge in North Korea",
                   authors=(Person(family="Lankov", given="Andrei"), Person(family="Kim", given="Minsu")),
                   journal="Korean Studies")
    config = SiteConfig(root=tmp_path, base_url=SITE, language="ko", citation_styles=(MLA,))
    entries, problems = cite_all(config, [article(english)], workers=1)
    assert problems == []
    item = csl_item(ArticleMeta(**english), f"{SITE}articles/purge/", "ko")
    assert formatted(entries[0])[MLA] == expected(citeproc_direct([item], (MLA,), "ko-KR")[0][MLA])
    assert "와/과" in entries[0].citations[0].text


def test_changing_the_rule_never_serves_a_cached_entry_of_the_other_locale(tmp_path, in_english, in_own_language):
    """The cache is shared across settings: each entry's key holds the locale it was made in."""
    korean = ARTICLES[:1]
    english, own = expected(in_english[0][MLA]), expected(in_own_language[0][MLA])
    assert english != own
    for setting, wanted in (("item", own), ("", english), ("item", own)):
        assert cite(tmp_path, korean, citation_styles=(MLA,), citation_locale=setting) == [{MLA: wanted}], setting
