"""The test server follows GitHub Pages' rules for a project site under a sub-path."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from support.server import ServedSite, content_type_for, serve_site

SECRET = "top secret outside the site"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write(root / "index.html", "<p>home page</p>")
    write(root / "about.html", "<p>about page</p>")
    write(root / "404.html", "<p>custom not found</p>")
    write(root / "dir" / "index.html", "<p>dir index</p>")
    write(root / "dir" / "page.html", "<p>dir page</p>")
    write(root / "café" / "index.html", "<p>accented folder</p>")
    (root / "empty").mkdir()
    write(tmp_path / "secret.txt", SECRET)
    (root / "link-out.txt").symlink_to(tmp_path / "secret.txt")
    (root / "dir-out").symlink_to(tmp_path, target_is_directory=True)
    return root


@pytest.fixture
def site(site_root: Path):
    with serve_site(site_root, "/archive/") as served:
        yield served


def fetch(site: ServedSite, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """Send ``path`` byte for byte (no client-side normalisation of ``..``)."""
    host, port = site.origin.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def test_url_names_the_base_on_loopback(site: ServedSite) -> None:
    assert site.url.startswith("http://127.0.0.1:")
    assert site.url.endswith("/archive/")
    assert site.url_for("/dir/page") == site.url + "dir/page"


def test_home_is_the_index(site: ServedSite) -> None:
    status, headers, body = fetch(site, "/archive/")
    assert (status, body) == (200, "<p>home page</p>")
    assert headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/archive", "/archive/"),
        ("/archive/dir", "/archive/dir/"),
        ("/archive/dir?x=1", "/archive/dir/?x=1"),
        ("/archive/caf%C3%A9", "/archive/caf%C3%A9/"),
    ],
)
def test_folder_without_slash_redirects(site: ServedSite, path: str, location: str) -> None:
    status, headers, _ = fetch(site, path)
    assert status == 301
    assert headers["location"] == location


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/archive/dir/", "<p>dir index</p>"),
        ("/archive/dir/index.html", "<p>dir index</p>"),
        ("/archive/about", "<p>about page</p>"),
        ("/archive/about.html", "<p>about page</p>"),
        ("/archive/dir/page", "<p>dir page</p>"),
        ("/archive/caf%C3%A9/", "<p>accented folder</p>"),
        ("/archive/./dir/page?q=1#x", "<p>dir page</p>"),
    ],
)
def test_pages_are_found(site: ServedSite, path: str, expected: str) -> None:
    assert fetch(site, path)[::2] == (200, expected)


@pytest.mark.parametrize(
    "path",
    ["/archive/missing", "/archive/about/", "/archive/about.html/", "/archive/empty/", "/archive/dir/nope.css"],
)
def test_missing_paths_get_the_sites_404_page(site: ServedSite, path: str) -> None:
    status, headers, body = fetch(site, path)
    assert (status, body) == (404, "<p>custom not found</p>")
    assert headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/index.html", "/about", "/archivex/", "/dir/"])
def test_nothing_exists_outside_the_base(site: ServedSite, path: str) -> None:
    status, _, body = fetch(site, path)
    assert status == 404
    assert "home page" not in body and "custom not found" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/archive/../secret.txt",
        "/archive/dir/../../secret.txt",
        "/archive/%2e%2e/secret.txt",
        "/archive/dir/..%2f..%2fsecret.txt",
        "/archive/..%5csecret.txt",
        "/archive/link-out.txt",
        "/archive/dir-out/secret.txt",
        "/archive/%00",
    ],
)
def test_never_serves_outside_the_root(site: ServedSite, path: str) -> None:
    status, _, body = fetch(site, path)
    assert status == 404
    assert SECRET not in body


def test_undecodable_path_is_a_bad_request(site: ServedSite) -> None:
    assert fetch(site, "/archive/%ff")[0] == 400


def test_head_sends_headers_only(site: ServedSite) -> None:
    status, headers, body = fetch(site, "/archive/about", method="HEAD")
    assert (status, body) == (200, "")
    assert headers["content-length"] == str(len("<p>about page</p>"))


def test_other_methods_are_refused(site: ServedSite) -> None:
    assert fetch(site, "/archive/", method="POST")[0] == 501


def test_requests_are_recorded(site: ServedSite) -> None:
    fetch(site, "/archive/")
    fetch(site, "/archive/missing")
    assert [(r.method, r.path, r.status) for r in site.requests] == [
        ("GET", "/archive/", 200),
        ("GET", "/archive/missing", 404),
    ]
    assert site.statuses(404) == ["/archive/missing"]


def test_plain_404_when_the_site_has_no_404_page(tmp_path: Path) -> None:
    write(tmp_path / "index.html", "<p>home</p>")
    with serve_site(tmp_path, "archive") as served:
        status, headers, body = fetch(served, "/archive/missing")
    assert (status, body.strip()) == (404, "404 Not Found")
    assert headers["content-type"].startswith("text/plain")


def test_root_base_serves_the_whole_origin(tmp_path: Path) -> None:
    write(tmp_path / "index.html", "<p>home</p>")
    with serve_site(tmp_path, "/") as served:
        assert served.url.endswith(":" + served.origin.rsplit(":", 1)[1] + "/")
        assert fetch(served, "/")[::2] == (200, "<p>home</p>")
        assert fetch(served, "/index")[::2] == (200, "<p>home</p>")


def test_served_file_types(site_root: Path, site: ServedSite) -> None:
    names = {
        "search/wasm.en.pagefind": "application/octet-stream",
        "search/pagefind.wasm": "application/wasm",
        "search/fragment/en_1.pf_fragment": "application/octet-stream",
        "search/index/en_1.pf_index": "application/octet-stream",
        "search/pagefind-entry.json": "application/json",
        "search/pagefind.js": "text/javascript; charset=utf-8",
        "logo.svg": "image/svg+xml",
        "sitemap.xml": "application/xml",
        "feed.atom": "application/atom+xml",
        "cite/a.bib": "text/plain; charset=utf-8",
        "cite/a.ris": "application/x-research-info-systems",
        "style.css": "text/css; charset=utf-8",
        "robots.txt": "text/plain; charset=utf-8",
    }
    for name in names:
        write(site_root / name, "x")
    for name, expected in names.items():
        status, headers, _ = fetch(site, "/archive/" + name)
        assert (name, status, headers["content-type"]) == (name, 200, expected)


def test_content_type_is_independent_of_the_machine() -> None:
    assert content_type_for(Path("a/b.PNG")) == "image/png"
    assert content_type_for(Path("x.pf_meta")) == "application/octet-stream"
    assert content_type_for(Path("no-extension")) == "application/octet-stream"


def test_server_stops_when_the_block_ends(tmp_path: Path) -> None:
    write(tmp_path / "index.html", "<p>home</p>")
    with serve_site(tmp_path) as served:
        assert fetch(served, "/archive/")[0] == 200
    with pytest.raises(OSError):
        fetch(served, "/archive/")
