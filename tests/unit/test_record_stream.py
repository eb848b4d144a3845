"""The build record written piece by piece: the same bytes as encoded whole, and read back the same;
its head and state as one record or none."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hypothesis import given, settings, strategies as st

from archivist.build.changes import SiteState
from archivist.build.record import (BuildRecord, RecordHead, head_to_json, read_head, read_record, state_path,
                                    write_record)
from archivist.build.recorddata import state_to_json
from archivist.build.recordstream import CHUNK_MEMBERS, head_chunks, state_chunks
from archivist.diagnostics import warning
from archivist.util.cacheentry import to_bytes

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
digests = st.text(alphabet="0123456789abcdef", min_size=8, max_size=8)
roots = st.one_of(
    st.tuples(st.just("article"), texts),
    st.tuples(st.just("collection"), texts, st.integers(-3, 3)),
    st.tuples(st.just("call"), st.frozensets(texts, max_size=3)),
    st.tuples(st.just("object"), st.builds(object)),  # no JSON form: written as an unknown root
)
path_sets = st.frozensets(st.tuples(texts, texts), max_size=3)
reads = st.dictionaries(texts, st.lists(st.tuples(roots, path_sets, digests), max_size=4).map(tuple), max_size=8)


def record(state: SiteState, inputs: dict, outputs: dict, notes: list[str]) -> BuildRecord:
    diagnostics = tuple(warning(f"content/{n}.md", 3, "body.heading-level", n) for n in notes)
    return BuildRecord("f" * 64, inputs, state, outputs, len(inputs), diagnostics)


stats = st.dictionaries(texts, st.tuples(st.integers(0, 2**40), st.integers(0, 2**62)), max_size=8)
stamps = st.dictionaries(texts, st.tuples(st.integers(0, 2**40), st.integers(0, 2**62), st.integers(0, 2**62),
                                          st.integers(0, 2**62), st.sampled_from(["", "?", "0" * 32])), max_size=8)
states = st.builds(SiteState, settings=texts, templates=st.dictionaries(texts, digests, max_size=4),
                   sources=st.dictionaries(texts, digests, max_size=4), links=st.dictionaries(texts, st.frozensets(texts, max_size=3), max_size=4),
                   outputs=st.dictionaries(texts, st.lists(texts, max_size=3).map(tuple), max_size=4), reads=reads)


@settings(max_examples=60, deadline=None)
@given(states, stamps, stats, st.lists(texts, max_size=3))
def test_pieces_join_to_the_bytes_encoded_whole(state, inputs, outputs, notes):
    whole = record(state, inputs, outputs, notes)
    head = RecordHead(whole.fingerprint, inputs, outputs, whole.article_count, whole.diagnostics, "0" * 64)
    assert b"".join(head_chunks(head)) == to_bytes(head_to_json(head))
    assert b"".join(state_chunks(state)) == to_bytes(state_to_json(state))


def test_a_record_larger_than_one_piece_is_written_and_read_back(tmp_path: Path):
    pages = CHUNK_MEMBERS * 2 + 7
    reads = {f"articles/a{n}/index.html": ((("article", f"content/a{n}.md"), frozenset({("title",)}), f"{n:08x}"),
                                           (("site",), frozenset(), "00000000")) for n in range(pages)}
    state = SiteState(settings="s", sources={f"content/a{n}.md": f"{n:08x}" for n in range(pages)}, reads=reads,
                      pages={page: f"content/a{n}.md" for n, page in enumerate(reads)})
    inputs = {f"content/a{n}.md": (n, n * 1000, n * 1000, n, "") for n in range(pages)}
    written = record(state, inputs, {page: (1, 2) for page in reads}, ["é"])
    assert len(list(head_chunks(RecordHead(written.fingerprint, inputs, written.outputs, 1, (), "")))) > 3
    assert len(list(state_chunks(state))) > 3  # written in pieces, not made whole
    path = tmp_path / "builds" / "abc.entry"
    write_record(path, written)
    problems: list = []
    back = read_record(path, written.fingerprint, problems)
    assert problems == [] and back is not None
    assert back.inputs == written.inputs and back.state.reads == written.state.reads
    assert back.diagnostics == written.diagnostics
    for entry in (path, state_path(path)):
        header = json.loads(entry.read_bytes().split(b"\n", 1)[0])
        assert header["sha256"] != "0" * 64


@pytest.mark.parametrize("part", ["head", "state"])
def test_a_record_damaged_in_either_file_is_a_miss_with_a_warning(tmp_path: Path, part: str):
    path = tmp_path / "abc.entry"
    written = record(SiteState(settings="s", sources={"content/a.md": "1234"}), {"content/a.md": (1, 2, 3, 4, "")}, {}, [])
    write_record(path, written)
    victim = path if part == "head" else state_path(path)
    data = bytearray(victim.read_bytes())
    data[-3] ^= 1
    victim.write_bytes(bytes(data))
    problems: list = []
    assert read_record(path, written.fingerprint, problems) is None
    assert len(problems) == 1 and "checksum" in problems[0].message


def test_the_head_alone_is_read_without_the_state(tmp_path: Path):
    """A build with nothing to do reads the head only: the state may be missing then."""
    path = tmp_path / "abc.entry"
    written = record(SiteState(settings="s"), {"content/a.md": (1, 2, 3, 4, "")}, {"index.html": (5, 6)}, ["x"])
    write_record(path, written)
    state_path(path).unlink()
    problems: list = []
    head = read_head(path, written.fingerprint, problems)
    assert head is not None and head.inputs == written.inputs and head.outputs == written.outputs
    assert read_record(path, written.fingerprint, problems) is None and problems == []


def test_a_state_written_for_another_head_is_refused(tmp_path: Path):
    """The head names its state by digest: a state file left from another build (a crash between the
    two writes, a cache restored in part) is damage, not that build's state."""
    path = tmp_path / "abc.entry"
    first = record(SiteState(settings="s", sources={"content/a.md": "1111"}), {"content/a.md": (1, 2, 3, 4, "")}, {}, [])
    write_record(path, first)
    old_state = state_path(path).read_bytes()
    write_record(path, replace(first, state=SiteState(settings="s", sources={"content/a.md": "2222"})))
    state_path(path).write_bytes(old_state)
    problems: list = []
    assert read_record(path, first.fingerprint, problems) is None
    assert len(problems) == 1 and "not the state" in problems[0].message
