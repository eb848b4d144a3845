"""The cite step end to end: batched requests to Node, each item still formatted alone, the
per-article cache, and builds that find everything cached never starting Node."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from archivist.citations.cite import cite_all
from archivist.citations import DEFAULT_STYLES, PINPOINT_SENTINEL, CitationEngine, CitationEngineError, csl_item
from archivist.citations.nodeproc import NodeWorker, find_citeproc
from archivist.citations.styles import StyleLibrary, locales_for
from archivist.config import SiteConfig
from archivist.model import Article, ArticleMeta, PartialDate, Person, RenderedBody, SourceFile

APA, MLA, CAD, CNB = DEFAULT_STYLES
SITE = "https://example.org/archive/"
JANE = Person(family="Smith", given="Jane")
ROBERT = Person(family="Smith", given="Robert")

# Together in one bibliography these would be told apart: the first two by year suffixes
# (2002a, 2002b) in APA and Chicago author-date, Robert by his initial in APA in-text
# citations, and Jane's later entries by a dash in MLA's list.
TWINS = [
    dict(slug="smith-ledgers", title="Ledgers of the river trade", authors=(JANE,), date=PartialDate(2002)),
    dict(slug="smith-letters", title="Letters from the river ports", authors=(JANE,), date=PartialDate(2002)),
    dict(slug="smith-robert", title="Customs houses of the coast", authors=(ROBERT,), date=PartialDate(2002)),
    dict(slug="smith-later", title="The river trade revisited", authors=(JANE,), date=PartialDate(2005)),
]


def meta(**fields) -> ArticleMeta:
    fields.setdefault("journal", "Journal of Trade History")
    fields.setdefault("volume", "12")
    fields.setdefault("pages", "1-20")
    return ArticleMeta(**fields)


def item(**fields) -> dict:
    return csl_item(meta(**fields), f"{SITE}articles/{fields['slug']}/", "en-US")


def article(**fields) -> Article:
    slug = fields["slug"]
    source = SourceFile(Path(f"/nowhere/{slug}.md"), f"content/articles/{slug}.md", slug, None, "")
    return Article(source=source, meta=meta(**fields), body=RenderedBody(html="<p>x</p>"),
                   title_html=fields["title"], abstract_html="", body_line=1)


class CountingWorker(NodeWorker):
    """A real worker that records every request it is sent."""

    log: list[dict] = []

    def request(self, op: str, **fields):
        CountingWorker.log.append({"op": op, "jobs": len(fields.get("jobs", ())),
                                   "key": fields.get("key"), "style": "style" in fields})
        return super().request(op, **fields)


@pytest.fixture
def counting(monkeypatch) -> list[dict]:
    CountingWorker.log = []
    monkeypatch.setattr("archivist.citations.pool.NodeWorker", CountingWorker)
    return CountingWorker.log


def forbid_node(monkeypatch) -> None:
    def no_worker(*args, **kwargs):
        raise AssertionError("Node must not start when every citation is cached")

    monkeypatch.setattr("archivist.citations.pool.NodeWorker", no_worker)


def formatted_together(style_id: str, items: list[dict]) -> tuple[str, list[str]]:
    """What citeproc-js makes of the items registered together: the bibliography, and each
    item's citation. Only to show that the items above would interact if they met."""
    style = StyleLibrary().find(style_id)
    locales = {loc.lang: loc.xml for loc in locales_for("en-US")}
    script = """
      const CSL = require(process.argv[1]);
      const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const items = Object.fromEntries(input.items.map((it) => [it.id, it]));
      const sys = { retrieveItem: (id) => items[id], retrieveLocale: (l) => input.locales[l] || false };
      const engine = new CSL.Engine(sys, input.style, "en-US", true);
      engine.setOutputFormat("text");
      engine.updateItems(Object.keys(items));
      const cites = Object.keys(items).map((id) => engine.makeCitationCluster([{ id }]));
      process.stdout.write(JSON.stringify([engine.makeBibliography()[1].join(""), cites]));
    """
    payload = json.dumps({"items": items, "style": style.xml, "locales": locales})
    done = subprocess.run(["node", "-e", script, str(find_citeproc())], input=payload,
                          capture_output=True, text=True, check=True, timeout=300)
    bibliography, cites = json.loads(done.stdout)
    return bibliography, cites


def test_batched_results_equal_each_item_formatted_alone_in_a_fresh_engine():
    items = [item(**fields) for fields in TWINS]
    # The same items in one registry do interact: suffixes, a dash, an added initial.
    apa_together, apa_cites = formatted_together(APA, items)
    assert "2002a" in apa_together and "2002b" in apa_together
    assert "R. Smith" in apa_cites[2]
    assert "2002a" in formatted_together(CAD, items)[0]
    assert "———" in formatted_together(MLA, items)[0]

    batch = items + [items[0]]  # a repeated item must not disambiguate against itself either
    with CitationEngine() as engine:
        together = engine.cite_items(batch, ["en-US"] * len(batch), DEFAULT_STYLES)
        assert engine.workers_started == 1
    for position, entry in enumerate(batch):
        with CitationEngine() as alone:  # a new Node process: nothing formatted before
            for style in DEFAULT_STYLES:
                assert together[position][style].bibliography == alone.bibliography(entry, style, "en-US")
                assert together[position][style].pinpoint == alone.pinpoint_template(entry, style, "en-US")
    texts = [together[n][s].bibliography.text + together[n][s].pinpoint.text
             for n in range(len(batch)) for s in DEFAULT_STYLES]
    assert not any(mark in text for text in texts for mark in ("2002a", "2002b", "———", "R. Smith"))
    assert all(PINPOINT_SENTINEL in together[n][s].pinpoint.text for n in range(len(batch)) for s in DEFAULT_STYLES)


def test_cold_build_sends_one_request_per_style_and_a_warm_one_starts_no_node(tmp_path, monkeypatch, counting):
    config = SiteConfig(root=tmp_path, base_url=SITE)
    articles = [article(**fields) for fields in TWINS]
    entries, problems = cite_all(config, articles)
    assert problems == []
    assert [(r["op"], r["jobs"], r["style"]) for r in counting] == [("format", 4, True)] * 4
    assert len({r["key"] for r in counting}) == 4
    assert [[b.style_id for b in e.citations] for e in entries] == [list(DEFAULT_STYLES)] * 4
    assert [[b.style_id for b in e.pinpoints] for e in entries] == [list(DEFAULT_STYLES)] * 4
    assert entries[0].citations[0].text.startswith("Smith, J. (2002). Ledgers of the river trade.")
    assert entries[0].pinpoints[0].text == f"(Smith, 2002, para. {PINPOINT_SENTINEL})"
    assert len(list((config.cache_dir / "citations").rglob("*.entry"))) == 4  # one file per article

    forbid_node(monkeypatch)
    monkeypatch.setenv("PATH", "/nonexistent")  # not even the engine version needs Node
    again, problems = cite_all(config, articles)
    assert problems == []
    assert [(e.citations, e.pinpoints, e.exports) for e in again] == [(e.citations, e.pinpoints, e.exports) for e in entries]


def test_only_styles_with_work_are_built(tmp_path, counting):
    config = SiteConfig(root=tmp_path, base_url=SITE, citation_styles=(APA,))
    articles = [article(**fields) for fields in TWINS]
    cite_all(config, articles)
    assert [(r["jobs"], r["style"]) for r in counting] == [(4, True)]
    counting.clear()
    # A style added later: only it is built; APA comes from the cache.
    entries, _ = cite_all(replace(config, citation_styles=(APA, MLA)), articles)
    assert [(r["jobs"], r["style"]) for r in counting] == [(4, True)]
    assert [b.style_id for b in entries[0].citations] == [APA, MLA]
    counting.clear()
    # An edited article: one job per style, and its cache file is replaced, not added to.
    edited = articles[:3] + [article(**dict(TWINS[3], title="The river trade, revisited"))]
    entries, _ = cite_all(replace(config, citation_styles=(APA, MLA)), edited)
    assert [r["jobs"] for r in counting] == [1, 1]
    assert "The river trade, revisited" in entries[3].citations[0].text
    assert len(list((config.cache_dir / "citations").rglob("*.entry"))) == 4


def test_no_styles_needs_no_engine(tmp_path, monkeypatch):
    forbid_node(monkeypatch)
    monkeypatch.setenv("ARCHIVIST_NODE_MODULES", str(tmp_path))  # citeproc "missing": never looked for
    config = SiteConfig(root=tmp_path, base_url=SITE, citation_styles=())
    entries, problems = cite_all(config, [article(**TWINS[0])])
    assert problems == []
    assert entries[0].citations == () and "cite.bib" in entries[0].exports


def test_two_workers_split_the_styles_and_agree_with_one(tmp_path, counting):
    items = [item(**fields) for fields in TWINS[:2]]
    with CitationEngine(workers=2) as pair:
        split = pair.cite_items(items, ["en-US"] * 2, DEFAULT_STYLES)
        assert pair.workers_started == 2
        counting.clear()
        pair.cite_items([item(**TWINS[2])], ["en-US"], DEFAULT_STYLES)
        assert [r["style"] for r in counting] == [False] * 4  # each style stays in its worker
    with CitationEngine(workers=1) as single:
        assert single.cite_items(items, ["en-US"] * 2, DEFAULT_STYLES) == split
        assert single.workers_started == 1


def test_a_failing_item_is_named(tmp_path):
    broken = dict(item(**TWINS[0]), author=[{"family": {"not": "a name"}}])
    with CitationEngine() as engine:
        with pytest.raises(CitationEngineError, match=r"apa.*smith-ledgers"):
            engine.cite_items([item(**TWINS[1]), broken], ["en-US"] * 2, [APA])
        # The worker stays usable after a failure.
        assert engine.bibliography(item(**TWINS[1]), APA, "en-US").text.startswith("Smith, J. (2002).")


def test_macro_index_changes_no_output():
    """The worker remembers macro lookups while it builds a style; building without that
    shortcut must give the same text for every default style."""
    items = [item(**fields) for fields in TWINS]
    styles = {s: StyleLibrary().find(s).xml for s in DEFAULT_STYLES}
    locales = {loc.lang: loc.xml for loc in locales_for("en-US")}
    script = """
      const CSL = require(process.argv[1]);
      const { createFormatter } = require(process.argv[2]);
      const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const run = (indexMacros) => {
        const formatter = createFormatter(CSL, { indexMacros });
        return Object.entries(input.styles).map(([key, style]) => formatter.handle({
          op: "format", key, style: { style, locales: input.locales, lang: "en-US" },
          jobs: input.items.map((item) => ({ item, bibliography: true, cites: [{ locator: "7", label: "paragraph" }] })),
        }));
      };
      process.stdout.write(JSON.stringify([run(true), run(false)]));
    """
    worker_js = Path(__file__).resolve().parents[2] / "archivist" / "citations" / "worker.js"
    payload = json.dumps({"items": items, "styles": styles, "locales": locales})
    done = subprocess.run(["node", "-e", script, str(find_citeproc()), str(worker_js)], input=payload,
                          capture_output=True, text=True, check=True, timeout=300)
    indexed, plain = json.loads(done.stdout)
    assert indexed == plain
    assert len(indexed) == 4 and all(len(replies) == 4 for replies in indexed)
