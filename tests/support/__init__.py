"""Test harness: serve a built site the way GitHub Pages does and judge it with real clients."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"


def sample_site_without_styles(root: Path) -> Path:
    """A copy of the sample archive at `root` with no citation styles, so that building it starts
    no Node process."""
    import shutil

    shutil.copytree(REPO_ROOT / "content", root / "content")
    settings = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(settings.replace("[tool.archivist]\n", "[tool.archivist]\ncitation_styles = []\n"),
                                         encoding="utf-8")
    return root


def published_sample_slugs() -> list[str]:
    """The slugs of the sample archive's articles that a build publishes (drafts left out),
    read straight from their front-matter, so tests that count pages follow the content."""
    import yaml

    slugs = []
    for path in sorted((REPO_ROOT / "content" / "articles").glob("*")):
        source = path / "index.md" if path.is_dir() else path
        if source.suffix != ".md" or not source.is_file():
            continue
        data = yaml.safe_load(source.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---"))
        if not data.get("draft"):
            slugs.append(data.get("slug") or (path.name if path.is_dir() else path.stem))
    return slugs
