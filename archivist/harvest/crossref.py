"""crossref.xml beside each issue page: a deposit of the articles that carry the site's own DOI prefix."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

from archivist.config import SiteConfig
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from archivist.markdown import MarkdownOptions, inline_text
from archivist.model import PartialDate
from .crossref_citations import citation_list
from .feeds import dated, last_change
from .oai import datestamp
from .xmlfile import XSI, xml_file

CROSSREF = "http://www.crossref.org/schema/5.3.1"


def crossref_files(config: SiteConfig, library: Library) -> dict[str, bytes]:
    """crossref.xml beside each issue page that holds articles with the site's own DOI prefix.

    Written only when the site sets doi_prefix, depositor_name and depositor_email: a deposit
    without a depositor cannot be submitted, and DOIs of other prefixes are not ours to register."""
    if not (config.doi_prefix and config.depositor_name and config.depositor_email):
        return {}
    files = {}
    for journal in library.collections.journals_only:
        for issue in journal.issues:
            ours = [e for e in dated(issue.entries) if e.article.meta.doi.startswith(config.doi_prefix + "/")]
            if ours:
                files[f"{issue.path}crossref.xml"] = crossref_deposit(config, journal, issue, ours)
    return files


def crossref_deposit(config: SiteConfig, journal, issue, entries: list[Entry]) -> bytes:  # noqa: ANN001
    """One doi_batch (schema 5.3.1) for one issue; batch id and timestamp follow from the content,
    so rebuilding the same issue gives the same bytes and a correction gives a later timestamp."""
    root = ET.Element("doi_batch", {"xmlns": CROSSREF, "xmlns:xsi": XSI, "version": "5.3.1", "xsi:schemaLocation":
                                    f"{CROSSREF} https://www.crossref.org/schemas/crossref5.3.1.xsd"})
    body = ET.SubElement(root, "body")
    element = ET.SubElement(body, "journal")
    element.append(_journal_metadata(journal))
    element.append(_journal_issue(issue, entries))
    for entry in entries:
        element.append(_journal_article(config, entry))
    newest = max((last_change(e) for e in entries), key=lambda d: d.sort_key)
    timestamp = datestamp(newest).replace("-", "") + "000000"
    digest = hashlib.sha256(ET.tostring(body)).hexdigest()[:12]
    batch_id = f"{journal.slug}-{issue.volume}-{issue.issue or 'v'}"[:44] + f"-{timestamp[:8]}-{digest}"
    root.insert(0, _head(config, journal, batch_id, timestamp))
    return xml_file(root)


def _cr_text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attributes)
    child.text = text
    return child


def _head(config: SiteConfig, journal, batch_id: str, timestamp: str) -> ET.Element:  # noqa: ANN001
    head = ET.Element("head")
    _cr_text(head, "doi_batch_id", batch_id)
    _cr_text(head, "timestamp", timestamp)
    depositor = ET.SubElement(head, "depositor")
    _cr_text(depositor, "depositor_name", config.depositor_name)
    _cr_text(depositor, "email_address", config.depositor_email)
    _cr_text(head, "registrant", journal.publisher or config.publisher or config.depositor_name)
    return head


def _journal_metadata(journal) -> ET.Element:  # noqa: ANN001
    metadata = ET.Element("journal_metadata")
    if journal.language:
        metadata.set("language", journal.language.split("-")[0].lower())
    _cr_text(metadata, "full_title", journal.title)
    record = journal.record
    if record and record.issn:
        _cr_text(metadata, "issn", record.issn, media_type="print")
    if record and record.eissn:
        _cr_text(metadata, "issn", record.eissn, media_type="electronic")
    if not record and journal.issn:
        _cr_text(metadata, "issn", journal.issn, media_type="print")
    return metadata


def _publication_date(parent: ET.Element, date: PartialDate) -> None:
    element = ET.SubElement(parent, "publication_date", {"media_type": "online"})
    if date.month:
        _cr_text(element, "month", f"{date.month:02d}")
        if date.day:
            _cr_text(element, "day", f"{date.day:02d}")
    _cr_text(element, "year", f"{date.year:04d}")


def _journal_issue(issue, entries: list[Entry]) -> ET.Element:  # noqa: ANN001
    element = ET.Element("journal_issue")
    _publication_date(element, min((e.article.meta.date for e in entries), key=lambda d: d.sort_key))
    volume = ET.SubElement(element, "journal_volume")
    _cr_text(volume, "volume", issue.volume)
    if issue.issue:
        _cr_text(element, "issue", issue.issue)
    return element


def _journal_article(config: SiteConfig, entry: Entry) -> ET.Element:
    meta = entry.article.meta
    article = ET.Element("journal_article", {"publication_type": "full_text"})
    if meta.language:
        article.set("language", meta.language.split("-")[0].lower())
    titles = ET.SubElement(article, "titles")
    _cr_text(titles, "title", inline_text(meta.title, meta.language, MarkdownOptions.of(config)))
    if meta.authors:
        article.append(_contributors(meta.authors))
    _publication_date(article, meta.date)
    if meta.first_page:
        pages = ET.SubElement(article, "pages")
        _cr_text(pages, "first_page", meta.first_page)
        if meta.last_page:
            _cr_text(pages, "last_page", meta.last_page)
    doi_data = ET.SubElement(article, "doi_data")
    _cr_text(doi_data, "doi", meta.doi)
    _cr_text(doi_data, "resource", config.absolute_url(entry.article.url_path))
    cited = citation_list(entry.references)
    if cited is not None:
        article.append(cited)  # after doi_data, as the schema orders journal_article's children
    return article


def _contributors(people) -> ET.Element:  # noqa: ANN001
    element = ET.Element("contributors")
    for index, person in enumerate(people):
        sequence = "first" if index == 0 else "additional"
        if person.literal:
            _cr_text(element, "organization", person.literal, sequence=sequence, contributor_role="author")
            continue
        name = ET.SubElement(element, "person_name", {"sequence": sequence, "contributor_role": "author"})
        if person.given:
            _cr_text(name, "given_name", person.given)
        _cr_text(name, "surname", " ".join(p for p in (person.particle, person.family) if p))
        if person.suffix:
            _cr_text(name, "suffix", person.suffix)
        if person.affiliation:
            institution = ET.SubElement(ET.SubElement(name, "affiliations"), "institution")
            _cr_text(institution, "institution_name", person.affiliation)
        if person.orcid:
            _cr_text(name, "ORCID", f"https://orcid.org/{person.orcid}")
    return element
