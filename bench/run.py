"""dateline benchmarks: one entry point that measures and writes docs/benchmarks.md.

    make bench                       # or: .venv/bin/python bench/run.py [--n 10000] [--no-write]

Figures are ratios and rates measured in one run on one machine, never timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from resolve import machine as _machine  # bench/ is on the path when this file runs

from dateline import Config, Store, __version__, ingest
from dateline.readers import expand_paths, read_source
from dateline.testing import write_corpus

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("DATELINE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _read_only(root: Path) -> int:
    config = Config()
    n = 0
    for source in expand_paths([str(root)]):
        for _ in read_source(source, config):
            n += 1
    return n


def _pg_store():
    try:
        import psycopg

        plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP SCHEMA IF EXISTS dateline_bench CASCADE")
            conn.execute("CREATE SCHEMA dateline_bench")
        return Store(PG_URL + "?options=-csearch_path%3Ddateline_bench")
    except Exception as exc:  # no server here: the PostgreSQL rows are left out
        print(f"PostgreSQL not measured: {exc}", file=sys.stderr)
        return None


def bench_ingest(n: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        manifest = write_corpus(tmp / "files", n, bad_fraction=0.05, seed=7)
        good = n - len(manifest.bad)
        # The same good texts as one JSONL file.
        jsonl = tmp / "all.jsonl"
        with jsonl.open("w", encoding="utf-8") as f:
            for i, text in enumerate(manifest.good_texts):
                f.write(
                    json.dumps({"id": i, "date": "2022-02-02", "url": f"https://e.example/{i}", "text": text}) + "\n"
                )

        t_read, records = _timed(lambda: _read_only(manifest.root))
        rows.append({"what": f"read {n:,} files, no store (readers only)", "seconds": t_read, "records": records})

        store = Store(str(tmp / "bench.db"))
        t_ingest, _ = _timed(lambda: ingest([str(manifest.root)], store))
        rows.append({"what": f"ingest {n:,} files into SQLite (5% bad)", "seconds": t_ingest, "records": records})
        t_again, _ = _timed(lambda: ingest([str(manifest.root)], store))
        rows.append({"what": "re-ingest the same files (nothing new)", "seconds": t_again, "records": records})
        store.close()

        store = Store(str(tmp / "bench-jsonl.db"))
        t_jsonl, _ = _timed(lambda: ingest([str(jsonl)], store))
        rows.append(
            {"what": f"ingest one JSONL file of {good:,} rows into SQLite", "seconds": t_jsonl, "records": good}
        )
        store.close()

        pg = _pg_store()
        if pg is not None:
            t_pg, _ = _timed(lambda: ingest([str(manifest.root)], pg))
            rows.append(
                {"what": f"ingest {n:,} files into PostgreSQL (local server)", "seconds": t_pg, "records": records}
            )
            pg.close()
        for row in rows:
            row["per_second"] = row["records"] / row["seconds"]
        read_rate = rows[0]["per_second"]
        for row in rows:
            row["vs_read"] = row["per_second"] / read_rate
        shutil.rmtree(tmp / "files", ignore_errors=True)
    return rows


def _articles(n: int, words: int = 600) -> list[str]:
    """``n`` generated articles of about ``words`` words (filler text with dates, places and roles)."""
    import random

    from dateline.testing import _text

    rng = random.Random(11)
    out = []
    for i in range(n):
        parts, count = [], 0
        while count < words:
            piece = _text(rng, i)
            parts.append(piece)
            count += len(piece.split())
        out.append(" ".join(parts))
    return out


def _news_texts(n: int) -> tuple[list[str], str]:
    """``n`` real news texts when the shared gold data is beside the checkout (ECB+ documents, read
    in place), else generated ones; and a line saying which."""
    ecb = ROOT.parent / "shared" / "eval" / "ecbplus" / "documents.jsonl"
    if ecb.exists():
        texts = []
        with ecb.open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                texts.append("\n".join(" ".join(sentence) for sentence in doc["sentences"]))
                if len(texts) == n:
                    break
        words = sum(len(t.split()) for t in texts) / len(texts)
        return texts, f"{len(texts):,} ECB+ news documents (about {words:.0f} words each, read from ../shared/eval)"
    texts = _articles(n)
    return texts, f"{n:,} generated articles of about 600 words (no ../shared/eval here)"


def bench_annotate(n: int) -> tuple[list[dict], str]:
    """Bare spaCy parse vs dateline's pipeline vs annotate with the store, on the same texts in one run."""
    from datetime import date

    from dateline.pipeline.annotate import annotate, make_doc
    from dateline.pipeline.nlp import build_pipeline, load_model

    texts, described = _news_texts(n)
    n = len(texts)
    bare = load_model()
    nlp = build_pipeline()
    list(bare.pipe(texts[:5]))  # warm up both
    list(nlp.pipe(make_doc(nlp, t, date(2022, 2, 2)) for t in texts[:5]))
    rows = []
    t_bare, _ = _timed(lambda: list(bare.pipe(texts)))
    rows.append({"what": "bare spaCy parse (en_core_web_sm, all its components)", "seconds": t_bare, "records": n})
    no_events = build_pipeline.__wrapped__()
    no_events.remove_pipe("events")
    list(no_events.pipe(make_doc(no_events, t, date(2022, 2, 2)) for t in texts[:5]))
    t_no_events, _ = _timed(lambda: list(no_events.pipe(make_doc(no_events, t, date(2022, 2, 2)) for t in texts)))
    rows.append({"what": "dateline pipeline without the events stage", "seconds": t_no_events, "records": n})
    t_pipe, _ = _timed(lambda: list(nlp.pipe(make_doc(nlp, t, date(2022, 2, 2)) for t in texts)))
    rows.append(
        {
            "what": "dateline pipeline (parse + gazetteer, entities, actors, coreference, places, times, events)",
            "seconds": t_pipe,
            "records": n,
        }
    )
    with tempfile.TemporaryDirectory() as d:
        store = Store(str(Path(d) / "a.db"))
        path = Path(d) / "in.jsonl"
        path.write_text("".join(json.dumps({"text": t, "date": "2022-02-02"}) + "\n" for t in texts), encoding="utf-8")
        ingest([str(path)], store)
        t_ann, _ = _timed(lambda: annotate(store))
        rows.append(
            {"what": "dateline annotate (pipeline + reading and saving in SQLite)", "seconds": t_ann, "records": n}
        )
        store.close()
    for row in rows:
        row["per_second"] = row["records"] / row["seconds"]
        row["vs_read"] = row["per_second"] / rows[0]["per_second"]
    return rows, described


def _table(rows: list[dict], unit: str, ratio: str) -> list[str]:
    lines = [f"| step | {unit} | seconds | {unit}/s | {ratio} |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['what']} | {r['records']:,} | {r['seconds']:.2f} | {r['per_second']:,.1f} | {r['vs_read']:.2f} |"
        )
    return lines


def render(
    rows: list[dict], n: int, annotate_rows: list[dict] | None = None, described: str = "", resolve_md: str = ""
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`python bench/run.py`), which rewrites this file. Rates and ratios",
        "come from one run on one machine; rerun on yours to compare.",
        "",
        f"Machine: {_machine()}. dateline {__version__}, {stamp}.",
        "",
        "## Ingest (readers and store, no NLP)",
        "",
        f"A generated corpus of {n:,} files (`dateline.testing.write_corpus`, seed 7): 80% dateline",
        "text files, 10% one-row JSONL, 10% gzip text, 5% bad files of eight kinds; about 600",
        "characters of text each. `vs read` is the rate relative to reading the same files without",
        "storing them (1.0 = storing costs nothing).",
        "",
    ]
    lines += _table(rows, "records", "vs read")
    if annotate_rows:
        lines += [
            "",
            "## Annotate (per-article NLP)",
            "",
            f"{described}, one process. `vs parse` is the throughput relative to a bare parse of the",
            "same texts by the same spaCy model in the same run (1.0 = dateline's stages cost nothing",
            "on top of the parse; the target is at least 0.8).",
            "",
        ]
        lines += _table(annotate_rows, "articles", "vs parse")
        by_what = {r["what"]: r["seconds"] for r in annotate_rows}
        base = by_what["dateline pipeline without the events stage"]
        full = next(s for w, s in by_what.items() if w.startswith("dateline pipeline (parse"))
        lines += [
            "",
            f"Event coding adds {100 * (full - base) / base:.1f}% to the pipeline's time (target: at most 15%).",
        ]
    if resolve_md:
        lines += ["", "## Resolve (across articles)", "", resolve_md.strip()]
    lines += [
        "",
        "Command: `make bench` (or `.venv/bin/python bench/run.py --n 10000 --n-annotate 300 "
        "--resolve-sizes 10000 100000`).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="files in the generated corpus")
    parser.add_argument("--n-annotate", type=int, default=300, help="articles for the annotate benchmark")
    parser.add_argument(
        "--resolve-sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="article counts for the resolve benchmark",
    )
    parser.add_argument("--no-write", action="store_true", help="print the table, do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    rows = bench_ingest(args.n)
    annotate_rows, described = bench_annotate(args.n_annotate) if args.n_annotate else (None, "")
    resolve_md = ""
    if args.resolve_sizes:
        import resolve as bench_resolve

        resolve_md = bench_resolve.markdown(bench_resolve.run(args.resolve_sizes))
    text = render(rows, args.n, annotate_rows, described, resolve_md)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks.md").write_text(text, encoding="utf-8")
        print(f"wrote {ROOT / 'docs' / 'benchmarks.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
