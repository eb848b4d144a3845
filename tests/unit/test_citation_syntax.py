"""Pandoc's citation syntax, read by the body renderer: what each form records, and what is not a citation."""

from __future__ import annotations

import pytest

from archivist.markdown.citations import PLACEHOLDER_PATTERN
from archivist.markdown.context import BodyContext
from archivist.markdown.pipeline import render_body
from archivist.model import CiteItem


def render(text: str, mode: str = "in-text"):
    ctx = BodyContext("a.md", 10, "en", {}, lambda _slug: None, lambda _path: False, citations=mode)
    body, problems = render_body(text, ctx)
    assert [p for p in problems if p.severity == "error"] == []
    return body


def only(text: str, mode: str = "in-text"):
    (use,) = render(text, mode).citations
    return use


def test_bracketed_cluster_with_prefix_locators_and_suffix() -> None:
    use = only("As argued [see @doe99, pp. 33-35; also @smith04, chap. 1, emphasis added].\n")
    assert use.items == (CiteItem("doe99", "33-35", "page", "see", ""),
                         CiteItem("smith04", "1", "chapter", "also", ", emphasis added"))
    assert (use.narrative, use.note, use.line, use.column, use.passage) == (False, 0, 10, 11, "p1")


@pytest.mark.parametrize("written, locator, label", [
    ("[@k, 33]", "33", "page"), ("[@k p. 33]", "33", "page"), ("[@k, ¶ 4]", "4", "paragraph"),
    ("[@k, sec. 2.1]", "2.1", "section"), ("[@k, vol. IV]", "IV", "volume"), ("[@k, s.v. {ink, iron-gall}]", "ink, iron-gall", "sub-verbo"),
    ("[@k, ll. 3-7, 9]", "3-7, 9", "line"), ("[@k, fols. 12r-13v]", "12r-13v", "folio"),
])
def test_locator_terms(written: str, locator: str, label: str) -> None:
    item = only(f"Text {written}.\n").items[0]
    assert (item.locator, item.label) == (locator, label)


def test_suppress_author_and_braced_key() -> None:
    use = only("Smith says so [-@{smith:2004/a}, 12].\n")
    assert use.items == (CiteItem("smith:2004/a", "12", "page", "", "", True),)


def test_narrative_citation_with_locator_and_trailing_punctuation() -> None:
    use = only("@smith04 [p. 33] says that. So does @doe99.\n".replace(". So does @doe99", ""))
    assert use.narrative and use.items == (CiteItem("smith04", "33", "page"),)
    (first, second) = render("As @doe99. And @kim_2001: yes.\n").citations
    assert (first.items[0].key, second.items[0].key) == ("doe99", "kim_2001")


@pytest.mark.parametrize("text", [
    "Mail me@example.org today.\n", "Code `[@not]` here.\n", "```\n[@not]\n```\n",
    "A [link @here](https://example.org/).\n", "Escaped \\@not.\n",
    "## One {#sec-one}\n\nSee @sec-one and [@Sec-one].\n",
])
def test_what_is_not_a_citation(text: str) -> None:
    assert render(text).citations == ()


def test_without_a_bibliography_the_syntax_is_text() -> None:
    body = render("As [@doe99] and @smith say.\n", mode="")
    assert body.citations == () and "[@doe99]" in body.html and "@smith" in body.html


def test_placeholders_stand_in_reading_order_and_notes_know_their_passage() -> None:
    body = render("One [@a].[^n] Two [@b].\n\nThree [@c].\n\n[^n]: In a note [@d].\n")
    assert [(u.items[0].key, u.note, u.passage) for u in body.citations] == [
        ("a", 0, "p1"), ("d", 1, "p1"), ("b", 0, "p1"), ("c", 0, "p2")]
    assert [m.group(1) for m in PLACEHOLDER_PATTERN.finditer(body.html)] == ["cite-1", "cite-2", "cite-3", "cite-4"]


def test_a_note_style_makes_citations_notes_numbered_with_the_authors() -> None:
    body = render("One [@a].[^n] @b says. Two [@c].\n\n[^n]: Author's note citing [@d].\n", mode="note")
    assert body.footnote_count == 4
    assert [(u.items[0].key, u.note, u.in_own_note, u.author_only) for u in body.citations] == [
        ("a", 1, True, False), ("d", 2, False, False), ("b", 0, False, True), ("b", 3, True, False),
        ("c", 4, True, False)]
    assert body.html.count('role="doc-noteref"') == 4
