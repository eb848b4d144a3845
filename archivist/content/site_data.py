"""Read the site-wide data files content/authors.yaml and content/journals.yaml, with located diagnostics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

from . import frontmatter
from archivist.diagnostics import Diagnostic, did_you_mean, error
from archivist.util.identifiers import normalise_orcid, valid_issn

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
AUTHOR_KEYS = ("slug", "name", "family", "given", "particle", "suffix", "orcid", "aliases", "affiliations", "bio",
               "url")
JOURNAL_KEYS = ("slug", "title", "issn", "eissn", "publisher", "description", "url", "aliases", "language")

Report = Callable[[str, str, str], None]  # (dotted key path, code, message)


@dataclass(frozen=True)
class AuthorRecord:
    """What the site says about one person: how to find them in bylines, and what to show.

    The page shows the name as the newest byline prints it; the record's name, ORCID iD and
    aliases only decide which bylines are this person."""

    slug: str = ""  # '' lets the site derive one from the name
    name: str = ""  # 'Family, Given[, Suffix]' as in front-matter, or an organisation
    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    orcid: str = ""
    aliases: tuple[str, ...] = ()  # other spellings bylines use, e.g. 'Whitcombe, T. R.'
    affiliations: tuple[str, ...] = ()
    bio: str = ""  # plain text, paragraphs separated by blank lines
    url: str = ""


@dataclass(frozen=True)
class JournalRecord:
    """What the site says about one journal: identifiers, publisher and a description."""

    title: str
    slug: str = ""  # '' lets the site derive one from the title
    issn: str = ""
    eissn: str = ""
    publisher: str = ""
    description: str = ""
    url: str = ""
    aliases: tuple[str, ...] = ()  # other titles articles may give the same journal
    language: str = ""


@dataclass(frozen=True)
class SiteData:
    """Both data files, read and checked; empty when the files do not exist."""

    authors: tuple[AuthorRecord, ...] = ()
    journals: tuple[JournalRecord, ...] = ()


def load_site_data(content_dir: Path) -> tuple[SiteData, list[Diagnostic]]:
    """Read both files; every problem is reported and the offending record left out."""
    problems: list[Diagnostic] = []
    authors = _load(content_dir / "authors.yaml", "content/authors.yaml", AUTHOR_KEYS, _author, problems)
    journals = _load(content_dir / "journals.yaml", "content/journals.yaml", JOURNAL_KEYS, _journal, problems)
    return SiteData(authors=tuple(authors), journals=tuple(journals)), problems


def _load(path: Path, relpath: str, keys: tuple[str, ...], build: Callable, problems: list[Diagnostic]) -> list:
    if not path.is_file():
        return []
    try:
        data, lines = read_yaml(path.read_text(encoding="utf-8"))
    except frontmatter.FrontMatterError as exc:
        problems.append(error(relpath, exc.line, exc.code, exc.message, exc.column))
        return []
    except UnicodeDecodeError as exc:
        problems.append(error(relpath, 1, "data.encoding", f"{relpath} must be UTF-8 ({exc.reason})"))
        return []
    report = _reporter(relpath, lines, problems)
    if isinstance(data, dict):  # slug: {fields}
        items = [(str(slug), slug, value) for slug, value in data.items()]
    elif isinstance(data, list):  # [{slug?, fields}]
        items = [(str(i), None, value) for i, value in enumerate(data)]
    else:
        report("", "data.type", f"{relpath} must be a list of records, or a mapping from slug to record")
        return []
    records = [_record(where, slug, value, keys, build, report) for where, slug, value in items]
    return [r for r in records if r is not None]


def read_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """A whole YAML document with the line of every value, by front-matter's strict loader
    (no aliases, bounded depth); the root may be a list or a mapping."""
    loader = frontmatter._Loader(text)
    try:
        node = loader.get_single_node()
        positions: dict[str, int] = {}
        data = frontmatter._construct(loader, node, "", positions, 0) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise frontmatter.FrontMatterError(mark.line + 1 if mark else 1, "yaml.syntax",
                                           f"YAML syntax error: {exc.problem or 'invalid YAML'}",
                                           mark.column + 1 if mark else 1) from None
    except yaml.YAMLError as exc:
        raise frontmatter.FrontMatterError(1, "yaml.syntax", f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return data, positions


def _reporter(relpath: str, lines: dict[str, int], problems: list[Diagnostic]) -> Report:
    def report(where: str, code: str, message: str) -> None:
        key = where
        while key and key not in lines:
            key = key.rpartition(".")[0]
        problems.append(error(relpath, lines.get(key, 1), code, message))
    return report


def _record(path: str, slug: str | None, value: Any, keys: tuple[str, ...], build: Callable,
            report: Report) -> Any:
    """One record at `path` ('3' in a list, 'jane-smith' in a mapping); None when it is unusable."""
    if not isinstance(value, dict):
        report(path, "data.type", f"record '{path}' must be a mapping of fields")
        return None
    if slug is not None and "slug" in value:
        report(f"{path}.slug", "data.slug", "a record keyed by its slug cannot also set 'slug'")
        return None
    value = dict(value, slug=slug) if slug is not None else value
    fields: dict[str, Any] = {}
    ok = True
    for key, raw in value.items():
        where = f"{path}.{key}"
        if key not in keys:
            report(where, "data.unknown-key", f"unknown key '{key}'{did_you_mean(key, keys)}")
            ok = False
        elif key in ("aliases", "affiliations"):
            items = _string_list(raw)
            ok = _check(items is not None, report, where, f"'{key}' must be a list of non-empty strings") and ok
            fields[key] = items or ()
        else:
            ok = _check(isinstance(raw, str) and bool(raw.strip()), report, where,
                        f"'{key}' must be a non-empty string") and ok
            fields[key] = raw.strip() if isinstance(raw, str) else ""
    if ok and fields.get("slug") and not SLUG.match(fields["slug"]):
        report(f"{path}.slug" if slug is None else path, "data.slug",
               f"'{fields['slug']}' must be a slug: lower-case ASCII letters, digits and single hyphens")
        ok = False
    return build(path, fields, report) if ok else None


def _check(condition: bool, report: Report, where: str, message: str) -> bool:
    if not condition:
        report(where, "data.type", message)
    return condition


def _string_list(raw: Any) -> tuple[str, ...] | None:
    if isinstance(raw, str) and raw.strip():
        return (raw.strip(),)
    if isinstance(raw, list) and all(isinstance(v, str) and v.strip() for v in raw):
        return tuple(v.strip() for v in raw)
    return None


def _author(path: str, fields: dict[str, Any], report: Report) -> AuthorRecord | None:
    if "orcid" in fields:
        orcid = normalise_orcid(fields["orcid"])
        if orcid is None:
            report(f"{path}.orcid", "data.orcid", f"'{fields['orcid']}' is not a valid ORCID iD")
            return None
        fields["orcid"] = orcid
    if "name" in fields and "family" in fields:
        report(path, "data.person", "a person has either 'name' or name parts (family, given), not both")
        return None
    if not ({"name", "family", "orcid"} & fields.keys()):
        report(path, "data.person", "a person needs 'name', 'family' (with 'given') or 'orcid' to be recognised")
        return None
    return AuthorRecord(**fields)


def _journal(path: str, fields: dict[str, Any], report: Report) -> JournalRecord | None:
    if "title" not in fields:
        report(path, "data.journal", "a journal needs a 'title'")
        return None
    for key in ("issn", "eissn"):
        if key in fields and not valid_issn(fields[key]):
            report(f"{path}.{key}", "data.issn", f"'{fields[key]}' is not a valid ISSN (check digit)")
            return None
    return JournalRecord(**fields)


__all__ = ["load_site_data", "SiteData", "AuthorRecord", "JournalRecord", "Diagnostic"]
