"""What a template reads of the library is recorded, and a later library is asked the same questions."""

from __future__ import annotations

from dataclasses import replace

import jinja2

from archivist.library.readables import LibraryReads, ReadLog, context_digest, fingerprint, wrap_context
from archivist.model import Heading, Person, RenderedBody
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


def test_a_long_value_read_is_kept_as_a_digest_and_still_tells_every_edit():
    """A long title (or body, or exports) is recorded by digest, not written out: a one-letter edit
    still reads differently, the same text reads the same, and a page that reads it three times
    records it once."""
    long_title = "On the Heaping of Ages in Parish Listings, " * 8
    a, b = make_entry("a"), make_entry("b")
    a = replace(a, article=replace(a.article, title_html=long_title))
    template = "{% for e in entries %}{{ e.article.title_html }}{{ e.article.title_html }}{% endfor %}"
    log = ReadLog()
    jinja2.Environment().from_string(template).render(**wrap_context({"entries": (a, b)}, log))
    recorded = log.values[("entry", "content/articles/a.md")][("article", "title_html")]
    assert recorded.startswith("#") and len(recorded) < 64
    reads = log.reads()
    for title, differs in ((long_title, False), (long_title[:-2] + "s ", True)):
        changed = replace(a, article=replace(a.article, title_html=title))
        later = LibraryReads({e.article.source.relpath: e for e in (changed, b)}, groups(changed, b))
        assert any(later.get((root, paths)) != found for root, paths, found in reads) == differs


def test_a_body_read_whole_reads_the_same_whether_its_strings_are_shared_or_copied():
    """A body rendered in this build shares some strings between its fields; one read back from the
    cache holds copies. Both must read the same, or every article page would render again."""
    shared = "a-heading-id"
    fresh = RenderedBody(html="<p>words</p>" * 40, toc=(Heading(2, shared, "A heading", "A heading"),),
                         ids=(shared,))
    copies = ["".join(["a-heading-", part]) for part in ("id", "id")]  # made at run time: two objects
    copied = RenderedBody(html="<p>words</p>" * 40, toc=(Heading(2, copies[0], "A heading", "A heading"),),
                          ids=(copies[1],))
    assert fresh.ids[0] is fresh.toc[0].id and copied.ids[0] is not copied.toc[0].id
    assert fingerprint(fresh) == fingerprint(copied)
    assert fingerprint(replace(copied, word_count=1)) != fingerprint(copied), "and any change reads differently"


def test_a_page_metadata_that_cannot_be_pickled_is_still_read():
    """A value read whole is hashed as its pickle; one holding a field pickle cannot write is written
    out as any other value is, and still tells an edit."""
    from types import MappingProxyType

    from archivist.citations.metadata import PageMetadata

    one = PageMetadata(highwire=(), dublin_core=(), eprints=(), open_graph=(), json_ld=MappingProxyType({"a": 1}))
    other = replace(one, json_ld=MappingProxyType({"a": 2}))
    assert fingerprint(one) != fingerprint(other)
    assert fingerprint(one) == fingerprint(replace(one))
