"""Translation groups: an original and the articles naming it, each language named in itself; unknown
originals, chains and shared languages reported on their lines with every culprit named."""

from __future__ import annotations

from pathlib import Path

from archivist.library.entry import Entry
from archivist.model import Article, ArticleMeta, Parsed, PartialDate, RenderedBody, SourceFile
from archivist.content.translations import translation_problems, withheld_slug
from archivist.library.translations import group_translations


def meta(slug: str, language: str, original: str = "", draft: bool = False, own_language: bool = True) -> ArticleMeta:
    lines = {"title": 2, **({"language": 4} if own_language else {}), **({"translation_of": 5} if original else {})}
    return ArticleMeta(slug=slug, title=slug, date=PartialDate(2020), language=language, translation_of=original,
                       draft=draft, lines=lines)


def source(slug: str) -> SourceFile:
    return SourceFile(Path(f"/site/content/articles/{slug}.md"), f"content/articles/{slug}.md", slug, None, "")


def parsed(slug: str, language: str, original: str = "", **more) -> Parsed:
    return Parsed(source(slug), meta(slug, language, original, **more), "Text", 8)


def entry(slug: str, language: str, original: str = "") -> Entry:
    article = Article(source=source(slug), meta=meta(slug, language, original), body=RenderedBody(html=""),
                      title_html=slug, abstract_html="", body_line=8)
    return Entry(article=article)


def messages(items) -> list[str]:
    return [f"{d.path}:{d.line}: {d.code}: {d.message}" for d in sorted(translation_problems(items))]


def test_a_group_of_an_original_and_its_translations_is_fine():
    assert messages([parsed("essay", "en-US"), parsed("ensayo", "es", "essay"), parsed("esei", "ko", "essay")]) == []


def test_an_unknown_original_is_reported_with_a_suggestion():
    assert messages([parsed("essay", "en"), parsed("ensayo", "es", "esay")]) == [
        "content/articles/ensayo.md:5: meta.translation-of: no published article has the slug 'esay' "
        "(did you mean 'essay'?)",
    ]


def test_a_chain_names_the_original_to_use():
    found = messages([parsed("essay", "en"), parsed("ensayo", "es", "essay"), parsed("essai", "fr", "ensayo")])
    assert found == [
        "content/articles/essai.md:5: meta.translation-of: 'ensayo' is itself a translation (of 'essay'); "
        "name the original, which every translation of it names too",
    ]


def test_two_members_in_one_language_are_each_named():
    found = messages([parsed("essay", "en-US"), parsed("essay-again", "EN-us", "essay"), parsed("ensayo", "es", "essay")])
    assert found == [
        "content/articles/essay-again.md:5: meta.translation-language: language 'EN-us' is also the language of "
        "content/articles/essay.md, in the same translation group (of 'essay'); each language may appear once",
        "content/articles/essay.md:4: meta.translation-language: language 'en-US' is also the language of "
        "content/articles/essay-again.md, in the same translation group (of 'essay'); each language may appear once",
    ]


def test_groups_list_the_original_first_then_languages_each_named_in_itself():
    entries = [entry("essay", "en-US"), entry("esei", "ko", "essay"), entry("ensayo", "es", "essay"),
               entry("alone", "en")]
    groups = group_translations(entries)
    assert set(groups) == {"essay", "esei", "ensayo"}
    assert groups["essay"] is groups["esei"] is groups["ensayo"]
    assert [(t.entry.slug, t.language, t.name, t.url_path) for t in groups["essay"]] == [
        ("essay", "en-US", "English", "articles/essay/"),
        ("ensayo", "es", "Español", "articles/ensayo/"),
        ("esei", "ko", "한국어", "articles/esei/"),
    ]


def test_regional_forms_of_one_language_add_the_region_and_unknown_languages_show_their_tag():
    groups = group_translations([entry("colour", "en-GB"), entry("color", "en-US", "colour"), entry("farb", "gsw", "colour")])
    assert [t.name for t in groups["colour"]] == ["English (GB)", "English (US)", "gsw"]


def test_members_with_a_broken_original_are_left_out_of_groups():
    groups = group_translations([entry("essay", "en"), entry("ensayo", "es", "essay"), entry("essai", "fr", "ensayo"),
                                 entry("lost", "de", "nowhere")])
    assert [t.entry.slug for t in groups["essay"]] == ["essay", "ensayo"]
    assert "essai" not in groups and "lost" not in groups


def test_an_original_left_out_of_the_build_is_only_a_warning():
    found = translation_problems([parsed("ensayo", "es", "essay")], withheld=["essay"])
    assert [(d.path, d.line, d.severity) for d in found] == [("content/articles/ensayo.md", 5, "warning")]
    assert "left out of this build" in found[0].message


def test_a_withheld_draft_is_known_by_its_own_slug_and_an_unreadable_file_by_its_file_name():
    draft = Parsed(source("orig-file"), meta("the-original", "en", draft=True), "Text", 8)
    assert withheld_slug(draft.source, draft) == "the-original"
    assert withheld_slug(source("orig-file"), None) == "orig-file"
    found = translation_problems([parsed("tr", "es", "the-original"), parsed("tr2", "fr", "orig-file")],
                                 withheld=["the-original"])
    assert [(d.path, d.severity) for d in sorted(found)] == [("content/articles/tr.md", "warning"),
                                                             ("content/articles/tr2.md", "error")]


def test_a_published_translation_of_a_draft_in_the_build_is_warned_about_as_when_the_draft_is_left_out():
    found = translation_problems([parsed("essay", "en", draft=True), parsed("ensayo", "es", "essay"),
                                  parsed("esei", "ko", "essay", draft=True)])
    assert [(d.path, d.line, d.severity) for d in found] == [("content/articles/ensayo.md", 5, "warning")]
    assert "'essay' is a draft" in found[0].message


def test_a_language_taken_from_the_site_is_reported_on_the_title_line_and_says_so():
    found = messages([parsed("essay", "en-US", own_language=False), parsed("ensayo", "en-us", "essay")])
    assert found[1] == (
        "content/articles/essay.md:2: meta.translation-language: language 'en-US' (the site's default, since the "
        "article sets no 'language') is also the language of content/articles/ensayo.md, in the same translation "
        "group (of 'essay'); each language may appear once")
    assert found[0].startswith("content/articles/ensayo.md:5: meta.translation-language: language 'en-us' is also")
