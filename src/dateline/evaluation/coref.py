"""Clustering and coreference scoring: MUC, B³, CEAF-e and the CoNLL average; ARI, V-measure, purity.

A clustering is a mapping from item (a mention or a document id) to its cluster id. Gold and
predicted cluster ids live in separate namespaces: only the grouping matters, never the label.

The coreference metrics follow the CoNLL-2012 reference scorer (``conll/reference-coreference-scorers``,
v8.01) on predicted mentions: recall is counted over the gold mentions, precision over the predicted
ones, a mention on one side only is never credited (it still counts in its side's denominator), and
singletons are kept. Scoring one mapping over many documents gives the scorer's totals over those
documents as long as cluster ids do not cross documents (prefix them with the document id).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, homogeneity_completeness_v_measure

__all__ = ["Scores", "b_cubed", "muc", "ceaf_e", "conll", "clustering_scores"]

Clustering = Mapping[Hashable, Hashable]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one metric (unrounded; ``to_dict`` rounds to 4 places)."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def from_ratios(cls, p_num: float, p_den: float, r_num: float, r_den: float) -> Scores:
        """Scores from numerators and denominators; an empty denominator gives 0, as the reference scorer does."""
        p = p_num / p_den if p_den else 0.0
        r = r_num / r_den if r_den else 0.0
        return cls(p, r, 2 * p * r / (p + r) if p + r else 0.0)

    def to_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _overlaps(gold: Clustering, pred: Clustering) -> Counter[tuple[Hashable, Hashable]]:
    """How many items each (gold cluster, predicted cluster) pair shares."""
    return Counter((gold[item], pred[item]) for item in gold.keys() & pred.keys())


def b_cubed(gold: Clustering, pred: Clustering) -> Scores:
    """B³ (Bagga & Baldwin 1998), averaged over gold mentions (recall) and predicted mentions (precision).

    Each mention scores |G ∩ P| / |G| for recall and |G ∩ P| / |P| for precision, G and P being its
    gold and predicted clusters. A mention on one side only scores 0 but still counts in the mean of
    its side: the reference scorer's B³, whose tests (TC-A-3, TC-A-12) credit no spurious mention.
    """
    gold_sizes = Counter(gold.values())
    pred_sizes = Counter(pred.values())
    r_num = p_num = 0.0
    for (g, p), n in _overlaps(gold, pred).items():
        r_num += n * n / gold_sizes[g]
        p_num += n * n / pred_sizes[p]
    return Scores.from_ratios(p_num, len(pred), r_num, len(gold))


def _muc_side(key: Clustering, response: Clustering) -> tuple[int, int]:
    """MUC recall of ``response`` against ``key``: (correct links, links in key).

    A key cluster K needs |K| - 1 links; the response keeps |K| - |parts of K|, where the parts are
    K split by response cluster and a key mention missing from the response is a part of its own.
    """
    parts: dict[Hashable, set[Hashable]] = defaultdict(set)
    missing: Counter[Hashable] = Counter()
    for item, cluster in key.items():
        if item in response:
            parts[cluster].add(response[item])
        else:
            missing[cluster] += 1
    sizes = Counter(key.values())
    correct = sum(n - len(parts[c]) - missing[c] for c, n in sizes.items())
    return correct, sum(n - 1 for n in sizes.values())


def muc(gold: Clustering, pred: Clustering) -> Scores:
    """MUC link-based scores (Vilain et al. 1995); singletons have no links, so they do not count.

    With no link on a side (all singletons) that side's score is 0, as in the reference scorer.
    """
    r_num, r_den = _muc_side(gold, pred)
    p_num, p_den = _muc_side(pred, gold)
    return Scores.from_ratios(p_num, p_den, r_num, r_den)


def _components(pairs: list[tuple[Hashable, Hashable]]) -> list[tuple[list[Hashable], list[Hashable]]]:
    """Connected components of the bipartite graph of overlapping (gold, predicted) clusters."""
    parent: dict[tuple[int, Hashable], tuple[int, Hashable]] = {}

    def find(x: tuple[int, Hashable]) -> tuple[int, Hashable]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for g, p in pairs:
        a, b = find((0, g)), find((1, p))
        if a != b:
            parent[a] = b
    groups: dict[tuple[int, Hashable], tuple[list[Hashable], list[Hashable]]] = defaultdict(lambda: ([], []))
    for node in list(parent):
        side, cluster = node
        groups[find(node)][side].append(cluster)
    return list(groups.values())


def ceaf_e(gold: Clustering, pred: Clustering) -> Scores:
    """Entity-based CEAF (Luo 2005) with φ4(G, P) = 2|G ∩ P| / (|G| + |P|).

    Gold and predicted clusters are aligned one-to-one to maximise the total φ4 (Kuhn-Munkres, solved
    separately on each group of clusters linked by shared mentions, which gives the same optimum).
    Recall divides the total by the number of gold clusters, precision by the number of predicted ones.
    """
    gold_sizes = Counter(gold.values())
    pred_sizes = Counter(pred.values())
    overlaps = _overlaps(gold, pred)
    total = 0.0
    for gs, ps in _components(list(overlaps)):
        sim = np.zeros((len(gs), len(ps)))
        for i, g in enumerate(gs):
            for j, p in enumerate(ps):
                n = overlaps.get((g, p), 0)
                if n:
                    sim[i, j] = 2 * n / (gold_sizes[g] + pred_sizes[p])
        rows, cols = linear_sum_assignment(sim, maximize=True)
        total += float(sim[rows, cols].sum())
    return Scores.from_ratios(total, len(pred_sizes), total, len(gold_sizes))


def conll(gold: Clustering, pred: Clustering) -> dict:
    """MUC, B³ and CEAF-e (each precision/recall/F1) and ``conll_f1``, the mean of their three F1s."""
    scores = {"muc": muc(gold, pred), "b3": b_cubed(gold, pred), "ceaf_e": ceaf_e(gold, pred)}
    out: dict = {name: s.to_dict() for name, s in scores.items()}
    out["conll_f1"] = round(sum(s.f1 for s in scores.values()) / 3, 4)
    return out


def clustering_scores(gold: Clustering, pred: Clustering) -> dict:
    """Scores of a clustering of a fixed item set (documents into stories, say) against the gold one.

    B³ precision/recall/F1, adjusted Rand index, V-measure with homogeneity and completeness, purity
    (each predicted cluster counted by its commonest gold cluster), and the number of clusters on
    each side. Both mappings must cover the same items: a ValueError names those that differ.
    """
    only_gold = gold.keys() - pred.keys()
    only_pred = pred.keys() - gold.keys()
    if only_gold or only_pred:

        def sample(items: set) -> str:
            shown = sorted(map(repr, items))[:5]
            return ", ".join(shown) + (", …" if len(items) > 5 else "")

        parts = []
        if only_gold:
            parts.append(f"{len(only_gold)} only in gold ({sample(only_gold)})")
        if only_pred:
            parts.append(f"{len(only_pred)} only in pred ({sample(only_pred)})")
        raise ValueError(f"gold and pred must cluster the same items: {'; '.join(parts)}")
    if not gold:
        raise ValueError("no items to score")
    items = list(gold)
    gold_ids = {c: i for i, c in enumerate(dict.fromkeys(gold.values()))}
    pred_ids = {c: i for i, c in enumerate(dict.fromkeys(pred.values()))}
    labels_true = [gold_ids[gold[x]] for x in items]
    labels_pred = [pred_ids[pred[x]] for x in items]
    homogeneity, completeness, v_measure = homogeneity_completeness_v_measure(labels_true, labels_pred)
    best: dict[Hashable, int] = defaultdict(int)
    for (_, p), n in _overlaps(gold, pred).items():
        best[p] = max(best[p], n)
    return {
        "b3": b_cubed(gold, pred).to_dict(),
        "ari": round(float(adjusted_rand_score(labels_true, labels_pred)), 4),
        "v_measure": round(float(v_measure), 4),
        "homogeneity": round(float(homogeneity), 4),
        "completeness": round(float(completeness), 4),
        "purity": round(sum(best.values()) / len(items), 4),
        "gold_clusters": len(gold_ids),
        "predicted_clusters": len(pred_ids),
    }
