"""Stat data that lies, and file-system oddities: after each, an incremental build gives the same bytes
as a `--full` build of the same content in another folder.

A build with nothing to do is recognised from the files' stat data, and caches are kept between
builds, so each case builds a site, changes it in a way stat data may hide (a time in the future, an
edit that keeps the size and restores the time, a file turned into a folder, a rename that changes
only the case, a link in the cache), builds again, and compares that output with a full build of a
copy of the site that has no cache."""

from __future__ import annotations

import os
import shutil
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from archivist import config as config_step
from archivist.build.options import BuildOptions
from archivist.build.output import BuildOutcome, build_into
from archivist.build.record import record_path
from archivist.diagnostics import Diagnostic
from archivist.markdown.batch import RenderCache
from archivist.theme import THEME_DIR
from archivist.util.cacheentry import CODE
from harness import CASES, make_site

SETTINGS = """[tool.archivist]
title = "Odd Clocks"
base_url = "https://example.org/odd/"
citation_styles = ["apa"]
"""
ARTICLE = """---
title: {title}
authors: ["Okafor, Nneka"]
date: 2020-0{month}-02
---
{title}: the body says {word}.
"""
BUNDLE = """---
title: Barges on the Lower River
authors: ["Lindqvist, Per"]
date: 2019-05-02
---
The tolls were paid in kind.

![A toll board](board.gif)
"""
DAY_NS = 86_400 * 10**9
PAST_NS = 1_600_000_000 * 10**9  # September 2020: old enough for any margin
MARKER = "<!-- odd clocks: AAAA -->"


def gif(width: int, height: int) -> bytes:
    """A GIF header of the given size: the same number of bytes for any size below 65536."""
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00" * 24


def articles() -> dict[str, bytes | str]:
    return {"mill-leases.md": ARTICLE.format(title="Mill Leases", month=7, word="alpha"),
            "ferry-crossings.md": ARTICLE.format(title="Ferry Crossings", month=3, word="gamma"),
            "barges/index.md": BUNDLE, "barges/board.gif": gif(40, 30),
            "barges/notes.txt": "Measured at the toll house."}


@dataclass(frozen=True)
class Site:
    root: Path

    @property
    def output(self) -> Path:
        return self.root / "output"

    def path(self, name: str) -> Path:
        return self.root / name

    def article(self, name: str) -> Path:
        return self.root / "content" / "articles" / name


def new_site(scratch: Path) -> Site:
    root = make_site(scratch / "site", articles(), SETTINGS)
    base = (THEME_DIR / "base.html").read_text(encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text(base.replace("</body>", MARKER + "</body>"), encoding="utf-8")
    return Site(root)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, full: bool = False) -> BuildOutcome:
    outcome = build_into(config_step.load(root), BuildOptions(), root / "output", full=full)
    assert outcome.report is not None, [d.format_text() for d in outcome.diagnostics]
    return outcome


def full_build_elsewhere(site: Site, folder: Path) -> dict[str, bytes]:
    """The output of a `--full` build of a copy of the site's sources, with no cache of its own."""
    copy = folder / "full-copy"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    for name in ("content", "templates"):
        if site.path(name).exists():
            shutil.copytree(site.path(name), copy / name)
    shutil.copy(site.path("pyproject.toml"), copy / "pyproject.toml")
    build(copy, full=True)
    return tree(copy / "output")


def assert_same_as_full(site: Site, folder: Path) -> BuildOutcome:
    outcome = build(site.root)
    assert tree(site.output) == full_build_elsewhere(site, folder)
    return outcome


def set_time(path: Path, ns: int) -> None:
    os.utime(path, ns=(ns, ns))


def edit_keeping_stat(path: Path, old: bytes, new: bytes, replace_file: bool = False) -> None:
    """Replace `old` by `new` (as long) in the file, then put its modification time back, in place
    or (with `replace_file`) by writing a new file over it, as editors that save atomically do."""
    assert len(old) == len(new)
    found = path.stat()
    data = path.read_bytes()
    assert old in data
    if replace_file:
        temporary = path.with_name(".saving")
        temporary.write_bytes(data.replace(old, new))
        os.replace(temporary, path)
    else:
        path.write_bytes(data.replace(old, new))
    os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns))
    assert path.stat().st_size == found.st_size and path.stat().st_mtime_ns == found.st_mtime_ns


# What each kind of file is, and a same-size edit of it that shows in the pages.
TARGETS: dict[str, tuple[str, bytes, bytes, bytes]] = {
    "article": ("content/articles/mill-leases.md", b"alpha", b"omega", b"the body says omega"),
    "template": ("templates/base.html", b"AAAA", b"BBBB", b"odd clocks: BBBB"),
    "bundle image": ("content/articles/barges/board.gif", gif(40, 30), gif(80, 60), b'width="80" height="60"'),
}
# When the file was last written before the first build: its time decides whether stat data is trusted.
TIMES = {"in the future": lambda now: now + DAY_NS, "long ago": lambda now: PAST_NS, "just now": lambda now: now}


@pytest.mark.parametrize("replace_file", [False, True], ids=["in place", "saved over"])
@pytest.mark.parametrize("when", sorted(TIMES))
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_an_edit_that_keeps_size_and_time_is_built(scratch: Path, target: str, when: str, replace_file: bool) -> None:
    CASES["clock and file-system oddities"] += 1
    site = new_site(scratch)
    name, old, new, shown = TARGETS[target]
    set_time(site.path(name), TIMES[when](time.time_ns()))
    build(site.root)
    assert build(site.root).skipped  # nothing changed: the second build does nothing
    edit_keeping_stat(site.path(name), old, new, replace_file)
    outcome = assert_same_as_full(site, scratch)
    assert not outcome.skipped
    assert any(shown in data for data in tree(site.output).values())
    assert build(site.root).skipped


def test_a_file_in_the_future_is_compared_by_its_bytes(scratch: Path) -> None:
    """A time in the future is never trusted: a build after it is still right, and a build with
    nothing changed still does nothing."""
    CASES["clock and file-system oddities"] += 1
    site = new_site(scratch)
    for path in site.path("content").rglob("*"):
        set_time(path, time.time_ns() + 365 * DAY_NS)
    build(site.root)
    assert build(site.root).skipped and build(site.root).skipped
    edit_keeping_stat(site.article("ferry-crossings.md"), b"gamma", b"delta")
    assert_same_as_full(site, scratch)


def with_slug(text: str, slug: str) -> str:
    """The article with its slug set, so that its file or folder name may be anything."""
    return text.replace("---\n", f"---\nslug: {slug}\n", 1)


def file_to_folder(site: Site) -> None:
    """An article file becomes a folder of the same name holding an article."""
    path = site.article("ferry-crossings.md")
    text = path.read_text(encoding="utf-8")
    path.unlink()
    path.mkdir()
    (path / "index.md").write_text(with_slug(text.replace("gamma", "delta"), "ferry-crossings"), encoding="utf-8")


def folder_to_file(site: Site) -> None:
    """A bundle folder becomes an article file of the same name."""
    folder = site.article("barges")
    shutil.rmtree(folder)
    folder.write_text(ARTICLE.format(title="Barges", month=5, word="beta"), encoding="utf-8")
    site.article("barges.md").write_text(ARTICLE.format(title="Barges Again", month=6, word="beta"), encoding="utf-8")


def asset_to_folder(site: Site) -> None:
    """A bundle's file becomes a folder of the same name, with a file of the same bytes and time inside."""
    notes = site.article("barges/notes.txt")
    data, found = notes.read_bytes(), notes.stat()
    notes.unlink()
    notes.mkdir()
    (notes / "notes.txt").write_bytes(data)
    os.utime(notes / "notes.txt", ns=(found.st_atime_ns, found.st_mtime_ns))
    os.utime(notes, ns=(found.st_atime_ns, found.st_mtime_ns))


def folder_to_asset(site: Site) -> None:
    """A folder in a bundle becomes an image file of the same name."""
    folder = site.article("barges/plates")
    folder.mkdir()
    (folder / "plate.gif").write_bytes(gif(10, 10))
    build(site.root)
    shutil.rmtree(folder)
    folder.write_bytes(gif(10, 10))


@pytest.mark.parametrize("change", [file_to_folder, folder_to_file, asset_to_folder, folder_to_asset],
                         ids=lambda f: f.__name__)
def test_a_file_replaced_by_a_folder_and_back(scratch: Path, change: Callable[[Site], None]) -> None:
    CASES["clock and file-system oddities"] += 1
    site = new_site(scratch)
    build(site.root)
    change(site)
    assert_same_as_full(site, scratch)
    assert build(site.root).skipped


def rename_case(site: Site, old: str, new: str) -> None:
    site.article(old).rename(site.article(new))


@pytest.mark.parametrize("old,new", [("mill-leases.md", "Mill-Leases.md"), ("Mill-Leases.md", "mill-leases.md"),
                                     ("barges", "Barges"), ("Barges", "barges")])
def test_a_rename_that_changes_only_the_case(scratch: Path, old: str, new: str) -> None:
    """On a file system that tells cases apart the file is another one, with the same slug (set in
    its front-matter, as a name with capitals needs)."""
    CASES["clock and file-system oddities"] += 1
    site = new_site(scratch)
    for path, slug in (("mill-leases.md", "mill-leases"), ("barges/index.md", "barges")):
        site.article(path).write_text(with_slug(site.article(path).read_text(encoding="utf-8"), slug), encoding="utf-8")
    if old != old.lower():
        rename_case(site, old.lower(), old)
    build(site.root)
    rename_case(site, old, new)
    outcome = assert_same_as_full(site, scratch)
    assert not outcome.skipped
    pages = {path.split("/")[1] for path in tree(site.output)
             if path.startswith("articles/") and path.count("/") > 1}
    assert pages == {"mill-leases", "ferry-crossings", "barges"}


def damaged(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.path for d in diagnostics if d.code == CODE]


@pytest.mark.parametrize("folder", [".cache", ".cache/archivist", ".cache/archivist/render"])
def test_a_cache_folder_that_is_a_link_works_as_a_folder(scratch: Path, folder: str) -> None:
    """A cache kept on another disk through a link is used as it is."""
    CASES["clock and file-system oddities"] += 1
    site = new_site(scratch)
    build(site.root)
    elsewhere = scratch / "kept-elsewhere"
    shutil.move(site.path(folder), elsewhere)
    site.path(folder).symlink_to(elsewhere, target_is_directory=True)
    assert build(site.root).skipped
    edit_keeping_stat(site.article("mill-leases.md"), b"alpha", b"omega")
    outcome = assert_same_as_full(site, scratch)
    assert damaged(outcome.diagnostics) == []
    assert site.path(folder).is_symlink()


def render_entry(site: Site, source: str) -> Path:
    config = config_step.load(site.root)
    return RenderCache(config.cache_dir, config.base_url).file_for(f"content/articles/{source}")


def record_entry(site: Site, _source: str) -> Path:
    return record_path(config_step.load(site.root), site.output)


@pytest.mark.parametrize("pointing_at", ["another entry", "a file outside", "nothing"])
@pytest.mark.parametrize("entry", [render_entry, record_entry], ids=["render", "record"])
def test_an_entry_that_is_a_link_is_refused_and_replaced(scratch: Path, entry, pointing_at: str) -> None:
    """Read through, a link would take another file's bytes for the entry's; written through, it would
    overwrite whatever it points to. It is a miss with one warning, and the new entry replaces the link."""
    CASES["clock and file-system oddities"] += 1
    site = new_site(scratch)
    build(site.root)
    victim = entry(site, "mill-leases.md")
    other = render_entry(site, "ferry-crossings.md")
    outside = scratch / "outside.txt"
    outside.write_bytes(b"not the cache's to change")
    targets = {"another entry": other, "a file outside": outside, "nothing": scratch / "missing"}
    kept = other.read_bytes()
    victim.unlink()
    victim.symlink_to(targets[pointing_at])
    edit_keeping_stat(site.article("mill-leases.md"), b"alpha", b"omega")
    outcome = assert_same_as_full(site, scratch)
    assert damaged(outcome.diagnostics) == [victim.relative_to(site.root).as_posix()]
    assert not victim.is_symlink() and victim.is_file()
    assert outside.read_bytes() == b"not the cache's to change" and not (scratch / "missing").exists()
    if entry is render_entry:
        assert other.read_bytes() == kept
    assert build(site.root).skipped
