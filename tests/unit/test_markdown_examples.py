"""Markdown behaviour from example files: input, a '.' line, the expected HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archivist.config import SiteConfig
from archivist.markdown.article import path_resolver
from archivist.markdown import BodyContext, MarkdownOptions, render_body

FIXTURES = Path(__file__).parent.parent / "fixtures" / "markdown"
FENCE = "`" * 32
_EXAMPLE_START = re.compile(rf"^{FENCE} example(?P<options>[^\n]*)$")

ARTICLES = {"kim-takes-control": "../kim-takes-control/", "seoul-1988": "../seoul-1988/"}
ASSETS = {"images/map.svg", "map.svg", "images/photo.jpg", "diagram.png"}
ALIASES = [("old/kim", "kim-takes-control")]  # an old address of an article


def example_context(lang: str, options: MarkdownOptions = MarkdownOptions(), root: str = "/") -> BodyContext:
    """The context every example renders in: a few known articles and bundle files, the site at `root`."""
    config = SiteConfig(root=Path("."), base_url=f"https://example.org{root}")
    return BodyContext(
        path="content/articles/example.md",
        first_line=1,
        lang=lang,
        labels={"notes": "Notes", "back_to_text": "Back to text", "table": "Table",
                "figure": "Figure", "external": "external link"},
        resolve_article=ARTICLES.get,
        asset_exists=ASSETS.__contains__,
        options=options,
        site_root=config.path_prefix,
        resolve_path=path_resolver(config, ALIASES),
    )


def parse_examples(path: Path) -> list[tuple[str, dict[str, str], str, str]]:
    """(name, options, markdown, html) for each example; names come from '## ' headings."""
    examples, section, lines = [], path.stem, path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        m = _EXAMPLE_START.match(line)
        if m:
            end = lines.index(FENCE, i + 1)
            body = lines[i + 1:end]
            dot = body.index(".")
            options = dict(opt.split("=", 1) for opt in m.group("options").split())
            examples.append((section, options, "\n".join(body[:dot]) + "\n", "\n".join(body[dot + 1:])))
            i = end
        i += 1
    return examples


def collect() -> list:
    params = []
    for path in sorted(FIXTURES.glob("*.txt")):
        counts: dict[str, int] = {}
        for section, options, markdown, html in parse_examples(path):
            slug = re.sub(r"[^a-z0-9]+", "-", section.lower()).strip("-")
            counts[slug] = counts.get(slug, 0) + 1
            test_id = f"{path.stem}/{slug}" + (f"-{counts[slug]}" if counts[slug] > 1 else "")
            params.append(pytest.param(options, markdown, html, id=test_id))
    return params


EXAMPLES = collect()


def test_fixture_files_hold_enough_examples():
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize(("options", "markdown", "expected"), EXAMPLES)
def test_example(options: dict[str, str], markdown: str, expected: str):
    syntax = MarkdownOptions(subscript=options.get("subscript", "true") == "true",
                             superscript=options.get("superscript", "true") == "true",
                             math=tuple(options.get("math", "dollars").split(",")))
    body, _ = render_body(markdown, example_context(options.get("lang", "en-US"), syntax, options.get("root", "/")))
    assert body.html.strip() == expected.strip()
