"""`archivist serve`: build into a scratch folder, serve it, watch the sources, rebuild and reload pages."""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from pathlib import Path
from typing import Callable, TextIO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from archivist.config import cache_dir_of
from archivist.diagnostics import ContentError, Diagnostic, has_errors, normalise
from archivist.serve.live import LiveBuilder, Outcome
from archivist.serve.http import Hub, make_server
from archivist.serve.limits import fewer_allocator_arenas
from archivist.render.theme import theme_folders
from archivist.build.lock import SiteLocked, site_lock
from archivist.build.options import BuildOptions
from archivist.build.steps import search_files
from archivist.search.cache import PREVIEW_SHARD_SIZE
from archivist.util.cacheentry import refused_writes
from archivist.util.diskfaults import DiskFault
from archivist.util.progress import SILENT, Progress
from archivist.util.terminal import progress_for
from archivist.write.commit import CommitMemory
from archivist.write.in_place import update_in_place

QUIET_SECONDS = 0.15  # editors save in bursts (temp file, rename, chmod): wait for them to settle
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")
IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})  # reading a file must not trigger a build
WATCHED_FOLDERS = ("content", "templates")


class ServeError(Exception):
    """The preview cannot start (the port is taken, the folder is not a site)."""


class Debouncer:
    """Calls `action` once events have stopped arriving for `quiet` seconds, on its own thread."""

    def __init__(self, quiet: float, action: Callable[[], None]):
        self.quiet, self.action = quiet, action
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._last = 0.0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="archivist-rebuild", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        with self._lock:
            self._last = time.monotonic()
            self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():  # stopped before it started (Ctrl+C during the first build)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stopping:
                return
            self._settle()
            if self._stopping:
                return
            self.action()

    def _settle(self) -> None:
        while True:
            with self._lock:
                remaining = self._last + self.quiet - time.monotonic()
                if remaining <= 0:
                    self._wake.clear()
                    return
            time.sleep(remaining)


def relevant(path: str, root: Path, folders: tuple[str, ...] = WATCHED_FOLDERS + ("styles",)) -> bool:
    """Whether a changed path can affect the site: a source, not editor droppings, caches or the output."""
    name = Path(path).name
    if not name or name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name == "4913":
        return False
    try:
        parts = Path(path).resolve().relative_to(root).parts
    except (ValueError, OSError):
        return "__pycache__" not in path  # a built-in template or static file
    if len(parts) == 1:
        return parts[0] == "pyproject.toml" or parts[0] in folders
    inside = "/".join(parts)
    if not any(inside.startswith(folder.strip("/") + "/") for folder in folders):
        return False
    return not any(p.startswith(".") or p == "__pycache__" for p in parts)


class _Changes(FileSystemEventHandler):
    def __init__(self, preview: "Preview"):
        self.preview = preview

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in IGNORED_EVENTS or (event.is_directory and event.event_type == "modified"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        folders = WATCHED_FOLDERS + tuple(self.preview.builder.style_dirs)
        if any(p and relevant(str(p), self.preview.root, folders) for p in paths):
            self.preview.changed(str(event.src_path))


class Preview:
    """One running preview: server, watcher and rebuilder, started and stopped together."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
                 out: TextIO = sys.stdout, quiet: float = QUIET_SECONDS):
        self.root, self.host, self.out = root.resolve(), host, out
        self.hub = Hub()
        self.scratch = Path(tempfile.mkdtemp(prefix="archivist-serve-"))
        self.folder = self.scratch / "site"
        try:
            self.server = make_server(host, port, self.folder, self.hub)
        except OSError as exc:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port") from None
        shown_host = "localhost" if host in ("", "0.0.0.0") else host
        self.url = f"http://{shown_host}:{self.server.server_address[1]}/"
        self.builder = LiveBuilder(self.root, BuildOptions(drafts=drafts, search=False), base_url=self.url)
        self.debouncer = Debouncer(quiet, self.rebuild)
        self.observer = Observer()
        self._threads: list[threading.Thread] = []
        self._build_lock = threading.Lock()
        self._warned: set[str] = set()  # the warnings printed by the last rebuild that succeeded
        self._commit_lock = threading.Lock()  # the page rebuild and the search indexer both commit
        self._search_files: dict[str, bytes] = {}  # the last index, kept until the next one is ready
        self._written = CommitMemory()  # what the last commit put in the preview folder
        self._generation = 0
        self._watched: set[Path] = set()
        self._serving = False  # shutting down a server that never served would wait forever

    def start(self, progress: Progress = SILENT) -> None:
        """Build once (telling `progress` how far it has got), then serve and watch; returns at once,
        the work goes on in threads."""
        self.rebuild(progress)
        serving = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                   name="archivist-http", daemon=True)
        serving.start()
        self._serving = True
        self._threads.append(serving)
        self._watch()
        self.debouncer.start()

    def changed(self, path: str) -> None:
        """A watched file changed: a new folder may need watching, and a rebuild is due soon."""
        if Path(path).name in WATCHED_FOLDERS and Path(path).parent.resolve() == self.root:
            self._watch()
        self.debouncer.poke()

    def rebuild(self, progress: Progress = SILENT) -> Outcome | None:
        """Rebuild now; never raises: every failure becomes an overlay over the last good site.
        `progress` is let go of before anything is printed."""
        with self._build_lock:
            started = time.perf_counter()
            try:
                with site_lock(cache_dir_of(self.root), out=self.out), progress:  # a `build` meanwhile waits
                    outcome = self.builder.rebuild(progress=progress)
            except ContentError as exc:
                self._failed(exc.diagnostics, time.perf_counter() - started)
                return None
            except (DiskFault, SiteLocked) as exc:
                self._fault(str(exc))
                return None
            except Exception:  # the preview must outlive any bug a rebuild meets
                self.builder.forget()
                self._report_crash(traceback.format_exc())
                return None
            if outcome is None and self.hub.problems:
                # Back to the files of the last good build after a failure that left nothing
                # in memory to compare (bad settings): build again rather than keep the overlay.
                outcome = self._rebuild_everything()
            if outcome is not None:
                self._finish(outcome)
            return outcome

    def _rebuild_everything(self) -> Outcome | None:
        try:
            with site_lock(cache_dir_of(self.root), out=self.out):
                return self.builder.rebuild(force_full=True)
        except (DiskFault, SiteLocked) as exc:
            self._fault(str(exc))
            return None
        except Exception:
            self.builder.forget()
            self._report_crash(traceback.format_exc())
            return None

    def _finish(self, outcome: Outcome) -> None:
        diagnostics = normalise(outcome.build.diagnostics)
        if has_errors(diagnostics):
            self._failed(diagnostics, outcome.seconds)
            return
        self._report(diagnostics)
        try:
            with self._commit_lock:
                self._generation += 1
                update_in_place(self.folder, {**outcome.build.files, **self._search_files}, self._written)
        except DiskFault as exc:
            self._fault(str(exc))
            return
        except Exception:  # the preview must outlive any bug the commit meets
            self._report_crash(traceback.format_exc())
            return
        for line in refused_writes():
            print(f"archivist: warning: {line}", file=self.out, flush=True)
        print(f"rebuilt in {outcome.seconds:.2f} s: {outcome.rendered} page(s) rendered ({outcome.plan.reason})",
              file=self.out, flush=True)
        self.hub.publish(())
        self._index_later(outcome.build.files, outcome.build.redirects, self._generation)

    def _report(self, diagnostics: list[Diagnostic]) -> None:
        """Print the warnings this rebuild found that the last one did not, and count the others: an
        archive that moved in may carry thousands, and printing them all after every save is slow
        and hides the one the writer just caused."""
        lines = [diagnostic.format_text() for diagnostic in diagnostics]
        new = [line for line in lines if line not in self._warned]
        if new:
            print("\n".join(new), file=self.out, flush=True)
        if len(lines) > len(new):
            print(f"{len(lines) - len(new)} warning(s) shown before still stand", file=self.out, flush=True)
        self._warned = set(lines)

    def _index_later(self, files: dict, redirects: frozenset[str], generation: int) -> None:
        """The search index follows the pages: it is rebuilt in the background after they are
        served, and swapped in unless a newer rebuild has come since."""
        config = self.builder.config
        if config is None or not config.search:
            return
        indexer = threading.Thread(target=self._index, args=(config, files, redirects, generation),
                                   name="archivist-search", daemon=True)
        indexer.start()
        # Finished indexers are let go of: a preview left open all day rebuilds thousands of times.
        self._threads = [thread for thread in self._threads if thread.is_alive()] + [indexer]

    def _index(self, config, files: dict, redirects: frozenset[str], generation: int) -> None:
        try:
            index, problems = search_files(config, files, shard_size=PREVIEW_SHARD_SIZE, skip=redirects)
        except Exception:  # the preview must outlive any bug the indexer meets
            print(f"search index not updated:\n{traceback.format_exc()}", file=self.out, flush=True)
            return
        if problems:
            for problem in problems:
                print(f"search index not updated: {problem.format_text()}", file=self.out, flush=True)
            return
        with self._commit_lock:
            if generation != self._generation:
                return  # pages changed meanwhile; the newer rebuild indexes them
            self._search_files = index
            try:
                update_in_place(self.folder, {**files, **index}, self._written)
            except DiskFault as exc:
                self._fault(str(exc))
                return
            except Exception:
                self._report_crash(traceback.format_exc())
                return
        print("search index updated", file=self.out, flush=True)

    def _failed(self, diagnostics: list[Diagnostic], seconds: float) -> None:
        errors = [d.format_text() for d in normalise(diagnostics) if d.severity == "error"]
        for line in errors:
            print(line, file=self.out, flush=True)
        print(f"build failed in {seconds:.2f} s; still serving the last good build", file=self.out, flush=True)
        self.hub.publish(errors)

    def _fault(self, message: str) -> None:
        """A full or read-only disk, or a build that kept the lock: one line, and the last good site stays."""
        print(f"archivist: {message}; still serving the last good build", file=self.out, flush=True)
        self.hub.publish([message])

    def _report_crash(self, text: str) -> None:
        print(text, file=self.out, flush=True)
        self.hub.publish([f"internal error while building:\n{text}"])

    def _watch(self) -> None:
        folders = theme_folders(self.root, self.builder.style_dirs)
        wanted = [(self.root, False)] + [(folder, True) for folder in folders]
        wanted.append((self.root / "content", True))
        for folder, recursive in wanted:
            if folder.is_dir() and folder.resolve() not in self._watched:
                self.observer.schedule(_Changes(self), str(folder), recursive=recursive)
                self._watched.add(folder.resolve())
        if not self.observer.is_alive():
            self.observer.start()

    def stop(self) -> None:
        """Stop watching and serving, and remove the scratch folder."""
        self.debouncer.stop()
        if self.observer.is_alive():
            self.observer.stop()
            self.observer.join(timeout=10)
        self.hub.close()
        if self._serving:
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)
        with self._build_lock:
            self.builder.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


def serve(root: Path, host: str, port: int, drafts: bool, open_browser: bool, out: TextIO = sys.stdout) -> int:
    """Run the preview until Ctrl+C."""
    if not (root / "pyproject.toml").is_file():
        raise ServeError(f"no pyproject.toml in {root.resolve()}; run from the site's folder or pass --site")
    fewer_allocator_arenas()  # before the first thread: see its docstring
    preview = Preview(root, host, port, drafts, out=out)
    _stop_on_terminate()
    try:
        preview.start(_first_build_progress())
        print(f"Serving {preview.url} (Ctrl+C to stop)", file=out, flush=True)
        if open_browser:
            webbrowser.open(preview.url)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        preview.stop()


def _first_build_progress() -> Progress:
    """The first build of a large archive takes minutes: on a terminal it shows the line a build
    shows, which disappears when it is done, so the preview prints what it always printed. Rebuilds
    after an edit take a second or two and show nothing; neither does a preview whose output is
    logged."""
    return progress_for(sys.stderr, keep=False) if sys.stderr.isatty() else SILENT


def _stop_on_terminate() -> None:
    """SIGTERM stops the preview as Ctrl+C does, so the scratch folder is removed."""
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        pass
