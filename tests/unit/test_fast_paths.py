"""Each faster path finds what the plain one finds: mistune's emphasis-marker scan and its answer for a
single pair of markers, the word count, the root links an article holds, the names of a template's globals."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from mistune import inline_parser
from mistune._inline import emphasis

import copy
import re
from collections import ChainMap

from archivist.build.facts import HTML_ROOT_LINK, MARKDOWN_ROOT_LINK
from archivist.markdown import emphasis_scan, idschemes, render_inline
from archivist.markdown.text import _WORD_RE, count_words
from archivist.render.templating import make_environment

texts = st.text(alphabet=st.sampled_from(["*", "_", "a", " ", "\n", "é", "\\", "`"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 45))
def test_the_scan_finds_the_same_position_as_mistunes_own(text: str, pos: int):
    assert emphasis_scan.ORIGINAL is not None
    assert emphasis_scan.next_delimiter_run(text, pos) == emphasis_scan.ORIGINAL(text, pos)


def test_the_faster_scan_is_in_use_for_the_pinned_version():
    assert emphasis_scan.INSTALLED
    assert emphasis._next_delimiter_run is emphasis_scan.next_delimiter_run
    assert inline_parser.finalize_emphasis_tokens is emphasis_scan.finalize_emphasis_tokens
    assert render_inline("a *b* and __c__ d_e_f", "en") == "a <em>b</em> and <strong>c</strong> d_e_f"


pieces = st.text(alphabet=st.sampled_from(["*", "_", "a", " ", "\n", ".", "&", ";", "#", "1", "é", "(", "\u00a0"]),
                 max_size=12)
tokens = st.one_of(
    pieces.map(lambda raw: {"type": "text", "raw": raw}),
    pieces.map(lambda raw: {"type": "text", "raw": raw, "_emphasis": False}),
    pieces.map(lambda raw: {"type": "text", "raw": raw, "_autolink": True}),
    st.just({"type": "softbreak"}),
    st.just({"type": "codespan", "raw": "x*y"}),
    st.just({"type": "link", "children": [{"type": "text", "raw": "l"}], "attrs": {"url": "u"}, "_emphasis": False}),
)
# a run holding one pair of equal markers, somewhere among other tokens: the case the fast path answers
paired = st.tuples(st.lists(tokens.filter(lambda t: not _marked(t)), max_size=4), st.sampled_from("*_"),
                   st.text(alphabet=st.sampled_from(["a", " ", ".", "(", "&", ";", "\n", "1"]), max_size=8),
                   st.integers(0, 8), st.integers(0, 8), st.integers(0, 4))


def _marked(token: dict) -> bool:
    return token["type"] == "text" and token.get("_emphasis", True) and ("*" in token["raw"] or "_" in token["raw"])


def _pair_run(case: tuple) -> list[dict]:
    others, marker, text, first, second, place = case
    first, second = sorted((min(first, len(text)), min(second, len(text))))
    raw = text[:first] + marker + text[first:second] + marker + text[second:]
    return others[:place] + [{"type": "text", "raw": raw}] + others[place:]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.lists(tokens, min_size=1, max_size=5), paired.map(_pair_run)), st.sampled_from([0, 1, 2, 12]))
def test_emphasis_is_what_mistune_makes_of_the_same_tokens(run: list[dict], depth: int):
    before = copy.deepcopy(run)
    assert emphasis_scan.finalize_emphasis_tokens(run, True, depth) == \
        emphasis_scan.ORIGINAL_FINALIZE(copy.deepcopy(before), True, depth)
    assert run == before, "the tokens given are left as they were"


def test_a_single_pair_is_answered_without_mistune_s_delimiter_run():
    run = [{"type": "text", "raw": "a word in "}, {"type": "codespan", "raw": "x"},
           {"type": "text", "raw": " and *this* one"}]
    assert emphasis_scan.single_pair(run, 12) == [
        {"type": "text", "raw": "a word in "}, {"type": "codespan", "raw": "x"}, {"type": "text", "raw": " and "},
        {"type": "emphasis", "children": [{"type": "text", "raw": "this"}]}, {"type": "text", "raw": " one"}]
    assert emphasis_scan.single_pair([{"type": "text", "raw": "snake_case_name"}], 12) is None  # do not pair
    assert emphasis_scan.single_pair([{"type": "text", "raw": "*a* and *b*"}], 12) is None  # more than two


words = st.text(alphabet=st.sampled_from(["a", "É", "1", " ", "-", "'", "’", "_", "語", "か", "한", "\n", "."]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(words)
def test_the_word_count_is_that_of_the_full_pattern(text: str):
    assert count_words(text) == len(_WORD_RE.findall(text))


ONE_PATTERN = re.compile(r"""(?:\]\(\s*<?|\]:[ \t]*<?|(?:href|src)\s*=\s*["']?)(/[^\s)"'<>#?]*)""")
links = st.lists(st.sampled_from(["]", "(", ":", " ", "\n", "<", "/", "a", "href", "src", "=", '"', "'", ")"]),
                 max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(links)
def test_the_two_link_patterns_find_every_path_the_one_pattern_found(text: str):
    found = set(MARKDOWN_ROOT_LINK.findall(text)) | set(HTML_ROOT_LINK.findall(text))
    assert set(ONE_PATTERN.findall(text)) <= found


def test_a_template_s_global_names_are_a_set_that_follows_the_environment(tmp_path):
    """Jinja subtracts these names from a set on every import; they must be the names a ChainMap would
    give, later globals of the environment included, and imports must still see the globals."""
    (tmp_path / "page.html").write_text('{% from "parts.html" import hello %}{{ hello() }}', encoding="utf-8")
    (tmp_path / "parts.html").write_text("{% macro hello() %}{{ greeting }}, {{ name }}{% endmacro %}",
                                         encoding="utf-8")
    env = make_environment(tmp_path)
    env.globals["greeting"] = "Hello"
    page = env.get_template("page.html", globals={"own": 1})
    names = page.globals.keys()
    assert isinstance(names, set) and names == set(ChainMap(*page.globals.maps).keys())
    assert {"own", "greeting", "range"} <= names
    env.globals["name"] = "reader"
    assert "name" in page.globals.keys()
    assert page.render() == "Hello, reader"


def _github_by_character(text: str) -> str:
    return "".join("-" if ch == " " else ch for ch in text.lower() if ch in " -" or idschemes._word_character(ch))


def _pandoc_by_character(text: str) -> str:
    kept = "".join(ch for ch in text.lower() if ch.isspace() or ch.isalnum() or ch in "_-.")
    joined = "-".join(kept.split())
    first = next((i for i, ch in enumerate(joined) if ch.isalpha()), len(joined))
    return joined[first:] or "section"


headings = st.text(alphabet=st.one_of(st.characters(max_codepoint=127), st.sampled_from(["é", "\u212a", "²", "\u00a0"])),
                   max_size=30)


@settings(max_examples=1000, deadline=None)
@given(headings)
def test_heading_ids_of_ascii_text_follow_the_per_character_rules(text: str):
    assert idschemes.github_id(text) == _github_by_character(text)
    assert idschemes.pandoc_id(text) == _pandoc_by_character(text)
