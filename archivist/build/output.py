"""Build a site into its output folder: nothing when nothing changed, else only the pages that did."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from archivist.config import SiteConfig
from archivist.diagnostics import Diagnostic, has_errors, normalise
from archivist.build.record import (RecordHead, Stamps, build_fingerprint, forget_record, input_stamps, output_stats,
                                    read_head, read_state, record_path, write_head)
from archivist.build.recorddraft import StateDraft, sweep_drafts
from archivist.build.stamps import now_ns, same_inputs, to_keep
from archivist.util.cacheentry import CODE as DAMAGED, refused_writes
from archivist.util.digests import settings_digest
from archivist.util.progress import SILENT, Progress
from archivist.build.options import BuildOptions
from archivist.write.spool import Spool
from archivist.write.commit import MARKER, StagedCommit, WriteReport, remove_leftovers

if TYPE_CHECKING:
    from archivist.build.pipeline import SiteBuild


@dataclass(frozen=True)
class BuildOutcome:
    """What `build` did: its diagnostics, and what it wrote (None when content errors stopped it)."""

    diagnostics: list[Diagnostic]
    article_count: int
    report: WriteReport | None
    rendered: int  # pages rendered; 0 when nothing had changed
    skipped: bool = False  # True when inputs and output were exactly as the last build left them
    cache_refused: tuple[str, ...] = ()  # cache folders a full or read-only disk kept entries out of


def build_into(config: SiteConfig, options: BuildOptions, output: Path, strict: bool = False,
               full: bool = False, progress: Progress = SILENT) -> BuildOutcome:
    """Build and commit, reusing the previous build into `output` where that is safe.

    The input files' stamps are taken before anything is read, so an edit made while the build
    runs is seen by the next one. `full` ignores the previous build entirely. `progress`
    is told how far each step has got (a build with nothing to do has no steps).
    """
    refused_writes()  # only this build's refusals are reported
    fingerprint = build_fingerprint(settings_digest(config, options, config.base_url), output)
    where = record_path(config, output)
    damage: list[Diagnostic] = []
    head = None if full else read_head(where, fingerprint, damage)
    started = now_ns()
    inputs = input_stamps(config, started, head.inputs if head is not None else None)
    present = output_stats(output)
    if head is not None and head.outputs == present and same_inputs(head.inputs, inputs):
        remove_leftovers(output)  # a build that does write sweeps them as it begins its tree
        return _unchanged(head, where, to_keep(inputs, started))
    from archivist.build.pipeline import Previous, build_site  # only a build with work to do needs the whole pipeline

    previous = None
    state = read_state(where, head, damage) if head is not None and head.outputs == present else None
    if state is not None:
        previous = Previous(state, {path: output / path for path in present})
    sweep_drafts(where)
    writer = _Writer(output, where, fingerprint, progress,
                     failed=lambda found: has_errors(normalise(found + damage), strict=strict))
    with Spool(config.cache_dir, published=output if (output / MARKER).is_file() else None) as spool:
        try:
            result = build_site(config, options, previous=previous, keep_state=True, spool=spool, progress=progress,
                                before_search=writer.begin)
            diagnostics = normalise(result.diagnostics + damage)
            if has_errors(diagnostics, strict=strict):
                writer.abandon()
                return BuildOutcome(diagnostics, result.article_count, None, result.rendered,
                                    cache_refused=tuple(refused_writes()))
            forget_record(where)  # from here until the new record is written, the old one is wrong
            report = writer.tree.finish(result.files)
            assert result.state is not None
            warnings = tuple(d for d in diagnostics if d.severity != "error" and d.code != DAMAGED)  # repaired now
            writer.draft.publish(result.state, RecordHead(fingerprint, to_keep(inputs, started), output_stats(output),
                                                          result.article_count, warnings, state_digest=""))
        except BaseException:
            writer.abandon()  # the output folder and the last record stay as they were (or the new ones are whole)
            raise
    return BuildOutcome(diagnostics, result.article_count, report, result.rendered,
                        cache_refused=tuple(refused_writes()))


class _Writer:
    """What a build writes, begun while its search index is made (the slowest step after an edit,
    which leaves this process mostly waiting): the new output tree and the record's state. Either
    is abandoned, with the other, when the build fails or stops."""

    def __init__(self, output: Path, where: Path, fingerprint: str, progress: Progress,
                 failed: Callable[[list[Diagnostic]], bool]):
        self.tree = StagedCommit(output, progress=progress)
        self.draft = StateDraft(where, fingerprint)
        self.failed = failed

    def begin(self, so_far: SiteBuild) -> None:
        """Start both, unless the diagnostics so far already fail the build."""
        if not self.failed(so_far.diagnostics):
            self.tree.begin(so_far.files)
            if so_far.state is not None:
                self.draft.begin(so_far.state)

    def abandon(self) -> None:
        """Stop both threads first, then wait for each; a second interrupt still leaves nothing behind
        that the next build does not sweep. After a finished commit there is no tree left to drop."""
        self.tree.stop()
        self.draft.stop()
        try:
            self.tree.abandon()
        finally:
            self.draft.discard()


def _unchanged(head: RecordHead, where: Path, inputs: Stamps) -> BuildOutcome:
    """Nothing to do: the last build's warnings still stand, and every file is in place. Files the
    record could only compare by hash and whose times are old enough now are recorded by their stat
    data, once, so the builds after this one need not read them; only the head is written again."""
    if inputs != head.inputs:
        write_head(where, replace(head, inputs=inputs))
    report = WriteReport(written=0, unchanged=len(head.outputs), removed=0)
    return BuildOutcome(list(head.diagnostics), head.article_count, report, 0, skipped=True)
