"""What makes a split index rank as one: every shard's page statistics are the archive's, the
directory names the shards that hold each word, and the bundle's pagefind.js is the archive's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivist.config import SiteConfig
from archivist.search.bundle import unpack
from archivist.search.directory import WORDS_FILE, directory_word
from archivist.search.index import build_index
from archivist.search.shards import ARCHIVE_SCRIPT, plan_shards

SHARD_SIZE = 3  # 12 pages -> 4 shards


def page(slug: str, words: str) -> tuple[str, bytes]:
    html = f"""<!DOCTYPE html><html lang="en"><head><title>{slug}</title></head><body>
<article data-pagefind-body><h1 data-pagefind-meta="title">{slug}</h1><p>{words}</p></article></body></html>"""
    return f"articles/{slug}/index.html", html.encode("utf-8")


# Pages of different lengths, a word each page alone has, a middle initial and a note number.
PAGES = [page(f"article-{i:02d}", " ".join(["common"] * (i + 1)) + f" only{i} J. Jarvis 7") for i in range(12)]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    config = SiteConfig(root=tmp_path_factory.mktemp("site"), base_url="https://example.org/archive/")
    return build_index(PAGES, config, shard_size=SHARD_SIZE)


def metadata(files: dict[str, bytes], folder: str) -> list:
    entry = json.loads(files[f"pagefind/{folder}pagefind-entry.json"])
    name = entry["languages"]["en"]["hash"]
    return unpack(files[f"pagefind/{folder}pagefind.{name}.pf_meta"])


def shard_folders(files: dict[str, bytes]) -> list[str]:
    return ["", *json.loads(files["pagefind/pagefind-entry.json"])["archivist_shards"]["bundles"]]


def test_every_shard_counts_the_archives_pages_and_words(files):
    totals = set()
    for folder in shard_folders(files):
        pages = metadata(files, folder)[1]
        real = [p for p in pages if p[0]]
        placeholders = [p for p in pages if not p[0]]
        assert 0 < len(real) < len(PAGES)
        assert sum(1 for p in placeholders if p[1]) <= 1  # one carries the other shards' words
        totals.add((len(pages), sum(p[1] for p in pages)))
    assert len(totals) == 1
    assert totals.pop()[0] == len(PAGES)


def test_the_directory_names_the_shards_holding_each_word(files):
    entry = json.loads(files["pagefind/pagefind-entry.json"])["archivist_shards"]
    assert entry["directory"] == "directory/" and entry["pages"] == len(PAGES)
    directory = metadata(files, "directory/")
    shards = plan_shards(PAGES, SHARD_SIZE)
    assert [p[0] for p in directory[1]] == [f"en_dir-{shard.number}" for shard in shards]
    holders = {}
    for path, data in files.items():
        if path.startswith("pagefind/directory/index/"):
            for word, postings, _variants in unpack(data)[0]:
                at, positions = 0, []
                for delta, *_ in postings:
                    at += delta
                    positions.append(at)
                holders[word] = positions
    for i in range(12):
        shard = next(n for n, s in enumerate(shards) if any(f"article-{i:02d}/" in p for p, _ in s.pages))
        assert holders[f"only{i}"] == [shard]
    assert holders["common"] == list(range(len(shards)))
    assert "j" not in holders and "7" not in holders  # a lone letter or digit is never matched alone
    assert "jarvi" in holders or "jarvis" in holders


def test_lone_letters_and_digits_are_not_directory_words_but_lone_cjk_characters_are():
    assert not directory_word("j") and not directory_word("7") and not directory_word("é")
    assert directory_word("jo") and directory_word("学") and directory_word("ㄱ")


def test_the_bundle_publishes_the_archives_pagefind_js_over_pagefinds_own(files):
    assert files["pagefind/pagefind.js"] == ARCHIVE_SCRIPT.read_bytes()
    assert b"pagefind-engine.js" in files["pagefind/pagefind.js"]
    assert b"export" in files["pagefind/pagefind-engine.js"] and files["pagefind/pagefind-engine.js"] != files["pagefind/pagefind.js"]
    assert not any(path.endswith(WORDS_FILE) for path in files)


def test_the_word_reader_reads_every_chunk_as_the_full_decoder_does(files):
    from archivist.search.bundle import unpack
    from archivist.search.directory import chunk_words

    chunks = [data for path, data in files.items() if path.startswith("pagefind/index/")]
    assert chunks
    for data in chunks:
        assert chunk_words(data) == [str(entry[0]) for entry in unpack(data)[0]]
