"""Commit a built site to disk atomically: the output folder is swapped whole, or not touched at all."""

from __future__ import annotations

import ctypes
import os
import shutil
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Collection, Iterable, Mapping

from archivist.util.diskfaults import writing
from archivist.util.progress import SILENT, Progress, Stage
from archivist.write.report import CommitMemory, WriteReport  # imported from here by the rest of the build
from archivist.write.spool import PublishedFile, SpooledFile, file_stamp

MARKER = ".archivist-output"
MARKER_TEXT = b"This folder is built by Archivist and replaced whole by each build.\n"
RENAME_EXCHANGE = 2
AT_FDCWD = -100


class OutputRefused(Exception):
    """The output folder exists and is not one Archivist made; it is never deleted."""


class OutputChanged(OutputRefused):
    """A published file the build took as current was changed or removed by another program while
    the build ran: its bytes are no longer known, so nothing is committed."""

    def __init__(self, output: Path, path: str):
        super().__init__(f"{output}/{path} was changed or removed while the build ran; the output folder "
                         "was left as it was: build again, and let no other program write to it")


def commit(output: Path, files: Mapping[str, bytes | Path], memory: CommitMemory | None = None,
           progress: Progress = SILENT) -> WriteReport:
    """Make `output` hold exactly `files` (site path -> bytes, or a source file to copy).

    Nothing is written when every byte is already in place. Otherwise a complete new tree is
    made beside the old one (unchanged files hard-linked, so they are not rewritten) and swapped
    in with one atomic rename: a build killed at any moment leaves the old site or the new one.
    `progress` counts each file once: when it is found unchanged, or else when it is written.
    """
    staged = StagedCommit(output, memory, progress)
    staged.begin(files, apart=False)
    return staged.finish(files)


class StagedCommit:
    """A commit begun before the last of its files exist, with the result of `commit`.

    After an edit, a build's slowest step is the search index, which reads the rendered pages but
    nothing of the output folder. `begin` compares the files known by then with the output folder
    and links or writes them into the new tree on a thread of its own while the index is made;
    `finish` adds what came later (and any file whose data changed meanwhile; none may go), then
    swaps the tree in.
    `abandon`, for a build that failed, removes the half-made tree and leaves the output folder as
    it was. A problem `begin` meets (a foreign output folder, a full disk) is raised by `finish`,
    so a build that fails for its content reports that first, as it did before writing anything.
    """

    def __init__(self, output: Path, memory: CommitMemory | None = None, progress: Progress = SILENT):
        self.output = output.absolute()
        self.staging = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.memory, self.progress = memory, progress
        self._begun: dict[str, bytes | Path] | None = None
        self._old: dict[str, str] | None = None  # the output folder's files, by site path, once read
        self._unchanged: set[str] | None = None  # the files begun with that are in place already, once known
        self._folders: set[str] | None = None  # folders made in the staging tree; None until it exists
        self._stage: Stage | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._fill_failure: BaseException | None = None  # writing the staging tree failed (a full disk)
        self._stop = threading.Event()
        self._shown_at_begin = False
        self._seconds_apart = 0.0  # spent on the files begun with

    def begin(self, files: Mapping[str, bytes | Path], apart: bool = True) -> None:
        """Start on `files`: on a thread of its own when `apart`, else only compared, here and now
        (a commit made at once writes nothing when every byte is already in place)."""
        if self._begun is not None:
            raise RuntimeError("a staged commit is begun once")
        self._begun = {MARKER: MARKER_TEXT, **files}
        try:
            check_paths(self._begun)
            _refuse_foreign(self.output)
            remove_leftovers(self.output)
        except (ValueError, OutputRefused, OSError) as exc:
            self._failure = exc
            return
        self._stage = Stage("writing", "file", len(self._begun), self.progress)
        self._shown_at_begin = not apart
        if apart:
            self._thread = threading.Thread(target=self._prepare, args=(True,), name="commit", daemon=True)
            self._thread.start()
        else:
            self.progress.began(self._stage)
            self._prepare(fill=False)

    def finish(self, files: Mapping[str, bytes | Path]) -> WriteReport:
        """Make the output folder hold exactly `files`, which include those given to `begin`."""
        if self._begun is None:
            self.begin(files, apart=False)
        self._wait()
        whole = {MARKER: MARKER_TEXT, **files}
        self._show(len(whole))
        try:
            if self._failure is not None:
                raise self._failure
            report = self._complete(whole)
        except BaseException:
            self._drop()
            raise
        assert self._stage is not None
        if self._stage.total:
            self.progress.ended(self._stage)
        else:
            self.progress.dropped(self._stage)
        return report

    def stop(self) -> None:
        """Ask the thread to stop between two files (see `abandon`)."""
        self._stop.set()

    def abandon(self) -> None:
        """Stop, and leave the output folder as it was (a build that failed, or was stopped)."""
        self._stop.set()
        try:
            self._wait()
        finally:
            self._drop()

    def _show(self, total: int) -> None:
        """A commit begun apart is shown from here on, with its whole count of files, so that the display
        never holds two stages at once; its line then counts the seconds it spent writing, not those it
        waited beside the index."""
        if self._stage is None or self._shown_at_begin:
            return
        self._stage.total = total
        self._stage.started = time.perf_counter() - self._seconds_apart
        self.progress.began(self._stage)
        self.progress.changed(self._stage)

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _drop(self) -> None:
        """No tree is left beside the site, and the stage ends unreported."""
        self._discard_tree()
        if self._stage is not None:
            self.progress.dropped(self._stage)
            self._stage = None

    def _discard_tree(self) -> None:
        """The staging tree goes (one left by a kill is swept by the next build)."""
        if self._folders is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self._folders = None

    def _prepare(self, fill: bool) -> None:
        """Compare the files begun with, and with `fill` write them into the staging tree; what goes
        wrong is kept for `finish` to raise."""
        assert self._begun is not None
        started = time.perf_counter()
        self._old = self._unchanged = None
        try:
            self._old = _existing_files(self.output)
            self._unchanged = self._same_among(self._begun)
            if fill:
                with writing(f"the new {self.output.name}/", self.output.parent):
                    self._fill(self._begun, counted=set())
        except BaseException as exc:  # noqa: BLE001 - raised again by finish, on the build's thread
            if self._old is None or self._unchanged is None:
                self._failure = exc  # the output folder could not be read: nothing can be committed
            else:
                self._fill_failure = exc  # matters only when something must be written after all
        self._seconds_apart = time.perf_counter() - started

    def _complete(self, files: dict[str, bytes | Path]) -> WriteReport:
        """Bring the staging tree to `files` and swap it in (or, when every byte is in place, drop it)."""
        assert self._begun is not None and self._stage is not None
        assert self._old is not None and self._unchanged is not None
        check_paths(files)
        begun = self._begun
        if any(path not in files for path in begun):
            raise ValueError("a staged commit finishes with every file it was begun with")
        late = {path: data for path, data in files.items() if path not in begun or begun[path] is not data}
        unchanged = (self._unchanged - set(late)) | self._same_among(late, counted=set(begun))
        self._unchanged = unchanged
        removed = set(self._old) - set(files)
        if self.memory is not None:
            self.memory.forget()  # until this commit is complete, nothing on disk is known
        if len(unchanged) == len(files) and not removed:
            self._check_published(files)
            self._discard_tree()  # and with it any failure to write it: nothing had to be written
            if self.memory is not None:
                self.memory.remember(files)
            return WriteReport(written=0, unchanged=len(unchanged), removed=0)
        if self._fill_failure is not None:
            raise self._fill_failure
        with writing(f"the new {self.output.name}/", self.output.parent):  # a full disk: one line naming the folder
            if self._folders is None:
                self._fill(files, counted=set())
            else:
                for path in late:
                    if path in begun:
                        os.unlink(os.fspath(self.staging) + "/" + path)
                self._fill(late, counted=set(begun))
            self._check_published(files)
            _swap_in(self.staging, self.output)
        self._folders = None
        if self.memory is not None:
            self.memory.remember(files)
        changed = tuple(sorted((set(files) - unchanged) | removed))
        return WriteReport(written=len(files) - len(unchanged), unchanged=len(unchanged),
                           removed=len(removed), changed_paths=changed)

    def _check_published(self, files: Mapping[str, bytes | Path]) -> None:
        """Every published file taken as current must still be the one the spool compared: checked as
        files are compared, and again just before the swap, since a file of the old tree is linked into
        the new one and a write into it while the build ran would show in the new site too."""
        old = self._old or {}
        for path, data in files.items():
            if isinstance(data, PublishedFile) and not _still_published(old.get(path), data):
                raise OutputChanged(self.output, path)

    def _same_among(self, files: Mapping[str, bytes | Path], counted: Collection[str] = ()) -> set[str]:
        """The paths of `files` whose bytes the output folder already holds; each is counted done,
        unless it was counted before (a file given again in `finish`)."""
        known = self.memory.same if self.memory is not None else (lambda _path, _data: False)
        old, same = self._old or {}, set()
        self._check_published(files)  # before anything is linked or copied from the old tree
        for path, data in files.items():
            if self._stop.is_set():
                raise _Stopped
            if path in old and (known(path, data) or _same(old[path], data)):
                same.add(path)
                if path not in counted:
                    self._stage.advance()  # type: ignore[union-attr]
        return same

    def _fill(self, files: Mapping[str, bytes | Path], counted: Collection[str]) -> None:
        """Write `files` into the staging tree (made first when it does not exist yet), in site-path
        order; folders are made once each and paths kept as strings (an edit of one article links
        tens of thousands of unchanged files here)."""
        if self._folders is None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging.mkdir(parents=True)
            self._folders = {""}
        new_root, old_root = os.fspath(self.staging) + "/", os.fspath(self.output) + "/"
        made, unchanged = self._folders, self._unchanged or set()
        for path, data in sorted(files.items()):
            if self._stop.is_set():
                raise _Stopped
            folder = path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(new_root + folder, exist_ok=True)
                made.add(folder)
            target = new_root + path
            if path in unchanged:
                _link_or_copy(old_root + path, target)
                continue  # counted when it was found unchanged
            _write(data, target)
            if path not in counted:
                self._stage.advance()  # type: ignore[union-attr]


class _Stopped(Exception):
    """An abandoned commit's thread stops between two files."""


def check_paths(files: Iterable[str]) -> None:
    """Every site path (of a mapping's keys, or a list of paths) stays inside the output folder."""
    for path in files:
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise ValueError(f"refusing to write outside the output folder: {path!r}")


def _refuse_foreign(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise OutputRefused(f"{output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputRefused(f"{output} holds files that Archivist did not write; "
                            "choose another --output folder or empty this one yourself")


def remove_leftovers(output: Path) -> None:
    """Trees left beside `output` by a build that was killed before it could clean up after itself.
    Every build into `output` sweeps them, one with nothing to write too: a build killed while it
    filled its tree leaves the last complete build's record valid, so the next may have nothing to do."""
    for pattern in (f".{output.name}.staging-*", f".{output.name}.old-*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _existing_files(output: Path) -> dict[str, str]:
    """Every file under `output`, by site path. Walked with plain strings: a site of tens of
    thousands of files spent most of this in building path objects."""
    if not output.is_dir():
        return {}
    found: dict[str, str] = {}
    root = os.fspath(output)
    pending = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append((name + "/", entry.path))
                else:
                    found[name] = entry.path
    return found


def _still_published(existing: str | None, data: PublishedFile) -> bool:
    """Whether the output folder's file at this path is still the one the spool compared."""
    try:
        return existing is not None and file_stamp(os.lstat(existing)) == data.stamp
    except OSError:
        return False


def _same(existing: str, data: bytes | Path) -> bool:
    """Whether the old tree's file holds these bytes (or is this very file); unreadable means no."""
    try:
        if isinstance(data, Path):
            before, source = os.stat(existing), data.stat()
            if os.path.samestat(before, source):
                return True  # a page kept from the previous build: the very same file
            return before.st_size == source.st_size and _read(existing) == data.read_bytes()
        return os.stat(existing).st_size == len(data) and _read(existing) == data
    except OSError:
        return False


def _read(path: str) -> bytes:
    """A file's bytes, by a name kept as a string."""
    with open(path, "rb") as handle:
        return handle.read()


def _write(data: bytes | Path, target: str) -> None:
    """One file of the new tree that is not in the output folder already."""
    if isinstance(data, SpooledFile):
        _link_or_copy(data, target)  # the build's own file: nothing else will ever write to it
    elif isinstance(data, Path):
        shutil.copyfile(data, target)
    else:
        with open(target, "wb") as handle:
            handle.write(data)


def _link_or_copy(source: str | Path, target: str) -> None:
    """A hard link where the file system allows one (no bytes copied), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap_in(staging: Path, output: Path) -> None:
    if not output.exists():
        os.rename(staging, output)
        return
    if not _exchange(staging, output):
        retired = output.parent / f".{output.name}.old-{os.getpid()}"
        os.rename(output, retired)
        try:
            os.rename(staging, output)
        except OSError:
            os.rename(retired, output)  # the previous site goes back where it was
            raise
        staging = retired
    shutil.rmtree(staging, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0
