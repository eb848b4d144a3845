"""Machine-readable records: Highwire, Dublin Core, OpenGraph and JSON-LD from one CSL item."""

from archivist.citations.metadata import (build_page_metadata, dublin_core_tags, eprints_tags, highwire_tags,
                                          iso_date, person_inverted, person_tagged, scholar_date)

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
                                              "Working Group on Archives,"]
    # institution and ORCID follow the author they belong to
    assert tags[tags.index(("citation_author", "van der Linden, Maaike")) + 1] == ("citation_author_institution", "Northmoor")
    assert values(tags, "citation_author_orcid") == ["https://orcid.org/0000-0002-1825-0097"]
    for name, expected in [("citation_journal_title", "Ledger and Letter"), ("citation_volume", "14"),
                           ("citation_issue", "1"), ("citation_firstpage", "1"), ("citation_lastpage", "38"),
                           ("citation_doi", "10.99999/ll.2021.001"), ("citation_issn", "2739-5146"),
                           ("citation_publication_date", "2021/03/05"), ("citation_language", "en-US"),
                           ("citation_keywords", "archives; postal history"),
                           ("citation_pdf_url", "https://example.org/a/article.pdf"),
                           ("citation_fulltext_html_url", "https://example.org/a/"),
                           ("citation_abstract", "A study.")]:
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


LONG_ABSTRACT = "Listings of inhabitants record each person's age. " * 20


def test_an_organisation_keeps_its_whole_name_as_the_family_part():
    # The trailing comma says "family name, no given name"; without it readers split the last word off.
    assert person_tagged({"literal": "Working Group on Archives"}) == "Working Group on Archives,"
    assert person_tagged({"family": "Linden", "given": "Maaike"}) == "Linden, Maaike"
    assert person_inverted({"literal": "Working Group on Archives"}) == "Working Group on Archives"


def test_the_abstract_is_given_in_full_and_the_social_card_stays_short():
    md = build_page_metadata({**ITEM, "abstract": LONG_ABSTRACT.strip()}, authors=PEOPLE, page_url="u", pdf_url="",
                             site_title="Archive", publisher="", license_id="")
    assert values(md.highwire, "citation_abstract") == [LONG_ABSTRACT.strip()]
    assert values(md.dublin_core, "DC.description") == [LONG_ABSTRACT.strip()]
    [card] = values(md.open_graph, "og:description")
    assert len(card) <= 300 and card.endswith("…")
    assert md.description == card  # the page's own <meta name="description">


def test_editors_follow_the_authors_one_tag_each_and_are_dublin_core_contributors():
    chapter = {**ITEM, "type": "chapter", "editor": [{"family": "Ellison", "given": "Margaret"},
                                                     {"literal": "Editorial Board"}],
               "translator": [{"family": "Lindqvist", "given": "Peter"}]}
    tags = highwire_tags(chapter, PEOPLE, "u", "")
    assert values(tags, "citation_editor") == ["Ellison, Margaret", "Editorial Board,"]
    names = [name for name, _ in tags]
    assert names.index("citation_editor") > max(i for i, name in enumerate(names) if name.startswith("citation_author"))
    assert values(dublin_core_tags(chapter, "u", "", ""), "DC.contributor") == [
        "Ellison, Margaret", "Editorial Board", "Lindqvist, Peter"]


def test_a_conference_paper_names_its_proceedings_before_its_conference():
    paper = {**ITEM, "type": "paper-conference", "container-title": "Proceedings of the Seventh Workshop",
             "event-title": "Seventh Workshop (CDH 2022)"}
    venue = [(k, v) for k, v in highwire_tags(paper, PEOPLE, "u", "")
             if k in ("citation_inbook_title", "citation_conference_title", "citation_journal_title")]
    # Zotero takes the item type from the last venue tag: the conference must come last.
    assert venue == [("citation_inbook_title", "Proceedings of the Seventh Workshop"),
                     ("citation_conference_title", "Seventh Workshop (CDH 2022)")]
    # without an event title the proceedings name the conference too, so the type stays a conference paper
    without_event = {k: v for k, v in paper.items() if k != "event-title"}
    assert values(highwire_tags(without_event, PEOPLE, "u", ""), "citation_conference_title") == [
        "Proceedings of the Seventh Workshop"]


def test_a_report_gives_its_number_genre_and_series():
    report = {**ITEM, "type": "report", "publisher": "Consortium", "number": "CDE-TR-3", "genre": "Technical report",
              "collection-title": "Technical Reports"}
    tags = highwire_tags(report, PEOPLE, "u", "")
    assert values(tags, "citation_technical_report_number") == ["CDE-TR-3"]
    assert values(tags, "citation_technical_report_institution") == ["Consortium"]
    assert values(tags, "citation_series_title") == ["Technical Reports"]
    assert values(dublin_core_tags(report, "u", "", ""), "DC.type") == ["Technical report"]
    # a number is a report number only on a report
    assert not values(highwire_tags({**report, "type": "thesis"}, PEOPLE, "u", ""), "citation_technical_report_number")


def test_dc_type_is_the_genre_and_never_a_made_up_one():
    assert values(dublin_core_tags({**ITEM, "type": "thesis", "genre": "PhD dissertation"}, "u", "", ""), "DC.type") == [
        "PhD dissertation"]
    # Zotero would save "Text" as the report's or thesis's genre, so they get no DC.type at all
    assert values(dublin_core_tags({**ITEM, "type": "report"}, "u", "", ""), "DC.type") == []
    assert values(dublin_core_tags({**ITEM, "type": "thesis"}, "u", "", ""), "DC.type") == []
    assert values(dublin_core_tags(ITEM, "u", "", ""), "DC.type") == ["Text"]


def test_places_are_eprints_tags_publisher_place_first():
    paper = {**ITEM, "type": "paper-conference", "publisher-place": "Lyon", "event-place": "Lyon, France"}
    assert eprints_tags(paper) == [("eprints.place_of_pub", "Lyon"), ("eprints.event_location", "Lyon, France")]
    assert eprints_tags(ITEM) == []
    md = build_page_metadata(paper, authors=PEOPLE, page_url="u", pdf_url="", site_title="A", publisher="",
                             license_id="")
    assert md.eprints == (("eprints.place_of_pub", "Lyon"), ("eprints.event_location", "Lyon, France"))


def test_an_article_first_published_elsewhere_names_that_url_for_citation_managers():
    moved = {**ITEM, "URL": "https://publisher.example.org/ks/26"}
    assert values(highwire_tags(moved, PEOPLE, "https://example.org/a/", ""), "citation_public_url") == [
        "https://publisher.example.org/ks/26"]
    here = {**ITEM, "URL": "https://example.org/a/"}
    assert values(highwire_tags(here, PEOPLE, "https://example.org/a/", ""), "citation_public_url") == []


def test_every_abstract_a_machine_reads_is_the_page_s_sanitised_abstract(tmp_path):
    """Meta tags, JSON-LD, exports, the feed and OAI all read the abstract from the one CSL item,
    which holds the page's rendered abstract as plain text: never the author's raw HTML or TeX."""
    import json
    import xml.etree.ElementTree as ET

    from archivist.content import frontmatter, schema
    from archivist.markdown.article import render
    from archivist.citations.cite import cite_all
    from archivist.library.entry import cited_entries
    from archivist.config import SiteConfig
    from archivist.harvest.feeds import atom_feed
    from archivist.harvest.oai import dublin_core
    from archivist.model import Parsed, SourceFile

    config = SiteConfig(root=tmp_path, citation_styles=())
    text = ("---\ntitle: T\ndate: 2020\nauthors: ['Doe, Jane']\nabstract: |\n  Raw <script>alert(2)</script> and "
            "<b>bold</b>, with $x^2$.[^1]\n\n  [^1]: A note.\n---\nBody.\n")
    fm = frontmatter.split(text)
    meta, _problems = schema.validate(fm, "content/articles/t.md", "t", "en-US")
    source = SourceFile(tmp_path / "t.md", "content/articles/t.md", "t", None, text)
    article, _found = render(Parsed(source, meta, fm.body, fm.body_line), config, lambda _slug: None)
    assert "<script" not in article.abstract_html and "<math" in article.abstract_html
    cited, problems = cite_all(config, [article])
    (entry,) = cited_entries([article], cited)
    plain = "Raw alert(2) and bold, with x^2."
    md = entry.metadata
    assert problems == [] and entry.csl["abstract"] == entry.abstract_text == plain
    assert values(md.highwire, "citation_abstract") == values(md.dublin_core, "DC.description") == [plain]
    assert values(md.open_graph, "og:description") == [plain] and md.description == plain
    assert md.json_ld["abstract"] == plain
    assert json.loads(entry.exports["cite.json"])[0]["abstract"] == plain
    assert f"AB  - {plain}" in entry.exports["cite.ris"]
    assert "abstract = {Raw alert(2) and bold, with x\\textasciicircum{}2.}" in entry.exports["cite.bib"]
    assert ("description", plain) in dublin_core(config, entry)
    feed = ET.fromstring(atom_feed(config, "feed.xml", "T", "", [entry], ""))
    assert [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}summary")] == [plain]
