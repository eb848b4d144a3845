"""The directory reads each shard's words from its index chunks without decoding their pages: a
word's page list is matched whole by a pattern when its pages have Pagefind's form, and walked
item by item when they do not. Either way the words must be those a full decoder reads."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from archivist.search.bundle import CborEncoded, cbor_encode, pack, unpack
from archivist.search.directory import chunk_words

# Integers of every CBOR width, both signs: positions, weights and page deltas.
INTEGERS = st.one_of(st.integers(-24, 23), st.integers(-300, 300), st.integers(-70_000, 70_000),
                     st.integers(-(2**40), 2**40), st.sampled_from([2**63 - 1, -(2**63)]))
PLAIN_PAGE = st.tuples(INTEGERS, st.lists(INTEGERS, max_size=30), st.lists(INTEGERS, max_size=4)).map(list)
ODD_PAGE = st.one_of(
    st.lists(INTEGERS, min_size=1, max_size=4),  # not three fields
    st.tuples(INTEGERS, st.lists(st.one_of(INTEGERS, st.lists(INTEGERS, max_size=2)), max_size=5),
              st.lists(INTEGERS, max_size=2)).map(list),  # an array among the locations
    st.tuples(INTEGERS, st.lists(INTEGERS, max_size=3), st.text(max_size=3)).map(list),  # text, not an array
)
WORD = st.text(min_size=1, max_size=12)
ENTRY = st.tuples(WORD, st.lists(st.one_of(PLAIN_PAGE, PLAIN_PAGE, ODD_PAGE), max_size=12),
                  st.lists(st.tuples(WORD, st.lists(PLAIN_PAGE, max_size=2)).map(list), max_size=2)).map(list)


@settings(max_examples=300, deadline=None)
@given(st.lists(ENTRY, max_size=8))
def test_the_words_of_any_chunk_are_the_words_a_full_decoder_reads(entries):
    data = pack([entries])
    assert chunk_words(data) == [str(entry[0]) for entry in unpack(data)[0]]


def test_long_page_lists_are_read_in_runs_of_every_size():
    """A count is matched as runs of a power of two pages, up to 1,024 at once: 1,025 and 3,000 pages
    need several runs, and an odd page late in a long list sends the word back to the item walk."""
    plain = [[1, [-25, 300, 70_000], [-4, 2, -5, 0]]] * 3_000
    odd_late = plain[:2_500] + [[1, [[2]], []]] + plain[:10]
    entries = [["alpha", plain[:1], []], ["beta", plain[:1_025], []], ["gamma", plain, [["gammas", plain[:2]]]],
               ["delta", odd_late, []], ["epsilon", [], []]]
    assert chunk_words(pack([entries])) == ["alpha", "beta", "gamma", "delta", "epsilon"]


def test_an_encoded_part_is_written_as_the_value_it_encodes():
    shards = [[0, [-25, 0], []], [3, [-25, 0], []]]
    assert cbor_encode([["word", CborEncoded(cbor_encode(shards)), []]]) == cbor_encode([["word", shards, []]])
