"""Reads each article's bibliography files (and the site-wide ones in content/references/) into CSL-JSON.

CSL-JSON and CSL-YAML are read in Python (bibformats). BibTeX, BibLaTeX and RIS are parsed by
citation-js in Node (bibparse.js), every file the cache lacks in one process per build. What
citation-js makes of them is kept, except for these fix-ups (bibfixups.js), each of which corrects
a conversion that loses or garbles what the file means:

- the CSL `id` (and `citation-key`) is always the key as written in the file;
- English titles are stored in sentence case with {Protected} words kept (citation-js's
  `sentenceCase: "english"`, Pandoc's behaviour); an entry's `langid` (not only `language`)
  decides what is English, so `langid = {ngerman}` keeps "Die Hanse und der Ostseehandel";
- a capital letter standing alone in a title ("Models in S", "vitamin D") keeps its capital: it is
  a name, and CSL's title case would never restore a one-letter word;
- `langid`/`language` names such as `ngerman` become BCP 47 tags (`de-DE`), as CSL expects;
- `{\\'\\i}` (a dotless i under an accent) becomes "í", and all text is NFC-normalised;
- a name that is only a family name with a space in it comes from a braced whole name,
  `{{World Health Organization}}`: it becomes a CSL `literal` (an organisation); `and others`
  becomes the literal "others" (citation-js makes a person with the family name "others");
- a BibLaTeX list where CSL wants one string (`publisher = {Groningen Growth and Development
  Centre}`) is joined back as BibLaTeX prints it, "A, B and C";
- thesis and report type keys (`phdthesis`, `mathesis`, `techreport`, ...) become the words
  BibLaTeX prints ("PhD thesis", "Master's thesis", "Technical report");
- `eprint` with `eprinttype`/`archivePrefix` arXiv makes a preprint (CSL type `article`, publisher
  "arXiv", number "arXiv:ID", the arxiv.org URL); pubmed, jstor, hdl and doi eprints fill PMID,
  URL or DOI;
- lines starting with `%` are blanked before parsing (comments to Biber and Pandoc; citation-js
  would read an `@` in them as an entry);
- a broken entry is blanked and the file parsed again, so every syntax error is reported and the
  other entries are kept.

RIS records without an `ID  -` tag get a key made of the first author's family name folded to
lower-case ASCII and the year (`ograda1999`), with 'a', 'b', ... when the file repeats it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from archivist.citations import bibformats, bibnode
from archivist.citations.bibformats import FileReading
from archivist.citations.errors import CitationEngineError
from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, error
from archivist.model import ArticleMeta, SourceFile
from archivist.util.cacheentry import SUFFIX, DamagedEntry, EntryKind, read_decoded, read_json, to_bytes, write_entry

SITE_FOLDER = "content/references"
READING_KIND = EntryKind("bibliography-reading", 2)  # bump the version when FileReading changes


@dataclass(frozen=True)
class BibEntry:
    key: str  # citation key as written
    csl: Mapping[str, Any]  # CSL-JSON item with "id" == key (plain JSON values)
    path: str  # site-relative path of the file it came from (for diagnostics)
    line: int  # line of the entry in that file (1-based)


@dataclass(frozen=True)
class Bibliography:
    """The works an article can cite, by key."""

    entries: Mapping[str, BibEntry] = field(default_factory=dict)
    _by_doi: Mapping[str, BibEntry] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_doi: dict[str, BibEntry] = {}
        for entry in self.entries.values():
            doi = entry.csl.get("DOI")
            if isinstance(doi, str) and doi.strip():
                by_doi.setdefault(doi.strip().casefold(), entry)
        object.__setattr__(self, "_by_doi", by_doi)

    def get(self, key: str) -> BibEntry | None:
        """The entry of a key; a `doi:10.x/y` key also finds the item with that DOI (case-blind),
        as Manubot's citations do."""
        found = self.entries.get(key)
        if found is None and key[:4].lower() == "doi:":
            found = self._by_doi.get(key[4:].strip().casefold())
        return found


class BibliographyReader:
    """Reads and converts files once per content (memory + disk cache under cache_dir, keyed by sha256
    of the bytes + converter version); non-CSL formats go to Node in ONE process per build for all
    files the cache lacks."""

    def __init__(self, config: SiteConfig, cache_dir: Path | None = None):
        self.config = config
        self.cache_dir = cache_dir
        self._memory: dict[str, FileReading] = {}
        self.node_runs = 0  # how many Node processes this reader started (tests read it)

    def for_articles(self, items: Sequence[tuple[SourceFile, ArticleMeta]]) -> tuple[list[Bibliography], list[Diagnostic]]:
        """One Bibliography per article (site-wide entries plus the article's own), and the problems:
        each file's once, however many articles use it."""
        diagnostics: list[Diagnostic] = []
        site_files = self._site_files()
        own_files = [self._article_files(source, meta, diagnostics) for source, meta in items]
        wanted = dict.fromkeys(p for paths in own_files for p in paths if p not in site_files)
        readings = self._read_all([*site_files, *wanted], diagnostics)
        site = _merge([], site_files, readings, diagnostics)
        results = []
        for paths in own_files:
            merged = _merge(site, [p for p in paths if p not in site_files], readings, diagnostics)
            results.append(Bibliography({e.key: e for e in merged}))
        return results, list(dict.fromkeys(diagnostics))

    def close(self) -> None:
        """Nothing stays open between builds: the Node process ends with each batch."""
        self._memory.clear()

    def _site_files(self) -> list[str]:
        return sorted(self._relpath(p) for p in site_bibliography_files(self.config.root))

    def _article_files(self, source: SourceFile, meta: ArticleMeta, diagnostics: list[Diagnostic]) -> list[str]:
        folder = source.bundle_dir or source.path.parent
        found = []
        for n, name in enumerate(meta.bibliography):
            path = folder / name
            if path.is_file():
                found.append(self._relpath(path))
                continue
            line = meta.lines.get(f"bibliography.{n}", meta.lines.get("bibliography", 1))
            diagnostics.append(error(source.relpath, line, "refs.missing-file",
                                     f"bibliography file '{name}' does not exist (expected it at {self._relpath(path)})"))
        return found

    def _relpath(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _read_all(self, relpaths: Iterable[str], diagnostics: list[Diagnostic]) -> dict[str, FileReading]:
        """Each file's reading, from the caches or freshly read; Node converts the misses at once."""
        readings, missing = {}, []
        for relpath in relpaths:
            data = (self.config.root / relpath).read_bytes()
            fmt = bibformats.format_of(relpath)
            key = self._cache_key(fmt, data)
            cached = self._cached(key, diagnostics)
            if cached is not None:
                readings[relpath] = cached
            elif fmt in ("csl-json", "csl-yaml"):
                readings[relpath] = self._store(key, _read_csl(fmt, data))
            else:
                missing.append((relpath, fmt, key, data))
        if missing:
            readings.update(self._convert(missing, diagnostics))
        return readings

    def _convert(self, missing: list, diagnostics: list[Diagnostic]) -> dict[str, FileReading]:
        texts = [(fmt, data.decode("utf-8", "replace").lstrip("\ufeff")) for _, fmt, _, data in missing]
        try:
            self.node_runs += 1
            converted = bibnode.convert(texts, bibnode.find_node_modules())
        except CitationEngineError as exc:
            diagnostics.append(error(missing[0][0], 1, "refs.engine",
                                     f"BibTeX and RIS files cannot be read: {exc}"))
            return {relpath: FileReading() for relpath, *_ in missing}
        return {relpath: self._store(key, reading) for (relpath, _, key, _), reading in zip(missing, converted)}

    def _cache_key(self, fmt: str, data: bytes) -> str:
        if fmt in ("bibtex", "ris"):
            try:
                version = bibnode.converter_version(bibnode.find_node_modules())
            except CitationEngineError:
                version = "none"
        else:
            version = bibnode.converter_version(None)
        return hashlib.sha256(f"{fmt}\0{version}\0".encode() + data).hexdigest()

    def _cached(self, key: str, diagnostics: list[Diagnostic]) -> FileReading | None:
        """The reading kept in memory or on disk; a damaged entry on disk is a miss and one warning."""
        if key in self._memory:
            return self._memory[key]
        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{key}{SUFFIX}"
        reading = read_decoded(path, READING_KIND, key, key, lambda content: reading_from_json(read_json(content)),
                               "a bibliography file's reading", diagnostics)
        if reading is not None:
            self._memory[key] = reading
        return reading

    def _store(self, key: str, reading: FileReading) -> FileReading:
        self._memory[key] = reading
        if self.cache_dir is not None:
            write_entry(self.cache_dir / f"{key}{SUFFIX}", READING_KIND, key, to_bytes(reading.to_json()), key)
        return reading


def reading_from_json(data: Any) -> FileReading:
    """A file's reading as `FileReading.to_json` wrote it, checked item by item: it comes from the cache."""
    if not (isinstance(data, dict) and set(data) == {"entries", "problems"}
            and isinstance(data["entries"], list) and isinstance(data["problems"], list)):
        raise DamagedEntry("expected {\"entries\": [...], \"problems\": [...]}")
    entries = tuple(tuple(item) for item in data["entries"])
    problems = tuple(tuple(item) for item in data["problems"] if isinstance(item, list))
    if not all(len(e) == 3 and isinstance(e[0], str) and _whole(e[1]) and isinstance(e[2], dict) for e in entries):
        raise DamagedEntry("an entry is not [key, line, item]")
    if len(problems) != len(data["problems"]) or not all(
            len(p) == 3 and _whole(p[0]) and _whole(p[1]) and isinstance(p[2], str) for p in problems):
        raise DamagedEntry("a problem is not [line, column, message]")
    return FileReading(entries, problems)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def site_bibliography_files(root: Path) -> list[Path]:
    """The site-wide bibliography files: every file under content/references/ in a format read here."""
    folder = root / SITE_FOLDER
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.is_file() and bibformats.format_of(p.name)]


def _read_csl(fmt: str, data: bytes) -> FileReading:
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    return bibformats.read_csl_json(text) if fmt == "csl-json" else bibformats.read_csl_yaml(text)


def _merge(base: list[BibEntry], relpaths: list[str], readings: Mapping[str, FileReading],
           diagnostics: list[Diagnostic]) -> list[BibEntry]:
    """The base entries plus those of the files, in order; a file's parse problems are reported,
    and a key seen before is an error naming both places unless the two items are identical."""
    merged = list(base)
    seen = {e.key: e for e in base}
    for relpath in relpaths:
        reading = readings.get(relpath, FileReading())
        for line, column, message in reading.problems:
            diagnostics.append(error(relpath, line, "refs.parse", message, column))
        for key, line, csl in reading.entries:
            entry = BibEntry(key, csl, relpath, line)
            first = seen.get(key)
            if first is None:
                seen[key] = entry
                merged.append(entry)
            elif first.csl != csl:
                diagnostics.append(error(relpath, line, "refs.duplicate-key",
                                         f"citation key '{key}' at {relpath}:{line} is already defined at {first.path}:{first.line} "
                                         "(keys must be unique across the site's and the article's bibliography files)"))
    return merged
