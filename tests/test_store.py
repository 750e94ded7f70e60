from datetime import date

import pytest
from sqlalchemy import select

from dateline import ArticleQuery, NotFound, Reject, StorageError, Store
from dateline.dates import parse_publication_date
from dateline.model import Article
from dateline.store import resolve_url
from dateline.store.migrations import MIGRATIONS
from dateline.store.schema import schema_migrations


def art(text, day="2022-02-02", outlet=None, url=None, path="in.jsonl", loc=None, title=None):
    return Article(text, parse_publication_date(day), path, loc, None, url, outlet, title)


def test_store_migrations_recorded_once(fresh_store):
    with fresh_store.engine.connect() as conn:
        names = list(conn.execute(select(schema_migrations.c.name)).scalars())
    assert names == [name for name, _ in MIGRATIONS]
    again = Store(fresh_store.url)  # reopening applies nothing new
    assert again.stats().migrations == names
    again.close()


def test_store_refuses_database_from_newer_version(fresh_store):
    with fresh_store.engine.begin() as conn:
        conn.execute(schema_migrations.insert().values(name="9999_future", applied_at="2099"))
    with pytest.raises(StorageError, match="newer"):
        Store(fresh_store.url)


def test_store_add_batch_is_idempotent(fresh_store):
    run = fresh_store.begin_run("test", {})
    batch = [art("One text."), art("Two text.", "2022-02-03"), Reject("bad.txt", "no_date", "no date")]
    first = fresh_store.add_batch(run, batch)
    assert (first.new_articles, first.new_publications, first.rejects) == (2, 2, 1)
    second = fresh_store.add_batch(fresh_store.begin_run("test", {}), batch)
    assert (second.new_articles, second.new_publications, second.duplicates, second.rejects, second.rejects_seen) == (
        0,
        0,
        2,
        0,
        1,
    )
    assert fresh_store.stats().articles == 2 and fresh_store.stats().publications == 2


def test_store_wire_copy_is_one_text_two_publications(fresh_store):
    run = fresh_store.begin_run("test", {})
    wire = "Officials met on Tuesday.\n\nThey agreed to meet again."
    reprint = "Officials  met on Tuesday. They agreed to meet again."  # whitespace differs
    result = fresh_store.add_batch(
        run,
        [
            art(wire, "2022-02-02", outlet="agency.example", url="https://agency.example/1"),
            art(reprint, "2022-02-01", outlet="paper.example", url="https://paper.example/x", title="Reprint"),
        ],
    )
    assert (result.new_articles, result.new_publications, result.republished) == (1, 2, 1)
    [row] = fresh_store.articles()
    assert row["outlets"] == ["agency.example", "paper.example"] and row["num_publications"] == 2
    article = fresh_store.get_article(row["article_id"])
    assert article["text"] == wire, "the first text seen is the stored text"
    assert article["date"] == date(2022, 2, 1), "the article date is its earliest publication"
    variants = {p["outlet"]: p["text_variant"] for p in article["publications"]}
    assert variants == {"agency.example": None, "paper.example": reprint}, "nothing given is lost"
    rows = list(fresh_store.iter_publications())
    assert {r["text"] for r in rows} == {wire, reprint}
    assert {(r["num_publications"], r["num_outlets"]) for r in rows} == {(2, 2)}


def test_store_earlier_publication_in_later_run_moves_article_date(fresh_store):
    fresh_store.add_batch(fresh_store.begin_run("a", {}), [art("Same text.", "2022-02-05", outlet="a")])
    fresh_store.add_batch(fresh_store.begin_run("b", {}), [art("Same text.", "2022-02-03T10:00", outlet="b")])
    [row] = fresh_store.articles()
    assert row["date"] == date(2022, 2, 3) and row["date_precision"] == "minute"


def test_store_fixed_file_resolves_its_reject(fresh_store):
    fresh_store.add_batch(fresh_store.begin_run("a", {}), [Reject("a.txt", "no_date", "no date")])
    assert len(fresh_store.rejects()) == 1
    run = fresh_store.begin_run("b", {})
    fresh_store.add_batch(run, [art("Now dated.", path="a.txt")])
    assert fresh_store.rejects() == []
    [old] = fresh_store.rejects(include_resolved=True)
    assert old["resolved_run_id"] == run


def test_store_queries_filter_and_find(fresh_store):
    run = fresh_store.begin_run("t", {})
    fresh_store.add_batch(
        run,
        [
            art("Talks in the capital 100% done_", "2022-01-10", outlet="A"),
            art("Border clashes", "2022-02-10", outlet="B"),
            art("More talks", "2022-03-10", outlet="a", title="Summit"),
        ],
    )

    def ids(**kw):
        return [r["preview"] for r in fresh_store.articles(ArticleQuery(**kw))]

    assert ids(since=date(2022, 2, 1)) == ["Border clashes", "More talks"]
    assert ids(until=date(2022, 2, 10)) == ["Talks in the capital 100% done_", "Border clashes"]
    assert ids(outlet="a") == ["Talks in the capital 100% done_", "More talks"]
    assert ids(search="TALKS") == ["Talks in the capital 100% done_", "More talks"]
    assert ids(search="summit") == ["More talks"]
    assert ids(search="100%") == ["Talks in the capital 100% done_"]
    assert ids(search="s_c") == [], "LIKE wildcards in a search are literal"
    assert ids(limit=1, offset=1) == ["Border clashes"]
    assert fresh_store.count_articles(ArticleQuery(search="talks")) == 2
    first = fresh_store.articles()[0]["article_id"]
    assert fresh_store.get_article(first[:6])["article_id"] == first
    with pytest.raises(NotFound):
        fresh_store.get_article("ffffffffffffffff")
    with pytest.raises(NotFound, match="hexadecimal"):
        fresh_store.get_article("zz")


def test_store_stats_and_runs(fresh_store):
    run = fresh_store.begin_run("ingest x", {"ingest.max_chars": 5})
    fresh_store.add_batch(run, [art("A", outlet="o1"), art("A", outlet="o2"), Reject("p", "binary", "bin")])
    fresh_store.end_run(run, "ok", {"records": 3})
    s = fresh_store.stats()
    assert (s.articles, s.publications, s.republished_articles, s.outlets, s.open_rejects) == (1, 2, 1, 2, 1)
    assert s.rejects_by_reason == {"binary": 1}
    assert s.first_date == date(2022, 2, 2)
    [r] = fresh_store.runs()
    assert r["status"] == "ok" and '"ingest.max_chars": 5' in r["config"] and r["dateline_version"]


def test_store_refreshes_planner_statistics_after_large_runs(fresh_store):
    """PostgreSQL: ANALYZE after a run of 1,000 articles or more that is a tenth of the store; never on SQLite."""
    from sqlalchemy import text

    run = fresh_store.begin_run("ingest x", {})
    fresh_store.add_batch(run, [art(f"Text {n}.", outlet="o1") for n in range(20)])
    assert not fresh_store.refresh_statistics(999)
    if fresh_store.dialect == "sqlite":
        assert not fresh_store.refresh_statistics(10**6)
        return
    assert fresh_store.refresh_statistics(1000)
    with fresh_store.engine.connect() as conn:
        analyzed = conn.execute(text(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"
        )).scalars().all()  # fmt: skip
        estimate = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'articles'::regclass")).scalar()
    assert {"articles", "events", "mentions", "stories"} <= set(analyzed) and estimate == 20


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("news.db", "sqlite:///news.db"),
        (":memory:", "sqlite://"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////abs/x.db", "sqlite:////abs/x.db"),
    ],
)
def test_store_resolve_url(given, url):
    assert resolve_url(given) == url


def test_store_default_url_from_environment(monkeypatch):
    monkeypatch.setenv("DATELINE_DB", "env.db")
    assert resolve_url(None) == "sqlite:///env.db"
    monkeypatch.delenv("DATELINE_DB")
    assert resolve_url(None) == "sqlite:///dateline.db"


def test_store_bad_locations_are_storage_errors(tmp_path):
    with pytest.raises(StorageError, match="does not exist"):
        Store(str(tmp_path / "missing" / "x.db"))
    not_db = tmp_path / "not.db"
    not_db.write_text("this is not a database" * 100)
    with pytest.raises(StorageError, match="cannot open"):
        Store(str(not_db))


def test_store_unreachable_postgres_is_one_line_error():
    with pytest.raises(StorageError, match="cannot open the database"):
        Store("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_store_sqlite_uses_wal(tmp_path):
    store = Store(str(tmp_path / "w.db"))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.close()


def test_store_annotations_replace_and_read_back(fresh_store):
    from dateline.annotations import DocAnnotations, Mention
    from dateline.timex import Timex

    run = fresh_store.begin_run("t", {})
    fresh_store.add_batch(run, [art("Ankara said late Tuesday.")])
    [row] = fresh_store.articles()
    ann = DocAnnotations(
        dct=date(2022, 2, 2),
        article_id=row["article_id"],
        mentions=[
            Mention(
                0,
                6,
                "Ankara",
                "GPE",
                0,
                actor_code="TURGOV",
                country="TUR",
                sector="GOV",
                usage="actor",
                geonames_id=323786,
                lat=39.91987,
                lon=32.85427,
            )
        ],  # fmt: skip
        times=[Timex(12, 24, "late Tuesday", "DATE", "2022-02-01", "END", "day", True, "weekday")],
    )
    for _ in range(2):  # saving twice replaces, never duplicates
        fresh_store.save_annotations(run, {"time_expressions": "dateline_time_expressions_v1"}, [ann])
    [m] = fresh_store.mentions(row["article_id"])
    assert (m["actor_code"], m["usage"], m["geonames_id"], round(m["lat"], 3)) == ("TURGOV", "actor", 323786, 39.920)
    [t] = fresh_store.times(row["article_id"])
    assert (t["value"], t["mod"], t["range_start"], t["range_end"]) == (
        "2022-02-01",
        "END",
        date(2022, 2, 1),
        date(2022, 2, 1),
    )
    assert fresh_store.annotation_status() == {
        "annotated": 1,
        "with_errors": 0,
        "times": 1,
        "mentions": 1,
        "event_mentions": 0,
        "quotes": 0,
    }
    assert fresh_store.articles_to_annotate() == []
    assert fresh_store.articles_to_annotate(rerun=True) == [(row["article_id"], date(2022, 2, 2))]


def _open_and_close(url, results):
    try:
        Store(url).close()
        results.put("ok")
    except Exception as exc:  # reported back to the test
        results.put(repr(exc))


def test_store_processes_opening_a_new_database_at_once(store_url):
    """Regression: two processes migrating one new database raced ("table already exists")."""
    import multiprocessing

    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_open_and_close, args=(store_url, results)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [results.get(timeout=5) for _ in procs] == ["ok"] * 4


def test_store_upgrade_to_resolve_keeps_event_mentions(store_url, monkeypatch):
    """A database made before 0005 (event mentions in ``events``) upgrades with nothing lost."""
    from sqlalchemy import text

    from dateline.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:4])
    old = Store(store_url)
    run = old.begin_run("test", {})
    old.add_batch(run, [art("Officials met on Tuesday.")])
    [row] = old.articles()
    with old.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO events (event_id, article_id, start, "end", trigger, sentence, sentence_start, '
                "sentence_end, cameo_code, quad_class, goldstein, sources, targets, modality, date, date_precision, "
                "confidence, run_id) VALUES ('ev1', :a, 10, 13, 'met', 0, 0, 25, '040', 1, 1.0, '[]', '[]', "
                "'asserted', '2022-02-01', 'day', 0.9, :r)"
            ),
            {"a": row["article_id"], "r": run},
        )
        conn.execute(
            text(
                'INSERT INTO quotes (article_id, start, "end", text, kind, sentence, event_ids, run_id) '
                "VALUES (:a, 0, 25, 'x', 'direct', 0, '[\"ev1\"]', :r)"
            ),
            {"a": row["article_id"], "r": run},
        )
    engine = old.engine
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    assert migrations.migrate(engine) == [name for name, _ in MIGRATIONS[4:]]
    old.close()
    new = Store(store_url)
    [mention] = new.event_mentions()
    assert (mention["mention_id"], mention["trigger"], mention["event_id"]) == ("ev1", "met", None)
    [quote] = new.quotes()
    assert quote["mention_ids"] == ["ev1"]
    new.close()


def test_store_upgrade_gives_event_actors_their_days(store_url, monkeypatch):
    """0006: the actor rows of events stored before it take their event's days."""
    from sqlalchemy import text

    from dateline.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:5])
    old = Store(store_url)
    run = old.begin_run("test", {})
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO events (event_id, cameo_code, quad_class, goldstein, sources, targets, modality, date, "
                "date_precision, range_start, range_end, num_mentions, num_sources, num_articles, conflicts, "
                "confidence, run_id) VALUES ('ev1', '042', 1, 1.9, '[]', '[]', 'asserted', '2022-02-03', 'day', "
                "'2022-02-03', '2022-02-03', 1, 1, 1, '{}', 0.9, :r)"
            ),
            {"r": run},
        )
        conn.execute(text("INSERT INTO event_actors (event_id, entity_id, role) VALUES ('ev1', 'e1', 'source')"))
    engine = old.engine
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    assert migrations.migrate(engine) == [name for name, _ in MIGRATIONS[5:]]
    old.close()
    new = Store(store_url)
    rows = new.fused_event_mentions(new.fused_event_ids(["e1"], date(2022, 2, 1), date(2022, 2, 5)))
    assert rows == []  # the event has no mentions, but the window query runs on the new columns
    with new.engine.connect() as conn:
        days = conn.execute(text("SELECT range_start, range_end FROM event_actors")).one()
    assert [str(d)[:10] for d in days] == ["2022-02-03", "2022-02-03"]
    new.close()


def test_store_upgrade_to_incremental_resolve_marks_the_resolved_articles(store_url, monkeypatch):
    """A database made before 0007 upgrades knowing which annotated articles are resolved already."""
    from sqlalchemy import text

    from dateline.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:6])
    old = Store(store_url)
    run = old.begin_run("test", {})
    old.add_batch(run, [art("Officials met on Tuesday."), art("Ministers met on Friday.")])
    ids = sorted(r["article_id"] for r in old.articles())
    with old.engine.begin() as conn:
        for aid in ids:
            conn.execute(
                text("INSERT INTO article_annotations (article_id, run_id, pipeline) VALUES (:a, :r, '{}')"),
                {"a": aid, "r": run},
            )
        conn.execute(
            text(
                "INSERT INTO resolved_articles (article_id, story_id, story_score, story_reason, run_id) "
                "VALUES (:a, 's1', 0.0, 'new story', :r)"
            ),
            {"a": ids[0], "r": run},
        )
    engine = old.engine
    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS)
    assert migrations.migrate(engine) == [name for name, _ in MIGRATIONS[6:]]
    old.close()
    new = Store(store_url)
    assert [aid for aid, _ in new.articles_to_resolve()] == [ids[1]]
    assert new.story_terms(ids, "any") == {}
    new.close()


def test_articles_to_resolve_reads_the_partial_index_of_unresolved_articles(tmp_path):
    """On a large store the query must not scan every annotated article: SQLite plans it on the partial
    index (whose WHERE must match what SQLAlchemy writes for the query)."""
    from sqlalchemy import event

    store = Store(str(tmp_path / "plan.db"))
    seen: list[tuple[str, tuple]] = []
    event.listen(store.engine, "before_cursor_execute", lambda c, cur, sql, params, *_: seen.append((sql, params)))
    assert store.articles_to_resolve() == []
    [(sql, params)] = [(sql, p) for sql, p in seen if "article_annotations" in sql]
    with store.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    store.close()
    assert "ix_article_annotations_pending" in plan, plan


def test_story_terms_made_with_other_settings_are_replaced(fresh_store):
    run = fresh_store.begin_run("test", {})
    fresh_store.add_batch(run, [art("Officials met on Tuesday.")])
    [row] = fresh_store.articles()
    aid = row["article_id"]
    fresh_store.save_story_assignments(run, [], {aid: b"old"}, "hash-a")
    fresh_store.save_story_assignments(run, [], {aid: b"new"}, "hash-b")
    assert fresh_store.story_terms([aid], "hash-a") == {}
    assert fresh_store.story_terms([aid], "hash-b") == {aid: b"new"}
