"""Site settings: read `[tool.archivist]` from pyproject.toml and validate every key at once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from archivist.util.locales import PER_ITEM, names_locale
from archivist.diagnostics import ContentError, Diagnostic, did_you_mean, error

DEFAULT_STYLES = (
    "apa",
    "modern-language-association",
    "chicago-author-date",
    "chicago-notes-bibliography",
)
# TeX delimiters a site may read as math (see markdown/mathjax.py); only dollars by default.
MATH_DELIMITERS = ("dollars", "double_backslash", "single_backslash")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Articles per search shard, on average at most. The shard count is the least power of two that
# keeps the average within this (at least two from 200 articles), and one Pagefind process per core
# indexes one shard at a time, holding about 2.1 MB per long article at its peak; 625 keeps each
# process near 1.3 GiB. At 1,000, archives of 1,251 to 2,000 articles (and each doubling of those)
# had shards of 625 to 1,000 pages: 2,000 articles peaked at 4.0 GiB for the whole build, more than
# 10,000 need. In those ranges 625 makes twice the shards, each re-indexed in half the time after
# an edit; the cold build took longer in the runs measured, and a first query for a common word
# fetches one word-index file more per extra shard (BENCHMARKS.md, "seventh").
SEARCH_SHARD_SIZE = 625


@dataclass(frozen=True)
class SiteConfig:
    """Everything a site decides about itself; frozen so no step can change it behind another's back."""

    root: Path
    title: str = "Archive"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en-US"
    publisher: str = ""
    citation_styles: tuple[str, ...] = DEFAULT_STYLES
    citation_locale: str = ""
    reference_style: str = "chicago-author-date"  # the house style of in-text citations and reference lists
    csl_dirs: tuple[str, ...] = ("styles",)
    page_size: int = 25
    feed_size: int = 20
    dictionary_url: str = "https://en.wiktionary.org/wiki/{word}"
    search: bool = True
    search_shard_size: int = SEARCH_SHARD_SIZE
    markdown_subscript: bool = True  # `H~2~O`; off for texts where '~' is only ever a tilde
    markdown_superscript: bool = True  # `x^2^`; off for texts where '^' is only ever a caret
    markdown_math_delimiters: tuple[str, ...] = ("dollars",)  # which TeX delimiters make math
    doi_prefix: str = ""
    depositor_name: str = ""
    depositor_email: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def path_prefix(self) -> str:
        """The URL path the site lives under, e.g. '/archive/' for a GitHub project site."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def url_for(self, path: str) -> str:
        """Root-relative URL of a site path; works under any sub-path and at any page depth."""
        return self.path_prefix + path.lstrip("/")

    def absolute_url(self, path: str) -> str:
        """Absolute URL of a site path, for canonical links, feeds and meta tags."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/") if path else self.base_url

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def cache_dir(self) -> Path:
        return cache_dir_of(self.root)

    def with_base_url(self, base_url: str) -> "SiteConfig":
        return replace(self, base_url=_normalise_base_url(base_url))


def _normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _nonempty_string(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _base_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return _normalise_base_url(value)


def _language(value: Any) -> str | None:
    return value if isinstance(value, str) and LANGUAGE_TAG.match(value) else None


def _citation_locale(value: Any) -> str | None:
    """'' (the style or the site decides), 'item', or a tag a CSL locale file serves: a forced
    tag none serves would otherwise fall back on another locale without a word."""
    if value in ("", PER_ITEM):
        return value
    return value if _language(value) and names_locale(value) else None


def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    return None


def _math_delimiters(value: Any) -> tuple[str, ...] | None:
    """A list of distinct delimiter names; each changes what some valid text means, so none is implied."""
    if not isinstance(value, list) or len(set(map(str, value))) != len(value):
        return None
    return tuple(value) if all(v in MATH_DELIMITERS for v in value) else None


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _dictionary_url(value: Any) -> str | None:
    if isinstance(value, str) and "{word}" in value and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def _doi_prefix(value: Any) -> str | None:
    return value if isinstance(value, str) and re.fullmatch(r"(10\.\d{4,9})?", value) else None


def _mapping(value: Any) -> dict | None:
    return value if isinstance(value, dict) else None


# key -> (converter returning None when invalid, what was expected)
SETTINGS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "title": (_nonempty_string, "a non-empty string"),
    "description": (_string, "a string"),
    "base_url": (_base_url, "an http(s) URL such as 'https://owner.github.io/repo/'"),
    "language": (_language, "a BCP 47 language tag such as 'en-US'"),
    "publisher": (_string, "a string"),
    "citation_styles": (_string_list, "a list of CSL style ids"),
    "reference_style": (_nonempty_string, "a CSL style id such as 'chicago-author-date' or 'apa'"),
    "citation_locale": (_citation_locale, "'item' or a CSL locale such as 'en-GB' or 'de'"),
    "csl_dirs": (_string_list, "a list of folders holding .csl files"),
    "page_size": (_positive_int, "a positive whole number"),
    "feed_size": (_positive_int, "a positive whole number"),
    "dictionary_url": (_dictionary_url, "an http(s) URL containing '{word}'"),
    "search": (_boolean, "true or false"),
    "search_shard_size": (_positive_int, "a positive whole number (articles per search index shard)"),
    "markdown_subscript": (_boolean, "true or false (whether '~text~' is a subscript)"),
    "markdown_superscript": (_boolean, "true or false (whether '^text^' is a superscript)"),
    "markdown_math_delimiters": (_math_delimiters, "a list of distinct names among "
                                 + ", ".join(f"'{name}'" for name in MATH_DELIMITERS)),
    "doi_prefix": (_doi_prefix, "a DOI prefix such as '10.12345'"),
    "depositor_name": (_string, "a string"),
    "depositor_email": (_string, "a string"),
    "extra": (_mapping, "a table of free-form values"),
}


def load(root: Path) -> SiteConfig:
    """Read and validate the site's settings; raise ContentError listing every bad key."""
    path = root / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ContentError([error("pyproject.toml", 1, "config.missing", f"no pyproject.toml in {root}")])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ContentError([error("pyproject.toml", _toml_error_line(exc), "config.syntax", str(exc))])
    settings = data.get("tool", {}).get("archivist", {})
    if not isinstance(settings, dict):
        raise ContentError([error("pyproject.toml", 1, "config.type", "[tool.archivist] must be a table")])
    values, problems = validate(settings, _key_lines(text))
    if problems:
        raise ContentError(problems)
    return SiteConfig(root=root.resolve(), **values)


def validate(settings: dict[str, Any], lines: dict[str, int]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Convert each setting, collecting a diagnostic for every unknown or ill-typed key."""
    values: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, raw in settings.items():
        line = lines.get(key, 1)
        if key not in SETTINGS:
            hint = did_you_mean(key, SETTINGS)
            problems.append(error("pyproject.toml", line, "config.unknown-key",
                                  f"unknown setting '{key}' in [tool.archivist]{hint}"))
            continue
        convert, expected = SETTINGS[key]
        value = convert(raw)
        if value is None:
            problems.append(error("pyproject.toml", line, "config.invalid",
                                  f"setting '{key}' must be {expected}, not {raw!r}"))
        else:
            values[key] = value
    return values, problems


def _key_lines(text: str) -> dict[str, int]:
    """Line of each key inside [tool.archivist]; tomllib keeps no positions, so scan the text."""
    lines: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[tool.archivist]"
            continue
        match = re.match(r"([A-Za-z0-9_\-]+)\s*=", stripped)
        if inside and match:
            lines.setdefault(match.group(1), number)
    return lines


def _toml_error_line(exc: Exception) -> int:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def cache_dir_of(root: Path) -> Path:
    """Where the site at `root` keeps its caches and its build lock: never inside the output."""
    return root / ".cache" / "archivist"
