"""The facts the rebuild planner takes of each article file: the links found in a text kept between runs."""

from __future__ import annotations

from archivist.build.facts import article_facts


def test_links_are_found_again_only_in_texts_that_changed_and_gone_files_are_forgotten():
    known: dict = {}
    texts = {"a.md": "See [b](article:b) and [x](/pages/x/).", "b.md": "No links."}
    first = article_facts({}, texts, known)
    assert first.links == {"a.md": frozenset({"b"}), "b.md": frozenset()}
    assert first.paths["a.md"] and not first.paths["b.md"]
    known["b.md"] = (texts["b.md"], frozenset({"planted"}), frozenset())  # what a kept text answers from
    edited = {"a.md": "Now [c](article:c).", "b.md": texts["b.md"]}
    second = article_facts({}, edited, known)
    assert second.links == {"a.md": frozenset({"c"}), "b.md": frozenset({"planted"})}
    assert article_facts({}, edited) == article_facts({}, edited, {})
    article_facts({}, {"a.md": edited["a.md"]}, known)
    assert set(known) == {"a.md"}
