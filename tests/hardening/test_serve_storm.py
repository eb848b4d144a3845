"""A storm of saves against `serve`: valid and half-typed files, deletions and renames, as fast as an
editor can make them. The server must never stop, and once the storm is over it must serve
exactly what a clean build of the final files makes."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

from harness import CASES, REPO_ROOT, make_site, scaled
from serve_process import WAIT_SECONDS, Server

ARTICLE = """---
title: {title}
authors: ["Osei, Clara"]
date: 2021-03-{day:02d}
journal: Ledger and Letter
keywords: [ports]
---
The harbour master kept a register of ships, number {number}.{link}
"""
BROKEN = [
    "---\ntitle: Half-typed\ndate: 2021-03\n",  # no closing fence
    "---\ntitel: Typo\ndate: 2021\n---\nText\n",  # unknown key
    "---\ntitle: [unclosed\n---\n",  # YAML syntax
    "---\ntitle: Bad date\ndate: 2021-02-30\n---\n",
    "---\ntitle: Bad link\ndate: 2021\n---\nSee [x](article:nowhere).\n",
    "",  # an editor's empty save
]


def article(rng: random.Random, number: int) -> str:
    link = " See [the other](article:alpha)." if rng.random() < 0.3 else ""
    return ARTICLE.format(title=f"Register {number}", day=rng.randint(1, 28), number=number, link=link)


def storm(folder: Path, rng: random.Random, saves: int) -> None:
    """Rapid saves: rewrites (valid or broken), new files, deletions and renames, with a few
    pauses long enough for rebuilds to start in the middle of it all."""
    for number in range(saves):
        files = sorted(folder.glob("*.md"))
        action = rng.random()
        if action < 0.5 and files:
            target = rng.choice(files)
            target.write_text(article(rng, number) if rng.random() < 0.6 else rng.choice(BROKEN), encoding="utf-8")
        elif action < 0.65:
            (folder / f"new-{number % 7}.md").write_text(article(rng, number), encoding="utf-8")
        elif action < 0.8 and len(files) > 1:
            victim = rng.choice(files)
            if victim.name != "alpha.md":
                victim.unlink()
        elif files:
            source = rng.choice(files)
            if source.name != "alpha.md":
                source.rename(folder / f"renamed-{number % 5}.md")
        if number % 150 == 149:
            time.sleep(0.4)  # let a rebuild begin while the storm goes on
    CASES["saves in the serve storm"] += saves


def final_state(folder: Path) -> None:
    """Valid files at the end, as an editor's last save would leave them."""
    for path in folder.glob("*.md"):
        path.unlink()
    rng = random.Random(7)
    (folder / "alpha.md").write_text(article(rng, 1000), encoding="utf-8")
    for name in ("beta", "gamma", "renamed-1"):
        (folder / f"{name}.md").write_text(article(rng, len(name)), encoding="utf-8")


def test_serve_survives_a_storm_and_ends_equal_to_a_clean_build(tmp_path):
    rng = random.Random(2026)
    site = make_site(tmp_path / "site", {"alpha.md": article(rng, 0), "beta.md": article(rng, 1)})
    articles = site / "content" / "articles"
    server = Server(site)
    try:
        server.settle()
        before = len(server.lines)
        storm(articles, rng, scaled(1000))
        assert server.process.poll() is None
        final_state(articles)
        mark = len(server.lines)
        server.wait_for(lambda line: line.startswith(("rebuilt in", "build failed")), since=mark)
        server.settle()
        assert server.process.poll() is None, "".join(server.lines[-30:])
        during = server.lines[before:]
        assert any(line.startswith("build failed") for line in during), "the storm never met a broken state"
        assert sum(line.startswith("rebuilt in") for line in during) >= 2, "the storm caused too few rebuilds"
        clean = tmp_path / "clean"
        done = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "--site", str(site), "build",
                               "--output", str(clean), "--base-url", server.url, "-q"],
                              capture_output=True, text=True, timeout=WAIT_SECONDS)
        assert done.returncode == 0, done.stderr
        compare_served(server, clean)
        for gone in ("new-0", "renamed-0"):
            assert server.get(f"articles/{gone}/")[0] == 404
    finally:
        server.stop()


def compare_served(server: Server, clean: Path) -> None:
    """Every file of the clean build is served byte for byte; HTML only gains the live script."""
    checked = 0
    for path in sorted(p for p in clean.rglob("*") if p.is_file() and p.name != ".archivist-output"):
        relative = path.relative_to(clean).as_posix()
        status, served = server.get(relative)
        expected = path.read_bytes()
        assert status == 200, relative
        if relative.endswith(".html"):
            end = expected.lower().rfind(b"</body>")
            added = served[end:len(served) - (len(expected) - end)]
            assert served[:end] == expected[:end] and served.endswith(expected[end:]), relative
            assert b"archivist-overlay" not in added, f"{relative} still shows an error overlay"
        else:
            assert served == expected, relative
        checked += 1
    assert checked > 20
