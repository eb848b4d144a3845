"""`archivist refs add ARTICLE IDENTIFIER...` against a local resolver that answers as doi.org and the
registration agencies do (tests/fixtures/doi/responses.json): the file it writes, byte for byte; a second
run that changes nothing; --force; one line per failed identifier and exit status 2; and a build that
never asks the resolver anything."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from archivist.cli import main
from support import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "doi"
LEDGER = "10.5555/Ledger.2019.0042"
TOLLS = "10.5072/archive.tolls.1821"
CSL_JSON = "application/vnd.citationstyles.csl+json"
TIMEOUT = 600

# The Crossref record as a bibliography keeps it: the agency's bookkeeping gone, fields in name order.
LEDGER_ITEM = {
    "id": "doi:10.5555/ledger.2019.0042",
    "type": "article-journal",
    "DOI": "10.5555/Ledger.2019.0042",
    "ISSN": ["1234-5679"],
    "URL": "https://doi.org/10.5555/ledger.2019.0042",
    "author": [
        {"ORCID": "http://orcid.org/0000-0002-1825-0097", "given": "Lotte", "family": "Hartmann"},
        {"given": "Jonas", "family": "Ødegaard"},
    ],
    "container-title": "Ledger and Letter",
    "container-title-short": "Ledger Lett.",
    "issue": "2",
    "issued": {"date-parts": [[2019, 6]]},
    "language": "en",
    "page": "45-67",
    "publisher": "Ledger and Letter Society",
    "title": "Counting Barges: Toll Registers as Evidence for River Traffic",
    "volume": "14",
}


@dataclass
class Resolver:
    """The test resolver: its URL, what it was asked, and its routes (a test may change one)."""

    url: str
    routes: dict[str, dict[str, Any]]
    asked: list[dict[str, str]] = field(default_factory=list)


def _handler(resolver: Resolver, otherwise: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lower()
            resolver.asked.append({"path": path, "accept": self.headers.get("Accept", ""),
                                   "agent": self.headers.get("User-Agent", "")})
            route = resolver.routes.get(path, otherwise)
            if route.get("needs_accept") and CSL_JSON not in self.headers.get("Accept", ""):
                route = resolver.routes["/10.5555/html-only"]
            body = route["data"] if "data" in route else (FIXTURES / route["body"]).read_bytes() if "body" in route else b""
            self.send_response(route["status"])
            if "location" in route:
                self.send_header("Location", route["location"])
            self.send_header("Content-Type", route.get("content_type", "text/plain"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def resolver() -> Iterator[Resolver]:
    recorded = json.loads((FIXTURES / "responses.json").read_text(encoding="utf-8"))
    state = Resolver("", dict(recorded["routes"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state, recorded["otherwise"]))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


ARTICLE = "---\ntitle: Barges\nauthors: [\"Hartmann, Lotte\"]\ndate: 2021-09-20\n{extra}---\n\nText [@doi:{doi}].\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with a bundle (no bibliography yet) and single-file articles naming one in each form."""
    root = tmp_path / "site"
    articles = root / "content" / "articles"
    (articles / "barges").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.archivist]\ntitle = "Refs"\nbase_url = "https://example.org/"\n'
                                         'language = "en"\ncitation_styles = ["apa"]\n', encoding="utf-8")
    (articles / "barges" / "index.md").write_text(ARTICLE.format(extra="", doi=LEDGER.lower()), encoding="utf-8")
    for slug, bibliography in (("tolls", "[tolls.bib, tolls-refs.json]"), ("ledger", "ledger.yaml"),
                               ("bibtex", "bibtex.bib")):
        text = ARTICLE.format(extra=f"bibliography: {bibliography}\n", doi=TOLLS)
        (articles / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


def refs_add(site: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["--site", str(site), "refs", "add", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_bundle_gets_a_references_json_and_the_line_to_add(site: Path, resolver: Resolver, capsys) -> None:
    article = site / "content/articles/barges/index.md"
    before = article.read_bytes()
    status, out, err = refs_add(site, "content/articles/barges", f"doi:{LEDGER}", f"https://doi.org/{TOLLS}",
                                "--resolver", resolver.url, capsys=capsys)
    assert (status, err) == (0, "")
    written = site / "content/articles/barges/references.json"
    items = json.loads(written.read_text(encoding="utf-8"))
    assert items[0] == LEDGER_ITEM and list(items[0]) == list(LEDGER_ITEM)
    assert items[1] == {
        "id": "doi:10.5072/archive.tolls.1821", "type": "dataset", "DOI": "10.5072/ARCHIVE.TOLLS.1821",
        "URL": "https://zenodo.example.org/record/1821",
        "author": [{"family": "Hartmann", "given": "Lotte"}, {"literal": "Staatsarchiv Hamburg"}],
        "categories": ["Toll registers", "River trade"], "issued": {"date-parts": [[2021, 9, 20]]},
        "publisher": "Zenodo", "title": "Schnackenburg toll register, 1821: transcription", "version": "1.1"}
    assert written.read_bytes() == (json.dumps(items, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    assert out.splitlines() == [
        "added doi:10.5555/ledger.2019.0042 to content/articles/barges/references.json",
        "added doi:10.5072/archive.tolls.1821 to content/articles/barges/references.json",
        "the article names no CSL-JSON or CSL-YAML bibliography, so the items went to "
        "content/articles/barges/references.json; add this line to the article's front-matter:",
        "  bibliography: references.json"]
    assert article.read_bytes() == before
    # doi.org's redirect was followed, asking for CSL-JSON by name at every hop
    assert [a["path"] for a in resolver.asked] == ["/10.5555/ledger.2019.0042",
                                                  "/crossref/works/10.5555/ledger.2019.0042/transform",
                                                  "/10.5072/archive.tolls.1821"]
    assert all(a["accept"] == CSL_JSON and a["agent"].startswith("archivist/") for a in resolver.asked)


def test_a_second_run_asks_nothing_and_writes_the_same_bytes(site: Path, resolver: Resolver, capsys) -> None:
    refs_add(site, "barges", LEDGER, "--resolver", resolver.url, capsys=capsys)
    written = site / "content/articles/barges/references.json"
    first, asked = written.read_bytes(), len(resolver.asked)
    status, out, err = refs_add(site, "barges", f"doi:{LEDGER.upper()}", "--resolver", resolver.url, capsys=capsys)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == ("doi:10.5555/ledger.2019.0042 is already in content/articles/barges/references.json;"
                                   " --force fetches it again")
    assert written.read_bytes() == first
    assert len(resolver.asked) == asked


def test_force_fetches_again_and_replaces_the_item_where_it_stands(site: Path, resolver: Resolver, capsys) -> None:
    refs_add(site, "barges", LEDGER, TOLLS, "--resolver", resolver.url, capsys=capsys)
    written = site / "content/articles/barges/references.json"
    corrected = {**json.loads((FIXTURES / "ledger.2019.0042.json").read_text(encoding="utf-8")), "page": "45-68"}
    route = resolver.routes["/crossref/works/10.5555/ledger.2019.0042/transform"]
    resolver.routes["/crossref/works/10.5555/ledger.2019.0042/transform"] = {
        **route, "data": json.dumps(corrected).encode("utf-8")}
    assert refs_add(site, "barges", LEDGER, "--resolver", resolver.url, capsys=capsys)[0] == 0
    assert json.loads(written.read_text(encoding="utf-8"))[0]["page"] == "45-67"
    status, out, _ = refs_add(site, "barges", LEDGER, "--force", "--resolver", resolver.url, capsys=capsys)
    assert status == 0 and out.startswith("refreshed doi:10.5555/ledger.2019.0042 in ")
    items = json.loads(written.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["doi:10.5555/ledger.2019.0042", "doi:10.5072/archive.tolls.1821"]
    assert items[0] == {**LEDGER_ITEM, "page": "45-68"}
    again = written.read_bytes()
    refs_add(site, "barges", LEDGER, "--force", "--resolver", resolver.url, capsys=capsys)
    assert written.read_bytes() == again


def test_a_listed_csl_json_file_keeps_its_items_and_an_authors_key(site: Path, resolver: Resolver, capsys) -> None:
    listed = site / "content/articles/tolls-refs.json"
    mine = {"id": "hartmann2019", "type": "article-journal", "title": "Counting barges", "DOI": LEDGER.upper()}
    listed.write_text(json.dumps([mine], indent=4), encoding="utf-8")
    status, out, err = refs_add(site, "tolls", LEDGER, TOLLS, "--resolver", resolver.url, capsys=capsys)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "doi:10.5555/ledger.2019.0042 is already in content/articles/tolls-refs.json as 'hartmann2019';"
        " --force fetches it again",
        "added doi:10.5072/archive.tolls.1821 to content/articles/tolls-refs.json"]
    items = json.loads(listed.read_text(encoding="utf-8"))
    assert items[0] == mine and items[1]["id"] == "doi:10.5072/archive.tolls.1821"
    status, out, _ = refs_add(site, "tolls", LEDGER, "--force", "--resolver", resolver.url, capsys=capsys)
    assert out == "refreshed hartmann2019 in content/articles/tolls-refs.json\n"
    assert json.loads(listed.read_text(encoding="utf-8"))[0] == {**LEDGER_ITEM, "id": "hartmann2019"}


def test_a_listed_csl_yaml_file_is_written_as_yaml(site: Path, resolver: Resolver, capsys) -> None:
    status, out, _ = refs_add(site, "content/articles/ledger.md", LEDGER, "--resolver", resolver.url, capsys=capsys)
    assert status == 0 and out == "added doi:10.5555/ledger.2019.0042 to content/articles/ledger.yaml\n"
    written = site / "content/articles/ledger.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("---\nreferences:\n- id: doi:10.5555/ledger.2019.0042\n  type: article-journal\n")
    assert "  issued:\n    date-parts: [[2019, 6]]\n" in text and text.endswith("\n")
    assert yaml.safe_load(text) == {"references": [LEDGER_ITEM]}
    first = written.read_bytes()
    refs_add(site, "ledger", LEDGER, "--force", "--resolver", resolver.url, capsys=capsys)
    assert written.read_bytes() == first


def test_beside_a_bibtex_file_a_json_file_is_written_and_named(site: Path, resolver: Resolver, capsys) -> None:
    status, out, _ = refs_add(site, "bibtex", TOLLS, "--resolver", resolver.url, capsys=capsys)
    assert status == 0
    assert json.loads((site / "content/articles/bibtex.references.json").read_text(encoding="utf-8"))[0]["id"] == \
        "doi:10.5072/archive.tolls.1821"
    assert out.splitlines()[1:] == [
        "bibtex.bib cannot be written by refs add, so the items went to content/articles/bibtex.references.json "
        "beside it; add this line to the article's front-matter:",
        "  bibliography: [bibtex.bib, bibtex.references.json]"]


def test_every_failure_is_one_line_and_the_rest_is_still_written(site: Path, resolver: Resolver, capsys) -> None:
    status, out, err = refs_add(site, "barges", "doi:10.5555/no-such-work", "isbn:9780262510875",
                                "10.5555/html-only", LEDGER, "--resolver", resolver.url, capsys=capsys)
    assert status == 2
    assert err.splitlines() == [
        "archivist: refs add: no such DOI: 10.5555/no-such-work (the resolver answered 404 Not Found; "
        "check it for typos)",
        "archivist: refs add: 'isbn:9780262510875' is not a DOI: expected doi:10.…, a bare DOI such as "
        "10.1353/ks.2002.0009, or a https://doi.org/ URL",
        "archivist: refs add: the answer for 10.5555/html-only is not CSL-JSON but text/html: the DOI's "
        "registration agency may not offer citation metadata"]
    assert out.startswith("added doi:10.5555/ledger.2019.0042 to content/articles/barges/references.json\n")
    items = json.loads((site / "content/articles/barges/references.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == ["doi:10.5555/ledger.2019.0042"]


def test_when_nothing_resolves_no_file_is_made(site: Path, capsys) -> None:
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    status, out, err = refs_add(site, "barges", LEDGER, "--resolver", f"http://127.0.0.1:{port}", capsys=capsys)
    assert (status, out) == (2, "")
    assert err.startswith(f"archivist: refs add: could not reach http://127.0.0.1:{port}/ to look up {LEDGER}: ")
    assert len(err.splitlines()) == 1
    assert not (site / "content/articles/barges/references.json").exists()


def test_the_resolver_comes_from_the_environment(site: Path, resolver: Resolver, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVIST_DOI_RESOLVER", resolver.url.rstrip("/"))
    assert refs_add(site, "barges", TOLLS, capsys=capsys)[0] == 0
    assert [a["path"] for a in resolver.asked] == ["/10.5072/archive.tolls.1821"]


def test_an_unknown_article_is_one_line_with_a_suggestion(site: Path, capsys) -> None:
    status, out, err = refs_add(site, "barge", LEDGER, capsys=capsys)
    assert (status, out) == (2, "")
    assert err == "archivist: no article has the path or slug 'barge' (did you mean 'barges'?)\n"
    status, _, err = refs_add(site, "pyproject.toml", LEDGER, capsys=capsys)
    assert status == 2 and "is not an article" in err
    status, _, err = refs_add(site, "barges", LEDGER, "--resolver", "doi.org", capsys=capsys)
    assert (status, err) == (2, "archivist: --resolver must be an http(s) URL, not 'doi.org'\n")


def test_an_article_with_front_matter_errors_is_reported_not_touched(site: Path, resolver: Resolver, capsys) -> None:
    article = site / "content/articles/barges/index.md"
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2021-09-20", "date: 2021-13-40"),
                       encoding="utf-8")
    status, out, err = refs_add(site, "barges", LEDGER, "--resolver", resolver.url, capsys=capsys)
    assert (status, out) == (1, "")
    assert err.startswith("content/articles/barges/index.md:4:")
    assert resolver.asked == [] and not (site / "content/articles/barges/references.json").exists()


def test_a_build_never_asks_the_resolver(site: Path, resolver: Resolver, capsys) -> None:
    """The articles cite `[@doi:…]` and name bibliographies; the build is run with the resolver in the
    environment, as a user who has run `refs add` would, and the resolver hears nothing."""
    refs_add(site, "barges", LEDGER, "--resolver", resolver.url, capsys=capsys)
    asked = len(resolver.asked)
    article = site / "content/articles/barges/index.md"  # the line `refs add` asked the author to add
    article.write_text(article.read_text(encoding="utf-8").replace("date:", "bibliography: references.json\ndate:", 1),
                       encoding="utf-8")
    for slug in ("tolls", "ledger", "bibtex"):  # these name files no `refs add` wrote: a build reports them
        (site / f"content/articles/{slug}.md").unlink()
    script = ("import json, sys; from archivist.cli import main; status = main(sys.argv[1:]); "
              "print(json.dumps([status, sorted(m for m in sys.modules if m.startswith('archivist.citations'))]))")
    done = subprocess.run([sys.executable, "-c", script, "--site", str(site), "build", "--no-search", "-q"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**_environment(), "ARCHIVIST_DOI_RESOLVER": resolver.url})
    status, loaded = json.loads(done.stdout.splitlines()[-1])
    assert status == 0, done.stderr
    assert "archivist.citations.refs_add" not in loaded and "archivist.citations.doi_lookup" not in loaded
    assert (site / "output/articles/barges/index.html").is_file()
    assert len(resolver.asked) == asked


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "ARCHIVIST_DOI_RESOLVER"}
