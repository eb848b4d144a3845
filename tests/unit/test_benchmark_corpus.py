"""The benchmark corpus is deterministic, valid for Archivist, and shaped like a real archive."""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import yaml

from archivist import config
from archivist.content import frontmatter, schema
from archivist.util.identifiers import normalise_doi, normalise_orcid, valid_issn

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import corpus  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus.generate(root, 30, seed=7)
    return root


def test_same_seed_gives_the_same_bytes(tmp_path: Path, site: Path) -> None:
    corpus.generate(tmp_path / "again", 30, seed=7)
    assert _tree(tmp_path / "again") == _tree(site)


def test_another_seed_gives_other_articles(tmp_path: Path, site: Path) -> None:
    corpus.generate(tmp_path / "other", 30, seed=8)
    assert _tree(tmp_path / "other")["pyproject.toml"] == _tree(site)["pyproject.toml"]
    assert set(_tree(tmp_path / "other")) != set(_tree(site))


def test_writes_n_articles_and_a_loadable_config(site: Path) -> None:
    settings = tomllib.loads((site / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["archivist"]
    assert settings["title"] and settings["base_url"].startswith("https://")
    assert config.load(site).title == settings["title"]
    assert len(list((site / "content" / "articles").glob("*.md"))) == 30


def test_every_article_passes_archivists_schema(site: Path) -> None:
    for path in sorted((site / "content" / "articles").glob("*.md")):
        fm = frontmatter.split(path.read_text(encoding="utf-8"))
        meta, problems = schema.validate(fm, path.name, path.stem, "en-US")
        assert meta is not None and problems == [], (path.name, problems)


def test_identifiers_are_valid(site: Path) -> None:
    for path in (site / "content" / "articles").glob("*.md"):
        meta = _front(path)
        assert meta["doi"].startswith("10.99999/") and normalise_doi(meta["doi"]) == meta["doi"]
        assert valid_issn(meta["issn"])
        for person in meta["authors"]:
            if "orcid" in person:
                assert normalise_orcid(person["orcid"]) == person["orcid"]


def test_orcid_check_digit_matches_orcids_own_examples() -> None:
    assert corpus.orcid_check_digit("000000021825009") == "7"  # 0000-0002-1825-0097
    assert corpus.orcid_check_digit("000000021694233") == "X"  # 0000-0002-1694-233X


def test_authors_and_journals_are_shared_between_articles(site: Path) -> None:
    metas = [_front(p) for p in (site / "content" / "articles").glob("*.md")]
    journals = Counter(m["journal"] for m in metas)
    people = Counter((a["family"], a["given"]) for m in metas for a in m["authors"])
    assert max(journals.values()) > 1 and max(people.values()) > 1
    assert any(len(m["authors"]) > 1 for m in metas)


def test_bodies_are_long_and_use_every_block_kind(site: Path) -> None:
    for path in (site / "content" / "articles").glob("*.md"):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        assert 5000 <= len(body.split()) <= 7500
        references = set(re.findall(r"\[\^(\d+)\](?!:)", body))
        definitions = re.findall(r"^\[\^(\d+)\]:", body, re.M)
        assert len(definitions) == 40 and references == set(definitions)
        for pattern in (r"^## ", r"^### ", r"^> ", r"^\|---", r"^(- |1\. )"):
            assert re.search(pattern, body, re.M), (path.name, pattern)


def test_pelican_header_carries_the_record() -> None:
    header = peers.pelican_header({"title": "A: B", "date": "2001-02-03", "journal": "J",
                                   "authors": [{"family": "Linden", "given": "Maaike", "particle": "van der"},
                                               {"family": "Kim", "given": "Ji"}],
                                   "keywords": ["x", "y z"], "abstract": "One\ntwo.", "doi": "10.99999/q"}, "a-b")
    assert "Authors: Maaike van der Linden; Ji Kim\n" in header
    assert "Tags: x, y z\n" in header and "Summary: One two.\n" in header and "Slug: a-b\n" in header


def test_ratios_divide_our_median_by_the_peers_sum() -> None:
    def median(wall: float, cpu: float, rss: int = 0) -> dict:
        return {"median": {"wall": wall, "cpu": cpu, "max_rss": rss, "tree_rss": rss}}

    scenarios = {"cold": median(10, 8, 3 * report.GIB), "hugo": median(4, 2), "pagefind_on_hugo": median(1, 2)}
    found = report.ratios(scenarios)
    assert found["cold / (hugo + pagefind)"] == {"wall": 2.0, "cpu": 2.0, "target": 1.0, "met": False}
    assert found["cold peak memory (GiB)"]["met"] is False
    assert "cold / pelican" not in found


def test_paired_ratios_compare_each_round_with_the_peers_same_round() -> None:
    def runs(*walls: float) -> dict:
        samples = [{"wall": wall, "cpu": wall, "max_rss": 0, "tree_rss": 0} for wall in walls]
        return {"runs": samples, "median": sorted(samples, key=lambda s: s["wall"])[len(samples) // 2]}

    # the machine slows down run after run: ours and Hugo's later rounds are both slower
    scenarios = {"bare": runs(10, 20, 40), "hugo": runs(5, 10, 20)}
    found = report.ratios(scenarios)["bare / hugo"]
    assert found["paired_wall"] == {"median": 2.0, "low": 2.0, "high": 2.0}
    scenarios = {"bare": runs(10, 20), "hugo": runs(5, 20)}  # two rounds: the median lies between them
    assert report.ratios(scenarios)["bare / hugo"]["paired_wall"] == {"median": 1.5, "low": 1.0, "high": 2.0}
    scenarios["hugo"] = runs(5)  # a peer that failed in its second round: no pairs to make
    assert "paired_wall" not in report.ratios(scenarios)["bare / hugo"]
