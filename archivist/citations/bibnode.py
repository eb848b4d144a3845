"""Converts BibTeX/BibLaTeX and RIS files with citation-js: one Node process for a whole batch."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

from archivist.citations.bibformats import FileReading, ris_key, ris_records
from archivist.citations.errors import CitationEngineError
from archivist.citations.nodeproc import NODE_MODULES_ENV, find_node

SCRIPTS = (Path(__file__).with_name("bibparse.js"), Path(__file__).with_name("bibfixups.js"))
PACKAGES = ("@citation-js/core", "@citation-js/plugin-bibtex", "@citation-js/plugin-ris")
_INSTALL_HINT = "run `npm ci` in the project root (it installs node_modules/@citation-js)"


def find_node_modules() -> Path:
    """The node_modules folder holding citation-js, found as nodeproc finds citeproc: an explicit
    $ARCHIVIST_NODE_MODULES, else the nearest node_modules above the working directory or this package."""
    if os.environ.get(NODE_MODULES_ENV):
        folder = Path(os.environ[NODE_MODULES_ENV])
        if (folder / PACKAGES[0] / "package.json").is_file():
            return folder
        raise CitationEngineError(f"{folder} has no {PACKAGES[0]} package: {_INSTALL_HINT}")
    for base in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for folder in (base, *base.parents):
            if (folder / "node_modules" / PACKAGES[0] / "package.json").is_file():
                return folder / "node_modules"
    raise CitationEngineError(f"citation-js, which reads BibTeX and RIS files, is not installed: {_INSTALL_HINT}")


@lru_cache(maxsize=4)
def converter_version(node_modules: Path | None = None) -> str:
    """citation-js's versions and a hash of the scripts: a change to either invalidates the cache."""
    digest = hashlib.sha256(b"".join(s.read_bytes() for s in SCRIPTS) + Path(__file__).read_bytes())
    versions = []
    for package in PACKAGES:
        manifest = (node_modules or Path()) / package / "package.json"
        versions.append(json.loads(manifest.read_text("utf-8")).get("version", "?") if manifest.is_file() else "?")
    return "citation-js-" + "-".join(versions) + "+" + digest.hexdigest()[:16]


def convert(files: list[tuple[str, str]], node_modules: Path) -> list[FileReading]:
    """Convert (format, text) pairs, 'bibtex' or 'ris', in one Node process."""
    request = json.dumps({"files": [{"format": f, "text": t} for f, t in files]}, ensure_ascii=False)
    env = dict(os.environ, NODE_PATH=str(node_modules))
    try:
        done = subprocess.run([find_node(), str(SCRIPTS[0])], input=request.encode("utf-8"),
                              capture_output=True, env=env, check=False)
    except OSError as exc:
        raise CitationEngineError(f"cannot start Node.js: {exc}") from exc
    try:
        reply = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        raise CitationEngineError(f"citation-js stopped (exit code {done.returncode}): {_reason(done.stderr)}") from None
    if not reply.get("ok"):
        raise CitationEngineError(f"citation-js failed: {str(reply.get('error')).splitlines()[0]}")
    return [_reading(fmt, text, result) for (fmt, text), result in zip(files, reply["files"])]


def _reason(stderr: bytes) -> str:
    """The line of Node's output that says what went wrong (not its stack trace)."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^\w*Error\b", line)]
    reason = errors[-1] if errors else (lines[-1] if lines else "no message")
    return reason + (f" ({_INSTALL_HINT})" if "Cannot find module" in reason else "")


def _reading(fmt: str, text: str, result: dict) -> FileReading:
    problems = [(e["line"] or 1, e.get("column") or 1, e["message"]) for e in result["errors"]]
    entries = [(i["key"], i["line"], i["csl"]) for i in result["items"]]
    if fmt == "ris":
        entries, extra = _ris_entries(text, entries)
        problems += extra
    return FileReading(tuple(entries), tuple(sorted(problems)))


def _ris_entries(text: str, entries: list) -> tuple[list, list]:
    """RIS records carry no key unless tagged `ID  -`; lines come from the `TY  -` tags, in order."""
    starts, problems = ris_records(text)
    taken: set[str] = {key for key, _, _ in entries if key}
    keyed = []
    for n, (key, _, csl) in enumerate(entries):
        key = key or ris_key(csl, taken)
        taken.add(key)
        keyed.append((key, starts[n] if n < len(starts) else 1, {**csl, "id": key}))
    return keyed, problems
