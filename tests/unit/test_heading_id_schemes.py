"""Other tools' heading ids, from the examples in their own documentation."""

from __future__ import annotations

import pytest

from archivist.markdown.idschemes import github_id, heading_aliases, kramdown_id, pandoc_id


@pytest.mark.parametrize(("text", "expected"), [
    ("This is a header", "this-is-a-header"),
    ("12. Another one 1 here", "another-one-1-here"),
    ("Do ^& it now", "do--it-now"),
    ("123", "section"),
    ("Étude de cas 2 : Réutilisation", "tude-de-cas-2--rutilisation"),  # ASCII only, without transliteration
])
def test_kramdown(text: str, expected: str):
    assert kramdown_id(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("foo bar baz", "foo-bar-baz"),
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    ("😄 emoji", "-emoji"),
    ("Case study 2: Text reuse", "case-study-2-text-reuse"),
    ("Etude de cas 2 : Réutilisation", "etude-de-cas-2--réutilisation"),
    ("snake_case & co.", "snake_case--co"),
])
def test_github(text: str, expected: str):
    assert github_id(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Heading identifiers in HTML", "heading-identifiers-in-html"),
    ("Maître d'hôtel", "maître-dhôtel"),
    ("Dogs?--in my house?", "dogs--in-my-house"),
    ("HTML, S5, or RTF?", "html-s5-or-rtf"),
    ("3. Applications", "applications"),
    ("33", "section"),
])
def test_pandoc(text: str, expected: str):
    assert pandoc_id(text) == expected


def test_repeated_headings_are_numbered_as_each_tool_does():
    aliases = heading_aliases([("Hallo", "hallo"), ("Hallo", "hallo-2"), ("Hallo", "hallo-3")])
    # the others count -1, -2 where we count -2, -3; where an id is also ours, the page's own id wins
    # (see anchors.settle_fragments), so only 'hallo-1' is ever read from here
    assert aliases["hallo"] == "hallo" and aliases["hallo-1"] == "hallo-2" and aliases["hallo-2"] == "hallo-3"


def test_github_and_pandoc_step_over_an_id_a_heading_took_outright():
    aliases = heading_aliases([("a-1", "x1"), ("a", "x2"), ("a", "x3")])
    assert aliases["a-1"] == "x1"  # kramdown's third heading is 'a-1' too, but the first had it
    assert aliases["a-2"] == "x3"  # GitHub and Pandoc skip the taken 'a-1'
