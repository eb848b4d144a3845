"""The archive in every interface language (tests/support/language_sites.py): pages say which language
they are in, show that language's words and no English ones, hand the scripts the same words,
keep the citations in their CSL locale, and are valid HTML."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archivist.i18n import labels_for
from support.language_sites import LANGUAGES, other_language, slug
from support.vnu import validate_html

# Words read on each language's own article page, written here rather than taken from the tables.
OWN_WORDS = {
    "en": ["Abstract", "Notes", "Cite this article", "Journal article", "Skip to content", "Cite as"],
    "de": ["Zusammenfassung", "Anmerkungen", "Diesen Artikel zitieren", "Zeitschriftenartikel", "Zum Inhalt springen",
           "Zitiervorschlag"],
    "fr": ["Résumé", "Notes", "Citer cet article", "Article de revue", "Aller au contenu", "Pour citer cet article"],
    "es": ["Resumen", "Notas", "Cómo citar este artículo", "Artículo de revista", "Ir al contenido", "Cómo citar"],
    "pt": ["Resumo", "Notas", "Como citar este artigo", "Artigo de periódico", "Ir para o conteúdo", "Como citar"],
    "zh": ["摘要", "注释", "引用本文", "期刊论文", "跳到正文", "引用格式"],
    "zh-TW": ["摘要", "註釋", "引用本文", "期刊論文", "跳到主要內容", "引用格式"],
    "ja": ["要旨", "注", "この論文を引用", "学術論文", "本文へスキップ", "引用表記"],
    "ko": ["초록", "주", "이 논문 인용하기", "학술지 논문", "본문 바로가기", "인용 표기"],
    "ar": ["الملخص", "الحواشي", "استشهد بهذه المقالة", "مقالة في مجلة علمية", "انتقل إلى المحتوى", "للاستشهاد"],
}
# What the MLA citation of each language's article owes to its CSL locale, not to the word tables.
CSL_TERMS = {"en": "vol. 4, no. 1", "de": "Bd. 4, Nr. 1", "fr": "janvier 2021", "es": "enero de 2021",
             "pt": "janeiro de 2021", "zh": "卷 4, 期 1", "zh-TW": "頁 11", "ja": "巻 4, 号 1", "ko": "2021년 1월",
             "ar": "يناير"}
WORD_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
WORD_SETS = ("data-labels", "data-live-words", "data-find-words")


@dataclass
class Reading:
    """What a reader meets on a page, in the page's own language: text, labels and script words."""

    lang: str = ""
    dir: str = ""
    texts: list[str] = field(default_factory=list)
    script_words: list[str] = field(default_factory=list)
    marked: dict[str, str] = field(default_factory=dict)  # class of an element with a lang -> its lang


class PageReader(HTMLParser):
    """Collects only what is in the page's language: an element with another `lang` is skipped."""

    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.stack, self.data_script, self.code = Reading(), [], False, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang, self.page.dir = values.get("lang", ""), values.get("dir", "")
        lang = values.get("lang") or (self.stack[-1] if self.stack else self.page.lang)
        if "lang" in values and values.get("class"):
            self.page.marked[values["class"].split()[0]] = values["lang"]
        if lang == self.page.lang:
            self._read_attributes(values)
        self.data_script = tag == "script" and values.get("id") == "reader-data"
        self.code = tag in ("script", "style")
        if tag not in self.VOID:
            self.stack.append(lang)

    def _read_attributes(self, values: dict[str, str]) -> None:
        self.page.texts += [values[name].strip() for name in WORD_ATTRIBUTES if values.get(name)]
        for name in WORD_SETS:
            if name in values:
                self.page.script_words += list(json.loads(values[name]).values())

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()
        self.data_script = self.code = False

    def handle_data(self, data: str) -> None:
        if self.data_script:
            self.page.script_words += list(json.loads(data)["words"].values())
        elif not self.code and (self.stack[-1] if self.stack else self.page.lang) == self.page.lang and data.strip():
            self.page.texts.append(" ".join(data.split()))


def read(path: Path) -> Reading:
    parser = PageReader()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


def own_article(site: Path, lang: str) -> Path:
    return site / lang / "articles" / slug(lang) / "index.html"


def other_article(site: Path, lang: str) -> Path:
    return site / lang / "articles" / slug(other_language(lang)) / "index.html"


def pages_in(site: Path, lang: str) -> list[Path]:
    """Every page of a language's site except its article in the other language."""
    return [p for p in sorted((site / lang).rglob("*.html")) if p != other_article(site, lang)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_says_its_language_and_direction(language_sites: Path, lang: str):
    direction = "rtl" if lang == "ar" else "ltr"
    wrong = [f"{p.relative_to(language_sites)}: lang={r.lang!r} dir={r.dir!r}"
             for p in pages_in(language_sites, lang) for r in [read(p)] if (r.lang, r.dir) != (lang, direction)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_article_in_another_language_keeps_the_sites_chrome_marked(language_sites: Path, lang: str):
    page = read(other_article(language_sites, lang))
    assert page.lang == other_language(lang)
    assert {page.marked.get(part) for part in ("skip-link", "site-header", "site-footer")} == {lang}
    assert OWN_WORDS[other_language(lang)][0] in page.texts  # the article's own words: its abstract heading


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_article_shows_the_words_of_its_language(language_sites: Path, lang: str):
    texts = read(own_article(language_sites, lang)).texts
    assert [word for word in OWN_WORDS[lang] if word not in texts] == []


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_no_english_word_is_left_on_a_page_in_another_language(language_sites: Path, lang: str):
    own = set(labels_for(lang).values())
    english = {word for word in labels_for("en").values() if "{" not in word and word not in own}
    left = [f"{p.relative_to(language_sites)}: {text!r}" for p in pages_in(language_sites, lang)
            for text in sorted(set(read(p).texts + read(p).script_words) & english)]
    assert not left, "\n".join(left)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scripts_are_handed_the_words_of_the_page_language(language_sites: Path, lang: str):
    own = set(labels_for(lang).values())
    for path in (own_article(language_sites, lang), language_sites / lang / "search" / "index.html"):
        words = read(path).script_words
        assert words and [w for w in words if w not in own] == [], path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_citations_keep_the_terms_of_their_csl_locale(language_sites: Path, lang: str):
    html = own_article(language_sites, lang).read_text(encoding="utf-8")
    assert CSL_TERMS[lang] in html


def test_every_language_site_is_valid_html(language_sites: Path):
    report = validate_html([language_sites / lang for lang in LANGUAGES])
    assert not report.all_errors(), report.format_errors(relative_to=language_sites)
