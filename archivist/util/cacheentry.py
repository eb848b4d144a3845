"""One envelope for every file under .cache/archivist/: what it is, what it was made for, and a checksum.

The cache folder is restored between CI runs, so its files may be damaged (a truncated write, a
flipped bit, a file copied under another name) or crafted by whoever could write there. Each entry
is therefore data only (JSON, or plain bytes) behind one header line:

    {"cache": kind, "version": n, "name": ..., "key": ..., "sha256": ...}\\n<content>

`name` is what the file stands for (an article's source, an output folder, a shard): an entry read
under another name was copied or moved there. `key` is the digest of everything the content follows
from: an entry with another key is simply out of date (an article was edited). The checksum covers
kind, version, name, key and content, so a damaged file cannot pass for a whole one.

What a reader makes of an entry:
- no file: a miss, silently (never written, pruned, or removed while the build ran);
- a symbolic link, a folder or a pipe in its place: a miss and one warning; the link is never read
  through, and the entry written after the miss replaces the link, never the file it points to;
- another `version` of the same kind: a miss, silently, since every upgrade of Archivist leaves such
  entries behind and the build replaces them;
- another key: a miss, silently (the entry is out of date);
- anything else (no header, another kind, a checksum that does not match, another name, content of
  the wrong shape): a miss and one warning naming the file, because only damage or tampering makes it.

A checksum anyone can compute proves only that a file is whole, not who wrote it: what makes a
crafted entry harmless is that it is decoded as data into the expected shape, never executed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, TypeVar

from archivist.diagnostics import Diagnostic, warning
from archivist.util.diskfaults import REASONS, is_disk_fault, shown_folder
from archivist.util.files import NotPlainFile, read_plain, write_atomically_with

SUFFIX = ".entry"
CODE = "cache.damaged"
# What a strict decoder raises on content of the wrong shape (JsonDataError is a ValueError).
DECODE_ERRORS = (TypeError, ValueError, RecursionError)  # DamagedEntry is a ValueError too
T = TypeVar("T")
# Cache folders whose writes the file system refused (full, read-only) since `refused_writes` last
# told: the build goes on without those entries, and says so once per folder.
_refused: dict[str, str] = {}


@dataclass(frozen=True)
class EntryKind:
    """One kind of entry and the version of its content's layout; bump `version` when it changes."""

    kind: str
    version: int


class DamagedEntry(ValueError):
    """An entry whose content does not have the expected shape, raised by a cache's decoder."""


def seal(kind: EntryKind, name: str, content: bytes, key: str = "") -> bytes:
    """The bytes of an entry holding `content`, made for `name` and `key`."""
    header = {"cache": kind.kind, "version": kind.version, "name": name, "key": key,
              "sha256": _checksum(kind, name, key, content)}
    return json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n" + content


def unseal(data: bytes, kind: EntryKind, name: str, key: str | None = None) -> bytes | None:
    """The content of an entry made by `seal` for this kind, name and (when given) key; None for an
    entry of another version or key, which is out of date; DamagedEntry for anything else."""
    end = data.find(b"\n")
    try:
        header = json.loads(data[:end]) if end > 0 else None
    except (ValueError, RecursionError):
        header = None
    if not (isinstance(header, dict) and header.get("cache") == kind.kind):
        raise DamagedEntry("it is not an Archivist cache entry of this kind")
    if header.get("version") != kind.version:
        return None
    stored_name, stored_key, checksum = header.get("name"), header.get("key"), header.get("sha256")
    if not (isinstance(stored_name, str) and isinstance(stored_key, str) and isinstance(checksum, str)):
        raise DamagedEntry("its header is incomplete")
    content = data[end + 1:]
    if _checksum(kind, stored_name, stored_key, content) != checksum:
        raise DamagedEntry("its checksum does not match its content (truncated or altered)")
    if stored_name != name:
        raise DamagedEntry("it was made for another entry (copied or moved)")
    return content if key is None or stored_key == key else None


def _checksum(kind: EntryKind, name: str, key: str, content: bytes) -> str:
    digest = _checksummer(kind, name, key)
    digest.update(content)
    return digest.hexdigest()


def _checksummer(kind: EntryKind, name: str, key: str) -> "hashlib._Hash":
    """The checksum of an entry before its content is added to it."""
    return hashlib.sha256(f"{kind.kind}\0{kind.version}\0{name}\0{key}\0".encode("utf-8"))


def read_entry(path: Path, kind: EntryKind, name: str, key: str | None = None,
               problems: list[Diagnostic] | None = None) -> bytes | None:
    """The content of the entry at `path`, or None for a miss; a damaged entry adds one warning to
    `problems`. A file that is absent or cannot be read is a silent miss; a symbolic link (or a
    folder, a pipe) in an entry's place is damage: reading through it would take another file's
    bytes for the cache's, and the entry written after the miss replaces the link itself."""
    try:
        data = read_plain(path)
    except NotPlainFile as exc:
        report_damage(path, f"it is {exc.strerror}, which the cache never writes", problems)
        return None
    except OSError:
        return None
    try:
        return unseal(data, kind, name, key)
    except DamagedEntry as exc:
        report_damage(path, str(exc), problems)
        return None


def read_decoded(path: Path, kind: EntryKind, name: str, key: str | None, decode: Callable[[bytes], T], what: str,
                 problems: list[Diagnostic] | None = None) -> T | None:
    """The entry's content as `decode` makes it, or None for a miss: content that `decode` refuses is
    damage like any other, one warning saying it is not `what`."""
    content = read_entry(path, kind, name, key, problems)
    if content is None:
        return None
    try:
        return decode(content)
    except DECODE_ERRORS as exc:
        report_damage(path, f"its content is not {what} ({exc})", problems)
        return None


def write_entry(path: Path, kind: EntryKind, name: str, content: bytes, key: str = "") -> bool:
    """Store an entry atomically, and say whether it was; a cache that cannot be written only costs
    the next build time.

    A write cut short (a full disk) leaves the old entry or none, never part of one; a refusal by the
    file system is remembered for `refused_writes`."""
    return _store(path, lambda out: out.write(seal(kind, name, content, key)))


def write_entry_streamed(path: Path, kind: EntryKind, name: str, chunks: Iterable[bytes], key: str = "") -> None:
    """As `write_entry`, with the content written as `chunks` arrive instead of joined in memory first:
    a large archive's build record is tens of megabytes of JSON. The header is written first with a
    placeholder checksum of the same length, then filled in once the content has been hashed."""
    def write(out: BinaryIO) -> None:
        header = {"cache": kind.kind, "version": kind.version, "name": name, "key": key, "sha256": "0" * 64}
        line = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        out.write(line + b"\n")
        digest = _checksummer(kind, name, key)
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
        out.seek(line.rindex(b"0" * 64))
        out.write(digest.hexdigest().encode("ascii"))

    _store(path, write)


def _store(path: Path, write: Callable[[BinaryIO], object]) -> bool:
    """Write an entry with `write` to a temporary file renamed over `path`, True once it is there; a
    refusal by the file system is remembered for `refused_writes`, any other failure costs the entry
    only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically_with(path, write, suffix=SUFFIX)
    except OSError as exc:
        note_refused(path, exc)
        return False
    return True


def note_refused(path: Path, exc: OSError) -> None:
    """Remember a refused write of a cache entry at `path` for `refused_writes` (other failures only
    cost the entry, and are not reported)."""
    if is_disk_fault(exc):
        _refused.setdefault(shown_folder(_cache_folder(path)), REASONS[exc.errno][0])


def _cache_folder(path: Path) -> Path:
    """The cache an entry belongs to (.cache/archivist/render), not the shard folder it sits in."""
    parts = path.parts
    if ".cache" not in parts:
        return path.parent
    return Path(*parts[:parts.index(".cache") + 3])


def refused_writes() -> list[str]:
    """One line per cache folder the file system refused entries in since the last call."""
    lines = [f"{reason}: the cache in {folder} was not written; this build went on without it"
             for folder, reason in sorted(_refused.items())]
    _refused.clear()
    return lines


def report_damage(path: Path, reason: str, problems: list[Diagnostic] | None) -> None:
    """Add the warning for a damaged entry (when the caller collects them)."""
    if problems is not None:
        problems.append(damaged(path, reason))


def damaged(path: Path, reason: str) -> Diagnostic:
    """The one warning a damaged entry causes; the build goes on as if it were absent."""
    return warning(shown(path), 1, CODE, f"cache entry ignored and made again: {reason}")


def shown(path: Path) -> str:
    """The entry's path as seen from the site's folder (the one holding .cache), else as given."""
    parts = path.parts
    if ".cache" in parts:
        return Path(*parts[parts.index(".cache"):]).as_posix()
    return path.as_posix()


def read_json(content: bytes) -> object:
    """Decode an entry's JSON content; DamagedEntry when it is not JSON."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError too
        raise DamagedEntry(f"its content is not JSON ({type(exc).__name__})") from exc


def to_bytes(value: object) -> bytes:
    """An entry's JSON content: compact, and the same bytes for the same value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
