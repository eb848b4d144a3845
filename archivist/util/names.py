"""Names made from text: accent folding, slugs, natural order, index letters, and unique slugs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Iterable

HANGUL_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
# Letters NFKD does not take apart into an ASCII base letter and an accent.
LATIN_EXTRAS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                              "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                              "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H"})
# What an article, author or journal slug may be: lower-case ASCII letters and digits in hyphenated runs.
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG = 80


def _bare(text: str) -> str:
    """The text decomposed, with the extra Latin letters spelled out and every accent dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LATIN_EXTRAS))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """Accents and case removed, other scripts kept whole, so 'Élodie' sorts with 'Elodie'."""
    return unicodedata.normalize("NFC", _bare(text)).casefold()


def slugify(title: str) -> str:
    """A new article's slug: accents dropped, lower case, runs of anything else turned into one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", _bare(title).lower()).strip("-")


def ascii_slug(text: str) -> str:
    """'Hélène de Vaucourt' -> 'helene-de-vaucourt'; '' when the text is not in Latin script."""
    folded = fold(text)
    if any(ch.isalpha() and not ch.isascii() for ch in folded):
        return ""
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > MAX_SLUG:  # a folder name must stay far below the file system's 255 bytes
        slug = f"{slug[:MAX_SLUG].rstrip('-')}-{short_hash(text)}"
    return slug


def short_hash(text: str) -> str:
    """A stable 8-character token for names no transliteration table can spell in ASCII."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def unique_slugs(candidates: Iterable[tuple[str, str]], taken: set[str]) -> dict[str, str]:
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


def natural_key(text: str) -> tuple:
    """'e1043' < 'e999'? No: digit runs compare as numbers, so volume '9' comes before '10'."""
    parts = re.findall(r"\d+|\D+", fold(text.strip()))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def name_key(text: str) -> str:
    """A byline name compared loosely: case, dots, commas and spacing do not matter."""
    return " ".join(re.sub(r"[.,]", " ", unicodedata.normalize("NFC", text).casefold()).split())


def initial_of(text: str) -> str:
    """The index letter a name files under: 'A'…'Z', a Hangul initial consonant, or the first letter."""
    folded = fold(text).lstrip()
    if not folded:
        return "#"
    first = folded[0]
    if "\uac00" <= first <= "\ud7a3":
        return HANGUL_INITIALS[(ord(first) - 0xAC00) // 588]
    return first.upper() if first.isalpha() else "#"
