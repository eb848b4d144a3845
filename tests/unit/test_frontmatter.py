"""Front-matter splitting: values keep their file lines; hostile YAML is refused with a located error."""

import contextlib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.content import frontmatter, frontmatter_fast


def test_values_keep_their_lines():
    fm = frontmatter.split("---\ntitle: A\nauthors:\n  - family: Kim\n    orcid: x\n---\nBody\n")
    assert fm.data == {"title": "A", "authors": [{"family": "Kim", "orcid": "x"}]}
    assert fm.lines["title"] == 2
    assert fm.lines["authors.0.orcid"] == 5
    assert fm.body == "Body\n"
    assert fm.body_line == 7


def test_dots_close_front_matter_too():
    fm = frontmatter.split("---\ntitle: A\n...\ntext")
    assert fm.body == "text" and fm.body_line == 4


@pytest.mark.parametrize(
    "text, line, code",
    [
        ("title: A\n", 1, "frontmatter.missing"),
        ("---\ntitle: A\n", 1, "frontmatter.unclosed"),
        ("---\ntitle: A\ntitle: B\n---\n", 3, "yaml.duplicate-key"),
        ("---\na: &x [1]\nb: *x\n---\n", 3, "yaml.alias"),
        ("---\ntitle: [A\n---\n", 2, "yaml.syntax"),
        ("---\n- a\n- b\n---\n", 2, "yaml.not-mapping"),
        ("---\n" + "a:\n" + "".join("  " * i + " b:\n" for i in range(1, 30)) + "---\n", None, "yaml.too-deep"),
    ],
)
def test_broken_front_matter_is_located(text, line, code):
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.split(text)
    assert caught.value.code == code
    if line is not None:
        assert caught.value.line == line


def test_billion_laughs_is_refused_quickly():
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        previous = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous}]")
    lines.append("---")
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.split("\n".join(lines))
    assert caught.value.code == "yaml.alias"


def test_impossible_yaml_date_reaches_the_schema_as_text():
    fm = frontmatter.split("---\ndate: 2021-02-30\n---\n")
    assert fm.data["date"] == "2021-02-30"


# --- libyaml and the pure-Python reader must agree on everything ------------------------------

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_FILES = sorted([*ROOT.joinpath("content", "articles").rglob("*.md"),
                        *ROOT.joinpath("tests", "invalid_sites").rglob("*.md"),
                        *ROOT.joinpath("tests", "golden_site").rglob("*.md")])
HOSTILE_PIECES = ["[a?b]", "a?b", "?", "\t", "\ufeff", "&x ", "*x", "!!str ", "!!binary ", "!foo ", "<<", "=", "%YAML 1.1\n",
                  "--- ", "... ", "'", '"', "\\'", "\\x41", "|\n  ", ">-\n   ", "|2\n", "- ", ": ", ":", "{", "}", "[", "]",
                  ", ", "#", "\r\n", "\r", "\x85", "\u2028", "\n", "\n  ", "2021-02-30", "0x1F", "1_000", ".inf", "~", "é", "한"]


def _shape(value: Any) -> Any:
    """Data with every value's exact type, so 1 == True or a str subclass cannot hide a difference."""
    if isinstance(value, dict):
        return ("dict", [(key, _shape(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(item) for item in value])
    return (type(value).__name__, repr(value))


def _outcome(text: str, pure: bool) -> tuple:
    """Everything split() gives back, or everything it raises, with or without the libyaml reader."""
    with mock.patch.object(frontmatter_fast, "read", lambda *args: None) if pure else contextlib.nullcontext():
        try:
            fm = frontmatter.split(text)
        except frontmatter.FrontMatterError as exc:
            return ("error", exc.code, exc.line, exc.column, exc.message)
        except yaml.YAMLError as exc:
            return ("raised", type(exc).__name__, str(exc))
    return ("ok", _shape(fm.data), list(fm.lines.items()), fm.body, fm.body_line)


def _front_matter(text: str) -> str:
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if frontmatter.CLOSING_FENCE.match(lines[i].rstrip("\r")))
    return "\n".join(lines[1:end])


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_both_readers_agree_on_every_fixture(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    assert _outcome(text, pure=False) == _outcome(text, pure=True)


def test_libyaml_reads_the_real_articles_itself():
    articles = sorted(ROOT.joinpath("content", "articles").rglob("*.md"))
    assert articles and frontmatter_fast.AVAILABLE
    for path in articles:
        text = path.read_text(encoding="utf-8")
        fast = frontmatter_fast.read(_front_matter(text), 1, frontmatter.MAX_DEPTH, frontmatter.SCALAR_TAGS)
        assert fast is not None, path
        fm = frontmatter.split(text)
        assert (_shape(fast[0]), list(fast[1].items())) == (_shape(fm.data), list(fm.lines.items()))


@pytest.mark.parametrize("yaml_text", [
    "a: [x?y]",  # libyaml keeps 'x?y' where PyYAML stops at the '?'
    "a: {k: v?}\nb: 1",
    "\\\t: 1",  # tabs are blank to libyaml in more places
    "a: 1\n\ufeffb: 2",  # libyaml skips a byte-order mark at a line start
    "a: &x 1",  # anchors without aliases are accepted by the reference reader
    "a: !!str 1",
    "a: 2021-02-30",
    "a: =",
    "<<: {b: 1}",
    "a: 1\na: 2",
    "a: [1, 2",
])
def test_libyaml_leaves_disputed_and_unusual_yaml_to_the_reference(yaml_text):
    assert frontmatter_fast.read(yaml_text, 1, frontmatter.MAX_DEPTH, frontmatter.SCALAR_TAGS) is None
    text = f"---\n{yaml_text}\n---\n"
    assert _outcome(text, pure=False) == _outcome(text, pure=True)


def test_libyaml_declines_billion_laughs_at_the_first_anchor():
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 9)}]" for i in range(1, 26)]
    assert frontmatter_fast.read("\n".join(levels), 1, frontmatter.MAX_DEPTH, frontmatter.SCALAR_TAGS) is None


def test_without_libyaml_the_pure_reader_gives_the_same_result(monkeypatch):
    text = "---\ntitle: A\nauthors:\n  - {family: Kim, orcid: x}\ndate: 2020-01-02\n---\nBody\n"
    with_libyaml = _outcome(text, pure=False)
    monkeypatch.setattr(frontmatter_fast, "CParser", None)
    assert frontmatter_fast.read("a: 1", 0, frontmatter.MAX_DEPTH, frontmatter.SCALAR_TAGS) is None
    assert _outcome(text, pure=False) == with_libyaml


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12), st.dates(),
                     st.datetimes(), st.sampled_from(HOSTILE_PIECES))
_keys = st.text(max_size=6) | st.sampled_from(HOSTILE_PIECES)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
                       max_leaves=12)


@st.composite
def _yaml_documents(draw: st.DrawFn) -> str:
    """YAML as PyYAML writes it in a drawn style, then with a few hostile pieces spliced in."""
    text = yaml.dump(draw(st.dictionaries(_keys, _values, max_size=6)), sort_keys=False,
                     default_flow_style=draw(st.sampled_from([None, True, False])), allow_unicode=draw(st.booleans()),
                     default_style=draw(st.sampled_from([None, '"', "'", "|"])), width=draw(st.sampled_from([20, 1000])))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(HOSTILE_PIECES)) + text[at:]
    return text


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_yaml_documents())
def test_both_readers_agree_on_generated_yaml(yaml_text):
    text = f"---\n{yaml_text}\n---\nBody"
    assert _outcome(text, pure=False) == _outcome(text, pure=True)


def test_a_control_character_is_a_located_error_not_a_crash():
    with pytest.raises(frontmatter.FrontMatterError) as caught:
        frontmatter.split('---\ntitle: "a\x01b"\n---\nbody\n')
    assert (caught.value.line, caught.value.column, caught.value.code) == (2, 10, "yaml.syntax")
    assert "U+0001" in caught.value.message
