"""Builds the hostile site: every payload of xss_payloads.txt in every front-matter field and body construct."""

from __future__ import annotations

import json
from pathlib import Path

from harness import make_site

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")
ARTICLES = 16  # each article carries several payloads, so every field sees every payload

XSS_TOML = """[tool.archivist]
title = "Hostile <script>window.__xss=1</script> archive"
description = "</title><script>window.__xss=1</script>"
base_url = "http://127.0.0.1/site/"
publisher = "\\"><img src=x onerror=window.__xss=1>"
citation_styles = ["apa"]
markdown_math_delimiters = ["dollars", "double_backslash", "single_backslash"]
"""


def payloads() -> list[str]:
    """The corpus, one payload a line."""
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def _pick(items: list[str], article: int, slot: int) -> str:
    """Payloads for one field of one article: across the articles a field meets every payload."""
    per = -(-len(items) // ARTICLES)
    start = (article * per + slot * 7) % len(items)
    return " ".join(items[(start + k) % len(items)] for k in range(per))


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def front_matter(items: list[str], n: int) -> str:
    """Every free-text field of the schema holds payloads; checked fields hold hostile but valid values."""
    p = lambda slot: _q(_pick(items, n, slot))  # noqa: E731 - a one-line helper reads best here
    no_images = [item for item in items if "figure.png" not in item]
    # Names, keywords and journals become folder names; one payload each keeps them under 255 bytes.
    one = lambda slot: _q(items[(n * 4 + slot * 5) % len(items)])  # noqa: E731
    hostile_url = _q(f"https://example.invalid/{n}?q=\"><script>window.__xss=1</script>")
    return "\n".join([
        "---",
        f"title: {p(0)}",
        "date: 2021-05-04",
        f"slug: hostile-{n}",
        "authors:",
        f"  - {{family: {one(1)}, given: {one(2)}, affiliation: {p(3)}, orcid: 0000-0002-1825-0097}}",
        f"  - {{name: {one(4)}}}",
        f"  - {one(5)}",
        f"editors: [{{family: {one(6)}, given: Ed}}]",
        f"translators: [{{name: {one(7)}}}]",
        f"journal: {one(8)}",
        f"volume: {one(9)}",
        f"issue: {one(10)}",
        f"publisher: {p(11)}",
        f"publisher_place: {p(12)}",
        f"abstract: {_q(_pick(no_images, n, 13))}",  # an abstract has no folder to hold images
        f"keywords: [{one(14)}, {one(15)}, {_q('k' + str(n))}]",
        f"url: {hostile_url}",
        f"license: {hostile_url}",
        f"doi: \"10.1234/x{n}'onmouseover='window.__xss=1\"",
        f"csl: {{note: {p(16)}, container-title-short: {p(17)}, title-short: {p(18)}, genre: {p(19)}}}",
        f"extra: {{note: {p(20)}}}",
        "---",
    ])


def body(items: list[str], n: int) -> str:
    """Payloads as paragraphs, headings, link text, footnotes, table cells, quotes, list items, and
    highlighted code and code fence info strings."""
    chunk = _pick(items, n, 21)
    fence, info = "`" * 12, chunk.split("\n", 1)[0].replace("`", "")
    parts = [f"# {chunk}", "", chunk, "", f"A note.[^n{n}]", "", f"[^n{n}]: {chunk}", "",
             f"| {_cell(chunk)} | b |", "|---|---|", f"| a | {_cell(chunk)} |", "",
             f"> {chunk}", "", f"- {chunk}", "", f"[{chunk}](https://example.invalid/)", "",
             f"![{_cell(chunk)}](figure.png)", "", f"Term\n: {chunk}", "",
             f"{fence} html", chunk, fence, "", f'{fence} {{.js .numberLines hl_lines="1" {info}}}', chunk, fence, "",
             f"{fence} {info}", chunk, fence, ""]
    parts += [line for item in items for line in (item, "")] if n == 0 else []
    return "\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def make_xss_site(root: Path) -> Path:
    """Write the hostile site at `root`; each article is a bundle with a figure and a hostile PDF name."""
    items = payloads()
    files: dict[str, bytes | str] = {}
    for n in range(ARTICLES):
        folder = f"hostile-{n}"
        files[f"{folder}/index.md"] = front_matter(items, n) + "\n" + body(items, n) + "\n"
        files[f"{folder}/figure.png"] = PNG
    make_site(root, files, XSS_TOML)
    return root


# A 1x1 transparent PNG, so figure references resolve.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)
