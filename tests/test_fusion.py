"""Event fusion: mentions of one happening become one event; what contradicts stays apart."""

import random
from datetime import date, timedelta

import pytest

from dateline.ontology import load_ontology
from dateline.resolve.fusion import EventIndex, FusionMention, aggregate, blocking_keys, fuse_events

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


def test_undated_threats_and_denials_stay_one_statement_for_a_week():
    days = [date(2022, 2, 3), date(2022, 2, 9)]
    for modality, expected in (("hypothetical", [["m1", "m2"]]), ("negated", [["m1", "m2"]]),
                               ("asserted", [["m1"], ["m2"]])):  # fmt: skip
        ms = [mention(f"m{i + 1}", f"a{i + 1}", day=d, modality=modality, precision="article", date_value=d.isoformat())
              for i, d in enumerate(days)]  # fmt: skip
        assert groups(ms) == expected, modality


def test_a_country_and_its_forces_at_one_place_on_one_day_are_one_event():
    """ "Russian troops shelled X" and "Russia shelled X": other source entities, one country, one place."""
    troops = mention("m1", code="194", sources=("RUSMIL",), targets=(), source_codes=("RUSMIL",), target_codes=(),
                     location="P1", location_country="UKR")  # fmt: skip
    country = mention("m2", "a2", code="194", sources=("RUS",), targets=(), source_codes=("RUS",), target_codes=(),
                      location="P1", location_country="UKR")  # fmt: skip
    elsewhere = mention("m3", "a3", code="194", sources=("RUS",), targets=(), source_codes=("RUS",), target_codes=(),
                        location="P2", location_country="UKR")  # fmt: skip
    assert groups([troops, country, elsewhere]) == [["m1", "m2"], ["m3"]]


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


def _exhaustive(onto):
    """An index that offers every event sharing a blocking key, whatever its dates and sources (the reference)."""

    class Exhaustive(EventIndex):
        def candidates(self, m):
            keys = blocking_keys(m, self.onto)
            return [e for _, e in sorted(self.events.items())
                    if any(keys & blocking_keys(o, self.onto) for o in e.mentions)]  # fmt: skip

    return Exhaustive(onto)


def test_filing_by_date_misses_no_event_a_mention_could_join():
    def dated(mid, article, day, told):  # told: days before the article; None: undated; "month": a month
        if told is None:
            return mention(mid, article, day=day, precision="article", date_value=day.isoformat())
        if told == "month":
            m = mention(mid, article, day=day, precision="month", date_value=day.isoformat()[:7])
            m.range_start, m.range_end = day.replace(day=1), day.replace(day=28)
            return m
        return mention(mid, article, day=day, date_value=(day - timedelta(days=told)).isoformat())

    ways = [None, "month", *range(-4, 12)]
    merged = 0
    for gap in range(12):  # the second article comes `gap` days after the first
        for a in ways:
            for b in ways:
                ms = [dated("m1", "a1", DAY, a), dated("m2", "a2", DAY + timedelta(days=gap), b)]
                fused = fuse_events(ms, ONTO)
                assert fused == fuse_events(ms, ONTO, _exhaustive(ONTO)), (gap, a, b)
                merged += fused[0][1] == fused[1][1]
                # The later article resolved first (an earlier run): the event's first mention is the later one.
                bucketed, exhaustive = EventIndex(ONTO), _exhaustive(ONTO)
                for index in (bucketed, exhaustive):
                    fuse_events(ms[1:], ONTO, index)
                    fuse_events(ms[:1], ONTO, index)
                assert bucketed.events.keys() == exhaustive.events.keys(), (gap, a, b)
    assert merged > 100


def test_source_filing_misses_no_event_a_mention_could_join():
    sources = [((), ()), (("E1",), ("TURGOV",)), (("E9",), ("TURMIL",)), (("E9",), ("RUSGOV",)), ((), ("TUR",)),
               (("E9",), ()), ((), ("X",))]  # fmt: skip
    merged = 0
    for first in sources:
        for second in sources:
            for gap in (0, 2):
                later = DAY + timedelta(days=gap)
                ms = [mention("m1", "a1", sources=first[0], source_codes=first[1]),
                      mention("m2", "a2", day=later, sources=second[0], source_codes=second[1])]  # fmt: skip
                for order in (ms, ms[::-1]):  # the later article may have been resolved first
                    bucketed, exhaustive = EventIndex(ONTO), _exhaustive(ONTO)
                    for index in (bucketed, exhaustive):
                        fuse_events(order[:1], ONTO, index)
                        fuse_events(order[1:], ONTO, index)
                    assert bucketed.events.keys() == exhaustive.events.keys(), (first, second, gap)
                    merged += len(bucketed.events) == 1
    assert merged > 20


def test_events_of_other_weeks_are_never_compared(monkeypatch):
    from dateline.resolve import fusion

    calls = []
    real = fusion._compatible
    monkeypatch.setattr(fusion, "_compatible", lambda m, e, o, n: calls.append(m.mention_id) or real(m, e, o, n))
    days = [DAY + timedelta(days=30 * i) for i in range(10)]
    ms = [mention(f"m{i}", f"a{i}", day=day, date_value=day.isoformat()) for i, day in enumerate(days)]
    assert len(groups(ms)) == 10
    assert calls == []  # one actor, ten months: not one comparison
