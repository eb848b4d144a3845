"""The test reader of <meta> tags behaves as Zotero's Embedded Metadata translator was measured to."""

from support.zotero_reader import clean_author, zotero_item


def page(*tags: tuple[str, str], lang: str = "en") -> str:
    metas = "".join(f'<meta {"property" if ":" in n else "name"}="{n}" content="{c}">' for n, c in tags)
    return f'<!doctype html><html lang="{lang}"><head>{metas}</head><body></body></html>'


def test_citation_abstract_beats_og_description_which_beats_dc_description():
    tags = [("citation_title", "T"), ("DC.description", "the full abstract"), ("og:description", "the full…")]
    assert zotero_item(page(*tags))["abstractNote"] == "the full…"
    assert zotero_item(page(*tags, ("citation_abstract", "the full abstract")))["abstractNote"] == "the full abstract"


def test_the_last_venue_tag_decides_the_item_type():
    inbook, conference = ("citation_inbook_title", "Proceedings"), ("citation_conference_title", "Workshop")
    paper = zotero_item(page(("citation_title", "T"), inbook, conference))
    assert (paper["itemType"], paper["proceedingsTitle"], paper["conferenceName"]) == (
        "conferencePaper", "Proceedings", "Workshop")
    assert zotero_item(page(("citation_title", "T"), conference, inbook))["itemType"] == "bookSection"
    assert zotero_item(page(("citation_title", "T")))["itemType"] == "journalArticle"


def test_names_split_as_zotero_splits_them():
    assert clean_author("Working Group on Archives,", "author", True) == {"name": "Working Group on Archives",
                                                                         "creatorType": "author"}
    assert clean_author("Working Group on Archives", "author", False)["lastName"] == "Archives"
    assert clean_author("Whitcombe, Thomas R. Jr.", "author", True)["firstName"] == "Thomas R. Jr"
    assert clean_author("Lankov, Andrei N.", "author", True)["firstName"] == "Andrei N."
    assert clean_author("van der Linden, Maaike", "editor", True) == {
        "firstName": "Maaike", "lastName": "van der Linden", "creatorType": "editor"}


def test_only_authors_and_editors_are_read_and_a_lone_tag_may_hold_two_people():
    item = zotero_item(page(("citation_title", "T"), ("citation_author", "Albrecht, Friederike"),
                            ("DC.contributor", "Lindqvist, Peter"), ("citation_editor", "Ellison, Margaret")))
    assert [(c["lastName"], c["creatorType"]) for c in item["creators"]] == [("Albrecht", "author"), ("Ellison", "editor")]
    lone = zotero_item(page(("citation_title", "T"), ("citation_author", "Moreno Vidal, Isabel María")))
    assert [c["lastName"] for c in lone["creators"]] == ["Vidal", "María"]


def test_fields_a_type_cannot_hold_are_dropped_except_the_doi():
    item = zotero_item(page(("citation_title", "T"), ("citation_inbook_title", "Essays"), ("citation_doi", "10.99999/x"),
                            ("citation_issn", "1234-5679"), ("eprints.place_of_pub", "Norwich")))
    assert (item["bookTitle"], item["place"], item["extra"]) == ("Essays", "Norwich", "DOI: 10.99999/x")
    assert "ISSN" not in item and "DOI" not in item
    assert "extra" not in zotero_item(page(("citation_title", "T"), ("citation_doi", "10.1/x")))  # not a DOI
    report = zotero_item(page(("citation_title", "T"), ("citation_technical_report_institution", "Institute"),
                              ("citation_technical_report_number", "TR-3"), ("DC.type", "Text")))
    assert (report["institution"], report["reportNumber"], report["reportType"]) == ("Institute", "TR-3", "Text")
