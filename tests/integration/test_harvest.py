"""Files for harvesters, parsed back with third-party readers: Atom (feedparser), sitemap, robots.txt,
OAI-PMH static repository, Crossref deposits and the catalogue exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import bibtexparser
import feedparser
import pytest
import rispy
from lxml import etree

from archivist import config as site_config
from archivist.citations.csl import csl_item
from archivist.harvest.feeds import feed_files
from archivist.harvest.crossref import crossref_files
from archivist.harvest.files import harvest
from archivist.harvest.oai import OAI_MAX_RECORDS, oai_repository
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from archivist.build.steps import assemble_library, load_articles
from support import REPO_ROOT, published_sample_slugs
from support.references import REFERENCES

BASE = "https://example.org/archive/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SR = "{http://www.openarchives.org/OAI/2.0/static-repository}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CR = "{http://www.crossref.org/schema/5.3.1}"


@pytest.fixture(scope="module")
def sample() -> tuple[site_config.SiteConfig, Library]:
    """The sample in memory, with the settings a depositing archive sets."""
    config = replace(site_config.load(REPO_ROOT).with_base_url(BASE), doi_prefix="10.99999",
                     depositor_name="Archivist Sample Society", depositor_email="archive@example.org")
    articles, _ = load_articles(config)
    entries = [Entry(a, csl=csl_item(a.meta, config.absolute_url(a.url_path), config.language, a.abstract_html)) for a in articles]
    return config, assemble_library(config, entries)[0]


def published(site: Path) -> list[str]:
    return sorted(p.parent.name for p in (site / "articles").glob("*/index.html") if p.parent.name != "page")


# --- feeds ---------------------------------------------------------------------------------------

def test_site_feed_parses_cleanly_newest_first(sample_site: Path):
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Archivist Sample Archive"
    assert feed.feed.updated == "2023-06-12T00:00:00Z"
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)) == len(published_sample_slugs()) and all(i.startswith(BASE + "articles/") for i in ids)
    assert ids[0] == BASE + "articles/legacy-citation-metadata/"
    published_dates = [e.published for e in feed.entries]
    assert published_dates == sorted(published_dates, reverse=True)
    first = feed.entries[0]
    assert first.link == first.id and first.summary.startswith("Journals that move")


def test_feed_entries_carry_authors_orcids_and_keywords(sample_site: Path):
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.id.endswith("/iron-gall-ink-as-evidence/"))
    assert [a.name for a in entry.authors] == ["Inês Baptista", "Jonathan Merriweather, III"]
    assert entry.updated == "2021-09-02T00:00:00Z" and entry.published == "2021-03-15T00:00:00Z"
    assert "archives" in [t.term for t in entry.tags]


def test_each_journal_has_its_own_feed(sample_site: Path):
    feed = feedparser.parse((sample_site / "journals/ledger-and-letter/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "Ledger and Letter"
    assert len(feed.entries) == 9
    assert feed.feed.updated == "2022-02-28T00:00:00Z"
    korean = feedparser.parse((sample_site / "journals/east-asian-documentary-history/feed.xml").read_bytes())
    assert not korean.bozo and korean.feed.language == "ko"


def test_feed_respects_feed_size_and_is_deterministic(sample):
    config, library = sample
    small = replace(config, feed_size=3)
    files = feed_files(small, library)
    assert len(feedparser.parse(files["feed.xml"]).entries) == 3
    assert feed_files(small, library) == files


def test_empty_archive_feed_uses_source_date_epoch(monkeypatch, sample):
    config, _ = sample
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    feed = feedparser.parse(feed_files(config, Library(entries=()))["feed.xml"])
    assert not feed.bozo and feed.feed.updated == "2023-11-14T22:13:20Z"


def test_source_date_epoch_is_ignored_when_there_are_articles(monkeypatch, sample):
    config, library = sample
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert feedparser.parse(feed_files(config, library)["feed.xml"]).feed.updated == "2023-06-12T00:00:00Z"


# --- sitemap and robots ------------------------------------------------------------------------

def test_sitemap_lists_every_page_with_lastmod(sample_site: Path):
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    for slug in published(sample_site):
        assert (sample_site / "articles" / slug / "index.html").is_file()
        assert BASE + f"articles/{slug}/" in urls
    assert urls[BASE] == "2023-06-12"
    assert urls[BASE + "articles/iron-gall-ink-as-evidence/"] == "2021-09-02"  # the correction date
    assert urls[BASE + "journals/ledger-and-letter/14/1/"] == "2021-09-02"
    for url in urls:
        path = url.removeprefix(BASE)
        assert (sample_site / path / "index.html").is_file(), url


def test_robots_points_at_the_sitemap(sample_site: Path):
    text = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "User-agent: *"
    assert f"Sitemap: {BASE}sitemap.xml" in text.splitlines()


# --- catalogue exports -------------------------------------------------------------------------

def test_archive_bib_holds_every_article(sample_site: Path):
    library = bibtexparser.parse_string((sample_site / "archive.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert len(library.entries) == len(published_sample_slugs())
    dois = {e.fields_dict["doi"].value for e in library.entries if "doi" in e.fields_dict}
    assert "10.1353/ks.2002.0009" in dois


def test_archive_ris_holds_every_article(sample_site: Path):
    records = rispy.loads((sample_site / "archive.ris").read_text(encoding="utf-8"))
    assert len(records) == len(published_sample_slugs())
    assert all(r.get("title") or r.get("primary_title") for r in records)


def test_archive_json_is_a_csl_array_in_slug_order(sample_site: Path):
    items = json.loads((sample_site / "archive.json").read_text(encoding="utf-8"))
    ids = [item["id"] for item in items]
    assert ids == sorted(ids) == published(sample_site)
    for item in items:
        per_article = json.loads((sample_site / f"articles/{item['id']}/cite.json").read_text(encoding="utf-8"))
        assert per_article == [item]


# --- OAI-PMH static repository -----------------------------------------------------------------

def test_oai_static_repository_has_identify_formats_and_records(sample):
    config, library = sample
    files, problems = harvest(config, library)
    assert problems == []
    root = ET.fromstring(files["oai.xml"])
    assert root.tag == f"{SR}Repository"
    identify = root.find(f"{SR}Identify")
    assert identify.findtext(f"{OAI}repositoryName") == "Archivist Sample Archive"
    assert identify.findtext(f"{OAI}baseURL") == BASE + "oai.xml"
    assert identify.findtext(f"{OAI}protocolVersion") == "2.0"
    assert identify.findtext(f"{OAI}adminEmail") == "archive@example.org"
    assert identify.findtext(f"{OAI}earliestDatestamp") == "2002-01-01"
    assert identify.findtext(f"{OAI}deletedRecord") == "no"
    assert identify.findtext(f"{OAI}granularity") == "YYYY-MM-DD"
    formats = root.find(f"{SR}ListMetadataFormats")
    assert formats.findtext(f"{OAI}metadataFormat/{OAI}metadataPrefix") == "oai_dc"
    records = root.find(f"{SR}ListRecords")
    assert records.get("metadataPrefix") == "oai_dc"
    assert len(records) == len(library.entries) == len(published_sample_slugs())


def test_oai_record_carries_dublin_core(sample):
    config, library = sample
    root = ET.fromstring(harvest(config, library)[0]["oai.xml"])
    record = next(r for r in root.iter(f"{OAI}record")
                  if r.findtext(f"{OAI}header/{OAI}identifier") == "oai:example.org:iron-gall-ink-as-evidence")
    assert record.findtext(f"{OAI}header/{OAI}datestamp") == "2021-09-02"
    dc = record.find(f"{OAI}metadata/{{http://www.openarchives.org/OAI/2.0/oai_dc/}}dc")

    def values(tag: str) -> list[str]:
        return [e.text for e in dc.findall(f"{DC}{tag}")]
    assert values("title") == ["Reading Iron-Gall Ink Damage as Archival Evidence"]
    assert values("creator") == ["Baptista, Inês", "Merriweather, Jonathan, III"]
    assert values("date") == ["2021-03-15"]
    assert values("identifier") == [BASE + "articles/iron-gall-ink-as-evidence/",
                                    "https://doi.org/10.99999/ll.2021.003"]
    assert values("publisher") == ["Harbour Lane Academic Press"]
    assert values("language") == ["en-US"]
    assert values("rights") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert values("type") == ["Text"]
    assert values("source") == ["Ledger and Letter 14(1): 63-84"]
    assert "archives" in values("subject") and values("description")[0].startswith("Iron-gall ink")


def test_no_admin_email_means_no_oai_xml(sample):
    """OAI-PMH's Identify must name an admin e-mail, so a site opts in by setting one."""
    config, library = sample
    files, problems = harvest(replace(config, depositor_email=""), library)
    assert "oai.xml" not in files
    assert "oai.xml" in harvest(config, library)[0]
    assert problems == []


def test_more_records_than_the_spec_allows_is_refused_not_truncated(sample):
    config, library = sample
    entries = library.entries[:1] * (OAI_MAX_RECORDS + 1)
    xml, problems = oai_repository(config, entries)
    assert xml is None
    assert [(p.severity, p.code) for p in problems] == [("error", "harvest.oai-too-many")]
    assert str(OAI_MAX_RECORDS + 1) in problems[0].message


# --- Crossref ------------------------------------------------------------------------------------

def test_crossref_deposits_one_per_issue_with_our_prefix(sample):
    config, library = sample
    files = crossref_files(config, library)
    assert sorted(files) == [
        "journals/annals-of-documents-and-manuscripts/5/2/crossref.xml",
        "journals/east-asian-documentary-history/8/1/crossref.xml",
        "journals/ledger-and-letter/14/1/crossref.xml", "journals/ledger-and-letter/14/2/crossref.xml",
        "journals/ledger-and-letter/15/1/crossref.xml", "journals/population-and-parish/9/2/crossref.xml"]
    # Korean Studies uses another registrant's prefix (10.1353): not ours to deposit
    assert not any("korean-studies" in path for path in files)
    assert crossref_files(config, library) == files


def test_crossref_issue_deposit_fields(sample):
    config, library = sample
    root = ET.fromstring(crossref_files(config, library)["journals/ledger-and-letter/14/1/crossref.xml"])
    assert root.tag == f"{CR}doi_batch" and root.get("version") == "5.3.1"
    head = root.find(f"{CR}head")
    assert head.findtext(f"{CR}doi_batch_id").startswith("ledger-and-letter-14-1-")
    assert head.findtext(f"{CR}timestamp") == "20210902000000"
    assert head.findtext(f"{CR}depositor/{CR}email_address") == "archive@example.org"
    assert head.findtext(f"{CR}registrant") == "Harbour Lane Academic Press"
    journal = root.find(f"{CR}body/{CR}journal")
    assert journal.findtext(f"{CR}journal_metadata/{CR}full_title") == "Ledger and Letter"
    assert journal.findtext(f"{CR}journal_metadata/{CR}issn") == "2739-5146"
    issue = journal.find(f"{CR}journal_issue")
    assert issue.findtext(f"{CR}journal_volume/{CR}volume") == "14" and issue.findtext(f"{CR}issue") == "1"
    assert issue.findtext(f"{CR}publication_date/{CR}year") == "2021"
    articles = journal.findall(f"{CR}journal_article")
    assert [a.findtext(f"{CR}doi_data/{CR}doi") for a in articles] == [
        "10.99999/ll.2021.001", "10.99999/ll.2021.002", "10.99999/ll.2021.003"]
    first = articles[0]
    assert first.findtext(f"{CR}doi_data/{CR}resource") == BASE + "articles/letters-in-transit/"
    assert first.findtext(f"{CR}pages/{CR}first_page") == "1" and first.findtext(f"{CR}pages/{CR}last_page") == "38"
    people = first.findall(f"{CR}contributors/{CR}person_name")
    assert [(p.get("sequence"), p.get("contributor_role"), p.findtext(f"{CR}given_name"), p.findtext(f"{CR}surname"))
            for p in people] == [("first", "author", "Maaike", "van der Linden"),
                                 ("additional", "author", "Jānis", "Kalniņš")]
    assert people[0].findtext(f"{CR}ORCID") == "https://orcid.org/0000-0002-1734-8658"


DEPOSIT_SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parents[1] / "support" / "crossref_deposit.xsd")))
LEDGER_14_1 = "journals/ledger-and-letter/14/1/crossref.xml"


def with_references(sample, slug: str, references) -> bytes:
    """The Ledger and Letter 14(1) deposit when the article `slug` cites `references`."""
    config, library = sample
    entries = [replace(e, references=references) if e.slug == slug else e for e in library.entries]
    return crossref_files(config, assemble_library(config, entries)[0])[LEDGER_14_1]


def test_every_deposit_keeps_the_schema_order(sample):
    config, library = sample
    for path, deposit in crossref_files(config, library).items():
        assert DEPOSIT_SCHEMA.validate(etree.fromstring(deposit)), (path, DEPOSIT_SCHEMA.error_log)


def test_deposit_lists_an_articles_references(sample):
    deposit = with_references(sample, "letters-in-transit", REFERENCES)
    assert DEPOSIT_SCHEMA.validate(etree.fromstring(deposit)), DEPOSIT_SCHEMA.error_log
    articles = ET.fromstring(deposit).findall(f"{CR}body/{CR}journal/{CR}journal_article")
    first = articles[0]
    assert [child.tag for child in first][-2:] == [f"{CR}doi_data", f"{CR}citation_list"]
    assert all(a.find(f"{CR}citation_list") is None for a in articles[1:])  # the others cite nothing
    citations = first.findall(f"{CR}citation_list/{CR}citation")
    assert [c.get("key") for c in citations] == [f"ref-{n}" for n in range(1, 7)]
    parts = [{child.tag.removeprefix(CR): child.text for child in c} for c in citations]
    journal, book, chapter, thesis, dataset, webpage = parts
    # a DOI is all Crossref needs to match; the formatted entry rides along
    assert journal == {"doi": "10.99999/ll.2019.017", "unstructured_citation": REFERENCES[0].text}
    assert dataset == {"doi": "10.5281/zenodo.1234567", "unstructured_citation": REFERENCES[4].text}
    assert book == {"author": "Lankov", "cYear": "2002", "isbn": "978-0-8135-3117-3",
                    "volume_title": "From Stalin to Kim Il Sung", "unstructured_citation": REFERENCES[1].text}
    assert chapter == {"author": "O’Connor", "first_page": "45", "cYear": "2010",
                       "volume_title": "Maritime Ledgers, 1700–1900", "article_title": "Harbour Dues and Their Books",
                       "unstructured_citation": REFERENCES[2].text}
    assert thesis == {"author": "박", "cYear": "2015", "volume_title": "Parish Registers of Gyeonggi",
                      "unstructured_citation": REFERENCES[3].text}
    assert webpage == {"author": "Harbour Authority; Records Office", "cYear": "2020",
                       "article_title": "Tide Tables of the Northern Coast", "unstructured_citation": REFERENCES[5].text}


def test_a_reference_without_a_doi_gives_journal_parts_and_bad_identifiers_are_left_out(sample):
    no_doi = replace(REFERENCES[0], csl={k: v for k, v in REFERENCES[0].csl.items() if k != "DOI"})
    bad = replace(REFERENCES[1], csl={**REFERENCES[1].csl, "ISBN": "not an isbn", "DOI": "doi:10.1/x"})
    deposit = with_references(sample, "letters-in-transit", (no_doi, bad))
    assert DEPOSIT_SCHEMA.validate(etree.fromstring(deposit)), DEPOSIT_SCHEMA.error_log
    citations = ET.fromstring(deposit).findall(f"{CR}body/{CR}journal/{CR}journal_article/{CR}citation_list/{CR}citation")
    parts = [{child.tag.removeprefix(CR): child.text for child in c} for c in citations]
    assert parts[0] == {"issn": "2739-5146", "journal_title": "Ledger and Letter", "author": "Kalniņš", "volume": "12",
                        "issue": "3", "first_page": "101", "cYear": "2019",
                        "article_title": "Ship Registers; a Census = a Count?", "unstructured_citation": REFERENCES[0].text}
    assert "isbn" not in parts[1] and "doi" not in parts[1] and parts[1]["author"] == "Lankov"


def test_references_change_the_deposit_only_where_they_are(sample):
    config, library = sample
    before = crossref_files(config, library)
    deposit = with_references(sample, "letters-in-transit", REFERENCES)
    assert deposit != before[LEDGER_14_1] and with_references(sample, "letters-in-transit", ()) == before[LEDGER_14_1]


@pytest.mark.parametrize("setting", ["doi_prefix", "depositor_name", "depositor_email"])
def test_no_crossref_without_prefix_and_depositor(sample, setting: str):
    config, library = sample
    assert crossref_files(replace(config, **{setting: ""}), library) == {}
