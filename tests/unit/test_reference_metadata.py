"""An article's references in its page's machine records: citation_reference tags, JSON-LD
`citation` nodes and the CSL-JSON export, each read back as its consumer reads it."""

from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser
from types import SimpleNamespace

from archivist.citations.exports import to_csl_json
from archivist.citations.metadata import build_page_metadata
from archivist.citations.reference_metadata import scholar_reference
from archivist.render.templating import make_environment
from support.references import JOURNAL, REFERENCES

ARTICLE = {"id": "a", "type": "article-journal", "title": "Letters in Transit", "author": [{"family": "Linden", "given": "Maaike"}],
           "issued": {"date-parts": [[2021, 3, 5]]}, "container-title": "Ledger and Letter", "custom": {"archive": "x"}}


class HeadReader(HTMLParser):
    """The <meta name> pairs and JSON-LD scripts of a rendered <head> fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.tags: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs.get("content", "")))
        self._in_script = tag == "script" and attrs.get("type") == "application/ld+json"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def metadata(references=REFERENCES):
    return build_page_metadata(ARTICLE, authors=[{}], page_url="https://example.org/a/", pdf_url="",
                               site_title="Archive", publisher="Society", license_id="CC-BY-4.0", references=references)


def rendered(md) -> HeadReader:
    html = make_environment(None).get_template("partials/scholar_meta.html").render(entry=SimpleNamespace(metadata=md))
    reader = HeadReader()
    reader.feed(html)
    return reader


def scholar_fields(content: str) -> list[tuple[str, str]]:
    """Scholar's reading: fields split at "; ", each at its first "="."""
    return [tuple(field.split("=", 1)) for field in content.split("; ")]


def page_references() -> list[dict[str, list[str]]]:
    """Each citation_reference of the rendered page as {field: [values]}."""
    found = []
    for name, content in rendered(metadata()).meta:
        if name == "citation_reference":
            fields: dict[str, list[str]] = {}
            for key, value in scholar_fields(content):
                fields.setdefault(key, []).append(value)
            found.append(fields)
    return found


def test_one_citation_reference_per_work_in_list_order():
    refs = page_references()
    assert [r["citation_title"] for r in refs] == [
        ["Ship Registers, a Census = a Count?"], ["From Stalin to Kim Il Sung"], ["Harbour Dues and Their Books"],
        ["Parish Registers of Gyeonggi"], ["Port Dues Ledger Transcriptions"], ["Tide Tables of the Northern Coast"]]
    assert all(key.startswith("citation_") for r in refs for key in r)


def test_journal_article_fields_and_authors_family_comma_given():
    journal = page_references()[0]
    assert journal == {
        "citation_title": ["Ship Registers, a Census = a Count?"],
        "citation_author": ["Kalniņš, Jānis", "van der Linden, Maaike"],
        "citation_journal_title": ["Ledger and Letter"], "citation_publication_date": ["2019"],
        "citation_volume": ["12"], "citation_issue": ["3"], "citation_firstpage": ["101"], "citation_lastpage": ["130"],
        "citation_doi": ["10.99999/ll.2019.017"]}


def test_each_type_names_its_venue_as_scholar_expects():
    book, chapter, thesis, dataset, webpage = page_references()[1:]
    assert book["citation_isbn"] == ["978-0-8135-3117-3"] and book["citation_publisher"] == ["Rutgers University Press"]
    assert chapter["citation_inbook_title"] == ["Maritime Ledgers, 1700–1900"]
    assert (chapter["citation_firstpage"], chapter["citation_lastpage"]) == (["45"], ["67"])
    assert chapter["citation_author"] == ["O’Connor, Siobhán"] and "citation_editor" not in chapter
    assert thesis["citation_dissertation_institution"] == ["Seoul National University"]
    assert "citation_publisher" not in thesis and thesis["citation_author"] == ["박, 지민"]
    assert thesis["citation_public_url"] == ["https://example.edu/theses/park2015?view=full&lang=en"]
    assert dataset["citation_author"] == ["Working Group on Archives,"]  # an organisation stays one family name
    assert dataset["citation_doi"] == ["10.5281/zenodo.1234567"] and dataset["citation_publication_date"] == ["2021"]
    # a separator inside a name becomes a comma; a URL's own ";" and "=" split nothing
    assert webpage["citation_author"] == ["Harbour Authority, Records Office,"]
    assert webpage["citation_public_url"] == ["https://example.org/tides;v=2"]


def test_sici_doi_keeps_its_semicolon_and_a_trailing_one_splits_nothing():
    item = {"type": "article-journal", "title": "Ends in a semicolon;", "DOI": "10.1002/(SICI)1097-4636(199603)31:3<287::AID-JBM1>3.0.CO;2-O"}
    assert scholar_fields(scholar_reference(item)) == [
        ("citation_title", "Ends in a semicolon,"), ("citation_doi", "10.1002/(SICI)1097-4636(199603)31:3<287::AID-JBM1>3.0.CO;2-O")]


def test_markup_in_a_reference_cannot_escape_its_attribute():
    hostile = replace(REFERENCES[0], csl={**JOURNAL, "title": 'Quotes " and <script>alert(1)</script> & more'})
    reader = rendered(metadata((hostile,)))
    assert reader.tags.count("script") == 1  # the JSON-LD block alone
    content = dict(reader.meta)["citation_reference"]
    assert dict(scholar_fields(content))["citation_title"] == 'Quotes " and alert(1) & more'


def test_json_ld_cites_each_work_with_its_schema_type():
    reader = rendered(metadata())
    record = json.loads(reader.scripts[0])
    assert record["@type"] == "ScholarlyArticle"
    cited = record["citation"]
    assert [c["@type"] for c in cited] == ["ScholarlyArticle", "Book", "Chapter", "Thesis", "Dataset", "WebPage"]
    journal, book, chapter, thesis, dataset, webpage = cited
    assert journal["name"] == "Ship Registers; a Census = a Count?"
    assert journal["author"][1] == {"@type": "Person", "name": "Maaike van der Linden", "familyName": "van der Linden",
                                    "givenName": "Maaike"}
    assert journal["isPartOf"] == {"@type": "PublicationIssue", "issueNumber": "3", "isPartOf": {
        "@type": "PublicationVolume", "volumeNumber": "12",
        "isPartOf": {"@type": "Periodical", "name": "Ledger and Letter", "issn": "2739-5146"}}}
    assert journal["sameAs"] == "https://doi.org/10.99999/ll.2019.017" and journal["identifier"]["value"] == "10.99999/ll.2019.017"
    assert (journal["datePublished"], journal["pageStart"], journal["pageEnd"]) == ("2019-04", "101", "130")
    assert book["isbn"] == "978-0-8135-3117-3" and book["publisher"]["name"] == "Rutgers University Press"
    assert chapter["isPartOf"] == {"@type": "Book", "name": "Maritime Ledgers, 1700–1900"}
    assert chapter["editor"][0]["familyName"] == "Brandt"
    assert thesis["author"][0]["name"] == "지민 박" and thesis["url"].endswith("?view=full&lang=en")
    assert dataset["author"] == [{"@type": "Organization", "name": "Working Group on Archives"}]
    assert dataset["sameAs"] == "https://doi.org/10.5281/zenodo.1234567" and dataset["version"] == "2.1"
    assert webpage["isPartOf"] == {"@type": "WebSite", "name": "Harbour Authority"}
    assert webpage["url"] == "https://example.org/tides;v=2" and webpage["datePublished"] == "2020-11-03"


def test_without_references_the_records_are_as_before():
    md = metadata(())
    assert md.references == () and "citation" not in md.json_ld
    assert md == build_page_metadata(ARTICLE, authors=[{}], page_url="https://example.org/a/", pdf_url="",
                                     site_title="Archive", publisher="Society", license_id="CC-BY-4.0")
    assert "citation_reference" not in dict(rendered(md).meta)


def test_csl_json_export_carries_references_in_custom():
    assert to_csl_json(ARTICLE, ()) == to_csl_json(ARTICLE)
    exported = json.loads(to_csl_json(ARTICLE, REFERENCES))
    assert len(exported) == 1
    item = exported[0]
    assert item["custom"]["archive"] == "x"  # what custom held is kept
    assert [r["id"] for r in item["custom"]["references"]] == [r.key for r in REFERENCES]
    assert item["custom"]["references"][3]["author"] == [{"family": "박", "given": "지민"}]
    assert {k: v for k, v in item.items() if k != "custom"} == {k: v for k, v in ARTICLE.items() if k != "custom"}
    assert "Kalniņš" in to_csl_json(ARTICLE, REFERENCES)  # Unicode kept, not \u-escaped


def test_sparse_references_give_what_they_know_and_never_fail():
    sparse = {"id": "s", "type": "manuscript", "title": "Untitled ledger", "issued": {"raw": "c. 1820"},
              "author": [{"given": "Hanna"}]}
    odd = {"id": "o", "issued": {"date-parts": [["1907", ""]]}}
    assert scholar_fields(scholar_reference(sparse)) == [("citation_title", "Untitled ledger"), ("citation_author", "Hanna")]
    assert dict(scholar_fields(scholar_reference(odd))) == {"citation_publication_date": "1907"}
    md = metadata((replace(REFERENCES[0], csl=sparse), replace(REFERENCES[1], csl=odd)))
    assert md.json_ld["citation"] == [
        {"@type": "CreativeWork", "name": "Untitled ledger", "author": [{"@type": "Person", "name": "Hanna", "givenName": "Hanna"}]},
        {"@type": "CreativeWork", "name": "", "datePublished": "1907"}]
