"""Grouping entries for browsing: who is one person, how names sort, issue order, related articles,
and the site data files that add to them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archivist.library.collections import collect
from archivist.util.names import ascii_slug, fold, initial_of, natural_key
from archivist.content.site_data import AuthorRecord, JournalRecord, SiteData, load_site_data
from archivist.library.assemble import assemble
from archivist.library.entry import Entry
from archivist.library.related import RelatedMemo
from archivist.model import Article, ArticleMeta, PartialDate, Person, RenderedBody, SourceFile


def make_entry(slug: str, year: int = 2020, month: int | None = None, day: int | None = None,
               authors: tuple[Person, ...] = (), keywords: tuple[str, ...] = (), **fields) -> Entry:
    """A minimal entry: only what grouping reads is filled in."""
    source = SourceFile(Path(f"/site/content/articles/{slug}.md"), f"content/articles/{slug}.md", slug, None, "")
    meta = ArticleMeta(slug=slug, title=slug.replace("-", " ").title(), date=PartialDate(year, month, day),
                       authors=authors, keywords=keywords, **fields)
    article = Article(source=source, meta=meta, body=RenderedBody(html=""), title_html=meta.title,
                      abstract_html="", body_line=1)
    return Entry(article=article)


def groups(*entries: Entry, data: SiteData = SiteData()):
    return collect(assemble(list(entries)).entries, data)


def author_slugs(collections) -> list[str]:
    return [a.slug for a in collections.authors]


# --- text helpers ------------------------------------------------------------------------------

def test_fold_removes_accents_and_case_but_keeps_other_scripts():
    assert fold("Élodie Ångström") == "elodie angstrom"
    assert fold("Łukasz Straße") == "lukasz strasse"
    assert fold("박서연") == "박서연"


def test_ascii_slug_transliterates_latin_and_refuses_other_scripts():
    assert ascii_slug("Hélène de Vaucourt") == "helene-de-vaucourt"
    assert ascii_slug("Jānis Kalniņš") == "janis-kalnins"
    assert ascii_slug("박 서연") == ""
    assert ascii_slug("ليلى الخطيب") == ""


def test_natural_key_compares_numbers_as_numbers():
    assert sorted(["10", "9", "100", "e12", "e3"], key=natural_key) == ["9", "10", "100", "e3", "e12"]


def test_initials_of_latin_hangul_and_arabic_names():
    assert initial_of("Écrivain") == "E"
    assert initial_of("박") == "ㅂ"
    assert initial_of("이") == "ㅇ"
    assert initial_of("الخطيب") == "ا"


# --- one person, one page ----------------------------------------------------------------------

ORCID_A = "0000-0002-1825-0097"
ORCID_B = "0000-0001-5109-3700"


def test_same_orcid_under_different_spellings_is_one_author():
    a = make_entry("a", authors=(Person(family="Smith", given="Jane", orcid=ORCID_A),))
    b = make_entry("b", authors=(Person(family="Smith-Jones", given="J.", orcid=ORCID_A),))
    found = groups(a, b)
    assert len(found.authors) == 1
    assert [e.slug for e in found.authors[0].entries] == ["a", "b"]


def test_a_bare_name_joins_the_one_orcid_holder_of_that_name():
    a = make_entry("a", authors=(Person(family="Smith", given="Jane", orcid=ORCID_A),))
    b = make_entry("b", authors=(Person(family="Smith", given="Jane"),))
    found = groups(a, b)
    assert len(found.authors) == 1
    assert found.authors[0].orcid == ORCID_A


def test_two_orcids_with_one_name_stay_two_people_with_unique_slugs():
    a = make_entry("a", authors=(Person(family="Smith", given="Jane", orcid=ORCID_A),))
    b = make_entry("b", authors=(Person(family="Smith", given="Jane", orcid=ORCID_B),))
    c = make_entry("c", authors=(Person(family="Smith", given="Jane"),))
    found = groups(a, b, c)
    assert sorted(author_slugs(found)) == ["jane-smith", "jane-smith-2", "jane-smith-3"]
    assert author_slugs(found) == author_slugs(groups(c, b, a))  # independent of input order


def test_names_match_regardless_of_case_dots_and_spacing():
    a = make_entry("a", authors=(Person(family="Lankov", given="Andrei N."),))
    b = make_entry("b", authors=(Person(family="lankov", given="Andrei  N"),))
    assert len(groups(a, b).authors) == 1


def test_aliases_from_authors_yaml_join_spellings():
    record = AuthorRecord(slug="eliza-thornbury", family="Thornbury", given="Eliza",
                          aliases=("Thornbury, E.",), bio="Historian of schooling.")
    a = make_entry("a", authors=(Person(family="Thornbury", given="Eliza"),))
    b = make_entry("b", authors=(Person(family="Thornbury", given="E."),))
    found = groups(a, b, data=SiteData(authors=(record,)))
    assert author_slugs(found) == ["eliza-thornbury"]
    assert found.authors[0].bio == "Historian of schooling."
    assert len(found.authors[0].entries) == 2


def test_record_matched_by_orcid_alone_gives_its_slug():
    record = AuthorRecord(slug="park-seoyeon", orcid=ORCID_A)
    a = make_entry("a", authors=(Person(family="박", given="서연", orcid=ORCID_A),))
    found = groups(a, data=SiteData(authors=(record,)))
    assert author_slugs(found) == ["park-seoyeon"]
    assert found.authors[0].name == "박서연"


def test_hangul_slugs_are_ascii_stable_and_unique():
    with_orcid = make_entry("a", authors=(Person(family="박", given="서연", orcid=ORCID_A),))
    without = make_entry("b", authors=(Person(family="이", given="도현"),))
    slugs = author_slugs(groups(with_orcid, without))
    assert slugs[0] == ORCID_A
    assert slugs[1].startswith("author-") and slugs[1].isascii()
    assert slugs == author_slugs(groups(without, with_orcid))


def test_authors_sort_by_family_name_accents_particles_and_hangul():
    people = [Person(family="Fabre", given="Anne"), Person(family="Ébert", given="Luc"),
              Person(family="Dupont", given="Marc"), Person(family="Linden", given="Maaike", particle="van der"),
              Person(family="이", given="도현"), Person(family="김", given="민준"), Person(family="박", given="서연"),
              Person(family="Kalniņš", given="Jānis")]
    entries = [make_entry(f"e{i}", authors=(p,)) for i, p in enumerate(people)]
    found = groups(*entries)
    families = [a.person.family for a in found.authors]
    assert families == ["Dupont", "Ébert", "Fabre", "Kalniņš", "Linden", "김", "박", "이"]
    assert [a.initial for a in found.authors][-3:] == ["ㄱ", "ㅂ", "ㅇ"]


def test_bylines_point_at_author_pages_in_order():
    a = make_entry("a", authors=(Person(family="B", given="X"), Person(family="A", given="Y")))
    found = groups(a)
    assert [author.slug for author in found.authors_of(a)] == ["x-b", "y-a"]


# --- journals, volumes, issues -----------------------------------------------------------------

def journal_entry(slug: str, volume: str, issue: str, pages: str, **fields) -> Entry:
    return make_entry(slug, journal="Ledger and Letter", volume=volume, issue=issue, pages=pages,
                      issn="2739-5146", **fields)


def test_issue_contents_follow_first_page_numerically():
    entries = [journal_entry("late", "14", "1", "100-120"), journal_entry("early", "14", "1", "9-20"),
               journal_entry("middle", "14", "1", "21-99"), journal_entry("unpaged", "14", "1", "")]
    issue = groups(*entries).journals[0].issues[0]
    assert [e.slug for e in issue.entries] == ["early", "middle", "late", "unpaged"]
    assert issue.path == "journals/ledger-and-letter/14/1/"


def test_volumes_and_issues_newest_first_numerically():
    entries = [journal_entry("a", "9", "2", "1"), journal_entry("b", "10", "1", "1"),
               journal_entry("c", "9", "10", "1"), journal_entry("d", "", "", "")]
    journal = groups(*entries).journals[0]
    assert [v.volume for v in journal.volumes] == ["10", "9"]
    assert [i.issue for i in journal.volumes[1].issues] == ["10", "2"]
    assert [e.slug for e in journal.loose] == ["d"]


def test_journals_yaml_record_matched_by_issn_and_alias():
    record = JournalRecord(slug="ll", title="Ledger and Letter", issn="2739-5146", aliases=("Ledger & Letter",),
                           publisher="Harbour Lane", description="A journal.")
    by_issn = journal_entry("a", "1", "1", "1")
    by_alias = make_entry("b", journal="Ledger & Letter")
    journals = groups(by_issn, by_alias, data=SiteData(journals=(record,))).journals
    assert [(j.slug, len(j.entries), j.publisher) for j in journals] == [("ll", 2, "Harbour Lane")]


def test_books_and_proceedings_are_collections_not_journals():
    chapter = make_entry("c", type="chapter", journal="Readers in the Archive")
    article = journal_entry("a", "1", "1", "1")
    found = groups(chapter, article)
    assert [j.title for j in found.journals_only] == ["Ledger and Letter"]
    assert [j.title for j in found.other_containers] == ["Readers in the Archive"]


def test_non_latin_journal_titles_get_an_issn_slug():
    entry = make_entry("k", journal="동아시아 문서사 연구", issn="3097-7266", volume="8", issue="1")
    assert groups(entry).journals[0].slug == "issn-3097-7266"


# --- years, keywords, related ------------------------------------------------------------------

def test_years_newest_first():
    found = groups(make_entry("a", 2002), make_entry("b", 2021), make_entry("c", 2021))
    assert [(y.year, len(y.entries)) for y in found.years] == [(2021, 2), (2002, 1)]


def test_keywords_merge_case_and_keep_the_newest_spelling():
    old = make_entry("old", 2001, keywords=("north korea",))
    new = make_entry("new", 2020, keywords=("North Korea",))
    keywords = groups(old, new).keywords
    assert [(k.slug, k.label, len(k.entries)) for k in keywords] == [("north-korea", "North Korea", 2)]


def test_related_prefers_shared_authors_then_keywords_with_ties_by_slug():
    jane = Person(family="Smith", given="Jane")
    base = make_entry("base", authors=(jane,), keywords=("ink", "paper"))
    coauthored = make_entry("z-coauthored", authors=(jane,))
    two_keywords = make_entry("y-two", keywords=("ink", "paper"))
    tie_b = make_entry("b-one", keywords=("ink",))
    tie_a = make_entry("a-one", keywords=("paper",))
    unrelated = make_entry("unrelated", keywords=("law",))
    library = assemble([base, coauthored, two_keywords, tie_b, tie_a, unrelated])
    related = [e.slug for e in library.related(base)]
    assert related == ["y-two", "z-coauthored", "a-one", "b-one"]


def test_related_is_empty_when_nothing_is_shared():
    library = assemble([make_entry("a", keywords=("x",)), make_entry("b", keywords=("y",))])
    assert library.related(library.entries[0]) == ()


def test_remembered_related_articles_are_reused_only_while_no_author_or_keyword_changes():
    jane = Person(family="Smith", given="Jane")
    first = [make_entry("base", authors=(jane,), keywords=("ink",)), make_entry("b", keywords=("ink",)),
             make_entry("c", authors=(jane,))]
    memo = RelatedMemo()
    assemble(first, remembered=memo).collections
    assert memo.related["base"] == ("c", "b")
    # The same marks on new entry objects (a body edit): the remembered answer, on the new objects.
    again = [replace(e, article=replace(e.article, body_line=7)) for e in first]
    library = assemble(again, remembered=memo)
    assert [id(e) for e in library.related(again[0])] == [id(again[2]), id(again[1])]
    # A keyword changes: scored again, and the result equals a library that remembers nothing.
    changed = again[:2] + [make_entry("c", authors=(jane,), keywords=("ink",))]
    fresh = [e.slug for e in assemble(changed).related(changed[1])]
    assert [e.slug for e in assemble(changed, remembered=memo).related(changed[1])] == fresh == ["base", "c"]


# --- the data files ----------------------------------------------------------------------------

def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_data_files_are_optional(tmp_path):
    assert load_site_data(tmp_path) == (SiteData(), [])


def test_authors_yaml_is_read(tmp_path):
    write(tmp_path, "authors.yaml", "jane-smith:\n  family: Smith\n  given: Jane\n"
                                    f"  orcid: https://orcid.org/{ORCID_A}\n  aliases: [\"Smith, J.\"]\n"
                                    "  affiliations:\n    - Kingsbridge College\n  bio: Writes.\n")
    data, problems = load_site_data(tmp_path)
    assert problems == []
    assert data.authors == (AuthorRecord(slug="jane-smith", family="Smith", given="Jane", orcid=ORCID_A,
                                         aliases=("Smith, J.",), affiliations=("Kingsbridge College",),
                                         bio="Writes."),)


@pytest.mark.parametrize("text, line, code", [
    ("jane:\n  family: Smith\n  gvien: Jane\n", 3, "data.unknown-key"),
    ("jane:\n  family: Smith\n  orcid: 0000-0002-1825-0098\n", 3, "data.orcid"),
    ("Jane Smith:\n  family: Smith\n", 1, "data.slug"),
    ("jane:\n  given: Jane\n", 1, "data.person"),
    ("jane:\n  family: [Smith\n", 3, "yaml.syntax"),
    ("jane:\n  family: Smith\n  aliases: 3\n", 3, "data.type"),
])
def test_authors_yaml_problems_are_located(tmp_path, text, line, code):
    write(tmp_path, "authors.yaml", text)
    data, problems = load_site_data(tmp_path)
    assert data.authors == ()
    assert [(p.path, p.line, p.code) for p in problems] == [("content/authors.yaml", line, code)]


def test_unknown_author_key_suggests_the_right_one(tmp_path):
    write(tmp_path, "authors.yaml", "jane:\n  family: Smith\n  gvien: Jane\n")
    assert "did you mean 'given'" in load_site_data(tmp_path)[1][0].message


def test_journals_yaml_checks_title_and_issn(tmp_path):
    write(tmp_path, "journals.yaml", "ll:\n  title: Ledger and Letter\n  issn: 2739-5146\n"
                                     "bad:\n  title: Bad\n  issn: 1234-5678\n"
                                     "untitled:\n  issn: 2739-5146\n")
    data, problems = load_site_data(tmp_path)
    assert [j.slug for j in data.journals] == ["ll"]
    assert [(p.line, p.code) for p in sorted(problems)] == [(6, "data.issn"), (7, "data.journal")]


def test_list_form_with_name_shorthand_and_optional_slug(tmp_path):
    write(tmp_path, "authors.yaml", '- name: "Whitcombe, Thomas R., Jr."\n  aliases: ["Whitcombe, Tom"]\n'
                                    '  bio: Trade and print.\n- name: "박, 서연"\n  slug: park-seoyeon\n')
    data, problems = load_site_data(tmp_path)
    assert problems == []
    assert [(r.slug, r.name) for r in data.authors] == [("", "Whitcombe, Thomas R., Jr."), ("park-seoyeon", "박, 서연")]
    tom = make_entry("a", authors=(Person(family="Whitcombe", given="Tom"),))
    full = make_entry("b", authors=(Person(family="Whitcombe", given="Thomas R.", suffix="Jr."),))
    park = make_entry("c", authors=(Person(family="박", given="서연"),))
    found = groups(tom, full, park, data=data)
    assert [(a.slug, len(a.entries), a.bio) for a in found.authors] == [
        ("tom-whitcombe", 2, "Trade and print."), ("park-seoyeon", 1, "")]


def test_list_form_problems_are_located_by_item(tmp_path):
    write(tmp_path, "journals.yaml", "- title: Ledger\n  slug: Bad Slug\n- title: Other\n  isn: 2739-5146\n")
    data, problems = load_site_data(tmp_path)
    assert data.journals == ()
    assert [(p.line, p.code) for p in sorted(problems)] == [(2, "data.slug"), (4, "data.unknown-key")]


def test_sample_data_files_are_clean():
    data, problems = load_site_data(Path(__file__).resolve().parents[2] / "content")
    assert problems == []
