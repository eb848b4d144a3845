"""`archivist theme diff`: how a site's templates/ differ from the installed default theme, as a patch.

The patch is in git's format with full blob ids, so git can apply it, reverse it (`git apply -R`
makes templates/ the default theme again) and merge it with `git apply --3way` after an upgrade:
the ids name the default theme's files the edits were made to. Only files the site has are
compared: a file missing from templates/ is the default theme's, so it differs in nothing.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from archivist.theme import THEME_DIR

NO_NEWLINE = "\\ No newline at end of file\n"
MISSING = "0" * 40


def theme_diff(site_templates: Path, default: Path = THEME_DIR) -> tuple[str, list[str]]:
    """The patch from the default theme to the site's files, and the site paths that differ."""
    parts, changed = [], []
    for relpath in _site_files(site_templates):
        old = default / relpath
        new_data = (site_templates / relpath).read_bytes()
        old_data = old.read_bytes() if old.is_file() else None
        if old_data != new_data:
            parts.append(file_patch(f"templates/{relpath}", old_data, new_data))
            changed.append(f"templates/{relpath}")
    return "".join(parts), changed


def _site_files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    found = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return sorted(p.as_posix() for p in found if not any(x.startswith(".") or x == "__pycache__" for x in p.parts))


def file_patch(name: str, old: bytes | None, new: bytes) -> str:
    """One file's part of the patch: a new file when the default theme has none of that name."""
    head = [f"diff --git a/{name} b/{name}\n"]
    head += ["new file mode 100644\n"] if old is None else []
    head.append(f"index {blob_id(old)}..{blob_id(new)}" + ("\n" if old is None else " 100644\n"))
    old_text, new_text = _text(old or b""), _text(new)
    if old_text is None or new_text is None:
        return "".join(head) + f"Binary files {'/dev/null' if old is None else 'a/' + name} and b/{name} differ\n"
    source = "/dev/null" if old is None else f"a/{name}"
    lines = difflib.unified_diff(_lines(old_text), _lines(new_text), source, f"b/{name}", lineterm="\n")
    return "".join(head) + "".join(_ended(line) for line in lines)


def blob_id(data: bytes | None) -> str:
    """The id git gives a file's content (the null id for no file), so git finds the original."""
    if data is None:
        return MISSING
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\0" in text else text


def _lines(text: str) -> list[str]:
    """Lines split at '\\n' only (as git does; str.splitlines also splits at form feeds and more)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n" + NO_NEWLINE
