"""Generate the JSON Schema of article front-matter from the validator's own definitions.

Editors point their YAML tooling at schema/article.schema.json to get completion and
warnings while typing. The field list, patterns and vocabularies come from archivist.content.schema,
archivist.content.people and archivist.util.vocabulary, so the schema cannot drift from the validator; the
per-field shapes below are checked against schema.FIELDS by the test suite.

Run `python -m archivist.content.schema_json` to rewrite the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .people import PERSON_KEYS
from .schema import DATE, FIELDS, PAGES, SLUG
from archivist.util.vocabulary import CSL_TYPES, CSL_VARIABLES, LICENSES

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "article.schema.json"
SCHEMA_ID = "https://archivist.invalid/schema/article.schema.json"
PERSON_STRING = r"^[^,]+(,[^,]+){0,2}$"  # 'Family, Given' or 'Family, Given, Suffix' or one name
WEB_URL = r"^https?://[^\s/]+"
ALIAS_PATH = r"^(?![A-Za-z][A-Za-z0-9+.-]*:|//)[^\s?#\\:*|\"<>]+$"  # a path: no scheme, host, query or fragment


def _text(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description, **more}


def _text_or_number(description: str) -> dict[str, Any]:
    return {"type": ["string", "integer"], "description": description}


def _date(description: str) -> dict[str, Any]:
    return {"description": description, "anyOf": [
        {"type": "string", "pattern": DATE.pattern},
        {"type": "integer", "minimum": 1, "maximum": 9999},
    ]}


def _person() -> dict[str, Any]:
    parts = {key: {"type": "string", "minLength": 1} for key in PERSON_KEYS}
    parts["orcid"] = {"type": "string", "pattern": r"^(https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"}
    return {"anyOf": [
        {"type": "string", "pattern": PERSON_STRING, "description": "'Family, Given', or one name for an organisation"},
        {"type": "object", "properties": parts, "additionalProperties": False,
         "anyOf": [{"required": ["family"], "not": {"required": ["name"]}},
                   {"required": ["name"], "not": {"anyOf": [{"required": [k]} for k in ("family", "given",
                                                                                         "particle", "suffix")]}}]},
    ]}


def _people(role: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": "#/$defs/person"}, "description": f"the {role}, in order"}


def field_schemas() -> dict[str, dict[str, Any]]:
    """Every front-matter key -> its JSON Schema; the keys are exactly schema.FIELDS."""
    return {
        "title": _text("the title; Markdown inline formatting allowed"),
        "authors": _people("authors"),
        "editors": _people("editors"),
        "translators": _people("translators"),
        "date": _date("publication date: YYYY, YYYY-MM or YYYY-MM-DD; a draft may leave it out"),
        "journal": _text("the journal, book or series it appeared in"),
        "volume": _text_or_number("volume"),
        "issue": _text_or_number("issue"),
        "pages": {"type": ["string", "integer"], "pattern": PAGES.pattern, "description": "e.g. 87-119, 12 or e1234"},
        "doi": _text("a DOI such as 10.1353/ks.2002.0009 (a doi.org URL works too)", pattern=r"(^|doi\.org/)10\.\d{4,9}/\S+$"),
        "url": _text("the published version's address", pattern=WEB_URL),
        "pdf": _text("a PDF in the article's bundle folder", pattern=r"^(?!/)(?!.*(^|/)\.\.(/|$)).+$"),
        "type": {"type": "string", "enum": sorted(CSL_TYPES), "default": "article-journal",
                 "description": "the CSL item type"},
        "publisher": _text("publisher"),
        "publisher_place": _text("where the publisher is"),
        "issn": _text("ISSN such as 0145-840X", pattern=r"^\d{4}-?\d{3}[\dXx]$"),
        "isbn": _text("ISBN-10 or ISBN-13", pattern=r"^[\d\- ]{9,16}[\dXx]$"),
        "abstract": _text("the abstract; Markdown allowed"),
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "subject keywords"},
        "language": _text("BCP 47 tag such as en-US or ko; the site's language when absent",
                          pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
        "license": {"description": "an SPDX id or the licence's URL",
                    "anyOf": [{"enum": sorted(LICENSES)}, {"type": "string", "pattern": WEB_URL}]},
        "slug": _text("the URL name; the file name when absent", pattern=SLUG.pattern),
        "aliases": {"type": "array", "items": _text("a path on this site, such as /old/path/ or old-name.html",
                                                    pattern=ALIAS_PATH),
                    "description": "the article's old addresses; each gets a page that redirects here"},
        "translation_of": _text("the slug of the original article that this one translates", pattern=SLUG.pattern),
        "draft": {"type": "boolean", "default": False, "description": "true keeps it out of the built site"},
        "updated": _date("date of the last correction"),
        "bibliography": {"anyOf": [_text("a bibliography file in the article's folder (.bib, .json, .yaml, .ris)"),
                                   {"type": "array", "items": {"type": "string", "minLength": 1}}],
                         "description": "the article's bibliography files: BibTeX, BibLaTeX, CSL-JSON, CSL-YAML or RIS"},
        "nocite": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                   "description": "works listed in the references without a citation: '@key1, @key2', or '@*'"},
        "reference_style": _text("the CSL style of this article's citations and references; the site's when absent"),
        "csl": {"type": "object", "propertyNames": {"enum": sorted(CSL_VARIABLES)},
                "description": "extra CSL variables for citations"},
        "extra": {"type": "object", "description": "free-form values for templates"},
    }


def generate() -> dict[str, Any]:
    """The whole schema, as plain data with keys in a stable order."""
    fields = field_schemas()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Archivist article front-matter",
        "type": "object",
        "required": ["title"],
        # A draft may leave its date for later; publishing needs one.
        "if": {"required": ["draft"], "properties": {"draft": {"const": True}}},
        "else": {"required": ["date"]},
        "properties": {key: fields[key] for key in FIELDS},
        "additionalProperties": False,
        "$defs": {"person": _person()},
    }


def render() -> str:
    return json.dumps(generate(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema file, or with --check fail when the committed file is out of date."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in args:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.is_file() else ""
        if current != text:
            print(f"{SCHEMA_PATH} is out of date; run: python -m archivist.content.schema_json", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
