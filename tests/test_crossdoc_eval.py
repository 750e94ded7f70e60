"""Cross-document evaluation glue: gold token spans → text offsets, span alignment, scoring, and one real run."""

import datetime

import pytest

from dateline.dates import parse_publication_date
from dateline.evaluation.coref import conll
from dateline.evaluation.crossdoc import (
    GoldMention,
    PredMention,
    align,
    build_store,
    doc_ids_of,
    render,
    same_lemma_clusters,
    score_mentions,
)
from dateline.model import Article

DAY = datetime.date(2020, 5, 1)


def gm(doc, key, start, end, cluster, head=None, kind="NAM"):
    return GoldMention(doc, key, start, end, cluster, head, kind)


def pm(doc, key, start, end, cluster):
    return PredMention(doc, key, start, end, cluster)


# -- render -----------------------------------------------------------------------------------


def test_render_joins_tokens_with_spaces_and_sentences_with_newlines():
    doc = render("d1", [["Rain", "fell", "."], ["Roads", "closed", "."]], DAY, "g")
    assert doc.text == "Rain fell .\nRoads closed ."
    assert doc.tokens[1][0] == (12, 17)
    assert doc.sentences == [(0, 11), (12, 26)]
    (span, head) = doc.char_span(1, 0, 2)
    assert doc.text[span[0] : span[1]] == "Roads closed"
    assert doc.text[head[0] : head[1]] == "closed"
    assert doc.sentence_of(5) == 0 and doc.sentence_of(12) == 1 and doc.sentence_of(11) is None


def test_render_drops_sentences_and_keeps_offsets_of_the_rest():
    doc = render("d1", [["http", ":", "/", "/", "x"], ["Rain", "fell"], ["Sun"]], DAY, drop={0})
    assert doc.text == "Rain fell\nSun"
    assert doc.char_span(0, 0, 1) is None
    assert doc.char_span(2, 0, 1) == ((10, 13), (10, 13))
    assert doc.sentence_of(0) == 1


# -- align ------------------------------------------------------------------------------------


def test_align_strict_needs_equal_spans_one_to_one():
    gold = [gm("a", "g1", 0, 10, "X"), gm("a", "g2", 0, 10, "Y"), gm("a", "g3", 20, 25, "Z")]
    pred = [pm("a", "p1", 0, 10, 1), pm("a", "p2", 20, 24, 2), pm("b", "p3", 0, 10, 3)]
    out = align(gold, pred, "strict")
    assert out == {"p1": "g1"}  # one gold per prediction; p2's span differs; p3 is another document


def test_align_lenient_needs_the_gold_head_and_prefers_equal_spans():
    # gold "the Lakers" (0-10, head 4-10), predicted "Lakers" (4-10): aligned leniently, not strictly.
    gold = [gm("a", "g1", 0, 10, "X", head=(4, 10))]
    assert align(gold, [pm("a", "p1", 4, 10, 1)], "strict") == {}
    assert align(gold, [pm("a", "p1", 4, 10, 1)], "lenient") == {"p1": "g1"}
    # A prediction overlapping only the determiner misses the head.
    assert align(gold, [pm("a", "p1", 0, 3, 1)], "lenient") == {}
    # Two candidates: the equal span wins over the partial one.
    pred = [pm("a", "p1", 4, 10, 1), pm("a", "p2", 0, 10, 2)]
    assert align(gold, pred, "lenient") == {"p2": "g1"}


def test_align_lenient_without_head_is_plain_overlap():
    gold = [gm("a", "g1", 10, 20, "X")]
    assert align(gold, [pm("a", "p1", 18, 30, 1)], "lenient") == {"p1": "g1"}
    assert align(gold, [pm("a", "p1", 20, 30, 1)], "lenient") == {}


def test_align_rejects_unknown_mode():
    with pytest.raises(ValueError, match="strict or lenient"):
        align([], [], "fuzzy")


# -- score_mentions ---------------------------------------------------------------------------


def test_score_mentions_perfect_prediction():
    gold = [gm("a", "g1", 0, 3, "X"), gm("b", "g2", 5, 8, "X"), gm("b", "g3", 10, 12, "Y")]
    pred = [pm("a", "p1", 0, 3, "e1"), pm("b", "p2", 5, 8, "e1"), pm("b", "p3", 10, 12, "e2")]
    out = score_mentions(gold, pred)
    assert out["conll_f1"] == 1.0
    assert out["mentions"] == {"gold": 3, "predicted": 3, "matched": 3, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert out["clusters"] == {"gold": 2, "predicted": 2}


def test_score_mentions_counts_missed_and_spurious_as_the_reference_scorer():
    gold = [gm("a", "g1", 0, 3, "X"), gm("b", "g2", 5, 8, "X"), gm("b", "g3", 10, 12, "Y")]
    # g3 is missed; p4 is spurious and put in the same cluster as the two right ones.
    pred = [pm("a", "p1", 0, 3, "e1"), pm("b", "p2", 5, 8, "e1"), pm("b", "p4", 30, 33, "e1")]
    out = score_mentions(gold, pred)
    expected = conll(
        {"g1": "X", "g2": "X", "g3": "Y"},
        {"g1": "e1", "g2": "e1", "spurious": "e1"},
    )
    for metric in ("muc", "b3", "ceaf_e"):
        assert out[metric] == expected[metric]
    assert out["mentions"]["matched"] == 2
    assert out["mentions"]["precision"] == round(2 / 3, 4) and out["mentions"]["recall"] == round(2 / 3, 4)
    # By hand: B³ recall (1 + 1 + 0) / 3; precision (2/3 + 2/3 + 0) / 3.
    assert out["b3"]["recall"] == round(2 / 3, 4)
    assert out["b3"]["precision"] == round(4 / 9, 4)


def test_score_mentions_lenient_credits_head_matches():
    gold = [gm("a", "g1", 0, 10, "X", head=(4, 10)), gm("b", "g2", 0, 6, "X", head=(0, 6))]
    pred = [pm("a", "p1", 4, 10, "e1"), pm("b", "p2", 0, 6, "e1")]
    assert score_mentions(gold, pred, "strict")["mentions"]["matched"] == 1
    lenient = score_mentions(gold, pred, "lenient")
    assert lenient["conll_f1"] == 1.0


def test_score_mentions_restricted_to_named_gold_leaves_out_predictions_of_other_mentions():
    gold = [
        gm("a", "g1", 0, 5, "X", kind="NAM"),
        gm("a", "g2", 10, 13, "X", kind="PRO"),
        gm("b", "g3", 0, 5, "X", kind="NAM"),
    ]
    pred = [
        pm("a", "p1", 0, 5, "e1"),
        pm("a", "p2", 10, 13, "e1"),  # aligned to the pronoun: neither credited nor spurious
        pm("b", "p3", 0, 5, "e1"),
        pm("b", "p4", 20, 25, "e2"),  # aligned to nothing: spurious
    ]
    out = score_mentions(gold, pred, keep_gold=lambda m: m.kind == "NAM")
    assert out["mentions"] == {
        "gold": 2,
        "predicted": 3,
        "matched": 2,
        "precision": round(2 / 3, 4),
        "recall": 1.0,
        "f1": 0.8,
    }
    assert out["b3"]["recall"] == 1.0 and out["muc"]["recall"] == 1.0


def test_score_mentions_namespace_keeps_groups_apart():
    # The same gold cluster id in two corpora, and one predicted entity spanning both.
    gold = [gm("a1", "g1", 0, 3, "X"), gm("a2", "g2", 0, 3, "X"), gm("b1", "g3", 0, 3, "X"), gm("b2", "g4", 0, 3, "X")]
    pred = [pm(g.doc_id, "p" + g.key, 0, 3, "e") for g in gold]
    corpus = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    assert score_mentions(gold, pred, namespace=corpus.__getitem__)["conll_f1"] == 1.0
    # Without the namespace the collections are one: still perfect, since both sides span both.
    assert score_mentions(gold, pred)["conll_f1"] == 1.0
    # A predicted merge across corpora of two different gold entities is not visible per corpus...
    gold_split = [gm(g.doc_id, g.key, 0, 3, corpus[g.doc_id]) for g in gold]
    assert score_mentions(gold_split, pred, namespace=corpus.__getitem__)["conll_f1"] == 1.0
    # ...but is in the whole collection.
    assert score_mentions(gold_split, pred)["b3"]["precision"] == 0.5


def test_same_lemma_clusters_group_by_story_and_lemma():
    mentions = [
        pm("a", "p1", 0, 6, "e1"),
        pm("a", "p2", 10, 15, "e2"),
        pm("b", "p3", 0, 6, "e3"),
        pm("c", "p4", 0, 6, "e4"),
    ]
    lemma = {"p1": "meet", "p2": "meet", "p3": "meet", "p4": "meet"}
    story = {"a": "s1", "b": "s1", "c": "s2"}
    out = same_lemma_clusters(mentions, lambda m: lemma[m.key], story.__getitem__)
    assert [m.cluster for m in out] == [("s1", "meet"), ("s1", "meet"), ("s1", "meet"), ("s2", "meet")]
    assert [m.key for m in out] == ["p1", "p2", "p3", "p4"]


# -- the store glue ---------------------------------------------------------------------------


def test_build_store_refuses_an_existing_path_unless_reused(tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    with pytest.raises(FileExistsError, match="reuse=True"):
        build_store([], path)


def test_doc_ids_of_maps_articles_back_to_source_ids(memory_store):
    run = memory_store.begin_run("test", {})
    day = parse_publication_date("2020-05-01")
    arts = [
        Article("First text.", day, "in.jsonl", "line 1", "doc-1"),
        Article("Second.", day, "in.jsonl", "line 2", "doc-2"),
    ]
    memory_store.add_batch(run, arts)
    assert doc_ids_of(memory_store) == {arts[0].article_id: "doc-1", arts[1].article_id: "doc-2"}
    # The same text given under a second id: two documents, one article; refused.
    memory_store.add_batch(run, [Article("First text.", day, "in.jsonl", "line 3", "doc-3")])
    with pytest.raises(ValueError, match="same text"):
        doc_ids_of(memory_store)


# -- the real thing ---------------------------------------------------------------------------


@pytest.mark.slow
def test_meantime_entities_through_the_store(eval_dir):
    from dateline.evaluation.crossdoc import evaluate_meantime_entities

    r = evaluate_meantime_entities(eval_dir)
    assert r["counts"]["documents"] == 120
    assert r["counts"]["gold_named_mentions"] > 900
    named = r["lenient"]["named"]
    for corpus in ("micro", "airbus", "apple", "gm", "stock", "all_documents"):
        for metric in ("muc", "b3", "ceaf_e"):
            assert 0.0 <= named[corpus][metric]["f1"] <= 1.0
    # Floors: measured (strict 0.482, lenient 0.604 micro named B³ F1) minus a margin.
    assert r["strict"]["named"]["micro"]["b3"]["f1"] >= 0.43
    assert named["micro"]["b3"]["f1"] >= 0.55
    assert named["micro"]["mentions"]["recall"] >= 0.62
    # Strict alignment can only find fewer mentions than lenient.
    assert (
        r["strict"]["all_mentions"]["micro"]["mentions"]["matched"]
        <= r["lenient"]["all_mentions"]["micro"]["mentions"]["matched"]
    )
    for stories in r["stories"].values():
        assert stories["documents"] == 120 and stories["gold_clusters"] == 4 and stories["unassigned"] == 0
