"""Turn Python Enhancement Proposals into an archive for measuring search relevance.

    .venv/bin/python benchmarks/relevance/pep_corpus.py PEPS_DIR SITE_DIR [--count 160]

PEPS_DIR is a checkout of the public python/peps repository (its peps/pep-NNNN.rst files);
SITE_DIR receives pyproject.toml and content/articles/pep-NNNN.md. PEPs are long, written by
people who also edit (sponsor, delegate) and cite each other's PEPs, and most have an abstract:
a fair stand-in for a journal's archive that nobody here wrote. The COUNT longest PEPs that are
Final, Active or Accepted are taken, so the same checkout gives the same archive. Each PEP's
reStructuredText body goes through pandoc (`apt-get install pandoc`) into Markdown; its authors
become the article's authors, its sponsor and delegate its editors, its "Abstract" section the
abstract, its created date the date.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

STATUSES = ("Final", "Active", "Accepted")
PARTICLES = ("van", "von", "de", "der", "da", "del", "di", "le", "la")
HEADER_FIELD = re.compile(r"^([A-Za-z-]+):\s*(.*)$")
NAME = re.compile(r"^\s*([^<,]+?)\s*(?:<[^>]*>)?\s*$")


def headers(text: str) -> tuple[dict[str, str], str]:
    """The RFC 822 style header of a PEP and the reStructuredText after it."""
    fields: dict[str, str] = {}
    lines = text.splitlines()
    at, key = 0, ""
    while at < len(lines) and lines[at].strip():
        found = HEADER_FIELD.match(lines[at])
        if found and not lines[at].startswith((" ", "\t")):
            key = found.group(1)
            fields[key] = found.group(2).strip()
        elif key:
            fields[key] += " " + lines[at].strip()
        at += 1
    return fields, "\n".join(lines[at:])


def people(field: str) -> list[dict[str, str]]:
    """'Guido van Rossum <guido@python.org>, Barry Warsaw' as Archivist's name records."""
    out = []
    for part in re.split(r",(?![^<]*>)", field):
        found = NAME.match(part)
        if not found or not found.group(1).strip():
            continue
        words = found.group(1).split()
        if len(words) == 1:
            out.append({"name": words[0]})
            continue
        cut = len(words) - 1
        while cut > 1 and words[cut - 1].lower() in PARTICLES:
            cut -= 1
        person = {"family": words[-1], "given": " ".join(words[:cut])}
        if cut < len(words) - 1:
            person["particle"] = " ".join(words[cut:-1])
        out.append(person)
    return out


def split_abstract(markdown: str) -> tuple[str, str]:
    """The text of the first '## Abstract' section, and the body without it."""
    found = re.search(r"^## Abstract\s*\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    if not found:
        return "", markdown
    return found.group(1).strip(), (markdown[:found.start()] + markdown[found.end():]).strip() + "\n"


def to_markdown(rst: str) -> str:
    done = subprocess.run(["pandoc", "-f", "rst", "-t", "commonmark", "--shift-heading-level-by=1", "--wrap=none"],
                          input=rst, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pandoc failed: {done.stderr}")
    # Raw HTML lines add nothing to a search test; figures stay behind (their alt text is kept).
    text = re.sub(r"<img\b[^>]*>", "", done.stdout)
    text = re.sub(r"^<[^>\n]+>\s*$", "", text, flags=re.M)
    return re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)


def quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def article(number: int, fields: dict[str, str], body: str) -> str:
    abstract, rest = split_abstract(to_markdown(body))
    created = datetime.strptime(fields["Created"].split()[0], "%d-%b-%Y").date().isoformat()
    lines = ["---", f"title: {quoted(f'PEP {number}: ' + fields['Title'])}", "authors:"]
    lines += [f"  - {json.dumps(p, ensure_ascii=False)}" for p in people(fields.get("Author", ""))]
    editors = people(", ".join(fields[k] for k in ("Sponsor", "PEP-Delegate") if fields.get(k)))
    if editors:
        lines += ["editors:"] + [f"  - {json.dumps(p, ensure_ascii=False)}" for p in editors]
    lines += [f"date: {created}", 'journal: "Python Enhancement Proposals"', f"keywords: [{quoted(fields.get('Type', 'PEP'))}]"]
    if abstract:
        lines += ["abstract: |"] + [f"  {line}" if line else "" for line in abstract.splitlines()]
    return "\n".join(lines + ["---", "", rest])


def chosen(peps: Path, count: int) -> list[tuple[int, dict[str, str], str]]:
    found = []
    for path in sorted(peps.glob("pep-[0-9]*.rst")):
        fields, body = headers(path.read_text(encoding="utf-8"))
        if fields.get("Status") in STATUSES and "Created" in fields and "Title" in fields:
            found.append((len(body), int(path.stem.split("-")[1]), fields, body))
    found.sort(key=lambda item: (-item[0], item[1]))
    return sorted(((number, fields, body) for _, number, fields, body in found[:count]), key=lambda item: item[0])


def write_site(peps: Path, site: Path, count: int, shard_size: int | None = None) -> list[str]:
    """Write the archive; return its slugs."""
    articles = site / "content" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    settings = ('[project]\nname = "pep-archive"\nversion = "0"\n\n[tool.archivist]\ntitle = "PEP Archive"\n'
                'base_url = "https://example.org/peps/"\ndescription = "Python Enhancement Proposals."\n'
                "citation_styles = []\n")
    if shard_size:
        settings += f"search_shard_size = {shard_size}\n"
    (site / "pyproject.toml").write_text(settings, encoding="utf-8")
    slugs = []
    for number, fields, body in chosen(peps, count):
        slug = f"pep-{number:04d}"
        (articles / f"{slug}.md").write_text(article(number, fields, body), encoding="utf-8")
        slugs.append(slug)
    return slugs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("peps", type=Path, help="a python/peps checkout (or its peps/ folder)")
    parser.add_argument("site", type=Path)
    parser.add_argument("--count", type=int, default=160)
    parser.add_argument("--shard-size", type=int, help="search_shard_size for the site's settings")
    args = parser.parse_args(argv)
    folder = args.peps / "peps" if (args.peps / "peps").is_dir() else args.peps
    slugs = write_site(folder, args.site, args.count, args.shard_size)
    print(f"wrote {len(slugs)} PEPs into {args.site}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
