"""Time-expression scoring, TempEval-3 Task A style: strict and relaxed span P/R/F1, value and type F1."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

__all__ = ["GoldTimex", "GoldDoc", "Scores", "score", "load_te3", "load_meantime"]


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    type: str
    value: str


@dataclass
class GoldDoc:
    doc_id: str
    text: str
    dct: date
    timexes: list[GoldTimex]
    entities: list[GoldTimex] = field(default_factory=list)  # named mentions: type = PER/ORG/LOC/PRO/..., value = ""
    # Character ranges to leave out of scoring (MEANTIME's date line: its DCT, not a timex to find).
    ignore: list[tuple[int, int]] = field(default_factory=list)


def _prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> dict[str, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class Scores:
    """Counts and scores over a set of documents."""

    gold: int = 0
    predicted: int = 0
    strict: dict[str, float] = field(default_factory=dict)
    relaxed: dict[str, float] = field(default_factory=dict)
    value: dict[str, float] = field(default_factory=dict)
    type: dict[str, float] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "strict": self.strict,
            "relaxed": self.relaxed,
            "value": self.value,
            "type": self.type,
        }


def score(docs: Iterable[GoldDoc], predict: Callable[[GoldDoc], list], gold_of=lambda doc: doc.timexes) -> Scores:
    """Score predicted spans (objects with ``start, end, type, value``) against the gold ones.

    ``gold_of`` picks the gold spans of a document (its timexes by default).

    A prediction matches a gold timex when their spans overlap (relaxed) or are equal
    (strict). Value and type scores count a matched pair only when the value (type) is
    identical, TempEval-3 style: precision over predictions, recall over gold timexes.
    """
    out = Scores()
    strict_tp = relaxed_tp_p = relaxed_tp_g = value_tp_p = value_tp_g = type_tp_p = type_tp_g = 0
    for doc in docs:
        preds = [p for p in predict(doc) if not any(p.start < e and s < p.end for s, e in doc.ignore)]
        gold = gold_of(doc)
        out.gold += len(gold)
        out.predicted += len(preds)
        gold_spans = {(g.start, g.end) for g in gold}
        strict_tp += sum((p.start, p.end) in gold_spans for p in preds)
        for p in preds:
            overlapping = [g for g in gold if p.start < g.end and g.start < p.end]
            relaxed_tp_p += bool(overlapping)
            value_tp_p += any(g.value == p.value for g in overlapping)
            type_tp_p += any(g.type == p.type for g in overlapping)
            if not overlapping:
                out.errors.append(
                    {"doc": doc.doc_id, "kind": "spurious", "text": doc.text[p.start : p.end], "value": p.value}
                )
        for g in gold:
            overlapping = [p for p in preds if p.start < g.end and g.start < p.end]
            relaxed_tp_g += bool(overlapping)
            value_tp_g += any(g.value == p.value for p in overlapping)
            type_tp_g += any(g.type == p.type for p in overlapping)
            if not overlapping:
                out.errors.append(
                    {"doc": doc.doc_id, "kind": "missed", "text": doc.text[g.start : g.end], "gold": g.value}
                )
            elif not any(g.value == p.value for p in overlapping):
                out.errors.append(
                    {
                        "doc": doc.doc_id,
                        "kind": "wrong value",
                        "text": doc.text[g.start : g.end],
                        "gold": g.value,
                        "predicted": [p.value for p in overlapping],
                    }
                )
    out.strict = _prf(strict_tp, out.predicted, strict_tp, out.gold)
    out.relaxed = _prf(relaxed_tp_p, out.predicted, relaxed_tp_g, out.gold)
    out.value = _prf(value_tp_p, out.predicted, value_tp_g, out.gold)
    out.type = _prf(type_tp_p, out.predicted, type_tp_g, out.gold)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(path: Path, expected: str) -> None:
    got = _sha256(path)
    if got != expected:
        raise ValueError(
            f"{path} has changed (sha256 {got[:12]}…, expected {expected[:12]}…): scores would not compare"
        )


# sha256 of each gold file as distributed in shared/eval: a changed file is refused.
HASHES_FILE = Path(__file__).with_name("hashes.json")


def _expected(name: str) -> str | None:
    if HASHES_FILE.exists():
        return json.loads(HASHES_FILE.read_text()).get(name)
    return None


def load_te3(eval_dir: Path) -> list[GoldDoc]:
    """TempEval-3 platinum: 20 articles with their DCT and 138 gold timexes."""
    path = Path(eval_dir) / "te3-platinum" / "documents.jsonl"
    expected = _expected("te3-platinum/documents.jsonl")
    if expected:
        _check(path, expected)
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        timexes = [GoldTimex(t["start"], t["end"], t["type"], t["value"]) for t in d["timexes"]]
        docs.append(GoldDoc(d["doc_id"], d["text"], date.fromisoformat(d["dct"]["value"][:10]), timexes))
    return docs


def _meantime_dct(value: str) -> date:
    # One MEANTIME DCT is written DD-MM-YYYY (article 120578: "03-02-2009", date line "February 03, 2009").
    if len(value) == 10 and value[2] == "-" and value[5] == "-":
        return date(int(value[6:]), int(value[3:5]), int(value[:2]))
    return date.fromisoformat(value[:10])


def load_meantime(eval_dir: Path) -> list[GoldDoc]:
    """MEANTIME English: 120 Wikinews articles rebuilt from their tokens, with the timexes that have a span.

    The text is the tokens joined by single spaces, one sentence a line. MEANTIME annotates
    times in the title (sentence 0) and sentences 2-5 only, so only those are scored;
    sentence 1, the date line, is the DCT itself.
    """
    root = Path(eval_dir) / "meantime-en"
    for name in ("documents.jsonl", "mentions.jsonl"):
        expected = _expected(f"meantime-en/{name}")
        if expected:
            _check(root / name, expected)
    docs: dict[str, GoldDoc] = {}
    offsets: dict[str, list[list[int]]] = {}
    for line in (root / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        pieces, sent_offsets, pos = [], [], 0
        ignored: list[tuple[int, int]] = []
        for s_index, sentence in enumerate(d["sentences"]):
            starts = []
            sent_start = pos
            for i, token in enumerate(sentence):
                if i:
                    pieces.append(" ")
                    pos += 1
                starts.append(pos)
                pieces.append(token)
                pos += len(token)
            starts.append(pos)  # end of the last token
            # Times are annotated in the title (0) and sentences 2-5 only; 1 is the date line (the DCT).
            if s_index == 1 or s_index >= 6:
                ignored.append((sent_start, pos))
            pieces.append("\n")
            pos += 1
            sent_offsets.append(starts)
        text = "".join(pieces)
        docs[d["doc_id"]] = GoldDoc(d["doc_id"], text, _meantime_dct(d["dct"]), [], ignore=ignored)
        offsets[d["doc_id"]] = sent_offsets
    for line in (root / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        m = json.loads(line)
        if m.get("sent") is None or m.get("functionInDocument") == "CREATION_TIME":
            continue
        is_name = m["kind"] == "entity" and m.get("syntactic_type") == "NAM"
        if m["kind"] != "timex" and not is_name:
            continue
        doc = docs[m["doc_id"]]
        starts = offsets[m["doc_id"]][m["sent"]]
        start = starts[m["start"]]
        last = m["end"] - 1
        end = starts[last] + len(doc.text[starts[last] :].split(" ", 1)[0].split("\n", 1)[0])
        if any(start < e and s < end for s, e in doc.ignore):
            continue
        if is_name:
            doc.entities.append(GoldTimex(start, end, m.get("ent_type") or "MIX", ""))
        else:
            doc.timexes.append(GoldTimex(start, end, m["type"], m["value"]))
    return list(docs.values())
