"""dateline benchmarks: one entry point that measures and writes docs/benchmarks.md (and .json).

    make bench                                   # every section: about two hours on 2 cores
    .venv/bin/python bench/run.py --only resolve # one section again; the others from docs/benchmarks.json

Sections: ``throughput`` (the pipeline against a bare spaCy parse of the same news texts, and each
stage's share of the time), ``scaling`` (ingest + annotate + resolve of generated worlds of 1k and 10k
articles), ``resolve`` (10k, 100k and 1M generated articles with annotations made without parsing:
time, peak memory, ratios; ``bench/resolve.py``), ``incremental`` (1,000 articles added to a
100,000-article database vs fresh; ``bench/incremental.py``), ``query`` (latency of the common queries
on that database, SQLite and PostgreSQL; ``bench/query.py``), ``ingest`` (readers and store on 10,000
files with bad ones mixed in). Figures are ratios and rates measured in one run on one machine, never
timed tests; the page says when each section was measured.
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
WHOLE = "dateline ingest + annotate + resolve (the whole pipeline, SQLite)"
PIPE_BATCH = 32  # texts per nlp.pipe batch, as in dateline annotate
ROUNDS = 3  # interleaved rounds of the throughput timings (the best of each counts: the least disturbed)
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
    """Bare spaCy parse vs dateline's pipeline vs annotate with the store vs the whole pipeline (ingest,
    annotate, resolve), on the same texts in one run, all parsing in batches of the size annotate uses."""
    from datetime import date

    from dateline.pipeline.annotate import annotate, make_doc
    from dateline.pipeline.nlp import build_pipeline, load_model, new_pipeline
    from dateline.resolve.run import resolve

    texts, described = _news_texts(n)
    n = len(texts)
    bare = load_model()
    nlp = build_pipeline()
    size = PIPE_BATCH

    def dateline_docs(pipeline, some):
        return list(pipeline.pipe((make_doc(pipeline, t, date(2022, 2, 2)) for t in some), batch_size=size))

    no_events = new_pipeline()
    no_events.remove_pipe("events")

    def whole(d: Path) -> tuple[float, float]:
        """(annotate, ingest + annotate + resolve) seconds, into a new SQLite store in ``d``."""
        store = Store(str(d / "a.db"))
        path = d / "in.jsonl"
        path.write_text("".join(json.dumps({"text": t, "date": "2022-02-02"}) + "\n" for t in texts), encoding="utf-8")
        t_ingest, _ = _timed(lambda: ingest([str(path)], store))
        t_ann, _ = _timed(lambda: annotate(store))
        t_res, _ = _timed(lambda: resolve(store, Config()))
        store.close()
        return t_ann, t_ingest + t_ann + t_res

    runs = {  # the same texts through each, in interleaved rounds; the best round of each counts
        "bare": lambda some: list(bare.pipe(some, batch_size=size)),
        "no_events": lambda some: dateline_docs(no_events, some),
        "pipeline": lambda some: dateline_docs(nlp, some),
    }
    best = dict.fromkeys([*runs, "annotate", "whole"], float("inf"))
    for fn in runs.values():
        fn(texts[:5])  # warm up
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            best[name] = min(best[name], _timed(lambda fn=fn: fn(texts))[0])
        with tempfile.TemporaryDirectory() as d:
            t_ann, t_whole = whole(Path(d))
        best["annotate"], best["whole"] = min(best["annotate"], t_ann), min(best["whole"], t_whole)
    rows = [
        {"what": "bare spaCy parse (en_core_web_sm, all its components)", "seconds": best["bare"], "records": n},
        {"what": "dateline pipeline without the events stage", "seconds": best["no_events"], "records": n},
        {
            "what": "dateline pipeline (parse + gazetteer, entities, actors, coreference, places, times, events)",
            "seconds": best["pipeline"],
            "records": n,
        },
        {
            "what": "dateline annotate (pipeline + reading and saving in SQLite)",
            "seconds": best["annotate"],
            "records": n,
        },
        {"what": WHOLE, "seconds": best["whole"], "records": n},
    ]
    for row in rows:
        row["per_second"] = row["records"] / row["seconds"]
        row["vs_read"] = row["per_second"] / rows[0]["per_second"]
    return rows, described


def bench_stages(texts: list[str]) -> list[dict]:
    """Each stage's own time over the same texts: the tokenizer, then every pipeline component in turn on
    the whole batch (what ``nlp.pipe`` does, one component at a time)."""
    from datetime import date

    from dateline.pipeline.annotate import make_doc
    from dateline.pipeline.nlp import build_pipeline

    nlp = build_pipeline()
    list(nlp.pipe(make_doc(nlp, t, date(2022, 2, 2)) for t in texts[:5]))  # warm up
    start = time.perf_counter()
    docs = [make_doc(nlp, t, date(2022, 2, 2)) for t in texts]
    rows = [{"stage": "tokenizer", "seconds": time.perf_counter() - start}]
    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=64)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        rows.append({"stage": name, "seconds": time.perf_counter() - start})
    total = sum(r["seconds"] for r in rows)
    for r in rows:
        r["share"] = r["seconds"] / total
    return rows


def bench_scaling(sizes=(1_000, 10_000), seed: int = 1) -> list[dict]:
    """Ingest, annotate and resolve generated worlds (``dateline synth``) of each size into fresh SQLite
    stores, each step timed; and a bare spaCy parse of the same texts at the smallest size."""
    from datetime import date

    from dateline.pipeline.annotate import annotate, make_doc
    from dateline.pipeline.nlp import build_pipeline, load_model
    from dateline.resolve.run import resolve
    from dateline.synth import SynthSettings, write_world

    def warm_up(nlp) -> None:
        list(nlp.pipe(make_doc(nlp, "Officials met in Paris on Monday.", date(2022, 2, 2)) for _ in range(5)))

    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="dateline-bench-scale-") as d:
            world = Path(d) / "world"
            write_world(world, n, SynthSettings(seed=seed))
            config = Config({"kb.path": str(world / "kb")})
            store = Store(str(Path(d) / "w.db"))
            row = {"articles": n}
            row["ingest"], _ = _timed(lambda: ingest([str(world / "articles.jsonl")], store, config))  # noqa: B023
            warm_up(build_pipeline(None, config["kb.path"]))  # the model's load is left out, as for the bare parse
            row["annotate"], _ = _timed(lambda: annotate(store, config))  # noqa: B023
            row["resolve"], _ = _timed(lambda: resolve(store, config))  # noqa: B023
            if n == min(sizes):
                texts = list(store.texts([aid for aid, _ in store.articles_to_annotate(rerun=True)]).values())
                bare = load_model()
                list(bare.pipe(texts[:5]))
                row["bare_parse"], _ = _timed(lambda: list(bare.pipe(texts, batch_size=PIPE_BATCH)))  # noqa: B023
                row["words"] = sum(len(t.split()) for t in texts) / len(texts)
            store.close()
        row["total"] = row["ingest"] + row["annotate"] + row["resolve"]
        rows.append(row)
        print(f"  scaling: {n:,} articles in {row['total']:.0f} s", file=sys.stderr, flush=True)
    return rows


def render_stages(rows: list[dict]) -> list[str]:
    lines = ["| stage | seconds | share |", "|---|---:|---:|"]
    lines += [f"| {r['stage']} | {r['seconds']:.2f} | {r['share']:.1%} |" for r in rows]
    return lines


def render_scaling(rows: list[dict]) -> list[str]:
    lines = [
        "| articles | ingest (s) | annotate (s) | resolve (s) | total (s) | articles/s | time ratio | size ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for r in rows:
        ratio = f"{r['total'] / prev['total']:.2f}x" if prev else "-"
        size = f"{r['articles'] / prev['articles']:.0f}x" if prev else "-"
        lines.append(
            f"| {r['articles']:,} | {r['ingest']:.1f} | {r['annotate']:.1f} | {r['resolve']:.1f} | {r['total']:.1f} "
            f"| {r['articles'] / r['total']:.1f} | {ratio} | {size} |"
        )
        prev = r
    small, big = rows[0], rows[-1]
    if "bare_parse" in small:
        lines += ["", f"A bare spaCy parse of the {small['articles']:,} texts (about {small['words']:.0f} words each) "
                  f"took {small['bare_parse']:.1f} s: the whole pipeline (ingest, annotate, resolve, SQLite) runs at "
                  f"**{small['bare_parse'] / small['total']:.2f}** of its throughput."]  # fmt: skip
    if len(rows) > 1:
        # Annotation is per article (linear); the fixed costs (loading the model) weigh on the small size.
        hours = big["total"] * 10 / 3600
        lines += ["", f"At the largest size's rate, {big['articles'] * 10:,} articles would take about {hours:.1f} "
                  "hours on this machine (annotation is linear in articles; resolve's own growth is measured below)."]  # fmt: skip
    return lines


def _table(rows: list[dict], unit: str, ratio: str) -> list[str]:
    lines = [f"| step | {unit} | seconds | {unit}/s | {ratio} |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['what']} | {r['records']:,} | {r['seconds']:.2f} | {r['per_second']:,.1f} | {r['vs_read']:.2f} |"
        )
    return lines


def render(sections: dict) -> str:
    """docs/benchmarks.md from the measured sections (any may be missing)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`python bench/run.py`), which rewrites this file. Rates and ratios",
        "come from one run on one machine; rerun on yours to compare. Every figure below comes with the",
        "command that reproduces it alone.",
        "",
        f"Machine: {_machine()}. dateline {__version__}, {stamp}.",
        "",
        "| bar (issue 6) | measured | section |",
        "|---|---|---|",
    ]
    lines += sections.get("bars", [])
    if "annotate" in sections:
        a = sections["annotate"]
        rows, described, stages = a["rows"], a["described"], a["stages"]
        lines += [
            "",
            "## Throughput: the pipeline against a bare parse",
            "",
            f"{described}, one process, parsed in batches of {PIPE_BATCH} texts (as `dateline annotate` does);",
            f"each row is the best of {ROUNDS} interleaved rounds (the store rows into a new SQLite store each round;",
            "the model is loaded once, before any timing, for every row).",
            "`vs parse` is the throughput relative to a bare parse of the same texts by the same spaCy",
            "model in the same run (1.0 = dateline costs nothing on top of the parse; the bar is at least",
            "0.8). The last row is the whole pipeline a user runs: ingest, annotate and resolve.",
            "",
        ]
        lines += _table(rows, "articles", "vs parse")
        by_what = {r["what"]: r["seconds"] for r in rows}
        base = by_what["dateline pipeline without the events stage"]
        full = next(s for w, s in by_what.items() if w.startswith("dateline pipeline (parse"))
        lines += [
            "",
            f"Event coding adds {100 * (full - base) / base:.1f}% to the pipeline's time (target: at most 15%).",
            "",
            "Share of time per stage (each component run on the whole batch in turn, same texts):",
            "",
        ]
        lines += render_stages(stages)
    if "scaling" in sections:
        lines += [
            "",
            "## Scaling: ingest, annotate and resolve of generated worlds",
            "",
            "Worlds written by `dateline synth` (seed 1, default sizes; short articles, about 90 words), each run",
            "through ingest, annotate and resolve into a fresh SQLite store, one process for annotate (the model",
            f"loaded before the timing starts; the bare parse too, in batches of {PIPE_BATCH} like annotate). A",
            "100,000-article parse takes hours on two cores: its time is extrapolated from the growth.",
            "",
        ]
        lines += render_scaling(sections["scaling"]["rows"])
    if "resolve" in sections:
        lines += [
            "",
            "## Resolve at scale (annotations from the generator, no parsing)",
            "",
            sections["resolve"]["markdown"].strip(),
        ]
    if "incremental" in sections:
        md = sections["incremental"]["markdown"].strip()
        lines += ["", "## Incremental: adding articles to a large database", "", md]
    if "query" in sections:
        lines += ["", "## Query latency on the 100,000-article database", "", sections["query"]["markdown"].strip()]
    if "ingest" in sections:
        rows, n = sections["ingest"]["rows"], sections["ingest"]["n"]
        lines += [
            "",
            "## Ingest (readers and store, no NLP)",
            "",
            f"A generated corpus of {n:,} files (`dateline.testing.write_corpus`, seed 7: the articles of a",
            "synthetic world, wire copies included): 80% dateline text files, 10% one-row JSONL, 10% gzip",
            "text, 5% bad files of eight kinds. `vs read` is the rate relative to reading the same files",
            "without storing them (1.0 = storing costs nothing).",
            "",
        ]
        lines += _table(rows, "records", "vs read")
    measured = sorted({f"{k} {v['measured']}" for k, v in sections.items() if isinstance(v, dict) and "measured" in v})
    lines += ["", f"Command: `{sections.get('command', 'make bench')}` (measured: {', '.join(measured)}).", ""]
    return "\n".join(lines)


def _bars(sections: dict) -> list[str]:
    """The issue's bars, each with the figure that answers it."""
    out = []
    if "annotate" in sections:
        rows = sections["annotate"]["rows"]
        whole = [r["vs_read"] for r in rows if r["what"] == WHOLE]
        stages = next(r["vs_read"] for r in rows if r["what"].startswith("dateline pipeline (parse"))
        got = f"{whole[0]:.2f} (news texts; annotate stages alone {stages:.2f})" if whole else f"{stages:.2f} (stages)"
        out.append(f"| whole pipeline >= 0.8 of bare-parse throughput | {got} | throughput |")
    if "scaling" in sections and "bare_parse" in sections["scaling"]["rows"][0]:
        r = sections["scaling"]["rows"][0]
        out.append(f"| (same, with ingest, resolve and SQLite, generated news) | {r['bare_parse'] / r['total']:.2f} | "
                   "scaling |")  # fmt: skip
    res = sections.get("resolve", {}).get("results") or []
    for a, b in zip(res, res[1:], strict=False):
        out.append(f"| resolve grows < 15x for 10x articles ({a['articles']:,} -> {b['articles']:,}) | "
                   f"{b['seconds'] / a['seconds']:.2f}x | resolve |")  # fmt: skip
    if res:
        big = res[-1]
        out.append(f"| peak memory of resolve at 1,000,000 articles < 4 GB | {big['peak_rss_mb'] / 1024:.2f} GB at "
                   f"{big['articles']:,} | resolve |")  # fmt: skip
    inc = sections.get("incremental", {}).get("result")
    if inc:
        got = (
            f"{inc['command_ratio']:.2f}x ({inc['ratio']:.2f}x without the one-time loading)"
            if "command_ratio" in inc
            else f"{inc['ratio']:.2f}x"
        )
        out.append(f"| adding 1,000 to 100,000 < 1.5x processing them fresh (resolve) | {got} | incremental |")
    return out


SECTIONS = ("throughput", "scaling", "resolve", "incremental", "query", "ingest")
RESULTS = ROOT / "docs" / "benchmarks.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="measure these sections only; the others are "
                        "taken from docs/benchmarks.json (the last run's figures)")  # fmt: skip
    parser.add_argument("--n", type=int, default=10_000, help="files in the generated ingest corpus")
    parser.add_argument("--n-annotate", type=int, default=300, help="news texts for the throughput benchmark")
    parser.add_argument("--scale-sizes", type=int, nargs="+", default=[1_000, 10_000],
                        help="generated articles for ingest + annotate + resolve")  # fmt: skip
    parser.add_argument("--resolve-sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                        help="generated articles for the resolve benchmark (annotations without parsing)")  # fmt: skip
    parser.add_argument("--base", type=int, default=100_000, help="articles in the database for incremental and query")
    parser.add_argument("--add", type=int, default=1000, help="articles added in the incremental benchmark")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each incremental case (medians reported)")
    parser.add_argument("--no-write", action="store_true", help="print the page; do not rewrite docs/benchmarks.*")
    args = parser.parse_args()
    import incremental as bench_incremental
    import query as bench_query
    import resolve as bench_resolve

    todo = set(args.only or SECTIONS)
    sections: dict = {}
    if args.only and RESULTS.exists():
        sections = json.loads(RESULTS.read_text(encoding="utf-8"))
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    if "throughput" in todo:
        say(f"throughput: {args.n_annotate} texts ...")
        rows, described = bench_annotate(args.n_annotate)
        stages = bench_stages(_news_texts(args.n_annotate)[0])
        sections["annotate"] = {"rows": rows, "described": described, "stages": stages, "measured": today}
    if "scaling" in todo:
        say(f"scaling: {args.scale_sizes} ...")
        sections["scaling"] = {"rows": bench_scaling(args.scale_sizes), "measured": today}
    if "resolve" in todo:
        results = bench_resolve.run(args.resolve_sizes)
        sizes = " ".join(str(n) for n in args.resolve_sizes)
        md = bench_resolve.markdown(results, f".venv/bin/python bench/resolve.py --sizes {sizes}")
        keep = ("articles", "seconds", "per_second", "peak_rss_mb", "counts", "quality", "parts", "load_seconds")
        sections["resolve"] = {"results": [{k: r[k] for k in keep if k in r} for r in results], "markdown": md,
                               "measured": today}  # fmt: skip
    if "incremental" in todo:
        inc = bench_incremental.run(args.base, args.add, repeat=args.repeat)
        md = bench_incremental.markdown(
            inc, f".venv/bin/python bench/incremental.py --base {args.base} --add {args.add} --repeat {args.repeat}"
        )
        slim = {k: inc[k] for k in ("base", "add", "ratio", "command_ratio", "insert_ratio", "passed")}
        sections["incremental"] = {"result": slim, "markdown": md, "measured": today}
    if "query" in todo:  # its own stores: the first articles of the stream on both backends
        q = bench_query.run(args.base)
        md = bench_query.markdown(q, f".venv/bin/python bench/query.py --articles {args.base}")
        sections["query"] = {"markdown": md, "measured": today}
    if "ingest" in todo:
        say(f"ingest: {args.n:,} files ...")
        sections["ingest"] = {"rows": bench_ingest(args.n), "n": args.n, "measured": today}
    sections["command"] = f"python bench/run.py --only {' '.join(args.only)}" if args.only else "make bench"
    sections["bars"] = _bars(sections)
    text = render(sections)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks.md").write_text(text, encoding="utf-8")
        RESULTS.write_text(json.dumps(sections, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"wrote {ROOT / 'docs' / 'benchmarks.md'} and {RESULTS.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
