"""A build writes its new output tree while the search index is made, and still commits all or nothing."""

from __future__ import annotations

import os
import subprocess
import threading
import sys
import time
from pathlib import Path

import pytest

from archivist import config as config_step
from support import sample_site_without_styles
from archivist.build import pipeline
from archivist.build.options import BuildOptions
from archivist.build.output import build_into
from archivist.diagnostics import error
from archivist.util.digests import digest
from archivist.write.commit import OutputChanged, StagedCommit, commit
from archivist.write.spool import Spool



@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The sample archive without citation styles (no Node process), with its search index."""
    return sample_site_without_styles(tmp_path / "site")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_of(output: Path) -> Path:
    return output.parent / f".{output.name}.staging-{os.getpid()}"


def edit(site: Path) -> Path:
    article = sorted((site / "content" / "articles").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added after the first build.\n",
                       encoding="utf-8")
    return article


def test_the_new_tree_is_being_written_while_the_index_is_made(site: Path, monkeypatch) -> None:
    output = site / "output"
    first = build_into(config_step.load(site), BuildOptions(), output)
    assert first.report is not None
    edit(site)
    real = pipeline.search_files
    seen: list[set[str]] = []

    fillers: list[int] = []
    fill = StagedCommit._fill

    def fill_noting_the_thread(self, *args, **kwargs):
        fillers.append(threading.get_ident())
        return fill(self, *args, **kwargs)

    def search_watching_the_staging_tree(*args, **kwargs):
        found = real(*args, **kwargs)
        staging, deadline = staging_of(output), time.monotonic() + 30
        while time.monotonic() < deadline:  # the index is done; the tree must fill without finish
            pages = {p.relative_to(staging).as_posix() for p in staging.rglob("*.html")} if staging.is_dir() else set()
            if "index.html" in pages and "404.html" in pages:
                break
            time.sleep(0.01)
        seen.append(pages)
        return found

    monkeypatch.setattr(StagedCommit, "_fill", fill_noting_the_thread)
    monkeypatch.setattr(pipeline, "search_files", search_watching_the_staging_tree)
    outcome = build_into(config_step.load(site), BuildOptions(), output)
    assert outcome.report is not None and outcome.report.written > 0
    pages = {path for path in tree(output) if path.endswith(".html") and not path.startswith("pagefind/")}
    assert seen and pages <= seen[0]  # every page was in the new tree before the build went on to finish
    assert fillers and fillers[0] != threading.get_ident()  # begun on a thread of its own (finish adds the index)
    assert not staging_of(output).exists()
    assert tree(output) == written_at_once(site, site / "twin")


def written_at_once(site: Path, twin: Path) -> dict[str, bytes]:
    """The site as a build that renders everything and then commits it in one go makes it."""
    result = pipeline.build_site(config_step.load(site), BuildOptions())
    assert not [d for d in result.diagnostics if d.severity == "error"]
    commit(twin, result.files)
    return tree(twin)


def test_after_an_edit_only_changed_files_wait_in_the_spool(site: Path, monkeypatch) -> None:
    """Exports, search shards and site-wide files a build makes again with the very bytes it published
    last time are taken from the output folder, not written to the spool, compared and deleted."""
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    edit(site)
    spooled: list[str] = []
    close = Spool.close

    def close_noting_the_files(self):
        folder = self.folder / "site"
        spooled.extend(sorted(os.listdir(folder)) if folder.is_dir() else [])
        return close(self)

    monkeypatch.setattr(Spool, "close", close_noting_the_files)
    outcome = build_into(config_step.load(site), BuildOptions(), output)
    assert outcome.report is not None and 0 < outcome.report.written < outcome.report.unchanged
    changed = {digest(path.encode("utf-8")) for path in outcome.report.changed_paths}
    assert spooled and {name.partition(".")[0] for name in spooled} <= changed
    assert tree(output) == written_at_once(site, site / "twin")


@pytest.mark.parametrize("change", ["rewritten", "removed"])
def test_a_published_file_changed_during_the_build_stops_the_commit(site: Path, monkeypatch, change: str) -> None:
    """A file the spool took from the output folder because it held the very bytes is committed only
    while it is still that file: changed or removed by another program meanwhile, its bytes are
    not known any more, and the build stops with the output folder as it was."""
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    edit(site)
    others = sorted(path for path in tree(output) if path.endswith("/cite.bib"))[1:]
    assert others
    target = output / others[-1]
    real = pipeline.search_files

    def search_then_meddle(*args, **kwargs):
        found = real(*args, **kwargs)
        if change == "rewritten":
            target.write_bytes(b"@misc{meddled}\n")
        else:
            target.unlink()
        return found

    monkeypatch.setattr(pipeline, "search_files", search_then_meddle)
    before = {path: data for path, data in tree(output).items() if path != others[-1]}
    with pytest.raises(OutputChanged) as caught:
        build_into(config_step.load(site), BuildOptions(), output)
    assert others[-1] in str(caught.value)
    after = tree(output)
    assert after.get(others[-1]) == (b"@misc{meddled}\n" if change == "rewritten" else None)
    assert {path: data for path, data in after.items() if path != others[-1]} == before
    assert not staging_of(output).exists()


def test_a_search_index_that_fails_leaves_the_previous_site(site: Path, monkeypatch) -> None:
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    before = tree(output)
    edit(site)
    began: list[bool] = []

    def failing_search(*_args, **_kwargs):
        deadline = time.monotonic() + 30
        while not staging_of(output).is_dir() and time.monotonic() < deadline:
            time.sleep(0.01)  # the tree is begun on a thread of its own
        began.append(staging_of(output).is_dir())
        return {}, [error("pagefind/", 1, "search.index", "the index could not be made")]

    monkeypatch.setattr(pipeline, "search_files", failing_search)
    outcome = build_into(config_step.load(site), BuildOptions(), output)
    assert outcome.report is None
    assert any(d.code == "search.index" for d in outcome.diagnostics)
    assert began == [True]  # the commit had begun, and was abandoned
    assert tree(output) == before
    assert not staging_of(output).exists()


def test_a_build_stopped_during_the_index_leaves_the_previous_site(site: Path, monkeypatch) -> None:
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    before = tree(output)
    edit(site)

    records = record_files(site)

    def interrupted(*_args, **_kwargs):
        time.sleep(0.2)  # both threads are at work
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "search_files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_into(config_step.load(site), BuildOptions(), output)
    assert tree(output) == before
    assert not staging_of(output).exists()
    assert record_files(site) == records  # the last record, whole, and no draft beside it


def test_a_build_with_content_errors_does_not_begin_the_tree(site: Path, monkeypatch) -> None:
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    before = tree(output)
    article = edit(site)
    article.write_text(article.read_text(encoding="utf-8").replace("title:", "title: [unclosed", 1), encoding="utf-8")
    began: list[object] = []
    monkeypatch.setattr(StagedCommit, "begin", lambda self, files, apart=True: began.append(files))
    outcome = build_into(config_step.load(site), BuildOptions(), output)
    assert outcome.report is None
    assert began == []
    assert tree(output) == before


def record_files(site: Path) -> dict[str, bytes]:
    builds = config_step.load(site).cache_dir / "builds"
    return {p.name: p.read_bytes() for p in sorted(builds.iterdir())}


def test_the_record_written_beside_the_index_is_the_one_the_next_build_reads(site: Path) -> None:
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    edit(site)
    outcome = build_into(config_step.load(site), BuildOptions(), output)
    assert outcome.report is not None and outcome.rendered >= 1
    assert not [name for name in record_files(site) if ".draft-" in name]
    again = build_into(config_step.load(site), BuildOptions(), output)
    assert again.skipped  # the head and the state it names were read back whole
    edit(site)
    after = build_into(config_step.load(site), BuildOptions(), output)
    assert after.rendered == outcome.rendered and not after.skipped  # the same pages as the same edit before
    config = config_step.load(site)
    assert not [d for d in after.diagnostics if d.code == "cache.damaged"]
    assert tree(output) == written_at_once(site, site / "twin")


def test_a_failed_build_keeps_the_last_record_and_leaves_no_draft(site: Path, monkeypatch) -> None:
    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    before = record_files(site)
    edit(site)

    def failing_search(*_args, **_kwargs):
        return {}, [error("pagefind/", 1, "search.index", "the index could not be made")]

    monkeypatch.setattr(pipeline, "search_files", failing_search)
    assert build_into(config_step.load(site), BuildOptions(), output).report is None
    assert record_files(site) == before


def test_a_draft_left_by_a_killed_build_is_swept(site: Path) -> None:
    from archivist.build.record import record_path, state_path

    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    where = state_path(record_path(config_step.load(site), output))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    left = where.with_name(f"{where.stem}.draft-{dead}.entry")
    left.write_bytes(b"half a state")
    edit(site)
    build_into(config_step.load(site), BuildOptions(), output)
    assert not left.exists()


def test_a_draft_not_written_is_never_named_the_state(site: Path, monkeypatch) -> None:
    from archivist.build import record, recorddraft
    from archivist.build.record import record_path, state_path
    from archivist.util.cacheentry import refused_writes

    output = site / "output"
    build_into(config_step.load(site), BuildOptions(), output)
    where = record_path(config_step.load(site), output)
    draft = recorddraft.StateDraft(where, "fingerprint")
    draft.draft_path.write_bytes(b"a draft of this process id, left in a cache restored from another machine")
    monkeypatch.setattr(record, "write_entry_streamed", lambda *_args: None)  # refused, and noted elsewhere
    before = record_files(site)
    head = recorddraft.RecordHead("fingerprint", {}, {}, 0, (), "")
    draft.publish(object(), head)  # type: ignore[arg-type]
    assert record_files(site) == {name: data for name, data in before.items() if ".draft-" not in name}
    assert not draft.draft_path.exists()
    refused_writes()
    monkeypatch.undo()

    def refused_rename(*_args):
        raise OSError(30, "Read-only file system")

    state = pipeline.build_site(config_step.load(site), BuildOptions(search=False), keep_state=True).state
    draft = recorddraft.StateDraft(where, "fingerprint")
    monkeypatch.setattr(recorddraft.os, "replace", refused_rename)
    draft.publish(state, head)
    assert any("builds was not written" in line for line in refused_writes())
    assert not draft.draft_path.exists() and state_path(where).exists()
