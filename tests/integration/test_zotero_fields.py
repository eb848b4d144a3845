"""Every sample article saves in Zotero as a complete, correct item: the page's <meta> tags, read
the way Zotero's Embedded Metadata translator reads them, give back the front-matter field by field."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from archivist.util.vocabulary import LICENSES
from support import REPO_ROOT
from support.zotero_reader import COMMON_FIELDS, TYPE_FIELDS, zotero_item

SAMPLE = REPO_ROOT / "content" / "articles"
BASE_URL = "https://example.org/archive/"
ZOTERO_TYPES = {"article-journal": "journalArticle", "chapter": "bookSection", "paper-conference": "conferencePaper",
                "report": "report", "thesis": "thesis", "book": "book"}
SAVED_ROLES = (("authors", "author"), ("editors", "editor"))  # Zotero reads no other role from a page


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]) or {}


def slug_of(path: Path, meta: dict) -> str:
    return meta.get("slug") or (path.parent.name if path.name == "index.md" else path.stem)


SOURCES = [p for p in sorted(SAMPLE.glob("*.md")) + sorted(SAMPLE.glob("*/index.md")) if not front_matter(p).get("draft")]


def text(value) -> str:
    """Markdown emphasis dropped, quotes straight, spaces collapsed: the words themselves."""
    value = re.sub(r"(\*{1,2}|_{1,2})(\S(?:.*?\S)?)\1", r"\2", str(value or ""))
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        value = value.replace(curly, straight)
    return " ".join(value.split())


def date_parts(value) -> list[int]:
    if isinstance(value, datetime.date):
        return [value.year, value.month, value.day]
    return [int(part) for part in re.findall(r"\d+", str(value))]


def site_language() -> str:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["archivist"]["language"]


def creator(person, role: str) -> dict[str, str]:
    """A front-matter person as Zotero stores one: particle with the family name, suffix after the
    given name. Zotero drops a name's final period, so "Jr." is saved as "Jr" (initials keep theirs)."""
    if isinstance(person, str):
        family, _, given = person.partition(",")
        person = {"family": family.strip(), "given": given.strip()}
    if person.get("name"):
        return {"name": person["name"], "creatorType": role}
    given = " ".join(p for p in (person.get("given"), person.get("suffix")) if p)
    family = " ".join(p for p in (person.get("particle"), person["family"]) if p)
    return {"firstName": re.sub(r"(\w\w)\.$", r"\1", given), "lastName": family, "creatorType": role}


def expected_fields(meta: dict, slug: str) -> dict[str, object]:
    """The front-matter under Zotero's generic field names."""
    csl = meta.get("csl") or {}
    return {
        "title": text(meta["title"]), "date": date_parts(meta["date"]),
        "publicationTitle": text(meta.get("journal")), "volume": str(meta.get("volume", "")),
        "issue": str(meta.get("issue", "")), "pages": str(meta.get("pages", "")),
        "DOI": re.sub(r"^https?://(dx\.)?doi\.org/", "", meta.get("doi", "")),
        "ISSN": meta.get("issn", ""), "ISBN": meta.get("isbn", ""), "abstractNote": text(meta.get("abstract")),
        "language": meta.get("language") or site_language(), "url": meta.get("url") or f"{BASE_URL}articles/{slug}/",
        "rights": LICENSES[meta["license"]][1] if meta.get("license") in LICENSES else meta.get("license", ""),
        "publisher": meta.get("publisher", ""), "place": meta.get("publisher_place") or csl.get("event-place", ""),
        "type": csl.get("genre", ""), "number": str(csl.get("number", "")), "conferenceName": csl.get("event-title", ""),
    }


def expected_item(meta: dict, slug: str) -> dict[str, object]:
    """The complete, correct item for this front-matter, under the item type's own field names.
    A value the type has no field for (a thesis number, a report's series) is not expected."""
    item_type = ZOTERO_TYPES[meta.get("type", "article-journal")]
    generic = expected_fields(meta, slug)
    own = TYPE_FIELDS[item_type]
    item: dict[str, object] = {"itemType": item_type,
                               "creators": [creator(p, role) for key, role in SAVED_ROLES for p in meta.get(key) or []]}
    item.update({name: generic[name] for name in COMMON_FIELDS})
    item.update({own[name]: value for name, value in generic.items() if name in own})
    item["extra"] = f"DOI: {generic['DOI']}" if generic["DOI"] and "DOI" not in own else ""
    item["pdf"] = f"{BASE_URL}articles/{slug}/{meta['pdf']}" if meta.get("pdf") else ""
    return item


def comparable(item: dict, keys) -> dict[str, object]:
    """The same fields from either side, in one spelling: text normalised, dates as parts,
    ISBN and ISSN without hyphens (Zotero keeps ISBNs bare)."""
    view: dict[str, object] = {}
    for key in keys:
        value = item.get(key) or ""
        if key == "date":
            view[key] = date_parts(value)
        elif key in ("ISBN", "ISSN"):
            view[key] = re.sub(r"[\s-]", "", str(value)).upper()
        elif key == "creators":
            view[key] = [{k: text(v) for k, v in c.items()} for c in value]
        else:
            view[key] = text(value)
    return view


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: slug_of(p, front_matter(p)))
def test_zotero_saves_the_article_as_its_front_matter_says(sample_site, source):
    meta = front_matter(source)
    slug = slug_of(source, meta)
    want = expected_item(meta, slug)
    got = comparable(zotero_item((sample_site / "articles" / slug / "index.html").read_text(encoding="utf-8")), want)
    want = comparable(want, want)
    wrong = {field: f"Zotero saves {got[field]!r}, the front-matter says {want[field]!r}"
             for field in want if got[field] != want[field]}
    assert not wrong, wrong


def test_every_article_page_of_the_sample_is_checked(sample_site):
    pages = {p.parent.name for p in (sample_site / "articles").glob("*/index.html")}
    assert pages == {slug_of(p, front_matter(p)) for p in SOURCES}
    assert len(pages) >= 15


def test_zotero_saves_the_abstract_the_page_shows_not_its_markup(tmp_path):
    """Raw HTML the sanitiser removes and TeX the page shows as a formula never reach Zotero's
    abstract: it is the page's own abstract as text, with the formula written out linearly."""
    from archivist import config as config_step
    from archivist.build.options import BuildOptions
    from archivist.build.pipeline import build_site

    (tmp_path / "pyproject.toml").write_text('[tool.archivist]\ncitation_styles = []\n', encoding="utf-8")
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "t.md").write_text(
        "---\ntitle: T\ndate: 2020\nauthors: ['Doe, Jane']\nabstract: |\n  Raw <script>alert(2)</script> and "
        "<b>bold</b>, with $x^2$ and $\\frac{a}{b}$.\n---\nBody.\n", encoding="utf-8")
    result = build_site(config_step.load(tmp_path), BuildOptions(search=False))
    assert not [d for d in result.diagnostics if d.severity == "error"]
    page = result.files["articles/t/index.html"].decode("utf-8")
    assert zotero_item(page)["abstractNote"] == "Raw alert(2) and bold, with x^2 and a/b."
    assert '<meta name="description" content="Raw alert(2) and bold, with x^2 and a/b.">' in page
