"""What the worker leaves out when it formats an item alone (see styletree.js) changes no
character: the reference-list sort of a one-item list, and all but one paragraph citation per
item type and language for styles whose citation reads nothing else of the item.

Each path is compared with the same work done in full: the worker with its shortcuts off, and
citeproc-js run directly by a small script of its own, one item at a time.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from archivist.citations import DEFAULT_STYLES, PINPOINT_SENTINEL, CitationEngine, csl_item
from archivist.citations.nodeproc import WORKER_SCRIPT, find_citeproc
from archivist.citations.sanitize import clean_html
from archivist.citations.styles import StyleLibrary, choose_locale, locales_for
from archivist.model import ArticleMeta, PartialDate, Person

APA, MLA, CAD, CNB = DEFAULT_STYLES
IEEE, AMA = "ieee", "american-medical-association"
BRACKETING_NOTE_STYLE = "studi-e-materiali-di-storia-delle-religioni"  # nests parentheses when undated
SITE = "https://example.org/archive/articles/"
LOCATORS = ((PINPOINT_SENTINEL, "paragraph"), ("12", "page"), ("3-5", "page"), ("", ""))
STYLE_TREE = str(WORKER_SCRIPT.with_name("styletree.js"))


def item(slug: str, **fields) -> dict:
    fields.setdefault("date", PartialDate(2002))
    fields.setdefault("journal", "Journal of Trade History")
    return csl_item(ArticleMeta(slug=slug, **fields), f"{SITE}{slug}/", "en-US")


SMITHS = (Person(family="Smith", given="Jane"), Person(family="Smith", given="John"), Person(family="Smith", given="J. R."))
ITEMS = [
    item("one-author", title="Ledgers of the river trade", authors=(Person(family="Lankov", given="Andrei"),),
         volume="26", issue="1", pages="87-119", doi="10.1353/ks.2002.0004"),
    item("same-family", title="Three Smiths", authors=SMITHS),
    item("undated", title="Undated letters", authors=(Person(family="Doe", given="Ann"),), date=None,
         volume="3", pages="1-9"),
    item("anonymous", title="A work without an author", authors=()),
    item("organisation", title="World report", type="report", authors=(Person(literal="World Health Organization"),)),
    item("particle", title="Letters", type="book", authors=(Person(family="Gogh", given="Vincent", particle="van"),)),
    item("many", title="Many hands", authors=tuple(Person(family=f"Author{n}", given="B.") for n in range(12))),
    item("german", title="über die Dinge", language="de", authors=(Person(family="Müller", given="Ida"),)),
    item("turkish", title="istanbul limanı", language="tr", authors=(Person(family="Yılmaz", given="İsmail"),)),
]
ITEMS.append(dict(ITEMS[0], id="edited", editor=[{"family": "Smith", "given": "Jane"}],
                  author=[{"family": "Smith", "given": "John"}]))
ITEMS.append(dict(ITEMS[3], id="a-case", type="legal_case", title="Smith v. Jones"))


def spec(style_id: str) -> dict:
    style = StyleLibrary().find(style_id)
    lang = choose_locale(style, "en-US")
    return {"style": style.xml, "locales": {loc.lang: loc.xml for loc in locales_for(lang)}, "lang": lang}


def node(script: str, payload: dict) -> object:
    done = subprocess.run(["node", "-e", script, str(find_citeproc()), str(WORKER_SCRIPT), STYLE_TREE],
                          input=json.dumps(payload), capture_output=True, text=True, check=True, timeout=600)
    return json.loads(done.stdout)


TREE = """
  const CSL = require(process.argv[1]);
  const tree = require(process.argv[3]);
  const styles = JSON.parse(require("fs").readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(styles).map(([id, xml]) => {
    const parsed = CSL.parseXml(xml);
    return [id, { unsorted: Boolean(tree.withoutBibliographySort(parsed)), itemless: tree.citationIsItemless(parsed) }];
  }))));
"""


def tree_facts(styles: dict[str, str]) -> dict[str, dict[str, bool]]:
    return node(TREE, styles)  # type: ignore[return-value]


def test_the_style_tree_finds_which_shortcut_each_style_allows():
    facts = tree_facts({s: StyleLibrary().find(s).xml for s in (*DEFAULT_STYLES, IEEE, AMA)})
    assert {s: f["unsorted"] for s, f in facts.items()} == {APA: True, MLA: True, CAD: True, CNB: True,
                                                            IEEE: False, AMA: False}  # IEEE, AMA: no sort to drop
    assert {s: f["itemless"] for s, f in facts.items()} == {APA: False, MLA: False, CAD: False, CNB: False,
                                                            IEEE: True, AMA: True}


MINIMAL = """<style xmlns="http://purl.org/net/xbiblio/csl" class="{cls}" version="1.0">
  <info><id>x</id><title>x</title><updated>2020-01-01T00:00:00+00:00</updated></info>
  <macro name="sorted"><text variable="title" {mark}/></macro>
  <citation><layout>{cite}</layout></citation>
  <bibliography><sort><key macro="sorted"/></sort><layout><text variable="title"/></layout></bibliography>
</style>"""


def test_the_style_tree_keeps_what_could_change_an_answer():
    facts = tree_facts({
        "plain": MINIMAL.format(cls="in-text", mark="", cite='<text variable="citation-number"/>'),
        # Building a key that tests disambiguation flags the whole engine; no layout does it here.
        "flagging-sort": MINIMAL.format(cls="in-text", mark='disambiguate="true"', cite='<text variable="locator"/>'),
        "cites-a-title": MINIMAL.format(cls="in-text", mark="", cite='<text variable="title"/>'),
        "tests-a-variable": MINIMAL.format(
            cls="in-text", mark="", cite='<choose><if variable="DOI"><text value="d"/></if></choose>'),
        "note": MINIMAL.format(cls="note", mark="", cite='<text variable="citation-number"/>'),
    })
    assert facts["plain"] == {"unsorted": True, "itemless": True}
    assert facts["flagging-sort"]["unsorted"] is False
    assert [facts[s]["itemless"] for s in ("cites-a-title", "tests-a-variable", "note")] == [False, False, False]


COMPARE = """
  const CSL = require(process.argv[1]);
  const { createFormatter } = require(process.argv[2]);
  const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const jobs = input.items.map((item) => ({ item, bibliography: true, cites: input.cites }));
  const run = (shortcuts) => Object.entries(input.styles).map(([key, style]) => {
    const formatter = createFormatter(CSL, { shortcuts });
    const first = formatter.handle({ op: "format", key, style, jobs: jobs.slice(0, 3) });  // then a warm engine
    return first.concat(formatter.handle({ op: "format", key, jobs: jobs.slice(3) }));
  });
  process.stdout.write(JSON.stringify([run(true), run(false)]));
"""


def test_the_shortcuts_change_no_output():
    cites = [{"locator": locator, "label": label} for locator, label in LOCATORS]
    styles = {s: spec(s) for s in (*DEFAULT_STYLES, IEEE, AMA, BRACKETING_NOTE_STYLE)}
    fast, full = node(COMPARE, {"items": ITEMS, "styles": styles, "cites": cites})  # type: ignore[misc]
    assert fast == full
    assert len(fast) == len(styles) and all(len(replies) == len(ITEMS) for replies in fast)
    ieee = fast[list(styles).index(IEEE)]
    assert {reply["cites"][0] for reply in ieee} == {f"[1, Para. {PINPOINT_SENTINEL}]"}


DIRECT = """
  const CSL = require(process.argv[1]);
  const ask = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const items = Object.fromEntries(ask.items.map((item, n) => ["direct-" + n, Object.assign({}, item, { id: "direct-" + n })]));
  process.stdout.write(JSON.stringify(Object.values(ask.styles).map((spec) => {
    const sys = { retrieveItem: (id) => items[id], retrieveLocale: (lang) => spec.locales[lang] || false };
    const engine = new CSL.Engine(sys, spec.style, spec.lang, true);
    engine.opt.development_extensions.wrap_url_and_doi = true;
    engine.setOutputFormat("html");
    return Object.keys(items).map((id) => {
      engine.updateItems([id]);  // alone
      if (ask.entryFirst) engine.makeBibliography();
      return ask.cites.map(([locator, label]) => engine.makeCitationCluster([locator ? { id, locator, label } : { id }]));
    });
  })));
"""


@pytest.mark.parametrize("style", [IEEE, AMA, APA, CAD])
def test_shared_pinpoints_equal_each_item_cited_alone(style):
    """Numeric styles share one citation per item type and language; author-date styles cite each
    item; either way every citation is what citeproc-js makes of the item alone."""
    (direct,) = node(DIRECT, {"items": ITEMS, "styles": {style: spec(style)}, "cites": LOCATORS})  # type: ignore[misc]
    with CitationEngine() as engine:
        found = engine.cite_items(ITEMS, ["en-US"] * len(ITEMS), [style])
        for entry, alone, cites in zip(ITEMS, found, direct):
            assert alone[style].pinpoint.html == clean_html(cites[0])
            for (locator, label), expected in zip(LOCATORS, cites):
                if locator:
                    assert engine.citation(entry, style, "en-US", locator, label).html == clean_html(expected)
    shared = len({cites[0] for cites in direct}) < len(ITEMS) / 2
    assert shared == (style in (IEEE, AMA))


def test_an_items_citations_follow_its_entry():
    """The entry registers every name it shows; a citation made after it may then add a given
    name (APSA: "John Smith 2004" beside an editor Jane Smith). The site has always made the
    entry first, and still does."""
    style = "american-political-science-association"
    (direct,) = node(DIRECT, {"items": ITEMS, "styles": {style: spec(style)}, "cites": LOCATORS[:1],
                              "entryFirst": True})  # type: ignore[misc]
    with CitationEngine() as engine:
        found = engine.cite_items(ITEMS, ["en-US"] * len(ITEMS), [style])
    assert [f[style].pinpoint.html for f in found] == [clean_html(cites[0]) for cites in direct]
    assert found[ITEMS.index(next(i for i in ITEMS if i["id"] == "edited"))][style].pinpoint.text.startswith("(John Smith")


def test_a_note_style_brackets_every_entry_alike():
    """citeproc-js turns nested parentheses of a note style into brackets in the reference list
    once the engine has made a citation: an undated entry read '(s.d.)' when it came first in a
    worker and '[s.d.]' after any other."""
    undated = [dict(ITEMS[2], id=f"undated-{n}", title=f"Undated letters {n}") for n in range(3)]
    with CitationEngine() as engine:
        found = [f[BRACKETING_NOTE_STYLE] for f in engine.cite_items(undated, ["en-US"] * 3, [BRACKETING_NOTE_STYLE])]
    with CitationEngine() as fresh:
        alone = fresh.bibliography(undated[0], BRACKETING_NOTE_STYLE, "en-US")
    assert [f.bibliography.text.count("[s.d.]") for f in found] == [1, 1, 1]
    assert [f.pinpoint.text.count("[s.d.]") for f in found] == [1, 1, 1]
    assert alone == found[0].bibliography


ARTICLE_AFTER = """
  const CSL = require(process.argv[1]);
  const { createFormatter } = require(process.argv[2]);
  const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const article = { article: { items: input.items, clusters: [], uncited: input.items.map((i) => i.id), bibliography: true } };
  const first = createFormatter(CSL, { shortcuts: false });
  const alone = first.handle({ op: "format", key: "k", style: input.style, jobs: [article] });
  const later = createFormatter(CSL, { shortcuts: false });
  later.handle({ op: "format", key: "k", style: input.style, jobs: [{ item: input.items[0], cites: [{}] }] });
  process.stdout.write(JSON.stringify([alone, later.handle({ op: "format", key: "k", jobs: [article] })]));
"""


def test_a_reference_list_of_uncited_works_does_not_depend_on_earlier_jobs():
    works = [dict(ITEMS[2], id="doe-letters")]
    alone, later = node(ARTICLE_AFTER, {"items": works, "style": spec(BRACKETING_NOTE_STYLE)})  # type: ignore[misc]
    assert alone == later
    assert "[s.d.]" in alone[0]["bibliography"]["entries"][0]

