"""The article schema: every field normalised, every problem reported with its line at once."""

from archivist.content import frontmatter, schema
from archivist.model import PartialDate, Person


def validate(text, slug="sample"):
    fm = frontmatter.split(text)
    return schema.validate(fm, "content/articles/sample.md", slug, "en-US")


def codes(diagnostics):
    return [(d.line, d.code) for d in diagnostics]


def test_a_full_record_is_normalised():
    meta, problems = validate("""---
title: On *Moby-Dick*
authors:
  - {family: Berg, given: Anna, particle: van der, orcid: "https://orcid.org/0000-0002-1825-0097"}
  - "King, Martin Luther, Jr."
  - {name: Working Group on Archives}
date: 2002-05
doi: https://doi.org/10.1353/ks.2002.0009
volume: 26
pages: 87-119
keywords: [purge, purge, Korea]
type: chapter
license: CC-BY-4.0
csl: {edition: 2}
---
Text
""")
    assert problems == []
    assert meta.date == PartialDate(2002, 5)
    assert meta.doi == "10.1353/ks.2002.0009"
    assert meta.volume == "26" and meta.first_page == "87" and meta.last_page == "119"
    assert meta.keywords == ("purge", "Korea")
    assert meta.authors[0] == Person(family="Berg", given="Anna", particle="van der", orcid="0000-0002-1825-0097")
    assert meta.authors[1].suffix == "Jr." and meta.authors[1].display_name == "Martin Luther King, Jr."
    assert meta.authors[2].literal == "Working Group on Archives"
    assert meta.language == "en-US" and meta.slug == "sample"


def test_every_problem_is_reported_with_its_line():
    meta, problems = validate("""---
titel: Typo
date: 2021-02-30
authors:
  - {family: Kim, orcid: 0000-0002-1825-0098}
doi: not-a-doi
type: journal-article
slug: Bad_Slug
keywords: keyword
draft: "yes"
csl: {numbr: 3}
---
""")
    assert meta is None
    assert sorted(codes(problems)) == [
        (1, "meta.missing"),
        (2, "meta.unknown-key"),
        (3, "meta.date"),
        (5, "meta.orcid"),
        (6, "meta.doi"),
        (7, "meta.type-unknown"),
        (8, "meta.slug"),
        (9, "meta.type"),
        (10, "meta.type"),
        (11, "meta.csl-variable"),
    ]
    messages = " ".join(d.message for d in problems)
    assert "did you mean 'title'" in messages
    assert "did you mean 'number'" in messages


def test_missing_authors_is_only_a_warning():
    meta, problems = validate("---\ntitle: Editorial\ndate: 2020\n---\n")
    assert meta is not None
    assert [(d.severity, d.code) for d in problems] == [("warning", "meta.no-authors")]


def test_dates_in_every_accepted_form():
    for raw, expected in [("2020", PartialDate(2020)), ("2020-02-29", PartialDate(2020, 2, 29)),
                          ("'2020-07'", PartialDate(2020, 7))]:
        meta, _ = validate(f"---\ntitle: T\ndate: {raw}\n---\n")
        assert meta.date == expected
    meta, problems = validate("---\ntitle: T\ndate: 2019-02-29\n---\n")
    assert meta is None and problems[0].code == "meta.date" and problems[0].line == 3


def test_a_draft_may_leave_out_its_date_and_sorts_last():
    meta, problems = validate("---\ntitle: Work in progress\nauthors: ['Doe, Jane']\ndraft: true\n---\n")
    assert problems == [] and meta.date is None and meta.draft
    assert meta.date_key < PartialDate(1, 1, 1).sort_key


def test_only_a_draft_may_leave_out_its_date():
    for front in ("draft: false\n", "", "draft: 'true'\n"):
        meta, problems = validate(f"---\ntitle: T\nauthors: ['Doe, Jane']\n{front}---\n")
        assert meta is None and ("meta.missing" in [d.code for d in problems])
        missing = next(d for d in problems if d.code == "meta.missing")
        assert missing.line == 1 and "only a draft may leave it out" in missing.message
