"""Cross-document quality through the real pipeline: entity coreference on MEANTIME, event coreference on ECB+.

    python -m dateline.evaluation.crossdoc [--eval-dir ../shared/eval] [--only meantime|ecbplus] [--store-dir DIR]

One scoring path: the gold documents are written to a JSONL file, read by the ordinary reader
(``ingest``), annotated (``annotate``) and resolved (``resolve``) into a temporary SQLite store, and
what is scored is read back from that store: mentions with their ``entity_id``, event mentions
(trigger spans) with their fused ``event_id``, and each article's story. Nothing is scored from
in-memory pipeline objects, so a figure here is a figure of the stored result a user gets.

Text of a gold document: its tokens joined by single spaces, its sentences joined by newlines; a
token → character offset map turns gold token spans into character spans of that text.

Predicted mentions are aligned one-to-one with gold mentions of the same document by character
span, best pairs first: ``strict`` when the spans are equal (what the CoNLL reference scorer does
with predicted mentions); ``lenient`` when they overlap and the predicted span overlaps the gold
mention's *head* (its last token for MEANTIME entities, a head approximation; the whole trigger
for ECB+ events). An unaligned predicted mention is spurious, an unaligned gold mention missed: both
stay in their side's denominators (:mod:`dateline.evaluation.coref`). Singletons are kept.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coref import clustering_scores, conll
from .stories import _URL  # the URL line ECB+ puts first in its added documents

__all__ = [
    "GoldText",
    "GoldMention",
    "PredMention",
    "render",
    "align",
    "score_mentions",
    "same_lemma_clusters",
    "build_store",
    "doc_ids_of",
    "stored_entity_mentions",
    "stored_event_mentions",
    "load_meantime_entities",
    "load_ecbplus_events",
    "evaluate_meantime_entities",
    "evaluate_ecbplus_events",
]

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "eval"
MEANTIME_CORPORA = ("airbus", "apple", "gm", "stock")
# MEANTIME annotates every entity mention in the title (sentence 0) and sentences 2-5 only (1 is the
# date line); further sentences carry a few mentions, not all: scoring there would count every
# correct mention we find as spurious.
MEANTIME_EXHAUSTIVE = frozenset({0, 2, 3, 4, 5})
# ECB+ has no publication dates: one date for every document, so the story time window plays no part.
ECBPLUS_DATE = datetime.date(2000, 1, 1)
WIDE_WINDOW_DAYS = 3650

Span = tuple[int, int]


# -- gold documents ---------------------------------------------------------------------------


@dataclass(slots=True)
class GoldText:
    """A gold document as dateline reads it, with the character span of each gold token.

    ``sentences[i]`` is the character range of sentence ``i`` in ``text`` and ``tokens[i]`` the
    ranges of its tokens; both are None for a sentence left out of the text.
    """

    doc_id: str
    text: str
    date: datetime.date
    group: str = ""  # the gold story: MEANTIME corpus or ECB+ sub-topic
    sentences: list[Span | None] = field(default_factory=list)
    tokens: list[list[Span] | None] = field(default_factory=list)

    def char_span(self, sent: int, start: int, end: int) -> tuple[Span, Span] | None:
        """(span of tokens ``[start, end)`` of sentence ``sent``, span of the last one); None if left out."""
        toks = self.tokens[sent] if 0 <= sent < len(self.tokens) else None
        if toks is None:
            return None
        return (toks[start][0], toks[end - 1][1]), toks[end - 1]

    def sentence_of(self, offset: int) -> int | None:
        """Index of the sentence holding character ``offset`` (None: between sentences or left out)."""
        for i, rng in enumerate(self.sentences):
            if rng is not None and rng[0] <= offset < rng[1]:
                return i
        return None


def render(
    doc_id: str,
    sentences: Sequence[Sequence[str]],
    date: datetime.date,
    group: str = "",
    drop: Iterable[int] = (),
) -> GoldText:
    """The text of tokenized sentences (tokens joined by spaces, one sentence a line) and its offsets.

    Sentences in ``drop`` are left out of the text (their offsets are None).
    """
    dropped = set(drop)
    pieces: list[str] = []
    pos = 0
    sent_spans: list[Span | None] = []
    token_spans: list[list[Span] | None] = []
    for i, sentence in enumerate(sentences):
        if i in dropped:
            sent_spans.append(None)
            token_spans.append(None)
            continue
        if pieces:
            pieces.append("\n")
            pos += 1
        begin, spans = pos, []
        for j, token in enumerate(sentence):
            if j:
                pieces.append(" ")
                pos += 1
            spans.append((pos, pos + len(token)))
            pieces.append(token)
            pos += len(token)
        sent_spans.append((begin, pos))
        token_spans.append(spans)
    return GoldText(doc_id, "".join(pieces), date, group, sent_spans, token_spans)


# -- mentions and their alignment -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldMention:
    """A gold mention: character span, its head span (lenient matching) and gold cluster."""

    doc_id: str
    key: Hashable  # unique over the corpus
    start: int
    end: int
    cluster: Hashable
    head: Span | None = None  # None: the whole span
    kind: str = ""  # MEANTIME syntactic type (NAM, NOM, PRO, ...)
    text: str = ""


@dataclass(frozen=True, slots=True)
class PredMention:
    """A predicted mention read from the store: character span and predicted cluster."""

    doc_id: str
    key: Hashable  # unique over the corpus (the stored mention id)
    start: int
    end: int
    cluster: Hashable
    label: str = ""
    text: str = ""


def align(gold: Iterable[GoldMention], pred: Iterable[PredMention], mode: str = "strict") -> dict[Hashable, Hashable]:
    """One-to-one alignment of predicted to gold mentions of the same document: pred key -> gold key.

    ``strict``: equal character spans. ``lenient``: overlapping spans where the predicted span also
    overlaps the gold head (the whole gold span when it has none). Candidate pairs are taken best
    first (equal spans, then larger character Dice overlap, then text order), each mention once.
    """
    if mode not in ("strict", "lenient"):
        raise ValueError(f"mode must be strict or lenient, not {mode!r}")
    gold_by_doc: dict[str, list[GoldMention]] = defaultdict(list)
    for g in gold:
        gold_by_doc[g.doc_id].append(g)
    pred_by_doc: dict[str, list[PredMention]] = defaultdict(list)
    for p in pred:
        pred_by_doc[p.doc_id].append(p)
    out: dict[Hashable, Hashable] = {}
    for doc_id, preds in pred_by_doc.items():
        golds = gold_by_doc.get(doc_id, [])
        candidates = []
        for gi, g in enumerate(golds):
            head = g.head or (g.start, g.end)
            for pi, p in enumerate(preds):
                exact = p.start == g.start and p.end == g.end
                if mode == "strict":
                    if exact:
                        candidates.append((0, 0.0, gi, pi))
                    continue
                common = min(p.end, g.end) - max(p.start, g.start)
                if common <= 0 or min(p.end, head[1]) <= max(p.start, head[0]):
                    continue
                dice = 2 * common / ((p.end - p.start) + (g.end - g.start))
                candidates.append((0 if exact else 1, -dice, gi, pi))
        used_gold: set[int] = set()
        used_pred: set[int] = set()
        for _, _, gi, pi in sorted(candidates):
            if gi in used_gold or pi in used_pred:
                continue
            used_gold.add(gi)
            used_pred.add(pi)
            out[preds[pi].key] = golds[gi].key
    return out


def score_mentions(
    gold: Sequence[GoldMention],
    pred: Sequence[PredMention],
    mode: str = "strict",
    *,
    keep_gold: Callable[[GoldMention], bool] | None = None,
    namespace: Callable[[str], Hashable] | None = None,
    alignment: Mapping[Hashable, Hashable] | None = None,
) -> dict:
    """MUC, B³, CEAF-e, CoNLL F1 and mention detection of predicted clusters against gold ones.

    Args:
        gold, pred: the mentions in scope (same documents, same sentences).
        mode: ``strict`` or ``lenient`` span alignment (see :func:`align`).
        keep_gold: score only the gold mentions it accepts; predicted mentions aligned (over all
            gold mentions) to a rejected one are left out too, neither credited nor spurious.
        namespace: doc id -> a prefix for both sides' cluster ids, so that clusters never span two
            namespaces (per-corpus scoring pooled into one micro-average).
        alignment: a precomputed :func:`align` result for these mentions and ``mode``.
    """
    if alignment is None:
        alignment = align(gold, pred, mode)
    if keep_gold is not None:
        rejected = {g.key for g in gold if not keep_gold(g)}
        gold = [g for g in gold if g.key not in rejected]
        pred = [p for p in pred if alignment.get(p.key) not in rejected]
    gold_keys = {g.key for g in gold}

    def ns(doc_id: str, cluster: Hashable) -> Hashable:
        return (namespace(doc_id), cluster) if namespace else cluster

    gold_map = {("gold", g.key): ns(g.doc_id, g.cluster) for g in gold}
    pred_map: dict[Hashable, Hashable] = {}
    matched = 0
    for p in pred:
        g_key = alignment.get(p.key)
        if g_key in gold_keys:
            item: Hashable = ("gold", g_key)
            matched += 1
        else:
            item = ("pred", p.key)
        pred_map[item] = ns(p.doc_id, p.cluster)
    out = conll(gold_map, pred_map)
    out["mentions"] = _detection(len(gold_map), len(pred_map), matched)
    out["clusters"] = {"gold": len(set(gold_map.values())), "predicted": len(set(pred_map.values()))}
    return out


def _detection(n_gold: int, n_pred: int, matched: int) -> dict:
    p = matched / n_pred if n_pred else 0.0
    r = matched / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "matched": matched,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def same_lemma_clusters(
    mentions: Iterable[GoldMention | PredMention],
    lemma_of: Callable[[GoldMention | PredMention], str],
    group_of: Callable[[str], Hashable],
) -> list:
    """The same-lemma baseline: mentions with one lemma in one group (story, sub-topic) form a cluster.

    Returns the mentions with ``cluster`` replaced by ``(group, lemma)`` (same type as given).
    """
    from dataclasses import replace

    return [replace(m, cluster=(group_of(m.doc_id), lemma_of(m))) for m in mentions]


# -- the store ------------------------------------------------------------------------------


def build_store(
    docs: Sequence[GoldText], path: str | Path, *, config: Mapping[str, Any] | None = None, reuse: bool = False
):
    """Gold documents → a SQLite store at ``path``, ingested, annotated and resolved by the pipeline.

    The documents are written to a JSONL file (fields ``id``, ``date``, ``text``) in a temporary
    folder and read by the ordinary reader, so ``source_id`` of each stored publication is the gold
    doc id. Each document's ``date`` is its publication date: MEANTIME's ``dct``; for ECB+, which has
    no dates, the loaders give every document one fixed date (:data:`ECBPLUS_DATE`), so that the
    story time window plays no part.

    Args:
        docs: the documents (``doc_id``, ``text``, ``date``).
        path: the SQLite file to create.
        config: settings (a :class:`dateline.config.Config` or a mapping of overrides); defaults when None.
        reuse: for development, accept an existing store at ``path``: ingest, annotate and resolve
            then only do what is new there (decisions made under other settings are kept).

    Returns:
        The open :class:`dateline.store.Store` (close it when done).

    Raises:
        FileExistsError: ``path`` exists and ``reuse`` is false.
        ValueError: two documents have the same text, or a stored text differs from the one given.
    """
    from ..pipeline.annotate import annotate
    from ..pipeline.ingest import ingest
    from ..resolve.run import resolve
    from ..store import Store

    config = _config(config)
    path = Path(path)
    if path.exists() and not reuse:
        raise FileExistsError(f"{path} exists; pass reuse=True to continue from it, or choose a new path")
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(f"sqlite:///{path}")
    try:
        with tempfile.TemporaryDirectory(prefix="dateline-eval-") as tmp:
            source = Path(tmp) / "documents.jsonl"
            with source.open("w", encoding="utf-8") as out:
                for d in docs:
                    out.write(json.dumps({"id": d.doc_id, "date": d.date.isoformat(), "text": d.text}) + "\n")
            report = ingest([str(source)], store, config, input_format="jsonl", command="evaluation ingest")
        if report.rejects:
            first = report.rejects[0]
            raise ValueError(f"{len(report.rejects)} gold documents rejected, e.g. {first.location}: {first.message}")
        _check_texts(store, docs)
        annotate(store, config, command="evaluation annotate")
        resolve(store, config, command="evaluation resolve")
    except BaseException:
        store.close()
        raise
    return store


def _config(config: Mapping[str, Any] | None):
    from ..config import Config

    if config is None or isinstance(config, Config):
        return config or Config()
    return Config(dict(config))


def _check_texts(store, docs: Sequence[GoldText]) -> None:
    """Every document is one stored article whose text is exactly the given one (offsets depend on it)."""
    ids = doc_ids_of(store)
    by_doc = {doc: aid for aid, doc in ids.items()}
    missing = [d.doc_id for d in docs if d.doc_id not in by_doc]
    if missing:
        raise ValueError(
            f"{len(missing)} documents share their text with another one or were not stored: {missing[:5]}"
        )
    texts = store.texts([by_doc[d.doc_id] for d in docs])
    changed = [d.doc_id for d in docs if texts.get(by_doc[d.doc_id]) != d.text]
    if changed:
        raise ValueError(f"stored text differs from the given one (offsets would be wrong): {changed[:5]}")


def doc_ids_of(store) -> dict[str, str]:
    """article id -> gold doc id, from the ``source_id`` of the stored publications.

    Raises:
        ValueError: one article has publications from two documents (identical texts).
    """
    out: dict[str, str] = {}
    for row in store.iter_publications(with_text=False):
        doc = row["source_id"]
        if doc is None:
            continue
        if out.setdefault(row["article_id"], doc) != doc:
            raise ValueError(f"documents {out[row['article_id']]} and {doc} have the same text")
    return out


@contextmanager
def _store_path(store_path: str | Path | None, name: str) -> Iterator[Path]:
    if store_path is not None:
        yield Path(store_path)
        return
    with tempfile.TemporaryDirectory(prefix="dateline-crossdoc-") as tmp:
        yield Path(tmp) / name


def _copy_store(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite store (the backup API, whatever the journal mode)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def _stories(store, docs: Sequence[GoldText], article_of: Mapping[str, str]) -> dict:
    story = store.story_of_articles([article_of[d.doc_id] for d in docs])
    gold = {d.doc_id: d.group for d in docs}
    unassigned = [d.doc_id for d in docs if article_of[d.doc_id] not in story]
    pred = {d.doc_id: story.get(article_of[d.doc_id], f"unassigned:{d.doc_id}") for d in docs}
    out = clustering_scores(gold, pred)
    out["documents"] = len(docs)
    out["unassigned"] = len(unassigned)
    return out


# -- MEANTIME: cross-document entity coreference ------------------------------------------------------


def load_meantime_entities(eval_dir: str | Path = DEFAULT_EVAL_DIR) -> tuple[list[GoldText], list[GoldMention]]:
    """The 120 MEANTIME-en articles (date = ``dct``, group = ``corpus``) and their gold entity mentions.

    The title (sentence 0) and date line (sentence 1) stay in the text, as in the article. A
    discontiguous mention is taken from its first to its last token.
    """
    from .timex import _meantime_dct

    root = Path(eval_dir) / "meantime-en"
    _check_hashes(root, "meantime-en", ("documents.jsonl", "mentions.jsonl"))
    docs: dict[str, GoldText] = {}
    for line in (root / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs[d["doc_id"]] = render(d["doc_id"], d["sentences"], _meantime_dct(d["dct"]), d["corpus"])
    mentions = []
    for line in (root / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        if m["kind"] != "entity" or m.get("sent") is None:
            continue
        doc = docs[m["doc_id"]]
        spans = doc.char_span(m["sent"], m["start"], m["end"])
        if spans is None:
            continue
        (start, end), head = spans
        mentions.append(
            GoldMention(
                m["doc_id"],
                (m["doc_id"], m["m_id"]),
                start,
                end,
                m["cluster"],
                head,
                m.get("syntactic_type") or "",
                m["text"],
            )
        )
    return list(docs.values()), mentions


def _check_hashes(root: Path, corpus: str, names: Iterable[str]) -> None:
    """Refuse a gold file whose sha256 differs from the one in ``hashes.json`` (when it lists the file)."""
    from .timex import _check, _expected

    for name in names:
        expected = _expected(f"{corpus}/{name}")
        if expected:
            _check(root / name, expected)


def _in_sentences(doc: GoldText, start: int, sentences: frozenset[int] | set[int] | None) -> bool:
    if sentences is None:
        return True
    return doc.sentence_of(start) in sentences


def stored_entity_mentions(store, article_doc: Mapping[str, str]) -> tuple[list[PredMention], int]:
    """The stored entity mentions with an ``entity_id`` (and how many had none), by gold doc id."""
    out, without = [], 0
    for row in store.mentions():
        doc = article_doc.get(row["article_id"])
        if doc is None:
            continue
        if not row.get("entity_id"):
            without += 1
            continue
        out.append(
            PredMention(doc, row["mention_id"], row["start"], row["end"], row["entity_id"], row["label"], row["text"])
        )
    return out, without


def evaluate_meantime_entities(
    eval_dir: str | Path = DEFAULT_EVAL_DIR,
    *,
    config: Mapping[str, Any] | None = None,
    store_path: str | Path | None = None,
    reuse: bool = False,
    scope: str = "exhaustive",
) -> dict:
    """Cross-document entity coreference and story clustering on MEANTIME-en, through the store.

    Gold: the entity mentions with their ``cluster``. Predicted: the stored mentions that have an
    ``entity_id`` (the others are not resolved entities and are skipped). Scored per corpus
    (airbus, apple, gm, stock: the README's protocol) and ``micro``, the four pooled (cluster ids
    kept apart by corpus: the sum of the per-corpus counts); ``all_documents`` scores the 120
    articles as one collection (a merge across corpora counts). ``named`` keeps only the gold
    ``NAM`` mentions (predicted mentions aligned to other gold mentions are left out).

    ``scope``: ``exhaustive`` (default) scores the sentences MEANTIME annotates fully, the title and
    sentences 2-5, on both sides; ``all`` scores every sentence (the later ones are annotated only
    sparsely, so precision is understated there).

    Stories: articles → ``corpus`` (4 gold stories), from the story ids in the store, with the
    configured window and again after resolving with ``resolve.story_window_days`` = 3650 (the gold
    stories span years, so the default window splits them by construction).
    """
    if scope not in ("exhaustive", "all"):
        raise ValueError(f"scope must be exhaustive or all, not {scope!r}")
    started = time.perf_counter()
    config = _config(config)
    docs, gold_all = load_meantime_entities(eval_dir)
    by_id = {d.doc_id: d for d in docs}
    sentences = MEANTIME_EXHAUSTIVE if scope == "exhaustive" else None
    gold = [g for g in gold_all if _in_sentences(by_id[g.doc_id], g.start, sentences)]
    results: dict[str, Any] = {
        "setting": {
            "documents": "120 MEANTIME-en articles in one store, dated by their dct",
            "gold": "entity mentions with their cluster",
            "predicted": "stored mentions with an entity_id (after resolve)",
            "sentences": "title and sentences 2-5 (exhaustively annotated)" if sentences else "all",
            "alignment": "strict: equal character spans; lenient: overlap including the gold last token",
            "singletons": "kept",
            "micro": "the four corpora pooled, clusters kept apart by corpus",
            "named": "gold NAM mentions only; predicted mentions aligned to other gold mentions left out",
        }
    }
    with _store_path(store_path, "meantime.db") as path:
        store = build_store(docs, path, config=config, reuse=reuse)
        built = time.perf_counter()
        try:
            article_doc = doc_ids_of(store)
            article_of = {doc: aid for aid, doc in article_doc.items()}
            pred_all, without = stored_entity_mentions(store, article_doc)
            pred = [p for p in pred_all if _in_sentences(by_id[p.doc_id], p.start, sentences)]
            results["counts"] = {
                "documents": len(docs),
                "gold_mentions": len(gold),
                "gold_named_mentions": sum(g.kind == "NAM" for g in gold),
                "predicted_mentions": len(pred),
                "stored_mentions_without_entity": without,
                "predicted_labels": _count(p.label for p in pred),
            }
            corpus_of = {d.doc_id: d.group for d in docs}
            for mode in ("strict", "lenient"):
                alignment = align(gold, pred, mode)
                results[mode] = {}
                for subset, keep in (("all_mentions", None), ("named", _is_named)):
                    block = {}
                    block["micro"] = score_mentions(
                        gold, pred, mode, keep_gold=keep, namespace=corpus_of.get, alignment=alignment
                    )
                    block["all_documents"] = score_mentions(gold, pred, mode, keep_gold=keep, alignment=alignment)
                    for corpus in MEANTIME_CORPORA:
                        g = [m for m in gold if corpus_of[m.doc_id] == corpus]
                        p = [m for m in pred if corpus_of[m.doc_id] == corpus]
                        block[corpus] = score_mentions(g, p, mode, keep_gold=keep, alignment=alignment)
                    results[mode][subset] = block
            window = config["resolve.story_window_days"]
            results["stories"] = {f"window_{window}_days": _stories(store, docs, article_of)}
        finally:
            store.close()
        if window != WIDE_WINDOW_DAYS:
            results["stories"][f"window_{WIDE_WINDOW_DAYS}_days"] = _wide_window_stories(path, docs, config)
    results["seconds"] = {"build": round(built - started, 1), "total": round(time.perf_counter() - started, 1)}
    return results


def _is_named(m: GoldMention) -> bool:
    return m.kind == "NAM"


def _count(values: Iterable[Hashable]) -> dict:
    out: dict = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def _wide_window_stories(path: Path, docs: Sequence[GoldText], config) -> dict:
    """Story scores after resolving a copy of the store again with the wide story window."""
    from ..config import Config
    from ..resolve.run import resolve
    from ..store import Store

    wide = Config({**config.to_dict(), "resolve.story_window_days": WIDE_WINDOW_DAYS})
    with tempfile.TemporaryDirectory(prefix="dateline-crossdoc-") as tmp:
        copy = Path(tmp) / "wide.db"
        _copy_store(path, copy)
        store = Store(f"sqlite:///{copy}")
        try:
            resolve(store, wide, rerun=True, command="evaluation resolve (wide story window)")
            article_of = {doc: aid for aid, doc in doc_ids_of(store).items()}
            return _stories(store, docs, article_of)
        finally:
            store.close()


# -- ECB+: cross-document event coreference ----------------------------------------------------------


def load_ecbplus_events(
    eval_dir: str | Path = DEFAULT_EVAL_DIR, split: str = "test"
) -> tuple[list[GoldText], list[GoldMention], dict[str, set[int]]]:
    """One split's ECB+ documents, its selected gold event mentions, and each document's selected sentences.

    Every document is dated :data:`ECBPLUS_DATE` (ECB+ has none) and its group is the gold
    sub-topic. Sentence 0 of a document is left out of the text when it is the source URL (only the
    ``ecbplus`` half of each topic has one; no selected sentence is such a line), as in
    :mod:`dateline.evaluation.stories`. A discontiguous mention is taken from its first to its last token.
    """
    root = Path(eval_dir) / "ecbplus"
    _check_hashes(root, "ecbplus", ("documents.jsonl", "mentions.jsonl"))
    docs: dict[str, GoldText] = {}
    selected: dict[str, set[int]] = {}
    for line in (root / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if split not in ("all", d["split"]):
            continue
        sents = d["sentences"]
        drop = {0} if sents and _URL.match(" ".join(sents[0])) else set()
        docs[d["doc_id"]] = render(d["doc_id"], sents, ECBPLUS_DATE, d["subtopic"], drop)
        selected[d["doc_id"]] = set(d["selected_sentences"]) - drop
    mentions = []
    for line in (root / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        if m["kind"] != "event" or not m["selected"] or m["doc_id"] not in docs:
            continue
        spans = docs[m["doc_id"]].char_span(m["sent"], m["start"], m["end"])
        if spans is None:
            continue
        (start, end), _ = spans
        mentions.append(
            GoldMention(m["doc_id"], (m["doc_id"], m["m_id"]), start, end, m["cluster"], None, m["tag"], m["text"])
        )
    return list(docs.values()), mentions, selected


def stored_event_mentions(
    store, article_doc: Mapping[str, str], rows: dict | None = None
) -> tuple[list[PredMention], int]:
    """The stored event mentions (trigger spans) with their fused ``event_id``, by gold doc id.

    A mention without an event id (not fused) is kept as a singleton of its own; the count is returned.
    ``rows``, when given, receives each returned mention's stored row by mention id.
    """
    from ..store import EventQuery

    out, unfused = [], 0
    for row in store.event_mentions(EventQuery(limit=None)):
        doc = article_doc.get(row["article_id"])
        if doc is None:
            continue
        if rows is not None:
            rows[row["mention_id"]] = row
        event = row.get("event_id")
        if not event:
            unfused += 1
            event = f"unfused:{row['mention_id']}"
        out.append(
            PredMention(
                doc,
                row["mention_id"],
                row["start"],
                row["end"],
                event,
                row.get("cameo_code") or "",
                row.get("trigger") or "",
            )
        )
    return out, unfused


class _Lemmas:
    """Lemmas of character spans of the documents, from the spaCy model's tagger and lemmatizer."""

    def __init__(self, docs: Sequence[GoldText], model: str | None = None) -> None:
        from ..pipeline.nlp import load_model

        nlp = load_model(model)
        off = [name for name in nlp.pipe_names if name in ("parser", "ner")]
        self.tokens: dict[str, list[tuple[int, int, str]]] = {}
        for d, doc in zip(docs, nlp.pipe((d.text for d in docs), disable=off, batch_size=32), strict=True):
            self.tokens[d.doc_id] = [(t.idx, t.idx + len(t.text), t.lemma_.lower()) for t in doc]

    def __call__(self, m: GoldMention | PredMention) -> str:
        words = [lemma for s, e, lemma in self.tokens[m.doc_id] if s < m.end and m.start < e]
        return " ".join(words) or m.text.lower()


def evaluate_ecbplus_events(
    eval_dir: str | Path = DEFAULT_EVAL_DIR,
    split: str = "test",
    *,
    config: Mapping[str, Any] | None = None,
    store_path: str | Path | None = None,
    reuse: bool = False,
) -> dict:
    """Cross-document event coreference on one ECB+ split with predicted mentions and predicted stories.

    Predicted: the stored event mentions (trigger spans) with their fused ``event_id``, only those in
    the selected sentences (the exhaustively annotated ones: standard practice). Gold: the selected
    event mentions with their ``cluster``. All documents of the split are clustered together: no
    gold topic or sub-topic restricts anything. Singletons kept. Our event stage codes political
    CAMEO events only, so most ECB+ events (deaths, earthquakes, product launches) are not detected:
    low recall is expected.

    For context, on the same alignment: the same-lemma baseline on our predicted mentions (one
    cluster per trigger lemma within a predicted story), and two references on *gold* mentions
    (not comparable to the system): same lemma within the predicted story, and same lemma within
    the gold sub-topic. Also the story clustering of the split's documents against ``subtopic``,
    read from the store.
    """
    started = time.perf_counter()
    config = _config(config)
    docs, gold, selected = load_ecbplus_events(eval_dir, split)
    by_id = {d.doc_id: d for d in docs}
    results: dict[str, Any] = {
        "setting": {
            "split": split,
            "mentions": "predicted (stored event-mention triggers), selected sentences only",
            "clusters": "fused event ids from the store",
            "topics": "predicted stories from the store; no gold topic or sub-topic used",
            "singletons": "kept",
            "date": f"every document dated {ECBPLUS_DATE.isoformat()} (ECB+ has no dates): no story window",
            "alignment": "strict: equal trigger span; lenient: overlapping spans",
            "lemma": "spaCy lemmas of the span's tokens, lowercased",
        }
    }
    with _store_path(store_path, "ecbplus.db") as path:
        store = build_store(docs, path, config=config, reuse=reuse)
        built = time.perf_counter()
        try:
            article_doc = doc_ids_of(store)
            article_of = {doc: aid for aid, doc in article_doc.items()}
            pred_all, unfused = stored_event_mentions(store, article_doc)
            pred = [p for p in pred_all if by_id[p.doc_id].sentence_of(p.start) in selected[p.doc_id]]
            story = store.story_of_articles(list(article_of.values()))
            story_of_doc = {d.doc_id: story.get(article_of[d.doc_id], f"unassigned:{d.doc_id}") for d in docs}
            results["stories"] = _stories(store, docs, article_of)
        finally:
            store.close()
    lemmas = _Lemmas(docs, config["annotate.model"] or None)
    results["counts"] = {
        "documents": len(docs),
        "gold_mentions": len(gold),
        "gold_clusters": len({g.cluster for g in gold}),
        "predicted_mentions": len(pred),
        "predicted_mentions_all_sentences": len(pred_all),
        "predicted_events": len({p.cluster for p in pred}),
        "unfused_mentions": unfused,
    }
    subtopic = {d.doc_id: d.group for d in docs}
    lemma_pred = same_lemma_clusters(pred, lemmas, story_of_doc.__getitem__)
    lemma_gold_pred_story = same_lemma_clusters(gold, lemmas, story_of_doc.__getitem__)
    lemma_gold_subtopic = same_lemma_clusters(gold, lemmas, subtopic.__getitem__)
    for mode in ("strict", "lenient"):
        alignment = align(gold, pred, mode)
        results[mode] = score_mentions(gold, pred, mode, alignment=alignment)
        results[f"baseline_same_lemma_{mode}"] = score_mentions(gold, lemma_pred, mode, alignment=alignment)
    identity = {g.key: g.key for g in gold}
    results["reference_gold_mentions_same_lemma_predicted_stories"] = score_mentions(
        gold, _as_pred(lemma_gold_pred_story), alignment=identity
    )
    results["reference_gold_mentions_same_lemma_gold_subtopics"] = score_mentions(
        gold, _as_pred(lemma_gold_subtopic), alignment=identity
    )
    results["seconds"] = {"build": round(built - started, 1), "total": round(time.perf_counter() - started, 1)}
    return results


def _as_pred(mentions: Iterable[GoldMention]) -> list[PredMention]:
    return [PredMention(m.doc_id, m.key, m.start, m.end, m.cluster, m.kind, m.text) for m in mentions]


# -- command line ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cross-document coreference through the pipeline and the store.")
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--only", choices=("meantime", "ecbplus"))
    parser.add_argument("--split", default="test", help="ECB+ split (train, dev, test, all)")
    parser.add_argument("--store-dir", type=Path, help="keep the stores here and reuse them (development)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a setting, repeatable")
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(f"no gold data at {args.eval_dir}; pass --eval-dir PATH/TO/shared/eval", file=sys.stderr)
        return 2
    from ..config import load_config

    config = load_config(None, args.set)
    out = {}
    reuse = args.store_dir is not None
    if args.only in (None, "meantime"):
        path = args.store_dir / "meantime.db" if reuse else None
        out["meantime-en/entities"] = evaluate_meantime_entities(
            args.eval_dir, config=config, store_path=path, reuse=reuse
        )
    if args.only in (None, "ecbplus"):
        path = args.store_dir / f"ecbplus-{args.split}.db" if reuse else None
        out["ecbplus/events"] = evaluate_ecbplus_events(
            args.eval_dir, args.split, config=config, store_path=path, reuse=reuse
        )
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
