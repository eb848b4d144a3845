"""Controlled vocabularies: CSL item types and variables, the licences a record may name, and language names."""

CSL_TYPES = frozenset("""
article article-journal article-magazine article-newspaper bill book broadcast chapter classic
collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing
interview legal_case legislation manuscript map motion_picture musical_score pamphlet
paper-conference patent performance periodical personal_communication post post-weblog
regulation report review review-book software song speech standard thesis treaty webpage
""".split())

CSL_VARIABLES = frozenset("""
abstract annote archive archive_collection archive_location archive-place authority call-number
chapter-number citation-key citation-label citation-number collection-number collection-title
container-title container-title-short dimensions division DOI edition event event-date event-title
event-place first-reference-note-number genre ISBN ISSN jurisdiction keyword language license
locator medium note number number-of-pages number-of-volumes original-date original-publisher
original-publisher-place original-title page page-first part-number part-title PMCID PMID
printing-number publisher publisher-place references reviewed-genre reviewed-title scale section
source status supplement-number title title-short URL version volume volume-title year-suffix
accessed available-date issued submitted issue
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director editor-translator executive-producer guest host illustrator interviewer
narrator organizer original-author performer producer recipient reviewed-author script-writer
series-creator translator
""".split())

# SPDX id -> (human name, URL). Licences scholarly archives meet most; a URL works for any other.
LICENSES = {
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-NC-4.0": ("CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": ("CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-ND-4.0": ("CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-ND-4.0": ("CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "CC-BY-3.0": ("CC BY 3.0", "https://creativecommons.org/licenses/by/3.0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "MIT": ("MIT License", "https://opensource.org/licenses/MIT"),
    "Apache-2.0": ("Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
}

# Language (primary subtag) -> its name in itself, for the record's language and the links between
# translations. A language missing here is shown by its tag.
AUTONYMS = {
    "ar": "العربية", "de": "Deutsch", "el": "Ελληνικά", "en": "English", "es": "Español",
    "fa": "فارسی", "fr": "Français", "he": "עברית", "hi": "हिन्दी", "id": "Bahasa Indonesia", "it": "Italiano",
    "ja": "日本語", "ko": "한국어", "la": "Latina", "lv": "Latviešu", "nl": "Nederlands", "pl": "Polski",
    "pt": "Português", "ru": "Русский", "sv": "Svenska", "tr": "Türkçe", "uk": "Українська", "vi": "Tiếng Việt",
    "zh": "中文",
}

RIGHT_TO_LEFT = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})


def text_direction(language: str) -> str:
    """'rtl' for languages written right to left, else 'ltr'."""
    return "rtl" if language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"
