"""Reads an article page's <meta> tags the way Zotero's "Embedded Metadata" translator does.

What the Zotero Connector saves from a page without a site-specific translator: Highwire
`citation_*` tags first, then Dublin Core, OpenGraph and EPrints tags (through Zotero's RDF
reader), then the plain `description` and the page's language. Re-expressed here from the
translator's documented behaviour and checked against the real translation-server, so that
tests can ask "what would Zotero save?" without running Zotero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Highwire tag -> Zotero field, in the order the translator applies them: where two tags fill
# the same field, the later one here wins (citation_inbook_title over citation_journal_title).
HIGHWIRE_FIELDS = (
    ("citation_title", "title"), ("citation_publication_date", "date"), ("citation_cover_date", "date"),
    ("citation_date", "date"), ("citation_journal_title", "publicationTitle"),
    ("citation_journal_abbrev", "journalAbbreviation"), ("citation_inbook_title", "publicationTitle"),
    ("citation_book_title", "bookTitle"), ("citation_volume", "volume"), ("citation_issue", "issue"),
    ("citation_series_title", "series"), ("citation_conference_title", "conferenceName"),
    ("citation_conference", "conferenceName"), ("citation_dissertation_institution", "university"),
    ("citation_technical_report_institution", "institution"), ("citation_technical_report_number", "number"),
    ("citation_publisher", "publisher"), ("citation_isbn", "ISBN"), ("citation_abstract", "abstractNote"),
    ("citation_doi", "DOI"), ("citation_public_url", "url"), ("citation_language", "language"),
)
# The venue tags decide the item type; the last one on the page wins.
VENUE_TYPES = {
    "citation_journal_title": "journalArticle", "citation_technical_report_institution": "report",
    "citation_conference_title": "conferencePaper", "citation_conference": "conferencePaper",
    "citation_book_title": "bookSection", "citation_inbook_title": "bookSection",
    "citation_dissertation_institution": "thesis",
}
# Zotero's own field for each generic field, per item type (Zotero schema 29). A generic field
# missing from a type is dropped on saving, except the DOI, which goes to Extra.
COMMON_FIELDS = ("title", "abstractNote", "date", "language", "url", "rights")
TYPE_FIELDS = {
    "journalArticle": {"publicationTitle": "publicationTitle", "volume": "volume", "issue": "issue",
                       "pages": "pages", "series": "series", "DOI": "DOI", "ISSN": "ISSN"},
    "bookSection": {"publicationTitle": "bookTitle", "bookTitle": "bookTitle", "series": "series",
                    "volume": "volume", "place": "place", "publisher": "publisher", "pages": "pages", "ISBN": "ISBN"},
    "conferencePaper": {"publicationTitle": "proceedingsTitle", "conferenceName": "conferenceName",
                        "place": "place", "publisher": "publisher", "volume": "volume", "pages": "pages",
                        "series": "series", "DOI": "DOI", "ISBN": "ISBN"},
    "report": {"number": "reportNumber", "type": "reportType", "place": "place", "publisher": "institution",
               "institution": "institution", "pages": "pages"},
    "thesis": {"type": "thesisType", "publisher": "university", "university": "university", "place": "place"},
    "book": {"series": "series", "volume": "volume", "place": "place", "publisher": "publisher", "ISBN": "ISBN"},
}
_UPPER = "A-Z\u0400-\u042f"


@dataclass
class Head:
    """The page's <meta name|property> tags in document order, and the <html lang>."""

    meta: list[tuple[str, str]] = field(default_factory=list)
    lang: str = ""

    def all(self, name: str) -> list[str]:
        return [content for key, content in self.meta if key == name]

    def first(self, *names: str) -> str:
        return next((content for name in names for content in self.all(name)), "")

    def ending(self, suffix: str) -> str:
        """The translator matches Highwire names by their ending (`meta[name$=...]`)."""
        return next((content for key, content in self.meta if key.endswith(suffix)), "")


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.head = Head()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or attrs.get("property")
        if tag == "meta" and name and attrs.get("content"):
            self.head.meta.append((name, attrs["content"]))
        elif tag == "html":
            self.head.lang = attrs.get("lang", "")


def read_head(page_html: str) -> Head:
    parser = _HeadParser()
    parser.feed(page_html)
    return parser.head


def zotero_item(page_html: str) -> dict:
    """The item Zotero saves from the page: API-JSON field names, creators, and `pdf` (the URL
    of the PDF it attaches, or "")."""
    head = read_head(page_html)
    generic = {**_rdf_fields(head), **_highwire_fields(head)}
    item_type = _item_type(head)
    item = {"itemType": item_type, "creators": _creators(head)}
    item.update(_typed_fields(generic, item_type))
    item["pdf"] = head.first("citation_pdf_url")
    return item


def _highwire_fields(head: Head) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag, name in HIGHWIRE_FIELDS:
        value = head.ending(tag)
        if value.strip():
            found[name] = trim_internal(value)
    for tag, name in (("citation_issn", "ISSN"), ("citation_isbn", "ISBN")):
        if head.all(tag):
            found[name] = ", ".join(head.all(tag))  # every value, as the translator keeps them
    if head.first("citation_technical_report_institution", "citation_dissertation_institution"):
        found["publisher"] = head.first("citation_technical_report_institution", "citation_dissertation_institution")
    pages = _pages(head.first("citation_firstpage"), head.first("citation_lastpage"))
    if pages:
        found["pages"] = pages
    found["url"] = (found.get("url") or head.first("og:url") or head.first("citation_abstract_html_url")
                    or head.first("citation_fulltext_html_url"))
    return {k: v for k, v in found.items() if v}


def _rdf_fields(head: Head) -> dict[str, str]:
    """What Zotero's RDF reader takes from Dublin Core, OpenGraph and EPrints tags, with the
    low-quality fallbacks; Highwire values replace these."""
    doi = next((d for d in head.all("DC.identifier") if re.match(r"(https?://(dx\.)?doi\.org/)?10\.", d)), "")
    fields = {
        "title": head.first("DC.title", "og:title"),
        "date": head.first("article:published_time", "DC.date"),
        "publisher": head.first("DC.publisher"),
        "place": head.first("eprints.place_of_pub", "eprints.event_location"),
        "rights": head.first("DC.rights"),
        "type": head.first("DC.type"),
        "DOI": re.sub(r"^https?://(dx\.)?doi\.org/", "", doi),
        "abstractNote": trim_internal(head.first("og:description", "DC.description", "description")),
        "language": head.first("DC.language") or head.lang,
    }
    return {k: v for k, v in fields.items() if v}


def _item_type(head: Head) -> str:
    venue = [VENUE_TYPES[tag[tag.rfind("citation_"):]] for tag, _ in head.meta
             if tag[tag.rfind("citation_"):] in VENUE_TYPES]
    if venue:
        return venue[-1]
    return "book" if head.all("citation_isbn") else "journalArticle"


def _typed_fields(generic: dict[str, str], item_type: str) -> dict[str, str]:
    """Generic fields under the item type's own names; a DOI the type cannot hold goes to Extra."""
    own = TYPE_FIELDS.get(item_type, {})
    generic = {name: value for name, value in {**generic, "DOI": clean_doi(generic.get("DOI", ""))}.items() if value}
    item = {name: generic[name] for name in COMMON_FIELDS if generic.get(name)}
    for name, value in generic.items():
        if name in own:
            item.setdefault(own[name], value)
    if generic.get("DOI") and "DOI" not in own:
        item["extra"] = f"DOI: {generic['DOI']}"
    return item


def _pages(first: str, last: str) -> str:
    first, last = first.replace("\u2013", "-"), last.replace("\u2013", "-")
    if "-" in first:
        first, _, rest = first.partition("-")
        last = last or rest
    if "-" in last:
        first, last = first or last.split("-")[0], last.split("-")[1]
    first, last = first.strip(), last.strip()
    return f"{first}-{last}" if first and last else first


def _creators(head: Head) -> list[dict[str, str]]:
    """Authors then editors from citation_author / citation_editor; any other role is never read.
    Dublin Core creators count only when the page has no citation_author."""
    authors = head.all("citation_author") or head.all("citation_authors")
    editors = head.all("citation_editor") or head.all("citation_editors")
    creators = _named(authors, "author") + _named(editors, "editor")
    return creators or [clean_author(c, "author", "," in c) for c in head.all("DC.creator")]


def _named(tags: list[str], role: str) -> list[dict[str, str]]:
    people: list[dict[str, str]] = []
    last = None
    for tag in tags:
        names = re.split(r"\s*;\s*", tag)
        if len(names) == 1 and len(tags) == 1:
            names = _sole_tag_split(names[0])
        for name in (n.strip() for n in names):
            if not re.search(r"[^\s,\-.;]", name) or name == last:
                continue  # empty, or the same person twice in a row
            last = name
            people.append(clean_author(name, role, "," in name))
    return people


def _sole_tag_split(text: str) -> list[str]:
    """A page with one author tag holding "Two Words, Two Words" is read as two people."""
    parts = re.split(r"\s*,\s*", text)
    return parts if len(parts) > 1 and " " in parts[0] and " " in parts[1] else [text]


def clean_author(name: str, role: str, use_comma: bool) -> dict[str, str]:
    """Zotero's name splitting: trailing punctuation goes (so "Jr." loses its period); with a
    comma the first part is the family name; otherwise the last word is. A name without a
    given part is saved as one field."""
    name = re.sub(r"^[\s\u00a0.,/\[\]:]+|[\s\u00a0.,/\[\]:]+$", "", name)
    name = re.sub(r"[\s\u00a0]+", " ", name, count=1)
    if use_comma:
        parts = re.split(r"[,\u060c] ?", re.sub(r"\.([^ ])", r". \1", name, count=1))
        family, given = parts[0], parts[1] if len(parts) > 1 else ""
    else:
        given, _, family = name.rpartition(" ")
    given = _initials(given)
    if not given:
        return {"name": family, "creatorType": role}
    return {"firstName": _fix_case(given), "lastName": _fix_case(family), "creatorType": role}


def _initials(given: str) -> str:
    """Single capital letters get a period: "Andrei N" and "Andrei N." both save as "Andrei N."."""
    if re.fullmatch(f"[{_UPPER}]{{1,3}}", given or ""):
        given = " ".join(given)
    words = [w for w in re.split(r"[\s.]+", (given or "").strip(" ,")) if w]
    return " ".join(w + "." if re.fullmatch(f"-?[{_UPPER}]", w) else w for w in words).replace(" -", "-")


def _fix_case(name: str) -> str:
    """All-capital or all-lower-case Latin names are put in title case; other scripts are kept."""
    cased = any(c.lower() != c.upper() for c in name)
    return name.title() if cased and (name.upper() == name or name.lower() == name) else name


def clean_doi(text: str) -> str:
    """The DOI inside the text, or "" when there is none (Zotero then drops the field)."""
    found = re.search(r"10(?:\.[0-9]{4,})?/\S*[^\s.,]", text)
    return found.group(0) if found else ""


def trim_internal(text: str) -> str:
    return " ".join(text.split())
