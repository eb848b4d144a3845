"""Frozen model objects to JSON values and back, by their fields' types: what crosses between machines is
data anyone can read, never pickles, which run code when loaded and break with any change of a class."""

from __future__ import annotations

import dataclasses
from collections import abc
import types
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping


class JsonDataError(ValueError):
    """The JSON does not have the shape of the object asked for."""


PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})  # values that are their own JSON (and repr)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once per class


def to_json(value: Any) -> Any:
    """A dataclass instance (fields in order), tuple, mapping or plain value as JSON values."""
    if type(value) in PLAIN_TYPES:  # most values (an id, a word, a line number): one look, not five
        return value
    if type(value) is tuple and all(type(item) is str for item in value):  # ids, paths: the long ones
        return list(value)
    names = _FIELD_NAMES.get(type(value))
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.setdefault(type(value), tuple(f.name for f in dataclasses.fields(value)))
    if names is not None:
        return {name: to_json(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, Path):
        return value.as_posix()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise JsonDataError(f"{type(value).__name__} has no JSON form")


def from_json(kind: Any, data: Any) -> Any:
    """The value of type `kind` (a dataclass, or a typing form such as tuple[X, ...]) that `to_json` made."""
    if kind is str or kind is int or kind is bool:  # most values: checked before any typing machinery
        if type(data) is kind:
            return data
        raise JsonDataError(f"expected {kind.__name__}, found {type(data).__name__}")
    if kind is Any:
        return data
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return _union(kind, data)
    if origin is typing.Literal:
        if data not in typing.get_args(kind):
            raise JsonDataError(f"{data!r} is none of {typing.get_args(kind)!r}")
        return data
    if dataclasses.is_dataclass(kind):
        return _dataclass(kind, data)
    if origin is tuple:
        return _tuple(kind, data)
    if origin in (dict, abc.Mapping) or kind in (dict, Mapping):
        value_kind = typing.get_args(kind)[1] if typing.get_args(kind) else Any
        return {str(key): from_json(value_kind, item) for key, item in _expect(data, dict).items()}
    if kind is Path:
        return Path(_expect(data, str))
    if kind is float:
        return float(_expect(data, (int, float)))
    raise JsonDataError(f"no JSON form for {kind!r}")


def _union(kind: Any, data: Any) -> Any:
    choices = typing.get_args(kind)
    if data is None and type(None) in choices:
        return None
    for choice in choices:
        if choice is not type(None):
            try:
                return from_json(choice, data)
            except JsonDataError:
                continue
    raise JsonDataError(f"{data!r} is none of {kind!r}")


def _tuple(kind: Any, data: Any) -> tuple:
    items = _expect(data, list)
    args = typing.get_args(kind)
    if len(args) == 2 and args[1] is Ellipsis:
        if args[0] is str:  # the long lists (ids, paragraph ids, page paths): checked without a call per item
            if not all(type(item) is str for item in items):
                raise JsonDataError("expected a list of strings")
            return tuple(items)
        return tuple(from_json(args[0], item) for item in items)
    if len(args) != len(items):
        raise JsonDataError(f"expected {len(args)} items, found {len(items)}")
    return tuple(from_json(arg, item) for arg, item in zip(args, items))


def _dataclass(kind: type, data: Any) -> Any:
    values = _expect(data, dict)
    hints = _hints(kind)
    known, required = _field_names(kind)
    if not values.keys() <= known:
        raise JsonDataError(f"{kind.__name__} has no field {sorted(values.keys() - known)[0]!r}")
    if not required <= values.keys():
        raise JsonDataError(f"{kind.__name__} lacks the field {sorted(required - values.keys())[0]!r}")
    return kind(**{name: from_json(hints[name], item) for name, item in values.items()})


@lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[frozenset[str], frozenset[str]]:
    """The fields a dataclass is made with, and those among them without a default."""
    made = [f for f in dataclasses.fields(kind) if f.init]
    return (frozenset(f.name for f in made), frozenset(f.name for f in made if f.default is dataclasses.MISSING
                                                       and f.default_factory is dataclasses.MISSING))


@lru_cache(maxsize=None)
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _expect(data: Any, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise JsonDataError(f"expected {getattr(kind, '__name__', kind)}, found {type(data).__name__}")
    return data
