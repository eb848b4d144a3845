"""Links without a scheme: root paths read from the site's base path, bundle files published, all recorded.

A body is rendered before the site's pages are known, so a link into the site is written here and
checked later (`archivist.pages.linkcheck`), against every page and file the build writes. What the href
becomes depends only on the site's base path, so a rendered body stays valid as other articles come
and go.
"""

from __future__ import annotations

from archivist.model import SiteLink

from .context import Session
from .urls import bundle_path


def local_href(url: str, session: Session, line: int) -> str:
    """The href to write for a link with no scheme, remembering what it points to.

    '/x/y' is a path from the site's root, as on the site it was written for: it is given the base
    path ('/archive/x/y'), or leads to the article whose old address it is. '#id' is a place on
    this page; a file in the article's folder is published beside its page; any other relative
    path is read from the article's page.
    """
    if url.startswith("#"):
        if len(url) > 1:
            session.fragments.append((url[1:], line))
        return url
    if is_root_path(url):
        session.site_links.append(SiteLink("root", url, line))
        # An article's old address leads to the article itself: no redirect, and the fragment kept.
        return session.ctx.resolve_path(url) or session.ctx.site_root + url[1:]
    if not url or url.startswith(("?", "//")):
        return url
    path = bundle_path(url)
    if path is not None and _publishable(path) and session.ctx.asset_exists(path):
        session.add_asset(path)
    else:
        session.site_links.append(SiteLink("relative", url, line))
    return url


def site_image(url: str, session: Session, line: int) -> str:
    """An image given by its path from the site's root: published only if the site has that file."""
    session.site_links.append(SiteLink("image", url, line))
    return session.ctx.site_root + url[1:]


def is_root_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _publishable(path: str) -> bool:
    """Hidden files (.git, .DS_Store) stay private even when a link names them."""
    return not any(part.startswith(".") for part in path.split("/"))
