"""Old addresses ('aliases'): which forms are accepted and the file each becomes, which are refused and
why, and every clash with another page reported on the alias's own line with each culprit named."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.content import frontmatter, schema
from archivist.content.aliases import alias_file
from archivist.pages.redirects import REDIRECT_TEMPLATE, alias_conflicts, redirect_jobs
from archivist.library.entry import Entry
from archivist.model import Article, ArticleMeta, PartialDate, RenderedBody, SourceFile


@pytest.mark.parametrize(("alias", "page"), [
    ("/old/path/", "old/path/index.html"),
    ("/old/path", "old/path/index.html"),
    ("old/path", "old/path/index.html"),
    ("/en/lessons/Old-Name", "en/lessons/Old-Name/index.html"),  # case kept: the host compares it
    ("old-name.html", "old-name.html"),
    ("/2019/01/Page.HTM", "2019/01/Page.HTM"),
    ("/old/index.html", "old/index.html"),
    ("/articles/old-slug/", "articles/old-slug/index.html"),
    ("/caf%C3%A9/", "café/index.html"),
    ("/호적/", "호적/index.html"),
    ("/~user/paper_(2)/", "~user/paper_(2)/index.html"),
    ("  /spaced/  ", "spaced/index.html"),
])
def test_accepted_forms_and_the_page_each_writes(alias, page):
    assert alias_file(alias) == (page, "")


@pytest.mark.parametrize(("alias", "why"), [
    ("", "empty"),
    ("https://other.example/old/", "full URL"),
    ("//other.example/old/", "full URL"),
    ("mailto:x@example.org", "full URL"),
    ("/old/?id=4", "query string"),
    ("/old/#part", "query string"),
    ("/a/../b/", "'..'"),
    ("/a/./b/", "'..'"),
    ("/a//b/", "empty parts"),
    ("/.git/config", "hidden"),
    ("/old path/", "' '"),
    ("/old:path/", "':'"),
    ("/old\\path/", "backslash"),
    ("/100%/", "escape"),
    ("/%C3/", "UTF-8"),
    ("/" + "x" * 256 + "/", "longer than a file name"),
])
def test_refused_forms_say_why(alias, why):
    page, problem = alias_file(alias)
    assert page == "" and why in problem


def validate(front: str):
    fm = frontmatter.split(f"---\ntitle: T\ndate: 2020\nauthors: [\"Doe, Jane\"]\n{front}---\nText\n")
    return schema.validate(fm, "content/articles/sample.md", "sample", "en-US")


def test_schema_keeps_good_aliases_and_reports_each_bad_one_on_its_line():
    meta, problems = validate("aliases:\n  - /old/\n  - https://x.example/y/\n  - 7\n  - old.html\n")
    assert meta is None
    assert [(d.line, d.code) for d in problems] == [(7, "meta.alias"), (8, "meta.type")]
    assert "full URL" in problems[0].message
    meta, problems = validate("aliases:\n  - /old/\n  - old.html\n")
    assert problems == [] and meta.aliases == ("/old/", "old.html")


def test_schema_wants_a_list_of_aliases():
    _meta, problems = validate("aliases: /old/\n")
    assert [(d.line, d.code) for d in problems] == [(5, "meta.type")]


def test_translation_of_must_be_a_slug_and_not_the_article_itself():
    _meta, problems = validate("translation_of: Not A Slug\n")
    assert [(d.line, d.code) for d in problems] == [(5, "meta.translation-of")]
    _meta, problems = validate("translation_of: sample\n")
    assert [(d.line, d.code) for d in problems] == [(5, "meta.translation-of")]
    assert "itself" in problems[0].message
    meta, problems = validate("translation_of: the-original\n")
    assert problems == [] and meta.translation_of == "the-original"


def test_an_empty_translation_of_is_an_error():
    for value in ('""', "'  '"):
        _meta, problems = validate(f"translation_of: {value}\n")
        assert [(d.line, d.code) for d in problems] == [(5, "meta.translation-of")]
        assert "empty" in problems[0].message


def entry(slug: str, *aliases: str, first_line: int = 10) -> Entry:
    source = SourceFile(Path(f"/site/content/articles/{slug}.md"), f"content/articles/{slug}.md", slug, None, "")
    lines = {f"aliases.{i}": first_line + i for i in range(len(aliases))}
    meta = ArticleMeta(slug=slug, title=slug, date=PartialDate(2020), aliases=aliases, lines=lines)
    article = Article(source=source, meta=meta, body=RenderedBody(html=""), title_html=slug, abstract_html="",
                      body_line=1)
    return Entry(article=article)


GENERATED = ("index.html", "articles/index.html", "articles/a/index.html", "articles/b/index.html",
             "feed.xml", "sitemap.xml", "journals/j/feed.xml")


def messages(entries, taken=GENERATED) -> list[str]:
    return [f"{d.path}:{d.line}: {d.message}" for d in sorted(alias_conflicts(entries, taken))]


def test_clean_aliases_have_no_conflicts_and_get_redirect_pages():
    entries = [entry("a", "/old/a/", "a.html"), entry("b", "/articles/old-b/")]
    assert messages(entries) == []
    jobs = redirect_jobs(entries, GENERATED)
    assert [(j.path, j.template, j.sources) for j in jobs] == [
        ("old/a/index.html", REDIRECT_TEMPLATE, ("content/articles/a.md",)),
        ("a.html", REDIRECT_TEMPLATE, ("content/articles/a.md",)),
        ("articles/old-b/index.html", REDIRECT_TEMPLATE, ("content/articles/b.md",)),
    ]
    assert jobs[0].context["entry"] is entries[0]


def test_two_articles_claiming_one_address_are_both_named():
    found = messages([entry("a", "/old/"), entry("b", "/x/", "old/index.html")])
    assert found == [
        "content/articles/a.md:10: alias '/old/' writes the page old/index.html, as does the alias "
        "'old/index.html' (content/articles/b.md:11)",
        "content/articles/b.md:11: alias 'old/index.html' writes the page old/index.html, as does the alias "
        "'/old/' (content/articles/a.md:10)",
    ]


def test_aliases_differing_only_in_case_clash_on_case_blind_file_systems():
    found = messages([entry("a", "/Old-Name/", "/old-name/")])
    assert len(found) == 2 and all("differ only in case" in m for m in found)
    assert "(line 11)" in found[0] and "(line 10)" in found[1]


def test_an_alias_may_not_claim_an_article_page_or_its_folder():
    found = messages([entry("a", "/articles/b/", "/articles/B/figures/"), entry("b")])
    assert found == [
        "content/articles/a.md:10: alias '/articles/b/' is the address of the article page articles/b/ "
        "(content/articles/b.md)",
        "content/articles/a.md:11: alias '/articles/B/figures/' lies inside the folder of the article page "
        "articles/b/ (content/articles/b.md) (the names differ only in case, which macOS and Windows file "
        "systems do not tell apart)",
    ]


def test_an_alias_may_not_replace_a_generated_page_or_need_its_name_as_a_folder():
    found = messages([entry("a", "/", "/Articles/", "/feed.xml/", "/journals/j/feed.xml/old/", "/pagefind/x/")])
    assert found == [
        "content/articles/a.md:10: alias '/' would replace the archive's own page index.html",
        "content/articles/a.md:11: alias '/Articles/' would replace the archive's own page articles/index.html "
        "(the names differ only in case, which macOS and Windows file systems do not tell apart)",
        "content/articles/a.md:12: alias '/feed.xml/' needs a folder where the archive writes the file feed.xml",
        "content/articles/a.md:13: alias '/journals/j/feed.xml/old/' needs a folder where the archive writes "
        "the file journals/j/feed.xml",
        "content/articles/a.md:14: alias '/pagefind/x/' lies inside pagefind/, which the search index fills",
    ]


def test_conflicting_aliases_get_no_page_so_nothing_is_overwritten():
    entries = [entry("a", "/old/", "/articles/", "/fine/"), entry("b", "/old/")]
    assert [j.path for j in redirect_jobs(entries, GENERATED)] == ["fine/index.html"]


def test_the_longest_path_allowed_is_1024_bytes():
    for alias in ("/" + "/".join(["x" * 250] * 18) + "/", "/" + "/".join(["é" * 120] * 5) + ".html"):
        page, problem = alias_file(alias)
        assert page == "" and "longer than the 1,024 bytes" in problem
    assert alias_file("/" + "/".join(["x" * 200] * 5) + "/" + "y" * 15 + ".htm") == (
        "/".join(["x" * 200] * 5) + "/" + "y" * 15 + ".htm", "")
    assert alias_file("/" + "/".join(["x" * 200] * 5) + "/" + "y" * 16 + ".htm")[1].startswith("the path is 1,025 bytes")


def test_an_alias_that_needs_another_alias_s_file_as_its_folder_is_refused_and_both_are_named():
    found = messages([entry("a", "/foo.html", "/foo.html/bar/", "/ok/")])
    assert found == [
        "content/articles/a.md:10: alias '/foo.html' writes the file foo.html where the alias '/foo.html/bar/' "
        "(line 11) needs a folder",
        "content/articles/a.md:11: alias '/foo.html/bar/' needs a folder where the alias '/foo.html' (line 10) "
        "writes the file foo.html",
    ]
    assert [j.path for j in redirect_jobs([entry("a", "/foo.html", "/foo.html/bar/", "/ok/")], GENERATED)] == [
        "ok/index.html"]


def test_every_parent_folder_is_checked_across_articles_and_case():
    found = messages([entry("a", "/Old/Page.html"), entry("b", "/old/page.html/x/y/z.html", "/old/page.html/w/")])
    assert len(found) == 4
    assert found[0].startswith("content/articles/a.md:10: alias '/Old/Page.html' writes the file Old/Page.html "
                               "where the alias '/old/page.html/w/' (content/articles/b.md:11) needs a folder")
    assert "differ only in case" in found[0]
    assert found[2].startswith("content/articles/b.md:10: alias '/old/page.html/x/y/z.html' needs a folder where "
                               "the alias '/Old/Page.html' (content/articles/a.md:10) writes the file Old/Page.html")
