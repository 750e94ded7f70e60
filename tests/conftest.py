"""Shared fixtures: stores on both backends, the demo articles, a settings object."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from dateline import Config, Store

ROOT = Path(__file__).resolve().parent.parent
DEMO_CORPUS = ROOT / "demo" / "corpus"
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
EVAL_DIR = SHARED / "eval"
PG_URL = os.environ.get("DATELINE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> str | None:
    """None if the PostgreSQL test server answers, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'dateline[postgres]')"
    try:
        with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3):
            return None
    except Exception as exc:  # any failure to connect means: no server here
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


@pytest.fixture(scope="session")
def pg_server() -> str:
    """URL of the PostgreSQL test server; skip where none is reachable, fail under CI."""
    problem = _postgres_reachable()
    if problem:
        if IN_CI:
            pytest.fail(f"PostgreSQL tests must run under CI, but {PG_URL} is unreachable: {problem}")
        pytest.skip(f"no PostgreSQL server at {PG_URL} ({problem}); set DATELINE_TEST_POSTGRES to test that backend")
    return PG_URL


@pytest.fixture
def pg_url(pg_server):
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    import psycopg

    schema = "dl_test_" + uuid.uuid4().hex[:12]
    plain = pg_server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    """A URL for an empty store, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dateline.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def fresh_store(store_url):
    """An empty, migrated store, once per backend."""
    store = Store(store_url)
    yield store
    store.close()


@pytest.fixture
def memory_store():
    """An empty in-memory SQLite store (fast, for tests that need no second backend)."""
    store = Store(":memory:")
    yield store
    store.close()


@pytest.fixture
def sample_articles() -> list[Path]:
    """The two demo articles (dateline text files)."""
    return sorted(DEMO_CORPUS.glob("*.txt"))


@pytest.fixture
def config() -> Config:
    """Default settings."""
    return Config()


def dump(store: Store) -> dict[str, list[tuple]]:
    """The store's content, without run ids and timestamps: equal dumps mean equal stores."""
    from sqlalchemy import select

    from dateline.store.schema import articles, publications, rejects

    out = {}
    with store.engine.connect() as conn:
        for table, skip in (
            (articles, {"run_id"}),
            (publications, {"run_id"}),
            (rejects, {"run_id", "reject_id", "resolved_run_id"}),
        ):
            cols = [c for c in table.c if c.name not in skip]
            out[table.name] = sorted(tuple(map(str, row)) for row in conn.execute(select(*cols)))
    return out


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The public gold data (never copied into the repo): skipped with the reason where it is
    absent (a user's clone), a failure under CI, where the quality gates must run."""
    if not EVAL_DIR.is_dir():
        if IN_CI:
            pytest.fail(f"the gold data must be there under CI, but {EVAL_DIR} is missing")
        pytest.skip(f"no gold data at {EVAL_DIR} (it lives in the shared folder beside the checkout)")
    return EVAL_DIR


@pytest.fixture
def run(monkeypatch, capsys, tmp_path):
    """Run the dateline CLI in-process: returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATELINE_DB", raising=False)
    monkeypatch.delenv("DATELINE_CONFIG", raising=False)

    def _run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["dateline", *args])
        code = 0
        try:
            from dateline.cli import main

            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return _run
