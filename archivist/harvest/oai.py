"""oai.xml: the archive as an OAI-PMH static repository, each article a simple Dublin Core record."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.library.entry import Entry
from archivist.markdown import MarkdownOptions, inline_text
from archivist.model import PartialDate
from archivist.util.vocabulary import LICENSES
from .feeds import last_change
from .xmlfile import XSI, xml_file

STATIC_REPOSITORY = "http://www.openarchives.org/OAI/2.0/static-repository"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
OAI_MAX_RECORDS = 5000  # the Static Repository specification's limit


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
    return xml_file(root), []


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
