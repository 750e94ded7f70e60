"""Story clustering: deterministic, incremental, time-windowed, blocked, explained; scored on ECB+."""

import random
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from dateline.resolve.stories import (
    StoryDoc,
    StorySettings,
    TermCounts,
    cluster_stories,
    decode_terms,
    encode_terms,
    story_id_for,
)

DAY = date(2024, 3, 4)

# Three made-up happenings, each told in several wordings (shared filler words on purpose).
STORIES = {
    "flood": (
        ("riverton", "mayor ada quill"),
        [
            "Flood waters from the swollen Marl river covered Riverton streets and the mayor ordered an evacuation.",
            "Riverton residents fled as the Marl river burst its banks; mayor Ada Quill ordered the evacuation.",
            "Rescue boats carried families from flooded Riverton homes after the Marl river rose overnight.",
            "The Marl river flood forced hundreds from Riverton, mayor Ada Quill said, as rescue boats worked.",
        ],
    ),
    "strike": (
        ("dockworkers union", "port of kelby"),
        [
            "Dockworkers at the port of Kelby walked out over pay, halting cargo cranes for the whole week.",
            "A dockworkers strike over wages stopped the cargo cranes at the port of Kelby on Monday.",
            "Cargo ships waited outside Kelby as striking dockworkers kept the cranes idle over a pay dispute.",
        ],
    ),
    "chess": (
        ("lena varga", "oskar brandt"),
        [
            "Lena Varga won the chess championship final against Oskar Brandt with a daring queen sacrifice.",
            "Grandmaster Lena Varga took the chess title after her queen sacrifice stunned Oskar Brandt.",
            "The chess championship went to Lena Varga, whose queen sacrifice beat Oskar Brandt in the final.",
        ],
    ),
}


def corpus(day: date = DAY, prefix: str = "") -> tuple[list[StoryDoc], dict[str, str]]:
    """The made-up articles (dated within three days) and their true story."""
    docs, truth = [], {}
    for name, (entities, texts) in STORIES.items():
        for n, text in enumerate(texts):
            aid = f"{prefix}{name}-{n}"
            docs.append(StoryDoc(aid, day + timedelta(days=n % 3), None, text, entities))
            truth[aid] = name
    return docs, truth


def grouping(assignments) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for a in assignments:
        groups.setdefault(a.story_id, set()).add(a.article_id)
    return {frozenset(g) for g in groups.values()}


def test_stories_found_without_their_number():
    docs, truth = corpus()
    found = grouping(cluster_stories(docs))
    expected = {frozenset(a for a, s in truth.items() if s == name) for name in STORIES}
    assert found == expected


def test_stories_are_order_independent():
    docs, _ = corpus()
    reference = cluster_stories(docs)
    for seed in range(5):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        assert cluster_stories(shuffled) == reference
    by_id = {d.article_id: d for d in docs}
    assert [a.article_id for a in reference] == sorted(by_id, key=lambda a: (by_id[a].date, a))


def test_story_ids_come_from_the_seed_article_and_stay_when_articles_join():
    docs, _ = corpus()
    first = cluster_stories(docs)
    story_of = {a.article_id: a.story_id for a in first}
    # The seed of each story is its earliest article (then the smallest id).
    assert story_of["flood-1"] == story_id_for("flood-0")
    assert story_of["chess-2"] == story_id_for("chess-0")
    existing = [(story_of[d.article_id], d) for d in docs]
    later, _ = corpus(DAY + timedelta(days=2), prefix="late-")
    second = cluster_stories(later, existing)
    for a in second:
        name = a.article_id.removeprefix("late-").split("-")[0]
        assert a.story_id == story_of[f"{name}-0"], a
        assert a.reason.startswith(f"joined story {a.story_id}")
    # An article already placed keeps its story.
    again = cluster_stories([docs[0]], existing)
    assert again[0].story_id == story_of[docs[0].article_id]


def test_two_existing_stories_are_never_merged():
    docs, _ = corpus()
    flood = [d for d in docs if d.article_id.startswith("flood")]
    existing = [("story-a", flood[0]), ("story-a", flood[1]), ("story-b", flood[2])]
    out = cluster_stories([flood[3]], existing)
    assert out[0].story_id in {"story-a", "story-b"}
    # story-b alone would have joined story-a had it been new.
    alone = cluster_stories([flood[2]], [("story-a", flood[0]), ("story-a", flood[1])])
    assert alone[0].story_id == "story-a"


def test_time_window_separates_the_same_text_a_year_later():
    docs, _ = corpus()
    later = [replace(d, article_id="y-" + d.article_id, date=d.date + timedelta(days=400)) for d in docs]
    out = cluster_stories(docs + later)
    story_of = {a.article_id: a.story_id for a in out}
    for d in docs:
        assert story_of[d.article_id] != story_of["y-" + d.article_id]
    # Given as an open story, too: the late copies start new stories.
    existing = [(story_of[d.article_id], d) for d in docs]
    for a in cluster_stories(later, existing):
        assert a.story_id == story_of[a.article_id]  # story of the first late copy, not an old one
        assert a.story_id not in {s for s, _ in existing}
    # Without the window they are one story each.
    merged = cluster_stories(docs + later, settings=StorySettings(window_days=None))
    assert len(grouping(merged)) == len(STORIES)


def test_undated_articles_have_no_time_constraint():
    docs, _ = corpus()
    undated = StoryDoc("undated", None, None, STORIES["chess"][1][0], STORIES["chess"][0])
    out = {a.article_id: a for a in cluster_stories([*docs, undated])}
    assert out["undated"].story_id == out["chess-0"].story_id
    assert "no date to compare" in out["undated"].reason
    # Unknown dates sort last: an undated article never seeds a story that dated articles join.
    assert out["chess-0"].story_id == story_id_for("chess-0")


def test_blocking_never_compares_articles_that_share_nothing():
    docs, truth = corpus()
    compared: set[frozenset[str]] = set()
    cluster_stories(docs, on_compare=lambda a, b, s: compared.add(frozenset((a, b))))
    assert compared  # articles of one story share terms and entities
    # The chess articles share no word and no entity with the strike articles.
    for a in (d.article_id for d in docs if truth[d.article_id] == "chess"):
        for b in (d.article_id for d in docs if truth[d.article_id] == "strike"):
            assert frozenset((a, b)) not in compared


def test_blocking_respects_the_window_and_skips_too_common_keys():
    docs, _ = corpus()
    far = [replace(d, article_id="far-" + d.article_id, date=d.date + timedelta(days=60)) for d in docs]
    compared: set[frozenset[str]] = set()
    cluster_stories(docs + far, on_compare=lambda a, b, s: compared.add(frozenset((a, b))))
    assert not any(("far-" in a) != ("far-" in b) for a, b in map(tuple, compared))
    # Each article names one entity shared by all: with max_postings below its count it links nothing.
    common = [replace(d, text=f"{d.article_id} item {n}", entities=("everywhere",)) for n, d in enumerate(docs)]
    calls: list = []
    cluster_stories(common, settings=StorySettings(max_postings=5), on_compare=lambda *x: calls.append(x))
    assert calls == []


def test_reasons_name_the_evidence():
    docs, _ = corpus()
    out = {a.article_id: a for a in cluster_stories(docs)}
    joined = out["flood-1"]
    assert joined.reason.startswith(f"joined story {joined.story_id} (text cosine ")
    assert "shared entities: 2" in joined.reason
    assert re.search(r"\b\d+ days? from its nearest article\)$", joined.reason)
    assert 0 < joined.score <= 1
    seed = out["flood-0"]
    assert seed.reason.startswith("new story, joined by 3 more")
    lone = cluster_stories([StoryDoc("lone", DAY, "A title", "Nothing else is about this parrot.")])[0]
    assert lone.reason.startswith("new story") and lone.score == 0.0
    assert lone.story_id == story_id_for("lone")


def test_empty_input():
    assert cluster_stories([]) == []


@pytest.mark.slow
def test_ecbplus_test_split_b3_f1(eval_dir):
    from dateline.evaluation.stories import evaluate_ecbplus_stories

    scores = evaluate_ecbplus_stories(eval_dir, "test", annotate=True)
    assert scores["documents"] == 210 and scores["gold_clusters"] == 20
    assert scores["b3_f1"] >= 0.95, scores  # published K-means, told k=20: 0.968


def test_term_counts_of_the_last_call_are_reused_and_change_nothing():
    docs, _ = corpus()
    later, _ = corpus(DAY + timedelta(days=2), prefix="late-")
    cache = TermCounts()
    first = cluster_stories(docs, cache=cache)
    assert first == cluster_stories(docs)
    existing = [(a.story_id, d) for a, d in zip(first, sorted(docs, key=lambda d: (d.date, d.article_id)), strict=True)]
    # The members' texts are not read again: their counts come from the last call.
    blank = [(sid, replace(d, text="")) for sid, d in existing]
    assert all(d.article_id in cache for _, d in blank)
    assert cluster_stories(later, blank, cache=cache) == cluster_stories(later, existing)
    assert cluster_stories(later, blank) != cluster_stories(later, existing)  # (the cache was used)
    # What a caller has to keep: the last call's counts, those hashed in the call before too.
    assert set(cache.unsaved()) == {d.article_id for d in docs + later}


def test_stored_term_counts_replace_the_texts_exactly():
    """The raw counts a call made, encoded (as the store keeps them) and handed to a new cache, give the same
    placements as the texts themselves: an incremental run decides as a run that reads every text."""
    docs, _ = corpus()
    later, _ = corpus(DAY + timedelta(days=2), prefix="late-")
    first_cache = TermCounts()
    first = cluster_stories(docs, cache=first_cache)
    hashed = first_cache.unsaved()
    assert set(hashed) == {d.article_id for d in docs}
    stored = {aid: encode_terms(raw) for aid, raw in hashed.items()}
    ordered = sorted(docs, key=lambda d: (d.date, d.article_id))
    existing = [(a.story_id, d) for a, d in zip(first, ordered, strict=True)]
    blank = [(sid, replace(d, text="", title=None)) for sid, d in existing]
    cache = TermCounts()
    cache.add({aid: decode_terms(blob) for aid, blob in stored.items()})
    assert all(d.article_id in cache for _, d in blank)
    assert cluster_stories(later, blank, cache=cache) == cluster_stories(later, existing)
    assert set(cache.unsaved()) == {d.article_id for d in later}  # the members were not hashed again


def test_term_counts_are_kept_for_one_hashing():
    docs, _ = corpus()
    cache = TermCounts()
    cluster_stories(docs, cache=cache)
    with pytest.raises(ValueError, match="other settings"):
        cluster_stories(docs, settings=StorySettings(title_weight=3), cache=cache)
