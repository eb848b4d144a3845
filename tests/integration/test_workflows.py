"""The GitHub workflows: linted by actionlint, shaped as intended, and their helper scripts working."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.actionlint import actionlint

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the bare key `on` as true
    return data


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").split("@")[0] == action]


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def test_actionlint_finds_nothing_in_the_workflows():
    assert actionlint(WORKFLOWS / "pr.yml", WORKFLOWS / "pages.yml") == []


def test_actionlint_is_really_checking(tmp_path: Path):
    broken = (WORKFLOWS / "pages.yml").read_text().replace("steps.pages.outputs", "steps.nope.outputs")
    (tmp_path / "broken.yml").write_text(broken.replace("pages: write", "pages: writ"))
    kinds = {problem["kind"] for problem in actionlint(tmp_path / "broken.yml")}
    assert {"expression", "permissions"} <= kinds


def test_pull_request_workflow_shape():
    data = workflow("pr.yml")
    assert "pull_request" in data["on"]
    job = data["jobs"]["check"]
    assert steps_using(job, "actions/checkout")[0]["with"]["fetch-depth"] == 0
    python = steps_using(job, "actions/setup-python")[0]["with"]
    assert python["python-version"] == "3.11" and python["cache"] == "pip"
    node = steps_using(job, "actions/setup-node")[0]["with"]
    assert str(node["node-version"]) == "20" and node["cache"] == "npm"
    commands = runs(job)
    assert "build.py check --format github" in commands
    assert "--base-url https://example.org/preview/" in commands
    assert "scripts/crawl_links.py output --base /preview/" in commands
    assert 'scripts/pr_summary.py --base "origin/$BASE_REF" >> "$GITHUB_STEP_SUMMARY"' in commands
    assert steps_using(job, "actions/upload-artifact")[0]["with"]["path"] == "output/"
    order = [s.get("name", s.get("uses", "")) for s in job["steps"]]
    assert order.index("Check the content") < order.index("Build under a sub-path") < order.index(
        "Crawl the built site for broken links")


def test_pages_workflow_shape():
    data = workflow("pages.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    assert data["permissions"]["pages"] == "write" and data["permissions"]["id-token"] == "write"
    assert data["concurrency"]["group"] == "pages"
    build = data["jobs"]["build"]
    assert steps_using(build, "actions/configure-pages")[0]["id"] == "pages"
    build_step = next(s for s in build["steps"] if s.get("name") == "Build")
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--base-url "$BASE_URL/"' in build_step["run"]
    caches = [s["with"]["path"] for s in steps_using(build, "actions/cache")]
    assert ".cache/archivist" in caches
    assert steps_using(build, "actions/setup-python")[0]["with"]["cache"] == "pip"
    assert steps_using(build, "actions/setup-node")[0]["with"]["cache"] == "npm"
    assert steps_using(build, "actions/upload-pages-artifact")[0]["with"]["path"] == "output"
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert steps_using(deploy, "actions/deploy-pages")


def write_site(folder: Path, pages: dict[str, str]) -> Path:
    for path, html in pages.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return folder


def crawl(folder: Path, base: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "crawl_links.py"), str(folder), "--base", base],
                          capture_output=True, text=True, timeout=120)


def test_crawler_reports_exactly_the_broken_internal_links(tmp_path: Path):
    site = write_site(tmp_path / "site", {
        "index.html": '<a href="/preview/good/">ok</a><a href="/preview/gone/">x</a><img src="pic.svg" '
                      'srcset="pic.svg 1x, missing@2x.png 2x"><a href="https://elsewhere.example/">out</a>'
                      '<a href="/preview/good">redirect only</a><a href="#top">self</a>',
        "good/index.html": '<link rel="stylesheet" href="../style.css"><a href="../">home</a>',
        "style.css": "body{}",
        "pic.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    done = crawl(site, "/preview/")
    assert done.returncode == 1
    reported = sorted(line.split()[1] for line in done.stdout.splitlines() if line[:3].isdigit())
    assert reported == ["/preview/gone/", "/preview/good", "/preview/missing@2x.png"]


def test_crawler_passes_a_sound_site(tmp_path: Path):
    site = write_site(tmp_path / "site", {"index.html": '<a href="a/">a</a>', "a/index.html": '<a href="../">up</a>'})
    done = crawl(site, "/preview/")
    assert done.returncode == 0, done.stdout


SETTINGS = '[tool.archivist]\ntitle = "Summary Test"\nbase_url = "https://example.org/"\ncitation_styles = ["apa"]\n'
ARTICLE = "---\ntitle: {title}\nauthors: ['Osei, Clara']\ndate: 2021\njournal: Ledger and Letter\n---\n\nText.\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                   cwd=root, check=True, capture_output=True)


def test_pr_summary_lists_added_changed_and_removed_articles(tmp_path: Path):
    root = tmp_path / "site"
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS)
    (articles / "kept.md").write_text(ARTICLE.format(title="Kept As It Was"))
    (articles / "edited.md").write_text(ARTICLE.format(title="Edited Later"))
    (articles / "dropped.md").write_text(ARTICLE.format(title="Dropped"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "proposal")
    (articles / "edited.md").write_text(ARTICLE.format(title="Edited *Later*"))
    (articles / "dropped.md").unlink()
    (articles / "fresh").mkdir()
    (articles / "fresh" / "index.md").write_text(ARTICLE.format(title="A Fresh Study"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "proposal")
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "pr_summary.py"), "--base", "main",
                           "--site", str(root)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "**removed** `content/articles/dropped.md`" in text
    assert "**added** `content/articles/fresh/index.md`" in text and "Osei, C. (2021). A Fresh Study. <i>Ledger and Letter</i>" in text
    assert "**changed** `content/articles/edited.md`" in text and "Edited <i>Later</i>" in text
    assert "kept.md" not in text


@pytest.mark.parametrize("name", ["pr.yml", "pages.yml"])
def test_workflows_pin_major_versions_of_actions(name: str):
    text = (WORKFLOWS / name).read_text()
    uses = [line.split("uses:")[1].strip() for line in text.splitlines() if "uses:" in line]
    assert uses and all("@v" in u for u in uses)


def test_git_is_available():
    assert shutil.which("git"), "the summary script needs git"
