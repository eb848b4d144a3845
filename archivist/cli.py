"""The command line: `archivist build|merge|check|serve|new|init|theme|refs`, with exit codes 0 ok, 1 content errors,
2 usage, 3 an engine that failed (Node or Pagefind killed, hung or answering garbage) or a bug, 4 the machine
(a full or read-only disk, another build holding the site's lock)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from archivist import __version__, config as config_step
from archivist.diagnostics import ContentError, Diagnostic, has_errors, normalise
from archivist.build.output import build_into
from archivist.build.lock import SiteLocked, site_lock
from archivist.build.options import BuildOptions
from archivist.util.diskfaults import DiskFault, is_disk_fault, shown_folder
from archivist.util.engines import EngineFailure
from archivist.util.progress import SILENT, Progress, StageLines
from archivist.write.commit import OutputRefused

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_ENVIRONMENT = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A mistake in how the command was called, not in the content."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"archivist: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        _print(exc.diagnostics, getattr(args, "format", "text"))
        return EXIT_CONTENT
    except EngineFailure as exc:  # not the content, not a bug: the output is untouched and a new build may succeed
        print(f"archivist: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except (DiskFault, SiteLocked) as exc:
        print(f"archivist: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad content: say so in one line, details on request
        if os.environ.get("ARCHIVIST_DEBUG"):
            raise
        if is_disk_fault(exc):  # a write no step names: still the disk's fault, not a bug
            print(f"archivist: {_unnamed_fault(exc)}", file=sys.stderr)
            return EXIT_ENVIRONMENT
        print(f"archivist: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in Archivist, not in your content; set ARCHIVIST_DEBUG=1 to see the details.",
              file=sys.stderr)
        return EXIT_INTERNAL


def _unnamed_fault(exc: OSError) -> DiskFault:
    """A refused write that no step wrapped: named by the folder of the file it was writing."""
    folder = Path(exc.filename).parent if isinstance(exc.filename, str) else Path.cwd()
    return DiskFault(exc.errno, "files", shown_folder(folder))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archivist", description="Build a scholarly article archive.")
    parser.add_argument("--version", action="version", version=f"archivist {__version__}")
    parser.add_argument("--site", default=".", help="the site's folder, holding pyproject.toml (default: .)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="build the site into output/")
    build.add_argument("--output", help="folder to write (default: output; with --part K/N, output-part-K-of-N)")
    build.add_argument("--part", metavar="K/N", help="build part K of N only, for `merge` to join (see README)")
    build.add_argument("--base-url", help="override base_url, e.g. https://owner.github.io/repo/")
    build.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--no-search", action="store_true", help="skip the search index")
    build.add_argument("--full", action="store_true",
                       help="render every page, ignoring what the previous build into this folder left")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build.add_argument("-v", "--verbose", action="store_true", help="print every file written")
    build.set_defaults(run=run_build, format="text")

    check = commands.add_parser("check", help="validate and render in memory; write nothing")
    check.add_argument("paths", nargs="*", help="report only on these files or folders")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--drafts", action="store_true", default=True, help=argparse.SUPPRESS)
    check.add_argument("--format", choices=("text", "github"), default="text")
    check.set_defaults(run=run_check)

    serve = commands.add_parser("serve", help="preview the site with live reload")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    serve.add_argument("--open", action="store_true", help="open the preview in the web browser")
    serve.set_defaults(run=run_serve)

    new = commands.add_parser("new", help="start a new article")
    new.add_argument("title", help="the article's title, in quotes")
    new.add_argument("--author", action="append", default=[], help="'Family, Given'; repeat for more authors")
    new.add_argument("--journal", default="", help="the journal, book or series it appeared in")
    new.add_argument("--slug", default="", help="the URL name (default: made from the title)")
    new.add_argument("--bundle", action="store_true", help="make content/articles/<slug>/index.md, for images and PDFs")
    new.set_defaults(run=run_new)

    init = commands.add_parser("init", help="make a new site, with its own copy of the theme, in an empty folder")
    init.add_argument("dir", help="the new site's folder: new, or empty")
    init.add_argument("--engine", default="", metavar="REQUIREMENT",
                      help="the Archivist requirement for requirements.txt (default: this version, "
                           "from where it was installed)")
    init.set_defaults(run=run_init)

    theme = commands.add_parser("theme", help="compare the site's templates/ with the default theme")
    theme.add_argument("action", choices=("diff",), help="diff: print the site's changes as a patch")
    theme.set_defaults(run=run_theme)

    merge = commands.add_parser("merge", help="join the parts of a site built with build --part K/N")
    merge.add_argument("parts", nargs="+", metavar="PART_FOLDER", help="the folders of every part, 1 to N")
    merge.add_argument("--output", default="output", help="folder to write (default: output)")
    merge.add_argument("--strict", action="store_true", help="treat warnings as errors")
    merge.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    merge.set_defaults(run=run_merge, format="text")

    refs = commands.add_parser("refs", help="add works to an article's bibliography file, by DOI")
    refs_actions = refs.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = refs_actions.add_parser("add", help="fetch works by DOI into the article's CSL-JSON or CSL-YAML file")
    add.add_argument("article", metavar="ARTICLE", help="the article: its file, its bundle folder, or its slug")
    add.add_argument("identifiers", nargs="+", metavar="IDENTIFIER",
                     help="doi:10.…, a bare DOI, or a https://doi.org/ URL")
    add.add_argument("--force", action="store_true", help="fetch again a work already in the file, and replace it")
    add.add_argument("--resolver", metavar="URL",
                     help="the DOI resolver to ask (default: $ARCHIVIST_DOI_RESOLVER, else https://doi.org/)")
    add.set_defaults(run=run_refs_add)
    return parser


def run_serve(args: argparse.Namespace) -> int:
    from archivist.serve.preview import ServeError, serve  # watchdog loads only when previewing

    try:
        return serve(Path(args.site), args.host, args.port, args.drafts, args.open)
    except ServeError as exc:
        raise UsageError(str(exc)) from None


def run_new(args: argparse.Namespace) -> int:
    from archivist.content.scaffold import NewArticle, ScaffoldError, create

    if not (Path(args.site) / "pyproject.toml").is_file():
        raise UsageError(f"no pyproject.toml in {Path(args.site).resolve()}; run from the site's folder or pass --site")
    request = NewArticle(args.title, tuple(args.author), args.journal, args.slug, args.bundle)
    try:
        path = create(Path(args.site), request)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(f"created {path}; preview it with: python build.py serve")
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    from .content.starter import InitError, create_site

    try:
        site = create_site(Path(args.dir), args.engine)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    print(f"created a site of {site.files} files in {site.root}; preview it with:\n"
          f"  cd {site.root}\n  python -m venv .venv && .venv/bin/python -m pip install -r requirements.txt\n"
          f"  npm ci\n  .venv/bin/archivist serve")
    return EXIT_OK


def run_theme(args: argparse.Namespace) -> int:
    from .render.theme_diff import theme_diff

    templates = Path(args.site) / "templates"
    patch, changed = theme_diff(templates)
    try:
        sys.stdout.buffer.write(patch.encode("utf-8"))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (`| head`, a pager quit): not a fault
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    default = f"the default theme of archivist {__version__}"
    count = len(changed)
    print(f"{count} file{'s' * (count != 1)} of templates/ differ{'s' * (count == 1)} from {default}" if count
          else f"no file of templates/ differs from {default}", file=sys.stderr)
    return EXIT_OK


def run_refs_add(args: argparse.Namespace) -> int:
    from .citations.refs_add import RefsError, add  # the network code loads only for this command, never for a build

    if args.resolver and not args.resolver.startswith(("http://", "https://")):
        raise UsageError(f"--resolver must be an http(s) URL, not {args.resolver!r}")
    config = _load_config(args)
    try:
        outcome = add(config, args.article, args.identifiers, args.resolver, args.force)
    except RefsError as exc:
        raise UsageError(str(exc)) from None
    for line in outcome.messages:
        print(line)
    for problem in outcome.problems:
        print(f"archivist: refs add: {problem}", file=sys.stderr)
    return EXIT_USAGE if outcome.problems else EXIT_OK


def _load_config(args: argparse.Namespace) -> config_step.SiteConfig:
    root = Path(args.site)
    if not (root / "pyproject.toml").is_file():
        raise UsageError(f"no pyproject.toml in {root.resolve()}; run from the site's folder or pass --site")
    config = config_step.load(root)
    base_url = getattr(args, "base_url", None)
    if base_url:
        checked = config_step._base_url(base_url)
        if checked is None:
            raise UsageError(f"--base-url must be an http(s) URL, not {base_url!r}")
        config = config.with_base_url(checked)
    return config


def run_build(args: argparse.Namespace) -> int:
    if args.part is not None:
        return run_build_part(args)
    started = time.perf_counter()
    config = _load_config(args)
    output = _output(args, args.output or "output")
    options = BuildOptions(drafts=args.drafts, search=not args.no_search)
    try:
        with site_lock(config.cache_dir), _progress(args.quiet) as progress:
            outcome = build_into(config, options, output, strict=args.strict, full=args.full, progress=progress)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    _print(outcome.diagnostics, "text")
    for line in outcome.cache_refused:
        print(f"archivist: warning: {line}", file=sys.stderr)
    report = outcome.report
    if report is None or has_errors(outcome.diagnostics, strict=args.strict):
        print(f"build failed: {_summary(outcome.diagnostics)}; output left as it was", file=sys.stderr)
        return EXIT_CONTENT
    if args.verbose and not args.quiet:
        for path in report.changed_paths:
            print(f"  {'written' if (output / path).exists() else 'removed'}: {path}")
    if not args.quiet:
        seconds = time.perf_counter() - started
        done = "nothing changed since the last build" if outcome.skipped else f"{outcome.rendered} pages rendered"
        print(f"built {outcome.article_count} articles into {output}: {done}; {report.written} files written, "
              f"{report.unchanged} unchanged, {report.removed} removed in {seconds:.2f} s")
    return EXIT_OK


def _output(args: argparse.Namespace, name: str) -> Path:
    """An output folder, relative to the site's folder unless absolute."""
    output = Path(name)
    return output if output.is_absolute() else Path(args.site) / output


def run_build_part(args: argparse.Namespace) -> int:
    from archivist.build.parts import PartSpec, PartSpecError, build_part_into  # only a build in parts needs them

    started = time.perf_counter()
    try:
        spec = PartSpec.parse(args.part)
    except PartSpecError as exc:
        raise UsageError(str(exc)) from None
    config = _load_config(args)
    output = _output(args, args.output or spec.default_output)
    options = BuildOptions(drafts=args.drafts, search=not args.no_search)
    try:
        with site_lock(config.cache_dir):
            outcome = build_part_into(config, options, spec, output, strict=args.strict)
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    _print(outcome.diagnostics, "text")
    if outcome.report is None:
        print(f"build of part {spec.name} failed: {_summary(outcome.diagnostics)}; output left as it was",
              file=sys.stderr)
        return EXIT_CONTENT
    if not args.quiet:
        print(f"built part {spec.name}: {outcome.articles} of {outcome.total} articles and {outcome.shards} search "
              f"shards into {output}; {outcome.report.written} files written, {outcome.report.unchanged} unchanged, "
              f"{outcome.report.removed} removed in {time.perf_counter() - started:.2f} s")
    return EXIT_OK


def run_merge(args: argparse.Namespace) -> int:
    from archivist.build.merge import PartsError, merge_into  # only a merge needs it

    started = time.perf_counter()
    config = _load_config(args)
    output = _output(args, args.output)
    try:
        with site_lock(config.cache_dir):
            outcome = merge_into(config, [Path(folder) for folder in args.parts], output, strict=args.strict)
    except (PartsError, OutputRefused) as exc:
        raise UsageError(str(exc)) from None
    _print(outcome.diagnostics, "text")
    if outcome.report is None:
        print(f"merge failed: {_summary(outcome.diagnostics)}; output left as it was", file=sys.stderr)
        return EXIT_CONTENT
    if not args.quiet:
        print(f"merged {outcome.parts} parts ({outcome.articles} articles) into {output}: {outcome.report.written} "
              f"files written, {outcome.report.unchanged} unchanged, {outcome.report.removed} removed in "
              f"{time.perf_counter() - started:.2f} s")
    return EXIT_OK


def _progress(quiet: bool) -> Progress:
    """Where a build tells how far it has got, on stderr: nowhere with -q; on a terminal, a line
    redrawn in place; elsewhere (CI, a pipe, a file), one plain line per stage as it ends."""
    if quiet:
        return SILENT
    if not sys.stderr.isatty():
        return StageLines(sys.stderr)
    from archivist.util.terminal import progress_for  # rich loads only when a terminal shows the progress

    return progress_for(sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    config = _load_config(args)
    from archivist.build.pipeline import build_site  # the whole pipeline, imported only by the commands that run it

    result = build_site(config, BuildOptions(drafts=True, search=False, check_only=True))
    diagnostics = _only_paths(normalise(result.diagnostics), args.paths, config.root)
    _print(diagnostics, args.format)
    if has_errors(diagnostics, strict=args.strict):
        print(f"check failed: {_summary(diagnostics)}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"checked {result.article_count} articles: {_summary(diagnostics) or 'no problems'}", file=sys.stderr)
    return EXIT_OK


def _only_paths(diagnostics: list[Diagnostic], paths: list[str], root: Path) -> list[Diagnostic]:
    if not paths:
        return diagnostics
    wanted = []
    for path in paths:
        full = Path(path).resolve()
        try:
            wanted.append(full.relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UsageError(f"{path} is not inside the site folder {root.resolve()}") from None
    return [d for d in diagnostics if any(d.path == w or d.path.startswith(w.rstrip("/") + "/") for w in wanted)]


def _print(diagnostics: list[Diagnostic], fmt: str) -> None:
    for diagnostic in diagnostics:
        text = diagnostic.format_github() if fmt == "github" else diagnostic.format_text()
        print(text, file=sys.stdout if fmt == "github" else sys.stderr)


def _summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    return ", ".join(parts)
