"""Each faster path finds what the plain one finds: mistune's emphasis-marker scan, the word count, the
root links an article holds, the names of a template's globals."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from mistune._inline import emphasis

import re
from collections import ChainMap

from archivist.build.facts import HTML_ROOT_LINK, MARKDOWN_ROOT_LINK
from archivist.markdown import emphasis_scan, render_inline
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
    assert render_inline("a *b* and __c__ d_e_f", "en") == "a <em>b</em> and <strong>c</strong> d_e_f"


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
