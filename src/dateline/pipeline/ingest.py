"""Ingest: read inputs, store new articles, record rejects. Re-running is safe."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Protocol

from ..config import Config
from ..errors import DatelineError
from ..model import Article, Reject
from ..readers import expand_paths, read_source
from ..store import BatchResult, Store
from .runs import recorded

__all__ = ["ingest", "IngestReport", "StrictReject"]


class Progress(Protocol):
    """What ingest tells a progress display (the CLI's Rich bar)."""

    def start(self, total_bytes: int | None, sources: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...


class StrictReject(DatelineError):
    """``--strict``: the run stopped at its first reject."""

    def __init__(self, reject: Reject) -> None:
        where = reject.source_path + (f" {reject.location}" if reject.location else "")
        super().__init__(f"stopped at the first reject (--strict): {where}: {reject.reason}: {reject.message}")
        self.reject = reject


@dataclass
class IngestReport:
    """What an ingest run did."""

    run_id: int
    sources: int = 0
    records: int = 0
    counts: BatchResult = field(default_factory=BatchResult)
    rejects: list[Reject] = field(default_factory=list)
    status: str = "running"

    @property
    def articles(self) -> int:
        """How many publications (of new texts or of stored ones) this run stored."""
        return self.counts.new_publications

    def to_dict(self) -> dict:
        """A JSON-friendly summary (what the run records)."""
        return {"sources": self.sources, "records": self.records, **asdict(self.counts)}


def ingest(
    paths: Iterable[str],
    store: Store,
    config: Config | None = None,
    *,
    strict: bool = False,
    input_format: str | None = None,
    progress: Progress | None = None,
    command: str | None = None,
) -> IngestReport:
    """Read every input and store what is new: articles, publications and rejects.

    Each batch of ``ingest.batch_size`` records is written in one transaction, so a run
    that is killed keeps every batch it finished, and running it again completes it
    with exactly the result of an uninterrupted run.

    Args:
        paths: files, directories, glob patterns or ``-`` (stdin); see :func:`expand_paths`.
        store: where to write.
        config: settings; defaults when None.
        strict: stop at the first reject (after recording it) instead of going on.
        input_format: force an input format (``text``, ``jsonl``, ``json``, ``csv``, ``html``).
        progress: receives the total input size and the bytes read as reading goes on.
        command: the command line to record with the run.

    Returns:
        An :class:`IngestReport` with the counts and every reject met in this run (``counts.rejects`` of them new).

    Raises:
        InputError: a path does not exist or a glob matches nothing (before anything is read).
        StrictReject: ``strict`` is set and a record was rejected.
        StorageError: the store cannot be written.
    """
    config = config or Config()
    sources = expand_paths(paths, input_format)
    run_id = store.begin_run(command or "ingest " + shlex.join(map(str, paths)), config.to_dict())
    report = IngestReport(run_id=run_id, sources=len(sources))
    if progress is not None:
        sizes = [s.size for s in sources]
        progress.start(None if None in sizes else sum(sizes), len(sources))
    advance = progress.advance if progress is not None else (lambda n: None)
    batch_size = config["ingest.batch_size"]
    batch: list[Article | Reject] = []

    def flush() -> None:
        if batch:
            report.counts.add(store.add_batch(run_id, batch))
            batch.clear()

    with recorded(store, report):
        for source in sources:
            for record in read_source(source, config, advance):
                report.records += 1
                batch.append(record)
                if isinstance(record, Reject):
                    report.rejects.append(record)
                    if strict:
                        flush()
                        raise StrictReject(record)
                if len(batch) >= batch_size:
                    flush()
        flush()
    return report
