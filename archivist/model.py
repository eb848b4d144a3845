"""The frozen model objects that flow through the pipeline, from source file to article."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping


@dataclass(frozen=True)
class SourceFile:
    """An article's Markdown file as found on disk, before it is parsed."""

    path: Path  # absolute path on disk
    relpath: str  # path relative to the site root, used in diagnostics
    default_slug: str  # file stem, or the bundle folder's name for index.md
    bundle_dir: Path | None  # the folder whose assets travel with the article
    text: str


@dataclass(frozen=True)
class Person:
    """An author, editor or translator: a person with name parts, or an organisation."""

    family: str = ""
    given: str = ""
    particle: str = ""  # 'van der', 'de', kept apart so sorting and citing get it right
    suffix: str = ""  # 'Jr.', 'III'
    literal: str = ""  # an organisation or a single-name person
    orcid: str = ""  # bare 0000-0000-0000-000X form
    affiliation: str = ""

    @property
    def display_name(self) -> str:
        """The name as a byline prints it: 'Given particle Family, Suffix'."""
        if self.literal:
            return self.literal
        if _is_east_asian(self.family + self.given):
            return f"{self.family}{self.given}" if _is_cjk_only(self.family + self.given) else f"{self.family} {self.given}".strip()
        parts = [self.given, self.particle, self.family]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def sort_name(self) -> str:
        """The name as an index sorts it: 'Family, Given particle, Suffix'."""
        if self.literal:
            return self.literal
        given = " ".join(p for p in (self.given, self.particle) if p)
        name = f"{self.family}, {given}" if given else self.family
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def inverted_name(self) -> str:
        """'Family, Given' with the particle kept in front of the family name, as Scholar wants."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        name = f"{family}, {self.given}" if self.given else family
        return f"{name}, {self.suffix}" if self.suffix else name


def _is_east_asian(text: str) -> bool:
    return any(_cjk(ch) for ch in text)


def _is_cjk_only(text: str) -> bool:
    return all(_cjk(ch) for ch in text if not ch.isspace())


def _cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x1100 <= code <= 0x11FF  # Hangul Jamo
        or 0x3040 <= code <= 0x30FF  # Kana
        or 0x3130 <= code <= 0x318F  # Hangul compatibility Jamo
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF
    )


@dataclass(frozen=True)
class PartialDate:
    """A date that may lack month or day, as scholarly records often do."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """'2002', '2002-05' or '2002-05-17'."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def parts(self) -> list[int]:
        """CSL 'date-parts' form."""
        return [p for p in (self.year, self.month, self.day) if p]

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


@dataclass(frozen=True)
class ArticleMeta:
    """Validated front-matter of one article; every field already normalised."""

    slug: str
    title: str  # Markdown inline source, e.g. 'On *Moby-Dick*'
    date: PartialDate | None  # None only for a draft, which may leave its date for later
    type: str = "article-journal"
    authors: tuple[Person, ...] = ()
    editors: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    pdf: str = ""
    publisher: str = ""
    publisher_place: str = ""
    issn: str = ""
    isbn: str = ""
    abstract: str = ""  # Markdown source
    keywords: tuple[str, ...] = ()
    language: str = ""
    license: str = ""
    aliases: tuple[str, ...] = ()  # old addresses, as written; see aliases.alias_file
    translation_of: str = ""  # the slug of the original this article translates
    draft: bool = False
    updated: PartialDate | None = None
    bibliography: tuple[str, ...] = ()  # the article's bibliography files, relative to its folder
    nocite: tuple[str, ...] = ()  # keys listed in its references without a citation ('*': every key)
    reference_style: str = ""  # the CSL style of its citations and references; '' = the site's
    csl: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)  # front-matter key -> line in file

    @property
    def date_key(self) -> tuple[int, int, int]:
        """Sort key by publication date; an undated draft sorts before every real date (year 0)."""
        return self.date.sort_key if self.date else (0, 0, 0)

    @property
    def first_page(self) -> str:
        return self.pages.split("-")[0].strip() if self.pages else ""

    @property
    def last_page(self) -> str:
        if "-" not in self.pages:
            return ""
        return self.pages.split("-", 1)[1].strip()


@dataclass(frozen=True)
class Parsed:
    """An article whose front-matter is valid but whose Markdown is not yet rendered."""

    source: SourceFile
    meta: ArticleMeta
    body: str
    body_line: int
    citations: str = ""  # how its body reads '@key': '' (no bibliography), 'in-text' or 'note' (its style's class)
    digest: str = ""  # set when the text was let go after reading (see load.let_go): read again, it must match
    blank: bool = False  # whether the body it let go was blank

    @property
    def has_text(self) -> bool:
        """Whether the Markdown body holds anything, whether or not it is still in memory."""
        return not self.blank if self.digest else bool(self.body.strip())


@dataclass(frozen=True)
class Heading:
    """A section heading of the body, for the table of contents and deep links."""

    level: int
    id: str
    text: str  # plain text
    html: str  # rendered inline HTML


@dataclass(frozen=True)
class SiteLink:
    """A link or image of a body that points into this site, checked once every page and file is known.

    `kind` says how `target` reads: 'root' a path from the site's root ('/en/lessons/x#s'), 'relative'
    a path from the article's page ('../other/', 'data.csv'), 'article' an `article:` slug with a
    fragment, 'image' an image's root path."""

    kind: str
    target: str  # as written, without the base path the href was given
    line: int


@dataclass(frozen=True)
class CiteItem:
    """One work named in a citation, with what Pandoc's syntax puts around it: `[see @key, p. 33]`."""

    key: str
    locator: str = ""  # '33', '12-14'
    label: str = ""  # the CSL locator term: 'page', 'chapter', 'paragraph', ...; '' when no locator
    prefix: str = ""  # 'see ', as written (Markdown inline source)
    suffix: str = ""  # ', emphasis added', as written
    suppress_author: bool = False  # `[-@key]`


@dataclass(frozen=True)
class CitationUse:
    """One citation of the body (a cluster of works), recorded where it stands.

    The body's HTML holds a placeholder for it (see markdown.citations.placeholder) that the cite
    step replaces with what citeproc-js formats, because the style's output depends on every other
    citation of the article (ibid., disambiguation, numbering)."""

    id: str  # 'cite-3': the id of its element in the page, the target of back-links
    items: tuple[CiteItem, ...]
    note: int = 0  # the number of the footnote it stands in (0 in running text)
    narrative: bool = False  # `@key` in running text: 'Doe (2020)' rather than '(Doe 2020)'
    in_own_note: bool = False  # a note style made this citation into a footnote of its own
    line: int = 0
    column: int = 0
    passage: str = ""  # the id of the paragraph it stands in ('p12'), for 'cited by' pinpoints
    author_only: bool = False  # a note style's `@key` in a sentence: the author's name; the work is in a note


@dataclass(frozen=True)
class RenderedBody:
    """The Markdown body turned into HTML, with what the page and the index need of it."""

    html: str
    toc: tuple[Heading, ...] = ()
    paragraph_ids: tuple[str, ...] = ()
    footnote_count: int = 0
    notes_title: str = ""  # the author's own heading over the notes ('Endnotes'), else the interface word
    references_title: str = ""  # the author's own heading over the works cited ('Works Cited'), else the word
    assets: tuple[str, ...] = ()  # bundle-relative paths of the images and files the body publishes
    word_count: int = 0
    ids: tuple[str, ...] = ()  # every id in the body but the passages', for links from other articles
    heading_aliases: tuple[tuple[str, str], ...] = ()  # (another tool's id of a heading, its id here)
    site_links: tuple[SiteLink, ...] = ()
    citations: tuple[CitationUse, ...] = ()  # in reading order


@dataclass(frozen=True)
class Reference:
    """One work in an article's reference list, as its bibliography gives it and its style formats it."""

    key: str  # the citation key, as the bibliography writes it
    csl: Mapping[str, Any]  # the CSL-JSON item, its 'id' the key
    html: str = ""  # the formatted entry, safe HTML
    text: str = ""  # the same words as plain text
    anchor: str = ""  # the id of its entry on the page ('ref-smith2020')
    cited_at: tuple[str, ...] = ()  # ids of the citations that cite it, in reading order (back-links)
    archive_path: str = ""  # when the work is an article of this archive: that article's url_path


@dataclass(frozen=True)
class Article:
    """One article, loaded, validated and rendered: the unit every later step consumes."""

    source: SourceFile
    meta: ArticleMeta
    body: RenderedBody
    title_html: str
    abstract_html: str
    body_line: int  # the file line where the Markdown body starts

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def url_path(self) -> str:
        """Path relative to the site root, e.g. 'articles/kim-takes-control/'."""
        return f"articles/{self.meta.slug}/"

    @property
    def has_body(self) -> bool:
        return bool(self.body.html.strip())
