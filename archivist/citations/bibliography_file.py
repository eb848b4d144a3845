"""Read and write an article's CSL-JSON or CSL-YAML bibliography file, for `archivist refs add`: the
same items give the same bytes, and a file's own shape (a bare list, or Pandoc's `references:`) is kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class BibliographyFileError(Exception):
    """A bibliography file that cannot be read as CSL-JSON or CSL-YAML; the message is one line."""


@dataclass(frozen=True)
class BibliographyFile:
    """A bibliography's items, and what else its file holds, to write it back as it was."""

    format: str  # "json" or "yaml"
    items: tuple[dict[str, Any], ...] = ()
    wrapper: dict[str, Any] | None = field(default=None)  # CSL-YAML's top-level mapping, without `references`


def read(path: Path, shown: str) -> BibliographyFile:
    """The file's items (none when it does not exist yet); `shown` names it in messages."""
    kind = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "json"
    if not path.exists():
        return BibliographyFile(kind, (), {} if kind == "yaml" else None)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BibliographyFileError(f"cannot read {shown}: {getattr(exc, 'strerror', None) or exc}") from None
    return _read_yaml(text, shown) if kind == "yaml" else _read_json(text, shown)


def _read_json(text: str, shown: str) -> BibliographyFile:
    if not text.strip():
        return BibliographyFile("json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BibliographyFileError(f"{shown}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                                    "a CSL-JSON file is a list of items") from None
    return BibliographyFile("json", _items(data, shown))


def _read_yaml(text: str, shown: str) -> BibliographyFile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise BibliographyFileError(f"{where}: not valid YAML ({problem})") from None
    if data is None:
        return BibliographyFile("yaml", (), {})
    if isinstance(data, dict):
        wrapper = {k: v for k, v in data.items() if k != "references"}
        return BibliographyFile("yaml", _items(data.get("references") or [], shown), wrapper)
    return BibliographyFile("yaml", _items(data, shown), None)


def _items(data: Any, shown: str) -> tuple[dict[str, Any], ...]:
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise BibliographyFileError(f"{shown} is not a CSL bibliography: expected a list of items "
                                    "(in CSL-YAML, a list or a 'references:' list)")
    return tuple(data)


def serialise(bibliography: BibliographyFile, items: list[dict[str, Any]]) -> bytes:
    """The file's bytes: UTF-8, 2-space indents, a final newline, items in the order given."""
    if bibliography.format == "json":
        return (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    data: Any = items if bibliography.wrapper is None else {**bibliography.wrapper, "references": items}
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, explicit_start=True,
                     default_flow_style=False, indent=2, width=100)
    return text.encode("utf-8")


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (`date-parts: [[2002, 5]]` stays readable); the rest as blocks."""

    def represent_list(self, data: list) -> yaml.Node:
        flat = all(not isinstance(x, (list, dict)) for x in data)
        nested = data and all(isinstance(x, list) and all(not isinstance(y, (list, dict)) for y in x) for x in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=bool(flat or nested))


_Dumper.add_representer(list, _Dumper.represent_list)
