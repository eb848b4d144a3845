"""The render cache: warm and edited builds equal cold ones, bad cache files are misses, and
rendering in worker processes gives the same articles as rendering one by one."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from archivist import config as config_step
from archivist.markdown import batch as render_cache
from archivist.content.load import parse
from archivist.markdown.article import article_resolver, render_parts
from archivist.markdown.batch import render_all, render_many
from archivist.model import Parsed
from archivist.content import discover
from archivist.markdown import MarkdownOptions
from archivist.markdown.batch import RenderCache, article_key, site_fingerprint
from archivist.build.pipeline import BuildOptions, build_site

REPO_ROOT = Path(__file__).resolve().parents[2]
EDITED = "content/articles/age-at-marriage-from-listings.md"


def one_style_settings() -> str:
    """The sample's settings citing in one style, which keeps the citation step short."""
    settings = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    tables = re.findall(r"^\[([^\]]+)\]\s*$", settings, re.MULTILINE)
    if tables[-1:] == ["tool.archivist"] and "citation_styles" not in settings:
        settings = settings.rstrip() + '\ncitation_styles = ["apa"]\n'
    return settings


@pytest.fixture(scope="module")
def citations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One citation cache for every copy of the sample, so only the first build formats references."""
    return tmp_path_factory.mktemp("citations")


@pytest.fixture
def site(tmp_path: Path, citations: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(REPO_ROOT / "content", root / "content")
    (root / "pyproject.toml").write_text(one_style_settings(), encoding="utf-8")
    (root / ".cache" / "archivist").mkdir(parents=True)
    (root / ".cache" / "archivist" / "citations").symlink_to(citations, target_is_directory=True)
    return root


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many articles each build had to render (rather than read from the cache)."""
    counts: list[int] = []
    real = render_cache.render_many

    def counting(items, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003 - a pass-through spy
        counts.append(len(items))
        return real(items, *args, **kwargs)

    monkeypatch.setattr(render_cache, "render_many", counting)
    return counts


def build(root: Path) -> tuple[dict[str, bytes], list[str]]:
    """Every file of the site as bytes, and every diagnostic as text."""
    result = build_site(config_step.load(root), BuildOptions(search=False))
    files = {path: data.read_bytes() if isinstance(data, Path) else data for path, data in result.files.items()}
    return files, [d.format_text() for d in result.diagnostics]


def render_folder(root: Path) -> Path:
    return render_cache.RenderCache(root / ".cache" / "archivist", config_step.load(root).base_url).folder


def test_a_preview_address_and_the_site_address_keep_their_own_cached_bodies(site: Path, rendered: list[int]) -> None:
    """`serve` renders at its own address and `build` at the site's: alternating them stays warm."""
    preview = config_step.load(site).with_base_url("http://127.0.0.1:8000/")
    build(site)
    build_site(preview, BuildOptions(search=False))
    assert rendered[-1] > 10
    build(site)
    assert rendered[-1] == 0
    build_site(preview, BuildOptions(search=False))
    assert rendered[-1] == 0


def test_warm_build_equals_cold_and_renders_nothing(site: Path, rendered: list[int]) -> None:
    cold = build(site)
    article_count = rendered[-1]
    assert article_count > 10
    assert len(list(render_folder(site).glob("*.entry"))) == article_count
    warm = build(site)
    assert rendered[-1] == 0
    assert warm == cold


def test_edited_article_alone_is_rendered_again(site: Path, rendered: list[int]) -> None:
    build(site)
    edited = site / EDITED
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA paragraph added in revision.\n", encoding="utf-8")
    warm = build(site)
    assert rendered[-1] == 1
    assert b"A paragraph added in revision." in warm[0]["articles/age-at-marriage-from-listings/index.html"]
    shutil.rmtree(render_folder(site))
    assert build(site) == warm


def test_new_slug_renders_every_article_again(site: Path, rendered: list[int]) -> None:
    """An `article:` link may resolve differently once another slug exists."""
    build(site)
    source = (site / EDITED).read_text(encoding="utf-8")
    (site / "content/articles/a-new-one.md").write_text(source, encoding="utf-8")
    build(site)
    assert rendered[-1] == len(list(render_folder(site).glob("*.entry")))


def test_corrupt_or_foreign_cache_files_are_misses(site: Path, rendered: list[int]) -> None:
    cold = build(site)
    files = sorted(render_folder(site).glob("*.entry"))
    files[0].write_bytes(b"not a pickle")
    files[1].write_bytes(b"")
    header = {"cache": "render", "version": render_cache.ENTRY_KIND.version}
    files[2].write_bytes(json.dumps(header).encode() + b"\n\x80\x04pickle")  # no name, key or checksum
    pages, diagnostics = build(site)
    assert pages == cold[0]
    assert rendered[-1] == 3
    damaged = [text for text in diagnostics if "warning[cache.damaged]" in text]
    assert sorted(text.split(":")[0] for text in damaged) == sorted(
        path.relative_to(site).as_posix() for path in files[:3])
    assert [text for text in diagnostics if text not in damaged] == cold[1]
    assert build(site) == cold  # each damaged entry was made again, so it is reported once


def test_base_url_is_part_of_the_key(site: Path) -> None:
    config = config_step.load(site)
    first = site_fingerprint(config.language, config.base_url, ["a", "b"])
    assert site_fingerprint(config.language, "https://example.org/other/", ["a", "b"]) != first
    assert site_fingerprint("fr", config.base_url, ["a", "b"]) != first
    assert site_fingerprint(config.language, config.base_url, ["b", "a"]) == first
    assert site_fingerprint(config.language, config.base_url, ["a", "b", "c"]) != first
    assert site_fingerprint(config.language, config.base_url, ["a", "b"], MarkdownOptions(subscript=False)) != first
    assert site_fingerprint(config.language, config.base_url, ["a", "b"], MarkdownOptions(superscript=False)) != first
    assert site_fingerprint(config.language, config.base_url, ["a", "b"],
                            MarkdownOptions(math=("dollars", "double_backslash"))) != first
    assert site_fingerprint(config.language, config.base_url, ["a", "b"], MarkdownOptions()) == first
    # links to an article's old address lead to the article: the addresses decide the HTML too
    moved = site_fingerprint(config.language, config.base_url, ["a", "b"], MarkdownOptions(), [("old/a", "a")])
    assert moved != first
    assert site_fingerprint(config.language, config.base_url, ["a", "b"], MarkdownOptions(), [("old/a", "b")]) != moved
    key = article_key(first, "x.md", "text", {"notes": "Notes"}, ["fig.png"])
    assert article_key(first, "x.md", "text", {"notes": "Notizen"}, ["fig.png"]) != key
    assert article_key(first, "x.md", "text", {"notes": "Notes"}, []) != key
    assert article_key(first, "x.md", "text!", {"notes": "Notes"}, ["fig.png"]) != key


def test_cache_round_trip_and_unwritable_folder(tmp_path: Path, site: Path) -> None:
    config = config_step.load(site)
    items = parsed_articles(config)[:1]
    articles, _problems = render_all(items, config)
    cache = RenderCache(tmp_path)
    parts = render_parts(items[0], config, article_resolver(config, ["x"]))
    cache.put("a.md", "key", parts)
    assert cache.get("a.md", "key") == parts
    assert cache.get("a.md", "other key") is None
    assert cache.get("b.md", "key") is None
    blocked = RenderCache(tmp_path / "file")
    (tmp_path / "file").write_text("in the way", encoding="utf-8")
    blocked.put("a.md", "key", parts)  # no error: the cache is only an aid
    assert blocked.get("a.md", "key") is None
    assert articles[0].body == parts.body


def parsed_articles(config: config_step.SiteConfig) -> list[Parsed]:
    sources, _problems = discover.scan(config.root)
    items = [parse(source, config.language)[0] for source in sources]
    return [item for item in items if item is not None]


def test_worker_processes_render_what_a_serial_run_renders(site: Path) -> None:
    config = config_step.load(site)
    items = parsed_articles(config)
    items = items * (60 // len(items) + 1)  # enough to be worth the processes
    serial = render_all(items, config, cache=None, workers=1)
    parallel = render_all(items, config, cache=None, workers=2)
    assert parallel == serial
    assert render_all(items, config, cache=None) == serial  # the automatic choice
    assert [a.slug for a in serial[0]] == [item.meta.slug for item in items]


def test_worker_failure_reaches_the_caller(site: Path) -> None:
    config = config_step.load(site)
    items = parsed_articles(config)
    broken = [items[0], "not an article", items[1]] * 30
    with pytest.raises(AttributeError):
        render_many(broken, config, [item.meta.slug for item in items], workers=2)  # type: ignore[arg-type]
