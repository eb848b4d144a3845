"""One small archive per interface language: the site in that language, holding an article in
it and one in another language, so each table's words, the `lang` marks and the citations'
own locale can be checked on real pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    """An article's words in one language, and its site's name in that language."""

    site: str
    journal: str
    title: str
    abstract: str
    heading: str
    text: str
    note: str
    columns: tuple[str, str]
    keywords: tuple[str, str]
    authors: tuple[str, str]


SAMPLES = {
    "en": Sample("Harbour Archive", "Coastal History Review", "Harbour Records and the Measure of Trade",
                 "Customs ledgers from a small port show how trade was counted.", "Sources",
                 "The ledgers survive in two copies. Each entry names the ship, the master and the cargo.",
                 "One copy is damaged by damp.", ("Year", "Entries"), ("ports", "customs"),
                 ("Ashdown, Ruth", "Pell, Oliver")),
    "de": Sample("Hafenarchiv", "Zeitschrift für Hafengeschichte", "Hafenbücher und die Vermessung des Handels",
                 "Die Zollregister eines kleinen Hafens zeigen, wie Handel gezählt wurde.", "Quellen",
                 "Die Register sind in zwei Abschriften überliefert. Jeder Eintrag nennt Schiff, Schiffer und Ladung.",
                 "Eine Abschrift ist durch Feuchtigkeit beschädigt.", ("Jahr", "Einträge"), ("Häfen", "Zoll"),
                 ("Müller, Anna", "Becker, Jonas")),
    "fr": Sample("Archives portuaires", "Revue d’histoire maritime", "Registres portuaires et mesure du commerce",
                 "Les registres de douane d’un petit port montrent comment on comptait le commerce.", "Sources",
                 "Les registres sont conservés en deux exemplaires. Chaque entrée indique le navire, le maître et "
                 "la cargaison.", "Un exemplaire est abîmé par l’humidité.", ("Année", "Entrées"),
                 ("ports", "douanes"), ("Lefèvre, Camille", "Roux, Théo")),
    "es": Sample("Archivo portuario", "Revista de Historia Portuaria", "Registros portuarios y la medida del comercio",
                 "Los libros de aduana de un pequeño puerto muestran cómo se contaba el comercio.", "Fuentes",
                 "Los libros se conservan en dos copias. Cada asiento indica el barco, el patrón y la carga.",
                 "Una copia está dañada por la humedad.", ("Año", "Asientos"), ("puertos", "aduanas"),
                 ("García, Lucía", "Ortega, Pablo")),
    "pt": Sample("Arquivo portuário", "Revista de História Portuária", "Registros portuários e a medida do comércio",
                 "Os livros da alfândega de um pequeno porto mostram como o comércio era contado.", "Fontes",
                 "Os livros sobrevivem em duas cópias. Cada registro indica o navio, o mestre e a carga.",
                 "Uma cópia está danificada pela umidade.", ("Ano", "Registros"), ("portos", "alfândegas"),
                 ("Souza, Ana", "Lima, Rafael")),
    "zh": Sample("港口文库", "港口史研究", "港口档案与贸易的计量", "一个小港口的海关账簿展示了当时如何统计贸易。", "史料",
                 "这些账簿有两份抄本存世。每条记录都写明船只、船长和货物。", "其中一份抄本受潮损坏。",
                 ("年份", "条目数"), ("港口", "海关"), ("王, 芳", "李, 伟")),
    "zh-TW": Sample("港口文庫", "港埠史研究", "港口檔案與貿易的計量", "一個小港口的海關帳簿顯示了當時如何統計貿易。", "史料",
                    "這些帳簿有兩份抄本存世。每筆記錄都寫明船隻、船長與貨物。", "其中一份抄本受潮損壞。",
                    ("年份", "條目數"), ("港口", "海關"), ("陳, 怡君", "林, 志明")),
    "ja": Sample("港湾アーカイブ", "港湾史研究", "港湾記録と交易の計量",
                 "小さな港の税関帳簿は、当時の交易がどのように数えられていたかを示している。", "史料",
                 "帳簿は二つの写本で伝わる。各記載には船名、船長、積荷が記されている。", "一方の写本は湿気で傷んでいる。",
                 ("年", "記載数"), ("港湾", "税関"), ("佐藤, 花子", "鈴木, 一郎")),
    "ko": Sample("항구 아카이브", "항만사 연구", "항구 기록과 교역의 계량", "작은 항구의 세관 장부는 당시 교역을 어떻게 셌는지 보여 준다.",
                 "사료", "장부는 두 필사본으로 전한다. 각 기재에는 배 이름, 선장, 화물이 적혀 있다.",
                 "필사본 하나는 습기로 손상되었다.", ("연도", "기재 수"), ("항구", "세관"), ("김, 민준", "이, 서연")),
    "ar": Sample("أرشيف الموانئ", "مجلة تاريخ الموانئ", "سجلات الموانئ وقياس التجارة",
                 "تُظهر دفاتر الجمارك في ميناء صغير كيف كانت التجارة تُحصى.", "المصادر",
                 "بقيت الدفاتر في نسختين. يذكر كل قيد السفينة والربّان والحمولة.", "إحدى النسختين تالفة بفعل الرطوبة.",
                 ("السنة", "القيود"), ("الموانئ", "الجمارك"), ("الحسيني, ليلى", "العطار, يوسف")),
}
LANGUAGES = tuple(SAMPLES)


def other_language(lang: str) -> str:
    """The language of a site's second article: English, or French on the English site."""
    return "fr" if lang == "en" else "en"


def slug(lang: str) -> str:
    return f"article-{lang.lower()}"


def write_site(folder: Path, lang: str, base_url: str) -> None:
    """A site in `lang` with an article in `lang` and one in `other_language(lang)`."""
    articles = folder / "content" / "articles"
    articles.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        f"[tool.archivist]\ntitle = {json.dumps(SAMPLES[lang].site, ensure_ascii=False)}\n"
        f'base_url = "{base_url}"\nlanguage = "{lang}"\n'
        'citation_styles = ["apa", "modern-language-association"]\n', encoding="utf-8")
    for number, article_lang in enumerate((lang, other_language(lang)), start=1):
        (articles / f"{slug(article_lang)}.md").write_text(article(article_lang, number), encoding="utf-8")


def article(lang: str, number: int) -> str:
    """Front-matter with every field the article record shows, and a body with a note and a table."""
    words = SAMPLES[lang]
    meta = {
        "title": words.title, "authors": list(words.authors), "date": f"2021-0{number}-15",
        "updated": f"2021-0{number + 4}-01", "journal": words.journal, "volume": 4, "issue": number,
        "pages": f"{number * 10 + 1}-{number * 10 + 20}", "doi": f"10.99999/lang.{lang.lower()}",
        "keywords": list(words.keywords), "license": "CC-BY-4.0", "language": lang, "abstract": words.abstract,
    }
    front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
    first, second = words.columns
    return (f"---\n{front}\n---\n## {words.heading}\n\n{words.text}[^1]\n\n"
            f"| {first} | {second} |\n|---|---:|\n| 1590 | 212 |\n| 1600 | 187 |\n\n[^1]: {words.note}\n")
