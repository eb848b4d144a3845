"""Reading a CSL item's names, dates and pages as the machine records of a page write them."""

from __future__ import annotations

import html
import re
from typing import Any, Mapping

# CSL type -> the Highwire tag that names its container. A conference paper's container is its
# proceedings, a book like a chapter's; the conference itself gets citation_conference_title.
VENUE_TAGS = {
    "article-journal": "citation_journal_title",
    "paper-conference": "citation_inbook_title",
    "chapter": "citation_inbook_title",
    "entry-encyclopedia": "citation_inbook_title",
    "entry-dictionary": "citation_inbook_title",
}
INSTITUTION_TAGS = {"report": "citation_technical_report_institution", "thesis": "citation_dissertation_institution"}


def plain(text: str) -> str:
    """CSL rich text (<i>, <b>, <span>) as plain text."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


def person_inverted(name: Mapping[str, Any]) -> str:
    """'Family, Given' with a non-dropping particle kept before the family name. A suffix follows
    the given name without a comma: Scholar reads a second comma as a second author."""
    if "literal" in name:
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle", ""), name.get("family", "")) if p)
    given = " ".join(p for p in (name.get("given", ""), name.get("dropping-particle", ""), name.get("suffix", "")) if p)
    return f"{family}, {given}" if family and given else family or given  # a given name alone: no comma


def person_tagged(name: Mapping[str, Any]) -> str:
    """The name as citation_author / citation_editor content. An organisation's name ends in a
    comma: a comma marks 'Family, Given', so the whole name stays the family part and readers
    such as Zotero do not split "Working Group on Archives" into a given and a family name."""
    return f"{name['literal']}," if "literal" in name else person_inverted(name)


def person_display(name: Mapping[str, Any]) -> str:
    if "literal" in name:
        return name["literal"]
    parts = [name.get("given", ""), name.get("dropping-particle", ""), name.get("non-dropping-particle", ""), name.get("family", "")]
    text = " ".join(p for p in parts if p)
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


def _date_parts(item: Mapping[str, Any], key: str = "issued") -> list[int]:
    """[year, month, day] as far as they are whole numbers: a bibliography's dates may be a
    'raw' or 'literal' string only, or hold a season or an empty part, which no record can say."""
    value = item.get(key)
    parts = value.get("date-parts") if isinstance(value, Mapping) else None
    found: list[int] = []
    for part in parts[0] if parts and isinstance(parts[0], (list, tuple)) else []:
        text = str(part).strip()
        if not text.lstrip("-").isdigit():
            break
        found.append(int(text))
    return found


def issued_year(item: Mapping[str, Any]) -> str:
    """The year the work was issued, '' when unknown."""
    parts = _date_parts(item)
    return str(parts[0]) if parts else ""


def scholar_date(item: Mapping[str, Any]) -> str:
    """Google Scholar wants 'YYYY/MM/DD' (or just the year); ISO dashes are not its format."""
    parts = _date_parts(item)
    return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def iso_date(item: Mapping[str, Any], key: str = "issued") -> str:
    parts = _date_parts(item, key)
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def page_range(item: Mapping[str, Any]) -> tuple[str, str]:
    page = str(item.get("page", ""))
    pieces = re.split(r"\s*[-–]\s*", page, maxsplit=1)
    return (pieces[0], pieces[1] if len(pieces) > 1 else "") if page else ("", "")
