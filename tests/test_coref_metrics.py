"""Coreference and clustering scores against the CoNLL reference scorer's published test cases and hand counts.

Test cases TC-A … TC-N: key and response from ``test/TestCases.README`` of
github.com/conll/reference-coreference-scorers, expected values from its ``test/CorefMetricTestConfig.pm``
(given there as [recall, precision, F1]) or, where the config leaves a metric out, from the README.
"""

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.evaluation.coref import Scores, b_cubed, ceaf_e, clustering_scores, conll, muc


def parse(notation: str) -> dict[str, int]:
    """``"{a} {bc}"`` → {"a": 0, "b": 1, "c": 1}: one character a mention, one brace group a cluster."""
    out: dict[str, int] = {}
    for cluster, group in enumerate(notation.split()):
        assert group[0] == "{" and group[-1] == "}", group
        for mention in group[1:-1]:
            assert mention not in out, f"duplicate mention {mention}"
            out[mention] = cluster
    return out


def f1(r: float, p: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def check(scores: Scores, recall: float, precision: float, f: float | None = None, tol: float = 1e-9) -> None:
    """Compare in the reference config's order: recall, precision, F1 (F1 from the two when not given)."""
    got = (scores.recall, scores.precision, scores.f1)
    want = (recall, precision, f1(recall, precision) if f is None else f)
    assert got == pytest.approx(want, abs=tol), (got, want)


KEY_A = "{a} {bc} {def}"
KEY_DE = "{12345} {67} {89ABC}"  # Bagga & Baldwin (1998): TC-D and TC-E
KEY_M = "{abcdef}"
KEY_N = "{a} {b} {c} {d} {e} {f}"

# id: (key, response, {metric: (recall, precision, F1 or None)}), from CorefMetricTestConfig.pm.
# CEAF-e is given there to 5 decimals only, hence its looser tolerance below.
# TC-A-7, A-8 and A-9 repeat a mention (b twice, or ten times): a mapping cannot hold a duplicate,
# and once de-duplicated as the scorer does their responses are TC-A-4's, with TC-A-4's expected values.
REFERENCE = {
    "A1": (KEY_A, "{a} {bc} {def}", {"muc": (1, 1, 1), "b3": (1, 1, 1), "ceaf_e": (1, 1, 1)}),
    "A2": (
        KEY_A,
        "{a} {de}",
        {"muc": (1 / 3, 1, 0.5), "b3": ((7 / 3) / 6, 1, 14 / 25), "ceaf_e": (0.6, 0.9, 0.72)},
    ),
    "A3": (
        KEY_A,
        "{a} {bcx} {defy} {z}",
        {"muc": (1, 3 / 5, 0.75), "b3": (1, (4 + 7 / 12) / 9, 110 / 163), "ceaf_e": (0.88571, 0.66429, 0.75918)},
    ),
    "A4": (
        KEY_A,
        "{a} {bcx} {dy} {z}",
        {
            "muc": (1 / 3, 1 / 3, 1 / 3),
            "b3": ((3 + 1 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7, None),
            "ceaf_e": (0.73333, 0.55, 0.62857),
        },
    ),
    "A5": (
        KEY_A,
        "{a} {bcxB} {dy} {z}",
        {"muc": (1 / 3, 1 / 4, 2 / 7), "b3": ((3 + 1 / 3) / 6, 2.5 / 8, None), "ceaf_e": (0.68889, 0.51667, 0.59048)},
    ),
    "A6": (
        KEY_A,
        "{a} {bcx} {dy} {Bz}",
        {
            "muc": (1 / 3, 1 / 4, 2 / 7),
            "b3": ((10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 8, None),
            "ceaf_e": (0.73333, 0.55, 0.62857),
        },
    ),
    "A10": (KEY_A, "{a} {b} {c} {d} {e} {f}", {"muc": (0, 0, 0), "b3": (3 / 6, 6 / 6, 2 / 3)}),
    "A11": (
        KEY_A,
        "{abcdef}",
        {"muc": (3 / 3, 3 / 5, 6 / 8), "b3": (6 / 6, (1 / 6 + 2 * 2 / 6 + 3 * 3 / 6) / 6, 14 / 25)},
    ),
    "A12": (KEY_A, "{a} {x} {y} {c} {d} {e} {z}", {"muc": (0, 0, 0), "b3": ((1 + 1 / 2 + 2 / 3) / 6, 4 / 7, None)}),
    "A13": (
        KEY_A,
        "{axycdez}",
        {"muc": (1 / 3, 1 / 6, 2 / 9), "b3": ((1 + 1 / 2 + 2 * 2 / 3) / 6, (1 / 7 + 1 / 7 + 2 * 2 / 7) / 7, None)},
    ),
    "D1": (KEY_DE, "{12345} {6789ABC}", {"muc": (9 / 9, 9 / 10, None), "b3": (12 / 12, 16 / 21, None)}),
    "E1": (KEY_DE, "{1234589ABC} {67}", {"muc": (9 / 9, 9 / 10, None), "b3": (1, 7 / 12, None)}),
    # Vilain et al. (1995), the MUC paper. H-1 differs from a perfect answer in its links only.
    "F1": ("{ABCD}", "{AB} {CD}", {"muc": (2 / 3, 2 / 2, None)}),
    "G1": ("{AB} {CD}", "{ABCD}", {"muc": (2 / 2, 2 / 3, None)}),
    "H1": ("{ABCD}", "{ABCD}", {"muc": (1, 1, 1)}),
    "I1": ("{ABCD}", "{AB} {CD}", {"muc": (2 / 3, 2 / 2, None)}),
    "J1": ("{ABC}", "{AC}", {"muc": (1 / 2, 1 / 1, None)}),
    "K1": ("{BCDEGHJ}", "{ABC} {DEF} {GHI}", {"muc": (3 / 6, 3 / 6, 3 / 6)}),
    "L1": ("{ABC} {DEFG}", "{AB} {CD} {FGH}", {"muc": (2 / 5, 2 / 4, None)}),
    # TC-M and TC-N: values from TestCases.README (the config stops at TC-L).
    "M1": (KEY_M, "{abcdef}", {"muc": (1, 1, 1), "b3": (1, 1, 1), "ceaf_e": (1, 1, 1)}),
    "M2": (KEY_M, "{a} {b} {c} {d} {e} {f}", {"muc": (0, 0, 0)}),
    "M5": (KEY_M, "{a} {b} {c} {x} {y} {z}", {"muc": (0, 0, 0)}),
    "N1": (KEY_N, "{a} {b} {c} {d} {e} {f}", {"muc": (0, 0, 0), "b3": (1, 1, 1), "ceaf_e": (1, 1, 1)}),
    "N2": (KEY_N, "{abcdef}", {"muc": (0, 0, 0)}),
    "N4": (KEY_N, "{a} {b} {c} {x} {y} {z}", {"muc": (0, 0, 0)}),
}
METRICS = {"muc": muc, "b3": b_cubed, "ceaf_e": ceaf_e}


@pytest.mark.parametrize(
    ("case", "metric"), [(case, metric) for case, (_, _, expected) in REFERENCE.items() for metric in expected]
)
def test_reference_scorer_cases(case, metric):
    key, response, expected = REFERENCE[case]
    tol = 1e-5 if metric == "ceaf_e" and case not in {"A1", "A2", "M1", "N1"} else 1e-9
    check(METRICS[metric](parse(key), parse(response)), *expected[metric], tol=tol)


# CEAF-e of TC-A exactly, from the φ4 sums written out in TestCases.README (e.g. A-3: 1 + 4/5 + 6/7).
@pytest.mark.parametrize(
    ("response", "similarity", "n_response"),
    [
        ("{a} {de}", Fraction(1) + Fraction(4, 5), 2),
        ("{a} {bcx} {defy} {z}", Fraction(1) + Fraction(4, 5) + Fraction(6, 7), 4),
        ("{a} {bcx} {dy} {z}", Fraction(1) + Fraction(4, 5) + Fraction(2, 5), 4),
        ("{a} {bcxB} {dy} {z}", Fraction(1) + Fraction(4, 6) + Fraction(2, 5), 4),
        ("{a} {bcx} {dy} {Bz}", Fraction(1) + Fraction(4, 5) + Fraction(2, 5), 4),
        # Not in the reference config; by hand: a↔a, bc↔b (2·1/3), def↔d (2·1/4).
        ("{a} {b} {c} {d} {e} {f}", Fraction(1) + Fraction(2, 3) + Fraction(1, 2), 6),
        # By hand: the one response entity goes to def, 2·3/(3+6).
        ("{abcdef}", Fraction(2, 3), 1),
        # By hand: a↔a (1), c↔c with bc (2/3), one of d, e with def (1/2); x, y, z match nothing.
        ("{a} {x} {y} {c} {d} {e} {z}", Fraction(1) + Fraction(2, 3) + Fraction(1, 2), 7),
    ],
)
def test_ceaf_e_exact(response, similarity, n_response):
    check(ceaf_e(parse(KEY_A), parse(response)), float(similarity / 3), float(similarity / n_response))


def test_bagga_baldwin_b3_tells_apart_what_muc_does_not():
    """The B³ paper's example: merging the small cluster costs less precision than merging the two big ones."""
    key = parse(KEY_DE)
    small, big = parse("{12345} {6789ABC}"), parse("{1234589ABC} {67}")
    assert muc(key, small) == muc(key, big)
    assert b_cubed(key, small).precision == pytest.approx(16 / 21)
    assert b_cubed(key, big).precision == pytest.approx(7 / 12)
    assert b_cubed(key, small).f1 == pytest.approx(0.864864865)  # the README's figures
    assert b_cubed(key, big).f1 == pytest.approx(0.736842105)


def test_spurious_and_missing_mentions_are_not_credited():
    """TC-A-12 by hand: spurious singletons x, y, z add to the precision denominator only; missing b, f to recall's."""
    key, response = parse(KEY_A), parse("{a} {x} {y} {c} {d} {e} {z}")
    per_response_mention = {"a": 1, "x": 0, "y": 0, "c": 1, "d": 1, "e": 1, "z": 0}
    per_key_mention = {"a": 1, "b": 0, "c": 1 / 2, "d": 1 / 3, "e": 1 / 3, "f": 0}
    s = b_cubed(key, response)
    assert s.precision == pytest.approx(sum(per_response_mention.values()) / 7)
    assert s.recall == pytest.approx(sum(per_key_mention.values()) / 6)


# Hand-built small cases.
ITEMS = "abcdef"
PERFECT = {m: c for m, c in zip(ITEMS, "xxyyyz", strict=True)}


@pytest.mark.parametrize("metric", [b_cubed, ceaf_e, muc])
def test_perfect_clustering_scores_one(metric):
    relabelled = {m: {"x": 10, "y": 20, "z": 30}[c] for m, c in PERFECT.items()}
    assert metric(PERFECT, relabelled) == Scores(1.0, 1.0, 1.0)


def test_all_singletons_and_all_in_one():
    gold = parse("{ab} {cde} {f}")
    singletons = {m: i for i, m in enumerate(gold)}
    one = dict.fromkeys(gold, 0)
    # B³: each mention alone keeps precision 1; recall is the mean of 1/|G|.
    check(b_cubed(gold, singletons), (2 * 1 / 2 + 3 * 1 / 3 + 1) / 6, 1)
    # All in one: recall 1; precision is the mean of |G|/6.
    check(b_cubed(gold, one), 1, (2 * 2 / 6 + 3 * 3 / 6 + 1 / 6) / 6)
    # MUC: no response link, or every key link found among 5 response links (3 of them correct).
    check(muc(gold, singletons), 0, 0, 0)
    check(muc(gold, one), 1, 3 / 5)
    # CEAF-e: singletons: a↔ab (2/3), c↔cde (1/2), f↔f (1); all in one: 6-cluster ↔ cde, 2·3/9.
    check(ceaf_e(gold, singletons), (2 / 3 + 1 / 2 + 1) / 3, (2 / 3 + 1 / 2 + 1) / 6)
    check(ceaf_e(gold, one), (2 / 3) / 3, 2 / 3)


def test_empty_sides_score_zero():
    gold = parse("{ab} {c}")
    for metric in (b_cubed, muc, ceaf_e):
        assert metric(gold, {}) == Scores(0.0, 0.0, 0.0)
        assert metric({}, gold) == Scores(0.0, 0.0, 0.0)
        assert metric({}, {}) == Scores(0.0, 0.0, 0.0)


def test_conll_average_and_rounding():
    key, response = parse(KEY_A), parse("{a} {bcx} {defy} {z}")  # TC-A-3
    out = conll(key, response)
    assert set(out) == {"muc", "b3", "ceaf_e", "conll_f1"}
    assert out["muc"] == {"precision": 0.6, "recall": 1.0, "f1": 0.75}
    assert out["b3"] == {"precision": round(55 / 108, 4), "recall": 1.0, "f1": round(110 / 163, 4)}
    assert out["ceaf_e"] == {"precision": 0.6643, "recall": 0.8857, "f1": 0.7592}
    sim = 1 + 4 / 5 + 6 / 7
    assert out["conll_f1"] == round((0.75 + 110 / 163 + f1(sim / 3, sim / 4)) / 3, 4)
    assert out["conll_f1"] == 0.728


def test_documents_scored_together_add_up():
    """Two documents in one mapping (ids prefixed) give the reference scorer's totals: summed counts."""
    k1, r1 = parse(KEY_A), parse("{a} {bcx} {dy} {z}")  # TC-A-4
    k2, r2 = parse(KEY_DE), parse("{12345} {6789ABC}")  # TC-D-1
    gold = {**{("d1", m): ("d1", c) for m, c in k1.items()}, **{("d2", m): ("d2", c) for m, c in k2.items()}}
    pred = {**{("d1", m): ("d1", c) for m, c in r1.items()}, **{("d2", m): ("d2", c) for m, c in r2.items()}}
    # MUC: recall (1 + 9) / (3 + 9), precision (1 + 9) / (3 + 10).
    check(muc(gold, pred), 10 / 12, 10 / 13)
    # B³: numerators add over 6 + 12 key and 7 + 12 response mentions.
    check(b_cubed(gold, pred), (10 / 3 + 12) / 18, (1 + 4 / 3 + 1 / 2 + 16 / 21 * 12) / 19)
    # CEAF-e: 2.2 from TC-A-4; TC-D-1 aligns 12345↔12345 (1) and 89ABC↔6789ABC (2·5/12). 3 + 3 and 4 + 2 entities.
    sim = 2.2 + 1 + 10 / 12
    check(ceaf_e(gold, pred), sim / 6, sim / 6)


# Properties.
clusterings = st.dictionaries(st.sampled_from("abcdefghij"), st.integers(0, 4), max_size=10)


@given(clusterings, clusterings)
def test_scores_are_in_unit_interval_and_swap_with_sides(gold, pred):
    for metric in (b_cubed, muc, ceaf_e):
        s, t = metric(gold, pred), metric(pred, gold)
        assert 0 <= s.precision <= 1 and 0 <= s.recall <= 1 and 0 <= s.f1 <= 1
        assert min(s.precision, s.recall) - 1e-12 <= s.f1 <= max(s.precision, s.recall) + 1e-12
        assert (t.precision, t.recall) == pytest.approx((s.recall, s.precision))


@given(st.dictionaries(st.sampled_from("abcdefghij"), st.integers(0, 4), min_size=1, max_size=10), st.data())
def test_b3_swaps_on_the_same_items(gold, data):
    pred = {m: data.draw(st.integers(0, 4)) for m in gold}
    s, t = b_cubed(gold, pred), b_cubed(pred, gold)
    assert (t.precision, t.recall, t.f1) == pytest.approx((s.recall, s.precision, s.f1))
    assert clustering_scores(gold, pred)["b3"] == s.to_dict()


@given(clusterings, clusterings)
def test_ceaf_e_matches_brute_force_alignment(gold, pred):
    """The alignment solved per group of overlapping clusters equals the best of all one-to-one alignments."""
    gold_c: dict[int, set[str]] = {}
    pred_c: dict[int, set[str]] = {}
    for m, c in gold.items():
        gold_c.setdefault(c, set()).add(m)
    for m, c in pred.items():
        pred_c.setdefault(c, set()).add(m)
    g, p = list(gold_c.values()), list(pred_c.values())
    if len(g) > len(p):
        g, p = p, g
    best = max(
        (
            sum(2 * len(a & b) / (len(a) + len(b)) for a, b in zip(g, perm, strict=True))
            for perm in itertools.permutations(p, len(g))
        ),
        default=0.0,
    )
    s = ceaf_e(gold, pred)
    assert s.recall * len(gold_c) == pytest.approx(best)
    assert s.precision * len(pred_c) == pytest.approx(best)


# Document clustering.
def manning_example() -> tuple[dict, dict]:
    """Manning, Raghavan & Schütze, *Introduction to IR*, fig. 16.4: 17 items in 3 clusters, classes x, o, d."""
    clusters = ["xxxxxo", "xooood", "xxddd"]
    gold, pred = {}, {}
    for k, members in enumerate(clusters):
        for i, cls in enumerate(members):
            gold[(k, i)] = cls
            pred[(k, i)] = k
    return gold, pred


def test_clustering_scores_on_the_ir_book_example():
    gold, pred = manning_example()
    out = clustering_scores(gold, pred)
    n = 17
    # Purity (5 + 4 + 3) / 17 ≈ 0.71 in the book.
    assert out["purity"] == round(12 / 17, 4) == 0.7059
    # ARI by hand from the pair counts: Σ C(n_ij, 2) = 20 (the book's TP), clusters 6, 6, 5, classes 8, 5, 4.
    index = 20
    pred_pairs = math.comb(6, 2) * 2 + math.comb(5, 2)
    gold_pairs = math.comb(8, 2) + math.comb(5, 2) + math.comb(4, 2)
    expected = pred_pairs * gold_pairs / math.comb(n, 2)
    ari = (index - expected) / ((pred_pairs + gold_pairs) / 2 - expected)
    assert out["ari"] == pytest.approx(ari, abs=1e-4)
    assert out["ari"] == 0.2429
    # V-measure by hand; with arithmetic-mean normalisation it is the book's NMI, 0.36.
    table = {(0, "x"): 5, (0, "o"): 1, (1, "x"): 1, (1, "o"): 4, (1, "d"): 1, (2, "x"): 2, (2, "d"): 3}
    sizes_k, sizes_c = {0: 6, 1: 6, 2: 5}, {"x": 8, "o": 5, "d": 4}

    def entropy(sizes):
        return -sum(v / n * math.log(v / n) for v in sizes.values())

    h_c_given_k = -sum(v / n * math.log(v / sizes_k[k]) for (k, _), v in table.items())
    h_k_given_c = -sum(v / n * math.log(v / sizes_c[c]) for (_, c), v in table.items())
    homogeneity = 1 - h_c_given_k / entropy(sizes_c)
    completeness = 1 - h_k_given_c / entropy(sizes_k)
    assert out["homogeneity"] == pytest.approx(homogeneity, abs=1e-4)
    assert out["completeness"] == pytest.approx(completeness, abs=1e-4)
    assert out["v_measure"] == pytest.approx(f1(homogeneity, completeness), abs=1e-4)
    assert round(out["v_measure"], 2) == 0.36
    # B³ by hand: precision per cluster (5·5 + 1)/6, (1 + 16 + 1)/6, (4 + 9)/5; recall per class (25 + 1 + 4)/8, …
    b3_p = ((25 + 1) / 6 + (1 + 16 + 1) / 6 + (4 + 9) / 5) / n
    b3_r = ((25 + 1 + 4) / 8 + (1 + 16) / 5 + (1 + 9) / 4) / n
    assert out["b3"] == {"precision": round(b3_p, 4), "recall": round(b3_r, 4), "f1": round(f1(b3_r, b3_p), 4)}
    assert out["b3"]["precision"] == 0.5843 and out["b3"]["recall"] == 0.5676
    assert out["gold_clusters"] == 3 and out["predicted_clusters"] == 3


def test_clustering_scores_extremes():
    gold = {"d1": "s1", "d2": "s1", "d3": "s2", "d4": "s3"}
    perfect = clustering_scores(gold, {"d1": 7, "d2": 7, "d3": 8, "d4": 9})
    assert perfect == {
        "b3": {"precision": 1.0, "recall": 1.0, "f1": 1.0},
        "ari": 1.0,
        "v_measure": 1.0,
        "homogeneity": 1.0,
        "completeness": 1.0,
        "purity": 1.0,
        "gold_clusters": 3,
        "predicted_clusters": 3,
    }
    one = clustering_scores(gold, dict.fromkeys(gold, "all"))
    assert one["purity"] == 0.5 and one["homogeneity"] == 0.0 and one["completeness"] == 1.0
    assert one["ari"] == 0.0 and one["predicted_clusters"] == 1
    assert one["b3"] == {"precision": 0.375, "recall": 1.0, "f1": round(f1(1, 0.375), 4)}
    alone = clustering_scores(gold, {d: d for d in gold})
    assert alone["purity"] == 1.0 and alone["homogeneity"] == 1.0 and alone["predicted_clusters"] == 4
    assert alone["b3"]["recall"] == 0.75 and alone["b3"]["precision"] == 1.0


def test_clustering_scores_needs_the_same_items():
    with pytest.raises(ValueError, match=r"1 only in gold \('d3'\); 1 only in pred \('d9'\)"):
        clustering_scores({"d1": 0, "d2": 0, "d3": 1}, {"d1": 0, "d2": 0, "d9": 1})
    with pytest.raises(ValueError, match="no items"):
        clustering_scores({}, {})
