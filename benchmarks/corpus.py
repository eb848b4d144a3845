"""Write a deterministic benchmark site of N long scholarly articles: the same seed gives the same bytes."""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

ONSETS = ("b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr",
          "r", "s", "sh", "st", "t", "th", "tr", "v", "w", "z")
NUCLEI = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y")
CODAS = ("", "", "", "n", "r", "s", "l", "m", "nd", "rt", "st", "x")
FUNCTION_WORDS = ("the", "of", "and", "in", "to", "a", "was", "that", "for", "as", "with", "by",
                  "on", "were", "from", "which", "their", "this", "at", "is", "not", "or", "but")
PARTICLES = ("van der", "de", "von", "da")
LICENSES = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0")
VOCABULARY_SIZE = 20_000
SENTENCE_POOL_SIZE = 30_000
SENTENCES_PER_ARTICLE = 330  # with the notes, about 6,000 words at 16 words a sentence
FOOTNOTES_PER_ARTICLE = 40
NOTE_POOL_SIZE = 6_000
HEADING_POOL_SIZE = 3_000
DOI_PREFIX = "10.99999"


@dataclass(frozen=True)
class Person:
    family: str
    given: str
    particle: str
    orcid: str
    affiliation: str


@dataclass(frozen=True)
class Journal:
    title: str
    issn: str
    publisher: str
    first_year: int


class Words:
    """A seeded Zipf-like vocabulary and a pool of sentences drawn from it.

    Articles are assembled from pooled sentences rather than word by word, because picking
    400 sentences is a hundred times faster than picking 6,000 words.
    """

    def __init__(self, rng: random.Random):
        invented = _invent_words(rng, VOCABULARY_SIZE)
        self.words = list(FUNCTION_WORDS) + invented
        weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self.cumulative = list(accumulate(weights))
        self.rare = invented[len(invented) // 2:]
        self.sentences = [self._sentence(rng) for _ in range(SENTENCE_POOL_SIZE)]

    def pick(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)

    def _sentence(self, rng: random.Random) -> str:
        words = self.pick(rng, rng.randint(8, 24))
        if rng.random() < 0.15:
            at = rng.randrange(len(words))
            words[at] = f"*{words[at]}*"
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def phrase(self, rng: random.Random, low: int, high: int) -> str:
        return " ".join(rng.choice(self.rare) for _ in range(rng.randint(low, high)))

    def name(self, rng: random.Random) -> str:
        return rng.choice(self.rare).capitalize()


def _invent_words(rng: random.Random, count: int) -> list[str]:
    seen: set[str] = set(FUNCTION_WORDS)
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(ONSETS) + rng.choice(NUCLEI) for _ in range(rng.randint(1, 3)))
        word += rng.choice(CODAS)
        if len(word) > 2 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def orcid_check_digit(base: str) -> str:
    """ISO 7064 MOD 11-2 over the first 15 digits, as ORCID computes it."""
    total = 0
    for char in base:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def make_orcid(index: int) -> str:
    """A valid, unique ORCID iD for person number `index` (a bijection keeps them distinct)."""
    middle = f"{(index * 7919 + 1_234_567) % 10_000_000:07d}"
    base = "00000002" + middle
    digits = base + orcid_check_digit(base)
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def make_issn(index: int) -> str:
    """A valid ISSN for journal number `index`."""
    digits = f"{(index * 104_729 + 2_000_000) % 10_000_000:07d}"
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"


def _people(rng: random.Random, words: Words, count: int) -> list[Person]:
    places = [f"Department of {words.name(rng)} Studies, University of {words.name(rng)}" for _ in range(40)]
    people = []
    for index in range(count):
        particle = rng.choice(PARTICLES) if rng.random() < 0.05 else ""
        orcid = make_orcid(index) if rng.random() < 0.8 else ""
        people.append(Person(words.name(rng), words.name(rng), particle, orcid, rng.choice(places)))
    return people


def _journals(rng: random.Random, words: Words, count: int) -> list[Journal]:
    kinds = ("Journal of", "Annals of", "Review of", "Studies in", "Bulletin of")
    return [Journal(f"{rng.choice(kinds)} {words.name(rng)} {words.name(rng)}", make_issn(index),
                    f"{words.name(rng)} Academic Press", rng.randint(1950, 1995))
            for index in range(count)]


def _zipf_index(rng: random.Random, count: int) -> int:
    """Mostly low indices: a few prolific authors and busy journals, a long tail of others."""
    return min(int(count * rng.random() ** 2.5), count - 1)


class Corpus:
    """Everything shared between articles, built once per (n, seed)."""

    def __init__(self, n: int, seed: int):
        rng = random.Random(seed)
        self.seed = seed
        self.words = Words(rng)
        self.people = _people(rng, self.words, max(6, n * 2 // 3))
        self.journals = _journals(rng, self.words, 4 + n // 250)
        self.keywords = [self.words.phrase(rng, 1, 2) for _ in range(max(20, n // 10))]
        # Pools drawn from per article: a few choices() calls per article keep 10,000 articles fast.
        self.notes = [_note(rng, self.words, self.people) for _ in range(NOTE_POOL_SIZE)]
        self.headings = [self.words.phrase(rng, 2, 5).capitalize() for _ in range(HEADING_POOL_SIZE)]

    def article(self, index: int) -> tuple[str, str]:
        """(slug, file text) of article `index`; each article has its own seeded stream."""
        rng = random.Random(self.seed * 1_000_003 + index)
        title = self._title(rng)
        slug = "-".join(title.lower().replace(":", "").split()[:4]) + f"-{index:05d}"
        front = self._front_matter(rng, index, title)
        return slug, front + _body(rng, self)

    def _title(self, rng: random.Random) -> str:
        title = self.words.phrase(rng, 3, 6).title()
        if rng.random() < 0.5:
            title += ": " + self.words.phrase(rng, 2, 5).capitalize()
        return title

    def _front_matter(self, rng: random.Random, index: int, title: str) -> str:
        journal = self.journals[_zipf_index(rng, len(self.journals))]
        year = rng.randint(max(journal.first_year, 1990), 2025)
        authors = {self.people[_zipf_index(rng, len(self.people))] for _ in range(rng.randint(1, 4))}
        first_page = rng.randint(1, 400)
        lines = ["---", f"title: {_quote(title)}", "authors:"]
        lines += [_person_yaml(p) for p in sorted(authors, key=lambda p: (p.family, p.given))]
        lines += [
            f"date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"journal: {_quote(journal.title)}",
            f'volume: "{year - journal.first_year + 1}"',
            f'issue: "{rng.randint(1, 4)}"',
            f"pages: {first_page}-{first_page + rng.randint(10, 40)}",
            f"doi: {DOI_PREFIX}/bench.{year}.{index:05d}",
            f"issn: {journal.issn}",
            f"publisher: {_quote(journal.publisher)}",
            f"license: {rng.choice(LICENSES)}",
            "keywords:",
        ]
        lines += [f"  - {_quote(k)}" for k in sorted(set(rng.sample(self.keywords, rng.randint(3, 6))))]
        lines += ["abstract: |"] + [f"  {s}" for s in rng.sample(self.words.sentences, 4)] + ["---", ""]
        return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _person_yaml(person: Person) -> str:
    fields = [f"family: {_quote(person.family)}", f"given: {_quote(person.given)}"]
    if person.particle:
        fields.append(f"particle: {_quote(person.particle)}")
    if person.orcid:
        fields.append(f'orcid: "{person.orcid}"')
    fields.append(f"affiliation: {_quote(person.affiliation)}")
    return "  - {" + ", ".join(fields) + "}"


def _body(rng: random.Random, corpus: Corpus) -> str:
    sentences = rng.choices(corpus.words.sentences, k=SENTENCES_PER_ARTICLE)
    paragraphs = _paragraphs(rng, sentences)
    noted = sorted(rng.sample(range(len(paragraphs)), min(FOOTNOTES_PER_ARTICLE, len(paragraphs))))
    for number, at in enumerate(noted, start=1):
        paragraphs[at] += f"[^{number}]"
    blocks = _sections(rng, corpus, paragraphs)
    notes = [f"[^{n}]: {text}" for n, text in enumerate(rng.choices(corpus.notes, k=len(noted)), start=1)]
    return "\n\n".join(blocks + notes) + "\n"


def _paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    paragraphs, at = [], 0
    while at < len(sentences):
        size = rng.randint(3, 7)
        paragraphs.append(" ".join(sentences[at:at + size]))
        at += size
    return paragraphs


def _sections(rng: random.Random, corpus: Corpus, paragraphs: list[str]) -> list[str]:
    """An h2 every twelve paragraphs, an h3 between, plus one block quote, one table and one list."""
    blocks: list[str] = []
    extras = dict(zip(rng.sample(range(4, len(paragraphs)), 3), ("quote", "table", "list")))
    headings = iter(rng.choices(corpus.headings, k=len(paragraphs) // 6 + 1))
    for at, paragraph in enumerate(paragraphs):
        if at and at % 12 == 0:
            blocks.append("## " + next(headings))
        elif at % 12 == 6:
            blocks.append("### " + next(headings))
        blocks.append(paragraph)
        kind = extras.get(at)
        if kind:
            blocks.append(_EXTRAS[kind](rng, corpus.words))
    return blocks


def _quote_block(rng: random.Random, words: Words) -> str:
    return "\n>\n".join("> " + " ".join(rng.sample(words.sentences, 3)) for _ in range(2))


def _table(rng: random.Random, words: Words) -> str:
    header = "| " + " | ".join(words.name(rng) for _ in range(4)) + " |"
    rows = [f"| {words.name(rng)} | {rng.randint(1, 999)} | {rng.randint(1, 99)}.{rng.randint(0, 9)} | "
            f"{words.phrase(rng, 1, 3)} |" for _ in range(6)]
    return "\n".join([header, "|---|--:|--:|---|"] + rows)


def _list(rng: random.Random, words: Words) -> str:
    marker = rng.choice(("1.", "-"))
    return "\n".join(f"{marker} {s}" for s in rng.sample(words.sentences, rng.randint(4, 7)))


_EXTRAS = {"quote": _quote_block, "table": _table, "list": _list}


def _note(rng: random.Random, words: Words, people: list[Person]) -> str:
    """A footnote citing an invented book, sometimes with a comment after it."""
    person = people[rng.randrange(len(people))]
    title = words.phrase(rng, 3, 6).title()
    start = rng.randint(1, 300)
    source = (f"{person.given} {person.family}, *{title}* ({words.name(rng)}: {words.name(rng)} Press, "
              f"{rng.randint(1850, 2024)}), {start}–{start + rng.randint(1, 30)}.")
    return source + (" " + rng.choice(words.sentences) if rng.random() < 0.5 else "")


def site_settings(title: str = "Benchmark Archive", base_url: str = "https://example.org/bench/") -> str:
    return (f'[project]\nname = "benchmark-archive"\nversion = "0"\n\n[tool.archivist]\n'
            f"title = {_quote(title)}\nbase_url = {_quote(base_url)}\n"
            'description = "A generated archive for measuring build performance."\n'
            'publisher = "Benchmark Society"\n')


def generate(root: Path, n: int, seed: int = 1) -> list[Path]:
    """Write pyproject.toml and content/articles/<slug>.md for n articles; return the article paths."""
    if n < 1:
        raise ValueError("n must be at least 1")
    root = Path(root)
    articles_dir = root / "content" / "articles"
    articles_dir.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(site_settings(), encoding="utf-8")
    corpus = Corpus(n, seed)
    paths = []
    for index in range(n):
        slug, text = corpus.article(index)
        path = articles_dir / f"{slug}.md"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic benchmark site.")
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("root", type=Path, help="folder to write the site into")
    args = parser.parse_args(argv)
    paths = generate(args.root, args.n, args.seed)
    print(f"wrote {len(paths)} articles into {args.root / 'content' / 'articles'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
