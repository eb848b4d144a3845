"""Pages rendered on several cores, or spooled to disk, are the bytes of a serial in-memory render."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archivist import config as config_step
from archivist.citations.cite import cite_all
from archivist.library.entry import cited_entries
from archivist.build.steps import load_articles
from archivist.render.pool import render_all_pages
from archivist.pages.plan import plan
from archivist.render.renderer import Renderer
from archivist.render.theme import static_files
from archivist.build.steps import assemble_library
from archivist.write.spool import Spool, SpooledFile
from archivist.write.commit import commit

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def planned():
    config = config_step.load(REPO)
    articles, _ = load_articles(config)
    cited, _ = cite_all(config, articles)
    library, _ = assemble_library(config, cited_entries(articles, cited))
    return config, list(plan(config, library))


def test_forked_workers_render_the_same_bytes_as_one_process(planned):
    config, jobs = planned
    serial = render_all_pages(Renderer(config, static_files(config)), jobs, workers=1)
    forked = render_all_pages(Renderer(config, static_files(config)), jobs, workers=2)
    assert len(jobs) > 50
    assert [data for data, _ in forked] == [data for data, _ in serial]
    assert all(problem is None for _, problem in forked)


def test_a_remembered_summary_is_the_summary(planned):
    config, jobs = planned
    renderer = Renderer(config, static_files(config))
    listing = next(job for job in jobs if job.path == "articles/index.html")
    first, _ = renderer.render(listing)
    renderer.forget()
    fresh, _ = Renderer(config, static_files(config)).render(listing)
    again, _ = renderer.render(listing)
    assert first == fresh == again
    assert first.count(b'class="article-item"') >= 10


def test_spooled_pages_hold_the_rendered_bytes_and_are_linked_into_the_output(planned, tmp_path):
    config, jobs = planned
    renderer = Renderer(config, static_files(config))
    some = jobs[:60]
    in_memory = render_all_pages(renderer, some, workers=1)
    asset = tmp_path / "asset.txt"
    asset.write_bytes(b"an editor's file")
    with Spool(tmp_path / "cache") as spool:
        spooled = render_all_pages(renderer, some, workers=2, spool=spool)
        assert all(isinstance(data, SpooledFile) for data, _ in spooled)
        assert len({data.parent for data, _ in spooled}) == 1  # no folder per page
        assert len({data.name for data, _ in spooled}) == len(some)
        assert [data.read_bytes() for data, _ in spooled] == [data for data, _ in in_memory]
        files = {job.path: data for job, (data, _) in zip(some, spooled)}
        commit(tmp_path / "out", {**files, "asset.txt": asset})
        first = some[0].path
        assert os.path.samefile(tmp_path / "out" / first, files[first])
        assert not os.path.samefile(tmp_path / "out" / "asset.txt", asset)
    assert not (tmp_path / "cache" / f"spool-{os.getpid()}").exists()
    assert (tmp_path / "out" / first).read_bytes() == in_memory[0][0]


def test_a_killed_build_s_spool_is_swept_by_the_next(tmp_path):
    dead = tmp_path / "spool-999999999"
    (dead / "articles").mkdir(parents=True)
    with Spool(tmp_path):
        assert not dead.exists()


def test_pages_of_the_same_file_name_in_different_folders_are_spooled_apart(tmp_path):
    with Spool(tmp_path) as spool:
        first = spool.put("articles/one/index.html", b"one")
        second = spool.put("articles/two/index.html", b"two")
        again = spool.put("articles/one/index.html", b"one, again")
        assert first != second and first == again and first.suffix == ".html"
        assert (first.read_bytes(), second.read_bytes()) == (b"one, again", b"two")


def test_a_page_whose_name_is_as_long_as_a_file_name_may_be_is_spooled(tmp_path):
    """An article's old address may end in a name of 255 bytes (content.aliases allows it)."""
    longest = "old/" + "é" * 122 + "-page.html"
    assert len(longest.rpartition("/")[2].encode("utf-8")) == 254
    with Spool(tmp_path) as spool:
        assert spool.put(longest, b"moved").read_bytes() == b"moved"
