"""Benchmark of query latency: the CLI's common queries on a resolved store, on SQLite and PostgreSQL.

    .venv/bin/python bench/query.py [--articles 100000] [--seed 1] [--repeat 20] [--sqlite-db PATH]
                                    [--postgres URL | --no-postgres] [--pg-schema NAME] [--json out.json]

The store holds the first ``articles`` articles of ``bench/resolve.py``'s generator (seeded, no parsing),
resolved with the world's knowledge base (``bench/resolve.py``'s ``config``). Each query is what a CLI command asks of the store (the same
``Store`` calls, rendering left out):

- ``events --actor NAME --since D --until D``: the most mentioned person and a rarely mentioned one, over
  30 days and over a year (the CLI's default limit of 100 events);
- ``timeline --actor NAME``: the most mentioned person's events with their mentions (limit 200);
- ``story`` (the largest story) and ``story ID`` (a story of median size): the story, its timeline of
  events with their mentions, its quotes and article heads;
- ``entity NAME``: the name lookup, the entity and why each article was linked to it;
- ``stories --since D --until D``: the stories of one month (limit 50).

Each is run once to warm up, then ``repeat`` times; the report gives the median and the 95th percentile in
milliseconds and the rows returned. The actors, dates and stories are picked from the store by fixed rules
(most mentioned, 10th percentile, middle of the date span, median size), so both backends run the same
queries.

SQLite: a temporary file, or ``--sqlite-db PATH`` (built there if absent, reused as is if it holds the
articles, e.g. the base store kept by ``bench/incremental.py --keep-base``). PostgreSQL: a fresh schema on
the server (``$DATELINE_TEST_POSTGRES`` or 127.0.0.1:5432/test) made for the run and dropped after it; with
``--pg-schema NAME`` that schema is used (built if empty) and kept.

Import :func:`run` (a dict) and :func:`markdown` to add it to ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

__all__ = ["markdown", "run"]

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("DATELINE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SLOW_MS = 100.0  # a query slower than this (median) is flagged


def _bench_resolve():
    """``bench/resolve.py`` as a module (bench/ is not a package; tests load it by path under this name)."""
    name = "dateline_bench_resolve"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "resolve.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# -- the stores ------------------------------------------------------------------------------------


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://").split("?", 1)[0]


def _schema_url(server: str, schema: str) -> str:
    sep = "&" if "?" in server else "?"
    return f"{server}{sep}options=-csearch_path%3D{schema}"


def _create_schema(server: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(_plain(server), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')


def _drop_schema(server: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(_plain(server), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _planner_state(server: str, schema: str) -> dict:
    """Whether autovacuum runs on the server and whether any table of ``schema`` has planner statistics."""
    import psycopg

    with psycopg.connect(_plain(server), autocommit=True, connect_timeout=5) as conn:
        autovacuum = conn.execute("SHOW autovacuum").fetchone()[0]
        analyzed = conn.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = %s"
            " AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)",
            (schema,),
        ).fetchone()[0]
    return {"autovacuum": autovacuum, "analyzed_tables": analyzed}


def _analyze_schema(server: str, schema: str) -> float:
    """ANALYZE each table of ``schema`` (only those: a bare ANALYZE would visit every schema); seconds."""
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(_plain(server), autocommit=True, connect_timeout=5) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))]
        for table in tables:
            conn.execute(f'ANALYZE "{schema}"."{table}"')
    return time.perf_counter() - t0


def build(url: str, n: int, seed: int = 1, say=lambda msg: None) -> dict:
    """Open the store at ``url``; load the first ``n`` generated articles if it is empty; resolve what is
    not resolved yet. Returns the seconds each step took (None: nothing to do) and the store's counts."""
    from dateline.resolve.run import resolve
    from dateline.store import Store

    store = Store(url)
    try:
        out: dict = {"load_seconds": None, "resolve_seconds": None}
        have = store.count_articles()
        if have == 0:
            say(f"  loading {n:,} articles ...")
            t0 = time.perf_counter()
            _bench_resolve().load(store, n, seed)
            out["load_seconds"] = time.perf_counter() - t0
        elif have != n:
            raise RuntimeError(f"{store.display_url} holds {have:,} articles, not {n:,}: use another store")
        if store.articles_to_resolve():
            say("  resolving them ...")
            t0 = time.perf_counter()
            report = resolve(store, _bench_resolve().config(seed), command="bench/query.py")
            out["resolve_seconds"] = time.perf_counter() - t0
            if report.status != "ok":
                raise RuntimeError(f"resolve ended with status {report.status}")
        out["counts"] = {"articles": store.count_articles(), **store.resolve_status()}
        return out
    finally:
        store.close()


# -- the queries -----------------------------------------------------------------------------------


def pick(store) -> dict:
    """The actors, dates and stories the queries use, chosen by fixed rules (the same on every backend)."""
    from dateline.cli import _actor_entities

    people = store.entity_rows(type="person")  # most mentioned first
    if not people:
        raise RuntimeError("the store has no person entities: is it resolved?")

    def named(start: int) -> dict:
        """From ``start`` down the list, the first person whose name the CLI resolves to that person alone."""
        for row in people[start:] + people[:start]:
            if _actor_entities(store, row["name"]) == (row["entity_id"],):
                return row
        raise RuntimeError("no person entity has a name of its own")

    popular = named(0)
    rare = named(min(len(people) - 1, (len(people) * 9) // 10))  # about the 10th percentile of mentions
    stats = store.stats()
    first, last = stats.first_date, stats.last_date
    mid = first + (last - first) / 2
    month_start = mid.replace(day=1)
    month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    stories = store.story_rows()  # largest first
    typical = stories[len(stories) // 2]
    return {
        "popular": {"name": popular["name"], "entity_id": popular["entity_id"], "mentions": popular["num_mentions"],
                    "articles": popular["num_articles"]},
        "rare": {"name": rare["name"], "entity_id": rare["entity_id"], "mentions": rare["num_mentions"],
                 "articles": rare["num_articles"]},
        "people": len(people),
        "days_30": [mid.isoformat(), (mid + timedelta(days=29)).isoformat()],
        "days_365": [(mid - timedelta(days=182)).isoformat(), (mid + timedelta(days=182)).isoformat()],
        "month": [month_start.isoformat(), month_end.isoformat()],
        "largest_story": {"story_id": stories[0]["story_id"], "articles": stories[0]["num_articles"],
                          "events": stories[0]["num_events"]},
        "typical_story": {"story_id": typical["story_id"], "articles": typical["num_articles"],
                          "events": typical["num_events"]},
        "stories": len(stories),
    }  # fmt: skip


def _events(store, actor: str, since: str, until: str) -> int:
    """``dateline events --actor NAME --since D --until D`` (table output: no mentions are read)."""
    from dateline.cli import _actor_entities
    from dateline.store import EventQuery

    entities = _actor_entities(store, actor)
    query = EventQuery(actor=actor if not entities else None, since=date.fromisoformat(since),
                       until=date.fromisoformat(until), limit=100, actor_entities=entities)  # fmt: skip
    return len(store.fused_events(query))


def _timeline(store, actor: str) -> int:
    """``dateline timeline --actor NAME``: the events and their mentions."""
    from dateline.cli import _actor_entities
    from dateline.export import event_record
    from dateline.store import EventQuery

    x = _actor_entities(store, actor)
    rows = store.fused_events(EventQuery(actor=actor if not x else None, actor_entities=x, limit=200))
    found = store.mentions_of_events([r["event_id"] for r in rows])
    return len([event_record(r, found.get(r["event_id"], [])) for r in rows])


def _story(store, story_id: str | None) -> int:
    """``dateline story [ID]``: the story, its timeline with the mentions, key quotes, article heads."""
    from dateline.cli import _key_quotes
    from dateline.export import event_record
    from dateline.store import EventQuery

    if story_id is None:
        story_id = store.story_rows(limit=1)[0]["story_id"]
    found = store.find_story(story_id)
    rows = store.fused_events(EventQuery(story_id=found["story_id"], limit=None))
    mentions = store.mentions_of_events([r["event_id"] for r in rows])
    _key_quotes(store.quotes_of_articles(found["article_ids"]))
    store.article_heads(found["article_ids"])
    return len([event_record(r, mentions.get(r["event_id"], [])) for r in rows])


def _entity(store, name: str) -> int:
    """``dateline entity NAME``: the lookup, the entity, and why each article was linked to it."""
    from dateline.cli import _actor_entities

    ids = _actor_entities(store, name)
    [row] = store.entity_rows(ids)  # pick() chose names that name one entity
    row["links"] = store.entity_links_of(row["entity_id"])
    return len(row["links"])


def _stories(store, since: str, until: str) -> int:
    """``dateline stories --since D --until D`` (default limit 50)."""
    return len(store.story_rows(since=date.fromisoformat(since), until=date.fromisoformat(until), limit=50))


def queries(p: dict) -> list[tuple[str, str, object]]:
    """(key, what it is, function(store) -> rows) for each benchmarked query."""
    pop, rare = p["popular"]["name"], p["rare"]["name"]
    d30, d365, month = p["days_30"], p["days_365"], p["month"]
    return [
        ("events_popular_30d", f'`events --actor "{pop}" --since {d30[0]} --until {d30[1]}` (most mentioned person, '
         "30 days)", lambda s: _events(s, pop, *d30)),
        ("events_popular_1y", f'`events --actor "{pop}" --since {d365[0]} --until {d365[1]}` (most mentioned person, '
         "1 year)", lambda s: _events(s, pop, *d365)),
        ("events_rare_30d", f'`events --actor "{rare}" --since {d30[0]} --until {d30[1]}` (rarely mentioned person, '
         "30 days)", lambda s: _events(s, rare, *d30)),
        ("events_rare_1y", f'`events --actor "{rare}" --since {d365[0]} --until {d365[1]}` (rarely mentioned person, '
         "1 year)", lambda s: _events(s, rare, *d365)),
        ("timeline_popular", f'`timeline --actor "{pop}"` (most mentioned person, events with their mentions)',
         lambda s: _timeline(s, pop)),
        ("story_largest", f"`story` (the largest story: {p['largest_story']['articles']:,} articles; rows = events)",
         lambda s: _story(s, None)),
        ("story_typical", f"`story {p['typical_story']['story_id'][:12]}` (a median story: "
         f"{p['typical_story']['articles']:,} articles; rows = events)",
         lambda s: _story(s, p["typical_story"]["story_id"])),
        ("entity_popular", f'`entity "{pop}"` (rows = articles linked)', lambda s: _entity(s, pop)),
        ("entity_rare", f'`entity "{rare}"` (rows = articles linked)', lambda s: _entity(s, rare)),
        ("stories_month", f"`stories --since {month[0]} --until {month[1]}` (one month)",
         lambda s: _stories(s, *month)),
    ]  # fmt: skip


def _percentile(values: list[float], q: float) -> float:
    """The q-th percentile (linear interpolation between the closest ranks)."""
    xs = sorted(values)
    k = (len(xs) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def measure(url: str, p: dict, repeat: int) -> list[dict]:
    """Time each query on the store at ``url``: one warm-up, then ``repeat`` runs."""
    from dateline.store import Store

    store = Store(url)
    out = []
    try:
        for key, what, fn in queries(p):
            rows = fn(store)  # warm-up
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn(store)
                times.append((time.perf_counter() - t0) * 1000)
            out.append({"query": key, "what": what, "rows": rows, "median_ms": statistics.median(times),
                        "p95_ms": _percentile(times, 0.95), "min_ms": min(times), "runs": repeat})  # fmt: skip
    finally:
        store.close()
    return out


def run(articles: int = 100_000, seed: int = 1, *, repeat: int = 20, sqlite_db: str | None = None,
        postgres: str | None = PG_URL, pg_schema: str | None = None, analyze: bool = True,
        verbose: bool = True) -> dict:  # fmt: skip
    """Build (or reuse) the store on each backend and time the queries; a dict with one entry per backend.

    ``postgres``: the server URL (None: SQLite only); the run makes a schema there and drops it, unless
    ``pg_schema`` names one to use and keep. ``analyze``: on PostgreSQL, time the queries a second time
    after a fresh ANALYZE of the schema's tables (dateline runs it after a run of 1,000 articles or more
    that is a tenth of the store, autovacuum where it is on), as
    ``backends["postgresql_analyzed"]``.
    """

    def say(msg: str) -> None:
        if verbose:
            print(msg, file=sys.stderr, flush=True)

    result: dict = {"articles": articles, "seed": seed, "repeat": repeat, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="dateline-bench-query-") as d:
        path = Path(sqlite_db) if sqlite_db else Path(d) / "query.db"
        say(f"query benchmark, SQLite: {path}")
        built = build(str(path), articles, seed, say)
        picks = pick_from(str(path))
        result["picks"] = picks
        say("  timing the queries ...")
        result["backends"]["sqlite"] = {**built, "reused": sqlite_db is not None and built["load_seconds"] is None,
                                        "queries": measure(str(path), picks, repeat)}  # fmt: skip
    if postgres:
        schema = pg_schema or "dl_bench_query_" + uuid.uuid4().hex[:10]
        try:
            _create_schema(postgres, schema)
        except Exception as exc:  # no server: the PostgreSQL columns stay empty
            result["postgres_error"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
            say(f"PostgreSQL not measured: {result['postgres_error']}")
            return result
        url = _schema_url(postgres, schema)
        try:
            say(f"query benchmark, PostgreSQL: schema {schema}")
            built = build(url, articles, seed, say)
            pg_picks = pick_from(url)
            say("  timing the queries ...")
            result["backends"]["postgresql"] = {**built, "schema": schema, "kept": bool(pg_schema),
                                                "same_picks": pg_picks == picks, **_planner_state(postgres, schema),
                                                "queries": measure(url, picks, repeat)}  # fmt: skip
            if analyze:
                seconds = _analyze_schema(postgres, schema)
                say(f"  ANALYZE took {seconds:.1f} s; timing the queries again ...")
                result["backends"]["postgresql_analyzed"] = {"analyze_seconds": seconds,
                                                             "queries": measure(url, picks, repeat)}  # fmt: skip
        finally:
            if not pg_schema:
                _drop_schema(postgres, schema)
    return result


def pick_from(url: str) -> dict:
    from dateline.store import Store

    store = Store(url)
    try:
        return pick(store)
    finally:
        store.close()


# -- the report ------------------------------------------------------------------------------------


def _seconds(x: float | None) -> str:
    return "reused" if x is None else f"{x:,.0f} s"


def markdown(results: dict, command: str | None = None) -> str:
    """The result as Markdown: one row per query, median and p95 per backend, rows returned."""
    r = results
    backends = r["backends"]
    sqlite, pg = backends.get("sqlite"), backends.get("postgresql")
    p = r["picks"]
    counts = sqlite["counts"]
    lines = [
        f"A store of {r['articles']:,} generated articles (`bench/resolve.py`'s generator, seed {r['seed']}), resolved: "
        f"{counts['entities']:,} entities, {counts['stories']:,} stories, {counts['events']:,} events. Each query is "
        "the `Store` calls of the CLI command shown (printing left out), through one open store; one warm-up, then "
        f"{r['repeat']} runs; milliseconds per call. Actors: the most mentioned person ({p['popular']['name']}, "
        f"{p['popular']['mentions']:,} mentions in {p['popular']['articles']:,} articles) and one at the 10th "
        f"percentile of mentions ({p['rare']['name']}, {p['rare']['mentions']:,} mentions in "
        f"{p['rare']['articles']:,} articles); dates in the middle of the store's span.",
        "",
        "| query | SQLite median ms | p95 | PostgreSQL median ms | p95 | rows |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    pg_by = {q["query"]: q for q in pg["queries"]} if pg else {}
    slow = []
    for q in sqlite["queries"]:
        o = pg_by.get(q["query"])
        pg_cells = f"{o['median_ms']:.1f} | {o['p95_ms']:.1f}" if o else "- | -"
        rows = f"{q['rows']:,}" if not o or o["rows"] == q["rows"] else f"{q['rows']:,} / {o['rows']:,}"
        lines.append(f"| {q['what']} | {q['median_ms']:.1f} | {q['p95_ms']:.1f} | {pg_cells} | {rows} |")
        for backend, x in (("SQLite", q), ("PostgreSQL", o)):
            if x and x["median_ms"] > SLOW_MS:
                slow.append(f"{x['query']} on {backend} ({x['median_ms']:.0f} ms)")
    analyzed = backends.get("postgresql_analyzed")
    if pg:
        state = (
            f"PostgreSQL as dateline leaves the store: autovacuum is {pg['autovacuum']} on this server and "
            f"{pg['analyzed_tables']} of the store's tables had planner statistics when timed"
        )
        if pg["analyzed_tables"] == 0:
            state += " (dateline runs ANALYZE only after a large run; without statistics the planner guesses)"
        lines += ["", state + "."]
    if analyzed:
        lines += ["", f"PostgreSQL again after a fresh `ANALYZE` of the store's tables "
                  f"({analyzed['analyze_seconds']:.1f} s):", "",
                  "| query | PostgreSQL median ms | p95 | before ANALYZE | rows |", "|---|---:|---:|---:|---:|"]  # fmt: skip
        for q in analyzed["queries"]:
            o = pg_by[q["query"]]
            lines.append(f"| `{q['query']}` | {q['median_ms']:.1f} | {q['p95_ms']:.1f} | {o['median_ms']:.1f} "
                         f"| {q['rows']:,} |")  # fmt: skip
            if q["median_ms"] > SLOW_MS:
                slow.append(f"{q['query']} on PostgreSQL after ANALYZE ({q['median_ms']:.0f} ms)")
    lines.append("")
    lines.append(f"Slower than {SLOW_MS:.0f} ms (median): " + ("; ".join(slow) if slow else "none") + ".")
    build_lines = [f"SQLite: load {_seconds(sqlite['load_seconds'])}, resolve {_seconds(sqlite['resolve_seconds'])}"]
    if pg:
        build_lines.append(
            f"PostgreSQL: load {_seconds(pg['load_seconds'])}, resolve {_seconds(pg['resolve_seconds'])}"
        )
        if not pg["same_picks"]:
            lines.append("")
            lines.append(
                "Note: the PostgreSQL store's picks differ from SQLite's (the SQLite picks were used on both)."
            )
    elif r.get("postgres_error"):
        build_lines.append(f"PostgreSQL not measured ({r['postgres_error']})")
    lines += ["", "Building the stores (not part of the figures): " + "; ".join(build_lines) + "."]
    lines += ["", f"Machine: {_bench_resolve().machine()}."]
    if command:
        lines.append(f"Reproduce: `{command}`")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query (after one warm-up)")
    parser.add_argument("--sqlite-db", metavar="PATH", help="the SQLite store to use (built there if absent)")
    parser.add_argument("--postgres", default=PG_URL, metavar="URL", help="PostgreSQL server (default: %(default)s)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--pg-schema", metavar="NAME", help="use (build if empty) and keep this PostgreSQL schema")
    parser.add_argument("--no-analyze", action="store_true", help="PostgreSQL: do not time again after ANALYZE")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = run(args.articles, args.seed, repeat=args.repeat, sqlite_db=args.sqlite_db,
                 postgres=None if args.no_postgres else args.postgres, pg_schema=args.pg_schema,
                 analyze=not args.no_analyze)  # fmt: skip
    command = f".venv/bin/python bench/query.py --articles {args.articles} --seed {args.seed} --repeat {args.repeat}"
    if args.no_postgres:
        command += " --no-postgres"
    print(markdown(result, command))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
