"""What a commit reports, and what the preview's commits remember of the last one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class WriteReport:
    """What a commit changed: files written anew, files kept as they were, files removed."""

    written: int
    unchanged: int
    removed: int
    changed_paths: tuple[str, ...] = ()  # written or removed, sorted: what `build -v` lists

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


class CommitMemory:
    """The data of the last commit into a folder that only its owner writes (serve's preview).

    A page whose data is the very object committed last time is known to be on disk already, so
    a rebuild that changed one page does not read thousands of files to find that out.
    """

    def __init__(self) -> None:
        self._last: dict[str, bytes | Path] = {}

    @property
    def last(self) -> Mapping[str, bytes | Path]:
        """What the last complete commit wrote (empty when that is not known)."""
        return self._last

    def same(self, path: str, data: bytes | Path) -> bool:
        return self._last.get(path) is data

    def remember(self, files: Mapping[str, bytes | Path]) -> None:
        self._last = dict(files)

    def forget(self) -> None:
        self._last = {}
