"""Read plain front-matter YAML with libyaml's C parser; decline anything the pure-Python reader must judge.

The pure-Python reader in `frontmatter` is the reference: it decides every error and every
unusual construct. This reader handles only the common case (block and flow collections of
untagged scalars) and returns None as soon as it meets anything else (an anchor, an alias, a
tag, a directive, a duplicate key, too deep a nesting, a value PyYAML cannot construct, a
character or construct where libyaml and PyYAML are known to disagree, or any parse error), so
the caller can hand the text to the reference reader. Nothing is ever expanded or constructed
from an alias: the first anchor or alias event ends the reading.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml: every text goes to the pure-Python reader
    CParser = None

AVAILABLE = CParser is not None
STR_TAG = "tag:yaml.org,2002:str"
# Characters whose handling differs between libyaml and PyYAML (a byte-order mark inside the text
# is skipped by one and kept by the other; a tab is blank space to libyaml in more places than to
# PyYAML); rare in front-matter, so left to the reference reader.
_DISPUTED_CHARACTERS = re.compile("[\ufeff\t]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a new line
_RESOLVER = Resolver()  # resolve() and the scalar constructors only read shared tables: safe to share
_CONSTRUCTOR = SafeConstructor()
_CONSTRUCTORS = SafeConstructor.yaml_constructors


class _Declined(Exception):
    """The text needs the pure-Python reader's judgement."""


def read(text: str, line_offset: int, max_depth: int,
         scalar_tags: frozenset[str]) -> tuple[dict[str, Any], dict[str, int]] | None:
    """(data, lines) exactly as the pure-Python reader gives them, or None when it must decide."""
    if CParser is None or _DISPUTED_CHARACTERS.search(text):
        return None
    try:
        return _EventReader(text, line_offset, max_depth, scalar_tags).document()
    except (_Declined, yaml.YAMLError, UnicodeError, ValueError):
        return None


class _EventReader:
    """Builds data and the line of every value straight from libyaml's events, without nodes."""

    def __init__(self, text: str, line_offset: int, max_depth: int, scalar_tags: frozenset[str]):
        self.next_event = CParser(text).get_event
        self.line_base = 1 + line_offset
        self.max_depth = max_depth
        self.scalar_tags = scalar_tags
        self.lines: dict[str, int] = {}
        self.flow_depth = 0
        self.flow_spans: list[tuple[int, int]] = []  # first and last line of each outermost flow collection
        self.last_end_line = 0
        self.text = text

    def document(self) -> tuple[dict[str, Any], dict[str, int]]:
        _expect(self.next_event(), StreamStartEvent)
        event = self.next_event()
        if type(event) is StreamEndEvent:
            return {}, {}
        _expect(event, DocumentStartEvent)
        if event.explicit or event.version or event.tags:
            raise _Declined
        root = self.next_event()
        if type(root) is not MappingStartEvent:
            raise _Declined  # a scalar or list root is an error the reference reader words
        data = self.value(root, "", 1)
        end = self.next_event()
        _expect(end, DocumentEndEvent)
        if end.explicit:
            raise _Declined
        _expect(self.next_event(), StreamEndEvent)
        self.check_flow_question_marks()
        self.lines.pop("", None)  # as in the reference reader: a missing key is reported on the opening '---'
        return data, self.lines

    def value(self, event: Any, path: str, depth: int) -> Any:
        kind = type(event)
        if (kind not in (ScalarEvent, MappingStartEvent, SequenceStartEvent) or depth > self.max_depth
                or event.anchor is not None or event.tag is not None):
            raise _Declined  # an alias, an anchor, a tag or too deep a nesting
        self.lines[path] = event.start_mark.line + self.line_base
        if kind is ScalarEvent:
            return self.scalar(event)
        outermost_flow = event.flow_style and self.flow_depth == 0
        self.flow_depth += event.flow_style
        result = self.mapping(path, depth) if kind is MappingStartEvent else self.sequence(path, depth)
        self.flow_depth -= event.flow_style
        if outermost_flow:
            self.flow_spans.append((event.start_mark.line, self.last_end_line))
        return result

    def mapping(self, path: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while True:
            key_event = self.next_event()
            if type(key_event) is MappingEndEvent:
                self.last_end_line = key_event.end_mark.line
                return result
            if (type(key_event) is not ScalarEvent or key_event.anchor is not None or key_event.tag is not None
                    or depth + 1 > self.max_depth or key_event.value == "<<" or key_event.value in result):
                raise _Declined  # complex, aliased, tagged, merge, too deep or duplicate keys
            key = key_event.value
            key_path = f"{path}.{key}" if path else key
            result[key] = self.value(self.next_event(), key_path, depth + 1)
            self.lines[key_path] = key_event.start_mark.line + self.line_base

    def sequence(self, path: str, depth: int) -> list[Any]:
        result: list[Any] = []
        prefix = f"{path}." if path else ""
        while True:
            event = self.next_event()
            if type(event) is SequenceEndEvent:
                self.last_end_line = event.end_mark.line
                return result
            result.append(self.value(event, f"{prefix}{len(result)}", depth + 1))

    def scalar(self, event: Any) -> Any:
        value = event.value
        if not event.implicit[0]:
            return value  # quoted or block scalar without a tag: a string as written
        tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
        if tag == STR_TAG:
            return value
        if tag not in self.scalar_tags:
            raise _Declined
        try:
            return _CONSTRUCTORS[tag](_CONSTRUCTOR, ScalarNode(tag, value, event.start_mark, event.end_mark))
        except Exception:  # noqa: BLE001 - the reference reader words (or tolerates) the failure
            raise _Declined from None

    def check_flow_question_marks(self) -> None:
        """libyaml reads '[a?b]' as a list holding 'a?b' where PyYAML stops at the '?'; leave any
        flow collection whose lines hold a '?' to the reference reader."""
        if not self.flow_spans or "?" not in self.text:
            return
        text_lines = _LINE_BREAK.split(self.text)
        for first, last in self.flow_spans:
            if any("?" in line for line in text_lines[first:last + 1]):
                raise _Declined


def _expect(event: Any, kind: type) -> None:
    if type(event) is not kind:
        raise _Declined
