"""Reads CSL-JSON and CSL-YAML bibliography files in Python, and locates and keys RIS records.

A file's reading is a FileReading: its entries as (key, line, CSL item) and its problems as
(line, column, message), with no path, so that it can be cached by the file's bytes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

FORMATS = {".bib": "bibtex", ".bibtex": "bibtex", ".biblatex": "bibtex", ".json": "csl-json",
           ".yaml": "csl-yaml", ".yml": "csl-yaml", ".ris": "ris"}
_DATE_VARIABLES = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class FileReading:
    """What one file holds: entries (key, line, CSL item) and problems (line, column, message)."""

    entries: tuple[tuple[str, int, dict], ...] = ()
    problems: tuple[tuple[int, int, str], ...] = ()

    def to_json(self) -> dict:
        return {"entries": [list(e) for e in self.entries], "problems": [list(p) for p in self.problems]}

    @classmethod
    def from_json(cls, data: dict) -> "FileReading":
        return cls(tuple((k, int(n), c) for k, n, c in data["entries"]),
                   tuple((int(n), int(c), m) for n, c, m in data["problems"]))


def format_of(name: str) -> str:
    """The format a file's name says it holds ('' when none)."""
    lower = name.lower()
    return next((fmt for ext, fmt in FORMATS.items() if lower.endswith(ext)), "")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_items(located: list[tuple[int, Any]]) -> FileReading:
    """Each item must be a mapping with an id; the id becomes a string key."""
    entries, problems = [], []
    for n, (line, item) in enumerate(located, 1):
        if not isinstance(item, dict):
            problems.append((line, 1, f"reference {n} must be a mapping of CSL variables, not {type(item).__name__}"))
        elif not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool) or str(item["id"]).strip() == "":
            problems.append((line, 1, f"reference {n} has no 'id': expected its citation key, as 'id: smith2020'"))
        else:
            key = str(item["id"]).strip()
            entries.append((key, line, {**item, "id": key}))
    return FileReading(tuple(entries), tuple(problems))


def read_csl_json(text: str) -> FileReading:
    """A CSL-JSON array; each item is located by decoding the array one item at a time."""
    decoder = json.JSONDecoder()
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return FileReading(problems=((exc.lineno, exc.colno, f"not valid JSON: {exc.msg}"),))
    start = len(text) - len(text.lstrip())
    if not text[start:start + 1] == "[":
        return FileReading(problems=((_line_at(text, start), 1, "expected a JSON array of CSL items ('[ {...}, ... ]')"),))
    located, pos = [], start + 1
    while True:
        pos = _skip(text, pos, ",")
        if pos >= len(text) or text[pos] == "]":
            break
        item, end = decoder.raw_decode(text, pos)
        located.append((_line_at(text, pos), item))
        pos = end
    return _check_items(located)


def _skip(text: str, pos: int, separators: str) -> int:
    while pos < len(text) and (text[pos].isspace() or text[pos] in separators):
        pos += 1
    return pos


class _StringDates(yaml.SafeLoader):
    """A SafeLoader that leaves dates as text, so every value stays plain JSON."""


_StringDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_csl_yaml(text: str) -> FileReading:
    """Pandoc's CSL-YAML: a `references:` list at the top (a Markdown file's metadata block, or
    not), or a bare list. Items are located by their nodes' start marks."""
    body = _yaml_block(text)
    try:
        node = yaml.compose(body, Loader=_StringDates)
        data = yaml.load(body, Loader=_StringDates)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return FileReading(problems=((mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, f"not valid YAML: {exc.problem}"),))
    except yaml.YAMLError as exc:
        return FileReading(problems=((1, 1, f"not valid YAML: {exc}"),))
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        node = next(v for k, v in node.value if k.value == "references")
        data = data["references"]
    if not isinstance(data, list):
        return FileReading(problems=((1, 1, "expected a 'references:' list of CSL items, or a bare list"),))
    located = [(n.start_mark.line + 1, _yaml_dates(item)) for n, item in zip(node.value, data)]
    return _check_items(located)


def _yaml_block(text: str) -> str:
    """A CSL-YAML file may be fenced by '---' and '...' lines, as Pandoc writes it; line numbers are kept."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for n, line in enumerate(lines[1:], 1):
            if line.strip() in ("---", "..."):
                return "\n".join([""] + lines[1:n])
    return text


def _yaml_dates(item: Any) -> Any:
    """Pandoc's CSL-YAML lets a date be written as text ('2020-05-01'); CSL-JSON wants date-parts."""
    if not isinstance(item, dict):
        return item
    fixed = dict(item)
    for key in _DATE_VARIABLES:
        value = fixed.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            match = _ISO_DATE.match(str(value).strip())
            parts = [int(p) for p in match.groups() if p] if match else None
            fixed[key] = {"date-parts": [parts]} if parts else {"raw": str(value)}
    return fixed


_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")


def ris_records(text: str) -> tuple[list[int], list[tuple[int, int, str]]]:
    """The line of each record's `TY  -` tag, and the records not closed by `ER  -`."""
    starts, problems, open_at = [], [], 0
    for n, line in enumerate(text.splitlines(), 1):
        tag = _RIS_TAG.match(line)
        if tag and tag.group(1) == "TY":
            if open_at:
                problems.append((open_at, 1, "this record has no end: expected an 'ER  -' line before the next 'TY  -'"))
            starts.append(n)
            open_at = n
        elif tag and tag.group(1) == "ER":
            open_at = 0
    if open_at:
        problems.append((open_at, 1, "this record has no end: expected an 'ER  -' line"))
    return starts, problems


def ris_key(csl: dict, taken: set[str]) -> str:
    """A key for a record without `ID  -`: the first author's (or editor's) family name folded to
    lower-case ASCII, then the year, then 'a', 'b', ... when the file already has that key."""
    names = csl.get("author") or csl.get("editor") or [{}]
    name = names[0].get("family") or names[0].get("literal") or "anon"
    stem = re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()) or "anon"
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    year = str(parts[0][0]) if parts and parts[0] else "nd"
    key, n = stem + year, 0
    while key in taken:
        key, n = stem + year + chr(ord("a") + n % 26) * (1 + n // 26), n + 1
    return key
