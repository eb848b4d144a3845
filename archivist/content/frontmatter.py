"""Split a Markdown file into YAML front-matter and body, keeping the file line of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from . import frontmatter_fast
from archivist.diagnostics import Diagnostic, error

MAX_DEPTH = 20  # front-matter is shallow; deeper nesting is an attack or a typo
FENCE = re.compile(r"^---[ \t]*$")
CLOSING_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
# Plain scalars only: !!binary would give bytes and !!python/... objects, which no later step expects.
SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front-matter: plain Python data, the line of each value, and the body."""

    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)  # 'authors.1.orcid' -> file line
    body: str = ""
    body_line: int = 1


class FrontMatterError(Exception):
    """A problem that stops the front-matter from being read at all."""

    def __init__(self, line: int, code: str, message: str, column: int = 1):
        super().__init__(message)
        self.line, self.code, self.message, self.column = line, code, message, column


class _StrictComposer(Composer):
    """Refuses aliases (no billion laughs) and deep nesting while building the node tree."""

    depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise FrontMatterError(event.start_mark.line + 1, "yaml.alias",
                                   "YAML aliases (*name) are not allowed in front-matter; write the value out",
                                   event.start_mark.column + 1)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise FrontMatterError(mark.line + 1, "yaml.too-deep",
                                       f"front-matter is nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(Reader, Scanner, Parser, _StrictComposer, SafeConstructor, Resolver):
    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def split(text: str) -> FrontMatter:
    """Parse a file's text; raise FrontMatterError for a missing fence or bad YAML."""
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0].rstrip("\r")):
        raise FrontMatterError(1, "frontmatter.missing",
                               "the file must start with a '---' line opening the YAML front-matter")
    for index in range(1, len(lines)):
        if CLOSING_FENCE.match(lines[index].rstrip("\r")):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            data, positions = _parse_yaml(yaml_text, line_offset=1)
            return FrontMatter(data, positions, body, body_line=index + 2)
    raise FrontMatterError(1, "frontmatter.unclosed",
                           "the front-matter opened on line 1 is never closed with a '---' line")


def _parse_yaml(text: str, line_offset: int) -> tuple[dict[str, Any], dict[str, int]]:
    """libyaml reads the common case several times faster; the pure-Python reader below stays the
    reference for everything else, so results and diagnostics do not depend on which one ran."""
    fast = frontmatter_fast.read(text, line_offset, MAX_DEPTH, SCALAR_TAGS)
    return fast if fast is not None else _parse_yaml_pure(text, line_offset)


def _parse_yaml_pure(text: str, line_offset: int) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        loader = _Loader(text)  # the reader refuses control characters here, before any parsing
    except yaml.reader.ReaderError as exc:
        before = text[: max(0, exc.position)]
        line = before.count("\n") + 1 + line_offset
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise FrontMatterError(line, "yaml.syntax", f"YAML cannot contain the control character "
                               f"U+{exc.character:04X}" if isinstance(exc.character, int)
                               else "YAML cannot contain this character", column) from None
    try:
        node = loader.get_single_node()
    except FrontMatterError as exc:
        exc.line += line_offset
        raise
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, line_offset) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(1 + line_offset, "yaml.syntax", f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return {}, {}
    if not isinstance(node, MappingNode):
        raise FrontMatterError(node.start_mark.line + 1 + line_offset, "yaml.not-mapping",
                               "front-matter must be a mapping of 'key: value' lines")
    positions: dict[str, int] = {}
    data = _construct(loader, node, "", positions, line_offset)
    positions.pop("", None)  # a missing key is reported on the opening '---' line
    return data, positions


def _syntax_error(exc: yaml.MarkedYAMLError, line_offset: int) -> FrontMatterError:
    """Point at where the broken construct began (an unclosed quote's opening line), not at
    the end of the text where the parser gave up."""
    mark = exc.context_mark or exc.problem_mark
    line = (mark.line + 1 if mark else 1) + line_offset
    column = mark.column + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    if exc.context and exc.context_mark:
        problem = f"{exc.context}: {problem}"
    return FrontMatterError(line, "yaml.syntax", f"YAML syntax error: {problem}", column)


def _construct(loader: _Loader, node: Node, path: str, positions: dict[str, int], offset: int) -> Any:
    """Build plain data from a node, recording each value's line under its dotted path."""
    positions[path] = node.start_mark.line + 1 + offset
    if isinstance(node, MappingNode):
        return _construct_mapping(loader, node, path, positions, offset)
    if isinstance(node, SequenceNode):
        return [_construct(loader, item, _join(path, str(i)), positions, offset)
                for i, item in enumerate(node.value)]
    if node.tag not in SCALAR_TAGS:
        raise FrontMatterError(positions[path], "yaml.tag",
                               f"the YAML tag {node.tag!r} is not allowed in front-matter; write a plain value")
    try:
        return loader.construct_object(node, deep=True)
    except Exception as exc:  # noqa: BLE001 - an explicit tag such as !!bool 'x' breaks PyYAML in many ways
        if node.tag.endswith(":timestamp"):
            return _ImpossibleDate(node.value)
        kind = node.tag.rpartition(":")[2]
        raise FrontMatterError(positions[path], "yaml.value", f"cannot read {node.value!r} as a YAML {kind}") from None


def _construct_mapping(loader: _Loader, node: MappingNode, path: str,
                       positions: dict[str, int], offset: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise FrontMatterError(line, "yaml.key", "front-matter keys must be plain words")
        key = str(key_node.value)
        if key in result:
            raise FrontMatterError(line, "yaml.duplicate-key",
                                   f"key '{key}' appears twice (first on line {positions[_join(path, key)]})",
                                   key_node.start_mark.column + 1)
        result[key] = _construct(loader, value_node, _join(path, key), positions, offset)
        positions[_join(path, key)] = line
    return result


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _ImpossibleDate(str):
    """A YAML date such as 2021-02-30 that looks like a date but does not exist; the schema reports it."""


def as_diagnostic(exc: FrontMatterError, path: str) -> Diagnostic:
    return error(path, exc.line, exc.code, exc.message, exc.column)
