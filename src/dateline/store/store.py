"""The Store: every read and write of dateline's database goes through here."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    create_engine,
    distinct,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from .. import __version__
from ..errors import ConfigError, NotFound, StorageError
from ..model import Article, Reject
from . import migrations
from .resolved import ResolveTables
from .schema import (
    article_annotations,
    articles,
    event_mentions,
    mentions,
    metadata,
    publications,
    quotes,
    rejects,
    resolved_articles,
    runs,
    times,
)

__all__ = ["Store", "open_store", "resolve_url", "ArticleQuery", "EventQuery", "BatchResult", "DEFAULT_DB"]

DEFAULT_DB = "dateline.db"

# Mention fields stored in the mentions table (all but the in-memory token index).
MENTION_FIELDS = ("start", "end", "text", "label", "sentence", "actor_code", "country", "sector", "role", "chain",
                  "canonical", "usage", "geonames_id", "lat", "lon", "place_country")  # fmt: skip


def resolve_url(db: str | None) -> str:
    """A SQLAlchemy URL from what a user gives: a URL, a file path, or None (``$DATELINE_DB``, else ``./dateline.db``).

    ``postgresql://`` URLs use the psycopg (3) driver; ``:memory:`` is an in-memory SQLite database.
    """
    db = db or os.environ.get("DATELINE_DB") or DEFAULT_DB
    if db in (":memory:", "sqlite://"):
        return "sqlite://"
    if "://" not in db:
        return "sqlite:///" + db
    if db.startswith(("postgresql://", "postgres://")):
        db = "postgresql+psycopg://" + db.split("://", 1)[1]
    return db


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers in other processes keep reading while one process writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # A larger page cache (64 MB, default 2 MB): a batch's reads and inserts touch pages all over a large store's
    # indexes, which are otherwise read again from the OS for each statement.
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


@dataclass
class BatchResult:
    """What one batch added: counts by kind."""

    new_articles: int = 0
    new_publications: int = 0
    republished: int = 0  # new publications of a text already stored (wire copy, reprint)
    duplicates: int = 0  # publications already stored: nothing to do
    rejects: int = 0
    rejects_seen: int = 0  # rejects already recorded by an earlier run

    def add(self, other: BatchResult) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ArticleQuery:
    """Filters for :meth:`Store.articles`."""

    since: date | None = None
    until: date | None = None
    outlet: str | None = None
    search: str | None = None
    limit: int | None = 50
    offset: int = 0


@dataclass
class EventQuery:
    """Filters for :meth:`Store.fused_events` and :meth:`Store.event_mentions`."""

    actor: str | None = None  # actor code prefix (TURGOV, TUR) or a name in the sources/targets
    country: str | None = None  # ISO3 of a source or target
    type: str | None = None  # PLOVER type (ASSAULT) or CAMEO code prefix (19, 042)
    modality: tuple[str, ...] | None = None
    since: date | None = None
    until: date | None = None
    place: str | None = None  # location name or country code
    article_id: str | None = None
    limit: int | None = 100
    # Fused events only: resolved entities as source or target; with partner_entities, the dyad
    # (one acts on the other, either way); the story.
    actor_entities: tuple[str, ...] | None = None
    partner_entities: tuple[str, ...] | None = None
    story_id: str | None = None


def event_filters(t, q: EventQuery, codes: bool = True) -> list:
    """The conditions an EventQuery sets on an events or event_mentions table ``t`` (both have the
    same filter columns); ``codes=False`` leaves out the actor filter (entities replace it)."""
    conds = []
    if q.actor and codes:
        like = q.actor.upper() + "%"
        conds.append(or_(t.c.source_code.like(like), t.c.target_code.like(like),
                         t.c.sources.ilike(f"%{q.actor}%"), t.c.targets.ilike(f"%{q.actor}%")))  # fmt: skip
    if q.country:
        like = q.country.upper() + "%"
        conds.append(or_(t.c.source_code.like(like), t.c.target_code.like(like)))
    if q.type:
        kind = q.type.upper()
        conds.append(t.c.plover_type == kind if not kind[:1].isdigit() else t.c.cameo_code.like(kind + "%"))
    if q.modality:
        conds.append(t.c.modality.in_(q.modality))
    if q.since:
        conds.append(or_(t.c.range_end >= q.since, t.c.range_end.is_(None)))
    if q.until:
        conds.append(or_(t.c.range_start <= q.until, t.c.range_start.is_(None)))
    if q.place:
        conds.append(or_(t.c.location.ilike(f"%{q.place}%"), t.c.location_country == q.place.upper()))
    return conds


@dataclass
class StoreStats:
    """Counts for ``dateline stats``."""

    articles: int = 0
    publications: int = 0
    republished_articles: int = 0
    outlets: int = 0
    first_date: date | None = None
    last_date: date | None = None
    open_rejects: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    runs: int = 0
    migrations: list[str] = field(default_factory=list)


class Store(ResolveTables):
    """dateline's database, over SQLAlchemy Core.

    Args:
        url: a SQLAlchemy URL (``sqlite:///dateline.db``, ``postgresql+psycopg://…``),
            a file path, or ``:memory:``; see :func:`resolve_url`.
        echo: log every SQL statement (to the ``sqlalchemy.engine`` logger), for debugging.

    Raises:
        StorageError: the database cannot be opened or migrated.
    """

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = resolve_url(url)
        self.engine = self._connect(self.url, echo)
        try:
            migrations.migrate(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StorageError(f"cannot open the database at {self.display_url}: {_reason(exc)}") from None
        except StorageError:
            self.engine.dispose()
            raise

    @property
    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def _connect(self, url: str, echo: bool) -> Engine:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigError(
                f"--db {url!r} is not a database URL or path; e.g. --db dateline.db or "
                "--db postgresql://user@host/dbname"
            ) from None
        kwargs: dict[str, Any] = {"echo": echo}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                parent = os.path.dirname(os.path.abspath(database))
                if not os.path.isdir(parent):
                    raise StorageError(f"cannot create the database {database!r}: directory {parent!r} does not exist")
            else:
                kwargs["poolclass"] = StaticPool
                kwargs["connect_args"] = {"check_same_thread": False}
        try:
            engine = create_engine(parsed, **kwargs)
        except NoSuchModuleError:
            raise ConfigError(
                f"unsupported database URL {self.display_url!r}; use sqlite:///FILE or postgresql://…"
            ) from None
        except ModuleNotFoundError as exc:
            if parsed.get_backend_name() == "postgresql":
                raise StorageError("PostgreSQL needs the psycopg driver: pip install 'dateline[postgres]'") from None
            raise StorageError(f"missing database driver: {exc.name}") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------

    def begin_run(self, command: str, config: dict[str, Any]) -> int:
        """Record the start of a run; return its id."""
        with self._write() as conn:
            result = conn.execute(
                runs.insert().values(
                    command=command,
                    started_at=_now(),
                    status="running",
                    dateline_version=__version__,
                    config=json.dumps(config, sort_keys=True, default=str),
                )
            )
            return int(result.inserted_primary_key[0])

    def end_run(self, run_id: int, status: str, counts: dict[str, Any]) -> None:
        """Record how a run ended (``ok``, ``failed``, ``interrupted``) and what it did."""
        with self._write() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.run_id == run_id)
                .values(finished_at=_now(), status=status, counts=json.dumps(counts, sort_keys=True))
            )

    def refresh_statistics(self, written: int) -> bool:
        """After a run that wrote ``written`` articles' worth of rows: on PostgreSQL, when that is at least
        1,000 and a tenth of the store, ANALYZE dateline's tables, so that the next queries are planned on
        what is there now rather than on the statistics of a far smaller store (autovacuum would get there,
        a minute or more later, where it is on). Returns whether it did. SQLite: nothing to do (dateline's
        queries there are planned from the indexes alone)."""
        if self.dialect != "postgresql" or written < 1000:
            return False
        with self._write() as conn:
            if written * 10 < conn.execute(select(func.count()).select_from(articles)).scalar_one():
                return False
            for name in sorted(metadata.tables):  # our own table names, in the schema of the search path
                conn.execute(sql_text(f'ANALYZE "{name}"'))
        return True

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first."""
        with self._read() as conn:
            rows = conn.execute(select(runs).order_by(runs.c.run_id.desc()).limit(limit)).mappings()
            return [dict(r) for r in rows]

    # -- writes -------------------------------------------------------------------

    def _write(self):
        return _guard(self, self.engine.begin())

    def _read(self):
        return _guard(self, self.engine.connect())

    def _insert(self, table):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def add_batch(self, run_id: int, batch: Sequence[Article | Reject], stage: str = "ingest") -> BatchResult:
        """Store a batch of articles and rejects in one transaction; what is already stored is left as it is.

        Args:
            run_id: the run that read them.
            batch: readers' output, in input order.
            stage: the pipeline stage that rejected the rejects.

        Returns:
            Counts of what was new and what was already there.
        """
        result = BatchResult()
        good = [r for r in batch if isinstance(r, Article)]
        bad = [r for r in batch if isinstance(r, Reject)]
        with self._write() as conn:
            if good:
                self._add_articles(conn, run_id, good, result)
            if bad:
                self._add_rejects(conn, run_id, bad, stage, result)
        return result

    def _add_articles(self, conn, run_id: int, good: list[Article], result: BatchResult) -> None:
        pub_ids = list({a.publication_id: None for a in good})
        known_pubs = set(
            conn.execute(
                select(publications.c.publication_id).where(publications.c.publication_id.in_(pub_ids))
            ).scalars()
        )
        fresh: list[Article] = []
        for a in good:
            if a.publication_id in known_pubs:
                result.duplicates += 1
            else:
                known_pubs.add(a.publication_id)
                fresh.append(a)
        if not fresh:
            return
        # Texts already stored that these new publications republish (reruns never get here).
        stored = {
            row.article_id: row
            for row in conn.execute(
                select(articles.c.article_id, articles.c.text, articles.c.date).where(
                    articles.c.article_id.in_({a.article_id for a in fresh})
                )
            )
        }
        new_articles: dict[str, dict[str, Any]] = {}
        new_pubs: list[dict[str, Any]] = []
        earliest: dict[str, Article] = {}  # stored articles that get an earlier publication
        for a in fresh:
            if a.article_id in stored or a.article_id in new_articles:
                result.republished += 1
                if a.article_id in stored:
                    canonical = stored[a.article_id]
                    current = earliest[a.article_id].date.day if a.article_id in earliest else canonical.date
                    if a.date.day < current:
                        earliest[a.article_id] = a
                else:
                    canonical = new_articles[a.article_id]
                    if a.date.day < canonical["date"]:
                        canonical.update(date=a.date.day, date_value=a.date.value, date_precision=a.date.precision)
                canonical_text = canonical["text"] if isinstance(canonical, dict) else canonical.text
                variant = a.text if a.text != canonical_text else None
            else:
                new_articles[a.article_id] = {
                    "article_id": a.article_id,
                    "text": a.text,
                    "date": a.date.day,
                    "date_value": a.date.value,
                    "date_precision": a.date.precision,
                    "title": a.title,
                    "n_chars": len(a.text),
                    "run_id": run_id,
                }
                variant = None
            new_pubs.append(
                {
                    "publication_id": a.publication_id,
                    "article_id": a.article_id,
                    "date": a.date.day,
                    "date_value": a.date.value,
                    "date_precision": a.date.precision,
                    "url": a.url,
                    "outlet": a.outlet,
                    "title": a.title,
                    "source_path": a.source_path,
                    "source_location": a.location,
                    "source_id": a.source_id,
                    "text_variant": variant,
                    "run_id": run_id,
                }
            )
        if new_articles:
            conn.execute(
                self._insert(articles).on_conflict_do_nothing(index_elements=["article_id"]),
                list(new_articles.values()),
            )
            result.new_articles += len(new_articles)
        if new_pubs:
            conn.execute(
                self._insert(publications).on_conflict_do_nothing(index_elements=["publication_id"]),
                new_pubs,
            )
            result.new_publications += len(new_pubs)
            self._resolve_rejects(conn, run_id, new_pubs)
        for article_id, a in earliest.items():
            conn.execute(
                update(articles)
                .where(articles.c.article_id == article_id)
                .values(date=a.date.day, date_value=a.date.value, date_precision=a.date.precision)
            )

    def _resolve_rejects(self, conn, run_id: int, new_pubs: list[dict[str, Any]]) -> None:
        """Mark rejects resolved where a later run stored a good record from the same place (a fixed file)."""
        places = {(p["source_path"], p["source_location"] or "") for p in new_pubs}
        open_places = {
            (row.source_path, row.source_location)
            for row in conn.execute(
                select(rejects.c.source_path, rejects.c.source_location).where(
                    rejects.c.resolved_run_id.is_(None),
                    rejects.c.source_path.in_({path for path, _ in places}),
                )
            )
        }
        for path, location in places & open_places:
            conn.execute(
                update(rejects)
                .where(
                    rejects.c.source_path == path,
                    rejects.c.source_location == location,
                    rejects.c.resolved_run_id.is_(None),
                )
                .values(resolved_run_id=run_id)
            )

    def _add_rejects(self, conn, run_id: int, bad: list[Reject], stage: str, result: BatchResult) -> None:
        rows = {}
        for r in bad:
            key = (r.source_path, r.location or "", r.reason)
            rows.setdefault(
                key,
                {
                    "stage": stage,
                    "source_path": r.source_path,
                    "source_location": r.location or "",
                    "reason": r.reason,
                    "message": r.message,
                    "snippet": r.snippet,
                    "run_id": run_id,
                },
            )
        known = {
            (row.source_path, row.source_location, row.reason)
            for row in conn.execute(
                select(rejects.c.source_path, rejects.c.source_location, rejects.c.reason).where(
                    rejects.c.stage == stage,
                    rejects.c.source_path.in_({k[0] for k in rows}),
                )
            )
        }
        fresh = [row for key, row in rows.items() if key not in known]
        result.rejects_seen += len(bad) - len(fresh)
        result.rejects += len(fresh)
        if fresh:
            conn.execute(self._insert(rejects).on_conflict_do_nothing(), fresh)

    # -- reads --------------------------------------------------------------------

    def _article_filter(self, q: ArticleQuery):
        conds = []
        if q.since:
            conds.append(articles.c.date >= q.since)
        if q.until:
            conds.append(articles.c.date <= q.until)
        if q.outlet:
            sub = select(publications.c.article_id).where(func.lower(publications.c.outlet) == q.outlet.lower())
            conds.append(articles.c.article_id.in_(sub))
        if q.search:
            pattern = "%" + q.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conds.append(or_(articles.c.text.ilike(pattern, escape="\\"), articles.c.title.ilike(pattern, escape="\\")))
        return and_(*conds) if conds else None

    def articles(self, query: ArticleQuery | None = None) -> list[dict[str, Any]]:
        """Articles (distinct texts) matching the query, by date then id, with their outlets.

        Returns:
            Dicts with ``article_id, date, date_precision, title, n_chars, outlets[],
            num_publications`` and a ``preview`` of the text.
        """
        q = query or ArticleQuery()
        stmt = select(
            articles.c.article_id,
            articles.c.date,
            articles.c.date_value,
            articles.c.date_precision,
            articles.c.title,
            articles.c.n_chars,
            func.substr(articles.c.text, 1, 200).label("preview"),
        ).order_by(articles.c.date, articles.c.article_id)
        where = self._article_filter(q)
        if where is not None:
            stmt = stmt.where(where)
        if q.limit is not None:
            stmt = stmt.limit(q.limit)
        if q.offset:
            stmt = stmt.offset(q.offset)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
            pubs = self._publications_of(conn, [r["article_id"] for r in rows])
        for row in rows:
            mine = pubs.get(row["article_id"], [])
            row["outlets"] = sorted({p["outlet"] for p in mine if p["outlet"]})
            row["num_publications"] = len(mine)
        return rows

    def count_articles(self, query: ArticleQuery | None = None) -> int:
        """How many articles match the query (ignoring its limit)."""
        stmt = select(func.count()).select_from(articles)
        where = self._article_filter(query or ArticleQuery())
        if where is not None:
            stmt = stmt.where(where)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def _publications_of(self, conn, article_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            stmt = (
                select(publications)
                .where(publications.c.article_id.in_(chunk))
                .order_by(publications.c.date, publications.c.publication_id)
            )
            for row in conn.execute(stmt).mappings():
                out.setdefault(row["article_id"], []).append(dict(row))
        return out

    def get_article(self, article_id: str) -> dict[str, Any]:
        """One article with its full text and every publication, by id or unique id prefix.

        Raises:
            NotFound: no article has that id, or the prefix matches several.
        """
        key = article_id.strip().lower()
        if not key or any(c not in "0123456789abcdef" for c in key):
            raise NotFound(f"no article {article_id!r}: ids are hexadecimal; list them with `dateline articles`")
        with self._read() as conn:
            rows = conn.execute(select(articles).where(articles.c.article_id.like(key + "%")).limit(2)).mappings().all()
            if not rows:
                raise NotFound(f"no article {article_id!r} in {self.display_url}; list them with `dateline articles`")
            if len(rows) > 1:
                raise NotFound(f"article id prefix {article_id!r} matches several articles; give more digits")
            article = dict(rows[0])
            article["publications"] = self._publications_of(conn, [article["article_id"]]).get(
                article["article_id"], []
            )
        return article

    def iter_publications(self, query: ArticleQuery | None = None, with_text: bool = True) -> Iterator[dict[str, Any]]:
        """Every publication (one row per input record stored), joined with its article; for exports."""
        q = query or ArticleQuery(limit=None)
        counts = (
            select(
                publications.c.article_id,
                func.count().label("num_publications"),
                func.count(distinct(publications.c.outlet)).label("num_outlets"),
            )
            .group_by(publications.c.article_id)
            .subquery()
        )
        cols = [
            publications.c.article_id,
            publications.c.publication_id,
            publications.c.source_id,
            publications.c.date_value.label("date"),
            publications.c.date_precision,
            publications.c.url,
            publications.c.outlet,
            publications.c.title,
            publications.c.source_path,
            publications.c.source_location,
            counts.c.num_publications,
            counts.c.num_outlets,
            resolved_articles.c.story_id,
        ]
        if with_text:
            cols.append(func.coalesce(publications.c.text_variant, articles.c.text).label("text"))
        stmt = (
            select(*cols)
            .join(articles, articles.c.article_id == publications.c.article_id)
            .join(counts, counts.c.article_id == publications.c.article_id)
            .outerjoin(resolved_articles, resolved_articles.c.article_id == publications.c.article_id)
            .order_by(publications.c.date, publications.c.article_id, publications.c.publication_id)
        )
        where = self._article_filter(q)
        if where is not None:
            stmt = stmt.where(where)
        if q.limit is not None:
            stmt = stmt.limit(q.limit)
        with self._read() as conn:
            for row in conn.execution_options(yield_per=1000).execute(stmt).mappings():
                yield dict(row)

    # -- annotations ----------------------------------------------------------------

    def articles_to_annotate(self, rerun: bool = False) -> list[tuple[str, date]]:
        """(article id, date) of the articles not annotated yet (all of them with ``rerun``), by date."""
        stmt = select(articles.c.article_id, articles.c.date).order_by(articles.c.date, articles.c.article_id)
        if not rerun:
            stmt = stmt.where(~articles.c.article_id.in_(select(article_annotations.c.article_id)))
        with self._read() as conn:
            return [(row.article_id, row.date) for row in conn.execute(stmt)]

    def texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id -> stored text."""
        out: dict[str, str] = {}
        with self._read() as conn:
            for start in range(0, len(article_ids), 500):
                chunk = list(article_ids[start : start + 500])
                stmt = select(articles.c.article_id, articles.c.text).where(articles.c.article_id.in_(chunk))
                out.update({row.article_id: row.text for row in conn.execute(stmt)})
        return out

    def save_annotations(self, run_id: int, pipeline: dict[str, str], results: Sequence[Any]) -> None:
        """Replace the annotations of these articles with new ones, in one transaction.

        Args:
            run_id: the annotating run.
            pipeline: component -> versioned factory (recorded with each article).
            results: ``DocAnnotations`` with ``article_id`` set, ``mentions``, ``times`` and ``errors``.
        """
        from ..timex import value_range

        ids = [r.article_id for r in results]
        pipeline_json = json.dumps(pipeline, sort_keys=True)
        annotated = [
            {
                "article_id": r.article_id,
                "run_id": run_id,
                "pipeline": pipeline_json,
                "errors": json.dumps(r.errors) if r.errors else None,
            }
            for r in results
        ]
        mention_rows = [
            {
                "article_id": r.article_id,
                **{name: getattr(m, name) for name in MENTION_FIELDS},
                "run_id": run_id,
            }
            for r in results
            for m in r.mentions
        ]
        time_rows = []
        for r in results:
            for t in r.times:
                span = value_range(t.value) if t.type in ("DATE", "TIME") else None
                time_rows.append(
                    {
                        "article_id": r.article_id,
                        "start": t.start,
                        "end": t.end,
                        "text": t.text,
                        "type": t.type,
                        "value": t.value,
                        "mod": t.mod,
                        "granularity": t.granularity,
                        "anchored": t.anchored,
                        "rule": t.rule,
                        "range_start": span[0] if span else None,
                        "range_end": span[1] if span else None,
                        "run_id": run_id,
                    }
                )
        event_rows, quote_rows = [], []
        for r in results:
            rows = [_event_row(r.article_id, e, run_id) for e in r.events]
            event_rows += rows
            for q in r.quotes:
                quote_rows.append(
                    {
                        "article_id": r.article_id,
                        **{k: getattr(q, k) for k in QUOTE_FIELDS},
                        "mention_ids": json.dumps([rows[i]["mention_id"] for i in q.events if i < len(rows)]),
                        "run_id": run_id,
                    }
                )
        with self._write() as conn:
            # Annotating again makes the article's resolution stale (see resolution_is_stale).
            for table in (mentions, times, event_mentions, quotes, article_annotations, resolved_articles):
                conn.execute(table.delete().where(table.c.article_id.in_(ids)))
            tables = (
                (article_annotations, annotated),
                (mentions, mention_rows),
                (times, time_rows),
                (event_mentions, event_rows),
                (quotes, quote_rows),
            )
            for table, rows in tables:
                if rows:
                    conn.execute(table.insert(), rows)

    def times(self, article_id: str | None = None) -> list[dict[str, Any]]:
        """Time expressions of one article (or all), in text order."""
        stmt = select(times).order_by(times.c.article_id, times.c.start)
        if article_id is not None:
            stmt = stmt.where(times.c.article_id == article_id)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def iter_times(self) -> Iterator[dict[str, Any]]:
        """Every time expression, by article then position; for exports."""
        stmt = select(times).order_by(times.c.article_id, times.c.start)
        with self._read() as conn:
            for row in conn.execution_options(yield_per=2000).execute(stmt).mappings():
                yield dict(row)

    def mentions(self, article_id: str | None = None, label: str | None = None) -> list[dict[str, Any]]:
        """Entity mentions of one article (or all), in text order."""
        stmt = select(mentions).order_by(mentions.c.article_id, mentions.c.start)
        if article_id is not None:
            stmt = stmt.where(mentions.c.article_id == article_id)
        if label is not None:
            stmt = stmt.where(mentions.c.label == label)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def event_mentions(self, query: EventQuery | None = None) -> list[dict[str, Any]]:
        """Event mentions (one report each) matching the query, by date then article and position, JSON fields decoded."""
        q = query or EventQuery()
        stmt = select(event_mentions).order_by(
            event_mentions.c.range_start, event_mentions.c.article_id, event_mentions.c.start
        )
        conds = event_filters(event_mentions, q)
        if q.article_id:
            conds.append(event_mentions.c.article_id == q.article_id)
        if conds:
            stmt = stmt.where(and_(*conds))
        if q.limit is not None:
            stmt = stmt.limit(q.limit)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        for row in rows:
            for key in ("sources", "targets", "location"):
                row[key] = json.loads(row[key]) if row[key] else ([] if key != "location" else None)
        return rows

    def quotes(
        self, article_id: str | None = None, speaker: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Quotations, by article and position; ``speaker`` matches an actor code prefix or the speaker's name."""
        stmt = select(quotes).order_by(quotes.c.article_id, quotes.c.start)
        if article_id is not None:
            stmt = stmt.where(quotes.c.article_id == article_id)
        if speaker:
            stmt = stmt.where(
                or_(quotes.c.speaker_code.like(speaker.upper() + "%"), quotes.c.speaker.ilike(f"%{speaker}%"))
            )
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        for row in rows:
            row["mention_ids"] = json.loads(row["mention_ids"])
        return rows

    def annotation_status(self) -> dict[str, int]:
        """How many articles are annotated (and with a stage error), and how many times and mentions."""
        with self._read() as conn:

            def count(table, *where) -> int:
                return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

            return {
                "annotated": count(article_annotations),
                "with_errors": count(article_annotations, article_annotations.c.errors.is_not(None)),
                "times": count(times),
                "mentions": count(mentions),
                "event_mentions": count(event_mentions),
                "quotes": count(quotes),
            }

    def rejects(
        self, include_resolved: bool = False, reason: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Recorded rejects, in the order they were met."""
        stmt = select(rejects).order_by(rejects.c.reject_id)
        if not include_resolved:
            stmt = stmt.where(rejects.c.resolved_run_id.is_(None))
        if reason:
            stmt = stmt.where(rejects.c.reason == reason)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def stats(self) -> StoreStats:
        """Counts of what the store holds."""
        s = StoreStats()
        with self._read() as conn:
            s.articles = conn.execute(select(func.count()).select_from(articles)).scalar_one()
            s.publications = conn.execute(select(func.count()).select_from(publications)).scalar_one()
            multi = (
                select(publications.c.article_id)
                .group_by(publications.c.article_id)
                .having(func.count() > 1)
                .subquery()
            )
            s.republished_articles = conn.execute(select(func.count()).select_from(multi)).scalar_one()
            s.outlets = conn.execute(select(func.count(distinct(publications.c.outlet)))).scalar_one()
            s.first_date, s.last_date = conn.execute(select(func.min(articles.c.date), func.max(articles.c.date))).one()
            by_reason = conn.execute(
                select(rejects.c.reason, func.count())
                .where(rejects.c.resolved_run_id.is_(None))
                .group_by(rejects.c.reason)
                .order_by(func.count().desc(), rejects.c.reason)
            ).all()
            s.rejects_by_reason = {reason: n for reason, n in by_reason}
            s.open_rejects = sum(s.rejects_by_reason.values())
            s.runs = conn.execute(select(func.count()).select_from(runs)).scalar_one()
            s.migrations = migrations.applied(conn)
        if isinstance(s.first_date, str):  # SQLite aggregate over a DATE column returns text
            s.first_date, s.last_date = date.fromisoformat(s.first_date), date.fromisoformat(s.last_date)
        return s


def _event_row(article_id: str, e: Any, run_id: int) -> dict[str, Any]:
    from hashlib import sha256

    from ..timex import value_range

    span = value_range(e.date) if e.date else None
    mention_id = "em" + sha256(f"{article_id}:{e.start}:{e.end}:{e.cameo_code}".encode()).hexdigest()[:16]
    return {
        "mention_id": mention_id,
        "article_id": article_id,
        **{k: getattr(e, k) for k in EVENT_FIELDS},
        "sources": json.dumps(e.sources, ensure_ascii=False),
        "targets": json.dumps(e.targets, ensure_ascii=False),
        "source_code": e.sources[0]["code"] if e.sources else None,
        "target_code": e.targets[0]["code"] if e.targets else None,
        "range_start": span[0] if span else None,
        "range_end": span[1] if span else None,
        "location": json.dumps(e.location, ensure_ascii=False) if e.location else None,
        "location_country": e.location.get("country") if e.location else None,
        "run_id": run_id,
    }


QUOTE_FIELDS = (
    "start",
    "end",
    "text",
    "kind",
    "sentence",
    "speaker_code",
    "speaker",
    "speaker_start",
    "cue",
    "cue_start",
)
EVENT_FIELDS = ("start", "end", "trigger", "sentence", "sentence_start", "sentence_end", "cameo_code", "plover_type",
                "plover_mode", "plover_context", "quad_class", "goldstein", "modality", "modality_cue", "reported_by",
                "date", "date_precision", "date_text", "confidence")  # fmt: skip


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text


class _guard:
    """Context manager around a connection that turns database errors into StorageError."""

    def __init__(self, store: Store, ctx) -> None:
        self.store, self.ctx = store, ctx

    def __enter__(self):
        try:
            return self.ctx.__enter__()
        except DBAPIError as exc:
            raise StorageError(f"database error at {self.store.display_url}: {_reason(exc)}") from None

    def __exit__(self, exc_type, exc, tb):
        try:
            suppressed = self.ctx.__exit__(exc_type, exc, tb)
        except DBAPIError as err:
            raise StorageError(f"database error at {self.store.display_url}: {_reason(err)}") from None
        if isinstance(exc, DBAPIError):
            raise StorageError(f"database error at {self.store.display_url}: {_reason(exc)}") from None
        return suppressed


def open_store(db: str | None = None, *, echo: bool = False) -> Store:
    """Open (creating and migrating if needed) the store at ``db``; see :class:`Store`."""
    return Store(db, echo=echo)
