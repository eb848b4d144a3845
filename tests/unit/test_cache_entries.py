"""The cache entries' envelope and the build record's JSON form: whole entries come back as written,
anything else is refused (out of date silently, damaged with one warning), and a record is data only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archivist.build.changes import SiteState
from archivist.build.recorddata import state_from_json, state_to_json
from archivist.diagnostics import Diagnostic
from archivist.util.cacheentry import CODE, DamagedEntry, EntryKind, read_entry, seal, shown, unseal, write_entry
from archivist.util.jsondata import JsonDataError

KIND = EntryKind("test", 3)


def test_an_entry_comes_back_only_for_its_own_kind_name_and_key() -> None:
    data = seal(KIND, "a.md", b"content\nwith lines", key="k1")
    assert unseal(data, KIND, "a.md", "k1") == b"content\nwith lines"
    assert unseal(data, KIND, "a.md") == b"content\nwith lines"
    assert unseal(data, KIND, "a.md", "k2") is None  # out of date: a silent miss
    assert unseal(data, EntryKind("test", 2), "a.md", "k1") is None  # another version: a silent miss
    with pytest.raises(DamagedEntry, match="another entry"):
        unseal(data, KIND, "b.md", "k1")
    with pytest.raises(DamagedEntry, match="of this kind"):
        unseal(data, EntryKind("other", 3), "a.md", "k1")


@pytest.mark.parametrize("damage", [
    lambda d: d[:-1], lambda d: d + b"x", lambda d: d[:-2] + bytes([d[-2] ^ 1]) + d[-1:], lambda d: b"",
    lambda d: d.replace(b'"name":"a.md"', b'"name":"b.md"'), lambda d: d.replace(b'"key":"k1"', b'"key":"k2"'),
    lambda d: b"[" * 100_000 + b"\n", lambda d: d.split(b"\n", 1)[1],
], ids=["truncated", "extended", "bit-flip", "empty", "renamed", "rekeyed", "deep-header", "no-header"])
def test_a_damaged_entry_is_refused(damage) -> None:
    with pytest.raises(DamagedEntry):
        unseal(damage(seal(KIND, "a.md", b"content", key="k1")), KIND, "a.md", "k1")


def test_reading_warns_once_for_damage_and_never_for_absence(tmp_path: Path) -> None:
    problems: list[Diagnostic] = []
    path = tmp_path / ".cache" / "archivist" / "x.entry"
    assert read_entry(path, KIND, "a.md", "k1", problems) is None and problems == []
    path.parent.mkdir(parents=True)
    path.write_bytes(seal(KIND, "a.md", b"content", key="k1")[:-1])
    assert read_entry(path, KIND, "a.md", "k1", problems) is None
    assert [(d.path, d.severity, d.code) for d in problems] == [(".cache/archivist/x.entry", "warning", CODE)]
    assert shown(Path("/elsewhere/x.entry")) == "/elsewhere/x.entry"


@pytest.mark.parametrize("made", ["link to an entry", "dangling link", "folder", "pipe"])
def test_what_is_not_a_plain_file_is_refused_with_a_warning_and_replaced(tmp_path: Path, made: str) -> None:
    """A link is never read through (it would pass another file off as the entry) nor written through
    (it would overwrite what it points to); a pipe is refused without waiting for a writer."""
    folder = tmp_path / ".cache" / "archivist"
    folder.mkdir(parents=True)
    whole = seal(KIND, "a.md", b"content", key="k1")
    elsewhere = tmp_path / "elsewhere.entry"
    elsewhere.write_bytes(whole)
    path = folder / "x.entry"
    {"link to an entry": lambda: path.symlink_to(elsewhere), "dangling link": lambda: path.symlink_to(tmp_path / "no"),
     "folder": path.mkdir, "pipe": lambda: os.mkfifo(path)}[made]()
    problems: list[Diagnostic] = []
    assert read_entry(path, KIND, "a.md", "k1", problems) is None
    assert [(d.path, d.code) for d in problems] == [(".cache/archivist/x.entry", CODE)]
    if made != "folder":
        write_entry(path, KIND, "a.md", b"new", "k1")
        assert not path.is_symlink() and read_entry(path, KIND, "a.md", "k1") == b"new"
        assert elsewhere.read_bytes() == whole and not (tmp_path / "no").exists()


STATE = SiteState(
    settings="s", templates={"t.html": "1"}, sources={"a.md": "2"}, listed={"a.md": "3"}, slugs={"a.md": "a"},
    links={"a.md": frozenset({"b", "c"})}, paths={"a.md": frozenset()}, aliases={"old/a": "a"},
    outputs={"a/index.html": ("a.md",)}, pages={"a/index.html": "a.md"}, contexts={"a/index.html": "4"},
    reads={"a/index.html": ((("entry", "b.md"), frozenset({("meta", "title"), ("authors", "#len")}), "5"),
                            (("call", ("collections",), (), "by_author", (("entry", "b.md"), ("value", 2))),
                             frozenset({(0, "title")}), "6")),
           "index.html": ((("entry", "b.md"), frozenset({("meta", "title"), ("authors", "#len")}), "7"),)})


def test_a_state_comes_back_as_it_was_written() -> None:
    written = json.loads(json.dumps(state_to_json(STATE)))
    assert state_from_json(written) == STATE
    assert len(written["reads"]["roots"]) == 2 and len(written["reads"]["paths"]) == 2  # shared, written once


@pytest.mark.parametrize("change", [
    lambda d: d.pop("reads"), lambda d: d.update(extra=1), lambda d: d.update(settings=1),
    lambda d: d["links"].update({"a.md": "b"}), lambda d: d["reads"]["pages"]["index.html"].append([9, 0, "x"]),
    lambda d: d["reads"]["pages"]["index.html"].append([0, 0]), lambda d: d["reads"]["roots"].append({"x": 1}),
    lambda d: d["reads"]["pages"]["index.html"].append([True, 0, "x"]),
], ids=["missing", "unknown", "wrong-type", "not-a-list", "no-such-root", "short-read", "odd-object", "bool-index"])
def test_a_state_of_another_shape_is_refused(change) -> None:
    written = json.loads(json.dumps(state_to_json(STATE)))
    change(written)
    with pytest.raises(JsonDataError):
        state_from_json(written)


def test_a_read_with_no_json_form_is_kept_as_one_that_always_changed() -> None:
    odd = SiteState(reads={"p": ((("entry", object()), frozenset({("x",)}), "d"),)})
    back = state_from_json(json.loads(json.dumps(state_to_json(odd))))
    assert back.reads["p"][0][0] == ("unknown",)
