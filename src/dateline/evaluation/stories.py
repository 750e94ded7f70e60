"""Story clustering scored on public gold data: ECB+ sub-topics and MEANTIME's four stories.

    python -m dateline.evaluation.stories [--eval-dir ../shared/eval] [--split test] [--no-entities]

ECB+ has no article dates (every :class:`StoryDoc` gets ``date=None``: no time constraint).
Its text is the tokens joined by spaces, one sentence a line, *without* sentence 0 of the
``ecbplus`` documents when it is the source URL: only one half of each topic has such a line,
so keeping it would let a corpus artifact (the URL tokens) separate the two sub-topics.
No title is given (ECB+ has no title field). The ``doc_id`` and ``topic`` fields are never
used as features. The clustering is not told the number of stories.

MEANTIME's title is sentence 0, its date the ``dct`` field, its body sentences 2 on (sentence 1
is the date line). Its four gold "stories" are companies' news over years, so the time window
splits them by construction: a secondary figure, reported with the window on and off.

Entities are keys made by :func:`entity_keys` from the project's spaCy pipeline (a stand-in
for resolved entity ids): ``geo:<geonames id>`` for geocoded places, else the folded
canonical name. Scores come from :func:`dateline.evaluation.coref.clustering_scores`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..resolve.stories import StoryDoc, StorySettings, cluster_stories
from .coref import clustering_scores
from .timex import _meantime_dct

__all__ = [
    "GoldStoryDoc",
    "entity_keys",
    "annotate_entities",
    "load_ecbplus_documents",
    "load_meantime_documents",
    "evaluate_ecbplus_stories",
    "evaluate_meantime_stories",
    "story_scores",
]

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "eval"
# Named-entity labels whose mentions become entity keys (groups, descriptions and pronouns do not).
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
# An annotation date for ECB+ (the pipeline needs one; only time normalization uses it, not entities).
_NO_DATE = datetime.date(2000, 1, 1)
_URL = re.compile(r"^\s*https?\s*:", re.I)


@dataclass(slots=True)
class GoldStoryDoc:
    """A gold document: its id, the gold story, the split, its date (or None), title and text."""

    doc_id: str
    story: str
    split: str
    date: datetime.date | None
    title: str | None
    text: str


def load_ecbplus_documents(eval_dir: Path | str = DEFAULT_EVAL_DIR) -> list[GoldStoryDoc]:
    """The 982 ECB+ documents with their gold sub-topic (``story``) and split; text without the URL line."""
    out = []
    path = Path(eval_dir) / "ecbplus" / "documents.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        sentences = [" ".join(tokens) for tokens in d["sentences"]]
        if sentences and _URL.match(sentences[0]):
            sentences = sentences[1:]
        out.append(GoldStoryDoc(d["doc_id"], d["subtopic"], d["split"], None, None, "\n".join(sentences)))
    return out


def load_meantime_documents(eval_dir: Path | str = DEFAULT_EVAL_DIR) -> list[GoldStoryDoc]:
    """The 120 MEANTIME articles with their story (``corpus``), date (``dct``), title (sentence 0) and body."""
    out = []
    path = Path(eval_dir) / "meantime-en" / "documents.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        sentences = [" ".join(tokens) for tokens in d["sentences"]]
        title = sentences[0] if sentences else None
        body = "\n".join(sentences[2:])  # sentence 1 is the date line
        day = _meantime_dct(d["dct"])
        out.append(GoldStoryDoc(d["doc_id"], d["corpus"], "all", day, title, body))
    return out


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    text = re.sub(r"\s*'s$", "", text)
    return re.sub(r"[^\w]+", " ", text).strip()


def entity_keys(mentions: Iterable) -> tuple[str, ...]:
    """Entity keys of a document's named mentions (sorted, unique): ``geo:<id>`` for places, else the folded name.

    ``mentions`` are :class:`dateline.annotations.Mention` records (or anything with ``label``,
    ``text``, ``canonical`` and ``geonames_id``). A stand-in until resolved entity ids are passed.
    """
    keys = set()
    for m in mentions:
        if m.label not in ENTITY_LABELS:
            continue
        if getattr(m, "geonames_id", None):
            keys.add(f"geo:{m.geonames_id}")
            continue
        name = _fold(m.canonical or m.text)
        if len(name) > 1:
            keys.add(name)
    return tuple(sorted(keys))


def annotate_entities(docs: Sequence[GoldStoryDoc], *, n_process: int = 1) -> dict[str, tuple[str, ...]]:
    """doc_id -> entity keys, from the project's spaCy pipeline (slow: about a minute per 1,000 docs)."""
    from ..pipeline.annotate import make_doc
    from ..pipeline.nlp import build_pipeline

    nlp = build_pipeline()
    made = (make_doc(nlp, d.text, d.date or _NO_DATE, d.doc_id) for d in docs)
    out = {}
    for doc in nlp.pipe(made, n_process=n_process, batch_size=16):
        ann = doc._.dateline
        out[ann.article_id] = entity_keys(ann.mentions)
    return out


def _entities(docs: Sequence[GoldStoryDoc], annotate: bool | dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    if isinstance(annotate, dict):
        return annotate
    if annotate:
        return annotate_entities(docs)
    return {}


def story_docs(docs: Sequence[GoldStoryDoc], entities: dict[str, tuple[str, ...]]) -> list[StoryDoc]:
    """The :class:`StoryDoc` inputs of the gold documents (the gold story is not passed)."""
    return [StoryDoc(d.doc_id, d.date, d.title, d.text, entities.get(d.doc_id, ())) for d in docs]


def story_scores(gold: dict[str, str], pred: dict[str, str]) -> dict:
    """B³ precision/recall/F1, ARI, V-measure (homogeneity, completeness), purity and cluster counts."""
    scores = clustering_scores(gold, pred)
    b3 = scores.pop("b3")
    return {
        "b3_precision": b3["precision"],
        "b3_recall": b3["recall"],
        "b3_f1": b3["f1"],
        **scores,
        "documents": len(gold),
    }


def evaluate_ecbplus_stories(
    eval_dir: Path | str = DEFAULT_EVAL_DIR,
    split: str = "test",
    annotate: bool | dict[str, tuple[str, ...]] = True,
    settings: StorySettings | None = None,
) -> dict:
    """Cluster one ECB+ split's documents (not told how many stories) and score against the gold sub-topics.

    ``annotate``: True runs the spaCy pipeline for entity keys; False uses text only; a dict
    (doc_id -> keys) passes precomputed keys. ``split`` is ``train``, ``dev``, ``test`` or ``all``.
    """
    docs = [d for d in load_ecbplus_documents(eval_dir) if split in ("all", d.split)]
    entities = _entities(docs, annotate)
    assignments = cluster_stories(story_docs(docs, entities), settings=settings)
    pred = {a.article_id: a.story_id for a in assignments}
    return story_scores({d.doc_id: d.story for d in docs}, pred)


def evaluate_meantime_stories(
    eval_dir: Path | str = DEFAULT_EVAL_DIR,
    window: bool = True,
    annotate: bool | dict[str, tuple[str, ...]] = True,
    settings: StorySettings | None = None,
) -> dict:
    """Cluster the 120 MEANTIME articles against their 4 broad stories, with or without the time window.

    The gold stories span years (a company's news, not one happening), so the window splits them
    by construction: a secondary, honest figure rather than a target.
    """
    from dataclasses import replace

    docs = load_meantime_documents(eval_dir)
    entities = _entities(docs, annotate)
    settings = settings or StorySettings()
    if not window:
        settings = replace(settings, window_days=None)
    assignments = cluster_stories(story_docs(docs, entities), settings=settings)
    pred = {a.article_id: a.story_id for a in assignments}
    return story_scores({d.doc_id: d.story for d in docs}, pred)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--split", default="test")
    parser.add_argument("--no-entities", action="store_true", help="text only (no spaCy pipeline)")
    args = parser.parse_args(argv)
    result = {
        f"ecbplus/{args.split}": evaluate_ecbplus_stories(args.eval_dir, args.split, annotate=not args.no_entities),
        "meantime/window": evaluate_meantime_stories(args.eval_dir, True, annotate=not args.no_entities),
        "meantime/no-window": evaluate_meantime_stories(args.eval_dir, False, annotate=not args.no_entities),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
