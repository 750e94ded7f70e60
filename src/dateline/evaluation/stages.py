"""Score a dateline database against a gold set, stage by stage (``dateline eval``).

    dateline eval WORLD --db DB         a synthetic world written by ``dateline synth`` (gold/ inside)
    dateline eval ../shared/eval/NAME   a public gold set (ecbplus, meantime-en, te3-platinum): its documents
                                        are run through the pipeline into a fresh store, then scored

What is scored is read back from the store, as a user gets it, and matched to the gold by each
publication's ``source_id`` (the input row's ``id``) and character spans, with the alignment and
coreference metrics of :mod:`dateline.evaluation.crossdoc` and :mod:`dateline.evaluation.coref` (one
scoring path for the synthetic and the public gold sets):

- stories: B³, ARI and V-measure of the articles' stories (a wire copy is its original's article);
- entities: B³ (and CoNLL) over entity mentions, named mentions and all, strict (equal spans) and
  lenient (overlapping spans);
- events: mention detection, B³ and pairwise F1 of the fused events over event mentions (triggers
  aligned by overlap), and counts of gold events found, missed, split over several fused events, and
  fused events that wrongly merge several gold events;
- event types (CAMEO root, CAMEO code, PLOVER type), modality and the event date of aligned mentions;
- times: TimeML-style span and value F1 of the time expressions.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .coref import clustering_scores
from .crossdoc import GoldMention, align, score_mentions, stored_entity_mentions, stored_event_mentions

__all__ = [
    "GoldSet",
    "load_synth_gold",
    "score_store",
    "source_articles",
    "is_synth_world",
    "gold_kind",
    "evaluate_public",
    "render",
    "PUBLIC_SETS",
]

NAMED_KINDS = frozenset({"NAM", "ACR", "DEM"})


@dataclass
class GoldSet:
    """A gold set in the form every stage is scored from.

    ``docs`` maps a document id (the input row's ``id``) to its story; ``copies`` maps a wire copy's id
    to its original's. Mentions are :class:`~dateline.evaluation.crossdoc.GoldMention` (``cluster`` is
    the gold entity or event); ``event_info`` holds each gold event mention's CAMEO code, modality and
    date; ``times`` are (doc id, start, end, value).
    """

    name: str
    docs: dict[str, str] = field(default_factory=dict)
    copies: dict[str, str] = field(default_factory=dict)
    entities: list[GoldMention] = field(default_factory=list)
    events: list[GoldMention] = field(default_factory=list)
    event_info: dict[Hashable, dict] = field(default_factory=dict)
    times: list[tuple[str, int, int, str]] = field(default_factory=list)
    kb_path: str | None = None


# The world the quality gate scores (floors "synth/..." in floors.json): this many articles of the
# default settings (seed 1).
GATE_ARTICLES = 5000


def is_gate_world(path: str | Path) -> bool:
    """Whether a world is the quality gate's (its floors apply to it)."""
    from dataclasses import asdict

    from ..synth import GOLD_VERSION, SynthSettings

    summary = json.loads((Path(path) / "world.json").read_text(encoding="utf-8"))
    return (summary.get("gold_version") == GOLD_VERSION and summary.get("settings") == asdict(SynthSettings())
            and summary.get("counts", {}).get("articles") == GATE_ARTICLES)  # fmt: skip


def is_synth_world(path: str | Path) -> bool:
    p = Path(path)
    return (p / "world.json").is_file() and (p / "gold" / "articles.jsonl").is_file()


def load_synth_gold(folder: str | Path) -> GoldSet:
    """The gold of a world written by ``dateline synth``."""
    folder = Path(folder)
    gold = GoldSet(name=f"synth:{folder.name}", kb_path=str((folder / "kb").resolve()))
    with (folder / "gold" / "articles.jsonl").open(encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            doc = a["id"]
            gold.docs[doc] = a["story"]
            for copy in a["copies"]:
                gold.copies[copy] = doc
            for i, m in enumerate(a["mentions"]):
                gold.entities.append(GoldMention(doc, (doc, "m", i), m["start"], m["end"], m["entity"], None,
                                                 m["kind"], m["text"]))  # fmt: skip
            for i, e in enumerate(a["events"]):
                key = (doc, "e", i)
                gold.events.append(GoldMention(doc, key, e["start"], e["end"], e["event"], None, e["modality"],
                                               e["trigger"]))  # fmt: skip
                gold.event_info[key] = {"cameo": e["cameo"], "modality": e["modality"],
                                        "date": e["date"] if e["dated"] else None}  # fmt: skip
            gold.times.extend((doc, t["start"], t["end"], t["value"]) for t in a["times"])
    return gold


def build_world_store(world: str | Path, store, progress=None) -> None:
    """Run the pipeline (ingest, annotate, resolve) on a synthetic world's articles into ``store``, with the
    world's knowledge base. ``progress(step)``, when given, returns a progress object for ``step``
    (``ingest``, ``annotate``, ``resolve``) with a ``bar`` context manager."""
    from contextlib import nullcontext

    from ..config import Config
    from ..pipeline.annotate import annotate
    from ..pipeline.ingest import ingest
    from ..resolve.run import resolve

    world = Path(world)
    config = Config({"kb.path": str((world / "kb").resolve())})
    for step in ("ingest", "annotate", "resolve"):
        bar = progress(step) if progress else None
        with bar.bar if bar else nullcontext():
            command = f"dateline eval [{step}]"
            if step == "ingest":
                report = ingest([str(world / "articles.jsonl")], store, config, progress=bar, command=command)
                if report.rejects:
                    first = report.rejects[0]
                    raise ValueError(f"{len(report.rejects)} articles of the world were rejected: {first.message}")
            else:
                (annotate if step == "annotate" else resolve)(store, config, progress=bar, command=command)


def evaluate_world(world: str | Path, store_path: str | Path) -> dict:
    """A synthetic world through the pipeline into a new SQLite store at ``store_path``, scored."""
    from ..store import Store

    store = Store(str(store_path))
    try:
        build_world_store(world, store)
        return score_store(store, load_synth_gold(world))
    finally:
        store.close()


def source_articles(store) -> dict[str, str]:
    """source_id -> article id of every stored publication that has one."""
    return {
        row["source_id"]: row["article_id"]
        for row in store.iter_publications(with_text=False)
        if row.get("source_id") is not None
    }


def score_store(store, gold: GoldSet, onto=None) -> dict:
    """Every stage the gold set has, scored from what ``store`` holds (see the module docstring)."""
    from ..ontology import load_ontology

    onto = onto or load_ontology()
    by_source = source_articles(store)
    missing = [d for d in gold.docs if d not in by_source]
    article_doc = {by_source[d]: d for d in gold.docs if d in by_source}
    out: dict = {"documents": {"gold": len(gold.docs), "stored": len(article_doc), "missing": len(missing)}}
    if gold.copies:
        shared = sum(1 for copy, orig in gold.copies.items() if by_source.get(copy) == by_source.get(orig))
        out["documents"]["wire_copies"] = len(gold.copies)
        out["documents"]["wire_copies_joined"] = shared
    out["stories"] = _stories(store, gold, by_source)
    if gold.entities:
        out["entities"] = _entities(store, gold, article_doc)
    if gold.events:
        out["events"] = _events(store, gold, article_doc, onto)
    if gold.times:
        out["times"] = _times(store, gold, by_source)
    return out


def _stories(store, gold: GoldSet, by_source: Mapping[str, str]) -> dict:
    stored = [by_source[d] for d in gold.docs if d in by_source]
    story_of = store.story_of_articles(stored)
    pred = {d: story_of.get(by_source.get(d, ""), f"unassigned:{d}") for d in gold.docs}
    out = clustering_scores(dict(gold.docs), pred)
    out["gold_stories"] = len(set(gold.docs.values()))
    out["stories_found"] = len(set(pred.values()))
    return out


def _entities(store, gold: GoldSet, article_doc: Mapping[str, str]) -> dict:
    pred, without = stored_entity_mentions(store, article_doc)
    out: dict = {"mentions_without_entity": without}
    for mode in ("strict", "lenient"):
        alignment = align(gold.entities, pred, mode)
        out[mode] = {
            "all": score_mentions(gold.entities, pred, mode, alignment=alignment),
            "named": score_mentions(
                gold.entities, pred, mode, alignment=alignment, keep_gold=lambda m: m.kind in NAMED_KINDS
            ),  # fmt: skip
        }
    return out


def _pairs(clusters: Mapping[Hashable, Hashable]) -> set[frozenset]:
    groups: dict[Hashable, list] = defaultdict(list)
    for item, c in clusters.items():
        groups[c].append(item)
    out: set[frozenset] = set()
    for items in groups.values():
        items.sort(key=repr)
        out.update(frozenset((a, b)) for i, a in enumerate(items) for b in items[i + 1 :])
    return out


def _prf(correct: int, predicted: int, gold: int) -> dict:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "correct": correct, "predicted": predicted, "gold": gold}  # fmt: skip


def _events(store, gold: GoldSet, article_doc: Mapping[str, str], onto) -> dict:
    rows: dict = {}
    pred, unfused = stored_event_mentions(store, article_doc, rows=rows)
    alignment = align(gold.events, pred, "lenient")
    out = score_mentions(gold.events, pred, "lenient", alignment=alignment)
    out["unfused_mentions"] = unfused
    gold_of = {g.key: g for g in gold.events}
    pred_of = {p.key: p for p in pred}
    aligned = {g: pred_of[p] for p, g in alignment.items()}  # gold key -> predicted mention

    # Pairwise links among the gold mentions found: same gold event vs same fused event.
    gold_links = _pairs({k: gold_of[k].cluster for k in aligned})
    pred_links = _pairs({k: p.cluster for k, p in aligned.items()})
    out["pairwise"] = _prf(len(gold_links & pred_links), len(pred_links), len(gold_links))

    events_of: dict[Hashable, set] = defaultdict(set)  # gold event -> fused events of its found mentions
    golds_in: dict[Hashable, set] = defaultdict(set)  # fused event -> gold events of its found mentions
    for k, p in aligned.items():
        events_of[gold_of[k].cluster].add(p.cluster)
        golds_in[p.cluster].add(gold_of[k].cluster)
    all_gold = {g.cluster for g in gold.events}
    out["counts"] = {
        "gold_events": len(all_gold),
        "found": len(events_of),
        "missed": len(all_gold - set(events_of)),
        "split": sum(1 for fused in events_of.values() if len(fused) > 1),
        "fused_events": len({p.cluster for p in pred}),
        "wrongly_merged": sum(1 for golds in golds_in.values() if len(golds) > 1),
    }

    # What each found mention says: type, modality, date.
    plover = {k: onto.code(info["cameo"]).plover_type for k, info in gold.event_info.items()}
    n = len(aligned) or 1
    same = Counter()
    modality = Counter()
    dated = 0
    for k, p in aligned.items():
        info, row = gold.event_info[k], rows.get(p.key, {})
        code = row.get("cameo_code") or ""
        same["root"] += code[:2] == info["cameo"][:2]
        same["code"] += code == info["cameo"]
        same["plover"] += (row.get("plover_type") or "") == plover[k]
        same["modality"] += row.get("modality") == info["modality"]
        modality[(info["modality"], row.get("modality"))] += 1
        if info["date"]:
            dated += 1
            same["date"] += row.get("date") == info["date"]
    out["types"] = {"cameo_root_accuracy": round(same["root"] / n, 4), "cameo_accuracy": round(same["code"] / n, 4),
                    "plover_accuracy": round(same["plover"] / n, 4), "mentions": len(aligned)}  # fmt: skip
    out["modality"] = {"accuracy": round(same["modality"] / n, 4),
                       "confusion": {f"{g}->{p}": c for (g, p), c in sorted(modality.items(), key=str)}}  # fmt: skip
    out["dates"] = {"accuracy": round(same["date"] / dated, 4) if dated else 0.0, "dated_mentions": dated}
    return out


def _times(store, gold: GoldSet, by_source: Mapping[str, str]) -> dict:
    """TempEval-3 style span and value scores (:func:`dateline.evaluation.timex.score`, the scorer of the
    public time gold sets) of the stored time expressions."""
    from .timex import GoldDoc, GoldTimex, score

    gold_of: dict[str, list[GoldTimex]] = defaultdict(list)
    for doc, start, end, value in gold.times:
        gold_of[doc].append(GoldTimex(start, end, "DATE", value))
    stored: dict[str, list] = defaultdict(list)
    for row in store.iter_times():
        stored[row["article_id"]].append(GoldTimex(row["start"], row["end"], row["type"], row["value"]))
    docs = [GoldDoc(d, "", None, gold_of.get(d, [])) for d in gold.docs if d in by_source]
    out = score(docs, lambda d: stored.get(by_source[d.doc_id], [])).to_dict()
    out.pop("type", None)  # the synthetic gold has DATE values only
    out.pop("errors", None)
    return out


# -- the table ------------------------------------------------------------------------------------

# Per kind of gold set: (stage, path in the results, what it measures) of each headline figure.
HEADLINES: dict[str, list[tuple[str, str, str]]] = {
    "synth": [
        ("stories", "stories.b3.f1", "B³ F1 of articles into stories"),
        ("entities (named)", "entities.strict.named.b3.f1", "B³ F1 over named mentions, equal spans"),
        ("entities (named)", "entities.lenient.named.b3.f1", "B³ F1 over named mentions, overlapping spans"),
        ("entities (all)", "entities.lenient.all.b3.f1", "B³ F1 over all mentions, descriptions too"),
        ("event mentions", "events.mentions.f1", "detection F1 of event triggers"),
        ("event fusion (B³)", "events.b3.f1", "B³ F1 of mentions into events"),
        ("event fusion (pairwise)", "events.pairwise.f1", "pairwise F1 among found mentions"),
        ("event types", "events.types.cameo_root_accuracy", "CAMEO root of found mentions"),
        ("modality", "events.modality.accuracy", "modality of found mentions"),
        ("event dates", "events.dates.accuracy", "date of found mentions that state one"),
        ("times", "times.value.f1", "TIMEX3 value F1"),
    ],
    "ecbplus": [
        ("stories", "stories.b3.f1", "B³ F1 of documents into sub-topics"),
        ("event mentions", "events.lenient.mentions.f1", "detection F1 of event triggers (overlap)"),
        ("event coreference", "events.strict.conll_f1", "CoNLL F1, predicted mentions, equal spans"),
    ],
    "meantime-en": [
        ("entities (named)", "entities.strict.named.micro.b3.f1", "B³ F1 over named mentions, equal spans"),
        ("entities (named)", "entities.lenient.named.micro.b3.f1", "B³ F1 over named mentions, overlapping spans"),
        ("entities (all)", "entities.lenient.all_mentions.micro.b3.f1", "B³ F1 over all mentions, overlapping spans"),
        ("stories", "stories.window_3650_days.b3.f1", "B³ F1 of articles into the 4 corpora (3650-day window)"),
    ],
    "te3-platinum": [
        ("times", "times.value.f1", "TIMEX3 value F1"),
        ("times (spans)", "times.strict.f1", "strict span F1"),
    ],
}


def get(results: Mapping, path: str) -> float | None:
    node = results
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, int | float) else None


def render(results: Mapping, kind: str = "synth", floors: Mapping[str, float] | None = None, prefix: str = "") -> str:
    """The headline figure of each stage as a Markdown table, with its floor (``floors[prefix + path]``)."""
    floors = floors or {}
    lines = ["| stage | score | floor | what |", "|---|---:|---:|---|"]
    for label, path, what in HEADLINES[kind]:
        value = get(results, path)
        if value is None:
            continue
        floor = floors.get(prefix + path)
        lines.append(f"| {label} | {value:.3f} | {'' if floor is None else f'{floor:.2f}'} | {what} |")
    c = get(results, "events.counts.gold_events")
    if c is not None:
        k = results["events"]["counts"]
        lines += ["", f"Events: {k['gold_events']} gold, {k['found']} found, {k['missed']} missed, {k['split']} split "
                  f"over several fused events; {k['fused_events']} fused events, {k['wrongly_merged']} wrongly "
                  "merging gold events."]  # fmt: skip
    return "\n".join(lines) + "\n"


# -- one entry point for every gold set -----------------------------------------------------------

PUBLIC_SETS = ("ecbplus", "meantime-en", "te3-platinum")


def gold_kind(path: str | Path) -> str:
    """``synth`` for a world written by ``dateline synth``, else the public set's name.

    Raises:
        InputError: the folder is neither.
    """
    from ..errors import InputError

    p = Path(path)
    if not p.is_dir():
        raise InputError(f"gold set {str(p)!r} is not a folder; give a world from `dateline synth` or a folder of "
                         f"../shared/eval ({', '.join(PUBLIC_SETS)})")  # fmt: skip
    if is_synth_world(p):
        return "synth"
    if p.name in PUBLIC_SETS:
        return p.name
    raise InputError(f"{str(p)!r} holds no gold set dateline knows: expected world.json and gold/ (from `dateline "
                     f"synth`) or one of {', '.join(PUBLIC_SETS)} from ../shared/eval")  # fmt: skip


def evaluate_public(path: str | Path, store_path: str | Path | None = None) -> dict:
    """A public gold set run through the pipeline into a store (a fresh temporary one, or ``store_path``,
    reused when it exists) and scored, with the same readers and metrics as a synthetic world."""
    from . import crossdoc

    p = Path(path)
    name, eval_dir = p.name, p.parent
    reuse = store_path is not None and Path(store_path).exists()
    if name == "ecbplus":
        r = crossdoc.evaluate_ecbplus_events(eval_dir, store_path=store_path, reuse=reuse)
        return {"stories": r.pop("stories"), "events": r}
    if name == "meantime-en":
        r = crossdoc.evaluate_meantime_entities(eval_dir, store_path=store_path, reuse=reuse)
        return {"stories": r.pop("stories"), "entities": r}
    return _evaluate_te3(eval_dir, store_path)


def _evaluate_te3(eval_dir: Path, store_path: str | Path | None) -> dict:
    """TempEval-3 platinum time expressions through the store."""
    import tempfile

    from .crossdoc import GoldText, build_store
    from .timex import load_te3

    docs = load_te3(eval_dir)
    gold = GoldSet("te3-platinum", docs={d.doc_id: d.doc_id for d in docs})
    gold.times = [(d.doc_id, t.start, t.end, t.value) for d in docs for t in d.timexes]
    with tempfile.TemporaryDirectory(prefix="dateline-eval-") as tmp:
        path = Path(store_path) if store_path else Path(tmp) / "te3.db"
        texts = [GoldText(d.doc_id, d.text, d.dct) for d in docs]
        store = build_store(texts, path, reuse=path.exists())
        try:
            by_source = source_articles(store)
            return {"times": _times(store, gold, by_source)}
        finally:
            store.close()
