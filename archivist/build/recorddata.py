"""A build record as JSON values and back, strictly: a record of the wrong shape is refused, never half read.

The record is kept in a cache folder that CI restores from earlier runs, so it is read as data of a
known shape and nothing else. What a page read of the library (`SiteState.reads`) is a nest of
tuples, frozen sets of paths and plain values; JSON has only lists, so a set is written as
{"set": [...]} and a slice (`items[:3]` in a template) as {"slice": [start, stop, step]}."""

from __future__ import annotations

from typing import Any, Mapping

from archivist.build.changes import SiteState
from archivist.diagnostics import Diagnostic
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
    data["reads"] = {page: [_plain(read) for read in reads] for page, reads in state.reads.items()}
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
    fields["reads"] = {page: tuple(_read(read) for read in _list(reads)) for page, reads in _mapping(data["reads"]).items()}
    return SiteState(**fields)


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


def _read(data: Any) -> tuple:
    """One read: (root, frozenset of paths, digest)."""
    items = _list(data)
    if len(items) != 3:
        raise JsonDataError("a read has three parts: root, paths, digest")
    root, paths, found = items
    return (_value(root), frozenset(_set(paths)), _string(found))


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
