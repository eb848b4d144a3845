"""Write a Markdown summary of the articles a pull request adds, changes or removes, each with its APA citation.

Usage: python scripts/pr_summary.py --base origin/main >> "$GITHUB_STEP_SUMMARY"

The citations come from Archivist's own pipeline (load, validate, cite), so the summary shows
what readers of the built site will see.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import replace
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archivist import config as config_step  # noqa: E402
from archivist.citations.cite import cite_all  # noqa: E402
from archivist.diagnostics import ContentError  # noqa: E402
from archivist.build.steps import load_articles  # noqa: E402

ARTICLES = "content/articles"
STATUS_WORDS = {"A": "added", "M": "changed", "D": "removed", "R": "renamed"}


def changed_files(base: str, root: Path) -> list[tuple[str, str]]:
    """(status letter, path) of every file under content/articles that differs from the base."""
    done = subprocess.run(["git", "diff", "--name-status", "--no-renames", f"{base}...HEAD", "--", ARTICLES],
                          cwd=root, capture_output=True, text=True, check=True)
    rows = []
    for line in done.stdout.splitlines():
        status, _, path = line.partition("\t")
        rows.append((status[:1], path))
    return rows


def article_of(path: str) -> str:
    """The article a changed file belongs to: itself, or the index.md of its bundle folder."""
    pure = PurePosixPath(path)
    if pure.suffix == ".md":
        return path
    parents = [p for p in pure.parents if str(p).startswith(ARTICLES + "/")]
    return str(parents[-1] / "index.md") if parents else path


def touched_articles(rows: list[tuple[str, str]]) -> dict[str, str]:
    """Article source -> 'added' | 'changed' | 'removed' (an asset change counts as 'changed')."""
    touched: dict[str, str] = {}
    for status, path in rows:
        article = article_of(path)
        word = STATUS_WORDS.get(status, "changed") if article == path else "changed"
        touched.setdefault(article, word)
    return touched


def apa_citations(root: Path, sources: set[str]) -> dict[str, str]:
    """Source -> the APA reference (HTML with <i>) of every one of `sources` that builds."""
    config = replace(config_step.load(root), citation_styles=("apa",))
    articles, _problems = load_articles(config, drafts=True)
    wanted = [a for a in articles if a.source.relpath in sources]
    cited, _problems = cite_all(config, wanted)
    return {a.source.relpath: c.citations[0].html for a, c in zip(wanted, cited) if c.citations}


def summary(touched: dict[str, str], citations: dict[str, str]) -> str:
    if not touched:
        return "### Articles\n\nThis pull request does not touch any article.\n"
    lines = ["### Articles in this pull request", ""]
    for source, word in sorted(touched.items()):
        if word == "removed":
            lines.append(f"- **removed** `{source}`")
        elif source in citations:
            lines.append(f"- **{word}** `{source}`  \n  {citations[source]}")
        else:
            lines.append(f"- **{word}** `{source}`: does not build yet; see the check's annotations")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git ref to compare with, e.g. origin/main")
    parser.add_argument("--site", type=Path, default=Path("."), help="the site's folder (default: .)")
    args = parser.parse_args(argv)
    touched = touched_articles(changed_files(args.base, args.site))
    wanted = {s for s, word in touched.items() if word != "removed"}
    try:
        citations = apa_citations(args.site, wanted) if wanted else {}
    except ContentError as exc:  # bad settings: the check step has already said why
        print(f"pr_summary: the settings do not load ({len(exc.diagnostics)} problem(s))", file=sys.stderr)
        citations = {}
    sys.stdout.write(summary(touched, citations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
