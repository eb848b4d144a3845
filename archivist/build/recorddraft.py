"""The build record's state, written while the search index is made, and named only once the build is done.

The state (every page's reads) is known before the search index is made and is the largest part
of the record: tens of megabytes of JSON for a large archive, seconds of encoding. Written after
the output was swapped in, it was the last long wait of a build after an edit; here it is encoded
on a thread of its own while Pagefind works, which leaves the build's own thread mostly waiting.
It goes to a draft file of its own, so the last build's record stays whole until this build has
swapped its output in: only then is the draft renamed over the state, and the head that names it
written. What a killed build leaves in the records' folder (a draft, or the temporary file a
draft is written to) is swept by the next build, which holds the site's build lock.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterable, Iterator

from archivist.build.changes import SiteState
from archivist.build.record import RecordHead, state_path, write_head, write_state
from archivist.build.recordstream import state_chunks
from archivist.util.cacheentry import SUFFIX, note_refused

DRAFT_MARK = ".draft-"  # a draft is '<state file's stem>.draft-<pid>.entry'
TEMPORARY_PREFIX = ".tmp-"  # as util.files names the temporary file an entry is written to first


class StateDraft:
    """One build's state, drafted on a thread of its own (`begin`), then named the record's state
    together with a new head (`publish`), or removed (`discard`). A draft that was not begun, or
    could not be written whole, is written again when published, as `write_record` would."""

    def __init__(self, head_path: Path, fingerprint: str):
        self.head_path, self.fingerprint = head_path, fingerprint
        self.state_path = state_path(head_path)
        self.draft_path = self.state_path.with_name(f"{self.state_path.stem}{DRAFT_MARK}{os.getpid()}{SUFFIX}")
        self._thread: threading.Thread | None = None
        self._state: SiteState | None = None
        self._digest = ""  # of the draft's content, once it is known to be written whole
        self._stop = threading.Event()

    def begin(self, state: SiteState) -> None:
        """Start writing the draft of `state`, on a thread of its own."""
        self._state = state
        self._thread = threading.Thread(target=self._write_apart, args=(state,), name="record", daemon=True)
        self._thread.start()

    def publish(self, state: SiteState, head: RecordHead) -> None:
        """Name the draft of `state` the record's state and write `head` with its digest; a record
        that cannot be written costs the next build time only, and is reported as the cache's."""
        self._wait()
        if self._state is not state or not self._digest:
            self._write(state)
        if not self._digest:
            return  # refused, and noted so by the cache
        try:
            os.replace(self.draft_path, self.state_path)
        except OSError as exc:
            note_refused(self.state_path, exc)
            self.discard()
            return
        write_head(self.head_path, RecordHead(head.fingerprint, head.inputs, head.outputs, head.article_count,
                                              head.diagnostics, self._digest))

    def stop(self) -> None:
        """Ask the thread to stop between two pieces (see `discard`)."""
        self._stop.set()

    def discard(self) -> None:
        """The build failed or stopped: no draft is left, and the last record is as it was."""
        self._stop.set()
        try:
            self._wait()
        finally:
            _remove(self.draft_path)

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _write_apart(self, state: SiteState) -> None:
        """`_write` on the draft's thread; anything unexpected is left for `publish`, which writes
        the draft again on the build's own thread and meets it there."""
        try:
            self._write(state)
        except BaseException:  # noqa: BLE001 - met again by publish
            self._digest = ""

    def _write(self, state: SiteState) -> None:
        """Write the draft; its digest is kept only when the draft is then on disk, whole (the cache's
        writer notes a refusal and goes on, and no earlier draft of this name is left to be taken for it)."""
        self._digest = ""
        _remove(self.draft_path)

        def until_stopped(chunks: Iterable[bytes]) -> Iterator[bytes]:
            for chunk in chunks:
                if self._stop.is_set():
                    raise _Stopped  # the temporary file goes with it
                yield chunk

        try:
            digest = write_state(self.draft_path, self.state_path.stem, until_stopped(state_chunks(state)),
                                 self.fingerprint)
        except _Stopped:
            return
        if self.draft_path.is_file():
            self._digest = digest


class _Stopped(Exception):
    """A draft of a build that failed stops between two pieces."""


def sweep_drafts(head_path: Path) -> None:
    """Drafts, and the temporary files drafts are written to, that builds killed before they could
    publish or remove them left beside this record. The site's build lock is held: no other build
    of the site is writing there."""
    where = state_path(head_path)
    if not where.parent.is_dir():
        return
    own = f"{where.stem}{DRAFT_MARK}{os.getpid()}{SUFFIX}"
    for left in where.parent.iterdir():
        name = left.name
        if name.endswith(SUFFIX) and name != own and (name.startswith(TEMPORARY_PREFIX) or DRAFT_MARK in name):
            _remove(left)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # a folder that refuses it refused the draft too, and the next build sweeps what is left
