"""Writes a CSL-JSON item as the files reference managers import: BibLaTeX, RIS, CSL-JSON."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Iterable

import rispy
from rispy.writer import RisWriter

from archivist.citations.markup import csl_to_latex, csl_to_plain, latex_escape
from archivist.model import Reference

_BIBLATEX_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "chapter": "incollection", "entry-encyclopedia": "inreference", "entry-dictionary": "inreference",
    "book": "book", "report": "report", "thesis": "thesis", "paper-conference": "inproceedings",
    "webpage": "online", "post-weblog": "online", "post": "online", "article": "online",
    "dataset": "dataset", "manuscript": "unpublished",
}
# Where each entry type keeps the CSL container-title.
_CONTAINER_FIELDS = {"article": "journaltitle", "incollection": "booktitle", "inreference": "booktitle",
                     "inproceedings": "booktitle", "online": "organization", "book": "series",
                     "report": "series", "thesis": "series"}
_RIS_TYPES = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "chapter": "CHAP", "book": "BOOK", "report": "RPRT", "thesis": "THES",
    "paper-conference": "CPAPER", "webpage": "ELEC", "post-weblog": "BLOG",
    "dataset": "DATA", "manuscript": "UNPB", "entry-encyclopedia": "ENCYC",
}
_KEY_STOPWORDS = {"a", "an", "the", "on", "of", "in", "and", "to", "for", "at", "by", "with", "from"}
_PAGE_SPLIT = re.compile(r"\s*[-\u2010-\u2015]+\s*")


def to_csl_json(item: dict[str, Any], references: Iterable[Reference] = ()) -> str:
    """A CSL-JSON file: an array holding the one item, keys sorted, Unicode kept. The works the
    article cites ride along as CSL items in `custom.references` (CSL 1.0.2's free `custom`
    object), so the file stays one importable item; without references the item is unchanged."""
    cited = [dict(reference.csl) for reference in references]
    if cited:
        item = {**item, "custom": {**(item.get("custom") or {}), "references": cited}}
    return json.dumps([item], ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def date_parts(item: dict[str, Any]) -> list[int]:
    """The issued date as [year], [year, month] or [year, month, day]; [] when absent."""
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return [int(p) for p in parts[0] if str(p).strip()]


def page_range(item: dict[str, Any]) -> tuple[str, str]:
    """('87', '119') from '87-119' or '87–119'; ('e1234', '') for a single page."""
    pages = _PAGE_SPLIT.split(str(item.get("page", "")).strip(), maxsplit=1)
    return (pages[0], pages[1] if len(pages) > 1 else "")


def _family_with_particle(name: dict[str, str]) -> str:
    particle = name.get("non-dropping-particle") or name.get("dropping-particle") or ""
    family = name.get("family", "")
    if not particle:
        return family
    joiner = "" if particle[-1] in "'\u2019-" else " "
    return f"{particle}{joiner}{family}"


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def citation_key(item: dict[str, Any]) -> str:
    """'lankov2002kim': first surname, year, first title word; the item id when names or
    titles have no Latin letters to build from."""
    names = item.get("author") or item.get("editor") or []
    first = names[0] if names else {}
    surname = _ascii_word(first.get("family") or first.get("literal", "").split(" ")[0]) if first else ""
    words = (_ascii_word(w) for w in csl_to_plain(item.get("title", "")).split())
    word = next((w for w in words if w and w not in _KEY_STOPWORDS), "")
    year = str(date_parts(item)[0]) if date_parts(item) else ""
    if surname and word:
        return f"{surname}{year}{word}"
    return re.sub(r"[^A-Za-z0-9_:-]", "", str(item.get("id", ""))) or f"item{year}"


def _bib_name(name: dict[str, str]) -> str:
    """'von Last, Jr., First', the one name form BibTeX parses without guessing."""
    if "literal" in name or not name.get("family"):
        return "{" + latex_escape(name.get("literal") or name.get("given", "")) + "}"
    family = latex_escape(_family_with_particle(name))
    if "," in family or " and " in family:
        family = "{" + family + "}"
    given, suffix = latex_escape(name.get("given", "")), latex_escape(name.get("suffix", ""))
    if suffix:
        return f"{family}, {suffix}, {given}"
    return f"{family}, {given}" if given else family


def _bib_names(names: list[dict[str, str]]) -> str:
    return " and ".join(_bib_name(n) for n in names)


def _verbatim(value: str) -> str:
    """url and doi are verbatim in BibLaTeX: no escapes, only braces must not appear."""
    return value.replace("{", "%7B").replace("}", "%7D")


def bibtex_fields(item: dict[str, Any], entry_type: str) -> list[tuple[str, str]]:
    """(field, already-escaped value) pairs for one BibLaTeX entry, in a stable order."""
    fields: list[tuple[str, str]] = []
    for variable, field_name in (("author", "author"), ("editor", "editor"), ("translator", "translator")):
        if item.get(variable):
            fields.append((field_name, _bib_names(item[variable])))
    fields.append(("title", csl_to_latex(item.get("title", ""))))
    if item.get("container-title"):
        container_field = _CONTAINER_FIELDS.get(entry_type, "howpublished")
        fields.append((container_field, csl_to_latex(item["container-title"])))
    if date_parts(item):
        fields.append(("date", "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(date_parts(item)))))
    first, last = page_range(item)
    plain = [("volume", item.get("volume")), ("number", item.get("issue") or item.get("number")),
             ("pages", f"{first}--{last}" if last else first)]
    publisher_field = "institution" if entry_type in ("report", "thesis") else "publisher"
    plain += [(publisher_field, item.get("publisher")), ("location", item.get("publisher-place")),
              ("type", item.get("genre") or {"thesis": "Thesis", "report": "Report"}.get(entry_type)),
              ("isbn", item.get("ISBN")), ("issn", item.get("ISSN")),
              ("abstract", item.get("abstract")), ("keywords", item.get("keyword"))]
    fields += [(name, latex_escape(str(value))) for name, value in plain if value]
    fields += [(name, _verbatim(str(item[var]))) for var, name in (("DOI", "doi"), ("URL", "url")) if item.get(var)]
    return fields


def to_bibtex(item: dict[str, Any]) -> str:
    """One BibLaTeX entry (UTF-8, LaTeX specials escaped, italics as \\emph{})."""
    entry_type = _BIBLATEX_TYPES.get(item.get("type", ""), "misc")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in bibtex_fields(item, entry_type))
    return f"@{entry_type}{{{citation_key(item)},\n{body}\n}}\n"


def _ris_name(name: dict[str, str]) -> str:
    """'Family, Given, Suffix' as the RIS specification orders a name."""
    if "literal" in name or not name.get("family"):
        return name.get("literal") or name.get("given", "")
    parts = [_family_with_particle(name), name.get("given", "")]
    if name.get("suffix"):
        parts.append(name["suffix"])
    return ", ".join(parts).rstrip(", ")


def ris_record(item: dict[str, Any]) -> dict[str, Any]:
    """The item as a rispy record (rispy's field names), empty fields left out."""
    parts = date_parts(item)
    first, last = page_range(item)
    serial = item.get("ISBN") if item.get("type") in ("book", "chapter") else item.get("ISSN")
    record: dict[str, Any] = {
        "type_of_reference": _RIS_TYPES.get(item.get("type", ""), "GEN"),
        "id": str(item.get("id", "")),
        "authors": [_ris_name(n) for n in item.get("author", [])],
        "secondary_authors": [_ris_name(n) for n in item.get("editor", [])],
        "subsidiary_authors": [_ris_name(n) for n in item.get("translator", [])],
        "title": csl_to_plain(item.get("title", "")),
        "secondary_title": csl_to_plain(item.get("container-title", "")),
        "year": str(parts[0]) if parts else "",
        "date": "/".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts)),
        "volume": item.get("volume", ""), "number": item.get("issue", ""),
        "start_page": first, "end_page": last, "doi": item.get("DOI", ""),
        "urls": [item["URL"]] if item.get("URL") else [],
        "publisher": item.get("publisher", ""), "place_published": item.get("publisher-place", ""),
        "issn": serial or "", "language": item.get("language", ""),
        "abstract": " ".join(str(item.get("abstract", "")).split()),
        "keywords": [k.strip() for k in str(item.get("keyword", "")).split(",") if k.strip()],
    }
    return {key: value for key, value in record.items() if value}


class _RisWriter(RisWriter):
    """rispy's writer without the '1.' counter line it puts above each record."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(item: dict[str, Any]) -> str:
    """One RIS record, as EndNote, Zotero and Mendeley import it."""
    return rispy.dumps([ris_record(item)], implementation=_RisWriter)
