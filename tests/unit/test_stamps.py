"""Input stamps: stat data stands for a file's bytes only when both its times are old enough and
none is in the future; otherwise the bytes are hashed and compared."""

from __future__ import annotations

import os
from pathlib import Path

from archivist.build.stamps import MARGIN_NS, same_file, same_inputs, stamp_of, to_keep, trusted
from archivist.util.digests import UNREADABLE

NOW = 1_700_000_000 * 10**9


def test_only_times_older_than_the_margin_are_trusted() -> None:
    assert trusted(NOW - MARGIN_NS - 1, NOW - MARGIN_NS, NOW)
    assert not trusted(NOW - MARGIN_NS + 1, NOW - 10 * MARGIN_NS, NOW)  # modified too recently
    assert not trusted(NOW - 10 * MARGIN_NS, NOW - 1, NOW)  # changed (a restored time) too recently
    assert not trusted(NOW + 10**12, NOW - 10 * MARGIN_NS, NOW)  # modified in the future


def stamped(path: Path, data: bytes, ns: int, started: int, earlier=None):
    path.write_bytes(data)
    os.utime(path, ns=(ns, ns))
    return stamp_of(str(path), os.stat(path), started, earlier)


def test_a_recent_or_future_file_is_compared_by_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    started = os.stat(tmp_path).st_ctime_ns  # the file's change time will be at or after this
    for ns in (started, started + 10**15):
        old = stamped(path, b"one", ns, started)
        assert old[4]  # hashed
        assert same_file(old, stamped(path, b"one", ns, started))
        assert not same_file(old, stamped(path, b"two", ns, started))  # same size, same time, other bytes


def test_a_trusted_stamp_is_compared_by_size_times_and_inode() -> None:
    old = (3, 5, 6, 7, "")
    assert same_file(old, (3, 5, 6, 7, ""))
    assert not same_file(old, (3, 5, 9, 7, ""))  # same size and time, changed since: a restored time
    assert not same_file(old, (3, 5, 6, 8, ""))  # another file saved over it
    assert not same_file(old, (4, 5, 6, 7, ""))


def test_a_trusted_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    assert stamped(path, b"one", NOW - 10**15, started=10**20)[4] == ""


def test_an_earlier_hash_is_compared_by_hash_then_dropped_once_trusted(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    earlier = (3, 1, 1, 1, "0" * 32)  # the same size, other bytes
    now = stamped(path, b"one", NOW - 10**15, started=10**20, earlier=earlier)
    assert now[4] and not same_file(earlier, now)  # hashed to compare, and the bytes differ
    assert same_file(now, stamped(path, b"one", NOW - 10**15, started=10**20, earlier=now))
    assert to_keep({"a.md": now}, 10**20)["a.md"] == (*now[:4], "")  # trusted now: the record keeps stat data
    assert to_keep({"a.md": now}, NOW)["a.md"] == now  # not trusted: the hash is kept


def test_an_unreadable_file_never_compares_equal() -> None:
    gone = (3, 1, 1, 1, UNREADABLE)
    assert not same_file(gone, gone)
    assert not same_inputs({"a": (3, 1, 1, 1, "")}, {"b": (3, 1, 1, 1, "")})
    assert same_inputs({"a": (3, 1, 1, 1, "")}, {"a": (3, 1, 1, 1, "")})
