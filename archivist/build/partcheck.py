"""Read the part folders given to `merge` and make sure they are the whole of one site: every part of
the same N once, built from the same settings, content, theme and Archivist as the site merging them,
each holding the articles it should and every file it says it wrote. Every problem is reported at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

from archivist.build.partdata import PART_FILE, SEARCH_FOLDER, SITE_FOLDER, PartSummary, SummaryError, decode
from archivist.build.partplan import DIGEST_NAMES, Ownership
from archivist.model import Parsed


class PartsError(Exception):
    """The part folders do not make one whole site; the message names every reason."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("cannot merge the parts:\n" + "\n".join(f"  {problem}" for problem in self.problems))


@dataclass(frozen=True)
class Part:
    """One part folder and what its summary says."""

    folder: Path
    summary: PartSummary

    @property
    def site(self) -> Path:
        """Where its files are, by site path."""
        return self.folder / SITE_FOLDER

    @property
    def search(self) -> Path:
        """Where its search shards' bundles are (see partdata.shard_file)."""
        return self.folder / SEARCH_FOLDER

    @property
    def name(self) -> str:
        return f"part {self.summary.part}/{self.summary.parts} ({self.folder})"


def read_parts(folders: Iterable[Path]) -> list[Part]:
    """Each folder's summary; a folder that is not a part, or one made by another version, is refused."""
    parts, problems = [], []
    for folder in folders:
        try:
            parts.append(Part(folder, decode((folder / PART_FILE).read_bytes())))
        except FileNotFoundError:
            problems.append(f"{folder}: not a part folder (no {PART_FILE}; make one with build --part K/N)")
        except OSError as exc:
            problems.append(f"{folder}/{PART_FILE}: cannot be read ({exc.strerror or exc})")
        except SummaryError as exc:
            problems.append(f"{folder}/{PART_FILE}: {exc}")
    if problems:
        raise PartsError(problems)
    return parts


def check_complete(parts: Sequence[Part]) -> PartSummary:
    """Parts 1 to N of one build, each once; the first part's summary stands for the settings of all."""
    first = parts[0].summary
    problems = [f"{part.name} is a part of {part.summary.parts}, {parts[0].name} of {first.parts}"
                for part in parts if part.summary.parts != first.parts]
    if problems:
        raise PartsError(problems)
    seen: dict[int, Part] = {}
    for part in parts:
        if part.summary.part in seen:
            problems.append(f"part {part.summary.part}/{first.parts} is given twice: {seen[part.summary.part].folder} "
                            f"and {part.folder}")
        seen.setdefault(part.summary.part, part)
    missing = [str(number) for number in range(1, first.parts + 1) if number not in seen]
    if missing:
        problems.append(f"part{'s' * (len(missing) > 1)} {', '.join(missing)} of {first.parts} "
                        f"{'are' if len(missing) > 1 else 'is'} missing")
    problems += _disagreements(parts)
    if problems:
        raise PartsError(problems)
    return first


def _disagreements(parts: Sequence[Part]) -> list[str]:
    first = parts[0]
    problems = []
    for part in parts[1:]:
        for what, mine, theirs in (("base URL", part.summary.base_url, first.summary.base_url),
                                   ("--drafts", part.summary.drafts, first.summary.drafts),
                                   ("--no-search", not part.summary.search, not first.summary.search)):
            if mine != theirs:
                problems.append(f"{part.name} was built with {what} {mine}, {first.name} with {theirs}")
        for key, name in DIGEST_NAMES.items():
            if part.summary.digests.get(key) != first.summary.digests.get(key):
                problems.append(f"{part.name} and {first.name} were built from a different {name}")
    return problems


def check_site(parts: Sequence[Part], digests: dict[str, str], published: Sequence[Parsed], plan: Ownership) -> None:
    """The parts were built from this very site, hold the articles this site gives them, and every
    file they list is in their folders."""
    summary = parts[0].summary
    problems = [f"the parts were built from a different {name} than this site, which merges them"
                for key, name in DIGEST_NAMES.items() if summary.digests.get(key) != digests[key]]
    if problems:
        raise PartsError(problems)
    for part in parts:
        wanted = sorted(item.source.relpath for item in published if plan.part_of(item.meta.slug) == part.summary.part)
        held = [record.source for record in part.summary.articles]
        if held != wanted or part.summary.shards != plan.shards:
            problems.append(f"{part.name} holds {len(held)} articles, not the {len(wanted)} this site gives it")
        problems += _missing_files(part)
    if problems:
        raise PartsError(problems)


def _missing_files(part: Part) -> list[str]:
    """A path that would lead out of the part's folder, or of the site, is refused before anything is read."""
    names = [*part.summary.files, *part.summary.search_files,
             *(f"articles/{name}" for record in part.summary.articles for name in record.exports)]
    unsafe = [name for name in names if not _inside(name)]
    if unsafe:
        return [f"{part.name} lists a file outside the site: {unsafe[0]!r}"]
    missing = [f"{SITE_FOLDER}/{path}" for path in part.summary.files if not (part.site / path).is_file()]
    missing += [f"{SEARCH_FOLDER}/{path}" for path in part.summary.search_files if not (part.search / path).is_file()]
    if not missing:
        return []
    return [f"{part.name} lacks {len(missing)} of the files it wrote (the first: {missing[0]}); "
            "was the folder copied whole?"]


def _inside(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(path.parts) and not path.is_absolute() and ".." not in path.parts and "\\" not in name
