"""Validate front-matter against the article schema, reporting every problem with its line."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from archivist.config import LANGUAGE_TAG
from archivist.diagnostics import Diagnostic, did_you_mean, error, warning
from .frontmatter import FrontMatter
from .aliases import alias_file
from archivist.util.identifiers import normalise_doi, valid_isbn, valid_issn
from archivist.model import ArticleMeta, PartialDate
from .people import read_people
from archivist.util.vocabulary import CSL_TYPES, CSL_VARIABLES, LICENSES

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PAGES = re.compile(r"^[A-Za-z]*\d+[A-Za-z]*(\s*[-–]\s*[A-Za-z]*\d+[A-Za-z]*)?$|^[ivxlcdm]+(\s*[-–]\s*[ivxlcdm]+)?$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)

FIELDS = (
    "title", "authors", "editors", "translators", "date", "journal", "volume", "issue", "pages",
    "doi", "url", "pdf", "type", "publisher", "publisher_place", "issn", "isbn", "abstract",
    "keywords", "language", "license", "slug", "aliases", "translation_of", "draft", "updated",
    "bibliography", "nocite", "reference_style", "csl", "extra",
)
BIBLIOGRAPHY_FORMATS = (".bib", ".bibtex", ".biblatex", ".json", ".yaml", ".yml", ".ris")
_NOCITE_KEY = re.compile(r"@(\*|[\w][\w:.#$%&\-+?<>~/]*)")


class Reporter:
    """Collects diagnostics for one file, turning value paths into the lines they sit on."""

    def __init__(self, path: str, lines: dict[str, int]):
        self.path, self.lines, self.found = path, lines, []

    def __call__(self, value_path: str, code: str, message: str, severity: str = "error") -> None:
        line = self._line_of(value_path)
        make = error if severity == "error" else warning
        self.found.append(make(self.path, line, code, message))

    def count(self) -> int:
        return sum(1 for d in self.found if d.severity == "error")

    def _line_of(self, value_path: str) -> int:
        while value_path and value_path not in self.lines:
            value_path = value_path.rpartition(".")[0]
        return self.lines.get(value_path, 1)


def validate(fm: FrontMatter, path: str, default_slug: str, site_language: str) -> tuple[ArticleMeta | None, list[Diagnostic]]:
    """Turn front-matter into ArticleMeta; None (with diagnostics) when it has errors."""
    report = Reporter(path, fm.lines)
    data = fm.data
    for key in data:
        if key not in FIELDS:
            report(key, "meta.unknown-key", f"unknown key '{key}'{did_you_mean(key, FIELDS)}"
                   " (free-form values go under 'extra:')")
    values = _read_fields(data, report, default_slug, site_language)
    if report.count():
        return None, report.found
    return ArticleMeta(**values, lines=dict(fm.lines)), report.found


def _read_fields(data: dict[str, Any], report: Reporter, default_slug: str, site_language: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": _required_text(data, "title", report),
        # A draft may leave its date for later; publishing needs one.
        "date": _date(data, "date", report, required=data.get("draft") is not True),
        "slug": _slug(data, report, default_slug),
        "type": _csl_type(data, report),
        "language": _language(data, report) or site_language,
    }
    for key in ("authors", "editors", "translators"):
        values[key] = read_people(data.get(key), key, report)
    if "authors" not in data:
        report("title", "meta.no-authors", "no authors given (fine for an editorial; otherwise add 'authors:')", "warning")
    for key in ("journal", "publisher", "publisher_place", "abstract", "pdf"):
        values[key] = _text(data, key, report)
    for key in ("volume", "issue"):
        values[key] = _text_or_number(data, key, report)
    values.update(
        pages=_checked(data, "pages", report, PAGES.match, "page numbers such as '87-119', '12' or 'e1234'"),
        doi=_doi(data, report),
        url=_checked(data, "url", report, _is_web_url, "an http(s) URL"),
        issn=_checked(data, "issn", report, valid_issn, "an ISSN such as '0145-840X' with a valid check digit"),
        isbn=_checked(data, "isbn", report, valid_isbn, "an ISBN-10 or ISBN-13 with a valid check digit"),
        keywords=_keywords(data, report),
        license=_license(data, report),
        draft=_boolean(data, "draft", report),
        updated=_date(data, "updated", report, required=False),
        csl=_csl(data, report),
        extra=_mapping(data, "extra", report),
        aliases=_aliases(data, report),
        translation_of=_translation_of(data, report, values["slug"]),
        bibliography=_bibliography(data, report),
        nocite=_nocite(data, report),
        reference_style=_text(data, "reference_style", report),
    )
    if values["pdf"] and (values["pdf"].startswith("/") or ".." in values["pdf"].split("/")):
        report("pdf", "meta.pdf", "'pdf' must name a file inside the article's folder")
    return values


def _required_text(data: dict, key: str, report: Reporter) -> str:
    if key not in data:
        report("", "meta.missing", f"required key '{key}' is missing")
        return ""
    return _text(data, key, report, nonempty=True)


def _text(data: dict, key: str, report: Reporter, nonempty: bool = False) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or (nonempty and not value.strip()):
        report(key, "meta.type", f"'{key}' must be {'a non-empty' if nonempty else 'a'} string, not {_describe(value)}")
        return ""
    return value.strip()


def _text_or_number(data: dict, key: str, report: Reporter) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        report(key, "meta.type", f"'{key}' must be a string or a number, not {_describe(value)}")
        return ""
    return str(value).strip()


def _checked(data: dict, key: str, report: Reporter, check: Callable[[str], Any], expected: str) -> str:
    value = _text_or_number(data, key, report) if key == "pages" else _text(data, key, report)
    if value and not check(value):
        report(key, f"meta.{key}", f"'{key}' must be {expected}, not '{value}'")
        return ""
    return value


def _date(data: dict, key: str, report: Reporter, required: bool) -> PartialDate | None:
    if key not in data:
        if required:
            hint = " (only a draft may leave it out)" if key == "date" else ""
            report("", "meta.missing", f"required key '{key}' is missing{hint}")
        return None
    value = data[key]
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = DATE.match(value) if isinstance(value, str) else None
    if not match:
        report(key, "meta.date", f"'{key}' must be YYYY, YYYY-MM or YYYY-MM-DD, not {_describe(value)}")
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        report(key, "meta.date", f"'{key}' {value} is not a real date")
        return None
    return PartialDate(year, month, day)


def _slug(data: dict, report: Reporter, default_slug: str) -> str:
    slug = _text(data, "slug", report) or default_slug
    if not SLUG.match(slug):
        where = "slug" if "slug" in data else ""
        report(where, "meta.slug", f"slug '{slug}' must be lower-case ASCII letters, digits and single hyphens"
               + ("" if "slug" in data else " (it comes from the file name; rename the file or set 'slug:')"))
    return slug


def _aliases(data: dict, report: Reporter) -> tuple[str, ...]:
    """Old addresses of the article, each one a path on this site (see aliases.alias_file)."""
    value = data.get("aliases")
    if value is None:
        return ()
    if not isinstance(value, list):
        report("aliases", "meta.type", f"'aliases' must be a list of paths such as ['/old/path/'], not {_describe(value)}")
        return ()
    kept = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            report(f"aliases.{index}", "meta.type", f"an alias must be a path written as text, not {_describe(item)}")
            continue
        _path, problem = alias_file(item)
        if problem:
            shown = item if len(item) <= 100 else f"{item[:60]}…"
            report(f"aliases.{index}", "meta.alias", f"alias '{shown}' cannot be an address on this site: {problem}")
        else:
            kept.append(item.strip())
    return tuple(kept)


def _translation_of(data: dict, report: Reporter, slug: str) -> str:
    """The slug of the original; whether it exists is checked once every article is read."""
    value = _text(data, "translation_of", report)
    if not value and isinstance(data.get("translation_of"), str):
        report("translation_of", "meta.translation-of", "'translation_of' is empty: give the slug of the original "
               "article, or leave the key out")
        return ""
    if value and not SLUG.match(value):
        report("translation_of", "meta.translation-of", f"'translation_of' must be the slug of the original article, "
               f"such as 'kim-takes-control', not '{value}'")
        return ""
    if value and value == slug:
        report("translation_of", "meta.translation-of", "an article cannot be a translation of itself")
        return ""
    return value


def _csl_type(data: dict, report: Reporter) -> str:
    value = _text(data, "type", report) or "article-journal"
    if value not in CSL_TYPES:
        report("type", "meta.type-unknown", f"unknown type '{value}'{did_you_mean(value, CSL_TYPES)}"
               " (use a CSL item type such as article-journal, chapter, book, report, thesis)")
    return value


def _language(data: dict, report: Reporter) -> str:
    value = _text(data, "language", report)
    if value and not LANGUAGE_TAG.match(value):
        report("language", "meta.language", f"'{value}' is not a BCP 47 language tag such as 'en-US' or 'ko'")
        return ""
    return value


def _doi(data: dict, report: Reporter) -> str:
    value = _text(data, "doi", report)
    if not value:
        return ""
    doi = normalise_doi(value)
    if doi is None:
        report("doi", "meta.doi", f"'{value}' is not a DOI (expected '10.1234/abc' or 'https://doi.org/10.1234/abc')")
        return ""
    return doi


def _keywords(data: dict, report: Reporter) -> tuple[str, ...]:
    value = data.get("keywords")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(k, str) and k.strip() for k in value):
        report("keywords", "meta.type", "'keywords' must be a list of non-empty strings")
        return ()
    return tuple(dict.fromkeys(k.strip() for k in value))


def _bibliography(data: dict, report: Reporter) -> tuple[str, ...]:
    """The article's bibliography files: one path or a list, each inside the article's folder, in a
    format the build reads (BibTeX, BibLaTeX, CSL-JSON, CSL-YAML, RIS)."""
    value = data.get("bibliography")
    if value is None:
        return ()
    paths = [value] if isinstance(value, str) else value
    if not isinstance(paths, list) or not all(isinstance(p, str) and p.strip() for p in paths):
        report("bibliography", "meta.type", "'bibliography' must be a file name or a list of file names")
        return ()
    found = []
    for n, path in enumerate(p.strip() for p in paths):
        where = f"bibliography.{n}" if isinstance(value, list) else "bibliography"
        if path.startswith("/") or ".." in path.replace("\\", "/").split("/"):
            report(where, "meta.bibliography", f"'{path}' must name a file inside the article's folder")
        elif not path.lower().endswith(BIBLIOGRAPHY_FORMATS):
            report(where, "meta.bibliography", f"'{path}' is not a bibliography file (expected one of "
                   + ", ".join(BIBLIOGRAPHY_FORMATS) + ")")
        else:
            found.append(path)
    return tuple(dict.fromkeys(found))


def _nocite(data: dict, report: Reporter) -> tuple[str, ...]:
    """Pandoc's `nocite`: citations such as '@smith2020, @doe2019' (or '@*' for every work), as one
    string or a list of them."""
    value = data.get("nocite")
    if value is None:
        return ()
    parts = [value] if isinstance(value, str) else value
    if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
        report("nocite", "meta.type", "'nocite' must be citations such as '@smith2020, @doe2019', or '@*'")
        return ()
    keys = [m.group(1).rstrip(".:") for part in parts for m in _NOCITE_KEY.finditer(part)]
    if not keys and any(p.strip() for p in parts):
        report("nocite", "meta.nocite", "'nocite' names no work: write each key with an @, as '@smith2020'")
    return tuple(dict.fromkeys(keys))


def _license(data: dict, report: Reporter) -> str:
    value = _text(data, "license", report)
    if value and value not in LICENSES and not _is_web_url(value):
        report("license", "meta.license", f"unknown licence '{value}'{did_you_mean(value, LICENSES)}"
               " (use an SPDX id such as CC-BY-4.0, or the licence's URL)")
        return ""
    return value


def _boolean(data: dict, key: str, report: Reporter) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        report(key, "meta.type", f"'{key}' must be true or false, not {_describe(value)}")
        return False
    return value


def _csl(data: dict, report: Reporter) -> dict:
    mapping = _mapping(data, "csl", report)
    for key, value in mapping.items():
        if key not in CSL_VARIABLES:
            report(f"csl.{key}", "meta.csl-variable", f"'{key}' is not a CSL variable{did_you_mean(key, CSL_VARIABLES)}")
        elif not _json_safe(value):
            report(f"csl.{key}", "meta.type", f"'csl.{key}' must hold text, whole or finite numbers, lists and mappings")
    return {k: _plain(v) for k, v in mapping.items()}


def _json_safe(value: Any) -> bool:
    """True when the value survives CSL-JSON: no NaN or infinity, which json.dumps would write as invalid JSON."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_safe(v) for v in value)
    if isinstance(value, dict):
        return all(_json_safe(v) for v in value.values())
    return value is None or isinstance(value, (str, int, dt.date))


def _mapping(data: dict, key: str, report: Reporter) -> dict:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        report(key, "meta.type", f"'{key}' must be a mapping of 'name: value' lines, not {_describe(value)}")
        return {}
    return value


def _plain(value: Any) -> Any:
    """CSL-JSON holds strings, numbers, lists and mappings; dates become ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return repr(value) if not isinstance(value, str) else f"'{value}'"
