"""The build record's two files encoded piece by piece, as they are written.

A record holds a line for every input and output file (its head) and every page's reads (its
state): tens of megabytes of JSON for a large archive. Made whole in memory (a tree of JSON values,
then one string, then its bytes) it was the largest moment of a build's memory. Here each map's
members are encoded one at a time, in the same order and form `to_bytes(head_to_json(head))` and
`to_bytes(state_to_json(state))` give: compact, keys sorted, so a record reads back the same
whichever way it was written."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol

from archivist.build.changes import SiteState
from archivist.build.recorddata import SET_MAPS, STRING_MAPS, diagnostics_to_json, plain_paths, plain_root


class Recorded(Protocol):
    """What `head_chunks` reads of a record's head (`archivist.build.record.RecordHead`, which
    imports this module: the protocol keeps the two out of an import cycle)."""

    fingerprint: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    article_count: int
    diagnostics: tuple
    state_digest: str


CHUNK_MEMBERS = 2000  # members joined into one piece of text before it is handed on


def head_chunks(head: Recorded) -> Iterator[bytes]:
    """The head's JSON content, as UTF-8 pieces."""
    members: list[tuple[str, Callable[[], Iterable[str]]]] = [
        ("article_count", lambda: [_dumps(head.article_count)]),
        ("diagnostics", lambda: [_dumps(diagnostics_to_json(head.diagnostics))]),
        ("fingerprint", lambda: [_dumps(head.fingerprint)]),
        ("inputs", lambda: _map(head.inputs, list)),
        ("outputs", lambda: _map(head.outputs, list)),
        ("state_digest", lambda: [_dumps(head.state_digest)]),
    ]
    return _encoded(_object(members))


def state_chunks(state: SiteState) -> Iterator[bytes]:
    """The rebuild planner's state as JSON content, in UTF-8 pieces."""
    return _encoded(_state(state))


def _encoded(pieces: Iterable[str]) -> Iterator[bytes]:
    for piece in pieces:
        yield piece.encode("utf-8")


def _state(state: SiteState) -> Iterator[str]:
    members: list[tuple[str, Callable[[], Iterable[str]]]] = [("settings", lambda: [_dumps(state.settings)])]
    for name in STRING_MAPS:
        members.append((name, lambda name=name: _map(getattr(state, name), str)))
    for name in SET_MAPS:
        members.append((name, lambda name=name: _map(getattr(state, name), sorted)))
    members.append(("outputs", lambda: _map(state.outputs, list)))
    members.append(("reads", lambda: _reads(state.reads)))
    return _object(sorted(members, key=lambda member: member[0]))


def _reads(reads: Mapping[str, tuple[tuple, ...]]) -> Iterator[str]:
    """Each page's reads as [root number, paths number, digest], then the tables of roots and of path
    sets the numbers point into (numbered as the pages, in key order, first use them)."""
    roots: dict[Any, int] = {}
    paths: dict[frozenset, int] = {}

    def numbered(found: tuple[tuple, ...]) -> list[list[Any]]:
        return [[roots.setdefault(root, len(roots)), paths.setdefault(followed, len(paths)), digest]
                for root, followed, digest in found]

    yield '{"pages":'
    yield from _map(reads, numbered)
    yield ',"paths":'
    yield from _list(plain_paths(followed) for followed in paths)
    yield ',"roots":'
    yield from _list(plain_root(root) for root in roots)
    yield "}"


def _object(members: list[tuple[str, Callable[[], Iterable[str]]]]) -> Iterator[str]:
    """A JSON object whose members (given in key order) are encoded when their turn comes."""
    yield "{"
    for number, (key, pieces) in enumerate(members):
        yield ("," if number else "") + _dumps(key) + ":"
        yield from pieces()
    yield "}"


def _map(mapping: Mapping[str, Any], convert: Callable[[Any], Any]) -> Iterator[str]:
    """A map from text to values, keys sorted, each value as `convert` makes it, in pieces."""
    yield "{"
    yield from _joined(_dumps(key) + ":" + _dumps(convert(mapping[key])) for key in sorted(mapping))
    yield "}"


def _list(values: Iterable[Any]) -> Iterator[str]:
    yield "["
    yield from _joined(_dumps(value) for value in values)
    yield "]"


def _joined(members: Iterable[str]) -> Iterator[str]:
    """Members separated by commas, CHUNK_MEMBERS to a piece."""
    batch: list[str] = []
    first = True
    for member in members:
        batch.append(member)
        if len(batch) == CHUNK_MEMBERS:
            yield ("" if first else ",") + ",".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(batch)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
