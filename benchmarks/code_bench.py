"""What colouring code costs: CPU milliseconds per 1,000 lines, per language, with and without Pygments.

    .venv/bin/python benchmarks/code_bench.py            # 1,000 lines of each language
    .venv/bin/python benchmarks/code_bench.py --lines 5000

Each language's lines go through render_body twice: in a fence tagged with the language and in
an untagged fence, so the difference is what highlighting adds to rendering an article. CPU time
(not wall time) is measured, the best of several runs, so other work on the machine counts less.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archivist.markdown import BodyContext, render_body  # noqa: E402

CONTEXT = BodyContext("bench.md", 1, "en", {}, lambda _slug: None, lambda _path: False)


def samples(count: int) -> dict[str, str]:
    """`count` lines of each language: real Python from the standard library, the others made up."""
    python = inspect.getsource(argparse).split("\n")
    python = (python * (count // len(python) + 1))[:count]
    made = {
        "r": "df{i} <- subset(places, page == {i} & !is.na(name)) # page {i}",
        "xml": '<place xml:id="pl-{i}"><placeName type="main">Name {i}</placeName></place>',
        "sql": "SELECT page, COUNT(*) FROM places WHERE page = {i} GROUP BY page;",
        "sh": "grep -c '^[A-Z]' pages/p{i}.txt | awk '{{print $1}}' >> counts.txt",
    }
    out = {"python": "\n".join(python) + "\n"}
    out.update({lang: "\n".join(line.format(i=i) for i in range(count)) + "\n" for lang, line in made.items()})
    return out


def best_cpu_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'language':10} {'coloured':>10} {'plain':>8} {'per 1,000 lines':>16}")
    for language, code in samples(args.lines).items():
        coloured = best_cpu_ms(lambda: render_body(f"```{language}\n{code}```\n", CONTEXT), args.runs)
        plain = best_cpu_ms(lambda: render_body(f"```\n{code}```\n", CONTEXT), args.runs)
        per_thousand = (coloured - plain) * 1000 / args.lines
        print(f"{language:10} {coloured:8.1f}ms {plain:6.1f}ms {per_thousand:13.1f}ms")


if __name__ == "__main__":
    main()
