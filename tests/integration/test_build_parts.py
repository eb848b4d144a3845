"""`build --part K/N` on separate copies of a site (as on separate machines) and `merge`: the merged site is
the whole build's, byte for byte, its problems the whole build's; parts that do not make one site are
refused with every reason, no traceback, and the output left as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from corpus import generate  # noqa: E402

TIMEOUT = 900
CORPUS_SIZE = 32
SHARD_SIZE = 4  # 32 articles in 8 search shards: two for each of 4 parts
EDITED = "content/articles/edited.md"


def archivist(*args: str | Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    """`python build.py ARGS`, as a workflow step runs it."""
    return subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=TIMEOUT)


def ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def problems(done: subprocess.CompletedProcess) -> list[str]:
    """The diagnostic lines a command printed, in order."""
    return [line for line in done.stderr.splitlines() if "[" in line and line.startswith("content/")]


def copy_site(site: Path, to: Path) -> Path:
    """A checkout of the site on another machine: same files, its own cache."""
    shutil.copytree(site, to, ignore=shutil.ignore_patterns(".cache", "output*"))
    return to


def build_parts(site: Path, where: Path, count: int) -> list[Path]:
    """Each part built in its own copy of the site, into its default folder there."""
    folders = []
    for number in range(1, count + 1):
        machine = copy_site(site, where / f"machine-{number}")
        done = ok(archivist("--site", machine, "build", "--part", f"{number}/{count}", "-q"))
        assert done.stdout == ""
        folders.append(machine / f"output-part-{number}-of-{count}")
    return folders


class Built:
    """A site built whole and in parts, and merged."""

    def __init__(self, site: Path, work: Path, parts: int):
        self.site, self.work = site, work
        self.whole = ok(archivist("--site", copy_site(site, work / "whole"), "build", "--output", work / "whole-output"))
        self.parts = build_parts(site, work, parts)
        self.merge = ok(archivist("--site", site, "merge", *self.parts, "--output", work / "merged"))

    def merged(self) -> dict[str, bytes]:
        return tree(self.work / "merged")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("parts")
    site = work / "site"
    generate(site, CORPUS_SIZE)
    with (site / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write(f"search_shard_size = {SHARD_SIZE}\n")
    return Built(site, work, 4)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sample archive: articles citing each other across parts, a translation, bundles, records."""
    work = tmp_path_factory.mktemp("sample-parts")
    site = work / "site"
    shutil.copytree(REPO_ROOT / "content", site / "content")
    settings = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (site / "pyproject.toml").write_text(settings + "search_shard_size = 4\n", encoding="utf-8")
    return Built(site, work, 3)


def test_the_merged_corpus_is_the_whole_build_byte_for_byte(corpus: Built):
    merged, whole = corpus.merged(), tree(corpus.work / "whole-output")
    assert sorted(merged) == sorted(whole)
    assert [path for path in whole if merged[path] != whole[path]] == []
    shards = {path.split("/")[1] for path in whole if path.startswith("pagefind/shard-")}
    assert len(shards) >= 3, "the primary shard and at least three others"
    assert "archivist_shards" in json.loads(whole["pagefind/pagefind-entry.json"])


def test_each_part_holds_its_own_pages_and_shards_and_a_json_summary(corpus: Built):
    owners: dict[str, int] = {}
    for number, folder in enumerate(corpus.parts, start=1):
        summary = json.loads((folder / "archivist-part.json").read_text(encoding="utf-8"))
        assert (summary["part"], summary["parts"], summary["shards"]) == (number, 4, 8)
        pages = [path for path in summary["files"] if path.endswith("/index.html")]
        assert pages and all(path.startswith("articles/") for path in pages)
        for path in pages:
            owners[path] = number
        shard_numbers = {int(path.split("/")[0]) for path in summary["search_files"]}
        assert {shard % 4 + 1 for shard in shard_numbers} <= {number}
        assert not (folder / "site" / "pagefind").exists(), "the merge publishes the search index"
        assert not (folder / "site" / "index.html").exists() and not (folder / "site" / "feed.xml").exists()
    assert len(owners) == CORPUS_SIZE


def test_the_merge_reports_the_whole_builds_problems(corpus: Built):
    assert problems(corpus.whole), "the corpus has warnings to compare"
    assert problems(corpus.merge) == problems(corpus.whole)
    assert "merged 4 parts (32 articles)" in corpus.merge.stdout


def test_the_merged_sample_archive_is_the_whole_build_byte_for_byte(sample: Built):
    merged, whole = sample.merged(), tree(sample.work / "whole-output")
    assert sorted(merged) == sorted(whole)
    assert [path for path in whole if merged[path] != whole[path]] == []
    cited = [path for path, data in whole.items() if b'class="cited-by"' in data]
    assert cited, "an article of the sample archive is cited by another"


# --- parts that do not make one site --------------------------------------------------------------

def refused(done: subprocess.CompletedProcess, *reasons: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.stderr.startswith("archivist: cannot merge the parts:")
    for reason in reasons:
        assert reason in done.stderr, done.stderr


def merge_unchanged(corpus: Built, *folders: Path, reasons: tuple[str, ...], site: Path | None = None) -> None:
    """The merge is refused for `reasons`, and the site merged before is left exactly as it was."""
    before = corpus.merged()
    done = archivist("--site", site or corpus.site, "merge", *folders, "--output", corpus.work / "merged")
    refused(done, *reasons)
    assert corpus.merged() == before


def test_a_missing_part_is_named(corpus: Built):
    merge_unchanged(corpus, *corpus.parts[:2], corpus.parts[3], reasons=("part 3 of 4 is missing",))


def test_a_part_given_twice_and_a_folder_that_is_no_part(corpus: Built, tmp_path: Path):
    merge_unchanged(corpus, *corpus.parts, corpus.parts[1],
                    reasons=("part 2/4 is given twice",))
    merge_unchanged(corpus, *corpus.parts, tmp_path, reasons=(f"{tmp_path}: not a part folder",))


def test_a_part_of_another_count_is_named(corpus: Built):
    machine = copy_site(corpus.site, corpus.work / "machine-other-count")
    ok(archivist("--site", machine, "build", "--part", "2/2", "-q"))
    other = machine / "output-part-2-of-2"
    merge_unchanged(corpus, corpus.parts[0], other, *corpus.parts[2:], reasons=("is a part of 2",))


def test_parts_of_other_content_are_named(corpus: Built):
    machine = copy_site(corpus.site, corpus.work / "machine-edited")
    article = sorted((machine / "content" / "articles").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    ok(archivist("--site", machine, "build", "--part", "1/4", "-q"))
    edited = machine / "output-part-1-of-4"
    merge_unchanged(corpus, edited, *corpus.parts[1:], reasons=("were built from a different content/ folder",))
    merge_unchanged(corpus, *corpus.parts, site=machine,
                    reasons=("the parts were built from a different content/ folder than this site",))


def test_a_part_folder_missing_a_file_is_named(corpus: Built, tmp_path: Path):
    copy = tmp_path / "part-3"
    shutil.copytree(corpus.parts[2], copy)
    page = next((copy / "site" / "articles").glob("*/index.html"))
    page.unlink()
    merge_unchanged(corpus, *corpus.parts[:2], copy, corpus.parts[3], reasons=("lacks 1 of the files it wrote",))


def test_a_bad_part_number_is_a_usage_error(corpus: Built):
    for value, reason in (("5/4", "K must be from 1 to N"), ("2", "--part takes K/N")):
        done = archivist("--site", corpus.site, "build", "--part", value)
        assert done.returncode == 2 and reason in done.stderr and "Traceback" not in done.stderr


# --- what a part presumes of the articles other parts render ---------------------------------------

SMALL_SETTINGS = """[tool.archivist]
title = "Parts Test"
base_url = "https://example.org/parts/"
citation_styles = ["apa"]
search_shard_size = 1
"""
SMALL_ARTICLE = """---
title: "{title}"
authors: ["Osei, Clara"]
date: 2020-0{month}-01
journal: Ledger and Letter
keywords: [harbours]
---
{body}
"""


def small_site(root: Path, bodies: dict[str, str]) -> Path:
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SMALL_SETTINGS, encoding="utf-8")
    for month, (slug, body) in enumerate(sorted(bodies.items()), start=1):
        text = SMALL_ARTICLE.format(title=slug.replace("-", " ").title(), month=month, body=body)
        (articles / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


def test_a_short_body_that_shows_nothing_is_a_record_on_every_part(tmp_path: Path):
    bodies = {f"harbour-{n}": "The harbour records of the year. " * 100 for n in range(1, 7)}
    bodies["harbour-3"] = "[^1]: A note the text never refers to."
    built = Built(small_site(tmp_path / "site", bodies), tmp_path, 2)
    merged, whole = built.merged(), tree(tmp_path / "whole-output")
    assert merged == whole
    assert whole["articles/harbour-1/index.html"].count(b'class="badge"') == 1, "harbour-3 is listed as a record"


def test_a_long_body_that_shows_nothing_stops_its_part(tmp_path: Path):
    bodies = {f"harbour-{n}": "The harbour records of the year. " * 100 for n in range(1, 5)}
    bodies["harbour-2"] = "\n\n".join(f"[^{n}]: A note the text never refers to, one of many." for n in range(1, 80))
    site = small_site(tmp_path / "site", bodies)
    ok(archivist("--site", site, "build", "--output", tmp_path / "whole", "-q"))
    failed = [archivist("--site", site, "build", "--part", f"{n}/2", "-q") for n in (1, 2)]
    stopped = [done for done in failed if done.returncode != 0]
    assert len(stopped) == 1 and stopped[0].returncode == 1
    assert "content/articles/harbour-2.md:8:1: error[build.part-body]" in stopped[0].stderr
