"""The facts the rebuild planner takes of each article file, and what `serve` keeps of them between runs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from archivist.build.facts import FactsMemo, article_facts, listing_digest
from archivist.content.load import parse
from archivist.model import SourceFile


def test_links_are_found_again_only_in_texts_that_changed_and_gone_files_are_forgotten():
    known = FactsMemo()
    texts = {"a.md": "See [b](article:b) and [x](/pages/x/).", "b.md": "No links."}
    first = article_facts({}, texts, known)
    assert first.links == {"a.md": frozenset({"b"}), "b.md": frozenset()}
    assert first.paths["a.md"] and not first.paths["b.md"]
    known.links["b.md"] = (texts["b.md"], frozenset({"planted"}), frozenset())  # what a kept text answers from
    edited = {"a.md": "Now [c](article:c).", "b.md": texts["b.md"]}
    second = article_facts({}, edited, known)
    assert second.links == {"a.md": frozenset({"c"}), "b.md": frozenset({"planted"})}
    assert article_facts({}, edited) == article_facts({}, edited, FactsMemo())
    article_facts({}, {"a.md": edited["a.md"]}, known)
    assert set(known.links) == {"a.md"}


def test_a_listing_digest_is_kept_only_while_the_parse_is_the_same_objects():
    text = "---\ntitle: One\ndate: 2020\n---\n\nBody.\n"
    source = SourceFile(Path("/s/content/articles/one.md"), "content/articles/one.md", "one", None, text)
    item, _problems = parse(source, "en")
    known = FactsMemo()
    assert article_facts({"one.md": item}, {"one.md": text}, known).listed["one.md"] == listing_digest(item)
    retitled = replace(item, meta=replace(item.meta, title="Two"))
    assert article_facts({"one.md": retitled}, {"one.md": text}, known).listed["one.md"] == listing_digest(retitled)
    assert listing_digest(retitled) != listing_digest(item)
    emptied = replace(retitled, body="")
    assert article_facts({"one.md": emptied}, {"one.md": text}, known).listed["one.md"] == listing_digest(emptied)
