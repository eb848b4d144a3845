"""The pieces of a build in parts: naming a part, which part owns an article, what a part presumes of the
articles it does not render, and the JSON summary it hands to the merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivist.build.partdata import FORMAT, ArticleRecord, PartSummary, SummaryError, decode, encode
from archivist.build.partneeds import named_keys, presumed_text
from archivist.build.partplan import Ownership, PartSpec, PartSpecError
from archivist.citations.cite import StyleBlock
from archivist.diagnostics import Diagnostic, warning
from archivist.model import CiteItem, CitationUse, Heading, Reference, RenderedBody, SiteLink
from archivist.search.shards import plan_shards
from archivist.util.jsondata import JsonDataError, from_json, to_json


@pytest.mark.parametrize(("text", "number", "count"), [("1/4", 1, 4), ("4/4", 4, 4), (" 2 / 3 ", 2, 3), ("1/1", 1, 1)])
def test_a_part_is_named_k_of_n(text: str, number: int, count: int):
    spec = PartSpec.parse(text)
    assert (spec.number, spec.count) == (number, count)
    assert spec.default_output == f"output-part-{number}-of-{count}"


@pytest.mark.parametrize(("text", "says"), [("0/4", "from 1 to"), ("5/4", "from 1 to"), ("1/0", "from 1 to"),
                                            ("2", "K/N"), ("a/b", "K/N"), ("-1/4", "K/N")])
def test_a_part_that_names_no_part_is_refused(text: str, says: str):
    with pytest.raises(PartSpecError, match=says):
        PartSpec.parse(text)


def test_an_article_belongs_to_the_part_of_its_search_shard():
    slugs = [f"article-{n:03d}" for n in range(64)]
    plan = Ownership(parts=4, shards=8)
    pages = [(f"articles/{slug}/index.html", b"") for slug in slugs]
    for shard in plan_shards(pages, shard_size=8):
        owners = {plan.part_of(path.split("/")[1]) for path, _data in shard.pages}
        assert owners == {shard.number % 4 + 1}
    assert {plan.part_of(slug) for slug in slugs} == {1, 2, 3, 4}


def test_only_a_short_body_is_rendered_to_know_whether_it_shows_text():
    assert presumed_text("") is False and presumed_text("  \n\n") is False
    assert presumed_text("[^1]: a note never referred to") is None
    assert presumed_text("<!-- " + "x" * 5000 + " -->\n[a]: http://example.org") is None
    assert presumed_text("Words and more words. " * 200) is True


def test_every_key_after_an_at_sign_is_a_possible_citation():
    text = "As [@smith2020, p. 3] and @{Doe 2019} show, [-@doi:10.1234/ab.c]; mail me@x.org. `@code_key` @ alone"
    assert {"smith2020", "Doe 2019", "doi:10.1234/ab.c", "code_key"} <= named_keys(text)
    assert "smith_2020" in named_keys(r"@smith\_2020")


def test_model_objects_go_to_json_and_back_unchanged():
    body = RenderedBody(html="", toc=(Heading(2, "intro", "Intro", "<em>Intro</em>"),), paragraph_ids=("p1", "p2"),
                        ids=("intro",), heading_aliases=(("intro-1", "intro"),),
                        site_links=(SiteLink("article", "other#p2", 7),),
                        citations=(CitationUse("cite-1", (CiteItem("smith", locator="3", label="page"),), line=4),))
    reference = Reference("smith", {"id": "smith", "issued": {"date-parts": [[2020, 1]]}, "volume": 3},
                          "<i>Smith</i>", "Smith", "ref-smith", ("cite-1",), "articles/x/")
    for value, kind in ((body, RenderedBody), (reference, Reference), (warning("a.md", 3, "x.y", "m"), Diagnostic)):
        again = from_json(kind, json.loads(json.dumps(to_json(value))))
        assert again == value and type(again) is type(value)


def test_json_of_another_shape_is_refused():
    with pytest.raises(JsonDataError):
        from_json(Reference, {"key": "k", "csl": {}, "colour": "red"})
    with pytest.raises(JsonDataError):
        from_json(Heading, {"level": "2", "id": "a", "text": "", "html": ""})


def summary() -> PartSummary:
    record = ArticleRecord("content/articles/a.md", "A", "", True, RenderedBody(html=""), {"title": "A"},
                           (StyleBlock("apa", "APA", "<i>A</i>", "A"),), ("cite.bib",), ())
    return PartSummary(FORMAT, 1, 2, "https://example.org/", False, True, {"content": "abc"}, 4, (record,),
                       ("articles/a/index.html",), ("000/pagefind-entry.json",), (warning("a.md", 2, "c", "m"),))


def test_a_summary_is_json_and_reads_back_as_it_was():
    data = encode(summary())
    assert json.loads(data)["format"] == FORMAT
    assert decode(data) == summary()


@pytest.mark.parametrize("data", [b"\x80\x04pickle", b"[]", json.dumps({"format": "archivist-part 0"}).encode(),
                                  json.dumps({"format": FORMAT, "part": "one"}).encode()])
def test_a_summary_of_another_form_is_refused(data: bytes):
    with pytest.raises(SummaryError):
        decode(data)


def test_a_path_reads_back_as_a_path():
    assert from_json(Path, to_json(Path("a/b"))) == Path("a/b")
