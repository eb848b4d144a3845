"""The build record written piece by piece: the same bytes as encoded whole, and read back the same."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings, strategies as st

from archivist.build.changes import SiteState
from archivist.build.record import BuildRecord, read_record, record_to_json, write_record
from archivist.build.recordstream import CHUNK_MEMBERS, record_chunks
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
    assert b"".join(record_chunks(whole)) == to_bytes(record_to_json(whole))


def test_a_record_larger_than_one_piece_is_written_and_read_back(tmp_path: Path):
    pages = CHUNK_MEMBERS * 2 + 7
    reads = {f"articles/a{n}/index.html": ((("article", f"content/a{n}.md"), frozenset({("title",)}), f"{n:08x}"),
                                           (("site",), frozenset(), "00000000")) for n in range(pages)}
    state = SiteState(settings="s", sources={f"content/a{n}.md": f"{n:08x}" for n in range(pages)}, reads=reads,
                      pages={page: f"content/a{n}.md" for n, page in enumerate(reads)})
    inputs = {f"content/a{n}.md": (n, n * 1000, n * 1000, n, "") for n in range(pages)}
    written = record(state, inputs, {page: (1, 2) for page in reads}, ["é"])
    chunks = list(record_chunks(written))
    assert len(chunks) > 6  # written in pieces, not made whole
    path = tmp_path / "builds" / "abc.entry"
    write_record(path, written)
    problems: list = []
    back = read_record(path, written.fingerprint, problems)
    assert problems == [] and back is not None
    assert back.inputs == written.inputs and back.state.reads == written.state.reads
    assert back.diagnostics == written.diagnostics
    header = json.loads(path.read_bytes().split(b"\n", 1)[0])
    assert header["sha256"] != "0" * 64


def test_a_record_damaged_after_writing_is_a_miss_with_a_warning(tmp_path: Path):
    path = tmp_path / "abc.entry"
    written = record(SiteState(settings="s"), {"content/a.md": (1, 2, 3, 4, "")}, {}, [])
    write_record(path, written)
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    problems: list = []
    assert read_record(path, written.fingerprint, problems) is None
    assert len(problems) == 1 and "checksum" in problems[0].message
