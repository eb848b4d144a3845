"""A site's own word tables (templates/i18n/<language>.toml): checked against English and located.

A table may only hold words English has, each with English's placeholders: a template fills
`{count}` and knows nothing of `{n}`, so a word with other placeholders would either break the
page or show its braces to readers. Such a word is an error on its own line and is left out, so
the built-in word shows until it is fixed.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean, error
from ..theme import THEME_DIR

ENGLISH_TABLE = THEME_DIR / "i18n" / "en.toml"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A statement may end on a line holding one of these (a multi-line string, array or inline table);
# only there is a statement that began on an earlier line parsed again (see `key_lines`).
_CLOSERS = ('"""', "'''", "]", "}")


@lru_cache(maxsize=1)
def english() -> dict[str, str]:
    with ENGLISH_TABLE.open("rb") as handle:
        return tomllib.load(handle)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def usable_words(path: Path) -> dict[str, str]:
    """The words of a site table that a page can show; an unreadable file gives none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return {key: value for key, value in data.items() if not _problem(key, value)}


def check_site_tables(folder: Path, root: Path) -> list[Diagnostic]:
    """Every problem of every table in the site's folder, each on the line of its word."""
    if not folder.is_dir():
        return []
    problems: list[Diagnostic] = []
    for path in sorted(folder.glob("*.toml")):
        problems.extend(_check_table(path, path.relative_to(root).as_posix()))
    return problems


def _check_table(path: Path, name: str) -> list[Diagnostic]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return [error(name, 1, "i18n.syntax", "the word table is not valid UTF-8; save it as UTF-8")]
    except OSError as exc:
        return [error(name, 1, "i18n.syntax", f"cannot read the word table: {exc.strerror or exc}")]
    except tomllib.TOMLDecodeError as exc:
        return [error(name, _error_line(exc), "i18n.syntax", f"not valid TOML: {exc}")]
    found = [(key, problem) for key, value in data.items() if (problem := _problem(key, value))]
    lines = key_lines(text) if found else {}
    return [error(name, lines.get(key, 1), code, message) for key, (code, message) in found]


def _problem(key: str, value: Any) -> tuple[str, str] | None:
    """(code, message) for a word the templates cannot use, else None."""
    words = english()
    if key not in words:
        return "i18n.unknown-key", f"unknown word '{key}'{did_you_mean(key, words)}; the words are those of en.toml"
    if not isinstance(value, str):
        return "i18n.type", f"'{key}' must be text in quotes, not {type(value).__name__}"
    want, have = placeholders(words[key]), placeholders(value)
    if have != want:
        return "i18n.placeholder", (f"'{key}' has the placeholders {_listed(have)}, but the templates fill "
                                    f"{_listed(want)} (as in en.toml); the built-in word is shown until they match")
    return None


def _listed(items: list[str]) -> str:
    return " ".join(items) if items else "none"


def key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key, from tomllib's own parse of the file statement by statement
    (tomllib keeps no positions): a statement is the shortest run of lines that parses alone, so a
    multi-line string's key is on its first line. Keys after the first [table] are not top-level."""
    lines = text.splitlines()
    found: dict[str, int] = {}
    start = 0
    for end, line in enumerate(lines):
        if end > start and not any(closer in line for closer in _CLOSERS):
            continue
        try:
            statement = tomllib.loads("\n".join(lines[start:end + 1]))
        except tomllib.TOMLDecodeError:
            continue
        if lines[start].lstrip().startswith("["):
            break
        for key in statement:
            found.setdefault(key, start + 1)
        start = end + 1
    return found


def _error_line(exc: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1
