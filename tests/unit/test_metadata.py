"""Machine-readable records: Highwire, Dublin Core, OpenGraph and JSON-LD from one CSL item."""

from archivist.metadata import build_page_metadata, highwire_tags, iso_date, person_inverted, scholar_date

ITEM = {
    "id": "x", "type": "article-journal", "title": "Letters in <i>Transit</i>",
    "author": [
        {"family": "Linden", "given": "Maaike", "non-dropping-particle": "van der"},
        {"family": "Whitcombe", "given": "Thomas R.", "suffix": "Jr."},
        {"literal": "Working Group on Archives"},
    ],
    "issued": {"date-parts": [[2021, 3, 5]]}, "container-title": "Ledger and Letter", "volume": "14",
    "issue": "1", "page": "1-38", "DOI": "10.99999/ll.2021.001", "ISSN": "2739-5146",
    "language": "en-US", "keyword": "archives, postal history", "abstract": "A study.", "publisher": "Harbour Lane",
}
PEOPLE = [{"orcid": "0000-0002-1825-0097", "affiliation": "Northmoor"}, {}, {}]


def values(tags, name):
    return [content for key, content in tags if key == name]


def test_names_are_family_comma_given_with_one_comma_only():
    assert person_inverted(ITEM["author"][0]) == "van der Linden, Maaike"
    assert person_inverted(ITEM["author"][1]) == "Whitcombe, Thomas R. Jr."
    assert person_inverted(ITEM["author"][2]) == "Working Group on Archives"


def test_scholar_dates_use_slashes_and_keep_partial_dates_partial():
    assert scholar_date(ITEM) == "2021/03/05"
    assert scholar_date({"issued": {"date-parts": [[2002]]}}) == "2002"
    assert iso_date({"issued": {"date-parts": [[2002, 7]]}}) == "2002-07"


def test_highwire_tag_set_is_complete():
    tags = highwire_tags(ITEM, PEOPLE, "https://example.org/a/", "https://example.org/a/article.pdf")
    assert values(tags, "citation_title") == ["Letters in Transit"]
    assert values(tags, "citation_author") == ["van der Linden, Maaike", "Whitcombe, Thomas R. Jr.",
                                              "Working Group on Archives"]
    # institution and ORCID follow the author they belong to
    assert tags[tags.index(("citation_author", "van der Linden, Maaike")) + 1] == ("citation_author_institution", "Northmoor")
    assert values(tags, "citation_author_orcid") == ["https://orcid.org/0000-0002-1825-0097"]
    for name, expected in [("citation_journal_title", "Ledger and Letter"), ("citation_volume", "14"),
                           ("citation_issue", "1"), ("citation_firstpage", "1"), ("citation_lastpage", "38"),
                           ("citation_doi", "10.99999/ll.2021.001"), ("citation_issn", "2739-5146"),
                           ("citation_publication_date", "2021/03/05"), ("citation_language", "en-US"),
                           ("citation_keywords", "archives; postal history"),
                           ("citation_pdf_url", "https://example.org/a/article.pdf"),
                           ("citation_fulltext_html_url", "https://example.org/a/")]:
        assert values(tags, name) == [expected], name


def test_venue_tag_follows_the_type():
    chapter = {**ITEM, "type": "chapter", "container-title": "Essays"}
    report = {**ITEM, "type": "report", "publisher": "Institute"}
    thesis = {**ITEM, "type": "thesis", "publisher": "University of Northmoor"}
    assert values(highwire_tags(chapter, PEOPLE, "u", ""), "citation_inbook_title") == ["Essays"]
    assert values(highwire_tags(report, PEOPLE, "u", ""), "citation_technical_report_institution") == ["Institute"]
    assert values(highwire_tags(thesis, PEOPLE, "u", ""), "citation_dissertation_institution") == ["University of Northmoor"]
    assert not values(highwire_tags(chapter, PEOPLE, "u", ""), "citation_journal_title")


def test_one_call_makes_every_record_with_the_visible_title():
    md = build_page_metadata(ITEM, authors=PEOPLE, page_url="https://example.org/a/", pdf_url="",
                             site_title="Archive", publisher="Society", license_id="CC-BY-4.0",
                             title="Letters in “Transit”")
    assert values(md.highwire, "citation_title") == ["Letters in “Transit”"]
    assert values(md.dublin_core, "DC.title") == ["Letters in “Transit”"]
    assert values(md.open_graph, "og:title") == ["Letters in “Transit”"]
    assert values(md.dublin_core, "DC.identifier") == ["https://doi.org/10.99999/ll.2021.001", "https://example.org/a/"]
    assert values(md.dublin_core, "DC.rights") == ["https://creativecommons.org/licenses/by/4.0/"]
    ld = md.json_ld
    assert ld["@type"] == "ScholarlyArticle" and ld["name"] == "Letters in “Transit”"
    assert ld["datePublished"] == "2021-03-05"
    assert [a["@type"] for a in ld["author"]] == ["Person", "Person", "Organization"]
    assert ld["author"][0]["identifier"] == "https://orcid.org/0000-0002-1825-0097"
    assert ld["isPartOf"]["@type"] == "PublicationIssue"
    assert ld["isPartOf"]["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": "Ledger and Letter", "issn": "2739-5146"}
    assert (ld["pageStart"], ld["pageEnd"]) == ("1", "38")
