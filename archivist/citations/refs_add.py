"""`archivist refs add`: fetch works by DOI into an article's CSL-JSON or CSL-YAML bibliography file,
so that the build, which never goes online, finds `[@doi:…]` citations there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from . import doi_lookup
from .bibliography_file import BibliographyFile, BibliographyFileError, read, serialise
from archivist.config import SiteConfig
from archivist.content import discover, load
from archivist.diagnostics import ContentError, did_you_mean
from archivist.model import Parsed, SourceFile
from archivist.util.files import site_key, write_atomically

Fetch = Callable[[str, str], dict[str, Any]]  # (bare DOI, resolver URL) -> cleaned CSL-JSON item


class RefsError(Exception):
    """Why `refs add` cannot start: no such article, or a bibliography file it cannot read."""


@dataclass(frozen=True)
class Target:
    """The bibliography file the items go to, and whether the article's front-matter names it yet."""

    path: Path
    name: str  # as `bibliography:` writes it, relative to the article's folder
    listed: bool
    listed_names: tuple[str, ...]  # every file the article's `bibliography:` names


@dataclass(frozen=True)
class Outcome:
    """What one run did: lines for the author, one line per identifier that failed, the file written."""

    messages: tuple[str, ...]
    problems: tuple[str, ...]
    written: Path | None


def add(config: SiteConfig, article: str, identifiers: Sequence[str], resolver: str | None = None,
        force: bool = False, fetch: Fetch = doi_lookup.fetch) -> Outcome:
    """Resolve every identifier, file the ones that resolve in the article's bibliography (one atomic
    write, only when its bytes change), and report each of the others in one line."""
    parsed = find_article(config, article)
    target = target_file(parsed)
    shown = site_key(target.path, config.root)
    try:
        bibliography = read(target.path, shown)
    except BibliographyFileError as exc:
        raise RefsError(str(exc)) from None
    items = list(bibliography.items)
    messages, problems = _add_all(items, identifiers, doi_lookup.resolver_url(resolver), force, fetch, shown)
    written = _write(bibliography, items, target.path)
    if (written or target.path.exists()) and not target.listed:
        messages += _unlisted_note(target, shown)
    return Outcome(tuple(messages), tuple(problems), target.path if written else None)


def _add_all(items: list[dict[str, Any]], identifiers: Sequence[str], resolver: str, force: bool, fetch: Fetch,
             shown: str) -> tuple[list[str], list[str]]:
    """Try every identifier in the order given (a DOI asked for twice, once), so one run reports every
    problem; returns the lines for the author and the problem lines."""
    messages: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for text in identifiers:
        doi = doi_lookup.parse_identifier(text)
        if doi is None:
            problems.append(f"'{text}' is not a DOI: expected doi:10.…, a bare DOI such as 10.1353/ks.2002.0009, "
                            "or a https://doi.org/ URL")
        elif doi.lower() not in seen:
            seen.add(doi.lower())
            line, problem = _add_one(items, doi, resolver, force, fetch, shown)
            messages += [line] if line else []
            problems += [problem] if problem else []
    return messages, problems


def _add_one(items: list[dict[str, Any]], doi: str, resolver: str, force: bool, fetch: Fetch,
             shown: str) -> tuple[str, str]:
    """File one DOI in `items` (changed in place); returns (message, problem), one of them empty."""
    key = doi_lookup.citation_id(doi)
    at = _position(items, doi)
    if at is not None and not force:
        known = items[at].get("id")
        alias = "" if known == key else f" as '{known}'"
        return f"{key} is already in {shown}{alias}; --force fetches it again", ""
    try:
        item = fetch(doi, resolver)
    except doi_lookup.DoiLookupError as exc:
        return "", str(exc)
    if at is None:
        items.append(item)
        return f"added {key} to {shown}", ""
    if items[at].get("id") not in (None, key):  # the author's own key stays, so their citations still resolve
        item = {**item, "id": items[at]["id"]}
    items[at] = item
    return f"refreshed {item['id']} in {shown}", ""


def _position(items: list[dict[str, Any]], doi: str) -> int | None:
    """Where the work stands already: filed under its doi: key, or under another key with the same DOI."""
    key, bare = doi_lookup.citation_id(doi), doi.lower()
    for n, item in enumerate(items):
        if str(item.get("id", "")).lower() == key:
            return n
    for n, item in enumerate(items):
        if isinstance(item.get("DOI"), str) and (doi_lookup.parse_identifier(item["DOI"]) or "").lower() == bare:
            return n
    return None


def _write(bibliography: BibliographyFile, items: list[dict[str, Any]], path: Path) -> bool:
    """Write the file when its items changed and its bytes with them; True when it was written."""
    if items == list(bibliography.items) and path.exists():
        return False
    data = serialise(bibliography, items)
    if path.exists() and path.read_bytes() == data:
        return False
    if not items and not path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data)
    return True


def _unlisted_note(target: Target, shown: str) -> list[str]:
    """Tell the author the one front-matter line to add; their front-matter is theirs to edit."""
    names = [*target.listed_names, target.name]
    value = _yaml_name(names[0]) if len(names) == 1 else "[" + ", ".join(_yaml_name(n) for n in names) + "]"
    other = ", ".join(target.listed_names)
    why = (f"{other} cannot be written by refs add, so the items went to {shown} beside it" if other
           else f"the article names no CSL-JSON or CSL-YAML bibliography, so the items went to {shown}")
    return [f"{why}; add this line to the article's front-matter:", f"  bibliography: {value}"]


def _yaml_name(name: str) -> str:
    plain = name.replace("-", "").replace("_", "").replace(".", "").replace("/", "").isalnum()
    return name if plain else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def target_file(parsed: Parsed) -> Target:
    """The first CSL-JSON file the article names, else its first CSL-YAML file, else a new
    `references.json` in a bundle's folder, or `<stem>.references.json` beside a single-file article
    (one folder holds many of those, so a plain `references.json` there would be shared by them all)."""
    source = parsed.source
    folder = source.bundle_dir or source.path.parent
    listed = parsed.meta.bibliography
    for endings in ((".json",), (".yaml", ".yml")):
        for name in listed:
            if name.lower().endswith(endings):
                return Target(folder / name, name, True, listed)
    name = "references.json" if source.bundle_dir else f"{source.path.stem}.references.json"
    return Target(folder / name, name, False, listed)


def find_article(config: SiteConfig, article: str) -> Parsed:
    """The article a path (its file, or a bundle's folder) or a slug names, parsed and valid."""
    sources, _ = discover.scan(config.root)
    source = _by_path(sources, article, config.root) or _by_slug(sources, article, config.language)
    parsed, problems = load.parse(source, config.language)
    if parsed is None:
        raise ContentError(problems)
    return parsed


def _by_path(sources: list[SourceFile], article: str, root: Path) -> SourceFile | None:
    for candidate in (Path(article), root / article):
        if candidate.is_dir():
            candidate = candidate / "index.md"
        if not candidate.is_file():
            continue
        found = candidate.resolve()
        for source in sources:
            if source.path.resolve() == found:
                return source
        raise RefsError(f"{article} is not an article: articles are the .md files under content/articles")
    return None


def _by_slug(sources: list[SourceFile], slug: str, language: str) -> SourceFile:
    found = [s for s in sources if s.default_slug == slug]
    if not found:  # a slug set in the front-matter differs from the file's name
        found = [s for s in sources if (p := load.parse(s, language)[0]) is not None and p.meta.slug == slug]
    if len(found) > 1:
        raise RefsError(f"the slug '{slug}' names {len(found)} articles ("
                        + ", ".join(s.relpath for s in found) + "); give the article's path instead")
    if not found:
        hint = did_you_mean(slug, {s.default_slug for s in sources})
        raise RefsError(f"no article has the path or slug '{slug}'{hint}")
    return found[0]
