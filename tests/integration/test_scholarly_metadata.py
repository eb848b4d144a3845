"""What Google Scholar and Zotero read from each built article page, and the exports beside it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import pytest
import rispy


class HeadReader(HTMLParser):
    """Collects <meta name|property> pairs, JSON-LD blocks and the <h1> text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self.h1 = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.append((attrs.get("name") or attrs.get("property"), attrs.get("content", "")))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "ld"
            self.json_ld.append("")
        elif tag == "h1":
            self._in = "h1"

    def handle_endtag(self, tag):
        if tag in ("script", "h1"):
            self._in = None

    def handle_data(self, data):
        if self._in == "ld":
            self.json_ld[-1] += data
        elif self._in == "h1":
            self.h1 += data


def read(page: Path) -> HeadReader:
    reader = HeadReader()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader


def values(reader: HeadReader, name: str) -> list[str]:
    return [content for key, content in reader.meta if key == name]


def article_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "articles").glob("*/index.html"))


def test_every_article_page_has_the_tag_set_scholar_and_zotero_need(sample_site):
    pages = article_pages(sample_site)
    assert len(pages) >= 14
    for page in pages:
        head = read(page)
        assert values(head, "citation_title") == [" ".join(head.h1.split())], page
        authors = values(head, "citation_author")
        assert authors, page
        assert all(author.count(",") <= 1 for author in authors), authors  # one tag, one person
        assert re.fullmatch(r"\d{4}(/\d{2}(/\d{2})?)?", values(head, "citation_publication_date")[0])
        assert values(head, "citation_fulltext_html_url") == [values(head, "og:url")[0]]
        assert values(head, "DC.title") and values(head, "DC.creator") and values(head, "DC.date")
        records = [json.loads(block) for block in head.json_ld]
        assert [r["@type"] for r in records] == ["ScholarlyArticle"]
        assert records[0]["name"] == values(head, "citation_title")[0]
        assert len(records[0]["author"]) == len(authors)


def test_the_metadata_only_record_is_complete(sample_site):
    head = read(sample_site / "articles/kim-takes-control/index.html")
    expected = {
        "citation_author": ["Lankov, Andrei N."], "citation_publication_date": ["2002"],
        "citation_journal_title": ["Korean Studies"], "citation_volume": ["26"],
        "citation_firstpage": ["87"], "citation_lastpage": ["119"], "citation_doi": ["10.1353/ks.2002.0009"],
        "citation_issn": ["0145-840X"], "citation_language": ["en-US"], "DC.language": ["en-US"],
    }
    for name, value in expected.items():
        assert values(head, name) == value, name
    assert values(head, "DC.description")[0].startswith("This record describes")


def test_a_korean_article_keeps_hangul_names_in_family_given_order(sample_site):
    head = read(sample_site / "articles/hojeok-name-normalisation/index.html")
    assert values(head, "citation_author") == ["박, 서연", "이, 도현"]
    assert values(head, "citation_language") == ["ko"]


@pytest.mark.parametrize("name", ["cite.bib", "cite.ris", "cite.json"])
def test_exports_parse_back_to_the_page_record(sample_site, name):
    for page in article_pages(sample_site):
        head = read(page)
        doi = values(head, "citation_doi")
        text = (page.parent / name).read_text(encoding="utf-8")
        if name == "cite.json":
            [item] = json.loads(text)
            record_doi, author_count = item.get("DOI", ""), len(item["author"])
        elif name == "cite.ris":
            [item] = rispy.loads(text)
            record_doi, author_count = item.get("doi", ""), len(item.get("authors", []))
        else:
            library = bibtexparser.parse_string(text)
            assert not library.failed_blocks, page
            [entry] = library.entries
            record_doi = entry.fields_dict["doi"].value if "doi" in entry.fields_dict else ""
            author_count = len(entry.fields_dict["author"].value.split(" and "))
        assert record_doi == (doi[0] if doi else ""), page
        assert author_count == len(values(head, "citation_author")), page
