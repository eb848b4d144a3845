"""Which CSL locale files exist and which one serves a language tag.

The settings check `citation_locale` against these before any citation is made, so they live
below both the settings and the citation step, which formats with the locale chosen here.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

# The citation_locale setting that formats each item in its own language's locale.
PER_ITEM = "item"


def packaged_locale_dir() -> Path:
    """citeproc-py's folder of CSL locale files."""
    return Path(str(resources.files("citeproc"))) / "data" / "locales"


@lru_cache(maxsize=1)
def _primary_dialects() -> dict[str, str]:
    data = json.loads((packaged_locale_dir() / "locales.json").read_text(encoding="utf-8"))
    return {k.lower(): v for k, v in data["primary-dialects"].items()}


@lru_cache(maxsize=1)
def available_locales() -> dict[str, str]:
    """Lower-cased language tag -> the tag as its locale file spells it."""
    names = (p.name for p in packaged_locale_dir().glob("locales-*.xml"))
    tags = (n.removeprefix("locales-").removesuffix(".xml") for n in names)
    return {t.lower(): t for t in tags}


# Chinese is told apart by script, which the locale files express as a region.
_SCRIPT_LOCALES = {"zh-hant": "zh-tw", "zh-hans": "zh-cn"}


def _subtags(tag: str) -> list[str]:
    return tag.replace("_", "-").lower().split("-") if tag else []


def _served_locale(subtags: list[str]) -> str | None:
    """The locale file for the tag as written: exact, language-region, or Chinese script."""
    available = available_locales()
    candidates = ["-".join(subtags), "-".join(subtags[:1] + subtags[-1:])]
    candidates += [_SCRIPT_LOCALES.get("-".join(subtags[:2]), "")]
    return next((available[c] for c in candidates if c in available), None)


def match_locale(tag: str) -> str | None:
    """The locale file for a BCP 47 tag: exact, then language-region, then the language's
    primary dialect ('pt' -> 'pt-PT', 'en-IN' -> 'en-US'); None when nothing fits."""
    subtags = _subtags(tag)
    served = _served_locale(subtags)
    if served or not subtags or subtags[0] not in _primary_dialects():
        return served
    return available_locales().get(_primary_dialects()[subtags[0]].lower())


def names_locale(tag: str) -> bool:
    """Whether a forced locale setting names a locale file: as written ('en-GB', 'zh-Hant'),
    or as a bare language with a primary dialect ('de'). 'en-UK' does not: the primary
    dialect en-US would stand in for it without a word."""
    subtags = _subtags(tag)
    return bool(_served_locale(subtags) or (len(subtags) == 1 and match_locale(tag)))
