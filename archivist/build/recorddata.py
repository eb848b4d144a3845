"""A build record as JSON values and back, strictly: a record of the wrong shape is refused, never half read.

The record is kept in a cache folder that CI restores from earlier runs, so it is read as data of a
known shape and nothing else. What a page read of the library (`SiteState.reads`) is a nest of
tuples, frozen sets of paths and plain values; JSON has only lists, so a set is written as
{"set": [...]} and a slice (`items[:3]` in a template) as {"slice": [start, stop, step]}, and the
roots and path sets that many pages share are written once, in tables."""

from __future__ import annotations

from typing import Any, Mapping

from archivist.build.changes import SiteState
from archivist.diagnostics import Diagnostic
from archivist.library import UNKNOWN
from archivist.util.jsondata import JsonDataError, from_json, to_json

STRING_MAPS = ("templates", "sources", "listed", "slugs", "aliases", "pages", "contexts")
SET_MAPS = ("links", "paths")
SCALARS = (str, int, float, bool, type(None))


def state_to_json(state: SiteState) -> dict[str, Any]:
    """Everything the rebuild planner compares; `seen` belongs to one build's library and is left out."""
    data: dict[str, Any] = {"settings": state.settings}
    for name in STRING_MAPS:
        data[name] = dict(getattr(state, name))
    for name in SET_MAPS:
        data[name] = {key: sorted(value) for key, value in getattr(state, name).items()}
    data["outputs"] = {key: list(value) for key, value in state.outputs.items()}
    data["reads"] = _reads_to_json(state.reads)
    return data


def state_from_json(data: Any) -> SiteState:
    """The state `state_to_json` wrote; JsonDataError for anything of another shape."""
    data = _mapping(data)
    expected = {"settings", "outputs", "reads", *STRING_MAPS, *SET_MAPS}
    if set(data) != expected:
        raise JsonDataError(f"a build state has the fields {sorted(expected)}, not {sorted(data)}")
    fields: dict[str, Any] = {"settings": _string(data["settings"])}
    for name in STRING_MAPS:
        fields[name] = {key: _string(value) for key, value in _mapping(data[name]).items()}
    for name in SET_MAPS:
        fields[name] = {key: frozenset(_strings(value)) for key, value in _mapping(data[name]).items()}
    fields["outputs"] = {key: tuple(_strings(value)) for key, value in _mapping(data["outputs"]).items()}
    fields["reads"] = _reads_from_json(data["reads"])
    return SiteState(**fields)


def _reads_to_json(reads: Mapping[str, tuple[tuple, ...]]) -> dict[str, Any]:
    """Each page's reads as [root number, paths number, digest]: thousands of reads share a few hundred
    roots and a handful of path sets, so each is written (and read back) once, in a table."""
    roots: dict[Any, int] = {}
    paths: dict[frozenset, int] = {}
    pages = {}
    for page in sorted(reads):  # numbered in key order, as `recordstream` numbers them
        found = reads[page]
        pages[page] = [[roots.setdefault(root, len(roots)), paths.setdefault(followed, len(paths)), digest]
                       for root, followed, digest in found]
    return {"roots": [plain_root(root) for root in roots], "paths": [plain_paths(followed) for followed in paths],
            "pages": pages}


def plain_root(root: Any) -> Any:
    """A read's root as JSON values (an unknown root where it has no JSON form)."""
    return _plain_or(root, list(UNKNOWN))


def plain_paths(followed: frozenset) -> Any:
    """A read's set of paths as JSON values (none where it has no JSON form)."""
    return _plain_or(followed, {"set": []})


def _plain_or(value: Any, instead: Any) -> Any:
    """`value` as JSON values; what has no JSON form (a template indexing with an object) is written as
    `instead`, an unknown root or no paths, which the next build reads as changed: its page is rendered."""
    try:
        return _plain(value)
    except JsonDataError:
        return instead


def _reads_from_json(data: Any) -> dict[str, tuple[tuple, ...]]:
    tables = _mapping(data)
    if set(tables) != {"roots", "paths", "pages"}:
        raise JsonDataError("a state's reads are written as roots, paths and pages")
    roots = [_value(root) for root in _list(tables["roots"])]
    paths = [frozenset(_set(followed)) for followed in _list(tables["paths"])]
    return {page: tuple(_read(read, roots, paths) for read in _list(found))
            for page, found in _mapping(tables["pages"]).items()}


def diagnostics_to_json(diagnostics: tuple[Diagnostic, ...]) -> list[Any]:
    return to_json(diagnostics)


def diagnostics_from_json(data: Any) -> tuple[Diagnostic, ...]:
    return from_json(tuple[Diagnostic, ...], data)


def _plain(value: Any) -> Any:
    """A read as JSON values: tuples as lists, sets and slices as tagged objects."""
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, frozenset):
        return {"set": sorted((_plain(item) for item in value), key=repr)}
    if isinstance(value, slice):
        return {"slice": [_plain(value.start), _plain(value.stop), _plain(value.step)]}
    if isinstance(value, SCALARS):
        return value
    raise JsonDataError(f"a page's read holds a {type(value).__name__}")


def _read(data: Any, roots: list[Any], paths: list[frozenset]) -> tuple:
    """One read, (root, frozenset of paths, digest), from its numbers in the tables."""
    root, followed, found = _exactly(data, 3)
    return (_entry(roots, root), _entry(paths, followed), _string(found))


def _entry(table: list[Any], number: Any) -> Any:
    if not (isinstance(number, int) and not isinstance(number, bool) and 0 <= number < len(table)):
        raise JsonDataError(f"{number!r} is not the number of a table entry")
    return table[number]


def _value(data: Any) -> Any:
    """A root or a path as `_plain` wrote it: lists become tuples, tagged objects sets and slices."""
    if isinstance(data, list):
        return tuple(_value(item) for item in data)
    if isinstance(data, dict):
        if set(data) == {"slice"}:
            start, stop, step = (_slice_end(item) for item in _exactly(data["slice"], 3))
            return slice(start, stop, step)
        return frozenset(_set(data))
    if isinstance(data, SCALARS):
        return data
    raise JsonDataError(f"unexpected {type(data).__name__} in a read")


def _set(data: Any) -> list[Any]:
    mapping = _mapping(data)
    if set(mapping) != {"set"}:
        raise JsonDataError("a set is written as {\"set\": [...]}")
    return [_value(item) for item in _list(mapping["set"])]


def _slice_end(data: Any) -> int | None:
    if data is None or (isinstance(data, int) and not isinstance(data, bool)):
        return data
    raise JsonDataError("a slice's ends are whole numbers")


def _exactly(data: Any, count: int) -> list[Any]:
    items = _list(data)
    if len(items) != count:
        raise JsonDataError(f"expected {count} items, found {len(items)}")
    return items


def _mapping(data: Any) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise JsonDataError(f"expected an object, found {type(data).__name__}")
    return data


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise JsonDataError(f"expected a list, found {type(data).__name__}")
    return data


def _strings(data: Any) -> list[str]:
    return [_string(item) for item in _list(data)]


def _string(data: Any) -> str:
    if not isinstance(data, str):
        raise JsonDataError(f"expected a string, found {type(data).__name__}")
    return data
