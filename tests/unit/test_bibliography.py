"""Reading bibliography files: BibTeX through the real citation-js, CSL-JSON/YAML and RIS, and every error located."""

import json
import textwrap
from pathlib import Path

from archivist.citations import bibnode
from archivist.citations.bibliography import BibliographyReader
from archivist.config import SiteConfig
from archivist.content import frontmatter, schema
from archivist.model import SourceFile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bibliography"


def article(root: Path, slug: str, bibliography: str) -> tuple[SourceFile, object]:
    """An article file under content/articles/<slug>/index.md whose front-matter lists `bibliography`."""
    folder = root / "content" / "articles" / slug
    folder.mkdir(parents=True, exist_ok=True)
    text = f"---\ntitle: T\nauthors: [\"Roe, Ann\"]\ndate: 2020-01-01\nbibliography:{bibliography}\n---\nBody.\n"
    (folder / "index.md").write_text(text, "utf-8")
    relpath = f"content/articles/{slug}/index.md"
    meta, problems = schema.validate(frontmatter.split(text), relpath, slug, "en-US")
    assert problems == [] and meta is not None
    return SourceFile(folder / "index.md", relpath, slug, folder, text), meta


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return path


def read(root: Path, *items, cache_dir=None):
    reader = BibliographyReader(SiteConfig(root=root), cache_dir)
    bibliographies, diagnostics = reader.for_articles(list(items))
    return reader, bibliographies, [(d.path, d.line, d.code, d.message) for d in diagnostics]


def test_tricky_bibtex_converts_to_the_hand_checked_csl(tmp_path):
    expected = json.loads((FIXTURES / "tricky.expected.json").read_text("utf-8"))
    write(tmp_path / "content/articles/a/tricky.bib", (FIXTURES / "tricky.bib").read_text("utf-8"))
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " tricky.bib"))
    assert problems == []
    got = [{"key": e.key, "line": e.line, "csl": dict(e.csl)} for e in bib.entries.values()]
    assert [g["key"] for g in got] == [e["key"] for e in expected]
    for want, have in zip(expected, got):
        assert have == want, want["key"]
    assert all(e.path == "content/articles/a/tricky.bib" for e in bib.entries.values())


def test_csl_json_and_yaml_are_read_with_their_lines(tmp_path):
    write(tmp_path / "content/articles/a/refs.json", """
        [
          {"id": "smith2020", "type": "book", "title": "A"},
          {"id": 42, "type": "book", "title": "B"}
        ]
    """)
    write(tmp_path / "content/articles/a/refs.yaml", """
        references:
        - id: doe2019
          type: article-journal
          title: C
          issued: 2019-05-01
        - id: roe2018
          title: D
    """)
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", "\n  - refs.json\n  - refs.yaml"))
    assert problems == []
    assert [(k, e.line) for k, e in bib.entries.items()] == [("smith2020", 2), ("42", 3), ("doe2019", 2), ("roe2018", 6)]
    assert bib.entries["doe2019"].csl["issued"] == {"date-parts": [[2019, 5, 1]]}
    assert bib.entries["42"].csl["id"] == "42"


def test_a_csl_item_without_an_id_is_located(tmp_path):
    write(tmp_path / "content/articles/a/refs.yaml", "- id: ok\n  title: A\n- title: B\n")
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " refs.yaml"))
    assert list(bib.entries) == ["ok"]
    assert [(p[1], p[2]) for p in problems] == [(3, "refs.parse")]


def test_ris_records_keep_their_id_or_get_one_from_author_and_year(tmp_path):
    write(tmp_path / "content/articles/a/refs.ris", """
        TY  - JOUR
        AU  - Ó Gráda, Cormac
        TI  - The Great Irish Famine
        PY  - 1999
        ER  - 

        TY  - BOOK
        ID  - mokyr1990
        AU  - Mokyr, Joel
        TI  - The Lever of Riches
        PY  - 1990
        ER  - 
    """)
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " refs.ris"))
    assert problems == []
    assert [(k, e.line, e.csl["id"]) for k, e in bib.entries.items()] == [
        ("ograda1999", 1, "ograda1999"), ("mokyr1990", 7, "mokyr1990")]
    assert bib.entries["ograda1999"].csl["author"] == [{"family": "Ó Gráda", "given": "Cormac"}]


def test_a_missing_file_is_reported_on_its_front_matter_line(tmp_path):
    write(tmp_path / "content/articles/a/there.json", '[{"id": "x"}]')
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", "\n  - there.json\n  - gone.bib"))
    assert list(bib.entries) == ["x"]
    assert [(p[0], p[1], p[2]) for p in problems] == [("content/articles/a/index.md", 7, "refs.missing-file")]
    assert "gone.bib" in problems[0][3]


def test_every_parse_error_is_located_and_the_good_entries_are_kept(tmp_path):
    write(tmp_path / "content/articles/a/refs.bib", """
        @book{good1, title = {One}, year = 2001}
        @book{bad1 title = {Two}, year = 2002}
        @book{good2, title = {Three}, year = 2003}
        @article{bad2,
          title = {Four,
          year = 2004
        }
        @book{good3, title = {Five}, year = 2005}
    """)
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " refs.bib"))
    assert list(bib.entries) == ["good1", "good2", "good3"]
    assert [(p[0], p[1], p[2]) for p in problems] == [
        ("content/articles/a/refs.bib", 2, "refs.parse"), ("content/articles/a/refs.bib", 4, "refs.parse")]
    assert "expected ','" in problems[0][3]
    assert "never closed" in problems[1][3]


def test_a_duplicate_key_names_both_files_but_an_identical_one_is_accepted(tmp_path):
    write(tmp_path / "content/references/site.bib", "@book{same, title = {A}, year = 2000}\n\n@book{clash, title = {B}, year = 2000}\n")
    write(tmp_path / "content/articles/a/own.bib", "@book{same, title = {A}, year = 2000}\n@book{clash, title = {Other}, year = 2000}\n")
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " own.bib"))
    assert bib.entries["clash"].csl["title"] == "B" and bib.entries["same"].path == "content/references/site.bib"
    assert [(p[0], p[1], p[2]) for p in problems] == [("content/articles/a/own.bib", 2, "refs.duplicate-key")]
    assert "content/articles/a/own.bib:2" in problems[0][3] and "content/references/site.bib:3" in problems[0][3]


def test_doi_keys_find_items_by_their_doi_case_blind(tmp_path):
    write(tmp_path / "content/references/site.json", '[{"id": "ograda", "DOI": "10.1017/S0022050700022877"}]')
    _, [bib], _ = read(tmp_path, article(tmp_path, "a", " []"))
    assert bib.get("doi:10.1017/s0022050700022877").key == "ograda"
    assert bib.get("DOI:10.1017/S0022050700022877").key == "ograda"
    assert bib.get("ograda").key == "ograda" and bib.get("doi:10.1/none") is None


def test_the_disk_cache_spares_a_second_reader_node(tmp_path):
    write(tmp_path / "content/references/site.bib", "@book{a, title = {A}, year = 2000}\n")
    write(tmp_path / "content/references/more.ris", "TY  - BOOK\nTI  - B\nER  - \n")
    first, [bib1], _ = read(tmp_path, article(tmp_path, "a", " []"), cache_dir=tmp_path / "cache")
    second, [bib2], _ = read(tmp_path, article(tmp_path, "a", " []"), cache_dir=tmp_path / "cache")
    assert (first.node_runs, second.node_runs) == (1, 0)
    first.for_articles([article(tmp_path, "b", " []")])
    assert first.node_runs == 1
    assert bib1 == bib2 and set(bib1.entries) == {"a", "anonnd"}


def test_a_site_wide_files_error_is_reported_once_for_all_articles(tmp_path):
    write(tmp_path / "content/references/site.bib", "@book{a title = {A}}\n@book{b, title = {B}}\n")
    items = [article(tmp_path, slug, " []") for slug in ("a", "b", "c")]
    _, bibliographies, problems = read(tmp_path, *items)
    assert [(p[0], p[1], p[2]) for p in problems] == [("content/references/site.bib", 1, "refs.parse")]
    assert all(list(b.entries) == ["b"] for b in bibliographies)


def test_without_citation_js_there_is_one_engine_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVIST_NODE_MODULES", str(tmp_path / "nowhere"))
    bibnode.converter_version.cache_clear()
    write(tmp_path / "content/references/site.bib", "@book{a, title = {A}}\n")
    write(tmp_path / "content/references/other.ris", "TY  - BOOK\nER  - \n")
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " []"))
    assert bib.entries == {}
    assert [(p[1], p[2]) for p in problems] == [(1, "refs.engine")]


def test_the_fixture_has_the_hard_cases():
    text = (FIXTURES / "tricky.bib").read_text("utf-8")
    for needle in ("{\\\"o}", "\\'{e}", "\\ss", "--", "and others", "{{World Health Organization}}",
                   "2019-03/2020", "journaltitle", "urldate", "@online", "@thesis", "@software", "@dataset",
                   "crossref", "@string", "eprint", "王"):
        assert needle in text, needle


def test_a_key_twice_in_one_file_is_a_duplicate_too(tmp_path):
    write(tmp_path / "content/articles/a/refs.bib", "@book{k, title = {A}}\n@book{k, title = {B}}\n")
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " refs.bib"))
    assert bib.entries["k"].line == 1
    assert [(p[1], p[2]) for p in problems] == [(2, "refs.duplicate-key")]
    assert "refs.bib:2" in problems[0][3] and "refs.bib:1" in problems[0][3]


def test_without_node_there_is_one_engine_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    write(tmp_path / "content/references/site.bib", "@book{a, title = {A}}\n")
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " []"))
    assert bib.entries == {}
    assert [(p[0], p[2]) for p in problems] == [("content/references/site.bib", "refs.engine")]
    assert "Node.js" in problems[0][3]


def test_a_crashing_converter_is_one_engine_error(tmp_path, monkeypatch):
    crash = write(tmp_path / "crash.js", "throw new Error('boom');\n")
    monkeypatch.setattr(bibnode, "SCRIPTS", (crash, *bibnode.SCRIPTS[1:]))
    write(tmp_path / "content/references/site.ris", "TY  - BOOK\nER  - \n")
    _, [bib], problems = read(tmp_path, article(tmp_path, "a", " []"))
    assert [(p[2], "boom" in p[3]) for p in problems] == [("refs.engine", True)]
