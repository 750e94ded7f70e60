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
from . import history, schema

Migration = tuple[str, Callable[[Connection], None]]


def _initial(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.runs, schema.articles, schema.publications, schema.rejects])


def _annotations(conn: Connection) -> None:
    for table in (history.metadata.tables["article_annotations"], history.metadata.tables["mentions"], schema.times):
        table.create(conn)


def _events(conn: Connection) -> None:
    history.metadata.tables["events"].create(conn)


def _quotes(conn: Connection) -> None:
    history.metadata.tables["quotes"].create(conn)


def _resolve(conn: Connection) -> None:
    """Event mentions move to ``event_mentions`` (``events`` now holds fused events); entity ids on
    mentions; the tables of entities, stories and fused events."""
    sql = conn.exec_driver_sql
    for name in ("article", "type", "source", "target", "range"):
        sql(f"DROP INDEX ix_events_{name}")
    sql("ALTER TABLE events RENAME TO event_mentions")
    if conn.dialect.name == "postgresql":  # index names are unique per schema there
        sql("ALTER INDEX events_pkey RENAME TO event_mentions_pkey")
    sql("ALTER TABLE event_mentions RENAME COLUMN event_id TO mention_id")
    sql("ALTER TABLE event_mentions ADD COLUMN event_id VARCHAR(24)")
    sql("ALTER TABLE event_mentions ADD COLUMN merge_reason TEXT")
    sql("ALTER TABLE quotes RENAME COLUMN event_ids TO mention_ids")
    sql("ALTER TABLE mentions ADD COLUMN entity_id VARCHAR(16)")
    for index in schema.event_mentions.indexes:
        index.create(conn)
    next(i for i in schema.mentions.indexes if i.name == "ix_mentions_entity").create(conn)
    new = (schema.resolved_articles, schema.entities, schema.entity_keys, schema.entity_links, schema.stories,
           schema.events)  # fmt: skip
    schema.metadata.create_all(conn, tables=list(new))
    history.metadata.tables["event_actors"].create(conn)


def _event_actor_days(conn: Connection) -> None:
    """Each event actor row carries its event's days (indexed with the entity), so that loading an
    entity's events within a window reads only those; existing rows take them from their event."""
    sql = conn.exec_driver_sql
    if conn.dialect.name == "postgresql":  # "location" did not fit the role column of 0005 (SQLite has no lengths)
        sql("ALTER TABLE event_actors ALTER COLUMN role TYPE VARCHAR(8)")
    sql("ALTER TABLE event_actors ADD COLUMN range_start DATE")
    sql("ALTER TABLE event_actors ADD COLUMN range_end DATE")
    sql(
        "UPDATE event_actors SET range_start = (SELECT range_start FROM events WHERE events.event_id = "
        "event_actors.event_id), range_end = (SELECT range_end FROM events WHERE events.event_id = "
        "event_actors.event_id)"
    )
    next(i for i in schema.event_actors.indexes if i.name == "ix_event_actors_range").create(conn)


def _incremental_resolve(conn: Connection) -> None:
    """What lets a resolve run on a large store read only what it needs: each annotated article says whether
    it is resolved (a partial index finds the ones that are not), and the resolved articles' term counts are
    stored (earlier articles are tokenized again when next needed)."""
    sql = conn.exec_driver_sql
    sql("ALTER TABLE article_annotations ADD COLUMN resolved BOOLEAN NOT NULL DEFAULT false")
    sql("UPDATE article_annotations SET resolved = true WHERE article_id IN (SELECT article_id FROM resolved_articles)")
    next(i for i in schema.article_annotations.indexes if i.name == "ix_article_annotations_pending").create(conn)
    schema.story_terms.create(conn)


MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
    ("0002_annotations", _annotations),
    ("0003_events", _events),
    ("0004_quotes", _quotes),
    ("0005_resolve", _resolve),
    ("0006_event_actor_days", _event_actor_days),
    ("0007_incremental_resolve", _incremental_resolve),
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
