"""Random sequences of edits: after each, `build` on top of the last build writes exactly what `build --full` writes.

The default run is short; ARCHIVIST_PROPERTY_EXAMPLES (sequences) and ARCHIVIST_PROPERTY_STEPS (edits per
sequence) make a long one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from archivist import cli

EXAMPLES = int(os.environ.get("ARCHIVIST_PROPERTY_EXAMPLES", "2"))
STEPS = int(os.environ.get("ARCHIVIST_PROPERTY_STEPS", "6"))
SETTINGS = """[tool.archivist]
title = "Property Archive"
base_url = "https://example.org/"
language = "en"
citation_styles = ["apa"]
page_size = 3
"""
PEOPLE = ["Kim, Ana", "Lind, Bo", "Moreau, Claire", "Okafor, Dayo"]
JOURNALS = ["Ledger and Letter", "Parish Notes", ""]
WORDS = ["river", "toll", "parish", "census", "ink", "map"]
EDITS = ("body", "title", "author", "date", "keyword", "journal", "authors_data", "journals_data", "template",
         "add", "remove", "rename")


def article(title: str, authors: list[str], date: str, keywords: list[str], journal: str, body: str) -> str:
    lines = ["---", f'title: "{title}"', "authors:", *[f'  - "{a}"' for a in authors], f"date: {date}"]
    if journal:
        lines += [f"journal: {journal}", 'volume: "3"']
    lines += [f"keywords: [{', '.join(keywords)}]", "---", "", body, ""]
    return "\n".join(lines)


def make_site(root: Path) -> None:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    for n in range(7):
        write_article(root, f"a{n}", n, n)
    (root / "content" / "authors.yaml").write_text('- name: "Kim, Ana"\n  bio: Writes on rivers.\n', encoding="utf-8")
    (root / "content" / "journals.yaml").write_text("- title: Ledger and Letter\n  slug: ledger\n", encoding="utf-8")


def write_article(root: Path, name: str, seed: int, variant: int) -> None:
    text = article(f"Article {name} v{variant}", [PEOPLE[seed % 4], PEOPLE[(seed + variant) % 4]][: 1 + seed % 2],
                   f"20{10 + (seed * 7 + variant) % 9}-0{1 + variant % 9}-1{seed % 9}",
                   [WORDS[(seed + variant) % 6], WORDS[(seed * 3) % 6]], JOURNALS[(seed + variant) % 3],
                   f"Body of {name}, version {variant}. See [the map](https://example.org/{seed}).")
    (root / "content" / "articles" / f"{name}.md").write_text(text, encoding="utf-8")


def replace_line(path: Path, prefix: str, line: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    found = [i for i, old in enumerate(lines) if old.startswith(prefix)]
    if found:
        lines[found[0]] = line
    else:
        lines.insert(1, line)
    path.write_text("\n".join(lines), encoding="utf-8")


def apply(root: Path, edit: str, pick: int, step: int) -> None:
    articles = sorted((root / "content" / "articles").glob("*.md"))
    target = articles[pick % len(articles)] if articles else None
    if edit == "add" or target is None:
        write_article(root, f"n{step}", pick, step)
    elif edit == "body":
        target.write_text(target.read_text(encoding="utf-8") + f"\nMore text {step}.\n", encoding="utf-8")
    elif edit == "title":
        replace_line(target, "title:", f'title: "Retitled {step}"')
    elif edit == "author":
        replace_line(target, "  - ", f'  - "{PEOPLE[(pick + step) % 4]}"')
    elif edit == "date":
        replace_line(target, "date:", f"date: 20{10 + (pick + step) % 9}-0{1 + step % 9}-0{1 + pick % 9}")
    elif edit == "keyword":
        replace_line(target, "keywords:", f"keywords: [{WORDS[(pick + step) % 6]}]")
    elif edit == "journal":
        replace_line(target, "journal:", f"journal: {JOURNALS[(pick + step) % 2]}")
    elif edit == "authors_data":
        (root / "content" / "authors.yaml").write_text(
            f'- name: "{PEOPLE[step % 4]}"\n  bio: Bio {step}.\n  slug: person-{step}\n', encoding="utf-8")
    elif edit == "journals_data":
        (root / "content" / "journals.yaml").write_text(
            f"- title: {JOURNALS[step % 2]}\n  slug: j{step}\n", encoding="utf-8")
    elif edit == "template":
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / "404.html").write_text(
            f'{{% extends "!builtin/404.html" %}}{{# edit {step} #}}\n', encoding="utf-8")
    elif edit == "remove" and len(articles) > 1:
        target.unlink()
    elif edit == "rename":
        target.rename(target.with_name(f"r{step}-{target.name}"))


def build(root: Path, *extra: str) -> None:
    code = cli.main(["--site", str(root), "build", "--no-search", *extra])
    assert code == 0


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 20)), min_size=STEPS, max_size=STEPS))
def test_every_incremental_build_equals_a_full_build(edits):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        make_site(root)
        build(root)
        for step, (edit, pick) in enumerate(edits):
            apply(root, edit, pick, step)
            build(root)
            build(root, "--full", "--output", "full")
            assert tree(root / "output") == tree(root / "full"), f"after {edits[: step + 1]}"
            shutil.rmtree(root / "full")
