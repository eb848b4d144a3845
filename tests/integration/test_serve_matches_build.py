"""After every kind of edit, the preview's site and diagnostics are those of a fresh build of the same files."""

from __future__ import annotations

import shutil
from pathlib import Path

from archivist import config as config_step
from archivist.build.options import BuildOptions
from archivist.build.pipeline import build_site
from archivist.diagnostics import normalise
from archivist.serve.live import LiveBuilder

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "http://127.0.0.1:8000/"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _contents(files: dict) -> dict[str, bytes]:
    return {path: data if isinstance(data, bytes) else data.read_bytes() for path, data in files.items()}


def _located(diagnostics) -> list[str]:
    return [d.format_text() for d in normalise(diagnostics)]


def test_each_edit_serves_what_a_fresh_build_makes(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    articles = root / "content" / "articles"
    article = articles / "archive-as-workshop.md"
    options = BuildOptions(drafts=False, search=False)
    builder = LiveBuilder(root, options, base_url=BASE_URL)
    assert builder.rebuild().plan.full
    edits = [
        ("body", lambda: _append(article, "\n\nAn added paragraph, with [a lost link](article:nowhere).\n")),
        ("title", lambda: _replace(article, "title: \"The Archive", "title: \"A Retitled Archive")),
        ("keyword", lambda: _replace(article, "keywords:\n", "keywords:\n  - a new keyword\n")),
        ("add", lambda: (articles / "added.md").write_text(
            "---\ntitle: Added\ndate: 2030\nkeywords: [a new keyword]\n---\n\nText.\n", encoding="utf-8")),
        ("remove", lambda: (articles / "added.md").unlink()),
        ("body again", lambda: _replace(article, "An added paragraph", "A changed paragraph")),
        ("data file", lambda: _append(root / "content" / "authors.yaml", "\n")),
        ("template", lambda: (root / "templates").mkdir() or (root / "templates" / "extra.html").write_text("<p>x</p>")),
    ]
    before = builder.rebuild(force_full=True).build.files
    for name, edit in edits:
        edit()
        outcome = builder.rebuild()
        assert outcome is not None, name
        if name == "body":  # the preview's folder rewrites what is a new object: only what the edit made
            made = {path for path, data in outcome.build.files.items() if before.get(path) is not data}
            assert made and all(not path.startswith("articles/") or path.startswith("articles/archive-as-workshop/")
                                for path in made), sorted(made)[:10]
        config = config_step.load(root).with_base_url(BASE_URL)
        fresh = build_site(config, options)
        assert _located(outcome.build.diagnostics) == _located(fresh.diagnostics), name
        assert _contents(outcome.build.files) == _contents(fresh.files), name
        assert outcome.build.redirects == fresh.redirects, name


def test_node_starts_once_for_a_run_of_edits_and_stops_with_the_preview(tmp_path: Path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    article = root / "content" / "articles" / "archive-as-workshop.md"
    builder = LiveBuilder(root, BuildOptions(drafts=False, search=False), base_url=BASE_URL)
    builder.rebuild()
    _replace(article, "title: \"The Archive", "title: \"A Retitled Archive")  # a citation no cache holds
    builder.rebuild()
    engine = builder.pipeline.engine
    assert engine is not None and engine.workers_started >= 1
    started = engine.workers_started
    _replace(article, "title: \"A Retitled Archive", "title: \"Another Archive")
    outcome = builder.rebuild()
    assert "Another Archive" in outcome.build.files["articles/archive-as-workshop/cite.bib"].decode()
    assert builder.pipeline.engine is engine and engine.workers_started == started
    builder.close()
    assert builder.pipeline.engine is None
