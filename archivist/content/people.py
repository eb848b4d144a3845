"""Read authors, editors and translators from front-matter into Person records."""

from __future__ import annotations

from typing import Any, Callable

from archivist.diagnostics import Diagnostic, did_you_mean
from archivist.util.identifiers import normalise_orcid
from archivist.model import Person

PERSON_KEYS = ("family", "given", "particle", "suffix", "name", "orcid", "affiliation")

Report = Callable[[str, str, str], None]  # (value path, code, message)


def read_people(value: Any, path: str, report: Report) -> tuple[Person, ...]:
    """A list of people; every malformed entry is reported and left out."""
    if value is None:
        return ()
    if not isinstance(value, list):
        report(path, "meta.type", f"'{path}' must be a list of people")
        return ()
    people = []
    for index, entry in enumerate(value):
        person = read_person(entry, f"{path}.{index}", report)
        if person is not None:
            people.append(person)
    return tuple(people)


def read_person(entry: Any, path: str, report: Report) -> Person | None:
    """One person from a mapping or the 'Family, Given' shorthand."""
    if isinstance(entry, str):
        return _from_string(entry, path, report)
    if not isinstance(entry, dict):
        report(path, "meta.person", "a person is 'Family, Given', {family, given} or {name}")
        return None
    problems_before = _count(report)
    fields = {}
    for key, raw in entry.items():
        if key not in PERSON_KEYS:
            report(f"{path}.{key}", "meta.unknown-key",
                   f"unknown key '{key}' for a person{did_you_mean(key, PERSON_KEYS)}")
        elif not isinstance(raw, str) or not raw.strip():
            report(f"{path}.{key}", "meta.type", f"'{key}' must be a non-empty string")
        else:
            fields[key] = raw.strip()
    person = _build(fields, path, report)
    return person if _count(report) == problems_before else None


def _build(fields: dict[str, str], path: str, report: Report) -> Person | None:
    orcid = ""
    if "orcid" in fields:
        orcid = normalise_orcid(fields["orcid"]) or ""
        if not orcid:
            report(f"{path}.orcid", "meta.orcid",
                   f"'{fields['orcid']}' is not a valid ORCID iD (format 0000-0002-1825-0097, checksum must match)")
    affiliation = fields.get("affiliation", "")
    if "name" in fields:
        clash = [k for k in ("family", "given", "particle", "suffix") if k in fields]
        if clash:
            report(path, "meta.person", f"a person has either 'name' or name parts, not both ({', '.join(clash)})")
        return Person(literal=fields["name"], orcid=orcid, affiliation=affiliation)
    if "family" not in fields:
        report(path, "meta.person", "a person needs 'family' (with 'given'), or 'name' for an organisation")
        return None
    return Person(family=fields["family"], given=fields.get("given", ""), particle=fields.get("particle", ""),
                  suffix=fields.get("suffix", ""), orcid=orcid, affiliation=affiliation)


def _from_string(text: str, path: str, report: Report) -> Person | None:
    parts = [p.strip() for p in text.split(",")]
    if not text.strip() or any(not p for p in parts) or len(parts) > 3:
        report(path, "meta.person", f"'{text}' is not 'Family, Given' (or 'Family, Given, Suffix')")
        return None
    if len(parts) == 1:
        return Person(literal=parts[0])
    return Person(family=parts[0], given=parts[1], suffix=parts[2] if len(parts) == 3 else "")


def _count(report: Report) -> int:
    """How many problems the reporter has collected so far (it exposes a counter)."""
    return getattr(report, "count", lambda: 0)()


__all__ = ["read_people", "read_person", "PERSON_KEYS", "Diagnostic"]
