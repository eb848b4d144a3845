"""Run axe-core (from node_modules) inside a Playwright page and explain what it finds."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from playwright.sync_api import Page

from . import NODE_MODULES

AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")

_RUN_AXE = """async ({tags, disabled}) => {
  const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    rules,
    resultTypes: ['violations'],
  });
  return results.violations;
}"""


@lru_cache(maxsize=1)
def axe_source(script: Path = AXE_SCRIPT) -> str:
    """axe-core's code, read once per test run."""
    if not script.is_file():
        raise FileNotFoundError(f"{script} is missing: run `bash scripts/setup.sh --dev`")
    return script.read_text(encoding="utf-8")


def run_axe(
    page: Page, tags: Iterable[str] = AXE_TAGS, disabled_rules: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """axe's violations for the page as loaded now, as the JSON objects axe returns."""
    # Evaluated over the DevTools protocol rather than added as a <script>, so the
    # site's own Content-Security-Policy cannot keep axe out.
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return list(page.evaluate(_RUN_AXE, {"tags": list(tags), "disabled": list(disabled_rules)}))


def format_violations(violations: list[dict[str, Any]], max_nodes: int = 5) -> str:
    """A readable report for an assertion message: rule, impact, and where it happens."""
    if not violations:
        return "no accessibility violations"
    blocks = [_format_violation(v, max_nodes) for v in violations]
    return f"{len(violations)} accessibility violation(s):\n" + "\n".join(blocks)


def _format_violation(violation: dict[str, Any], max_nodes: int) -> str:
    nodes = violation.get("nodes", [])
    lines = [
        f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): {violation['help']}",
        f"  {violation.get('helpUrl', '')}",
    ]
    for node in nodes[:max_nodes]:
        target = " ".join(str(t) for t in node.get("target", []))
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"  at {target}: {node.get('html', '')[:160]}")
        if summary:
            lines.append(f"    {summary}")
    if len(nodes) > max_nodes:
        lines.append(f"  ... and {len(nodes) - max_nodes} more element(s)")
    return "\n".join(lines)
