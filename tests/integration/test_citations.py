"""Formatted references checked against the APA 7, MLA 9 and Chicago 18 rules, worked by hand.

Each expectation was written from the style guide's pattern for the source type, then the
engine was run; the comments note the rule each string follows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archivist.citations import (
    DEFAULT_STYLES,
    PINPOINT_SENTINEL,
    CitationEngine,
    CitationEngineError,
    UnknownStyleError,
    csl_item,
)
from archivist.model import ArticleMeta, PartialDate, Person

APA, MLA, CAD, CNB = DEFAULT_STYLES
SITE = "https://example.org/archive/articles/"


@pytest.fixture(scope="module")
def engine():
    with CitationEngine() as running:
        yield running


def item(slug: str, **fields) -> dict:
    fields.setdefault("date", PartialDate(2002))
    return csl_item(ArticleMeta(slug=slug, **fields), f"{SITE}{slug}/", "en-US")


def bib(engine, entry: dict, style: str) -> str:
    return engine.bibliography(entry, style, "en-US").text


def cite(engine, entry: dict, style: str, number: str = "12") -> str:
    return engine.citation(entry, style, "en-US", number, "paragraph").text


LANKOV = dict(
    title="Kim takes control: The great purge in North Korea, 1956-1960",
    authors=(Person(family="Lankov", given="Andrei"),),
    journal="Korean Studies", volume="26", issue="1", pages="87-119", doi="10.1353/ks.2002.0004",
)


def test_journal_article_with_doi(engine):
    entry = item("kim-takes-control", **LANKOV)
    doi = "https://doi.org/10.1353/ks.2002.0004"
    # APA: Author, A. (Year). Sentence-case title. *Journal*, *Vol*(Issue), pages. DOI
    assert bib(engine, entry, APA) == (
        f"Lankov, A. (2002). Kim takes control: The great purge in North Korea, 1956-1960. "
        f"Korean Studies, 26(1), 87–119. {doi}")
    # MLA: Last, First. "Title Case." *Journal*, vol., no., year, pp. (minimal two digits), DOI.
    assert bib(engine, entry, MLA) == (
        f"Lankov, Andrei. “Kim Takes Control: The Great Purge in North Korea, 1956-1960.” "
        f"Korean Studies, vol. 26, no. 1, 2002, pp. 87–119, {doi}.")
    # Chicago author-date: year after the name; Vol (Issue): pages.
    assert bib(engine, entry, CAD) == (
        f"Lankov, Andrei. 2002. “Kim Takes Control: The Great Purge in North Korea, 1956-1960.” "
        f"Korean Studies 26 (1): 87–119. {doi}.")
    # Chicago bibliography: Vol, no. Issue (Year): pages.
    assert bib(engine, entry, CNB) == (
        f"Lankov, Andrei. “Kim Takes Control: The Great Purge in North Korea, 1956-1960.” "
        f"Korean Studies 26, no. 1 (2002): 87–119. {doi}.")
    # The DOI is a link in the HTML, and the journal and volume are italic (APA).
    html = engine.bibliography(entry, APA, "en-US").html
    assert f'<a href="{doi}">{doi}</a>' in html
    assert "<i>Korean Studies</i>, <i>26</i>(1)" in html


def test_paragraph_locators_follow_each_style(engine):
    entry = item("kim-takes-control", **LANKOV)
    assert cite(engine, entry, APA) == "(Lankov, 2002, para. 12)"
    assert cite(engine, entry, MLA) == "(Lankov, par. 12)"
    assert cite(engine, entry, CAD) == "(Lankov 2002, para. 12)"
    # A first note gives the full reference, the locator where the page range would go.
    assert cite(engine, entry, CNB) == (
        "Andrei Lankov, “Kim Takes Control: The Great Purge in North Korea, 1956-1960,” "
        "Korean Studies 26, no. 1 (2002): para. 12, https://doi.org/10.1353/ks.2002.0004.")


THREE = dict(
    title="Literacy and the state in early modern Europe",
    authors=(Person(family="Smith", given="Jane"), Person(family="Brown", given="Robert"),
             Person(family="Garcia", given="Maria")),
    journal="Past & Present", volume="198", issue="1", pages="45-78", doi="10.1093/pastj/gtm001",
    date=PartialDate(2008),
)


def test_three_authors(engine):
    entry = item("literacy", **THREE)
    doi = "https://doi.org/10.1093/pastj/gtm001"
    # APA lists all (up to 20), ampersand before the last; in text, 3+ authors -> et al.
    assert bib(engine, entry, APA) == (
        f"Smith, J., Brown, R., & Garcia, M. (2008). Literacy and the state in early modern Europe. "
        f"Past & Present, 198(1), 45–78. {doi}")
    assert cite(engine, entry, APA) == "(Smith et al., 2008, para. 12)"
    # MLA: three or more authors -> first author, et al.
    assert bib(engine, entry, MLA) == (
        f"Smith, Jane, et al. “Literacy and the State in Early Modern Europe.” "
        f"Past & Present, vol. 198, no. 1, 2008, pp. 45–78, {doi}.")
    assert cite(engine, entry, MLA) == "(Smith et al., par. 12)"
    # Chicago 18: only the first name inverted; 3+ authors -> et al. in text and notes.
    assert bib(engine, entry, CAD) == (
        f"Smith, Jane, Robert Brown, and Maria Garcia. 2008. “Literacy and the State in Early "
        f"Modern Europe.” Past & Present 198 (1): 45–78. {doi}.")
    assert cite(engine, entry, CAD) == "(Smith et al. 2008, para. 12)"
    assert cite(engine, entry, CNB).startswith("Jane Smith et al., “Literacy and the State")


def test_organisation_author(engine):
    entry = item(
        "reproducibility", title="Estimating the reproducibility of psychological science",
        authors=(Person(literal="Open Science Collaboration"),), journal="Science",
        volume="349", issue="6251", pages="943-951", doi="10.1126/science.aac4716", date=PartialDate(2015))
    doi = "https://doi.org/10.1126/science.aac4716"
    # A group name is never inverted or reduced to initials.
    assert bib(engine, entry, APA) == (
        f"Open Science Collaboration. (2015). Estimating the reproducibility of psychological "
        f"science. Science, 349(6251), 943–951. {doi}")
    assert cite(engine, entry, APA) == "(Open Science Collaboration, 2015, para. 12)"
    # MLA and Chicago shorten the second number of a range past 100: 943–51.
    assert bib(engine, entry, MLA) == (
        f"Open Science Collaboration. “Estimating the Reproducibility of Psychological Science.” "
        f"Science, vol. 349, no. 6251, 2015, pp. 943–51, {doi}.")
    assert bib(engine, entry, CAD) == (
        f"Open Science Collaboration. 2015. “Estimating the Reproducibility of Psychological "
        f"Science.” Science 349 (6251): 943–51. {doi}.")
    assert cite(engine, entry, CAD) == "(Open Science Collaboration 2015, para. 12)"


VEEN = dict(
    title="Women and work in early modern Holland",
    authors=(Person(family="Veen", given="Marijke", particle="van der"),),
    journal="Low Countries Historical Review", volume="130", issue="2", pages="55-80",
    date=PartialDate(2015),
)


def test_particle_name(engine):
    entry = item("women-and-work", **VEEN)
    url = f"{SITE}women-and-work/"
    # APA and MLA keep a non-dropping particle in front of the family name.
    assert bib(engine, entry, APA) == (
        f"van der Veen, M. (2015). Women and work in early modern Holland. "
        f"Low Countries Historical Review, 130(2), 55–80. {url}")
    assert cite(engine, entry, APA) == "(van der Veen, 2015, para. 12)"
    assert bib(engine, entry, MLA) == (
        f"van der Veen, Marijke. “Women and Work in Early Modern Holland.” "
        f"Low Countries Historical Review, vol. 130, no. 2, 2015, pp. 55–80, {url}.")
    assert cite(engine, entry, MLA) == "(van der Veen, par. 12)"
    # In text the particle stays with the family name in every style.
    assert cite(engine, entry, CAD) == "(van der Veen 2015, para. 12)"


GATES = dict(
    title="Writing race and the difference it makes",
    authors=(Person(family="Gates", given="Henry Louis", suffix="Jr."),),
    journal="Critical Inquiry", volume="12", issue="1", pages="1-20", doi="10.1086/448318",
    date=PartialDate(1985),
)


def test_suffix(engine):
    entry = item("writing-race", **GATES)
    doi = "https://doi.org/10.1086/448318"
    # Inverted: the suffix follows the given name after a comma (APA, MLA, Chicago).
    assert bib(engine, entry, APA) == (
        f"Gates, H. L., Jr. (1985). Writing race and the difference it makes. "
        f"Critical Inquiry, 12(1), 1–20. {doi}")
    assert bib(engine, entry, MLA) == (
        f"Gates, Henry Louis, Jr. “Writing Race and the Difference It Makes.” "
        f"Critical Inquiry, vol. 12, no. 1, 1985, pp. 1–20, {doi}.")
    assert bib(engine, entry, CNB) == (
        f"Gates, Henry Louis, Jr. “Writing Race and the Difference It Makes.” "
        f"Critical Inquiry 12, no. 1 (1985): 1–20. {doi}.")
    # Chicago 18 (6.43) drops the comma before Jr. in normal order.
    assert cite(engine, entry, CNB).startswith("Henry Louis Gates Jr., “Writing Race")
    assert cite(engine, entry, APA) == "(Gates, 1985, para. 12)"


def test_korean_hangul_author(engine):
    entry = item(
        "korean-society", title="한국 근대 사회사 연구", authors=(Person(family="박", given="명규"),),
        journal="한국사회학", volume="45", issue="2", pages="1-30", language="ko", date=PartialDate(2011))
    url = f"{SITE}korean-society/"
    # Hangul names print family name first, unspaced, never inverted with a comma or
    # reduced to initials; English-language styles do not title-case a Korean title.
    assert bib(engine, entry, APA) == f"박명규. (2011). 한국 근대 사회사 연구. 한국사회학, 45(2), 1–30. {url}"
    assert cite(engine, entry, APA) == "(박, 2011, para. 12)"
    assert bib(engine, entry, MLA) == (
        f"박명규. “한국 근대 사회사 연구.” 한국사회학, vol. 45, no. 2, 2011, pp. 1–30, {url}.")
    assert bib(engine, entry, CAD) == f"박명규. 2011. “한국 근대 사회사 연구.” 한국사회학 45 (2): 1–30. {url}."
    assert cite(engine, entry, CAD) == "(박 2011, para. 12)"


def test_translated_article(engine):
    entry = item(
        "social-space", title="The social space and the genesis of groups",
        authors=(Person(family="Bourdieu", given="Pierre"),),
        translators=(Person(family="Nice", given="Richard"),),
        journal="Theory and Society", volume="14", issue="6", pages="723-744",
        doi="10.1007/BF00174048", date=PartialDate(1985))
    doi = "https://doi.org/10.1007/BF00174048"
    # APA: the translator in parentheses after the title, initials first, "Trans.".
    assert bib(engine, entry, APA) == (
        f"Bourdieu, P. (1985). The social space and the genesis of groups (R. Nice, Trans.). "
        f"Theory and Society, 14(6), 723–744. {doi}")
    # MLA: "translated by" as an "other contributor". MLA would put a translator of the
    # article itself right after its title; the CSL style cannot tell whose translator it
    # is and uses the container's slot, so only the rest is pinned down here.
    mla = bib(engine, entry, MLA)
    assert mla.startswith("Bourdieu, Pierre. “The Social Space and the Genesis of Groups.” ")
    assert "ranslated by Richard Nice" in mla
    assert mla.endswith(f"vol. 14, no. 6, 1985, pp. 723–44, {doi}.")
    # Chicago: "Translated by" in the bibliography, "trans." in notes.
    assert bib(engine, entry, CNB) == (
        f"Bourdieu, Pierre. “The Social Space and the Genesis of Groups.” Translated by Richard Nice. "
        f"Theory and Society 14, no. 6 (1985): 723–44. {doi}.")
    assert cite(engine, entry, CNB) == (
        f"Pierre Bourdieu, “The Social Space and the Genesis of Groups,” trans. Richard Nice, "
        f"Theory and Society 14, no. 6 (1985): para. 12, {doi}.")


def test_chapter_in_edited_book(engine):
    entry = item(
        "colonial-public-sphere", type="chapter", title="Colonial modernity and the public sphere",
        authors=(Person(family="Hwang", given="Kyung Moon"),),
        editors=(Person(family="Shin", given="Gi-Wook"), Person(family="Robinson", given="Michael")),
        journal="Colonial modernity in Korea", pages="21-51", publisher="Harvard University Asia Center",
        publisher_place="Cambridge, MA", date=PartialDate(1999))
    url = f"{SITE}colonial-public-sphere/"
    # APA 7: In Editor initials (Eds.), *Book* (pp. x–y). Publisher. (no place)
    assert bib(engine, entry, APA) == (
        f"Hwang, K. M. (1999). Colonial modernity and the public sphere. In G.-W. Shin & M. Robinson "
        f"(Eds.), Colonial modernity in Korea (pp. 21–51). Harvard University Asia Center. {url}")
    # MLA: container, "edited by", publisher, year, pages.
    assert bib(engine, entry, MLA) == (
        f"Hwang, Kyung Moon. “Colonial Modernity and the Public Sphere.” Colonial Modernity in Korea, "
        f"edited by Gi-Wook Shin and Michael Robinson, Harvard University Asia Center, 1999, pp. 21–51, {url}.")
    # Chicago 18: In *Book*, edited by ... Publisher. The 18th edition no longer asks for
    # the chapter's page range (14.8) or the place of publication (14.30) in the reference.
    assert bib(engine, entry, CAD) == (
        f"Hwang, Kyung Moon. 1999. “Colonial Modernity and the Public Sphere.” In Colonial Modernity "
        f"in Korea, edited by Gi-Wook Shin and Michael Robinson. Harvard University Asia Center. {url}.")
    # In a note the pinpoint replaces the page range.
    assert cite(engine, entry, CNB) == (
        "Kyung Moon Hwang, “Colonial Modernity and the Public Sphere,” in Colonial Modernity in Korea, "
        f"ed. Gi-Wook Shin and Michael Robinson (Harvard University Asia Center, 1999), para. 12, {url}.")
    html = engine.bibliography(entry, APA, "en-US").html
    assert "<i>Colonial modernity in Korea</i>" in html


def test_report_with_number(engine):
    entry = item(
        "state-sponsors", type="report",
        title="North Korea: Back on the state sponsors of terrorism list?",
        authors=(Person(family="Manyin", given="Mark E."),), publisher="Congressional Research Service",
        publisher_place="Washington, DC", date=PartialDate(2018),
        csl={"number": "R43097", "genre": "CRS Report"})
    url = f"{SITE}state-sponsors/"
    # APA: italic title; the report's own name and number in parentheses ("Report No. 123");
    # publisher; URL. The title's '?' replaces the period.
    assert bib(engine, entry, APA) == (
        f"Manyin, M. E. (2018). North Korea: Back on the state sponsors of terrorism list? "
        f"(CRS Report No. R43097). Congressional Research Service. {url}")
    assert engine.bibliography(entry, APA, "en-US").html.startswith(
        "Manyin, M. E. (2018). <i>North Korea: Back on the state sponsors of terrorism list?</i>")
    # MLA: title, the number element ("no."), publisher, year, URL.
    assert bib(engine, entry, MLA) == (
        f"Manyin, Mark E. North Korea: Back on the State Sponsors of Terrorism List? CRS Report no. R43097, "
        f"Congressional Research Service, 2018, {url}.")
    # Chicago 18: the report's name and number as a sentence; no place of publication.
    assert bib(engine, entry, CAD) == (
        f"Manyin, Mark E. 2018. North Korea: Back on the State Sponsors of Terrorism List? "
        f"CRS Report No. R43097. Congressional Research Service. {url}.")


def test_book(engine):
    entry = item(
        "korea-place-in-the-sun", type="book", title="Korea's place in the sun: A modern history",
        authors=(Person(family="Cumings", given="Bruce"),), publisher="W. W. Norton",
        publisher_place="New York", date=PartialDate(1997))
    url = f"{SITE}korea-place-in-the-sun/"
    # APA 7: *Title*. Publisher. (no place); apostrophes become typographic.
    assert bib(engine, entry, APA) == (
        f"Cumings, B. (1997). Korea’s place in the sun: A modern history. W. W. Norton. {url}")
    assert bib(engine, entry, MLA) == (
        f"Cumings, Bruce. Korea’s Place in the Sun: A Modern History. W. W. Norton, 1997, {url}.")
    # Chicago 18 leaves out the place of publication (14.30).
    assert bib(engine, entry, CAD) == (
        f"Cumings, Bruce. 1997. Korea’s Place in the Sun: A Modern History. W. W. Norton. {url}.")
    assert bib(engine, entry, CNB) == (
        f"Cumings, Bruce. Korea’s Place in the Sun: A Modern History. W. W. Norton, 1997. {url}.")
    html = engine.bibliography(entry, MLA, "en-US").html
    assert "<i>Korea’s Place in the Sun: A Modern History</i>" in html


def test_partial_dates(engine):
    base = dict(LANKOV, doi="")
    by_year = item("kim-y", **base, date=PartialDate(2002))
    by_month = item("kim-m", **base, date=PartialDate(2002, 5))
    # MLA prints as much of a journal issue's date as is known (month and year at most).
    assert ", 2002, pp. 87–119" in bib(engine, by_year, MLA)
    assert ", May 2002, pp. 87–119" in bib(engine, by_month, MLA)
    # APA and Chicago give only the year for a journal article.
    for entry in (by_year, by_month):
        assert bib(engine, entry, APA).startswith("Lankov, A. (2002). Kim")
        assert bib(engine, entry, CAD).startswith("Lankov, Andrei. 2002. “Kim")
    # A newspaper's full date: APA (Year, Month Day); MLA day month year.
    news = item("kim-news", type="article-newspaper", title="Purge in Pyongyang",
                authors=(Person(family="Lankov", given="Andrei"),), journal="Korea Times",
                date=PartialDate(2002, 5, 17))
    assert bib(engine, news, APA).startswith("Lankov, A. (2002, May 17). Purge in Pyongyang. Korea Times.")
    assert "Korea Times, 17 May 2002" in bib(engine, news, MLA)
    # With a year alone, nothing invents a month or day.
    news_year = item("kim-news-y", **{**dict(type="article-newspaper", title="Purge in Pyongyang",
                     authors=(Person(family="Lankov", given="Andrei"),), journal="Korea Times")})
    assert bib(engine, news_year, APA).startswith("Lankov, A. (2002). Purge in Pyongyang.")


def test_title_with_italics(engine):
    title = "Reading *Moby-Dick* in Seoul"
    article = item("moby", title=title, authors=(Person(family="Lee", given="Sun"),),
                   journal="American Literature", volume="80", issue="2", pages="301-330")
    # Inside an article title the work's title stays italic; the text reads the same.
    apa = engine.bibliography(article, APA, "en-US")
    assert apa.html.startswith("Lee, S. (2002). Reading <i>Moby-Dick</i> in Seoul. <i>American")
    assert apa.text.startswith("Lee, S. (2002). Reading Moby-Dick in Seoul. American")
    assert "“Reading <i>Moby-Dick</i> in Seoul.”" in engine.bibliography(article, MLA, "en-US").html
    # Inside an italic book title it turns roman (the flip-flop rule of all three guides).
    book = item("moby-book", type="book", title=title, authors=(Person(family="Lee", given="Sun"),),
                publisher="Seoul University Press")
    html = engine.bibliography(book, CNB, "en-US").html
    assert '<i>Reading <span class="roman">Moby-Dick</span> in Seoul</i>' in html


NINE = tuple(Person(family=f, given=g) for f, g in [
    ("Adams", "Ann"), ("Baker", "Ben"), ("Clark", "Cara"), ("Davis", "Dan"), ("Evans", "Eve"),
    ("Foster", "Fay"), ("Green", "Gus"), ("Hill", "Hal"), ("Irwin", "Ida")])


def test_nine_authors(engine):
    entry = item("nine", title="Large teams in history", authors=NINE, journal="History Journal",
                 volume="3", issue="4", pages="10-20", date=PartialDate(2020))
    url = f"{SITE}nine/"
    # APA 7 lists up to 20 authors in the reference; in text, first author et al.
    assert bib(engine, entry, APA) == (
        "Adams, A., Baker, B., Clark, C., Davis, D., Evans, E., Foster, F., Green, G., Hill, H., "
        f"& Irwin, I. (2020). Large teams in history. History Journal, 3(4), 10–20. {url}")
    assert cite(engine, entry, APA) == "(Adams et al., 2020, para. 12)"
    assert bib(engine, entry, MLA).startswith("Adams, Ann, et al. “Large Teams in History.”")
    # Chicago 18: more than six authors -> the first three, then et al.
    assert bib(engine, entry, CAD).startswith(
        "Adams, Ann, Ben Baker, Cara Clark, et al. 2020. “Large Teams in History.”")
    assert cite(engine, entry, CAD) == "(Adams et al. 2020, para. 12)"


@pytest.mark.parametrize("style", DEFAULT_STYLES)
def test_pinpoint_template_substitutes_to_the_real_citation(engine, style):
    entry = item("kim-takes-control", **LANKOV)
    template = engine.pinpoint_template(entry, style, "en-US")
    assert PINPOINT_SENTINEL in template.html
    for number in ("1", "7", "12", "105", "2048"):
        real = engine.citation(entry, style, "en-US", number, "paragraph")
        assert template.html.replace(PINPOINT_SENTINEL, number) == real.html
        assert template.text.replace(PINPOINT_SENTINEL, number) == real.text


def test_batch_equals_formatting_each_alone(engine):
    # Two items that would be disambiguated (same author and year) if formatted together.
    first = item("kim-a", **LANKOV)
    second = item("kim-b", **dict(LANKOV, title="Another purge", doi=""))
    others = [item("literacy", **THREE), item("writing-race", **GATES), item("women-and-work", **VEEN)]
    batch = [first, second, *others, first]
    for style in DEFAULT_STYLES:
        together = engine.bibliographies(batch, style, "en-US")
        alone = [engine.bibliography(entry, style, "en-US") for entry in batch]
        with CitationEngine() as fresh:
            cold = [fresh.bibliography(entry, style, "en-US") for entry in reversed(batch)][::-1]
        assert together == alone == cold
        assert "2002a" not in together[0].text and "2002b" not in together[1].text


def test_style_titles_and_unknown_style(engine):
    assert engine.style_title(APA) == "APA Style 7th edition"
    assert engine.style_title(CNB).startswith("Chicago Manual of Style 18th edition")
    with pytest.raises(UnknownStyleError, match="did you mean 'chicago-author-date'"):
        engine.bibliography(item("kim", **LANKOV), "chicago-autor-date", "en-US")


def test_dependent_style_uses_its_parent_and_default_locale(engine):
    # 'nature-digest' is dependent on 'nature' and declares default-locale en-GB.
    entry = item("kim-takes-control", **LANKOV)
    assert engine.bibliography(entry, "nature-digest", "de-DE") == engine.bibliography(entry, "nature", "en-GB")


def test_locale_override_and_site_language(engine):
    entry = item("kim-takes-control", **LANKOV)
    german = engine.citation(entry, CAD, "de-DE", "12")
    assert german.text == "(Lankov 2002, Abs. 12)"
    with CitationEngine(locale_override="en-US") as forced:
        assert forced.citation(entry, CAD, "de-DE", "12").text == "(Lankov 2002, para. 12)"


def test_site_style_directory_and_dependent_resolution(tmp_path):
    own = tmp_path / "styles"
    own.mkdir()
    (own / "our-journal.csl").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="en-US">'
        "<info><title>Our Journal</title><id>http://example.org/our-journal</id>"
        '<link href="http://www.zotero.org/styles/apa" rel="independent-parent"/>'
        "<updated>2024-01-01T00:00:00+00:00</updated></info></style>", encoding="utf-8")
    entry = item("kim-takes-control", **LANKOV)
    with CitationEngine(style_dirs=[own]) as site_engine:
        assert site_engine.style_title("our-journal") == "Our Journal"
        assert site_engine.bibliography(entry, "our-journal", "en-US") == site_engine.bibliography(entry, APA, "en-US")


def test_contributor_markup_is_sanitised(engine):
    entry = item("xss", title='Bad <script>alert(1)</script> <img src=x onerror=alert(1)> "title"',
                 authors=(Person(family="<b onclick='x'>Evil</b>", given="Eve"),), journal="J")
    for style in DEFAULT_STYLES:
        html = engine.bibliography(entry, style, "en-US").html
        assert "&lt;script&gt;" in html  # shown as text, never as markup
        tags = re.findall(r"<(/?)([a-z]+)([^>]*)>", html)
        assert {name for _, name, _ in tags} <= {"i", "b", "sup", "sub", "span", "a"}
        for _, name, attributes in tags:
            assert re.fullmatch(r'( (class|href)="[^"<>]*")?', attributes), attributes


def test_disk_cache_reuses_results_without_starting_node(tmp_path, monkeypatch):
    entry = item("kim-takes-control", **LANKOV)
    with CitationEngine(cache_dir=tmp_path) as first:
        expected = first.bibliography(entry, APA, "en-US")
        expected_cite = first.citation(entry, APA, "en-US", "3")
    files = list(tmp_path.rglob("*.entry"))
    assert len(files) == 1  # one file per item, holding both results
    stored = json.loads(files[0].read_bytes().split(b"\n", 1)[1])
    assert len(stored) == 2
    assert all(value.keys() == {"html", "text"} for value in stored.values())

    def no_worker(*args, **kwargs):
        raise AssertionError("the worker must not start when every result is cached")

    monkeypatch.setattr("archivist.citations.pool.NodeWorker", no_worker)
    with CitationEngine(cache_dir=tmp_path) as second:
        assert second.bibliography(entry, APA, "en-US") == expected
        assert second.citation(entry, APA, "en-US", "3") == expected_cite
        changed = dict(entry, volume="27")
        with pytest.raises(AssertionError, match="must not start"):
            second.bibliography(changed, APA, "en-US")


def test_missing_citeproc_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVIST_NODE_MODULES", str(tmp_path))
    with pytest.raises(CitationEngineError, match="npm ci"):
        CitationEngine()


def test_missing_node_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with CitationEngine() as without_node:
        with pytest.raises(CitationEngineError, match="Node.js.*npm ci"):
            without_node.bibliography(item("kim", **LANKOV), APA, "en-US")


def test_node_modules_found_from_env(monkeypatch):
    root = Path(__file__).resolve().parents[2] / "node_modules"
    monkeypatch.setenv("ARCHIVIST_NODE_MODULES", str(root))
    with CitationEngine() as from_env:
        assert from_env.citation(item("kim", **LANKOV), APA, "en-US", "4").text == "(Lankov, 2002, para. 4)"
