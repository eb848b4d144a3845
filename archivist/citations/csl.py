"""Builds an article's CSL-JSON item: the one record bylines, citations and exports share."""

from __future__ import annotations

import copy
from typing import Any

from archivist.citations.markup import markdown_to_csl
from archivist.markdown.plaintext import html_to_plain
from archivist.model import ArticleMeta, Person

# Plain front-matter fields and the CSL variables they fill, in the order items print.
_TEXT_VARIABLES = (
    ("journal", "container-title"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("pages", "page"),
    ("doi", "DOI"),
    ("publisher", "publisher"),
    ("publisher_place", "publisher-place"),
    ("issn", "ISSN"),
    ("isbn", "ISBN"),
    ("license", "license"),
)
_NAME_VARIABLES = (("authors", "author"), ("editors", "editor"), ("translators", "translator"))


def csl_name(person: Person) -> dict[str, str]:
    """One CSL name: parts for people, 'literal' for organisations and single names.

    East Asian names go in as family/given too; citeproc-js recognises the script and
    prints them family-first without a comma, so no special case is needed here.
    """
    if person.literal:
        return {"literal": person.literal}
    if not person.family:
        return {"literal": person.given}
    name = {"family": person.family}
    for key, value in (
        ("given", person.given),
        ("non-dropping-particle", person.particle),
        ("suffix", person.suffix),
    ):
        if value:
            name[key] = value
    return name


def csl_item(meta: ArticleMeta, canonical_url: str, site_language: str, abstract_html: str = "") -> dict[str, Any]:
    """The article as a CSL-JSON item; front-matter `csl:` variables override last.

    The abstract is the page's rendered, sanitised abstract (`abstract_html`) as plain text, so
    every record made from the item (meta tags, exports, feeds, OAI) says what the page says.
    """
    item: dict[str, Any] = {"id": meta.slug, "type": meta.type, "title": markdown_to_csl(meta.title)}
    for field_name, variable in _NAME_VARIABLES:
        people = getattr(meta, field_name)
        if people:
            item[variable] = [csl_name(person) for person in people]
    if meta.date:  # an undated draft cites as "n.d."
        item["issued"] = {"date-parts": [meta.date.parts]}
    for field_name, variable in _TEXT_VARIABLES:
        value = getattr(meta, field_name)
        if value:
            item[variable] = value
    item["URL"] = meta.url or canonical_url
    language = meta.language or site_language
    if language:
        item["language"] = language
    abstract = html_to_plain(abstract_html)
    if abstract:
        item["abstract"] = abstract
    if meta.keywords:
        item["keyword"] = ", ".join(meta.keywords)
    _merge_overrides(item, meta.csl)
    item["id"] = item.get("id") or meta.slug  # citeproc-js cannot format an item without one
    return item


def _merge_overrides(item: dict[str, Any], overrides: Any) -> None:
    """Apply the `csl:` mapping; a null value removes a variable the fields had set."""
    for key, value in dict(overrides or {}).items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = copy.deepcopy(value)
