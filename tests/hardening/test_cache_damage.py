"""Damaged and crafted cache entries: CI restores .cache/archivist/ from earlier runs, and what lands
there may be truncated, altered, copied under another name, left by another version, removed while a
build runs, or written by someone who wants code to run. Each is a miss (with one warning naming the
file when only damage or tampering explains it), the site is byte-identical to a clean build, and no
entry ever runs code."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from archivist import config as config_step
from archivist.build.options import BuildOptions
from archivist.build.output import build_into
from archivist.build.record import RECORD_KIND, read_record, record_path, state_path
from archivist.diagnostics import Diagnostic
from archivist.markdown.batch import RenderCache
from archivist.util import cacheentry
from archivist.util.cacheentry import CODE, EntryKind, seal
from harness import make_site

SETTINGS = """[tool.archivist]
title = "Cache Damage"
base_url = "https://example.org/damage/"
citation_styles = ["apa"]
search_shard_size = 1
"""
CITING = """---
title: Barges on the Lower River
authors: ["Okafor, Nneka"]
date: 2019-05-02
bibliography: [works.json, more.json]
---
The tolls were paid in kind [@tolls1788, p. 4], as the wardens saw [@wardens1790]. See also
[the ferry](article:ferry-crossings).
"""
WORKS = json.dumps([{"id": "tolls1788", "type": "book", "title": "Tolls of the Lower River",
                     "author": [{"family": "Marsh", "given": "Edith"}], "issued": {"date-parts": [[1788]]}}])
PLAIN = """---
title: {title}
authors: ["Lindqvist, Per"]
date: 2021-{month:02d}-10
---
{title}: a body of its own, with a [second section](#more).

## More {{#more}}

Words enough to index.
"""
MORE = json.dumps([{"id": "wardens1790", "type": "report", "title": "Wardens' Accounts",
                    "author": [{"literal": "River Board"}], "issued": {"date-parts": [[1790]]}}])
ARTICLES = {"barges/index.md": CITING, "barges/works.json": WORKS, "barges/more.json": MORE,
            "ferry-crossings.md": PLAIN.format(title="Ferry Crossings", month=3),
            "mill-leases.md": PLAIN.format(title="Mill Leases", month=7)}
CACHES = {"render": "render/*/*.entry", "citations": "citations/*/*.entry", "search": "search/*/*.entry",
          "bibliography": "bibliography/*.entry", "record": "builds/*.entry"}


class Payload:
    """Unpickled, it would create the marker file: what a crafted pickle entry does."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@dataclass(frozen=True)
class Site:
    root: Path
    output: Path
    pristine: Path  # the cache folder as a clean build left it
    clean: dict[str, bytes]  # the output of a clean build

    @property
    def cache(self) -> Path:
        return self.root / ".cache" / "archivist"

    @property
    def marker(self) -> Path:
        return self.root.parent / "code-ran"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(site: Site) -> tuple[dict[str, bytes], list[Diagnostic]]:
    outcome = build_into(config_step.load(site.root), BuildOptions(), site.output)
    assert outcome.report is not None, [d.format_text() for d in outcome.diagnostics]
    return tree(site.output), outcome.diagnostics


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A small site built once from nothing, then into a second folder too (so there are two records)."""
    root = make_site(tmp_path_factory.mktemp("damage") / "site", ARTICLES, SETTINGS)
    config = config_step.load(root)
    for name in ("output", "other-output"):
        outcome = build_into(config, BuildOptions(), root / name)
        assert outcome.report is not None and not [d for d in outcome.diagnostics if d.code == CODE]
    pristine = root.parent / "pristine-cache"
    shutil.copytree(root / ".cache", pristine, symlinks=True)
    return Site(root, root / "output", pristine, tree(root / "output"))


@pytest.fixture
def site(built: Site) -> Site:
    """The built site with its cache as the clean build left it, and no marker file."""
    shutil.rmtree(built.root / ".cache")
    shutil.copytree(built.pristine, built.root / ".cache", symlinks=True)
    built.marker.unlink(missing_ok=True)
    return built


def entries(site: Site, cache: str) -> list[Path]:
    found = sorted(site.cache.glob(CACHES[cache]))
    assert len(found) >= 2, f"the {cache} cache should hold two entries or more, not {found}"
    return found


def forget_records(site: Site) -> None:
    """Without the build record every page is rendered, so every entry of the other caches is read."""
    for record in (site.cache / "builds").glob("*"):
        record.unlink()


def target(site: Site, cache: str) -> Path:
    """The entry a test damages: the record of `output`, or the first entry of another cache."""
    if cache != "record":
        forget_records(site)
        return entries(site, cache)[0]
    return record_path(config_step.load(site.root), site.output)


def reseal(data: bytes, **change: object) -> bytes:
    """The entry with its header changed as given and a checksum made anew, as a forger would."""
    header, _newline, content = data.partition(b"\n")
    fields = json.loads(header)
    fields.update(change)
    kind = EntryKind(fields["cache"], fields["version"])
    return seal(kind, fields["name"], fields.pop("content", content), fields["key"])


def damaged(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code == CODE]


def others(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.code != CODE]


def truncate(data: bytes, _other: bytes) -> bytes:
    return data[:len(data) // 2]


def flip(data: bytes, _other: bytes) -> bytes:
    at = len(data) - 3  # in the content, past the header
    return data[:at] + bytes([data[at] ^ 0x10]) + data[at + 1:]


def copy(_data: bytes, other: bytes) -> bytes:
    return other


def crafted_pickle(data: bytes, _other: bytes, marker: Path | None = None) -> bytes:
    """A whole entry, checksum and all, whose content is a pickle that would run code."""
    assert marker is not None
    return reseal(data, content=pickle.dumps(Payload(marker)))


@pytest.mark.parametrize("cache", sorted(CACHES))
@pytest.mark.parametrize("damage", [truncate, flip, copy, crafted_pickle], ids=lambda f: f.__name__)
def test_a_damaged_entry_is_a_miss_with_one_warning_naming_it(site: Site, cache: str, damage) -> None:
    victim = target(site, cache)
    other = next(path for path in entries(site, cache) if path != victim)
    data = victim.read_bytes()
    extra = {"marker": site.marker} if damage is crafted_pickle else {}
    victim.write_bytes(damage(data, other.read_bytes(), **extra))
    files, diagnostics = build(site)
    assert files == site.clean
    assert [d.path for d in damaged(diagnostics)] == [victim.relative_to(site.root).as_posix()]
    assert not site.marker.exists()
    files, diagnostics = build(site)  # the entry was made again: the warning is not repeated
    assert files == site.clean and damaged(diagnostics) == []


@pytest.mark.parametrize("cache", sorted(CACHES))
def test_an_entry_of_another_version_is_a_silent_miss(site: Site, cache: str) -> None:
    victim = target(site, cache)
    header = json.loads(victim.read_bytes().partition(b"\n")[0])
    victim.write_bytes(reseal(victim.read_bytes(), version=header["version"] - 1))
    read_before = victim.read_bytes()
    files, diagnostics = build(site)
    assert files == site.clean and damaged(diagnostics) == []
    assert victim.read_bytes() != read_before  # it was a miss: the entry was written again


@pytest.mark.parametrize("cache", ["render", "citations", "search", "bibliography"])
def test_an_entry_removed_while_the_build_reads_the_cache_is_a_silent_miss(site: Site, cache: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    victim = target(site, cache)
    original = cacheentry.read_plain

    def read_plain(path: Path) -> bytes:
        if path == victim and victim.exists():
            victim.unlink()  # gone between the lookup and the read
        return original(path)

    monkeypatch.setattr(cacheentry, "read_plain", read_plain)
    files, diagnostics = build(site)
    assert files == site.clean and damaged(diagnostics) == []
    assert victim.exists()  # written again


def test_the_whole_cache_removed_in_the_middle_of_a_build_costs_only_time(site: Site,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    forget_records(site)
    original = cacheentry.read_plain
    removed = []

    def read_plain(path: Path) -> bytes:
        if path.suffix == ".entry" and not removed:
            shutil.rmtree(site.cache)
            removed.append(path)
        return original(path)

    monkeypatch.setattr(cacheentry, "read_plain", read_plain)
    files, diagnostics = build(site)
    assert removed and files == site.clean and damaged(diagnostics) == []


def test_pickles_in_every_cache_never_run(site: Site) -> None:
    """Every entry replaced by a bare pickle, and pickles left where older versions kept theirs."""
    payload = pickle.dumps(Payload(site.marker))
    for cache in CACHES:
        for path in entries(site, cache):
            path.write_bytes(payload)
            path.with_suffix(".pickle").write_bytes(payload)
    files, diagnostics = build(site)
    assert not site.marker.exists()
    assert files == site.clean
    named = [d.path for d in damaged(diagnostics)]
    assert len(named) == len(set(named))  # one warning for each entry
    assert {path.split("/")[2] for path in named} == {"render", "citations", "search", "bibliography", "builds"}


def test_a_crafted_entry_is_read_as_data_only(site: Site, tmp_path: Path) -> None:
    """Read directly, a whole entry holding a pickle is refused with a warning, and nothing runs."""
    victim = entries(site, "render")[0]
    victim.write_bytes(crafted_pickle(victim.read_bytes(), b"", marker=site.marker))
    header = json.loads(victim.read_bytes().partition(b"\n")[0])
    problems: list[Diagnostic] = []
    cache = RenderCache(site.cache, config_step.load(site.root).base_url)
    assert cache.get(header["name"], header["key"], problems) is None
    assert [d.path for d in problems] == [victim.relative_to(site.root).as_posix()]
    record = tmp_path / "record.entry"
    record.write_bytes(seal(RECORD_KIND, "record", pickle.dumps(Payload(site.marker)), "key"))
    assert read_record(record, "key", problems) is None and len(problems) == 2
    assert not site.marker.exists()


def test_a_crafted_record_cannot_call_what_templates_cannot(site: Site) -> None:
    """A record whose reads name calls no template makes (a path's `touch`) is whole and well formed,
    so it is read; the rebuild planner then treats those reads as changed, and calls nothing."""
    build(site)  # a record that matches the output as it is
    record = target(site, "record")
    state_file = state_path(record)
    header, _newline, content = state_file.read_bytes().partition(b"\n")
    data = json.loads(content)
    tables = data["reads"]
    source = next(iter(data["slugs"]))
    step = ["call", ["entry", source], ["article", "source", "path", "parent"], "joinpath", [["value", "code-ran"]]]
    tables["roots"].append(["call", step, [], "touch", []])
    tables["paths"].append({"set": [[]]})
    for reads in tables["pages"].values():
        reads.append([len(tables["roots"]) - 1, len(tables["paths"]) - 1, "digest"])
    crafted = json.dumps(data).encode()
    state_file.write_bytes(reseal(state_file.read_bytes(), content=crafted))
    head = json.loads(record.read_bytes().partition(b"\n")[2])
    head["state_digest"] = hashlib.sha256(crafted).hexdigest()  # the forger names the crafted state
    record.write_bytes(reseal(record.read_bytes(), content=json.dumps(head).encode()))
    edited = site.root / "content/articles/mill-leases.md"
    clean_text = edited.read_text(encoding="utf-8")
    edited.write_text(clean_text.replace("title: Mill Leases", "title: Mill Leases Renewed"), encoding="utf-8")
    try:
        files, diagnostics = build(site)
        assert list(site.root.rglob("code-ran")) == []
        assert damaged(diagnostics) == []
        assert b"Mill Leases Renewed" in files["index.html"]
    finally:
        edited.write_text(clean_text, encoding="utf-8")
        for made in site.root.rglob("code-ran"):
            made.unlink()
    assert build(site)[0] == site.clean
