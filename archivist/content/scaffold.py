"""`archivist new`: start an article file with valid front-matter, guidance in YAML comments and a body outline."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import discover, frontmatter
from .schema import SLUG

# Letters NFKD does not take apart into an ASCII base letter and an accent.
LATIN_EXTRAS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                              "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                              "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H"})
BODY_OUTLINE = ("Introduction", "Sources and method", "Discussion", "Conclusion")


class ScaffoldError(Exception):
    """The article cannot be created as asked; the message says why and what to do."""


@dataclass(frozen=True)
class NewArticle:
    """What `new` was asked for."""

    title: str
    authors: tuple[str, ...] = ()  # 'Family, Given'
    journal: str = ""
    slug: str = ""
    bundle: bool = False


def slugify(title: str) -> str:
    """An ASCII slug: accents dropped, lower case, runs of anything else turned into one hyphen."""
    text = unicodedata.normalize("NFKD", title.translate(LATIN_EXTRAS))
    bare = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")


def today() -> dt.date:
    """Today's date, or the date of SOURCE_DATE_EPOCH so scripted runs are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ScaffoldError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    return dt.date.today()


def create(site_root: Path, request: NewArticle) -> Path:
    """Write the new article and return its path; refuses to touch any existing file or slug."""
    title = request.title.strip()
    if not title:
        raise ScaffoldError("the title is empty")
    slug = request.slug or slugify(title)
    if not SLUG.match(slug):
        raise ScaffoldError(f"cannot make a slug from {title!r}; pass one with --slug, e.g. --slug my-article")
    articles = site_root / "content" / "articles"
    target = articles / slug / "index.md" if request.bundle else articles / f"{slug}.md"
    _refuse_taken(site_root, slug)
    text = front_matter(request, title, today()) + body_outline()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as handle:  # 'x': never replace a file made meanwhile
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{target.relative_to(site_root)} already exists; choose another title or --slug") from None
    return target


def _refuse_taken(site_root: Path, slug: str) -> None:
    """A slug is taken by a file of that name, a bundle folder, or an article that sets `slug:`."""
    articles = site_root / "content" / "articles"
    for path in (articles / f"{slug}.md", articles / slug):
        if path.exists():
            raise ScaffoldError(f"{path.relative_to(site_root)} already exists; choose another title or --slug")
    sources, _problems = discover.scan(site_root)
    for source in sources:
        if _declared_slug(source.text, source.default_slug) == slug:
            raise ScaffoldError(f"{source.relpath} already uses the slug '{slug}'; choose another title or --slug")


def _declared_slug(text: str, default: str) -> str:
    try:
        value = frontmatter.split(text).data.get("slug")
    except frontmatter.FrontMatterError:
        return default
    return value if isinstance(value, str) and value else default


def front_matter(request: NewArticle, title: str, date: dt.date) -> str:
    """YAML front-matter: the given values, and commented-out lines showing the other common fields."""
    lines = ["---", f"title: {_quoted(title)}"]
    lines += _authors(request.authors)
    lines.append(f"date: {date.isoformat()}  # when the article was published: YYYY, YYYY-MM or YYYY-MM-DD")
    lines.append(f"journal: {_quoted(request.journal)}" if request.journal
                 else "# journal: Name of the journal, book or series it appeared in")
    lines += [
        "# volume: \"12\"",
        "# issue: \"3\"",
        "# pages: 45-67",
        "# doi: 10.1234/example.5678",
        "# license: CC-BY-4.0",
        "keywords: []  # e.g. [printing history, paper]",
        "# abstract: |",
        "#   One paragraph saying what the article finds; Markdown works here.",
        "# Every field is described in README.md (Front-matter reference).",
        "---",
    ]
    return "\n".join(lines) + "\n"


def _authors(authors: tuple[str, ...]) -> list[str]:
    if not authors:
        return ["# authors:", "#   - family: Family name", "#     given: Given names"]
    lines = ["authors:"]
    for author in authors:
        family, _, given = (part.strip() for part in author.partition(","))
        if not family:
            raise ScaffoldError(f"an author is 'Family, Given', not {author!r}")
        lines.append(f"  - family: {_quoted(family)}")
        if given:
            lines.append(f"    given: {_quoted(given)}")
    lines.append("    # orcid: 0000-0002-1825-0097")
    return lines


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar; JSON's escaping is valid YAML, so any title survives."""
    return json.dumps(text, ensure_ascii=False)


def body_outline() -> str:
    """Section headings to write under; an empty section is easy to spot in the preview."""
    return "".join(f"\n## {heading}\n" for heading in BODY_OUTLINE)
