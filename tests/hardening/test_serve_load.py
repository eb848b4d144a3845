"""`archivist serve` under load: hundreds of clients while articles change, clients that are slow on
purpose, and the memory a long preview keeps. ARCHIVIST_LONG_SERVE=1 runs the load for ten minutes."""

from __future__ import annotations

import asyncio
import gc
import io
import os
import random
import re
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import CASES, make_site
from serve_load import SEARCH_FILES, Tally, event_client, reader_client, search_check, stuck_reader, trickler
from serve_process import Server

from archivist.build.state import PageReads
from archivist.serve.http import Hub, make_server
from archivist.serve.preview import Preview

LONG = os.environ.get("ARCHIVIST_LONG_SERVE") == "1"
LOAD_SECONDS = 600 if LONG else 15
LOAD_WINDOWS = 3  # windows of LOAD_SECONDS, until the preview has rebuilt three times under load
SLOW_SECONDS = 130 if LONG else 24  # the long run outlasts the write timeout too
SAVE_EVERY = 1.5  # seconds between saves of an article
READERS, LISTENERS = 180, 20
MEMORY_SLACK_MIB = 24  # growth allowed after warm-up; a rebuild that leaked kept ~0.13 MiB each
ARTICLES = 8
ARTICLE = """---
title: Register {number}
authors: ["Osei, Clara"]
date: 2021-03-{day:02d}
journal: Ledger and Letter
keywords: [ports]
---
The harbour master kept a register of ships, number {number}.
"""
PAGE = re.compile(rb"<title>Register (\d+) \|.*register of ships, number (\d+)\.", re.DOTALL)


def run_apart(make_coroutine):
    """Run the clients' event loop on a thread of its own: a browser test earlier in the same session
    may have left an event loop running on this one, where asyncio.run refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def small_site(root: Path) -> tuple[Path, dict[str, set[int]]]:
    """Eight articles; the versions written of each, by slug, start with the first."""
    versions = {f"a{n}": {n} for n in range(ARTICLES)}
    site = make_site(root, {f"a{n}.md": ARTICLE.format(number=n, day=n + 1) for n in range(ARTICLES)})
    return site, versions


def page_check(versions: dict[str, set[int]]):
    """An HTML answer is whole; an article page shows one version written, title and text alike."""
    def check(path: str, body: bytes) -> str | None:
        if path.startswith("pagefind/"):
            return search_check(path, body)
        if not body.rstrip().endswith(b"</html>"):
            return "page cut short"
        slug = path.split("/")[1] if path.startswith("articles/a") else None
        if slug is None:
            return None
        match = PAGE.search(body)
        if match is None:
            return "article page without its title or text"
        title, text = int(match.group(1)), int(match.group(2))
        if title != text or text not in versions[slug]:
            return f"a mix of versions: title {title}, text {text}, written {sorted(versions[slug])[-3:]}"
        return None
    return check


async def save_articles(folder: Path, versions: dict[str, set[int]], until: float) -> int:
    """Rewrite a random article every SAVE_EVERY seconds, recording each version before it is written."""
    rng, number, saves = random.Random(5), 1000, 0
    while time.monotonic() < until:
        await asyncio.sleep(SAVE_EVERY)
        slug = f"a{rng.randrange(ARTICLES)}"
        number += 1
        versions[slug].add(number)
        (folder / f"{slug}.md").write_text(ARTICLE.format(number=number, day=rng.randint(1, 28)), encoding="utf-8")
        saves += 1
    return saves


async def sample_memory(server: Server, until: float, samples: list[tuple[float, float]]) -> None:
    started = time.monotonic()
    while time.monotonic() < until:
        samples.append((time.monotonic() - started, server.rss_mib()))
        await asyncio.sleep(1.0)


async def load(server: Server, site: Path, versions: dict[str, set[int]], tally: Tally,
               samples: list[tuple[float, float]]) -> int:
    host, port = server.url.split("/")[2].split(":")
    until = time.monotonic() + LOAD_SECONDS
    paths = ["", "articles/"] + [f"articles/a{n}/" for n in range(ARTICLES)] + list(SEARCH_FILES)
    check = page_check(versions)
    tasks = [reader_client(host, int(port), paths, check, until, tally, seed) for seed in range(READERS)]
    tasks += [event_client(host, int(port), until, tally) for _ in range(LISTENERS)]
    tasks.append(sample_memory(server, until, samples))
    saves, *_ = await asyncio.gather(save_articles(site / "content" / "articles", versions, until), *tasks)
    return saves


def memory_windows(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """The median RSS just after warm-up and over the last quarter of the run: a rebuild's peak
    passes, growth that stays is what a leak looks like."""
    warm = [rss for at, rss in samples if at >= min(10.0, LOAD_SECONDS / 3)]
    quarter = max(len(warm) // 4, 1)
    return statistics.median(warm[:quarter]), statistics.median(warm[-quarter:])


def test_many_clients_during_rebuilds_see_whole_pages_and_memory_stays_bounded(tmp_path):
    site, versions = small_site(tmp_path / "site")
    server = Server(site)
    try:
        server.settle(quiet=1.0)
        before = len(server.lines)
        tally, samples = Tally(), []
        saves, rebuilds = 0, 0
        for _window in range(LOAD_WINDOWS):  # a slow machine rebuilds less often under the same load
            saves += run_apart(lambda: load(server, site, versions, tally, samples))
            rebuilds = sum(line.startswith("rebuilt in") for line in server.lines[before:])
            if rebuilds >= 3:
                break
        early, late = memory_windows(samples)
        print(f"\nload: {tally.requests} requests, {len(tally.errors)} errors, {tally.reloads} reloads, {saves} saves, "
              f"{rebuilds} rebuilds, RSS {samples[0][1]:.1f} MiB at start, median {early:.1f} after warm-up, "
              f"{late:.1f} at the end (peak {max(rss for _at, rss in samples):.1f}), "
              f"slowest answer {tally.slowest:.2f} s")
        assert server.process.poll() is None, "".join(server.lines[-30:])
        assert tally.errors == [], tally.errors[:10]
        assert tally.requests > READERS and tally.reloads >= LISTENERS and rebuilds >= 3
        assert late - early < MEMORY_SLACK_MIB, f"RSS grew from {early:.1f} to {late:.1f} MiB"
        CASES["saves under load (200 clients)"] += saves
    finally:
        server.stop()


async def slow_and_fast(host: str, port: int, site_paths: list[str], tally: Tally, slow: Tally) -> None:
    until = time.monotonic() + SLOW_SECONDS
    stuck = [stuck_reader(host, port, "pagefind/wasm.unknown.pagefind") for _ in range(4)]
    try:
        tasks = [trickler(host, port, until, slow) for _ in range(100)]
        tasks += [trickler(host, port, until, slow, silent=True) for _ in range(50)]
        await asyncio.sleep(2.0)  # the slow ones first, as an attack would come
        tasks += [reader_client(host, port, site_paths, lambda _p, _b: None, until, tally, seed) for seed in range(50)]
        await asyncio.gather(*tasks)
    finally:
        for sock in stuck:
            sock.close()


def test_slow_clients_are_cut_off_and_do_not_starve_the_others(tmp_path):
    site, _versions = small_site(tmp_path / "site")
    server = Server(site)
    try:
        server.settle(quiet=1.0)
        host, port = server.url.split("/")[2].split(":")
        tally, slow = Tally(), Tally()
        paths = ["", "articles/a1/", "pagefind/pagefind.js"]
        run_apart(lambda: slow_and_fast(host, int(port), paths, tally, slow))
        assert server.process.poll() is None, "".join(server.lines[-30:])
        assert tally.errors == [] and slow.errors == [], (tally.errors + slow.errors)[:10]
        assert tally.requests > 50
        assert len(slow.slow_closed) >= 150, "a client that never finished its request was kept open"
        print(f"\nslow clients: 150 slow + 4 never reading; {tally.requests} requests served meanwhile, slowest "
              f"answer {tally.slowest:.2f} s; slow connections closed after {min(slow.slow_closed):.1f}"
              f"-{max(slow.slow_closed):.1f} s ({len(slow.slow_closed)} closed)")
        CASES["slow clients cut off"] += len(slow.slow_closed)
    finally:
        server.stop()


def test_connections_beyond_the_cap_hear_503_and_the_rest_are_served(tmp_path):
    (tmp_path / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    hub = Hub()
    server = make_server("127.0.0.1", 0, tmp_path, hub, max_connections=4)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    serving.start()
    address = server.server_address
    try:
        idle = [socket.create_connection(address) for _ in range(4)]
        extra = socket.create_connection(address, timeout=10)
        answer = _read_all(extra)
        assert answer.startswith(b"HTTP/1.1 503") and answer.endswith(b"try again in a moment.\n"), answer
        for sock in idle:
            sock.close()
        for _ in range(100):  # the server sees the closed ones a moment later
            if server.open_connections == 0:
                break
            time.sleep(0.05)
        fresh = socket.create_connection(address, timeout=10)
        fresh.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(fresh).startswith(b"HTTP/1.1 200")
    finally:
        hub.close()
        server.shutdown()
        server.server_close()


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    return data


def test_rebuilds_do_not_keep_the_builds_before_them(tmp_path):
    """What each page read is kept per rebuild; a chain of them back to the first build grew the
    preview's memory with every save. Neither it nor finished search indexers pile up."""
    site, _versions = small_site(tmp_path / "site")
    preview = Preview(site, port=0, out=io.StringIO())
    try:
        for number in range(30):
            (site / "content" / "articles" / "a0.md").write_text(ARTICLE.format(number=100 + number, day=2))
            assert preview.rebuild() is not None
            for thread in list(preview._threads):
                thread.join(timeout=120)
        gc.collect()
        kept = [obj for obj in gc.get_objects() if isinstance(obj, PageReads)]
        assert len(kept) <= 2, f"{len(kept)} PageReads alive after 30 rebuilds"
        assert len(preview._threads) <= 1
        reads = preview.builder.pipeline.state.reads
        assert "articles/a3/index.html" in reads and "articles/a0/index.html" in reads
    finally:
        preview.stop()
    CASES["rebuilds in one preview"] += 30


def test_the_preview_asks_the_c_library_for_two_allocator_arenas():
    """On glibc (Debian, where the preview runs in CI) mallopt accepts the limit; elsewhere it is a no-op."""
    import platform

    from archivist.serve.limits import fewer_allocator_arenas

    assert fewer_allocator_arenas() == (platform.libc_ver()[0] == "glibc")
