"""Atomic commits: unchanged files are not rewritten, stale ones go, foreign folders are refused."""

import os

import pytest

from archivist.write.commit import MARKER, OutputRefused, commit


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_second_commit_of_the_same_files_writes_nothing(tmp_path):
    out = tmp_path / "output"
    first = commit(out, {"index.html": b"home", "a/b.html": b"b"})
    assert first.written == 3  # two files and the marker
    mtime = (out / "index.html").stat().st_mtime_ns
    second = commit(out, {"index.html": b"home", "a/b.html": b"b"})
    assert (second.written, second.removed) == (0, 0)
    assert (out / "index.html").stat().st_mtime_ns == mtime


def test_changed_and_stale_files(tmp_path):
    out = tmp_path / "output"
    commit(out, {"index.html": b"home", "old.html": b"old"})
    inode = (out / "index.html").stat().st_ino
    report = commit(out, {"index.html": b"home", "new.html": b"new"})
    assert (report.written, report.removed) == (1, 1)
    assert report.changed_paths == ("new.html", "old.html")
    assert tree(out) == {MARKER: tree(out)[MARKER], "index.html": b"home", "new.html": b"new"}
    assert (out / "index.html").stat().st_ino == inode  # kept, not rewritten
    assert sorted(os.listdir(tmp_path)) == ["output"]  # no staging left behind


def test_copies_source_files(tmp_path):
    source = tmp_path / "figure.svg"
    source.write_bytes(b"<svg/>")
    commit(tmp_path / "out", {"articles/x/figure.svg": source})
    assert (tmp_path / "out" / "articles/x/figure.svg").read_bytes() == b"<svg/>"


def test_a_folder_archivist_did_not_make_is_never_replaced(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(OutputRefused):
        commit(tmp_path / "mine", {"index.html": b"x"})
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


def test_leftovers_of_a_killed_build_are_cleared(tmp_path):
    out = tmp_path / "output"
    commit(out, {"index.html": b"v1"})
    (tmp_path / ".output.staging-999").mkdir()
    (tmp_path / ".output.staging-999" / "half.html").write_text("half")
    commit(out, {"index.html": b"v2"})
    assert sorted(os.listdir(tmp_path)) == ["output"]
    assert (out / "index.html").read_bytes() == b"v2"


@pytest.mark.parametrize("path", ["../escape.html", "/etc/passwd", "a/../../b"])
def test_paths_outside_the_output_are_refused(tmp_path, path):
    with pytest.raises(ValueError):
        commit(tmp_path / "out", {path: b"x"})
    from archivist.write.commit import CommitMemory
    from archivist.write.in_place import update_in_place

    memory = CommitMemory()
    update_in_place(tmp_path / "preview", {"index.html": b"home"}, memory)
    with pytest.raises(ValueError):  # a preview checks each path it writes, not only the first time
        update_in_place(tmp_path / "preview", {"index.html": b"home", path: b"x"}, memory)
    assert not (tmp_path / "escape.html").exists()


def test_a_commit_memory_skips_reading_what_it_wrote_and_notices_new_data(tmp_path, monkeypatch):
    from archivist.write import commit as write

    out = tmp_path / "out"
    memory = write.CommitMemory()
    page, other = b"<p>one</p>", b"<p>two</p>"
    commit(out, {"a.html": page, "b.html": other}, memory)
    reads = []
    monkeypatch.setattr(write, "_same", lambda existing, data: reads.append(os.path.basename(existing)) or False)
    report = commit(out, {"a.html": page, "b.html": b"<p>three</p>"}, memory)
    assert reads == ["b.html"]  # a.html is the very object written last time: not read again
    assert (report.written, report.unchanged) == (1, 2)
    assert (out / "b.html").read_bytes() == b"<p>three</p>"
    assert (out / "a.html").read_bytes() == page


def test_a_failed_commit_leaves_the_memory_empty(tmp_path, monkeypatch):
    from archivist.write import commit as write

    out = tmp_path / "out"
    memory = write.CommitMemory()
    page = b"<p>one</p>"
    commit(out, {"a.html": page}, memory)

    def broken(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(write, "_write", broken)
    with pytest.raises(OSError):
        commit(out, {"a.html": page, "b.html": b"new"}, memory)
    assert not memory.same("a.html", page)


def test_the_preview_folder_is_updated_file_by_file(tmp_path):
    from archivist.write.commit import CommitMemory
    from archivist.write.in_place import update_in_place

    out = tmp_path / "preview"
    memory = CommitMemory()
    home, old_page = b"<p>home</p>", b"<p>old</p>"
    update_in_place(out, {"index.html": home, "articles/old/index.html": old_page}, memory)
    home_inode = (out / "index.html").stat().st_ino
    report = update_in_place(out, {"index.html": home, "articles/new/index.html": b"<p>new</p>"}, memory)
    assert report.changed_paths == ("articles/new/index.html", "articles/old/index.html")
    assert (report.written, report.removed) == (1, 1)
    assert (out / "index.html").stat().st_ino == home_inode  # untouched
    assert not (out / "articles" / "old").exists()  # the emptied folder goes too
    assert tree(out) == {MARKER: tree(out)[MARKER], "index.html": home, "articles/new/index.html": b"<p>new</p>"}
    assert not [p for p in out.rglob(".tmp-*")]  # no temporary file left behind


def test_a_failed_update_is_followed_by_a_whole_commit(tmp_path, monkeypatch):
    from archivist.write import in_place as write_in_place
    from archivist.write.commit import CommitMemory

    out = tmp_path / "preview"
    memory = CommitMemory()
    write_in_place.update_in_place(out, {"a.html": b"a", "b.html": b"b"}, memory)
    real = write_in_place._replace
    calls = []

    def failing(output, path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        real(output, path, data)

    monkeypatch.setattr(write_in_place, "_replace", failing)
    with pytest.raises(OSError):
        write_in_place.update_in_place(out, {"a.html": b"a2", "b.html": b"b2"}, memory)
    monkeypatch.setattr(write_in_place, "_replace", real)
    assert not memory.last
    write_in_place.update_in_place(out, {"a.html": b"a3", "b.html": b"b3"}, memory)
    assert tree(out) == {MARKER: tree(out)[MARKER], "a.html": b"a3", "b.html": b"b3"}


def _before(out, twin):
    """The same previous site in two folders: one for a staged commit, one for a commit made at once."""
    previous = {"index.html": b"home", "a/one.html": b"one", "a/two.html": b"two", "old.html": b"old"}
    commit(out, previous)
    commit(twin, previous)


def test_a_staged_commit_makes_the_tree_and_report_of_a_commit_made_at_once(tmp_path):
    from archivist.write.commit import StagedCommit

    out, twin = tmp_path / "out", tmp_path / "twin"
    _before(out, twin)
    early = {"index.html": b"home", "a/one.html": b"one, edited", "a/two.html": b"two"}
    final = {**early, "a/two.html": b"two, changed after begin", "search/index.bin": b"late", "search/x/y": b"deep"}
    staged = StagedCommit(out)
    staged.begin(early)
    report = staged.finish(final)
    at_once = commit(twin, final)
    assert tree(out) == tree(twin) == {MARKER: tree(twin)[MARKER], **final}
    assert report == at_once
    assert (report.written, report.unchanged, report.removed) == (4, 2, 1)
    assert not list(tmp_path.glob(".*staging*"))


def test_a_staged_commit_refuses_to_drop_a_file_it_was_begun_with(tmp_path):
    from archivist.write.commit import StagedCommit

    out, twin = tmp_path / "out", tmp_path / "twin"
    _before(out, twin)
    staged = StagedCommit(out)
    staged.begin({"index.html": b"home", "gone.html": b"begun with"})
    with pytest.raises(ValueError):
        staged.finish({"index.html": b"home"})
    assert tree(out) == tree(twin)
    assert not list(tmp_path.glob(".*staging*"))


def test_a_staged_commit_with_nothing_to_write_succeeds_where_the_new_tree_could_not_be_made(tmp_path, monkeypatch):
    from archivist.util.diskfaults import DiskFault
    from archivist.write import commit as write

    out, twin = tmp_path / "out", tmp_path / "twin"
    _before(out, twin)
    same = {"index.html": b"home", "a/one.html": b"one", "a/two.html": b"two", "old.html": b"old"}

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_link_or_copy", full_disk)
    staged = write.StagedCommit(out)
    staged.begin(same)
    report = staged.finish(same)  # as a commit made at once: every byte is in place, nothing is written
    assert (report.written, report.removed) == (0, 0)
    assert tree(out) == tree(twin)
    staged = write.StagedCommit(out)
    staged.begin({**same, "index.html": b"new home"})
    with pytest.raises(DiskFault):  # where something must be written, the full disk is reported
        staged.finish({**same, "index.html": b"new home"})
    assert tree(out) == tree(twin)
    assert not list(tmp_path.glob(".*staging*"))


def test_a_staged_commit_fills_the_new_tree_before_it_is_finished(tmp_path):
    import time

    from archivist.write.commit import StagedCommit

    out, twin = tmp_path / "out", tmp_path / "twin"
    _before(out, twin)
    staged = StagedCommit(out)
    staged.begin({"index.html": b"home", "a/one.html": b"new"})
    staging = tmp_path / f".out.staging-{os.getpid()}"
    deadline = time.monotonic() + 30
    while not ((staging / "a" / "one.html").is_file() and (staging / "index.html").is_file()) \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (staging / "a" / "one.html").read_bytes() == b"new"  # written while the caller did other work
    assert (staging / "index.html").stat().st_ino == (out / "index.html").stat().st_ino  # unchanged: linked
    assert tree(out)["a/one.html"] == b"one"  # the site is untouched until finish
    staged.finish({"index.html": b"home", "a/one.html": b"new"})
    assert tree(out) == {MARKER: tree(out)[MARKER], "index.html": b"home", "a/one.html": b"new"}


def test_an_abandoned_staged_commit_leaves_the_output_as_it_was(tmp_path):
    from archivist.write.commit import StagedCommit

    out, twin = tmp_path / "out", tmp_path / "twin"
    _before(out, twin)
    before = {path: (out / path).stat().st_ino for path in tree(out)}
    staged = StagedCommit(out)
    staged.begin({f"p{n}.html": b"x" * n for n in range(500)})
    staged.abandon()
    assert tree(out) == tree(twin)
    assert {path: (out / path).stat().st_ino for path in tree(out)} == before
    assert not list(tmp_path.glob(".*staging*"))


def test_a_staged_commit_reports_what_begin_met_when_it_finishes(tmp_path):
    from archivist.write.commit import StagedCommit

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not a built site")
    staged = StagedCommit(foreign)
    staged.begin({"index.html": b"home"})  # the problem waits: a build that fails for its content says so first
    with pytest.raises(OutputRefused):
        staged.finish({"index.html": b"home"})
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
