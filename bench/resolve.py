"""Benchmark of the resolve step at scale, on a generated news world (no parsing).

    .venv/bin/python bench/resolve.py --sizes 10000 100000 1000000 [--seed 1] [--json out.json] [--profile [--profile-dir D]]

The articles come from ``dateline synth`` (:mod:`dateline.synth`: invented countries, cities, people
spelled several ways, organizations, stories of events told by several outlets, wire copies and
distractors) and their annotations are its gold, as a perfect annotator would give them
(:func:`dateline.synth.load_annotated`), so 1,000,000 articles load without parsing.

For each size a fresh SQLite database is filled (not timed), then ``resolve`` runs in a child process,
so that its peak memory is its own (the child wraps resolve's functions with timers; src/ is not
changed). The report gives, per size: the time, the rate, the peak memory, the counts and the ratios
to the size before (the bar: at 10x the articles the time must grow less than 15x); how the time
splits between the four parts of a batch (entities, stories, events, story refresh) and the functions
inside them, with their growth; the per-batch time early and late in the largest run (a cost that
grows with what is already stored shows there); what a batch works on; and the quality of the result
against the generator's truth (B³ of stories, people and fused events).

The sizes share one world and one two-year span, so 10x the articles is also 10x the articles per
day: costs that grow with the density of the news (candidates per article in a time window) count in
the ratio, as they do when a user's corpus grows.

Import :func:`run` (a list of result dicts) and :func:`markdown` to add it to ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from dateline.annotations import DocAnnotations
from dateline.model import Article
from dateline.synth import SynthSettings, Truth, annotated, kb_config, load_annotated

__all__ = ["Truth", "config", "generate", "load", "markdown", "measure", "quality", "run"]

# -- the generated news -------------------------------------------------------------------------
# dateline.synth's world, its gold turned into annotations (what a perfect annotator would give).


def generate(n_articles: int, seed: int = 1) -> Iterator[tuple[Article, DocAnnotations]]:
    """``n_articles`` (Article, DocAnnotations) pairs; the same seed gives the same articles."""
    for _a, article, ann in annotated(n_articles, SynthSettings(seed=seed)):
        yield article, ann


def load(store, n: int, seed: int = 1, batch: int = 1000, truth: Truth | None = None) -> int:
    """Add ``n`` generated articles (wire copies too) and their annotations to ``store``; return the run id."""
    return load_annotated(store, n, SynthSettings(seed=seed), batch=batch, truth=truth,
                          command=f"bench/resolve.py load {n} --seed {seed}")  # fmt: skip


def config(seed: int = 1):
    """Settings to resolve the generated world with: its knowledge base (countries, capitals, cities)."""
    return kb_config(SynthSettings(seed=seed))


def quality(store, truth: Truth) -> dict[str, float]:
    """B³ of the resolved stories, people and fused events against the generator's truth."""
    return truth.scores(store)


# -- measuring ------------------------------------------------------------------------------------

# The functions whose own time (callees excluded) the child reports: run-module functions, and store methods.
RUN_FUNCTIONS = ("local_entities", "resolve_entities", "cluster_stories", "fuse_events", "aggregate", "_event_row",
                 "_resolve_actors", "_fusion_mention")  # fmt: skip
STORE_METHODS = ("articles_to_resolve", "resolution_inputs", "entities_by_keys", "save_entities", "story_members",
                 "texts", "entity_ids_of_articles", "save_story_assignments", "fused_event_ids", "fused_event_mentions",
                 "original_outlets", "story_of_articles", "entity_rows", "save_fusion", "refresh_stories")  # fmt: skip
PARTS = ("entities", "stories", "events", "refresh")


def _instrument() -> dict:
    """Wrap resolve's functions (in this process) to time the four parts of each batch and each function."""
    import dateline.resolve.run as run_module
    from dateline.store import Store

    stats: dict = {"parts": dict.fromkeys(PARTS, 0.0), "functions": {}, "calls": {}, "batches": 0, "per_batch": [],
                   "story_inputs": [], "loaded_event_mentions": []}  # fmt: skip
    stack: list[list[float]] = []  # per active call: [child time]
    marks: dict[str, float] = {}

    def timed(name: str, fn, before=None, after=None):
        def wrapper(*args, **kwargs):
            if before:
                before()
            stack.append([0.0])
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t0
                children = stack.pop()[0]
                if stack:
                    stack[-1][0] += elapsed
                stats["functions"][name] = stats["functions"].get(name, 0.0) + elapsed - children
                stats["calls"][name] = stats["calls"].get(name, 0) + 1
                if after:
                    after()

        return wrapper

    def mark(name):
        return lambda: marks.__setitem__(name, time.perf_counter())

    hooks = {"save_entities": (None, mark("entities")), "save_story_assignments": (None, mark("stories")),
             "refresh_stories": (mark("events"), None)}  # fmt: skip
    for name in RUN_FUNCTIONS:  # a name resolve no longer uses is skipped
        if hasattr(run_module, name):
            setattr(run_module, name, timed(name, getattr(run_module, name)))

    # How much each batch hands to story clustering (new articles, open stories' members) and loads for fusion.
    clustering, loading = run_module.cluster_stories, Store.fused_event_mentions

    def cluster_stories(new, existing=(), **kwargs):
        stats["story_inputs"].append([len(new), len(existing)])
        return clustering(new, existing, **kwargs)

    def fused_event_mentions(self, *args, **kwargs):
        rows = loading(self, *args, **kwargs)
        stats["loaded_event_mentions"].append(len(rows))
        return rows

    run_module.cluster_stories = cluster_stories
    Store.fused_event_mentions = fused_event_mentions
    for name in STORE_METHODS:
        if hasattr(Store, name):
            before, after = hooks.get(name, (None, None))
            setattr(Store, name, timed("store." + name, getattr(Store, name), before, after))

    batch = run_module._resolve_batch

    def resolve_batch(*args, **kwargs):
        marks.clear()
        t0 = time.perf_counter()
        batch(*args, **kwargs)
        t1 = time.perf_counter()
        e = marks.get("entities", t0)  # a boundary not seen (resolve changed) counts to the part before
        s = marks.get("stories", e)
        v = marks.get("events", t1)
        split = (e - t0, s - e, v - s, t1 - v)
        for part, secs in zip(PARTS, split, strict=True):
            stats["parts"][part] += secs
        stats["per_batch"].append([round(x, 4) for x in split])
        stats["batches"] += 1

    run_module._resolve_batch = resolve_batch
    return stats


def _peak_mb() -> float:
    """This process's peak resident memory in MB. On Linux from /proc (VmHWM, reset by exec): getrusage's
    ru_maxrss also counts the parent's pages this child held between fork and exec, which inflates it when
    the parent is large (``make bench`` loads spaCy first)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(url: str, seed: int, profile: bool, profile_out: str | None = None) -> None:
    """Run resolve on the store at ``url`` (in this fresh process) and print the measures as JSON."""
    from dateline.resolve.run import resolve
    from dateline.store import Store

    stats = _instrument()
    store = Store(url)
    rss_before = _peak_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    report = resolve(store, config(seed), command="bench/resolve.py")
    seconds = time.perf_counter() - t0
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        if profile_out:
            profiler.dump_stats(profile_out)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue(), file=sys.stderr)
    peak = _peak_mb()
    counts = store.resolve_status()
    store.close()
    result = {"seconds": seconds, "peak_rss_mb": peak, "rss_before_mb": rss_before, "report": report.to_dict(),
              "status": report.status, "counts": counts, **stats}  # fmt: skip
    print(json.dumps(result, default=str))


def measure(n: int, seed: int = 1, *, profile: bool = False, profile_dir: str | None = None,
            keep: str | None = None) -> dict:  # fmt: skip
    """Load ``n`` articles into a fresh SQLite database (not timed) and time ``resolve`` in a child process.

    ``profile``: run the child under cProfile (slower; top functions on stderr, and the stats saved as
    ``profile_dir/resolve-N.pstats`` when a folder is given). ``keep``: build the database at this path
    and leave it there.
    """
    from dateline.store import Store

    with tempfile.TemporaryDirectory(prefix="dateline-bench-resolve-") as d:
        path = Path(keep) if keep else Path(d) / "resolve.db"
        if path.exists():
            path.unlink()
        t0 = time.perf_counter()
        store = Store(str(path))
        truth = Truth()
        load(store, n, seed, truth=truth)
        store.close()
        load_seconds = time.perf_counter() - t0
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path), "--seed", str(seed)]
        if profile:
            cmd.append("--profile")
            if profile_dir:
                cmd += ["--profile-out", str(Path(profile_dir) / f"resolve-{n}.pstats")]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if profile or proc.returncode:
            sys.stderr.write(proc.stderr)
        if proc.returncode:
            raise RuntimeError(f"resolve failed on {n} articles (exit {proc.returncode})")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["db_mb"] = path.stat().st_size / 2**20
        store = Store(str(path))
        result["quality"] = quality(store, truth)
        store.close()
    result.update(articles=n, seed=seed, load_seconds=load_seconds, per_second=n / result["seconds"])
    return result


def run(sizes=(10_000, 100_000), seed: int = 1, *, profile: bool = False, profile_dir: str | None = None,
        verbose: bool = True) -> list[dict]:  # fmt: skip
    """Measure each size in turn; each result is a dict (see :func:`measure`)."""
    results = []
    for n in sizes:
        if verbose:
            print(f"resolve benchmark: {n:,} articles ...", file=sys.stderr, flush=True)
        r = measure(n, seed, profile=profile, profile_dir=profile_dir)
        if verbose:
            print(f"  {r['seconds']:.1f} s, {r['peak_rss_mb']:.0f} MB (load {r['load_seconds']:.0f} s)",
                  file=sys.stderr, flush=True)  # fmt: skip
        results.append(r)
    return results


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def markdown(results: list[dict], command: str | None = None) -> str:
    """The results as Markdown: one row per size, the ratios to the size before, and the largest's split."""
    lines = [
        "| articles | resolve (s) | articles/s | peak RSS (MB) | entities | stories | events | event mentions "
        "| time ratio | size ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    prev = None
    for r in results:
        c = r["counts"]
        ratio = f"{r['seconds'] / prev['seconds']:.2f}x" if prev else "-"
        size = f"{r['articles'] / prev['articles']:.0f}x" if prev else "-"
        lines.append(
            f"| {r['articles']:,} | {r['seconds']:.1f} | {r['per_second']:.0f} | {r['peak_rss_mb']:.0f} "
            f"| {c['entities']:,} | {c['stories']:,} | {c['events']:,} | {r['report']['event_mentions']:,} "
            f"| {ratio} | {size} |"
        )
        prev = r
    big = results[-1]
    before = results[-2] if len(results) > 1 else None

    def growth(now: float, then: float | None) -> str:
        return f"{now / then:.1f}x" if then else "-"

    sizes = " | ".join(f"{r['articles']:,} (s)" for r in results)
    total = sum(big["parts"].values()) or 1.0
    batches = f"{big['batches']} batch" + ("es" if big["batches"] != 1 else "")
    lines += ["", f"Where the time goes (the four parts of a batch; {batches} at the largest size):", "",
              f"| part | {sizes} | share at {big['articles']:,} | growth |",
              "|---|" + "---:|" * (len(results) + 2)]  # fmt: skip
    for part in PARTS:
        secs = " | ".join(f"{r['parts'][part]:.1f}" for r in results)
        then = before["parts"][part] if before else None
        lines.append(f"| {part} | {secs} | {big['parts'][part] / total:.0%} | {growth(big['parts'][part], then)} |")
    per_batch = big.get("per_batch") or []
    if len(per_batch) >= 10:
        fifth = len(per_batch) // 5
        first, last = per_batch[:fifth], per_batch[-fifth:]
        lines += ["", f"Seconds per batch at {big['articles']:,} articles, mean of the first and of the last fifth of "
                  "the run (a cost that grows with what is already stored shows here; one that grows with articles "
                  "per day does not):", "", "| part | first fifth | last fifth | growth |", "|---|---:|---:|---:|"]  # fmt: skip
        for k, part in enumerate(PARTS):
            a, b = sum(x[k] for x in first) / fifth, sum(x[k] for x in last) / fifth
            lines.append(f"| {part} | {a:.2f} | {b:.2f} | {growth(b, a)} |")
    lines += ["", "What a batch works on (means per batch): articles to place and members of the open stories "
              "they are compared with; stored event mentions loaded for fusion:", "",
              "| articles | batches | new articles | open stories' members | stored event mentions loaded |",
              "|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in results:
        inputs, loaded = r.get("story_inputs") or [[0, 0]], r.get("loaded_event_mentions") or [0]
        new = sum(x[0] for x in inputs) / len(inputs)
        members = sum(x[1] for x in inputs) / len(inputs)
        lines.append(
            f"| {r['articles']:,} | {r['batches']} | {new:,.0f} | {members:,.0f} | {sum(loaded) / len(loaded):,.0f} |"
        )
    lines += ["", f"| function (own time, callees excluded) | calls at {big['articles']:,} | {sizes} | growth |",
              "|---|" + "---:|" * (len(results) + 2)]  # fmt: skip
    for name, own in sorted(big["functions"].items(), key=lambda kv: -kv[1])[:15]:
        secs = " | ".join(f"{r['functions'].get(name, 0.0):.2f}" for r in results)
        then = before["functions"].get(name) if before else None
        lines.append(f"| `{name}` | {big['calls'][name]:,} | {secs} | {growth(own, then)} |")
    lines += ["", "Quality against the generator's truth (B³ F1, precision / recall):", "",
              "| articles | true stories | stories found | stories B³ | people B³ | events B³ |",
              "|---:|---:|---:|---|---|---|"]  # fmt: skip
    for r in results:
        q = r.get("quality")
        if q:
            cells = [f"{q[f'{x}_b3_f1']:.3f} ({q[f'{x}_b3_precision']:.3f} / {q[f'{x}_b3_recall']:.3f})"
                     for x in ("stories", "people", "events")]  # fmt: skip
            lines.append(
                f"| {r['articles']:,} | {q['true_stories']:,} | {r['counts']['stories']:,} | {' | '.join(cells)} |"
            )
    lines += ["", f"Machine: {machine()}."]
    if command:
        lines.append(f"Reproduce: `{command}`")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--profile", action="store_true", help="cProfile the resolve step (top functions on stderr)")
    parser.add_argument("--profile-dir", help="with --profile: save each size's stats as resolve-N.pstats here")
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.seed, args.profile, args.profile_out)
        return
    results = run(args.sizes, args.seed, profile=args.profile, profile_dir=args.profile_dir)
    sizes = " ".join(str(n) for n in args.sizes)
    command = f".venv/bin/python bench/resolve.py --sizes {sizes} --seed {args.seed}"
    print(markdown(results, command))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
