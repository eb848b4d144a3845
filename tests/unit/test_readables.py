"""What a template reads of the library is recorded, and a later library is asked the same questions."""

from __future__ import annotations

from dataclasses import replace

import jinja2

from archivist.library.readables import LibraryReads, ReadLog, context_digest, wrap_context
from archivist.model import Person
from tests.unit.test_collections import groups, make_entry

TEMPLATE = ("{% for e in entries %}{{ e.article.title_html }}:"
            "{% for a in collections.authors_of(e) %}{{ a.path }}{% endfor %};{% endfor %}")


def render(entries, collections) -> tuple[str, tuple]:
    log = ReadLog()
    html = jinja2.Environment().from_string(TEMPLATE).render(
        **wrap_context({"entries": entries, "collections": collections}, log))
    return html, log.reads()


def test_a_page_records_the_fields_it_read_and_the_output_is_unchanged():
    kim = Person(family="Kim", given="Ana")
    a, b = make_entry("a", authors=(kim,)), make_entry("b")
    collections = groups(a, b)
    html, reads = render((a, b), collections)
    assert html == "A:authors/ana-kim/;B:;"
    entry_reads = {root: paths for root, paths, _digest in reads if root[0] == "entry"}
    assert entry_reads[("entry", "content/articles/a.md")] == {("article", "title_html")}


def test_a_later_library_reads_the_same_unless_what_was_read_changed():
    a, b = make_entry("a"), make_entry("b")
    _html, reads = render((a, b), groups(a, b))
    retitled = replace(a, article=replace(a.article, title_html="New"))
    abstract = replace(a, article=replace(a.article, abstract_html="<p>x</p>"))
    for changed, differs in ((abstract, False), (retitled, True)):
        later = LibraryReads({e.article.source.relpath: e for e in (changed, b)}, groups(changed, b))
        assert any(later.get((root, paths)) != found for root, paths, found in reads) == differs


def test_the_plan_digest_names_entries_by_source_and_leaves_collections_out():
    a, b = make_entry("a"), make_entry("b")
    retitled = replace(a, article=replace(a.article, title_html="New"))
    assert context_digest("t", {"entries": (a, b), "collections": groups(a, b)}) == \
        context_digest("t", {"entries": (retitled, b), "collections": groups(retitled)})
    assert context_digest("t", {"entries": (a, b)}) != context_digest("t", {"entries": (b, a)})
