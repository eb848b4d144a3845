"""The "Cited by" block of an article page (partials/cited_by.html): left out while no article of the
archive cites this one (or the build hands it nothing), else a heading that counts them and, for each,
its title, authors, year and the passages that cite it."""

from __future__ import annotations

from types import SimpleNamespace

import lxml.html

from archivist.i18n import labels_for
from archivist.render.templating import make_environment
from archivist.util.vocabulary import text_direction


def render(**context) -> str:
    env = make_environment(None)
    env.globals.update(text_direction=text_direction, site=SimpleNamespace(language="en-US"),
                       site_labels=labels_for("en-US"), url_for=lambda path: "/archive/" + path)
    entry = SimpleNamespace(article=SimpleNamespace(meta=SimpleNamespace(language="de")))
    return env.get_template("partials/cited_by.html").render(entry=entry, **context)


def citing(slug: str, passages: tuple[str, ...]) -> SimpleNamespace:
    """What library.cited_by gives: the citing entry and the ids of its passages that cite."""
    meta = SimpleNamespace(authors=[SimpleNamespace(display_name="Ada Lovelace")], date=SimpleNamespace(year=2021),
                           language="en-US")
    article = SimpleNamespace(url_path=f"articles/{slug}/", title_html=f"On <i>{slug}</i>", meta=meta)
    return SimpleNamespace(entry=SimpleNamespace(article=article), passages=passages)


def test_nothing_is_shown_when_the_build_hands_no_or_no_citing_articles():
    assert render().strip() == ""
    assert render(cited_by=[]).strip() == ""


def test_each_citing_article_is_listed_with_the_passages_that_cite():
    html = render(cited_by=[citing("a", ("p3", "p9")), citing("b", ())])
    block = lxml.html.fragment_fromstring(html.strip())
    assert block.get("class") == "cited-by" and block.get("aria-labelledby") == "cited-by-title"
    assert block.get("lang") == "en-US", "the site's words inside a page in another language"
    assert block.findtext("h2") == "Cited by 2 articles in this archive"
    items = block.findall(".//li")
    assert [item.find("a").get("href") for item in items] == ["/archive/articles/a/", "/archive/articles/b/"]
    assert items[0].find("a").find("i").text == "a", "titles keep their markup"
    assert " ".join(items[0].find("p").text_content().split()) == "Ada Lovelace, 2021"
    places = items[0].findall(".//p[@class='cited-by__passages']//a")
    assert [(a.get("href"), a.text) for a in places] == [("/archive/articles/a/#p3", "¶\xa03"),
                                                          ("/archive/articles/a/#p9", "¶\xa09")]
    assert items[1].find(".//p[@class='cited-by__passages']") is None


def test_one_citing_article_is_counted_in_the_singular():
    block = lxml.html.fragment_fromstring(render(cited_by=[citing("a", [])]).strip())
    assert block.findtext("h2") == "Cited by 1 article in this archive"
