"""Record what a page reads of the library while it renders, so a rebuild knows which pages an edit reaches.

Templates are handed recording stand-ins for entries and collections (as Lektor records what a page
asks of its sources, and Eleventy tracks which collections a template uses). A page then yields its
reads: for each thing it read (an entry by its source file, or what a collections method returned
for some entry), the attribute paths it followed and a digest of the values found there. The next
build evaluates the same paths on its own library and re-renders a page only when a digest differs.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from typing import Any, Iterable, Mapping

from archivist.citations.metadata import PageMetadata
from archivist.model import Article, ArticleMeta, RenderedBody, SourceFile
from archivist.util.digests import digest
from archivist.util.jsondata import PLAIN_TYPES  # most reads (a title, a date, a count): recorded as they are
from . import ENTRY, UNKNOWN
from .collections import Author, Collections, Issue, Journal, Keyword, Volume, Year
from .entry import Entry
from .translations import Translation

Root = tuple  # ("entry", source) | ("collections",) | ("call", owner root, owner path, method, arguments)
Path = tuple  # attribute names, item numbers, and LENGTH
Read = tuple  # (root, frozenset of paths, digest of the values at those paths)

COLLECTIONS, CALL = "collections", "call"
LENGTH = "#len"  # a path step: how many items a sequence held
MISSING = "<missing>"

# An entry and what it is made of: their properties are read as values, so `has_body` is one value
# and does not make a listing read the whole body.
ENTRY_TYPES = (Entry, Article, ArticleMeta, SourceFile)
# Groups of entries: their properties are followed through the stand-in, so what they read is recorded.
GROUP_TYPES = (Author, Journal, Volume, Issue, Keyword, Year, Translation, Collections)
READABLE_TYPES = ENTRY_TYPES + GROUP_TYPES


class ReadLog:
    """The values one page read, by root and path; `capture` also collects them for `once`."""

    def __init__(self) -> None:
        self.values: dict[Root, dict[Path, str]] = {}
        self._captures: list[list[tuple[Root, Path, str]]] = []

    def note(self, root: Root | None, path: Path, value: Any) -> None:
        """Record one read. The library does not change while a page renders, so a path read again
        (an article's exports, shown in three places) keeps the fingerprint taken the first time."""
        if root is None:
            return
        known = self.values.setdefault(root, {})
        found = known.get(path)
        if found is None:
            found = known[path] = fingerprint(value)
        for capture in self._captures:
            capture.append((root, path, found))

    def replay(self, notes: Iterable[tuple[Root, Path, str]]) -> None:
        """Record reads made elsewhere (a summary rendered once and shown on many pages)."""
        for root, path, found in notes:
            self.values.setdefault(root, {})[path] = found
            for capture in self._captures:
                capture.append((root, path, found))

    def start_capture(self) -> list[tuple[Root, Path, str]]:
        capture: list[tuple[Root, Path, str]] = []
        self._captures.append(capture)
        return capture

    def stop_capture(self) -> None:
        self._captures.pop()

    def reads(self) -> tuple[Read, ...]:
        """Each root read, the paths followed from it and a digest of what was found."""
        return tuple((root, frozenset(found), values_digest(found.items())) for root, found in self.values.items())


def values_digest(found: Iterable[tuple[Path, str]]) -> str:
    return digest("\n".join(sorted(f"{path!r}\t{value}" for path, value in found)).encode())


LONGEST_SHOWN = 128  # a value written out longer than this is kept as its digest
# Values read whole on an article page, made of plain data all through (no entry, no group: nothing
# `_plain` would name instead of writing out): hashed as their pickle, which C writes at once, where
# `_plain` walked them in Python and hashed each heading and tag on its own.
PICKLED_TYPES = frozenset({RenderedBody, PageMetadata})
PICKLE_PROTOCOL = 5


def _pickled(value: Any) -> bytes:
    """The value's pickle, without the references by which pickle writes an object it has seen once:
    a body read back from the cache holds separate copies of strings that a freshly rendered one
    shares, and both must give the same bytes, or a warm build would render every article page again."""
    out = io.BytesIO()
    out.write(b"pickle\0")
    pickler = pickle.Pickler(out, protocol=PICKLE_PROTOCOL)
    pickler.fast = True  # no memo: equal values give equal bytes, whatever objects they share
    pickler.dump(value)
    return out.getvalue()


def fingerprint(value: Any) -> str:
    """A value as text, with every entry named by its source file (an entry's content is a read of its own);
    a long one (a body, an abstract, an article's exports) as a digest of that text, which no short one
    can equal (a digest starts with '#', which begins no `repr`)."""
    if type(value) is str and len(value) > LONGEST_SHOWN:
        return "#" + LongText(value).digest
    if type(value) in PICKLED_TYPES:
        try:
            return "#" + digest(_pickled(value))
        except (pickle.PicklingError, TypeError, AttributeError):
            pass  # a field of a kind pickle cannot write (a mapping proxy): written out as any value is
    text = repr(value if type(value) in PLAIN_TYPES else _plain(value, {}))
    return text if len(text) <= LONGEST_SHOWN else "#" + digest(text.encode("utf-8", "surrogatepass"))


class LongText:
    """A long string as a digest of its own bytes. An article page reads its body, some 50 KB of HTML:
    writing that out with `repr` (which escapes it character by character) before hashing it cost more
    than the hash. Its `repr` begins with '<', which begins the `repr` of no plain value, so it equals
    no short value's; the hashed bytes begin 'text' and a NUL, which begin no `repr`, so its digest is
    not that of another value's `repr` either."""

    __slots__ = ("digest",)

    def __init__(self, text: str):
        self.digest = digest(b"text\0" + text.encode("utf-8", "surrogatepass"))

    def __repr__(self) -> str:
        return f"<text #{self.digest}>"


def _plain(value: Any, memo: dict[int, Any]) -> Any:
    """`value` as plain tuples; `memo` keeps each group once (a journal is on many pages of one plan)."""
    if isinstance(value, Reading):
        value = value._target
    kind = type(value)
    if kind is Entry:
        return (ENTRY, value.article.source.relpath)
    if kind is str:
        return value if len(value) <= LONGEST_SHOWN else LongText(value)
    if kind in (int, bool, float) or value is None:
        return value
    if kind is tuple or kind is list:
        return tuple(_plain(item, memo) for item in value)
    if kind is Collections:
        return COLLECTIONS
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) not in memo:  # a group is written out once, and stands as its digest wherever it recurs
            names = _FIELDS.get(kind) or _FIELDS.setdefault(kind, tuple(f.name for f in dataclasses.fields(value)))
            plain = (kind.__name__, tuple(_plain(getattr(value, n), memo) for n in names))
            memo[id(value)] = (value, (kind.__name__, digest(repr(plain).encode())))
        return memo[id(value)][1]
    if isinstance(value, Mapping):
        return tuple((key, _plain(item, memo)) for key, item in value.items())
    return value


_FIELDS: dict[type, tuple[str, ...]] = {}


def context_digest(template: str, context: Mapping[str, Any], memo: dict[int, Any] | None = None) -> str:
    """What a page was given when it was planned, entries named by their source and collections left out
    (what is read of those is recorded while the page renders). Pages planned together share `memo`."""
    memo = {} if memo is None else memo
    shape = tuple((key, _plain(value, memo)) for key, value in sorted(context.items())
                  if not isinstance(value, Collections))
    return digest(repr((template, shape)).encode())


def wrap_context(context: Mapping[str, Any], log: ReadLog) -> dict[str, Any]:
    """The page's context with recording stand-ins; what it was given is known from the plan."""
    return {key: follow(value, None, (), log) for key, value in context.items()}


def follow(value: Any, root: Root | None, path: Path, log: ReadLog) -> Any:
    """What a template gets for `value`, found at `path` from `root`: a stand-in that records further
    reads, a sequence of them, or the value itself (recorded as read)."""
    if type(value) in PLAIN_TYPES:
        log.note(root, path, value)
        return value
    if isinstance(value, Entry):
        log.note(root, path, value)
        return Reading(value, (ENTRY, value.article.source.relpath), (), log)
    if isinstance(value, Collections):
        return Reading(value, (COLLECTIONS,), (), log)
    if isinstance(value, READABLE_TYPES):
        return Reading(value, root, path, log)
    if isinstance(value, (tuple, list)) and _holds_readables(value):
        log.note(root, path + (LENGTH,), len(value))
        return type(value)(follow(item, root, path + (number,), log) for number, item in enumerate(value))
    log.note(root, path, value)
    return value


def _holds_readables(items: tuple | list) -> bool:
    return any(isinstance(item, READABLE_TYPES) or (isinstance(item, (tuple, list)) and
                                                                _holds_readables(item)) for item in items)


class Reading:
    """Stands in for an entry or a group while a template reads it, and records each read."""

    __slots__ = ("_target", "_root", "_path", "_log")

    def __init__(self, target: Any, root: Root | None, path: Path, log: ReadLog):
        self._target, self._root, self._path, self._log = target, root, path, log

    def __getattr__(self, name: str) -> Any:
        target = self._target
        found = getattr(type(target), name, None)
        if isinstance(found, property) and isinstance(target, GROUP_TYPES):
            return found.fget(self)
        value = getattr(target, name)
        if callable(value) and not isinstance(found, property):
            return _Method(self, name)
        return follow(value, self._root, self._path + (name,), self._log)

    def __getitem__(self, key: Any) -> Any:
        return follow(self._target[key], self._root, self._path + (key,), self._log)

    def __str__(self) -> str:
        self._log.note(self._root, self._path, self._target)
        return str(self._target)

    def __eq__(self, other: object) -> bool:
        self._log.note(self._root, self._path, self._target)
        return self._target == (other._target if isinstance(other, Reading) else other)

    def __hash__(self) -> int:
        return id(self._target)

    def __bool__(self) -> bool:
        return True


class _Method:
    """A method of a stand-in: what it returns is read from a root of its own (the call, which a later
    build can repeat on its own library)."""

    __slots__ = ("_owner", "_name")

    def __init__(self, owner: Reading, name: str):
        self._owner, self._name = owner, name

    def __call__(self, *args: Any) -> Any:
        owner = self._owner
        plain = tuple(a._target if isinstance(a, Reading) else a for a in args)
        result = getattr(owner._target, self._name)(*plain)
        keys = tuple(_argument_key(a) for a in plain)
        if owner._root is None or None in keys:
            root = UNKNOWN
        else:
            root = (CALL, owner._root, owner._path, self._name, keys)
        return follow(result, root, (), owner._log)


def _argument_key(value: Any) -> tuple | None:
    if isinstance(value, Entry):
        return (ENTRY, value.article.source.relpath)
    if value is None or isinstance(value, (str, int, float, bool)):
        return ("value", value)
    return None


class LibraryReads:
    """Evaluates recorded reads on a build's library: (root, paths) -> digest, each once, when first asked.

    Kept in a `SiteState` only until the build is over: the build record leaves it out."""

    def __init__(self, entries: Mapping[str, Entry], collections: Collections | None):
        self._entries, self._collections = entries, collections
        self._known: dict[tuple[Root, frozenset], str] = {}
        self._roots: dict[Root, Any] = {}

    def get(self, key: tuple[Root, frozenset], default: Any = None) -> str:
        if key not in self._known:
            root, paths = key
            found = self._root(root)
            self._known[key] = values_digest((path, fingerprint(_walk(found, path))) for path in paths)
        return self._known[key]

    def _root(self, root: Root) -> Any:
        if root not in self._roots:
            self._roots[root] = self._evaluate(root)
        return self._roots[root]

    def _evaluate(self, root: Root) -> Any:
        kind = root[0]
        if kind == ENTRY:
            return self._entries.get(root[1], MISSING)
        if kind == COLLECTIONS:
            return self._collections if self._collections is not None else MISSING
        if kind == CALL:
            _kind, owner, path, name, keys = root
            target = _walk(self._root(owner), path)
            args = tuple(self._entries.get(k[1], MISSING) if k[0] == ENTRY else k[1] for k in keys)
            if target is MISSING or MISSING in args:
                return MISSING
            if not _callable_read(target, name):
                return object()
            try:
                return getattr(target, name)(*args)
            except Exception:  # noqa: BLE001 - a call that fails now reads as changed
                return object()
        return object()  # UNKNOWN: never equal to what was recorded

    def __reduce__(self):
        return (dict, ())


def _callable_read(target: Any, name: Any) -> bool:
    """Whether a recorded call is one a template can make: a public method of an entry or a group.
    Reads come back from the build record on disk, so they are checked before anything is called."""
    return (isinstance(target, ENTRY_TYPES + GROUP_TYPES) and isinstance(name, str) and not name.startswith("_")
            and callable(getattr(type(target), name, None)))


def _walk(value: Any, path: Path) -> Any:
    """The value at `path` from `value`, or MISSING where the path no longer leads anywhere (or would
    follow a private name, which no template reads and a crafted record might)."""
    for step in path:
        if value is MISSING:
            return MISSING
        try:
            if step == LENGTH:
                value = len(value)
            elif isinstance(step, str) and step.startswith("_"):
                return MISSING
            elif isinstance(step, str):
                value = getattr(value, step)
            else:
                value = value[step]
        except (AttributeError, IndexError, KeyError, TypeError):
            return MISSING
    return value
