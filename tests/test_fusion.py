"""Event fusion: mentions of one happening become one event; what contradicts stays apart."""

import random
from datetime import date

import pytest

from dateline.ontology import load_ontology
from dateline.resolve.fusion import EventIndex, FusionMention, aggregate, fuse_events

ONTO = load_ontology()
DAY = date(2022, 2, 3)


def mention(mid, article="a1", day=DAY, code="042", modality="asserted", sources=("E1",), targets=("E2",),
            date_value="2022-02-03", precision="day", start=0, location=None, **kw):  # fmt: skip
    if precision == "article":
        rs = re = None
    else:
        rs = re = date.fromisoformat(date_value) if len(date_value) == 10 else None
        if date_value == "2022-02":
            rs, re = date(2022, 2, 1), date(2022, 2, 28)
    return FusionMention(mid, article, day, start, code, modality, tuple(sources), tuple(targets),
                         kw.pop("source_codes", ("TURGOV",)), kw.pop("target_codes", ("UKR",)), date_value, precision,
                         rs, re, location, kw.pop("location_country", None), **kw)  # fmt: skip


def groups(mentions):
    out = {}
    for mid, eid, _ in fuse_events(mentions, ONTO):
        out.setdefault(eid, set()).add(mid)
    return sorted(sorted(g) for g in out.values())


def test_two_reports_of_one_visit_are_one_event_with_the_reason():
    result = fuse_events([mention("m1", "a1"), mention("m2", "a2", day=date(2022, 2, 4))], ONTO)
    assert result[0][1] == result[1][1]
    assert result[0][2] == "first mention of this event"
    assert "shared source E1" in result[1][2] and "same date 2022-02-03" in result[1][2]


def test_negated_and_asserted_never_fuse():
    assert groups([mention("m1"), mention("m2", "a2", modality="negated")]) == [["m1"], ["m2"]]
    assert groups([mention("m1", modality="hypothetical"), mention("m2", "a2")]) == [["m1"], ["m2"]]


def test_an_announcement_joins_the_act_only_when_it_names_the_day():
    plan = mention("m1", "a1", day=date(2022, 2, 2), code="036", modality="future")
    act = mention("m2", "a2")
    assert groups([plan, act]) == [["m1", "m2"]]
    vague = mention("m1", "a1", day=date(2022, 2, 2), code="036", modality="future", date_value="2022-02",
                    precision="month")  # fmt: skip
    assert groups([vague, act]) == [["m1"], ["m2"]]


def test_different_actors_or_types_stay_apart():
    assert groups([mention("m1"), mention("m2", "a2", sources=("E9",), source_codes=("RUSGOV",))]) == [["m1"], ["m2"]]
    assert groups([mention("m1"), mention("m2", "a2", code="190")]) == [["m1"], ["m2"]]


def test_far_apart_dates_stay_apart_and_a_one_day_disagreement_is_a_conflict():
    later = mention("m2", "a2", date_value="2022-02-10", day=date(2022, 2, 10))
    assert groups([mention("m1"), later]) == [["m1"], ["m2"]]
    tuesday = mention("m1", "a1", date_value="2022-02-01", day=date(2022, 2, 2))
    wednesday = mention("m2", "a2", date_value="2022-02-02", day=date(2022, 2, 2))
    third = mention("m3", "a3", date_value="2022-02-01", day=date(2022, 2, 3))
    index = EventIndex(ONTO)
    fuse_events([tuesday, wednesday, third], ONTO, index)
    [event] = index.events.values()
    summary = aggregate(event, {"a1": "one.example", "a2": "two.example", "a3": "one.example"})
    assert summary.date == "2022-02-01"  # two articles say Tuesday, one Wednesday
    assert [c["value"] for c in summary.conflicts["date"]] == ["2022-02-01", "2022-02-02"]
    assert summary.conflicts["date"][1]["outlets"] == ["two.example"]
    assert (summary.num_mentions, summary.num_articles, summary.num_sources) == (3, 3, 2)


def test_undated_mentions_fuse_only_within_days_of_each_other():
    a = mention("m1", "a1", precision="article", date_value="2022-02-03")
    b = mention("m2", "a2", day=date(2022, 2, 5), precision="article", date_value="2022-02-05")
    c = mention("m3", "a3", day=date(2022, 3, 20), precision="article", date_value="2022-03-20")
    assert groups([a, b, c]) == [["m1", "m2"], ["m3"]]


def test_places_that_contradict_stay_apart():
    kyiv = mention("m1", location="P1", location_country="UKR")
    trabzon = mention("m2", "a2", location="P2", location_country="TUR")
    ukraine = mention("m3", "a3", location="P3", location_country="UKR", location_is_country=True)
    assert groups([kyiv, trabzon, ukraine]) == [["m1", "m3"], ["m2"]]


def test_the_result_does_not_depend_on_the_order():
    ms = [mention(f"m{i}", f"a{i % 4}", day=date(2022, 2, 3 + i % 3), sources=(f"E{i % 2}",), start=i)
          for i in range(12)]  # fmt: skip
    expected = fuse_events(ms, ONTO)
    for seed in range(5):
        shuffled = ms[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(fuse_events(shuffled, ONTO)) == sorted(expected)


def test_blocking_compares_only_events_that_share_an_actor(monkeypatch):
    from dateline.resolve import fusion

    calls = []
    real = fusion._compatible
    monkeypatch.setattr(
        fusion, "_compatible", lambda m, e, o: calls.append((m.mention_id, e.event_id)) or real(m, e, o)
    )
    ms = [mention(f"m{i}", f"a{i}", sources=(f"S{i}",), targets=(f"T{i}",)) for i in range(50)]
    fuse_events(ms, ONTO)
    assert calls == []  # 50 unrelated events: not one comparison


def test_asserted_wins_and_wire_copies_count_once():
    plan = mention("m1", "a1", day=date(2022, 2, 2), code="036", modality="future")
    act = mention("m2", "a2", code="042")
    index = EventIndex(ONTO)
    fuse_events([plan, act], ONTO, index)
    [event] = index.events.values()
    # a2 is a wire text republished by several outlets: its original outlet counts, once.
    summary = aggregate(event, {"a1": "wire.example", "a2": "wire.example"})
    assert (summary.modality, summary.cameo_code, summary.num_sources) == ("asserted", "042", 1)


@pytest.mark.parametrize("code,root", [("036", "04"), ("0311", "06"), ("042", "04"), ("190", "19")])
def test_announced_root(code, root):
    assert ONTO.announced_root(code) == root
