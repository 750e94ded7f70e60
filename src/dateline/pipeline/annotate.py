"""Annotate: run the spaCy pipeline over stored articles and store what each stage found."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from ..annotations import DocAnnotations
from ..config import Config
from ..store import Store
from .ingest import Progress
from .runs import recorded

__all__ = ["annotate", "AnnotateReport", "make_doc", "annotate_text"]


@dataclass
class AnnotateReport:
    """What an annotate run did."""

    run_id: int | None
    articles: int = 0
    times: int = 0
    mentions: int = 0
    events: int = 0
    failed: list[tuple[str, list[dict]]] = field(default_factory=list)  # (article id, stage errors)
    status: str = "running"

    def to_dict(self) -> dict:
        return {"articles": self.articles, "times": self.times, "mentions": self.mentions, "events": self.events,
                "failed": len(self.failed)}  # fmt: skip


def make_doc(nlp, text: str, dct: date, article_id: str | None = None):
    """A Doc ready for dateline's pipeline: tokenized, carrying the article date in ``doc._.dateline``."""
    doc = nlp.make_doc(text)
    doc._.dateline = DocAnnotations(dct=dct, article_id=article_id)
    return doc


def annotate_text(text: str, dct: date, model: str | None = None) -> DocAnnotations:
    """Annotate one text dated ``dct`` without a store (for notebooks and tests).

    Returns:
        The :class:`DocAnnotations` the stages produced.
    """
    from .nlp import build_pipeline

    nlp = build_pipeline(model)
    return nlp(make_doc(nlp, text, dct))._.dateline


def annotate(
    store: Store,
    config: Config | None = None,
    *,
    rerun: bool = False,
    progress: Progress | None = None,
    command: str = "annotate",
) -> AnnotateReport:
    """Annotate the stored articles not annotated yet (every article with ``rerun``).

    Articles are processed in order of date and saved every ``annotate.batch_size``
    articles, each batch in one transaction, so an interrupted run keeps what it saved
    and the next run continues. A stage that fails on one article records the error
    for that article (see ``dateline rejects``) and the run goes on.

    Args:
        store: the store to read articles from and write annotations to.
        config: settings (``annotate.jobs``, ``annotate.batch_size``, ``annotate.model``).
        rerun: annotate every article again (after an upgrade of dateline or the model).
        progress: receives the number of articles and each one done.
        command: the command line to record with the run.

    Returns:
        An :class:`AnnotateReport`.

    Raises:
        PipelineError: no spaCy model, or a misconfigured pipeline.
        StorageError: the store cannot be read or written.
    """
    from ..model import Reject
    from .nlp import build_pipeline, stage_versions

    config = config or Config()
    todo = store.articles_to_annotate(rerun=rerun)
    if not todo:
        return AnnotateReport(run_id=None, status="ok")
    nlp = build_pipeline(config["annotate.model"], config["kb.path"])
    pipeline = stage_versions(nlp)
    run_id = store.begin_run(command, {**config.to_dict(), "pipeline": pipeline})
    report = AnnotateReport(run_id=run_id)
    if progress is not None:
        progress.start(len(todo), len(todo))
    batch_size = config["annotate.batch_size"]

    def docs() -> Iterator:
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            texts = store.texts([article_id for article_id, _ in chunk])
            for article_id, day in chunk:
                yield make_doc(nlp, texts[article_id], day, article_id)

    done: list[DocAnnotations] = []

    def flush() -> None:
        if done:
            store.save_annotations(run_id, pipeline, done)
            failures = [
                Reject(
                    f"article:{a.article_id}", "stage_error", "; ".join(f"{e['stage']}: {e['error']}" for e in a.errors)
                )
                for a in done
                if a.errors
            ]
            if failures:
                store.add_batch(run_id, failures, stage="annotate")
            done.clear()

    with recorded(store, report):
        for doc in nlp.pipe(docs(), n_process=config["annotate.jobs"], batch_size=32):
            ann = doc._.dateline
            done.append(ann)
            report.articles += 1
            report.times += len(ann.times)
            report.mentions += len(ann.mentions)
            report.events += len(ann.events)
            if ann.errors:
                report.failed.append((ann.article_id, ann.errors))
            if progress is not None:
                progress.advance(1)
            if len(done) >= batch_size:
                flush()
        flush()
    return report
