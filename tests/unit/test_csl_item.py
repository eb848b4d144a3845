"""The CSL-JSON item built from front-matter, and the pure-Python parts around it:
markup conversion, locale choice, cache keys, HTML cleaning and the export formats."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy
from hypothesis import given, strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from archivist.citations.cache import (
    ITEM_KIND,
    CitationCache,
    cache_key,
    canonical_json,
    digest,
    item_file_name,
    setup_digest,
)
from archivist.citations.csl import csl_item, csl_name
from archivist.util.cacheentry import EntryKind, seal
from archivist.citations.errors import UnknownStyleError
from archivist.citations.exports import citation_key, to_bibtex, to_csl_json, to_ris
from archivist.citations.markup import csl_to_latex, markdown_to_csl
from archivist.citations.sanitize import clean_html, html_to_text
from archivist.citations.styles import (
    DEFAULT_STYLES,
    StyleLibrary,
    choose_locale,
    citation_language,
    forced_locale,
)
from archivist.util.locales import match_locale, names_locale
from archivist.model import ArticleMeta, PartialDate, Person

URL = "https://example.org/archive/articles/kim-takes-control/"


def meta(**fields) -> ArticleMeta:
    fields.setdefault("slug", "kim-takes-control")
    fields.setdefault("title", "Kim takes control")
    fields.setdefault("date", PartialDate(2002))
    return ArticleMeta(**fields)


def build(abstract_html: str = "", **fields) -> dict:
    return csl_item(meta(**fields), URL, "en-US", abstract_html)


# --- names -------------------------------------------------------------------------------

def test_plain_person():
    assert csl_name(Person(family="Lankov", given="Andrei")) == {"family": "Lankov", "given": "Andrei"}


def test_particle_is_non_dropping_and_kept_apart():
    name = csl_name(Person(family="Veen", given="Marijke", particle="van der"))
    assert name == {"family": "Veen", "given": "Marijke", "non-dropping-particle": "van der"}


def test_suffix():
    name = csl_name(Person(family="Gates", given="Henry Louis", suffix="Jr."))
    assert name == {"family": "Gates", "given": "Henry Louis", "suffix": "Jr."}


def test_organisation_is_literal_and_drops_other_parts():
    assert csl_name(Person(literal="World Health Organization", orcid="0000-0002-1825-0097")) == {
        "literal": "World Health Organization"}


def test_single_name_person_becomes_literal():
    assert csl_name(Person(given="Plato")) == {"literal": "Plato"}


@pytest.mark.parametrize("family, given", [("김", "정은"), ("毛", "泽东"), ("山田", "太郎")])
def test_cjk_names_stay_family_and_given(family, given):
    # citeproc-js orders East Asian names itself; the item must not pre-join them.
    assert csl_name(Person(family=family, given=given)) == {"family": family, "given": given}


def test_affiliation_and_orcid_are_not_csl_name_parts():
    name = csl_name(Person(family="Lankov", given="Andrei", orcid="0000-0002-1825-0097", affiliation="Kookmin"))
    assert set(name) == {"family", "given"}


def test_all_roles_in_order():
    item = build(
        authors=(Person(family="A", given="One"), Person(literal="Org")),
        editors=(Person(family="E", given="Ed"),),
        translators=(Person(family="T", given="Tr"),),
    )
    assert item["author"] == [{"family": "A", "given": "One"}, {"literal": "Org"}]
    assert item["editor"] == [{"family": "E", "given": "Ed"}]
    assert item["translator"] == [{"family": "T", "given": "Tr"}]


def test_roles_without_people_are_absent():
    item = build()
    assert not {"author", "editor", "translator"} & set(item)


# --- dates, pages, identifiers ------------------------------------------------------------

@pytest.mark.parametrize("date, parts", [
    (PartialDate(2002), [2002]),
    (PartialDate(2002, 5), [2002, 5]),
    (PartialDate(2002, 5, 17), [2002, 5, 17]),
])
def test_partial_dates(date, parts):
    assert build(date=date)["issued"] == {"date-parts": [parts]}


@pytest.mark.parametrize("pages", ["87-119", "12", "e1234", "xii-xv"])
def test_pages_pass_through_for_the_engine_to_format(pages):
    assert build(pages=pages)["page"] == pages


def test_full_journal_article():
    item = build(
        authors=(Person(family="Lankov", given="Andrei"),), journal="Korean Studies", volume="26",
        issue="1", pages="87-119", doi="10.1353/ks.2002.0004", issn="0145-840X", language="en",
        publisher="University of Hawai'i Press", publisher_place="Honolulu",
        keywords=("North Korea", "purges"), abstract="On the *August* incident.\n\nSecond paragraph.",
        abstract_html="<p>On the <em>August</em> incident.</p>\n<p>Second paragraph.</p>\n",
    )
    assert item == {
        "id": "kim-takes-control", "type": "article-journal", "title": "Kim takes control",
        "author": [{"family": "Lankov", "given": "Andrei"}], "issued": {"date-parts": [[2002]]},
        "container-title": "Korean Studies", "volume": "26", "issue": "1", "page": "87-119",
        "DOI": "10.1353/ks.2002.0004", "ISSN": "0145-840X", "URL": URL, "language": "en",
        "publisher": "University of Hawai'i Press", "publisher-place": "Honolulu",
        "keyword": "North Korea, purges", "abstract": "On the August incident.\n\nSecond paragraph.",
    }


def test_url_prefers_the_articles_own_url_over_the_canonical_one():
    assert build(url="https://journal.example/kim")["URL"] == "https://journal.example/kim"
    assert build()["URL"] == URL


def test_language_falls_back_to_the_site_language():
    assert csl_item(meta(), URL, "ko")["language"] == "ko"
    assert csl_item(meta(language="de"), URL, "ko")["language"] == "de"


def test_isbn_and_license():
    item = build(type="book", isbn="978-0-393-04011-1", license="CC-BY-4.0")
    assert item["ISBN"] == "978-0-393-04011-1" and item["license"] == "CC-BY-4.0"


@pytest.mark.parametrize("csl_type", [
    "article-journal", "chapter", "book", "report", "thesis", "paper-conference", "webpage",
    "article-magazine", "article-newspaper", "dataset", "manuscript",
])
def test_every_type_is_kept(csl_type):
    item = build(type=csl_type, journal="Container")
    assert item["type"] == csl_type
    assert item["container-title"] == "Container"


def test_unused_fields_never_reach_the_item():
    item = build(pdf="kim.pdf", draft=True, updated=PartialDate(2003), extra={"x": 1})
    assert not {"pdf", "draft", "updated", "extra", "x"} & set(item)


# --- titles and rich text -----------------------------------------------------------------

@pytest.mark.parametrize("markdown, rich", [
    ("On *Moby-Dick*", "On <i>Moby-Dick</i>"),
    ("On _Moby-Dick_", "On <i>Moby-Dick</i>"),
    ("A **bold** claim", "A <b>bold</b> claim"),
    ("H~2~O and E = mc^2^", "H<sub>2</sub>O and E = mc<sup>2</sup>"),
    ("The `grep` tool", 'The <span class="nocase">grep</span> tool'),
    ("snake_case_name stays", "snake_case_name stays"),
    ("Science & Society", "Science & Society"),
    ("A [linked](https://x.org) word", "A linked word"),
    (r"Not \*emphasis\*", "Not *emphasis*"),
])
def test_title_markdown_becomes_csl_rich_text(markdown, rich):
    assert build(title=markdown)["title"] == rich
    assert markdown_to_csl(markdown) == rich


def test_the_abstract_is_the_rendered_abstract_as_plain_text_not_its_source():
    item = build(abstract="Raw <script>alert(2)</script> and $x^2$.",
                 abstract_html='<p>Raw alert(2) and <math display="inline"><msup><mi>x</mi><mn>2</mn></msup></math>.</p>')
    assert item["abstract"] == "Raw alert(2) and x^2."
    assert "abstract" not in build(abstract="Source only.")


def test_raw_html_in_titles_is_text_not_markup():
    assert markdown_to_csl("A <script>x</script> title") == "A <script>x</script> title"


# --- the csl: escape hatch -----------------------------------------------------------------

def test_csl_mapping_is_merged_last():
    item = build(journal="Korean Studies",
                 csl={"container-title": "Kor. Stud.", "number": "R43097", "genre": "CRS Report",
                      "issued": {"date-parts": [[2002, 6]]}})
    assert item["container-title"] == "Kor. Stud."
    assert item["number"] == "R43097" and item["genre"] == "CRS Report"
    assert item["issued"] == {"date-parts": [[2002, 6]]}


def test_csl_mapping_null_removes_a_variable_and_id_survives():
    item = build(csl={"URL": None, "id": None})
    assert "URL" not in item and item["id"] == "kim-takes-control"


def test_csl_mapping_values_are_copied():
    overrides = {"author": [{"family": "X"}]}
    item = build(csl=overrides)
    item["author"][0]["family"] = "changed"
    assert overrides["author"][0]["family"] == "X"


# --- styles and locales ---------------------------------------------------------------------

def test_default_styles_exist_in_the_package():
    library = StyleLibrary()
    for style_id in DEFAULT_STYLES:
        assert library.find(style_id).xml.startswith("<?xml")


def test_dependent_style_resolves_to_parent():
    library = StyleLibrary()
    digest = library.find("nature-digest")
    assert digest.title == "Nature Digest"
    assert digest.xml == library.find("nature").xml
    assert digest.default_locale == "en-GB"


def test_unknown_style_suggests_the_closest_id():
    with pytest.raises(UnknownStyleError, match=r"unknown citation style 'modern-language-asociation' "
                                                 r"\(did you mean 'modern-language-association'\?\)"):
        StyleLibrary().find("modern-language-asociation")


@pytest.mark.parametrize("tag, expected", [
    ("en", "en-US"), ("en-US", "en-US"), ("en-GB", "en-GB"), ("de", "de-DE"), ("de-AT", "de-AT"),
    ("ko", "ko-KR"), ("pt", "pt-PT"), ("pt-br", "pt-BR"), ("zh-Hant-TW", "zh-TW"), ("zh-Hans", "zh-CN"),
    ("xx", None), ("", None),
])
def test_locale_matching(tag, expected):
    assert match_locale(tag) == expected


def test_locale_choice_order():
    library = StyleLibrary()
    apa, digest = library.find("apa"), library.find("nature-digest")
    assert choose_locale(apa, "de-AT") == "de-AT"  # no default-locale: the site language
    assert choose_locale(digest, "de-AT") == "en-GB"  # the style's default-locale wins
    assert choose_locale(digest, "de-AT", forced="fr") == "fr-FR"  # a forced locale wins over all
    assert choose_locale(apa, "tlh") == "en-US"  # nothing fits: en-US


def test_the_site_language_decides_unless_the_site_asks_for_each_items_own():
    assert citation_language("", "en-US", "ko") == "en-US"
    assert citation_language("de-DE", "en-US", "ko") == "en-US"  # the forced locale is choose_locale's
    assert citation_language("item", "en-US", "ko") == "ko"
    assert citation_language("item", "en-US", "") == "en-US"  # an item with no language: the site's
    assert [forced_locale(s) for s in ("", "item", "en-GB")] == [None, None, "en-GB"]


@pytest.mark.parametrize("tag, named", [
    ("en-GB", True), ("de", True), ("pt", True), ("zh-Hant", True), ("zh-Hant-TW", True), ("de-CH", True),
    ("en-UK", False), ("en-IN", False), ("tlh", False), ("", False),
])
def test_a_forced_locale_must_name_a_locale_file(tag, named):
    assert names_locale(tag) is named


# --- cache ------------------------------------------------------------------------------------

def key_of(item: dict, style_bytes: bytes = b"s", locale_bytes: bytes = b"l", engine_version: str = "v",
           request: dict | None = None) -> str:
    setup = setup_digest(style_bytes, locale_bytes, engine_version)
    return cache_key(canonical_json(item), setup, request or {"op": "bibliography"})


def test_cache_key_depends_on_every_input_but_not_key_order():
    base = dict(item={"a": 1, "b": 2}, style_bytes=b"s", locale_bytes=b"l", engine_version="v",
                request={"op": "bibliography"})
    key = key_of(**base)
    assert key == key_of(**dict(base, item={"b": 2, "a": 1}))
    for change in ({"item": {"a": 2, "b": 2}}, {"style_bytes": b"t"}, {"locale_bytes": b"m"},
                   {"engine_version": "w"}, {"request": {"op": "citation"}}):
        assert key_of(**dict(base, **change)) != key
    # Length prefixes keep part boundaries apart.
    assert key_of(**dict(base, style_bytes=b"sl", locale_bytes=b"")) != key
    assert digest(b"ab", b"c") != digest(b"a", b"bc")


def test_one_cache_file_per_item_named_after_its_id():
    assert item_file_name({"id": "kim"}) == item_file_name({"id": "kim", "title": "edited"})
    assert item_file_name({"id": "kim"}) != item_file_name({"id": "lee"})
    assert len(item_file_name({"id": "../../etc/passwd"})) == 40  # a hash, never a path
    site, preview = ({"id": "kim", "URL": f"{base}articles/kim/"} for base in ("https://x.org/", "http://127.0.0.1:8000/"))
    assert item_file_name(site) != item_file_name(preview)
    assert item_file_name(site) == item_file_name({**site, "title": "edited"})


def test_cache_round_trip_and_corrupt_files(tmp_path):
    cache = CitationCache(tmp_path)
    name = "ab" + "0" * 38
    entries = {"k1": {"html": "<i>x</i>", "text": "x"}, "k2": {"html": "y", "text": "y"}}
    assert cache.read(name) == {}
    cache.write(name, entries)
    assert cache.read(name) == entries
    assert cache.path_for(name) == tmp_path / "ab" / f"{name}.entry"
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [f"{name}.entry"]  # no temp files left
    cache.path_for(name).write_text("{not json", encoding="utf-8")
    assert cache.read(name) == {}
    assert [d.code for d in cache.take_problems()] == ["cache.damaged"]


def test_cache_ignores_other_formats_and_malformed_entries(tmp_path):
    cache = CitationCache(tmp_path)
    name = "cd" + "0" * 38
    path = cache.path_for(name)
    path.parent.mkdir(parents=True)
    path.write_bytes(seal(EntryKind(ITEM_KIND.kind, ITEM_KIND.version - 1), name, b"{}"))  # an older layout
    assert cache.read(name) == {} and cache.take_problems() == []
    path.write_bytes(seal(ITEM_KIND, name, json.dumps({
        "good": {"html": "a", "text": "a"}, "bad": {"html": 1}, "worse": "x"}).encode()))
    assert cache.read(name) == {}  # whole, yet not of the shape written: crafted, so none of it is trusted
    assert len(cache.take_problems()) == 1
    cache.write(name, {"good": {"html": "a", "text": "a"}})
    assert cache.read(name) == {"good": {"html": "a", "text": "a"}} and cache.take_problems() == []


# --- sanitising ---------------------------------------------------------------------------------

def test_engine_styles_become_classes_and_unsafe_markup_goes():
    raw = ('  <div class="csl-entry">A &#38; B <span style="font-variant:small-caps;">Kim</span> '
           '<i>X <span style="font-style:normal;">Y</span></i> <script>alert(1)</script>'
           '<a href="javascript:alert(1)">j</a> <a href="https://doi.org/10.1/x" onclick="x">d</a></div>\n')
    html = clean_html(raw)
    assert html == ('A &amp; B <span class="smallcaps">Kim</span> <i>X <span class="roman">Y</span></i> '
                    '<a>j</a> <a href="https://doi.org/10.1/x">d</a>')
    assert html_to_text(html) == "A & B Kim X Y j d"


def test_numeric_styles_keep_the_label_apart():
    raw = '<div class="csl-entry"><div class="csl-left-margin">[1]</div><div class="csl-right-inline">Lankov</div></div>'
    html = clean_html(raw)
    assert html == '<span class="csl-left-margin">[1]</span> <span class="csl-right-inline">Lankov</span>'
    assert html_to_text(html) == "[1] Lankov"


# --- exports --------------------------------------------------------------------------------------

def rich_item() -> dict:
    return build(
        title="Kim & *The Great* Purge: 50% of $x_1 #1 {braces} ~ \\ in 1956",
        authors=(Person(family="Lankov", given="Andrei"),
                 Person(family="Veen", given="Marijke", particle="van der", suffix="Jr."),
                 Person(literal="Smith and Sons & Co."), Person(family="박", given="명규"),
                 Person(family="Müller", given="Jürgen")),
        editors=(Person(family="Shin", given="Gi-Wook"),), translators=(Person(family="Nice", given="Richard"),),
        journal="Korean Studies", volume="26", issue="1", pages="87-119", doi="10.1353/ks_2002.0004",
        url="https://example.org/a_b%20c?x=1#frag", date=PartialDate(2002, 5, 17), issn="0145-840X",
        publisher="UH Press", publisher_place="Honolulu", keywords=("North Korea", "purges"),
        abstract="An *abstract*.", abstract_html="<p>An <em>abstract</em>.</p>", language="en",
    )


def test_csl_json_export_is_stable_and_parses_back():
    item = rich_item()
    text = to_csl_json(item)
    assert json.loads(text) == [item]
    assert "박" in text  # ensure_ascii=False
    assert text == to_csl_json(dict(reversed(list(item.items()))))


def latex_text(value: str) -> str:
    return LatexNodes2Text().latex_to_text(value)


def test_bibtex_parses_back_to_the_same_record():
    item = rich_item()
    library = bibtexparser.parse_string(to_bibtex(item))
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "article" and entry.key == "lankov2002kim"
    assert latex_text(fields["title"]) == "Kim & The Great Purge: 50% of $x_1 #1 {braces} ~ \\ in 1956"
    assert "\\emph{The Great}" in fields["title"]
    assert fields["author"] == ("Lankov, Andrei and van der Veen, Jr., Marijke and {Smith and Sons \\& Co.} "
                                "and 박, 명규 and Müller, Jürgen")
    assert fields["editor"] == "Shin, Gi-Wook" and fields["translator"] == "Nice, Richard"
    assert fields["journaltitle"] == "Korean Studies" and fields["date"] == "2002-05-17"
    assert (fields["volume"], fields["number"], fields["pages"]) == ("26", "1", "87--119")
    # url and doi are verbatim fields in BibLaTeX: written unescaped.
    assert fields["doi"] == "10.1353/ks_2002.0004"
    assert fields["url"] == "https://example.org/a_b%20c?x=1#frag"
    assert fields["issn"] == "0145-840X" and fields["publisher"] == "UH Press"
    assert fields["location"] == "Honolulu" and fields["keywords"] == "North Korea, purges"


def test_bibtex_names_split_into_the_right_parts():
    library = bibtexparser.parse_string(
        to_bibtex(rich_item()), append_middleware=[bibtexparser.middlewares.SeparateCoAuthors(),
                                                   bibtexparser.middlewares.SplitNameParts()])
    authors = library.entries[0].fields_dict["author"].value
    assert (authors[1].von, authors[1].last, authors[1].jr, authors[1].first) == (
        ["van", "der"], ["Veen"], ["Jr."], ["Marijke"])
    assert authors[2].last == ["{Smith and Sons \\& Co.}"] and not authors[2].first
    assert (authors[3].last, authors[3].first) == (["박"], ["명규"])


@pytest.mark.parametrize("csl_type, entry_type, container_field", [
    ("chapter", "incollection", "booktitle"), ("paper-conference", "inproceedings", "booktitle"),
    ("book", "book", "series"), ("report", "report", "series"), ("thesis", "thesis", "series"),
    ("webpage", "online", "organization"), ("article-journal", "article", "journaltitle"),
    ("dataset", "dataset", None), ("software", "misc", "howpublished"),
])
def test_bibtex_entry_types(csl_type, entry_type, container_field):
    item = build(type=csl_type, journal="Container", publisher="Pub")
    entry = bibtexparser.parse_string(to_bibtex(item)).entries[0]
    assert entry.entry_type == entry_type
    if container_field:
        assert entry.fields_dict[container_field].value == "Container"
    publisher_field = "institution" if entry_type in ("report", "thesis") else "publisher"
    assert entry.fields_dict[publisher_field].value == "Pub"


def test_bibtex_key_falls_back_to_the_id_without_latin_letters():
    assert citation_key(build(authors=(Person(family="박", given="명규"),))) == "kim-takes-control"
    assert citation_key(build(title="The *Great* Leader", authors=(Person(literal="World Bank"),))) == "world2002great"
    assert citation_key(build(title="Über alles", authors=(Person(family="Müller", given="J"),))) == "muller2002uber"


def test_caret_and_braces_are_escaped_and_balanced():
    assert csl_to_latex("x^2 and {y}") == r"x\textasciicircum{}2 and \{y\}"
    assert csl_to_latex("<i>open") == r"\emph{open}"
    assert csl_to_latex("close</i> me") == "close me"


def _open_braces(latex: str) -> list[int]:
    """The depth after each unescaped brace, read one character at a time."""
    depths, depth, index = [], 0, 0
    while index < len(latex):
        if latex[index] == "\\" and index + 1 < len(latex):
            index += 2
            continue
        depth += {"{": 1, "}": -1}.get(latex[index], 0)
        depths.append(depth)
        index += 1
    return depths


@given(st.lists(st.sampled_from(["<i>", "</i>", "<b>", "</b>", '<span class="nocase">', "</span>", "{", "}",
                                 "\\", "a", "é", " ", "_", "%", "^", "~", "$", "#", "&"]), max_size=40))
def test_any_rich_text_gives_latex_whose_braces_close_and_whose_text_is_kept(pieces):
    latex = csl_to_latex("".join(pieces))
    depths = _open_braces(latex)
    assert all(depth >= 0 for depth in depths) and (not depths or depths[-1] == 0)
    text = "".join(p for p in pieces if not p.startswith("<") and p not in "{}")
    read_back = LatexNodes2Text().latex_to_text(latex).replace("{", "").replace("}", "")
    assert read_back.replace("\N{MODIFIER LETTER CIRCUMFLEX ACCENT}", "^") == text


def test_ris_parses_back_to_the_same_record():
    item = rich_item()
    (record,) = rispy.loads(to_ris(item))
    assert record == {
        "type_of_reference": "JOUR", "id": "kim-takes-control",
        "authors": ["Lankov, Andrei", "van der Veen, Marijke, Jr.", "Smith and Sons & Co.", "박, 명규",
                    "Müller, Jürgen"],
        "secondary_authors": ["Shin, Gi-Wook"], "subsidiary_authors": ["Nice, Richard"],
        "title": "Kim & The Great Purge: 50% of $x_1 #1 {braces} ~ \\ in 1956",
        "secondary_title": "Korean Studies", "year": "2002", "date": "2002/05/17", "volume": "26",
        "number": "1", "start_page": "87", "end_page": "119", "doi": "10.1353/ks_2002.0004",
        "urls": ["https://example.org/a_b%20c?x=1#frag"], "publisher": "UH Press",
        "place_published": "Honolulu", "issn": "0145-840X", "language": "en",
        "abstract": "An abstract.", "keywords": ["North Korea", "purges"],
    }
    assert not to_ris(item).startswith("1.")


@pytest.mark.parametrize("csl_type, ris_type", [
    ("chapter", "CHAP"), ("book", "BOOK"), ("report", "RPRT"), ("thesis", "THES"),
    ("paper-conference", "CPAPER"), ("webpage", "ELEC"), ("software", "GEN"),
])
def test_ris_types_and_single_pages(csl_type, ris_type):
    (record,) = rispy.loads(to_ris(build(type=csl_type, pages="e1234", isbn="978-0-00-000000-0")))
    assert record["type_of_reference"] == ris_type
    assert record["start_page"] == "e1234" and "end_page" not in record
