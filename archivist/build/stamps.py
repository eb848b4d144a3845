"""Stamps of input files: when a file's stat data may stand for its content, and its hash when it may not.

A build with nothing to do is told so by comparing each input file with what the last build saw.
Comparing stat data is cheap, but stat data can lie: a clock set wrong leaves times in the future,
an editor or a copy can restore a file's old time after changing it (`touch -r`, `cp -p`, `rsync -t`,
a tar extract), and a file can be changed twice within one tick of a coarse file-system clock, so an
edit made just after the build looked at it keeps its size and time.

So a file's stamp holds its size, modification and change times and inode, and is trusted only when
both times lie before the build started by a margin and neither is in the future; then the kernel
sets a newer change time on any later write or `utime`, and equal stat data means the same bytes.
A file too recent (or from the future) to be trusted also gets the hash of its content, and is
compared by that hash next time. This is git's rule for "racily clean" index entries.
"""

from __future__ import annotations

import os
import time
from typing import Mapping

from archivist.util.digests import UNREADABLE, file_digest
from archivist.util.files import stat_key

MARGIN_NS = 3_000_000_000  # wider than the coarsest file-system clock in use (FAT's two seconds)

# size, modification time, change time, inode (all as st_* in ns), and the content's hash, "" when
# the stat data was trusted. A list in the build record's JSON.
Stamp = tuple[int, int, int, int, str]


def now_ns() -> int:
    """The build's start, against which the files' times are judged."""
    return time.time_ns()


def trusted(modified_ns: int, changed_ns: int, started_ns: int) -> bool:
    """Whether stat data may stand for the content: both times older than the start by the margin
    (a time in the future is not)."""
    return max(modified_ns, changed_ns) <= started_ns - MARGIN_NS


def stamp_of(path: str, found: os.stat_result, started_ns: int, earlier: Stamp | None = None) -> Stamp:
    """The file's stamp; its content is hashed when its stat data is not trusted, or when the
    `earlier` stamp holds a hash of content of the same size (the two are then compared by hash)."""
    stat_part = stat_key(found)
    wants_hash = (not trusted(found.st_mtime_ns, found.st_ctime_ns, started_ns)
                  or (earlier is not None and earlier[4] != "" and earlier[0] == found.st_size))
    return (*stat_part, file_digest(path) if wants_hash else "")


def same_file(old: Stamp, new: Stamp) -> bool:
    """Whether a file is as the last build saw it: by hash when that build could not trust its stat
    data, else by the stat data itself."""
    if old[4]:
        return old[4] != UNREADABLE and new[4] == old[4] and new[0] == old[0]
    return old[:4] == new[:4]


def same_inputs(old: Mapping[str, Stamp], new: Mapping[str, Stamp]) -> bool:
    """Whether the same files are there, each as the last build saw it."""
    if old.keys() != new.keys():
        return False
    return all(same_file(old[path], new[path]) for path in old)


def to_keep(stamps: Mapping[str, Stamp], started_ns: int) -> dict[str, Stamp]:
    """The stamps as a record keeps them: a hash only where the stat data is not trusted. A hash taken
    only to compare with the last record is dropped once the times are old enough, so later builds
    with nothing to do compare stat data alone."""
    return {path: (*stamp[:4], "") if stamp[4] and trusted(stamp[1], stamp[2], started_ns) else stamp
            for path, stamp in stamps.items()}
