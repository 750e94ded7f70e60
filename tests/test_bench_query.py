"""The incremental-resolve and query-latency benchmarks run end to end at tiny sizes and report what they
promise: the keys, positive timings, and Markdown that renders. Speed itself is never asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    module_name = f"dateline_bench_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


QUERIES = {"events_popular_30d", "events_popular_1y", "events_rare_30d", "events_rare_1y", "timeline_popular",
           "story_largest", "story_typical", "entity_popular", "entity_rare", "stories_month"}  # fmt: skip


def test_incremental_benchmark_at_a_tiny_size():
    bench = _load("incremental")
    result = bench.run(base=300, add=30, seed=2, repeat=1, verbose=False)
    assert {"base", "add", "incremental", "fresh", "ratio", "insert_ratio", "passed", "base_counts"} <= set(result)
    assert result["base"] == 300 and result["add"] == 30
    assert result["base_counts"]["articles"] == 300 and result["base_counts"]["resolved"] == 300
    for case in ("incremental", "fresh"):
        r = result[case]
        assert r["insert_seconds"] > 0 and r["resolve_seconds"] > 0 and r["peak_rss_mb"] > 0
        assert r["new_articles"] == 30  # the 30 after the base are new texts, not republications
        assert r["report"]["articles"] == 30 and not r["report"]["redone"]  # just those, not everything again
        assert set(r["parts"]) == {"entities", "stories", "events", "refresh"}
    assert result["fresh"]["story_inputs"][0][1] == 0  # nothing stored to compare with
    assert result["ratio"] > 0 and isinstance(result["passed"], bool)
    text = bench.markdown(result, "bench/incremental.py --base 300 --add 30")
    assert "| step | added to 300 | fresh | ratio |" in text
    assert result["command_ratio"] > 0 and result["incremental"]["setup_seconds"] > 0
    assert (
        "| resolve them, as a `dateline resolve` run does (s) |" in text
        and "Reproduce: `bench/incremental.py --base 300 --add 30`" in text
    )


def _check_queries(rows: list[dict]) -> None:
    assert {q["query"] for q in rows} == QUERIES
    for q in rows:
        assert {"query", "what", "rows", "median_ms", "p95_ms", "runs"} <= set(q)
        assert q["median_ms"] > 0 and q["p95_ms"] >= q["median_ms"] * 0.999 and q["rows"] >= 0
    by = {q["query"]: q for q in rows}
    assert by["entity_popular"]["rows"] > 0 and by["story_largest"]["rows"] >= by["story_typical"]["rows"]


def test_query_benchmark_on_sqlite_at_a_tiny_size(tmp_path):
    bench = _load("query")
    db = tmp_path / "q.db"
    result = bench.run(300, seed=2, repeat=2, sqlite_db=str(db), postgres=None, verbose=False)
    assert set(result["backends"]) == {"sqlite"}
    sqlite = result["backends"]["sqlite"]
    assert sqlite["counts"]["articles"] == 300 and sqlite["load_seconds"] > 0
    _check_queries(sqlite["queries"])
    p = result["picks"]
    assert p["popular"]["mentions"] >= p["rare"]["mentions"]
    text = bench.markdown(result, "bench/query.py --articles 300")
    assert "| query | SQLite median ms | p95 | PostgreSQL median ms | p95 | rows |" in text
    assert text.count("| - | - |") == len(QUERIES)  # no PostgreSQL figures
    # A store given by path is reused as it is, not built again.
    again = bench.run(300, seed=2, repeat=1, sqlite_db=str(db), postgres=None, verbose=False)
    assert again["backends"]["sqlite"]["load_seconds"] is None and again["picks"] == p


@pytest.mark.postgres
def test_query_benchmark_on_both_backends_drops_its_schema(pg_server):
    import psycopg

    bench = _load("query")
    result = bench.run(300, seed=2, repeat=2, postgres=pg_server, verbose=False)
    assert set(result["backends"]) == {"sqlite", "postgresql", "postgresql_analyzed"}
    pg = result["backends"]["postgresql"]
    _check_queries(pg["queries"])
    assert pg["same_picks"]  # the same data resolved the same way on both backends
    rows = {q["query"]: q["rows"] for q in result["backends"]["sqlite"]["queries"]}
    assert {q["query"]: q["rows"] for q in pg["queries"]} == rows
    assert pg["autovacuum"] in ("on", "off") and pg["analyzed_tables"] >= 0
    analyzed = result["backends"]["postgresql_analyzed"]  # timed again after ANALYZE of the run's own tables
    _check_queries(analyzed["queries"])
    assert analyzed["analyze_seconds"] > 0
    with psycopg.connect(pg_server.replace("postgresql+psycopg://", "postgresql://")) as conn:
        left = conn.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (pg["schema"],))
        assert left.fetchone() is None  # the run's schema is gone
    text = bench.markdown(result)
    assert "| - | - |" not in text and "PostgreSQL: load" in text
    assert "| query | PostgreSQL median ms | p95 | before ANALYZE | rows |" in text
