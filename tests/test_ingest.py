import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import dump

from dateline import Config, Store, ingest
from dateline.pipeline.ingest import StrictReject
from dateline.testing import BAD_KINDS, write_corpus


def test_ingest_samples_then_rerun_changes_nothing(fresh_store, sample_articles):
    first = ingest([str(p) for p in sample_articles], fresh_store)
    assert (first.counts.new_articles, first.counts.new_publications, len(first.rejects)) == (2, 2, 0)
    before = dump(fresh_store)
    second = ingest([str(sample_articles[0].parent)], fresh_store)
    assert (second.counts.new_articles, second.counts.new_publications, second.counts.duplicates) == (0, 0, 2)
    assert dump(fresh_store) == before
    statuses = [r["status"] for r in fresh_store.runs()]
    assert statuses == ["ok", "ok"]


def test_ingest_bad_inputs_recorded_and_batch_goes_on(memory_store, tmp_path):
    (tmp_path / "good.txt").write_text(" date 2022-02-02 Good one.")
    (tmp_path / "nodate.txt").write_text("No header.")
    (tmp_path / "rows.jsonl").write_text('{"text": "Row", "date": "2022-02-03"}\n{broken\n')
    report = ingest([str(tmp_path)], memory_store)
    assert report.counts.new_articles == 2
    assert sorted((Path(r.source_path).name, r.location, r.reason) for r in report.rejects) == [
        ("nodate.txt", None, "no_date"),
        ("rows.jsonl", "line 2", "bad_json"),
    ]
    assert len(memory_store.rejects()) == 2


def test_ingest_strict_stops_at_first_reject(memory_store, tmp_path):
    (tmp_path / "a.txt").write_text(" date 2022-02-02 First.")
    (tmp_path / "b.txt").write_text("No header.")
    (tmp_path / "c.txt").write_text(" date 2022-02-02 Never read.")
    with pytest.raises(StrictReject, match="b.txt"):
        ingest([str(tmp_path)], memory_store, strict=True)
    assert [r["preview"] for r in memory_store.articles()] == ["First."]
    assert [r["reason"] for r in memory_store.rejects()] == ["no_date"]
    assert memory_store.runs()[0]["status"] == "failed"


def test_ingest_small_batches_same_result(tmp_path):
    manifest = write_corpus(tmp_path / "c", 300, seed=3)
    stores = []
    for size in (1, 7, 500):
        store = Store(":memory:")
        ingest([str(manifest.root)], store, Config({"ingest.batch_size": size}))
        stores.append(dump(store))
        store.close()
    assert stores[0] == stores[1] == stores[2]


@pytest.mark.slow
def test_ingest_10k_corpus_with_bad_files(tmp_path):
    """The issue's bar: 10,000 files, 5% bad: every good one stored once, every bad one rejected with its reason."""
    manifest = write_corpus(tmp_path / "corpus", 10_000, bad_fraction=0.05, seed=1)
    assert len(manifest.bad) == 500 and set(manifest.bad.values()) == set(BAD_KINDS.values())
    store = Store(str(tmp_path / "d.db"))
    report = ingest([str(manifest.root)], store)
    assert report.counts.new_articles == len(set(manifest.good_texts))
    stored = {a["text"] for a in _all_texts(store)}
    assert stored == set(manifest.good_texts)
    rejected = {str(Path(r["source_path"]).relative_to(manifest.root)): r["reason"] for r in store.rejects()}
    assert rejected == manifest.bad
    before = dump(store)
    again = ingest([str(manifest.root)], store)
    assert (again.counts.new_articles, again.counts.new_publications, again.counts.rejects) == (0, 0, 0)
    assert dump(store) == before
    store.close()


def _ingest_command(root, db, batch_size: int) -> list[str]:
    """`dateline ingest` (readers and store only) as a separate process, committing every ``batch_size`` records."""
    return [
        sys.executable,
        "-m",
        "dateline",
        "ingest",
        str(root),
        "--db",
        str(db),
        "--quiet",
        "--no-annotate",
        "--set",
        f"ingest.batch_size={batch_size}",
    ]


def _all_texts(store):
    from sqlalchemy import select

    from dateline.store.schema import articles

    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(articles.c.text)).mappings()]


@pytest.mark.slow
def test_ingest_killed_midway_then_rerun_equals_uninterrupted(tmp_path):
    manifest = write_corpus(tmp_path / "corpus", 6000, bad_fraction=0.05, seed=2)
    clean = Store(str(tmp_path / "clean.db"))
    ingest([str(manifest.root)], clean)
    expected = dump(clean)
    clean.close()

    db = tmp_path / "killed.db"
    cmd = _ingest_command(manifest.root, db, batch_size=20)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            # A read-only look (no migrations), so the probe can never race the writer.
            try:
                with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
                    n = conn.execute("SELECT count(*) FROM publications").fetchone()[0]
            except sqlite3.Error:  # the writer may still be creating the schema
                continue
            if n >= 100:
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
    proc.wait()
    assert killed, "the ingest finished before it could be killed; the test corpus is too small"
    partial = Store(str(db))
    assert 0 < partial.stats().publications < len(manifest.good_texts)
    partial.close()
    subprocess.run(cmd, env=env, check=True)
    resumed = Store(str(db))
    assert dump(resumed) == expected
    statuses = [r["status"] for r in resumed.runs()]
    assert statuses == ["ok", "running"], "the killed run stays recorded as never finished"
    resumed.close()


def test_ingest_reader_process_while_writer_writes(tmp_path):
    """SQLite WAL: another process reads while ingest writes, without 'database is locked'."""
    manifest = write_corpus(tmp_path / "corpus", 1500, bad_fraction=0.0, seed=4)
    db = tmp_path / "wal.db"
    Store(str(db)).close()
    cmd = _ingest_command(manifest.root, db, batch_size=20)
    writer = subprocess.Popen(cmd)
    reads = 0
    try:
        while writer.poll() is None:
            out = subprocess.run(
                [sys.executable, "-m", "dateline", "stats", "--db", str(db), "--format", "json"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert out.returncode == 0, out.stderr
            reads += 1
    finally:
        writer.wait()
    assert writer.returncode == 0
    assert reads >= 1
