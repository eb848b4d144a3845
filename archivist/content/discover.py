"""Find the articles under content/articles and read them safely into SourceFile records."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable

from archivist.diagnostics import Diagnostic, error
from archivist.model import SourceFile
from archivist.util.files import site_key, stat_key

MAX_ARTICLE_BYTES = 4 * 1024 * 1024  # a long monograph is ~1 MB of Markdown; beyond this is a mistake


FileKey = tuple[int, int, int, int]  # size, modification and change times in ns, inode


def scan(site_root: Path, known: dict[str, tuple[FileKey, SourceFile]] | None = None,
         each: Callable[[SourceFile], SourceFile] | None = None, count: Callable[[int], None] | None = None
         ) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every `*.md` below content/articles, in a stable order, with read problems as diagnostics.

    `known` (kept by `serve` between rebuilds) maps a path to the file's size, time and inode
    when it was last read, and what was read: a file whose three are unchanged is not read again.
    `each` is handed every file as soon as it is read, and what it returns is kept instead (a build
    takes what it needs of a text and lets the text go, so that no large archive's texts are all
    in memory at once); `count` is told how many files there are before the first is read.
    """
    articles_dir = site_root / "content" / "articles"
    if not articles_dir.is_dir():
        return [], [error("content/articles", 1, "content.missing",
                          "no content/articles folder: articles live in content/articles/<slug>.md")]
    sources: list[SourceFile] = []
    problems: list[Diagnostic] = []
    names = _markdown_files(articles_dir)
    if count is not None:
        count(len(names))
    for name in names:
        relpath = site_key(name, site_root)
        key = _plain_file_key(name) if known is not None else None
        if key is not None and known is not None and relpath in known and known[relpath][0] == key:
            sources.append(known[relpath][1] if each is None else each(known[relpath][1]))
            continue
        source, problem = _read(Path(name), relpath, articles_dir)
        if source:
            if key is not None and known is not None:
                known[relpath] = (key, source)
            sources.append(source if each is None else each(source))
        if problem:
            problems.append(problem)
    return sources, problems


def _plain_file_key(name: str) -> FileKey | None:
    """Size, times and inode of a regular file that is not a link; None for anything else. The change
    time tells an edit whose old modification time was put back (the kernel sets it on every write)."""
    try:
        found = os.lstat(name)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return stat_key(found)


def _markdown_files(folder: Path) -> list[str]:
    """Markdown files sorted by path (folder by folder, as paths compare), skipping hidden and
    underscore-prefixed entries; as strings, which a large archive walks several times faster."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        found.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".md") and not f.startswith((".", "_")))
    return sorted(found, key=lambda name: name.split(os.sep))


def _read(path: Path, relpath: str, articles_dir: Path) -> tuple[SourceFile | None, Diagnostic | None]:
    raw, problem = _read_bytes(path, relpath, articles_dir)
    if raw is None:
        return None, problem
    text, problem = decode(raw, relpath)
    if text is None:
        return None, problem
    bundle = path.parent if path.name == "index.md" else None
    default_slug = path.parent.name if bundle else path.stem
    return SourceFile(path=path, relpath=relpath, default_slug=default_slug, bundle_dir=bundle, text=text), None


def read_again(source: SourceFile, site_root: Path) -> tuple[str | None, Diagnostic | None]:
    """The text of a file read before, read again as `scan` read it (a build that let the text go
    reads it back when it renders the body)."""
    raw, problem = _read_bytes(source.path, source.relpath, site_root / "content" / "articles")
    return (None, problem) if raw is None else decode(raw, source.relpath)


def _read_bytes(path: Path, relpath: str, articles_dir: Path) -> tuple[bytes | None, Diagnostic | None]:
    """The file's bytes, refusing links out of the folder, link loops, pipes and devices (which
    would hang the build) and files too large to be an article."""
    try:
        if path.is_symlink() and not _inside(path.resolve(strict=True), articles_dir.resolve()):
            return None, error(relpath, 1, "content.symlink", "symbolic link leads outside content/articles; not read")
        if not stat.S_ISREG(path.stat().st_mode):
            return None, error(relpath, 1, "content.not-a-file", "not a regular file (a pipe, socket or device); not read")
        with path.open("rb") as stream:
            raw = stream.read(MAX_ARTICLE_BYTES + 1)
    except RuntimeError:  # Python 3.11 reports a symlink loop this way, later versions as OSError
        return None, error(relpath, 1, "content.unreadable", "cannot read file: symbolic link loop")
    except OSError as exc:
        return None, error(relpath, 1, "content.unreadable", f"cannot read file: {exc.strerror or exc}")
    if len(raw) > MAX_ARTICLE_BYTES:
        size = path.stat().st_size
        return None, error(relpath, 1, "content.too-large",
                           f"file is {size // 1024} KiB; articles may be at most {MAX_ARTICLE_BYTES // 1024} KiB")
    return raw, None


def decode(raw: bytes, relpath: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text with any BOM dropped and line ends made '\\n'; bad bytes are reported by line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, error(relpath, line, "content.encoding", f"the file is not valid UTF-8 (byte {exc.start}); save it as UTF-8")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, error(relpath, line, "content.nul", "the file contains a NUL character; it is not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False
