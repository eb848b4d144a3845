"""An article's references as the <citation_list> of its Crossref deposit (schema 5.3.1)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Iterable, Mapping

from archivist.citations.csl_fields import issued_year, page_range, plain
from archivist.model import Reference

# What the schema's doi, isbn and issn accept: a value outside it would fail the whole deposit,
# so such a value is left out and the formatted citation still says it.
DOI_PATTERN = re.compile(r"10\.[0-9]{4,9}/\S.{0,199}")
ISBN_PATTERN = re.compile(r"(?=.{10,17}$)(97[89]-)?\d[\d \-]+[\dX]")
ISSN_PATTERN = re.compile(r"\d{4}-?\d{3}[\dX]")
NUMBER_LENGTH = 32  # the most characters the schema allows in a volume, issue or first page
PERIODICAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})
# A work that is itself the volume (its title goes to volume_title, not article_title).
VOLUME_TYPES = frozenset({"book", "thesis", "report"})
CONTAINED_IN_VOLUMES = frozenset({"chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary"})


def citation_list(references: Iterable[Reference]) -> ET.Element | None:
    """<citation_list> with one <citation key="ref-N"> per reference; None when there are none.

    A reference with a DOI the schema accepts is deposited by its DOI, which is all Crossref
    needs to match it; one without gets the structured parts Crossref matches on. Both carry
    the entry as the article's style formats it, for the references Crossref cannot match."""
    citations = [_citation(index, reference) for index, reference in enumerate(references, start=1)]
    if not citations:
        return None
    element = ET.Element("citation_list")
    element.extend(citations)
    return element


def _citation(index: int, reference: Reference) -> ET.Element:
    """The children in the schema's order (5.3.1 takes them in any order; later versions list them so)."""
    item = reference.csl
    element = ET.Element("citation", {"key": f"ref-{index}"})
    doi = _valid(DOI_PATTERN, item.get("DOI"))
    parts = [("doi", doi)] if doi else _structured(item)
    parts.append(("unstructured_citation", " ".join((reference.text or plain(reference.html)).split())))
    for tag, text in parts:
        if text:
            ET.SubElement(element, tag).text = text
    return element


def _structured(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    item_type = str(item.get("type", ""))
    title = " ".join(plain(str(item.get("title") or "")).split())
    container = " ".join(plain(str(item.get("container-title") or "")).split())
    periodical = item_type in PERIODICAL_TYPES
    volume_title = title if item_type in VOLUME_TYPES else container if item_type in CONTAINED_IN_VOLUMES else ""
    return [("issn", _valid(ISSN_PATTERN, item.get("ISSN")) if periodical else ""),
            ("journal_title", container if periodical else ""), ("author", _first_author(item)),
            ("volume", _number(item.get("volume"))), ("issue", _number(item.get("issue")) if periodical else ""),
            ("first_page", _number(page_range(item)[0])), ("cYear", issued_year(item)),
            ("isbn", _valid(ISBN_PATTERN, item.get("ISBN"))), ("volume_title", volume_title),
            ("article_title", "" if item_type in VOLUME_TYPES else title)]


def _first_author(item: Mapping[str, Any]) -> str:
    """The first author's family name (an organisation's whole name); the first editor's failing that."""
    names = item.get("author") or item.get("editor") or []
    if not names:
        return ""
    name = names[0]
    return str(name.get("literal") or " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p))


def _number(value: Any) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= NUMBER_LENGTH else ""


def _valid(pattern: re.Pattern[str], value: Any) -> str:
    text = str(value or "").strip()
    return text if text and pattern.fullmatch(text) else ""
