"""Images: the source policy (bundle files only), alt-text checks and the <img> element."""

from __future__ import annotations

from typing import Any

from mistune.util import escape

from .context import Session, Token, add_hook, set_render
from .hrefs import is_root_path, site_image
from .text import plain_text
from .urls import HARMFUL_SCHEMES, bundle_path, scheme_of


def check_image(url: str, alt: str, session: Session, line: int, described: bool = False) -> str | None:
    """Report what is wrong with an image; return the src to render, or None to drop it.

    An image `described` by the caption of the figure div holding it (floats.py) may go
    without alt text."""
    if not alt.strip() and not described:
        session.error("body.missing-alt", f"image '{url}' has no alt text; describe it for readers who cannot see it", line)
    scheme = scheme_of(url)
    if scheme in HARMFUL_SCHEMES:
        session.warning("body.unsafe-url", f"dropped image with a '{scheme}:' URL", line)
        return None
    if scheme in ("http", "https"):
        session.error("body.remote-image", f"image '{url}' is on another host; put the file in the article's folder", line)
        return None
    if scheme:
        session.error("body.image-path", f"image URL scheme '{scheme}:' is not allowed; use a file in the article's folder", line)
        return None
    if is_root_path(url):
        return site_image(url, session, line)  # a file of the site: checked once the site's files are known
    return _check_bundle_file(url, session, line)


def _check_bundle_file(url: str, session: Session, line: int) -> str | None:
    path = bundle_path(url)
    if path is None:
        session.error("body.image-path", f"image path '{url}' must stay inside the article's folder", line)
        return None
    session.add_asset(path)
    if not session.ctx.asset_exists(path):
        session.error("body.missing-asset", f"image '{path}' does not exist in the article's folder", line)
    return url


def check_image_token(tok: Token, session: Session) -> None:
    """Hook: apply the policy to an inline image and keep its plain alt text."""
    attrs = tok["attrs"]
    alt = plain_text(tok.get("children", []))
    attrs["alt"] = alt
    src = check_image(attrs["url"], alt, session, session.line_of(tok), tok.get("_described", False))
    if src is None:
        tok["type"] = "dropped_image"
        tok["children"] = [{"type": "text", "raw": alt}]
        tok.pop("attrs")
        return
    attrs["url"] = src
    attrs["size"] = image_size(src, session)


def image_size(src: str, session: Session) -> tuple[int, int] | None:
    """The bundle image's intrinsic width and height, when its file tells."""
    path = bundle_path(src)
    return session.ctx.asset_size(path) if path is not None else None


def img_tag(src: str, alt: str, title: str | None = None, size: tuple[int, int] | None = None) -> str:
    """The <img> element, lazy so long articles load their figures as readers reach them, with
    its intrinsic size so the page keeps its layout while they load."""
    title_attr = f' title="{escape(title)}"' if title else ""
    size_attrs = f' width="{size[0]}" height="{size[1]}"' if size else ""
    return f'<img src="{escape(src)}" alt="{escape(alt)}"{title_attr}{size_attrs} loading="lazy" decoding="async">'


def render_image(renderer: Any, text: str, url: str, alt: str = "", title: str | None = None,
                 size: tuple[int, int] | None = None) -> str:
    return img_tag(url, alt, title, size)


def render_dropped_image(renderer: Any, text: str) -> str:
    return text


def register(md: Any) -> None:
    add_hook(md, "image", check_image_token)
    set_render(md, "image", render_image)
    set_render(md, "dropped_image", render_dropped_image)
