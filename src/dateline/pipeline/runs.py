"""Recording how a run ends, the same way for every stage."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import StorageError

logger = logging.getLogger(__name__)


@contextmanager
def recorded(store, report) -> Iterator[None]:
    """Record the end of ``report.run_id`` in the store: ``ok``, ``interrupted`` (Ctrl-C) or ``failed``.

    ``report`` has ``run_id``, ``status``, ``articles`` (how many it wrote) and ``to_dict()``; the exception, if
    any, goes on. After a large run that ends well, the tables get fresh planner statistics
    (:meth:`Store.refresh_statistics`).
    """
    try:
        yield
    except KeyboardInterrupt:
        report.status = "interrupted"
        store.end_run(report.run_id, report.status, report.to_dict())
        raise
    except BaseException:
        report.status = "failed"
        try:
            store.end_run(report.run_id, report.status, report.to_dict())
        except Exception:  # the store itself may be what failed; the original error matters more
            logger.warning("could not record the end of failed run %s", report.run_id, exc_info=True)
        raise
    report.status = "ok"
    store.end_run(report.run_id, report.status, report.to_dict())
    try:  # after a large run, fresh planner statistics (PostgreSQL); the run's work is saved either way
        store.refresh_statistics(report.articles)
    except StorageError:
        logger.warning("could not refresh the planner statistics after run %s", report.run_id, exc_info=True)
