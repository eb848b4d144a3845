"""Group the library's entries for browsing: authors, journals with volumes and issues, years, keywords, related."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from archivist.content.site_data import AuthorRecord, JournalRecord, SiteData
from .entry import Entry
from .related import RelatedMemo, relate
from archivist.model import Person
from archivist.util.names import ascii_slug, fold, initial_of, name_key, natural_key, short_hash

JOURNAL_TYPES = frozenset({"article-journal", "article", "review", "review-book"})
def _unique(candidates: Iterable[tuple[str, str]], taken: set[str]) -> dict[str, str]:
    """Key -> slug, adding '-2', '-3' in the given order when two wish for the same slug."""
    slugs = {}
    for key, wish in candidates:
        slug, count = wish, 1
        while slug in taken:
            count += 1
            slug = f"{wish}-{count}"
        taken.add(slug)
        slugs[key] = slug
    return slugs


# --- the groups ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Author:
    """One person or organisation with every article they wrote, however bylines spelled them."""

    slug: str
    person: Person
    entries: tuple[Entry, ...]
    orcid: str = ""
    affiliations: tuple[str, ...] = ()
    bio: str = ""
    url: str = ""

    @property
    def name(self) -> str:
        return self.person.display_name

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (fold(self.person.sort_name), self.person.sort_name, self.slug)

    @property
    def initial(self) -> str:
        return initial_of(self.person.literal or self.person.family or self.person.given)

    @property
    def path(self) -> str:
        return f"authors/{self.slug}/"


@dataclass(frozen=True)
class Issue:
    """One issue's table of contents, in page order; `issue` is '' for a volume without issues."""

    volume: str
    issue: str
    path: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Volume:
    volume: str
    path: str
    issues: tuple[Issue, ...]  # newest first; an issue-less part of the volume has issue ''


@dataclass(frozen=True)
class Journal:
    """A journal (or a book, proceedings or report series that holds articles), with its volumes."""

    slug: str
    title: str
    entries: tuple[Entry, ...]  # newest first
    volumes: tuple[Volume, ...]  # newest first
    loose: tuple[Entry, ...]  # articles with no volume
    is_journal: bool
    record: JournalRecord | None = None
    issn: str = ""
    publisher: str = ""
    language: str = ""

    @property
    def path(self) -> str:
        return f"journals/{self.slug}/"

    @property
    def issues(self) -> tuple[Issue, ...]:
        return tuple(issue for volume in self.volumes for issue in volume.issues)


@dataclass(frozen=True)
class Keyword:
    slug: str
    label: str
    language: str
    entries: tuple[Entry, ...]

    @property
    def path(self) -> str:
        return f"keywords/{self.slug}/"


@dataclass(frozen=True)
class Year:
    year: int
    entries: tuple[Entry, ...]

    @property
    def path(self) -> str:
        return f"years/{self.year}/"


@dataclass(frozen=True)
class Collections:
    """Every browsing group of a library, with look-ups from an entry to its groups."""

    authors: tuple[Author, ...]  # A–Z by family name
    journals: tuple[Journal, ...]  # by title
    years: tuple[Year, ...]  # newest first
    keywords: tuple[Keyword, ...]  # A–Z
    bylines: Mapping[str, tuple[Author, ...]]  # entry slug -> its authors' pages, in byline order
    related_map: Mapping[str, tuple[Entry, ...]]
    journal_map: Mapping[str, Journal]  # entry slug -> its journal
    issue_map: Mapping[str, Issue]  # entry slug -> its issue

    def authors_of(self, entry: Entry) -> tuple[Author, ...]:
        return self.bylines.get(entry.slug, ())

    def related(self, entry: Entry) -> tuple[Entry, ...]:
        return self.related_map.get(entry.slug, ())

    def journal_of(self, entry: Entry) -> Journal | None:
        return self.journal_map.get(entry.slug)

    def issue_of(self, entry: Entry) -> Issue | None:
        return self.issue_map.get(entry.slug)

    @property
    def journals_only(self) -> tuple[Journal, ...]:
        return tuple(j for j in self.journals if j.is_journal)

    @property
    def other_containers(self) -> tuple[Journal, ...]:
        return tuple(j for j in self.journals if not j.is_journal)


def collect(entries: tuple[Entry, ...], data: SiteData, remembered: RelatedMemo | None = None) -> Collections:
    """All groups of entries (given newest first), ready for listing pages and feeds; `remembered`
    keeps the related articles of a previous run, reused while no article's authors or keywords changed."""
    authors, bylines = group_authors(entries, data.authors)
    journals = group_journals(entries, data.journals)
    journal_map = {e.slug: j for j in journals for e in j.entries}
    issue_map = {e.slug: i for j in journals for i in j.issues for e in i.entries}
    return Collections(authors=authors, journals=journals, years=group_years(entries),
                       keywords=group_keywords(entries), bylines=bylines,
                       related_map=relate(entries, bylines, remembered), journal_map=journal_map, issue_map=issue_map)


# --- authors ------------------------------------------------------------------------------------

def person_keys(person: Person) -> set[str]:
    """The name forms a byline person may be matched on: 'Given Family' and 'Family, Given'."""
    if person.literal:
        return {name_key(person.literal)}
    return {name_key(person.display_name), name_key(person.inverted_name), name_key(person.sort_name)} - {""}


def alias_keys(alias: str) -> set[str]:
    """An alias as written ('Whitcombe, T. R.') and turned round ('T. R. Whitcombe')."""
    keys = {name_key(alias)}
    family, comma, given = alias.partition(",")
    if comma and given.strip():
        keys.add(name_key(f"{given} {family}"))
    return keys


def _record_person(record: AuthorRecord) -> Person | None:
    """The record's own name: parts, or the 'Family, Given[, Suffix]' shorthand, or an organisation."""
    if record.family:
        return Person(family=record.family, given=record.given, particle=record.particle, suffix=record.suffix)
    if not record.name:
        return None
    parts = [p.strip() for p in record.name.split(",")]
    if len(parts) == 1:
        return Person(literal=parts[0])
    return Person(family=parts[0], given=parts[1], suffix=", ".join(parts[2:]))


def record_idents(records: Iterable[AuthorRecord | JournalRecord]) -> list[str]:
    """A stable identity per data-file record: its slug, else its place in the file."""
    return [f"record:{r.slug}" if r.slug else f"record#{i}" for i, r in enumerate(records)]


class _Identities:
    """Decides which occurrences are one person: ORCID first, then names and aliases."""

    def __init__(self, records: tuple[AuthorRecord, ...]):
        self.by_orcid: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.ambiguous: set[str] = set()
        for record, ident in zip(records, record_idents(records)):
            if record.orcid:
                self.by_orcid[record.orcid] = ident
            person = _record_person(record)
            names = person_keys(person) if person else set()
            for key in names.union(*[alias_keys(a) for a in record.aliases]):
                self._bind(key, ident)

    def _bind(self, key: str, ident: str) -> None:
        if self.by_name.get(key, ident) != ident:
            self.ambiguous.add(key)
        self.by_name.setdefault(key, ident)

    def with_orcid(self, person: Person) -> str:
        ident = self.by_orcid.setdefault(person.orcid, f"orcid:{person.orcid}")
        for key in person_keys(person):
            self._bind(key, ident)
        return ident

    def by_name_only(self, person: Person) -> str:
        for key in sorted(person_keys(person)):
            if key in self.by_name and key not in self.ambiguous:
                return self.by_name[key]
        return f"name:{min(person_keys(person) or {person.display_name})}"


def group_authors(entries: tuple[Entry, ...], records: tuple[AuthorRecord, ...]
                  ) -> tuple[tuple[Author, ...], dict[str, tuple[Author, ...]]]:
    """One Author per person, A–Z, and each entry's byline as Author pages."""
    identities = _Identities(records)
    idents: dict[tuple[str, int], str] = {}
    for entry in entries:  # ORCID occurrences first, so a bare name can join its ORCID-bearing self
        for index, person in enumerate(entry.article.meta.authors):
            if person.orcid:
                idents[(entry.slug, index)] = identities.with_orcid(person)
    for entry in entries:
        for index, person in enumerate(entry.article.meta.authors):
            if not person.orcid:
                idents[(entry.slug, index)] = identities.by_name_only(person)
    occurrences: dict[str, list[tuple[Entry, Person]]] = defaultdict(list)
    for entry in entries:
        for index, person in enumerate(entry.article.meta.authors):
            occurrences[idents[(entry.slug, index)]].append((entry, person))
    by_record = dict(zip(record_idents(records), records))
    drafts = sorted(((_author(ident, found, by_record.get(ident)), ident) for ident, found in occurrences.items()),
                    key=lambda pair: (pair[0].sort_key, pair[1]))
    taken = {r.slug for r in records if r.slug}
    wishes = [(ident, author.slug) for author, ident in drafts if not (ident in by_record and by_record[ident].slug)]
    slugs = _unique(wishes, taken)
    final = {ident: _replace_slug(author, slugs.get(ident, author.slug)) for author, ident in drafts}
    authors = tuple(sorted(final.values(), key=lambda a: a.sort_key))
    bylines = {e.slug: tuple(final[idents[(e.slug, i)]] for i in range(len(e.article.meta.authors)))
               for e in entries}
    return authors, bylines


def _author(ident: str, found: list[tuple[Entry, Person]], record: AuthorRecord | None) -> Author:
    """The person as their newest byline names them; the site's record adds slug, bio and links."""
    person = found[0][1]
    orcid = next((p.orcid for _, p in found if p.orcid), "")
    affiliations = tuple(dict.fromkeys(p.affiliation for _, p in found if p.affiliation))
    entries = tuple({e.slug: e for e, _ in found}.values())
    slug = record.slug if record and record.slug else _author_slug(person, orcid, ident)
    if record is None:
        return Author(slug=slug, person=person, entries=entries, orcid=orcid, affiliations=affiliations)
    return Author(slug=slug, person=person, entries=entries, orcid=record.orcid or orcid,
                  affiliations=record.affiliations or affiliations, bio=record.bio, url=record.url)


def _author_slug(person: Person, orcid: str, ident: str) -> str:
    """ASCII from the name when it is in Latin script; else the ORCID iD, else a short hash."""
    parts = [person.literal] if person.literal else [person.given, person.particle, person.family, person.suffix]
    return ascii_slug(" ".join(p for p in parts if p)) or (orcid.lower() if orcid else f"author-{short_hash(ident)}")


def _replace_slug(author: Author, slug: str) -> Author:
    return author if author.slug == slug else Author(slug, author.person, author.entries, author.orcid,
                                                     author.affiliations, author.bio, author.url)


# --- journals, volumes, issues ------------------------------------------------------------------

def _journal_ident(entry: Entry, records: tuple[JournalRecord, ...]) -> tuple[str, JournalRecord | None]:
    """Match an article to a journals.yaml record by ISSN, then by title or alias."""
    meta = entry.article.meta
    idents = record_idents(records)
    for record, ident in zip(records, idents):
        if meta.issn and meta.issn in (record.issn, record.eissn):
            return ident, record
    key = name_key(meta.journal)
    for record, ident in zip(records, idents):
        if key in {name_key(record.title), *map(name_key, record.aliases)}:
            return ident, record
    return f"title:{key}", None


def group_journals(entries: tuple[Entry, ...], records: tuple[JournalRecord, ...]) -> tuple[Journal, ...]:
    """Every container named by an article, with its volumes and issues, ordered by title."""
    members: dict[str, list[Entry]] = defaultdict(list)
    matched: dict[str, JournalRecord | None] = {}
    for entry in entries:
        if entry.article.meta.journal:
            ident, record = _journal_ident(entry, records)
            members[ident].append(entry)
            matched[ident] = record
    order = sorted(members, key=lambda i: (fold(_title(members[i], matched[i])), i))
    taken = {r.slug for r in records if r.slug}
    wishes = [(i, _journal_slug(members[i], matched[i])) for i in order if not (matched[i] and matched[i].slug)]
    slugs = _unique(wishes, taken)
    return tuple(_journal(slugs.get(i) or matched[i].slug, members[i], matched[i]) for i in order)


def _title(entries: list[Entry], record: JournalRecord | None) -> str:
    return record.title if record else entries[0].article.meta.journal


def _journal_slug(entries: list[Entry], record: JournalRecord | None) -> str:
    issn = next((e.article.meta.issn for e in entries if e.article.meta.issn), "")
    return ascii_slug(_title(entries, record)) or (f"issn-{issn.lower()}" if issn else
                                                   f"journal-{short_hash(_title(entries, record))}")


def _journal(slug: str, entries: list[Entry], record: JournalRecord | None) -> Journal:
    metas = [e.article.meta for e in entries]
    issn = (record.issn or record.eissn) if record else ""
    publisher = record.publisher if record else ""
    language = record.language if record else ""
    is_journal = record is not None or any(m.type in JOURNAL_TYPES for m in metas)
    return Journal(slug=slug, title=_title(entries, record), entries=tuple(entries),
                   volumes=_volumes(slug, entries), loose=tuple(e for e in entries if not e.article.meta.volume),
                   is_journal=is_journal, record=record,
                   issn=issn or next((m.issn for m in metas if m.issn), ""),
                   publisher=publisher or next((m.publisher for m in metas if m.publisher), ""),
                   language=language or metas[0].language)


def path_segment(text: str) -> str:
    """A volume or issue number as a URL segment: '14' stays '14', 'Spring 2020' becomes 'spring-2020'."""
    return ascii_slug(text) or f"n-{short_hash(text)}"


def _volumes(slug: str, entries: list[Entry]) -> tuple[Volume, ...]:
    by_volume: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        meta = entry.article.meta
        if meta.volume:
            by_volume[meta.volume][meta.issue].append(entry)
    volumes = []
    for volume in sorted(by_volume, key=natural_key, reverse=True):
        base = f"journals/{slug}/{path_segment(volume)}/"
        issues = tuple(Issue(volume, issue, f"{base}{path_segment(issue)}/" if issue else base,
                             tuple(sorted(found, key=page_order)))
                       for issue, found in sorted(by_volume[volume].items(), key=lambda kv: natural_key(kv[0]),
                                                  reverse=True))
        volumes.append(Volume(volume, base, issues))
    return tuple(volumes)


def page_order(entry: Entry) -> tuple:
    """Table-of-contents order: by first page, numbers as numbers, articles without pages last."""
    first = entry.article.meta.first_page
    return (0 if first else 1, natural_key(first), entry.slug)


# --- years, keywords -------------------------------------------------------------------

def group_years(entries: tuple[Entry, ...]) -> tuple[Year, ...]:
    years: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.article.meta.date:  # an undated draft belongs to no year
            years[entry.article.meta.date.year].append(entry)
    return tuple(Year(year, tuple(found)) for year, found in sorted(years.items(), reverse=True))


def group_keywords(entries: tuple[Entry, ...]) -> tuple[Keyword, ...]:
    """Keywords compared without case; each shown as its newest article spells it."""
    found: dict[str, list[Entry]] = defaultdict(list)
    first: dict[str, tuple[str, str]] = {}
    holders: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for label in entry.article.meta.keywords:
            key = name_key(label)
            if entry.slug not in holders[key]:
                holders[key].add(entry.slug)
                found[key].append(entry)
            first.setdefault(key, (label, entry.article.meta.language))
    order = sorted(found, key=lambda k: (fold(first[k][0]), k))
    slugs = _unique(((k, ascii_slug(first[k][0]) or f"keyword-{short_hash(k)}") for k in order), set())
    return tuple(Keyword(slugs[k], first[k][0], first[k][1], tuple(found[k])) for k in order)
