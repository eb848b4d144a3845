"""Drive Debian's Chromium with Playwright, watching what a page logs and fetches."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    Route,
)

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = frozenset({"127.0.0.1"})
NAVIGATION_TIMEOUT_MS = 30_000
WaitUntil = Literal["commit", "domcontentloaded", "load", "networkidle"]


@dataclass(frozen=True)
class Viewport:
    """A screen a reader might use: its size and whether it behaves like a phone."""

    name: str
    width: int
    height: int
    is_mobile: bool = False
    has_touch: bool = False
    device_scale_factor: float = 1

    def context_options(self) -> dict[str, Any]:
        """Keyword arguments for ``Browser.new_context``."""
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.is_mobile,
            "has_touch": self.has_touch,
            "device_scale_factor": self.device_scale_factor,
        }


DESKTOP = Viewport("desktop", 1280, 800)
PHONE = Viewport("phone", 375, 812, is_mobile=True, has_touch=True, device_scale_factor=2)
VIEWPORTS = {v.name: v for v in (DESKTOP, PHONE)}


def launch_chromium(playwright: Playwright) -> Browser:
    """Start the system Chromium; the browsers Playwright downloads are never used."""
    if not Path(CHROMIUM_PATH).exists():
        raise FileNotFoundError(f"{CHROMIUM_PATH} is missing: run `bash scripts/setup.sh --dev`")
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)


@dataclass
class WatchedPage:
    """A page in its own context, with every problem it showed while it was open."""

    page: Page
    context: BrowserContext
    viewport: Viewport
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)

    def goto(self, url: str, wait_until: WaitUntil = "networkidle") -> None:
        """Load ``url`` (by default until the network is quiet), failing on an error status."""
        response = self.page.goto(url, wait_until=wait_until)
        if response is None or response.status >= 400:
            status = "no response" if response is None else response.status
            raise AssertionError(f"{url} answered {status}")

    def problems(self) -> list[str]:
        """Everything a clean page must not produce, one line each."""
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"uncaught exception: {e}" for e in self.page_errors]
            + [f"request to another host: {u}" for u in self.blocked_requests]
            + [f"failed request: {u}" for u in self.failed_requests]
            + [f"error response: {u}" for u in self.error_responses]
        )

    def close(self) -> None:
        """Close the page's context (and with it the page)."""
        self.context.close()


def open_page(
    browser: Browser,
    url: str | None = None,
    viewport: Viewport | str = DESKTOP,
    allowed_hosts: frozenset[str] = LOCAL_HOSTS,
    **context_options: Any,
) -> WatchedPage:
    """A fresh context at ``viewport`` that blocks and records requests to other hosts."""
    if isinstance(viewport, str):
        viewport = VIEWPORTS[viewport]
    context = browser.new_context(**(viewport.context_options() | context_options))
    context.set_default_timeout(NAVIGATION_TIMEOUT_MS)
    watched = WatchedPage(page=context.new_page(), context=context, viewport=viewport)
    context.route(re.compile(r"^https?://"), lambda route: _route(route, watched, allowed_hosts))
    _listen(watched)
    if url is not None:
        try:
            watched.goto(url)
        except Exception:
            context.close()
            raise
    return watched


def _route(route: Route, watched: WatchedPage, allowed_hosts: frozenset[str]) -> None:
    """Let local requests through; refuse and remember any other, so tests stay offline."""
    host = urllib.parse.urlsplit(route.request.url).hostname
    if host in allowed_hosts:
        route.continue_()
    else:
        watched.blocked_requests.append(route.request.url)
        route.abort("blockedbyclient")


def _listen(watched: WatchedPage) -> None:
    page = watched.page

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            watched.console_errors.append(f"{message.text} ({where})" if where else message.text)

    def on_failed(request: Request) -> None:
        if request.url not in watched.blocked_requests:
            watched.failed_requests.append(f"{request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            watched.error_responses.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the window (0 when it fits).

    Measured against ``clientWidth``, not ``innerWidth``: under phone emulation Chromium
    widens ``innerWidth`` to fit too-wide content (and zooms out), which would hide the
    very overflow a reader on a phone would see.
    """
    script = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    return max(0, int(page.evaluate(script)))


def overflow_culprits(page: Page, limit: int = 5) -> list[str]:
    """Name what makes the page too wide, to explain an overflow in a failure message.

    First the elements whose box passes the window's right edge, widest first; if none
    does (a long unbreakable word or DOI spills out of its box), the innermost elements
    whose content is wider than they are.
    """
    return list(page.evaluate(_CULPRITS_SCRIPT, limit))


_CULPRITS_SCRIPT = """(limit) => {
  const edge = document.documentElement.clientWidth + 0.5;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const sticking = [];
  for (const el of document.querySelectorAll('body *')) {
    const right = el.getBoundingClientRect().right;
    if (right > edge) sticking.push([right, name(el) + ' reaches ' + Math.round(right) + 'px']);
  }
  if (sticking.length) {
    sticking.sort((a, b) => b[0] - a[0]);
    return sticking.slice(0, limit).map(pair => pair[1]);
  }
  const spilling = [...document.querySelectorAll('body, body *')].filter(el =>
    el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible');
  const innermost = spilling.filter(el => !spilling.some(other => other !== el && el.contains(other)));
  return innermost.slice(0, limit).map(el =>
    name(el) + ' holds ' + el.scrollWidth + 'px of content in ' + el.clientWidth + 'px');
}"""


def assert_no_overflow(page: Page) -> None:
    """Fail with the culprits named when the page scrolls sideways or is laid out too wide."""
    screen = (page.viewport_size or {}).get("width", 0)
    layout = int(page.evaluate("document.documentElement.clientWidth"))
    if screen and layout > screen:
        raise AssertionError(
            f"{page.url} is laid out {layout}px wide on a {screen}px screen"
            " (no width=device-width viewport meta?)"
        )
    excess = horizontal_overflow(page)
    if excess > 0:
        culprits = "\n  ".join(overflow_culprits(page))
        raise AssertionError(f"{page.url} is {excess}px wider than the window:\n  {culprits}")


def save_screenshot(page: Page, folder: Path, name: str) -> Path:
    """A full-page PNG in ``folder``, named so a reviewer can find it; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    target = folder / f"{safe_name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
