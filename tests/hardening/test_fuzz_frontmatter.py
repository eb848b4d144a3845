"""Broken and hostile front-matter never crashes loading: every problem is a located diagnostic."""

from __future__ import annotations

import datetime as dt
import os
import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivist.cli import main
from archivist.util.identifiers import normalise_doi, normalise_orcid, valid_isbn, valid_issn
from archivist.content.people import PERSON_KEYS
from archivist.content.schema import FIELDS
from harness import CASES, assert_well_formed, line_count, load_site, make_site, scaled

SETTINGS = dict(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

HOSTILE_TEXT = [
    "", " ", "\t", "..", "../../etc/passwd", "a/b", "/abs", "CON", "a" * 3000, "\u202e\u0644", "\ufeff",
    "10.1234/abc", "https://doi.org/10.1000/x y", "10.12/short", "doi:10.5555/ok", "0000-0002-1825-0097",
    "0000-0002-1825-0098", "https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-009x", "2021-02-30",
    "2020-13-01", "99999-01-01", "0000", "-1", "1e309", "nan", ".inf", "~", "null", "yes", "no", "on",
    "0145-840X", "0145-8400", "978-0-306-40615-7", "978-0-306-40615-6", "javascript:alert(1)",
    "http://", "https://ex ample.org", "CC-BY-4.0", "cc-by", "en-US", "ko", "english", "article-journal",
    "journal", "87-119", "e1234", "one to two", "x--y", "Slug", "a-b", "--", "{{ 7*7 }}", "{% raw %}",
    "Family, Given", "a,,b", ",", "A, B, C, D", "<script>", "*emph* [link](x)", "\\", "'", '"', "%",
]
FIELD_NAMES = list(FIELDS) + list(PERSON_KEYS) + ["titel", "Title", "author", "tags", "", "<<", "1", "a.b"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(HOSTILE_TEXT), st.dates(), st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=6),
                                                                inner, max_size=4),
    max_leaves=10,
)
person = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.dictionaries(st.sampled_from(list(PERSON_KEYS) + ["nmae", "email"]), scalars | st.sampled_from(HOSTILE_TEXT),
                    max_size=5),
    values,
)
FIELD_VALUES = {
    "authors": st.lists(person, max_size=3) | values,
    "editors": st.lists(person, max_size=2) | values,
    "keywords": st.lists(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=10), max_size=4) | values,
    "date": st.sampled_from(["2021-02-30", "2020", "2020-05", "2019-02-29", "1999-12-31", 2020, "0000-00-00"])
    | st.dates() | values,
    "csl": st.dictionaries(st.sampled_from(["note", "issued", "titel", "container-title", "URL"]), values, max_size=3),
}
front_matter = st.dictionaries(
    st.sampled_from(FIELD_NAMES),
    st.sampled_from(HOSTILE_TEXT) | values,
    max_size=10,
).flatmap(lambda base: st.fixed_dictionaries(
    {k: FIELD_VALUES[k] for k in base if k in FIELD_VALUES},
).map(lambda special: {**base, **special}))

# Raw YAML lines no serializer would write: duplicates, anchors, tags, tabs, broken flow.
RAW_LINES = [
    "title: one\ntitle: two", "a: &x [1, 2]\nb: *x", "<<: {title: merged}", "title: !!python/object:os.system x",
    "\ttitle: tabbed", "title:\t'tab value'", "date: !!timestamp 2021-02-30", "authors: [", "keywords: {a: b",
    "? [complex, key]\n: value", "title: |\n  block\n   more", "title: >-\n folded", "'quoted key': 1",
    "title: \"unterminated", "extra: !!binary aGVsbG8=", "date: 2021-02-30T25:61:00", "slug: ../../escape",
    "slug: a/b", "doi: 10.1234/x\ndoi: 10.1234/y", "--- # second document", "%YAML 1.1", "...", "- just a list",
    "title: x # comment", "extra: {a: &a [*a]}", "!!set {a, b}", "title: \x85next", "title: \u2028sep",
]


@st.composite
def yaml_text(draw: st.DrawFn) -> str:
    """Front-matter YAML, serialised or hand-broken."""
    data = draw(front_matter)
    try:
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()),
                              default_flow_style=draw(st.sampled_from([None, False, True])), sort_keys=False)
    except (yaml.YAMLError, ValueError):
        text = ""
    lines = text.splitlines()
    for _ in range(draw(st.integers(0, 3))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(RAW_LINES)))
    if draw(st.booleans()):
        lines = ["title: A title", "date: 2021-05-04"] + lines
    return "\n".join(lines)


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    """A whole file: fences (sometimes missing), YAML, a short body, then byte-level damage."""
    opening = draw(st.sampled_from(["---\n", "---\n", "--- \n", "", "----\n", "+++\n"]))
    closing = draw(st.sampled_from(["---\n", "---\n", "...\n", "", "--\n"]))
    body = draw(st.sampled_from(["", "Text.\n", "# Heading\n\n[^1]\n", "[x](article:nope)\n"]))
    text = opening + draw(yaml_text()) + "\n" + closing + body
    data = text.encode("utf-8", "surrogatepass")
    return draw(damaged(data))


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The same bytes with a BOM, CRLF or lone CR ends, invalid UTF-8, NUL bytes or a cut."""
    if draw(st.booleans()):
        return data
    damage = draw(st.sampled_from(["bom", "crlf", "cr", "invalid", "nul", "cut", "surrogate", "latin1"]))
    at = draw(st.integers(0, len(data)))
    if damage == "bom":
        return b"\xef\xbb\xbf" + data
    if damage == "crlf":
        return data.replace(b"\n", b"\r\n")
    if damage == "cr":
        return data.replace(b"\n", b"\r")
    if damage == "invalid":
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\x80\x80"])) + data[at:]
    if damage == "nul":
        return data[:at] + b"\x00" + data[at:]
    if damage == "surrogate":
        return data[:at] + b"\xed\xa0\x80" + data[at:]
    if damage == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    return data[:at]


NAMES = ["a.md", "b.md", "bundle/index.md", "Upper Case.md", "_draft.md", "x..y.md", "ü-umlaut.md", "deep/er/c.md"]


def _check_loaded(site: Path, files: dict[str, bytes]) -> None:
    diagnostics = load_site(site)
    counts = {f"content/articles/{name}": line_count(data) for name, data in files.items()}
    assert_well_formed(diagnostics, counts)


@settings(max_examples=scaled(600), **SETTINGS)
@given(files=st.dictionaries(st.sampled_from(NAMES), article_bytes(), min_size=1, max_size=3))
def test_any_front_matter_loads_without_a_crash(scratch: Path, files: dict[str, bytes]) -> None:
    CASES["front-matter files loaded in-process"] += len(files)
    _check_loaded(make_site(scratch / "site", files), files)


@settings(max_examples=scaled(300), **SETTINGS)
@given(doc=yaml_text())
def test_yaml_errors_point_inside_the_front_matter(scratch: Path, doc: str) -> None:
    CASES["front-matter YAML documents"] += 1
    data = f"---\n{doc}\n---\nBody.\n".encode("utf-8", "surrogatepass")
    for diagnostic in load_site(make_site(scratch / "site", {"a.md": data})):
        if diagnostic.code.startswith(("yaml.", "meta.")) and diagnostic.code not in ("meta.duplicate-slug",):
            assert diagnostic.line <= doc.count("\n") + 3, diagnostic.format_text()


DIAGNOSTIC_LINE = re.compile(r"^[^:\s][^:]*:[1-9][0-9]*:[1-9][0-9]*: (error|warning)\[[a-z0-9.-]+\]: \S")


def _check_cli(site: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["--site", str(site), "check"])
    _out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [line for line in err.splitlines() if "error[" in line or "warning[" in line]
    for line in lines:
        assert DIAGNOSTIC_LINE.match(line), line
    assert (code == 1) == any("error[" in line for line in lines), err
    return code, lines


@settings(max_examples=scaled(10), **SETTINGS)
@given(articles=st.lists(article_bytes(), min_size=20, max_size=30))
def test_check_command_on_generated_sites(scratch: Path, articles: list[bytes],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The real `check` (with the citation step) on sites of 20-30 generated articles each."""
    files = {f"gen-{index:02d}.md": data for index, data in enumerate(articles)}
    CASES["front-matter files through `check`"] += len(files)
    _check_cli(make_site(scratch / "site", files), capsys)


VALID = "---\ntitle: Fine\ndate: 2021-05-04\nauthors: ['Doe, Jane']\n{extra}---\nBody with a [link](article:{link}).\n"


@pytest.mark.parametrize(("files", "code"), [
    ({"a.md": VALID.format(extra="slug: same\n", link="b"), "b.md": VALID.format(extra="slug: same\n", link="a")},
     "meta.duplicate-slug"),
    ({"a.md": VALID.format(extra="doi: 10.1234/Dup\n", link="b"), "b.md": VALID.format(extra="doi: 10.1234/dup\n", link="a")},
     "meta.duplicate-doi"),
    ({"a.md": VALID.format(extra="", link="missing")}, "body.unknown-article"),
    ({"a.md": VALID.format(extra="slug: ../up\n", link="a")}, "meta.slug"),
    ({"a.md": VALID.format(extra="slug: a/b\n", link="a")}, "meta.slug"),
    ({"a.md": VALID.format(extra="pdf: ../../secret.pdf\n", link="a")}, "meta.pdf"),
    ({"x/index.md": VALID.format(extra="pdf: missing.pdf\n", link="x")}, "meta.pdf-missing"),
    ({"a.md": VALID.format(extra="date: 2021-02-30\n", link="a").replace("date: 2021-05-04\n", "")}, "meta.date"),
    ({"a.md": VALID.format(extra="authors: [{family: Doe, orcid: 0000-0002-1825-0098}]\n", link="a")
      .replace("authors: ['Doe, Jane']\n", "")}, "meta.orcid"),
    ({"a.md": VALID.format(extra="doi: 10.12/x\n", link="a")}, "meta.doi"),
    ({"a.md": VALID.format(extra="x: &a 1\ny: *a\n", link="a")}, "yaml.alias"),
    ({"a.md": VALID.format(extra="title: again\n", link="a")}, "yaml.duplicate-key"),
    ({"a.md": "\ufeff" + VALID.format(extra="", link="a").replace("\n", "\r\n") + "![](missing.png)\n"},
     "body.missing-alt"),
    ({"a.md": VALID.format(extra="draft: !!bool maybe\n", link="a")}, "yaml.value"),
    ({"a.md": VALID.format(extra="extra: {blob: !!binary aGk=}\n", link="a")}, "yaml.tag"),
    ({"a.md": VALID.format(extra="extra: !!python/object:os.system x\n", link="a")}, "yaml.tag"),
    ({"a.md": VALID.format(extra="updated: !!timestamp 'not\n  a date'\n", link="a")}, "meta.date"),
    ({"a.md": VALID.format(extra="csl: {note: .nan, number-of-pages: .inf}\n", link="a")}, "meta.type"),
    ({"a.md": b"---\ntitle: \xff\n---\n"}, "content.encoding"),
    ({"a.md": b"---\ntitle: a\x00\n---\n"}, "content.nul"),
    ({"a.md": ""}, "frontmatter.missing"),
    ({"a.md": "---\ntitle: never closed\n"}, "frontmatter.unclosed"),
])
def test_named_problems_exit_1_with_their_code(scratch: Path, files: dict, code: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    CASES["hand-written broken sites through `check`"] += 1
    exit_code, lines = _check_cli(make_site(scratch / "site", files), capsys)
    assert exit_code == 1
    assert any(f"error[{code}]" in line for line in lines), lines


def test_links_loops_and_pipes_are_reported_not_followed(scratch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = scratch / "secret.md"
    secret.write_text(VALID.format(extra="", link="x").replace("Fine", "SECRET TITLE"), encoding="utf-8")
    site = make_site(scratch / "site", {"ok.md": VALID.format(extra="", link="ok")})
    folder = site / "content" / "articles"
    os.symlink(secret, folder / "leak.md")
    os.symlink(scratch, folder / "up")  # a folder link must not be followed either
    os.symlink(folder / "missing.md", folder / "dangling.md")
    os.symlink("loop.md", folder / "loop.md")
    os.mkfifo(folder / "pipe.md")  # reading it would block the build forever
    CASES["hand-written broken sites through `check`"] += 1
    exit_code, lines = _check_cli(site, capsys)
    assert exit_code == 1
    expected = {"leak.md": "content.symlink", "dangling.md": "content.unreadable",
                "loop.md": "content.unreadable", "pipe.md": "content.not-a-file"}
    for name, code in expected.items():
        assert any(f"articles/{name}:1:1: error[{code}]" in line for line in lines), (name, lines)
    assert not any("up/" in line or "SECRET" in line for line in lines), lines


def test_every_field_with_every_wrong_type_is_reported_not_raised(scratch: Path) -> None:
    """A deterministic sweep: each field given each kind of wrong value, one file per pair."""
    wrong = [None, True, 0, -1, 2**80, 1.5, float("nan"), "", " ", [], [None], {}, {"a": None},
             dt.date(2021, 1, 1), dt.datetime(2021, 1, 1, 12), "x" * 5000, [[[]]], {"family": {}}]
    files = {}
    for field in FIELDS:
        for index, value in enumerate(wrong):
            data = {"title": "T", "date": "2021", field: value}
            text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n"
            files[f"{field.replace('_', '-')}-{index}.md"] = text
    CASES["field x wrong-type sweep"] += len(files)
    site = make_site(scratch / "site", files)
    diagnostics = load_site(site)
    assert_well_formed(diagnostics, {f"content/articles/{n}": line_count(t.encode()) for n, t in files.items()})
    assert diagnostics


@settings(max_examples=scaled(200), **SETTINGS)
@given(name=st.text(alphabet=string.ascii_letters + string.digits + " .-_üé\u202e%#?", min_size=1, max_size=20))
def test_odd_file_names_are_reported_by_name(scratch: Path, name: str) -> None:
    CASES["odd file names"] += 1
    files = {f"{name}.md": VALID.format(extra="", link="x")}
    diagnostics = load_site(make_site(scratch / "site", files))
    assert_well_formed(diagnostics)


@settings(max_examples=scaled(500), **SETTINGS)
@given(text=st.text(alphabet=st.sampled_from("0123456789X-x/.:doirgsthp \u0660\u0661\uff10\u00a0\n") | st.characters(),
                    max_size=40))
def test_identifier_checks_never_raise_and_accept_only_ascii_digits(text: str) -> None:
    CASES["identifier strings checked"] += 1
    doi, orcid = normalise_doi(text), normalise_orcid(text)
    if doi is not None:
        assert doi.startswith("10.") and doi.split("/", 1)[0][3:].isascii() and normalise_doi(doi) == doi
        assert not any(ch.isspace() for ch in doi)
    if orcid is not None:
        assert orcid.isascii() and normalise_orcid(orcid) == orcid
    for check in (valid_issn, valid_isbn):
        if check(text):
            assert all(ch.isascii() for ch in text if ch.isdigit())
