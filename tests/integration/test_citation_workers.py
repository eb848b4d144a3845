"""Cold citation work spread over Node workers in bounded chunks: the same bytes whatever the
number of workers or the chunk size, and one style alone still keeps two workers busy."""

from __future__ import annotations

from pathlib import Path

import pytest

from archivist.citations.cite import cite_all
from archivist.citations import DEFAULT_STYLES, CitationEngine, csl_item
from archivist.citations.nodeproc import NodeWorker
from archivist.config import SiteConfig
from archivist.model import Article, ArticleMeta, PartialDate, Person, RenderedBody, SourceFile

APA = DEFAULT_STYLES[0]
SITE = "https://example.org/archive/"
PEOPLE = [Person(family="Smith", given="Jane"), Person(family="Smith", given="Robert"),
          Person(family="Beethoven", given="Ludwig", particle="van"), Person(literal="Open Science Collaboration"),
          Person(family="김", given="민수")]


def meta(n: int) -> ArticleMeta:
    """Varied articles, several of them alike enough that together they would be told apart."""
    types = ("article-journal", "chapter", "book", "report")
    return ArticleMeta(slug=f"article-{n}", title=f"On the river trade, part {n % 3}", date=PartialDate(2000 + n % 2),
                       type=types[n % 4], authors=tuple(PEOPLE[(n + k) % len(PEOPLE)] for k in range(1 + n % 3)),
                       journal="Journal of Trade History", volume=str(n), pages=f"{n}-{n + 9}",
                       doi=f"10.1234/trade.{n}" if n % 2 else "")


def items(count: int) -> list[dict]:
    return [csl_item(meta(n), f"{SITE}articles/article-{n}/", "en-US") for n in range(count)]


def article(n: int) -> Article:
    source = SourceFile(Path(f"/nowhere/article-{n}.md"), f"content/articles/article-{n}.md", f"article-{n}", None, "")
    return Article(source=source, meta=meta(n), body=RenderedBody(html="<p>x</p>"),
                   title_html=meta(n).title, abstract_html="", body_line=1)


class LoggingWorker(NodeWorker):
    """A real worker that records, per process, how many jobs each request held."""

    log: list[tuple[int, str, int]] = []

    def request(self, op: str, **fields):
        LoggingWorker.log.append((id(self), fields.get("key"), len(fields.get("jobs", ()))))
        return super().request(op, **fields)


@pytest.fixture
def logged(monkeypatch) -> list[tuple[int, str, int]]:
    LoggingWorker.log = []
    monkeypatch.setattr("archivist.citations.pool.NodeWorker", LoggingWorker)
    return LoggingWorker.log


def test_tiny_chunks_on_two_workers_equal_one_request_per_style_on_one(logged):
    batch = items(7)
    langs = ["en-US"] * len(batch)
    with CitationEngine(workers=1, chunk_size=1000) as single:
        whole = single.cite_items(batch, langs, DEFAULT_STYLES)
    assert [jobs for _, _, jobs in logged] == [7] * 4
    logged.clear()
    with CitationEngine(workers=2, chunk_size=1) as pair:
        chunked = pair.cite_items(batch, langs, DEFAULT_STYLES)
        assert pair.workers_started == 2
    assert chunked == whole
    assert len(logged) == 7 * 4 and all(jobs == 1 for _, _, jobs in logged)
    assert len({worker for worker, _, _ in logged}) == 2


def test_one_style_is_shared_by_two_workers(logged):
    batch = items(12)
    with CitationEngine(workers=2, chunk_size=2) as pair:
        shared = pair.cite_items(batch, ["en-US"] * 12, [APA])
        assert pair.workers_started == 2
    jobs_per_worker = {}
    for worker, _, jobs in logged:
        jobs_per_worker[worker] = jobs_per_worker.get(worker, 0) + jobs
    assert len(jobs_per_worker) == 2 and sum(jobs_per_worker.values()) == 12
    with CitationEngine(workers=1) as single:
        assert single.cite_items(batch, ["en-US"] * 12, [APA]) == shared


def cache_bytes(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*.entry"))}


def test_cite_all_gives_the_same_bytes_with_one_worker_or_two(tmp_path):
    articles = [article(n) for n in range(6)]
    found = []
    for workers in (1, 2):
        config = SiteConfig(root=tmp_path / f"site{workers}", base_url=SITE)
        entries, problems = cite_all(config, articles, workers=workers)
        assert problems == []
        found.append(([(e.citations, e.pinpoints, e.exports, e.metadata) for e in entries],
                      cache_bytes(config.cache_dir / "citations")))
    assert found[0] == found[1]
    assert len(found[0][1]) == 6 and all(len(e[0]) == len(DEFAULT_STYLES) for e in found[0][0])
