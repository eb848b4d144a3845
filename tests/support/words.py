"""Which interface words the theme looks up: read from the templates' parse trees, the scripts'
`say(...)` calls and the Python sources, so a table can be checked against what is really used."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import jinja2
from jinja2 import nodes

# A name bound to a word table in every template: the site's words. Others (`labels`,
# `find_labels`) are found where they are set from `labels_for(...)` or from a known table.
GLOBAL_TABLES = frozenset({"site_labels"})
MAPPING_METHODS = frozenset({"get", "items", "keys", "values", "copy"})
# Words whose key is also a method of the table: `t.copy` would print the method, `t["copy"]` the word.
SHADOWED = MAPPING_METHODS - {"get"}
SAY_CALL = re.compile(r"\bsay\(")
QUOTED_KEY = re.compile(r"""["']([a-z][a-z0-9_]*)["']""")
TEMPLATE_PREFIX = re.compile(r"`([a-z][a-z0-9_]*)\$\{")
KEY_VARIABLE = re.compile(r"\bkey\s*=\s*([^;]+);")


@dataclass
class Usage:
    """Keys looked up (with where), key prefixes looked up with a computed rest, and lookups
    whose key cannot be told from the source (each one a problem to report)."""

    keys: dict[str, list[str]] = field(default_factory=dict)
    prefixes: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def add_key(self, key: str, where: str) -> None:
        self.keys.setdefault(key, []).append(where)

    def add_prefix(self, prefix: str, where: str) -> None:
        self.prefixes.setdefault(prefix, []).append(where)

    def merge(self, other: "Usage") -> None:
        for key, places in other.keys.items():
            self.keys.setdefault(key, []).extend(places)
        for prefix, places in other.prefixes.items():
            self.prefixes.setdefault(prefix, []).extend(places)
        self.unknown.extend(other.unknown)

    def covers(self, key: str) -> bool:
        """Whether a table key is looked up, by name or through a computed prefix."""
        return key in self.keys or any(key.startswith(p) for p in self.prefixes)


def parse_templates(folder: Path) -> dict[str, nodes.Template]:
    """Every template under `folder`, parsed (not rendered), by its name relative to it."""
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    return {path.relative_to(folder).as_posix(): env.parse(path.read_text(encoding="utf-8"))
            for path in sorted(folder.rglob("*.html"))}


def table_names(trees: Iterable[nodes.Template]) -> frozenset[str]:
    """Names that hold a word table somewhere: set from labels_for(...) or from another table."""
    names = set(GLOBAL_TABLES)
    assigns = [a for tree in trees for a in tree.find_all(nodes.Assign) if isinstance(a.target, nodes.Name)]
    while True:
        found = {a.target.name for a in assigns if _holds_table(a.node, names)} - names
        if not found:
            return frozenset(names)
        names |= found


def _holds_table(expr: nodes.Node, names: set[str]) -> bool:
    if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Name) and expr.node.name == "labels_for":
        return True
    if isinstance(expr, nodes.Name):
        return expr.name in names
    if isinstance(expr, nodes.CondExpr):
        return _holds_table(expr.expr1, names) or (expr.expr2 is not None and _holds_table(expr.expr2, names))
    return False


def template_usage(name: str, tree: nodes.Template, tables: frozenset[str]) -> Usage:
    """Every word lookup in one template: `t.key`, `t["key"]`, `t.get("key", …)`, `"key" in t`."""
    usage, scope = Usage(), _bindings(tree)
    for node in tree.find_all(nodes.Getattr):
        if _is_table(node.node, tables) and node.attr in SHADOWED:
            usage.unknown.append(f"{name}:{node.lineno}: .{node.attr} is the table's method, not the word: "
                                 f"write [\"{node.attr}\"]")
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call, nodes.Compare)):
        key_expr = _looked_up(node, tables)
        if key_expr is not None:
            _resolve(key_expr, scope, usage, f"{name}:{node.lineno}")
    return usage


def _is_table(expr: nodes.Node, tables: frozenset[str]) -> bool:
    return isinstance(expr, nodes.Name) and expr.name in tables


def _looked_up(node: nodes.Node, tables: frozenset[str]) -> nodes.Node | None:
    """The expression naming the key, when `node` reads a word from a table."""
    if isinstance(node, nodes.Getattr) and _is_table(node.node, tables) and node.attr not in MAPPING_METHODS:
        return nodes.Const(node.attr, lineno=node.lineno)
    if isinstance(node, nodes.Getitem) and _is_table(node.node, tables):
        return node.arg
    if (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr == "get"
            and _is_table(node.node.node, tables) and node.args):
        return node.args[0]
    if isinstance(node, nodes.Compare) and any(op.op in ("in", "notin") and _is_table(op.expr, tables)
                                               for op in node.ops):
        return node.expr
    return None


def _bindings(tree: nodes.Template) -> dict[str, list[nodes.Node]]:
    """What each name may hold: loop targets over literal lists, and `set` assignments."""
    scope: dict[str, list[nodes.Node]] = {}
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name):
            items = loop.iter.items if isinstance(loop.iter, (nodes.List, nodes.Tuple)) else [loop.iter]
            scope.setdefault(loop.target.name, []).extend(items)
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            scope.setdefault(assign.target.name, []).append(assign.node)
    return scope


def _resolve(expr: nodes.Node, scope: dict[str, list[nodes.Node]], usage: Usage, where: str,
             seen: frozenset[str] = frozenset()) -> None:
    if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
        usage.add_key(expr.value, where)
    elif isinstance(expr, nodes.Concat) and isinstance(expr.nodes[0], nodes.Const):
        usage.add_prefix(str(expr.nodes[0].value), where)
    elif isinstance(expr, nodes.Name) and expr.name in scope and expr.name not in seen:
        for bound in scope[expr.name]:
            _resolve(bound, scope, usage, where, seen | {expr.name})
    else:
        usage.unknown.append(f"{where}: cannot tell which word this looks up")


def delivered_keys(tree: nodes.Template) -> set[str]:
    """The keys of the word sets a template hands to a script: literal dict keys, and the items
    of a loop whose variable becomes a dict key."""
    keys = {pair.key.value for pair in tree.find_all(nodes.Pair)
            if isinstance(pair.key, nodes.Const) and isinstance(pair.key.value, str)}
    for loop in tree.find_all(nodes.For):
        names = {pair.key.name for pair in loop.find_all(nodes.Pair) if isinstance(pair.key, nodes.Name)}
        if isinstance(loop.target, nodes.Name) and loop.target.name in names and isinstance(loop.iter, nodes.List):
            keys |= {item.value for item in loop.iter.items if isinstance(item, nodes.Const)}
    return keys


def script_usage(name: str, source: str) -> Usage:
    """The word keys a script asks `say(...)` for: quoted in the call, in a `key = …;` it passes,
    or a `prefix_${…}` template string."""
    usage = Usage()
    for argument, line in _say_arguments(source):
        for match in QUOTED_KEY.finditer(_outside_braces(argument)):
            usage.add_key(match.group(1), f"{name}:{line}")
        for match in TEMPLATE_PREFIX.finditer(argument):
            usage.add_prefix(match.group(1), f"{name}:{line}")
    for match in KEY_VARIABLE.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        for key in QUOTED_KEY.finditer(match.group(1)):
            usage.add_key(key.group(1), f"{name}:{line}")
    return usage


def _say_arguments(source: str) -> Iterator[tuple[str, int]]:
    """The text between the parentheses of each `say(` call, with its line."""
    for match in SAY_CALL.finditer(source):
        depth, end = 1, match.end()
        while depth and end < len(source):
            depth += {"(": 1, ")": -1}.get(source[end], 0)
            end += 1
        yield source[match.end():end - 1], source.count("\n", 0, match.start()) + 1


def _outside_braces(text: str) -> str:
    """Drops `{ … }` (the values filled into a word), whose strings are not keys."""
    out, depth = [], 0
    for char in text:
        depth += char == "{"
        if not depth:
            out.append(char)
        depth -= char == "}" and depth > 0
    return "".join(out)


def python_usage(name: str, source: str) -> Usage:
    """Keys read in Python: `<...labels...>["key"]` and `ctx.label("key")`."""
    usage = Usage()
    for node in ast.walk(ast.parse(source)):
        key = _python_key(node)
        if key is not None:
            usage.add_key(key, f"{name}:{node.lineno}")
    return usage


def _python_key(node: ast.AST) -> str | None:
    if isinstance(node, ast.Subscript) and "label" in ast.unparse(node.value).lower():
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "label":
        key = node.args[0] if node.args else None
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
