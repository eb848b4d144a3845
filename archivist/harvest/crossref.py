"""Files for machines that harvest the archive: feeds, sitemap, robots.txt, OAI-PMH, Crossref, catalogues."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from .feeds import dated, feed_files, last_change
from archivist.library.assemble import Library
from archivist.library.entry import Entry
from archivist.pages.jobs import OutputJob
from archivist.pages.listings import plan_listings
from archivist.markdown import MarkdownOptions, inline_text
from archivist.model import PartialDate
from archivist.util.vocabulary import LICENSES

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
STATIC_REPOSITORY = "http://www.openarchives.org/OAI/2.0/static-repository"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CROSSREF = "http://www.crossref.org/schema/5.3.1"
OAI_MAX_RECORDS = 5000  # the Static Repository specification's limit
# Elements are built with literal prefixes ('oai:record') and xmlns attributes on the root, so
# the output's prefixes are exactly the conventional ones whatever else registered namespaces.


def harvest(config: SiteConfig, library: Library, listings: Sequence[OutputJob] | None = None
            ) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """Every harvesting file, and the problems that kept any of them from being written; `listings`
    are the listing pages when the caller has planned them already (the sitemap lists them)."""
    files = feed_files(config, library)
    files["sitemap.xml"] = sitemap(config, library, plan_listings(config, library) if listings is None else listings)
    files["robots.txt"] = robots(config)
    oai, problems = oai_repository(config, tuple(dated(library.entries)))
    if oai is not None:
        files["oai.xml"] = oai
    files.update(crossref_files(config, library))
    files.update(catalogue_files(library.entries))
    return files, problems


# --- sitemap and robots -------------------------------------------------------------------------

def page_dates(library: Library, listings: Iterable[OutputJob]) -> list[tuple[str, str]]:
    """(served path, lastmod) of every HTML page: home, articles and listings; lastmod is the
    newest change among the articles a page shows."""
    newest = _newest(library.entries)
    by_source = {e.article.source.relpath: e for e in library.entries}
    pages = [("", newest)]
    pages += [(e.article.url_path, _newest([e])) for e in library.entries]  # no lastmod for an undated draft
    for job in listings:
        shown = [by_source[s] for s in job.sources if s in by_source]
        pages.append((job.path[: -len("index.html")], _newest(shown) if shown else newest))
    return pages


def _newest(entries: Iterable[Entry]) -> str:
    dates = sorted((last_change(e) for e in dated(entries)), key=lambda d: d.sort_key)
    return dates[-1].iso if dates else ""


def sitemap(config: SiteConfig, library: Library, listings: Iterable[OutputJob]) -> bytes:
    """Every page with its last change; an article with translations lists each language's page
    (itself included) as an xhtml:link alternate, as search engines read them."""
    groups = {e.article.url_path: library.translations[e.slug] for e in library.entries if e.slug in library.translations}
    namespaces = {"xmlns": SITEMAP, **({"xmlns:xhtml": XHTML} if groups else {})}
    root = ET.Element("urlset", namespaces)
    for path, lastmod in page_dates(library, listings):
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = config.absolute_url(path)
        if lastmod:
            ET.SubElement(url, "lastmod").text = lastmod
        for member in groups.get(path, ()):
            ET.SubElement(url, "xhtml:link", {"rel": "alternate", "hreflang": member.language,
                                               "href": config.absolute_url(member.url_path)})
    return _xml(root)


def robots(config: SiteConfig) -> bytes:
    """Everything may be crawled; the Sitemap line must be an absolute URL."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n".encode("utf-8")


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# --- OAI-PMH static repository ------------------------------------------------------------------

def oai_repository(config: SiteConfig, entries: tuple[Entry, ...]) -> tuple[bytes | None, list[Diagnostic]]:
    """oai.xml, or None: OAI-PMH needs an admin e-mail, so a site opts in by setting
    'depositor_email'; more records than the specification allows is an error, never a truncation."""
    if not config.depositor_email:
        return None, []
    if len(entries) > OAI_MAX_RECORDS:
        return None, [error("pyproject.toml", 1, "harvest.oai-too-many",
                            f"oai.xml not written: a static repository holds at most {OAI_MAX_RECORDS} records "
                            f"and this archive has {len(entries)}; serve OAI-PMH from a dynamic repository")]
    ordered = sorted(entries, key=lambda e: e.slug)
    root = ET.Element("Repository", {
        "xmlns": STATIC_REPOSITORY, "xmlns:oai": OAI, "xmlns:xsi": XSI,
        "xsi:schemaLocation": f"{STATIC_REPOSITORY} http://www.openarchives.org/OAI/2.0/static-repository.xsd"})
    root.append(_identify(config, ordered))
    root.append(_metadata_formats())
    records = ET.SubElement(root, "ListRecords", {"metadataPrefix": "oai_dc"})
    for entry in ordered:
        records.append(_record(config, entry))
    return _xml(root), []


def datestamp(date: PartialDate) -> str:
    """YYYY-MM-DD, the granularity the repository declares; a missing month or day counts as the first."""
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}"


def _oai(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, f"oai:{tag}")
    child.text = text
    return child


def _identify(config: SiteConfig, entries: list[Entry]) -> ET.Element:
    identify = ET.Element("Identify")
    _oai(identify, "repositoryName", config.title)
    _oai(identify, "baseURL", config.absolute_url("oai.xml"))
    _oai(identify, "protocolVersion", "2.0")
    _oai(identify, "adminEmail", config.depositor_email)
    dates = sorted(datestamp(last_change(e)) for e in entries)
    _oai(identify, "earliestDatestamp", dates[0] if dates else "1970-01-01")
    _oai(identify, "deletedRecord", "no")
    _oai(identify, "granularity", "YYYY-MM-DD")
    return identify


def _metadata_formats() -> ET.Element:
    formats = ET.Element("ListMetadataFormats")
    dc_format = ET.SubElement(formats, "oai:metadataFormat")
    _oai(dc_format, "metadataPrefix", "oai_dc")
    _oai(dc_format, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    _oai(dc_format, "metadataNamespace", OAI_DC)
    return formats


def oai_identifier(config: SiteConfig, entry: Entry) -> str:
    """'oai:example.org:kim-takes-control': the site's host name names the repository."""
    return f"oai:{urlsplit(config.base_url).hostname}:{entry.slug}"


def _record(config: SiteConfig, entry: Entry) -> ET.Element:
    record = ET.Element("oai:record")
    header = ET.SubElement(record, "oai:header")
    _oai(header, "identifier", oai_identifier(config, entry))
    _oai(header, "datestamp", datestamp(last_change(entry)))
    metadata = ET.SubElement(record, "oai:metadata")
    dc = ET.SubElement(metadata, "oai_dc:dc", {
        "xmlns:oai_dc": OAI_DC, "xmlns:dc": DC,
        "xsi:schemaLocation": f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"})
    for tag, value in dublin_core(config, entry):
        ET.SubElement(dc, f"dc:{tag}").text = value
    return record


def dublin_core(config: SiteConfig, entry: Entry) -> list[tuple[str, str]]:
    """The article as simple Dublin Core, element by element, in the order oai_dc lists them."""
    meta = entry.article.meta
    fields = [("title", inline_text(meta.title, meta.language, MarkdownOptions.of(config)))]
    fields += [("creator", p.inverted_name) for p in meta.authors]
    fields += [("subject", k) for k in meta.keywords]
    if entry.abstract_text:
        fields.append(("description", entry.abstract_text))
    fields.append(("publisher", meta.publisher or config.publisher or config.title))
    fields += [("contributor", p.inverted_name) for p in meta.editors + meta.translators]
    fields.append(("date", meta.date.iso))
    fields.append(("type", "Text"))
    fields.append(("identifier", config.absolute_url(entry.article.url_path)))
    if meta.doi:
        fields.append(("identifier", f"https://doi.org/{meta.doi}"))
    if meta.journal:
        fields.append(("source", _source(meta)))
    fields.append(("language", meta.language or config.language))
    if meta.license:
        fields.append(("rights", LICENSES.get(meta.license, ("", meta.license))[1]))
    return fields


def _source(meta) -> str:  # noqa: ANN001 - ArticleMeta
    """'Ledger and Letter 14(1): 1-38', the container as citations print it."""
    text = meta.journal
    if meta.volume:
        text += f" {meta.volume}" + (f"({meta.issue})" if meta.issue else "")
    return text + (f": {meta.pages}" if meta.pages else "")


# --- Crossref deposits --------------------------------------------------------------------------

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
    return _xml(root)


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


# --- catalogue exports --------------------------------------------------------------------------

def catalogue_files(entries: Iterable[Entry]) -> dict[str, bytes]:
    """archive.bib, archive.ris and archive.json: every article's own exports, in slug order."""
    ordered = sorted((e for e in entries if e.exports), key=lambda e: e.slug)
    bib = "\n".join(e.exports["cite.bib"].rstrip("\n") + "\n" for e in ordered)
    ris = "\n".join(e.exports["cite.ris"].rstrip("\n") + "\n" for e in ordered)
    items = [e.csl for e in sorted(entries, key=lambda e: e.slug) if e.csl]
    csl = json.dumps(items, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    return {"archive.bib": bib.encode("utf-8"), "archive.ris": ris.encode("utf-8"),
            "archive.json": csl.encode("utf-8")}
