"""A build that keeps a summary per article: texts let go after loading and read back to render,
bodies stowed in the spool until their page, and the same site as a build that holds everything."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archivist import config as config_step
from support import sample_site_without_styles
from archivist.build.pipeline import BuildOptions, build_site
from archivist.content import discover
from archivist.content.load import TextChanged, let_go, load, parse, read_back
from archivist.markdown.batch import RenderCache, render_each
from archivist.markdown.bodies import STAND_IN, BodyStore
from archivist.model import Parsed
from archivist.util.workers import forked_map
from archivist.write.spool import Spool

OPTIONS = BuildOptions(search=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The sample archive without citation styles, so no Node process is needed."""
    return sample_site_without_styles(tmp_path / "site")


def parsed_items(root: Path) -> list[Parsed]:
    config = config_step.load(root)
    sources, _problems = discover.scan(root)
    return [item for item in (parse(source, config.language)[0] for source in sources) if item is not None]


def files_of(root: Path, spool: Spool | None) -> dict[str, bytes]:
    result = build_site(config_step.load(root), OPTIONS, spool=spool)
    assert not [d for d in result.diagnostics if d.severity == "error"]
    return {path: data.read_bytes() if isinstance(data, Path) else data for path, data in result.files.items()}


def test_a_spooled_build_makes_the_very_files_a_build_in_memory_makes(site: Path, tmp_path: Path) -> None:
    in_memory = files_of(site, None)
    with Spool(tmp_path / "spool") as spool:
        spooled = files_of(site, spool)
    assert spooled == in_memory
    page = next(data for path, data in spooled.items() if path.startswith("articles/") and path.endswith(".html"))
    assert STAND_IN.encode() not in page


def test_a_spooled_build_hands_each_article_s_exports_to_the_spool(site: Path, tmp_path: Path) -> None:
    """BibTeX, RIS and CSL-JSON wait on disk like the pages, not in the build's memory until the commit."""
    with Spool(tmp_path / "spool") as spool:
        files = build_site(config_step.load(site), OPTIONS, spool=spool).files
        exports = {path: data for path, data in files.items() if path.rpartition("/")[2] in ("cite.bib", "cite.ris", "cite.json")}
        assert len(exports) >= 3 and all(isinstance(data, Path) and data.is_file() for data in exports.values())
    in_memory = build_site(config_step.load(site), OPTIONS).files
    assert all(isinstance(in_memory[path], bytes) for path in exports)


def test_a_text_let_go_is_read_back_as_it_was_parsed(site: Path) -> None:
    items = parsed_items(site)
    for item in items:
        slim = let_go(item)
        assert slim is not None and slim.body == "" and slim.source.text == ""
        assert slim.has_text == item.has_text
        assert read_back(slim, site) == item


def test_a_file_changed_after_loading_is_reported_and_not_cached(site: Path) -> None:
    config = config_step.load(site)
    item = parsed_items(site)[0]
    slim = let_go(item)
    assert slim is not None
    item.source.path.write_text(item.source.text + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(TextChanged) as caught:
        read_back(slim, site)
    assert (caught.value.problem.path, caught.value.problem.code) == (item.source.relpath, "content.changed")
    cache = RenderCache(config.cache_dir, config.base_url)
    [(article, problems)] = render_each([slim], config, cache, workers=1)
    assert [p.code for p in problems] == ["content.changed"] and article.body.html == ""
    assert not cache.folder.exists() or not any(cache.folder.iterdir())


def test_loading_with_seen_lets_every_text_go_and_hands_each_file_over(site: Path) -> None:
    config = config_step.load(site)
    seen: list[str] = []
    files, _problems = load(config, seen=lambda source: seen.append(source.text[:3]))
    assert files.texts == {} and seen and all(text == "---" for text in seen)
    assert all(item.body == "" and item.digest for item in files.published)


def test_a_stowed_body_waits_on_disk_and_comes_back_whole(site: Path, tmp_path: Path) -> None:
    config = config_step.load(site)
    store = BodyStore(tmp_path / "bodies")
    rendered = render_each(parsed_items(site), config, workers=1)
    full = next(article for article, _found in rendered if article.body.toc)
    stowed = store.stow(full)
    assert stowed.body.html == STAND_IN and stowed.body.toc == () and stowed.body.ids == ()
    assert stowed.has_body and store.stow(stowed) is stowed
    assert store.restore(stowed) == full
    blank = replace(full, body=replace(full.body, html="  "))
    assert store.stow(blank) is blank and not blank.has_body


def test_a_body_read_from_the_cache_is_linked_there_and_never_written_through(site: Path, tmp_path: Path) -> None:
    """A build after an edit reads thousands of bodies from the render cache: each is linked into the
    store, not written out again; stowed anew (its citations put in place), the link is replaced,
    and the cache entry keeps its bytes."""
    config = config_step.load(site)
    cache = RenderCache(tmp_path / "cache", config.base_url)
    items = parsed_items(site)
    render_each(items, config, cache, workers=1)  # fills the cache
    told: dict[str, object] = {}
    store = BodyStore(tmp_path / "bodies")

    def keep(article, stored):
        told[article.source.relpath] = stored
        return store.stow(article, stored)

    kept = {a.source.relpath: a for a, _found in render_each(items, config, cache, workers=1, keep=keep)}
    full = {a.source.relpath: a for a, _found in render_each(items, config, cache, workers=1)}
    source = next(relpath for relpath, article in full.items() if article.body.toc)
    entry = cache.file_for(source)
    assert told[source] is not None and told[source].path == entry and source in store.linked
    assert store._file(source).stat().st_ino == entry.stat().st_ino
    assert store.restore(kept[source]) == full[source]
    before = entry.read_bytes()
    cited = replace(full[source], body=replace(full[source].body, html=full[source].body.html + "<p>cited</p>"))
    store.stow(cited)
    assert source not in store.linked and store._file(source).stat().st_ino != entry.stat().st_ino
    assert entry.read_bytes() == before
    assert store.restore(kept[source]).body.html.endswith("<p>cited</p>")


def test_a_body_rendered_anew_is_linked_to_the_entry_just_stored_for_it(site: Path, tmp_path: Path) -> None:
    """A cold build stores each article's parts in the render cache and stows its body: one file on
    disk for both, not a second copy written out."""
    config = config_step.load(site)
    cache = RenderCache(tmp_path / "cache", config.base_url)
    store = BodyStore(tmp_path / "bodies")
    kept = {a.source.relpath: a for a, _found in render_each(parsed_items(site), config, cache, workers=2,
                                                               keep=lambda article, stored: store.stow(article, stored))}
    full = {a.source.relpath: a for a, _found in render_each(parsed_items(site), config, workers=1)}
    with_text = [source for source, article in full.items() if article.has_body]
    assert with_text and sorted(store.linked) == sorted(with_text)
    for source in with_text:
        assert store._file(source).stat().st_ino == cache.file_for(source).stat().st_ino
        assert kept[source].body.html == STAND_IN and store.restore(kept[source]) == full[source]


def test_a_body_whose_entry_could_not_be_stored_is_written_out(site: Path, tmp_path: Path) -> None:
    config = config_step.load(site)
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache's folder would be")
    cache = RenderCache(blocked, config.base_url)
    store = BodyStore(tmp_path / "bodies")
    kept = {a.source.relpath: a for a, _found in render_each(parsed_items(site), config, cache, workers=1,
                                                               keep=lambda article, stored: store.stow(article, stored))}
    full = {a.source.relpath: a for a, _found in render_each(parsed_items(site), config, workers=1)}
    assert store.stowed and not store.linked
    assert all(store.restore(kept[source]) == article for source, article in full.items())


def test_a_linked_body_that_cannot_be_linked_is_written_out(site: Path, tmp_path: Path) -> None:
    config = config_step.load(site)
    article = next(a for a, _found in render_each(parsed_items(site), config, workers=1) if a.body.toc)

    class Elsewhere:
        path = tmp_path / "no-such-entry"

        def read(self, path):
            raise AssertionError("a body that was written out is read from its own file")

    store = BodyStore(tmp_path / "bodies")
    stowed = store.stow(article, Elsewhere())
    assert article.source.relpath not in store.linked and store.restore(stowed) == article


def test_forked_results_are_made_into_what_is_kept_as_they_arrive() -> None:
    kept = forked_map(abs, list(range(-60, 0)), 2, then=str)
    assert kept == [str(n) for n in range(60, 0, -1)]
