"""Machine-readable records for the article page, all derived from the one CSL item:
Google Scholar (Highwire) tags, Dublin Core, EPrints places, schema.org JSON-LD and OpenGraph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from archivist.citations.csl_fields import (INSTITUTION_TAGS, VENUE_TAGS, iso_date, page_range, person_display,
                                            person_inverted, person_tagged, plain, scholar_date)
from archivist.citations.reference_metadata import ld_citations, reference_tag_contents
from archivist.model import Reference
from archivist.util.vocabulary import LICENSES

Tag = tuple[str, str]

# CSL types whose genre Zotero takes from DC.type (reportType, thesisType, websiteType, ...): for
# them a generic "Text" would be saved, and printed, as the genre ("[Text]").
GENRE_TYPES = frozenset({"report", "thesis", "letter", "manuscript", "map", "webpage", "speech", "post", "post-weblog"})
DESCRIPTION_LENGTH = 300  # characters of the abstract that search results and link cards show


@dataclass(frozen=True)
class PageMetadata:
    """Everything the <head> of an article page says about the article to machines."""

    highwire: tuple[Tag, ...]
    dublin_core: tuple[Tag, ...]
    eprints: tuple[Tag, ...]
    open_graph: tuple[Tag, ...]
    json_ld: Mapping[str, Any]
    description: str = ""  # the page's <meta name="description">: the abstract, shortened as og:description
    references: tuple[str, ...] = ()  # one <meta name="citation_reference"> content per work the article cites


def build_page_metadata(item: Mapping[str, Any], *, authors: list[Mapping[str, str]], page_url: str,
                        pdf_url: str, site_title: str, publisher: str, license_id: str, title: str = "",
                        references: Iterable[Reference] = ()) -> PageMetadata:
    """One call makes every record, so byline, citations and tags cannot disagree. `title` is the
    title exactly as the page's <h1> shows it (typographic quotes included), so machines that
    compare the tag with the visible heading find them equal. `references` are the works the
    article cites: a citation_reference tag and a JSON-LD `citation` node each."""
    if title:
        item = {**item, "title": title}
    references = tuple(references)
    record = json_ld(item, authors, page_url, publisher or site_title, license_id)
    if references:
        record["citation"] = ld_citations(references)
    return PageMetadata(
        highwire=tuple(highwire_tags(item, authors, page_url, pdf_url)),
        dublin_core=tuple(dublin_core_tags(item, page_url, publisher, license_id)),
        eprints=tuple(eprints_tags(item)),
        open_graph=tuple(open_graph_tags(item, page_url, site_title)),
        json_ld=record,
        description=_shorten(str(item.get("abstract") or ""), DESCRIPTION_LENGTH),
        references=reference_tag_contents(references),
    )


def highwire_tags(item: Mapping[str, Any], authors: list[Mapping[str, str]], page_url: str, pdf_url: str) -> list[Tag]:
    """The Highwire Press tag set that Google Scholar and Zotero read first."""
    tags: list[Tag] = [("citation_title", plain(item.get("title", "")))]
    tags += _creator_tags(item, authors)
    tags.append(("citation_publication_date", scholar_date(item)))
    tags += _venue_tags(item)
    first, last = page_range(item)
    for key, value in (("citation_volume", item.get("volume")), ("citation_issue", item.get("issue")),
                       ("citation_firstpage", first), ("citation_lastpage", last),
                       ("citation_doi", item.get("DOI")), ("citation_issn", item.get("ISSN")),
                       ("citation_isbn", item.get("ISBN")), ("citation_publisher", item.get("publisher")),
                       ("citation_series_title", plain(item.get("collection-title", ""))),
                       ("citation_language", item.get("language")), ("citation_abstract", item.get("abstract"))):
        if value:
            tags.append((key, str(value)))
    if item.get("keyword"):
        tags.append(("citation_keywords", "; ".join(k.strip() for k in str(item["keyword"]).split(","))))
    if pdf_url:
        tags.append(("citation_pdf_url", pdf_url))
    if item.get("URL") and item["URL"] != page_url:
        tags.append(("citation_public_url", item["URL"]))  # first published elsewhere: the URL citations give
    tags.append(("citation_abstract_html_url", page_url))
    tags.append(("citation_fulltext_html_url", page_url))
    return tags


def _creator_tags(item: Mapping[str, Any], authors: list[Mapping[str, str]]) -> list[Tag]:
    """One tag per author, each followed by its institution and ORCID; then one per editor."""
    tags: list[Tag] = []
    for name, extra in zip(item.get("author", []), authors):
        tags.append(("citation_author", person_tagged(name)))
        if extra.get("affiliation"):
            tags.append(("citation_author_institution", extra["affiliation"]))
        if extra.get("orcid"):
            tags.append(("citation_author_orcid", f"https://orcid.org/{extra['orcid']}"))
    tags += [("citation_editor", person_tagged(name)) for name in item.get("editor", [])]
    return tags


def _venue_tags(item: Mapping[str, Any]) -> list[Tag]:
    """Where the work appeared. Zotero takes the item type from the last venue tag, so a
    conference paper names its proceedings (the container) before the conference (the event);
    without an event title the proceedings name the conference too, which keeps the type."""
    item_type = item.get("type", "article-journal")
    container = plain(item.get("container-title", ""))
    tags: list[Tag] = []
    if container and item_type in VENUE_TAGS:
        tags.append((VENUE_TAGS[item_type], container))
    event = plain(item.get("event-title") or item.get("event") or "") or container
    if item_type == "paper-conference" and event:
        tags.append(("citation_conference_title", event))
    if item_type in INSTITUTION_TAGS and item.get("publisher"):
        tags.append((INSTITUTION_TAGS[item_type], item["publisher"]))
    if item_type == "report" and item.get("number"):
        tags.append(("citation_technical_report_number", str(item["number"])))
    return tags


def dublin_core_tags(item: Mapping[str, Any], page_url: str, publisher: str, license_id: str) -> list[Tag]:
    tags: list[Tag] = [("DC.title", plain(item.get("title", "")))]
    tags += [("DC.creator", person_inverted(name)) for name in item.get("author", [])]
    tags += [("DC.contributor", person_inverted(name)) for role in ("editor", "translator") for name in item.get(role, [])]
    tags.append(("DC.date", iso_date(item)))
    if item.get("DOI"):
        tags.append(("DC.identifier", f"https://doi.org/{item['DOI']}"))
    tags.append(("DC.identifier", page_url))
    if item.get("container-title"):
        tags.append(("DC.relation.ispartof", plain(item["container-title"])))
    if item.get("publisher") or publisher:
        tags.append(("DC.publisher", item.get("publisher") or publisher))
    if item.get("language"):
        tags.append(("DC.language", item["language"]))
    if item.get("abstract"):
        tags.append(("DC.description", item["abstract"]))
    tags += [("DC.subject", k.strip()) for k in str(item.get("keyword", "")).split(",") if k.strip()]
    if license_id:
        tags.append(("DC.rights", LICENSES.get(license_id, (license_id, license_id))[1]))
    genre = plain(str(item.get("genre", "")))
    if genre or item.get("type") not in GENRE_TYPES:
        tags.append(("DC.type", genre or "Text"))
    return tags


def eprints_tags(item: Mapping[str, Any]) -> list[Tag]:
    """Places, which neither Highwire nor Dublin Core can say: Zotero reads these EPrints tags
    for the place of publication and, failing that, the place of the event."""
    tags: list[Tag] = []
    for key, variable in (("eprints.place_of_pub", "publisher-place"), ("eprints.event_location", "event-place")):
        if item.get(variable):
            tags.append((key, plain(str(item[variable]))))
    return tags


def open_graph_tags(item: Mapping[str, Any], page_url: str, site_title: str) -> list[Tag]:
    tags: list[Tag] = [("og:type", "article"), ("og:title", plain(item.get("title", ""))), ("og:url", page_url),
                       ("og:site_name", site_title)]
    if item.get("abstract"):
        tags.append(("og:description", _shorten(str(item["abstract"]), DESCRIPTION_LENGTH)))
    if iso_date(item):
        tags.append(("article:published_time", iso_date(item)))
    return tags


def json_ld(item: Mapping[str, Any], authors: list[Mapping[str, str]], page_url: str, publisher: str,
            license_id: str) -> dict[str, Any]:
    """A schema.org ScholarlyArticle for web search engines (Zotero does not read JSON-LD)."""
    record: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": _shorten(plain(item.get("title", "")), 110),
        "name": plain(item.get("title", "")),
        "author": [_ld_person(name, extra) for name, extra in zip(item.get("author", []), authors)],
        "datePublished": iso_date(item),
        "url": page_url,
        "mainEntityOfPage": page_url,
        "publisher": {"@type": "Organization", "name": item.get("publisher") or publisher},
    }
    if item.get("DOI"):
        record["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": item["DOI"]}
        record["sameAs"] = f"https://doi.org/{item['DOI']}"
    optional = {"abstract": item.get("abstract"), "inLanguage": item.get("language"),
                "keywords": [k.strip() for k in str(item.get("keyword", "")).split(",") if k.strip()] or None,
                "license": LICENSES.get(license_id, (license_id, license_id))[1] if license_id else None,
                "dateModified": iso_date(item, "modified") if item.get("modified") else None}
    record.update({k: v for k, v in optional.items() if v})
    first, last = page_range(item)
    if first:
        record["pageStart"] = first
    if last:
        record["pageEnd"] = last
    if item.get("container-title"):
        record["isPartOf"] = _ld_container(item)
    return record


def _ld_person(name: Mapping[str, Any], extra: Mapping[str, str]) -> dict[str, Any]:
    if "literal" in name:
        return {"@type": "Organization", "name": name["literal"]}
    person: dict[str, Any] = {"@type": "Person", "name": person_display(name), "familyName": name.get("family", "")}
    if name.get("given"):
        person["givenName"] = name["given"]
    if extra.get("orcid"):
        person["identifier"] = f"https://orcid.org/{extra['orcid']}"
    if extra.get("affiliation"):
        person["affiliation"] = {"@type": "Organization", "name": extra["affiliation"]}
    return person


def _ld_container(item: Mapping[str, Any]) -> dict[str, Any]:
    periodical: dict[str, Any] = {"@type": "Periodical", "name": plain(item["container-title"])}
    if item.get("ISSN"):
        periodical["issn"] = item["ISSN"]
    if item.get("type") not in (None, "article-journal"):
        return {"@type": "CreativeWork", "name": plain(item["container-title"])}
    node = periodical
    if item.get("volume"):
        node = {"@type": "PublicationVolume", "volumeNumber": str(item["volume"]), "isPartOf": node}
    if item.get("issue"):
        node = {"@type": "PublicationIssue", "issueNumber": str(item["issue"]), "isPartOf": node}
    return node


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
