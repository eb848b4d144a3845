"""Build the benchmark corpus with other generators (Hugo, Pelican, the Pagefind CLI) for comparison."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from measure import Sample, measure

PEERS_DIR = Path(__file__).resolve().parent / "peers"
REPO_ROOT = Path(__file__).resolve().parent.parent
PAGEFIND_BIN = REPO_ROOT / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" \
    / "site-packages" / "pagefind_bin" / "pagefind"
PELICAN_CANDIDATES = (Path("/tmp/pelican-venv/bin/pelican"),)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Peer:
    """A generator we can run: its name, its executable, and its version line."""

    name: str
    executable: Path
    version: str


def find_hugo() -> Peer | None:
    found = shutil.which("hugo")
    return Peer("hugo", Path(found), _version([found, "version"])) if found else None


def find_pelican(extra: Path | None = None) -> Peer | None:
    candidates = ([extra] if extra else []) + [Path(p) for p in filter(None, [shutil.which("pelican")])]
    for candidate in candidates + list(PELICAN_CANDIDATES):
        if candidate.is_file():
            return Peer("pelican", candidate, "pelican " + _version([str(candidate), "--version"]))
    return None


def find_pagefind() -> Peer | None:
    candidates = [PAGEFIND_BIN] + sorted(REPO_ROOT.glob(".venv/lib/python*/site-packages/pagefind_bin/pagefind"))
    for candidate in candidates:
        if candidate.is_file():
            return Peer("pagefind", candidate, _version([str(candidate), "--version"]))
    return None


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "unknown"


def hugo_command(hugo: Peer, content: Path, output: Path, cache: Path) -> list[str]:
    """Hugo reads the corpus's YAML front-matter as it is; only the templates are ours."""
    return [str(hugo.executable), "--source", str(PEERS_DIR / "hugo"), "--contentDir", str(content),
            "--destination", str(output), "--cacheDir", str(cache), "--quiet"]


def pagefind_command(pagefind: Peer, site: Path) -> list[str]:
    return [str(pagefind.executable), "--site", str(site), "--silent"]


def pelican_command(pelican: Peer, content: Path, output: Path) -> list[str]:
    return [str(pelican.executable), str(content), "--output", str(output), "--settings",
            str(PEERS_DIR / "pelican" / "pelicanconf.py"), "--theme-path", str(PEERS_DIR / "pelican"),
            "--quiet"]


def to_pelican(source: Path, target: Path) -> int:
    """Rewrite every article with Pelican's `Key: value` header instead of YAML; return the count."""
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted((source / "articles").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        header = pelican_header(yaml.load(front, Loader=_Loader), path.stem)
        (target / path.name).write_text(header + "\n" + body, encoding="utf-8")
        count += 1
    return count


def pelican_header(meta: dict, slug: str) -> str:
    """Pelican's metadata lines for one article: authors by ';', keywords as tags, journal as category."""
    authors = "; ".join(" ".join(filter(None, (p.get("given"), p.get("particle"), p.get("family"))))
                        for p in meta.get("authors", []))
    fields = {
        "Title": meta["title"], "Date": str(meta["date"]), "Authors": authors, "Slug": slug,
        "Category": meta.get("journal", ""), "Tags": ", ".join(meta.get("keywords", [])),
        "Summary": " ".join(str(meta.get("abstract", "")).split()),
        "Doi": meta.get("doi", ""), "Volume": meta.get("volume", ""), "Issue": meta.get("issue", ""),
        "Pages": meta.get("pages", ""),
    }
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


def measure_fresh(command: list[str], output: Path, timeout: float, prepare: Callable[[], None] | None = None) -> Sample:
    """One cold run: the output (and whatever prepare() clears) removed first."""
    shutil.rmtree(output, ignore_errors=True)
    if prepare:
        prepare()
    return measure(command, timeout=timeout)
