"""Named, ordered schema migrations, each applied once; the pending ones in one transaction.

Rules: never edit or reorder a migration that has shipped; add a new one. A
migration that changes a table already created must define the columns it adds
itself (not read them from :mod:`schema`), so that a fresh database replays the
same history as an old one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, select

from ..errors import StorageError
from . import schema

Migration = tuple[str, Callable[[Connection], None]]


def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.runs, schema.articles, schema.publications, schema.rejects])


def _annotations(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.article_annotations, schema.mentions, schema.times])


def _events(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.events])


def _quotes(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.quotes])


MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
    ("0002_annotations", _annotations),
    ("0003_events", _events),
    ("0004_quotes", _quotes),
]


def applied(conn: Connection) -> list[str]:
    """Names of the migrations recorded in the database, in order applied."""
    if not inspect(conn).has_table("schema_migrations"):
        return []
    table = schema.schema_migrations
    return list(conn.execute(select(table.c.name).order_by(table.c.applied_at, table.c.name)).scalars())


def migrate(engine) -> list[str]:
    """Apply the migrations the database lacks; return the names applied now.

    The check and the migrations run under one write lock (SQLite ``BEGIN IMMEDIATE``, a
    PostgreSQL advisory lock), in one transaction: two processes opening the same new database at
    once never both migrate it, and an upgrade is applied whole or not at all.

    Raises:
        StorageError: the database records a migration this version does not know
            (it was written by a newer dateline).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                new = _apply(conn)
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        return new
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(73119960)")
        return _apply(conn)


def _apply(conn: Connection) -> list[str]:
    schema.schema_migrations.create(conn, checkfirst=True)
    done = set(applied(conn))
    known = {name for name, _ in MIGRATIONS}
    unknown = sorted(done - known)
    if unknown:
        raise StorageError(
            f"the database has migrations this dateline does not know ({', '.join(unknown)}); "
            "it was written by a newer version: upgrade dateline"
        )
    new = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        step(conn)
        conn.execute(
            schema.schema_migrations.insert().values(
                name=name, applied_at=datetime.now(UTC).isoformat(timespec="microseconds")
            )
        )
        new.append(name)
    return new
