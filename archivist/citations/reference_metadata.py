"""The works an article cites, as machines read them: Google Scholar's citation_reference tags and
schema.org `citation` nodes, each made from one reference's CSL item."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from archivist.citations.csl_fields import (INSTITUTION_TAGS, iso_date, issued_year, page_range, person_display,
                                            person_tagged, plain)
from archivist.model import Reference

# CSL type -> the field of a citation_reference that names where the work appeared.
REFERENCE_VENUES = {
    "article-journal": "citation_journal_title", "article-magazine": "citation_journal_title",
    "article-newspaper": "citation_journal_title", "chapter": "citation_inbook_title",
    "paper-conference": "citation_inbook_title", "entry-encyclopedia": "citation_inbook_title",
    "entry-dictionary": "citation_inbook_title",
}
# CSL type -> schema.org type of the cited work; anything else is a CreativeWork.
LD_TYPES = {
    "article-journal": "ScholarlyArticle", "paper-conference": "ScholarlyArticle", "article": "ScholarlyArticle",
    "article-magazine": "Article", "article-newspaper": "NewsArticle", "book": "Book", "chapter": "Chapter",
    "entry-encyclopedia": "Chapter", "entry-dictionary": "Chapter", "dataset": "Dataset",
    "software": "SoftwareSourceCode", "thesis": "Thesis", "report": "Report", "webpage": "WebPage",
    "post": "WebPage", "post-weblog": "BlogPosting",
}
# Types whose container is a periodical: schema.org nests issue in volume in periodical.
PERIODICAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})
BOOK_PARTS = frozenset({"chapter", "entry-encyclopedia", "entry-dictionary"})
WEB_TYPES = frozenset({"webpage", "post", "post-weblog"})
_SEPARATOR = re.compile(r";(?=\s|$)")


# --- Google Scholar --------------------------------------------------------------------------------

def reference_tag_contents(references: Iterable[Reference]) -> tuple[str, ...]:
    """The content of one <meta name="citation_reference"> per reference, in list order."""
    return tuple(content for content in (scholar_reference(r.csl) for r in references) if content)


def scholar_reference(item: Mapping[str, Any]) -> str:
    """One cited work as Google Scholar's 'citation_title=…; citation_author=…' string.

    Scholar splits the string at "; " and each field at its first "=": field names never hold an
    "=", so an "=" in a value (a formula in a title, a URL's query) stays as it is. A ";" that
    ends a word in a value would end the field, so in text values it becomes a ","; a ";" inside
    a DOI or URL (SICI DOIs have them) is followed by no space and splits nothing, so those keep
    theirs. The template escapes the whole string as an HTML attribute."""
    return "; ".join(f"{name}={value}" for name, value in reference_fields(item))


def reference_fields(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, value) pairs of one citation_reference, empty values left out."""
    item_type = str(item.get("type", ""))
    fields = [("citation_title", _text(plain(str(item.get("title", "")))))]
    names = item.get("author") or []
    fields += [("citation_author", _text(person_tagged(n))) for n in names]
    if not names:
        fields += [("citation_editor", _text(person_tagged(n))) for n in item.get("editor") or []]
    fields += _venue_fields(item, item_type)
    first, last = page_range(item)
    publisher = "" if item_type in INSTITUTION_TAGS else str(item.get("publisher") or "")
    fields += [("citation_publication_date", issued_year(item)), ("citation_volume", _text(str(item.get("volume") or ""))),
               ("citation_issue", _text(str(item.get("issue") or ""))), ("citation_firstpage", _text(first)),
               ("citation_lastpage", _text(last)), ("citation_doi", _identifier(item.get("DOI"))),
               ("citation_isbn", _identifier(item.get("ISBN"))), ("citation_publisher", _text(publisher)),
               ("citation_public_url", _identifier(item.get("URL")))]
    return [(name, value) for name, value in fields if value]


def _venue_fields(item: Mapping[str, Any], item_type: str) -> list[tuple[str, str]]:
    container = _text(plain(str(item.get("container-title") or "")))
    fields = [(REFERENCE_VENUES[item_type], container)] if container and item_type in REFERENCE_VENUES else []
    if item_type == "paper-conference":
        event = _text(plain(str(item.get("event-title") or item.get("event") or ""))) or container
        fields.append(("citation_conference_title", event))
    if item_type in INSTITUTION_TAGS:
        fields.append((INSTITUTION_TAGS[item_type], _text(str(item.get("publisher") or ""))))
    if item_type == "report" and item.get("number"):
        fields.append(("citation_technical_report_number", _text(str(item["number"]))))
    return fields


def _text(value: str) -> str:
    """A text value that cannot end its field early: whitespace collapsed, "; " made ", "."""
    return _SEPARATOR.sub(",", " ".join(value.split()))


def _identifier(value: Any) -> str:
    """A DOI, ISBN or URL: no whitespace in it, so its own ';' and '=' split nothing."""
    return re.sub(r"\s+", "%20", str(value or "").strip())


# --- schema.org JSON-LD ----------------------------------------------------------------------------

def ld_citations(references: Iterable[Reference]) -> list[dict[str, Any]]:
    """The ScholarlyArticle's `citation` list: one node per reference, in list order."""
    return [ld_work(r.csl) for r in references]


def ld_work(item: Mapping[str, Any]) -> dict[str, Any]:
    """A cited work as a schema.org node, typed by its CSL type."""
    item_type = str(item.get("type", ""))
    node: dict[str, Any] = {"@type": LD_TYPES.get(item_type, "CreativeWork"), "name": plain(str(item.get("title", "")))}
    creators = item.get("author") or []
    if creators:
        node["author"] = [_ld_creator(n) for n in creators]
    if item.get("editor"):
        node["editor"] = [_ld_creator(n) for n in item["editor"]]
    if iso_date(item):
        node["datePublished"] = iso_date(item)
    if item.get("container-title"):
        node["isPartOf"] = _ld_part_of(item, item_type)
    node.update(_ld_details(item))
    if item.get("DOI"):
        node["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": str(item["DOI"])}
        node["sameAs"] = f"https://doi.org/{item['DOI']}"
    if item.get("URL"):
        node["url"] = str(item["URL"])
    return node


def _ld_creator(name: Mapping[str, Any]) -> dict[str, Any]:
    if "literal" in name:
        return {"@type": "Organization", "name": name["literal"]}
    person: dict[str, Any] = {"@type": "Person", "name": person_display(name)}
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    if family:
        person["familyName"] = family
    if name.get("given"):
        person["givenName"] = name["given"]
    return person


def _ld_part_of(item: Mapping[str, Any], item_type: str) -> dict[str, Any]:
    """Periodical (in volume and issue when known), the book of a chapter, or the site of a page."""
    container = plain(str(item["container-title"]))
    if item_type in WEB_TYPES:
        return {"@type": "WebSite", "name": container}
    if item_type in BOOK_PARTS:
        return {"@type": "Book", "name": container}
    if item_type not in PERIODICAL_TYPES:
        return {"@type": "CreativeWork", "name": container}  # proceedings, a series, ...
    node: dict[str, Any] = {"@type": "Periodical", "name": container}
    if item.get("ISSN"):
        node["issn"] = str(item["ISSN"])
    if item.get("volume"):
        node = {"@type": "PublicationVolume", "volumeNumber": str(item["volume"]), "isPartOf": node}
    if item.get("issue"):
        node = {"@type": "PublicationIssue", "issueNumber": str(item["issue"]), "isPartOf": node}
    return node


def _ld_details(item: Mapping[str, Any]) -> dict[str, Any]:
    """Pages, publisher (the university of a thesis), ISBN and version, where the work has them."""
    first, last = page_range(item)
    details: dict[str, Any] = {"pageStart": first, "pageEnd": last}
    if item.get("publisher"):
        details["publisher"] = {"@type": "Organization", "name": str(item["publisher"])}  # a thesis: its university
    if item.get("ISBN"):
        details["isbn"] = str(item["ISBN"])
    if item.get("version"):
        details["version"] = str(item["version"])
    return {key: value for key, value in details.items() if value}
