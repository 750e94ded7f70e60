"""The resolve benchmark's generated world: deterministic, offsets that index into the texts, and a
truth that resolve recovers (a person's spellings become one entity, a story's articles one story)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path

import pytest

from dateline import Config, Store
from dateline.resolve.run import resolve

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    name = "dateline_bench_resolve"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "resolve.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


N = 300


@pytest.fixture(scope="module")
def generated():
    return list(_bench().generate_with_truth(N, seed=5))


@pytest.fixture(scope="module")
def resolved(generated, tmp_path_factory):
    store = Store(str(tmp_path_factory.mktemp("bench") / "resolve.db"))
    run_id = store.begin_run("test", {})
    store.add_batch(run_id, [g.article for g in generated])
    store.save_annotations(run_id, {"bench": "generated"}, [g.annotations for g in generated])
    report = resolve(store, Config({"resolve.batch_size": 100}))  # several batches: later ones read earlier ones
    yield store, report
    store.close()


def _fingerprint(pairs):
    return [(a.article_id, a.date.value, a.outlet, a.title, asdict(ann)) for a, ann in pairs]


def test_the_generator_is_deterministic_and_the_seed_matters():
    bench = _bench()
    first = _fingerprint(bench.generate(60, seed=3))
    assert first == _fingerprint(bench.generate(60, seed=3))
    assert first != _fingerprint(bench.generate(60, seed=4))
    assert first[:25] == _fingerprint(bench.generate(25, seed=3))  # a smaller corpus is a prefix


def test_articles_are_distinct_dated_and_of_news_length(generated):
    assert len({g.article.article_id for g in generated}) == N
    days = sorted(g.article.date.day for g in generated)
    assert (days[-1] - days[0]).days > 365  # stories spread over two years
    words = [len(g.article.text.split()) for g in generated]
    assert min(words) >= 80 and max(words) <= 500
    assert sum(len(g.annotations.events) for g in generated) >= N
    modalities = Counter(e.modality for g in generated for e in g.annotations.events)
    assert modalities["asserted"] > modalities["negated"] > 0 and modalities["future"] > 0


def test_every_offset_indexes_into_the_text(generated):
    for g in generated:
        text, ann = g.article.text, g.annotations
        spans = {(m.start, m.end): m for m in ann.mentions}
        for m in ann.mentions:
            assert text[m.start : m.end] == m.text
        for t in ann.times:
            assert text[t.start : t.end] == t.text
        for e in ann.events:
            assert text[e.start : e.end] == e.trigger
            assert e.sentence_start <= e.start < e.end <= e.sentence_end
            assert text[e.sentence_end - 1] == "."
            for actor in e.sources + e.targets:
                m = spans[(actor["start"], actor["end"])]  # resolve finds the entity by this span
                assert text[actor["start"] : actor["end"]] == m.text
                assert actor["text"] in (m.text, m.canonical)
            if e.location:
                assert text[e.location["start"] : e.location["end"]] == e.location["text"]
                assert (e.location["start"], e.location["end"]) in spans
        for (start, end), _person in g.people.items():
            assert (start, end) in spans
        # One person is one chain in an article, whose canonical is the fullest form used.
        chains = defaultdict(set)
        for span, person in g.people.items():
            chains[person].add(spans[span].chain)
        assert all(len(c) == 1 for c in chains.values())
        for m in ann.mentions:
            if m.label == "PERSON":
                assert len(m.canonical.split()) >= len(m.text.split())


def test_the_people_are_written_in_several_spellings(generated):
    world = _bench().build_world(5)
    forms = defaultdict(set)
    for g in generated:
        spans = {(m.start, m.end): m for m in g.annotations.mentions}
        for span, person in g.people.items():
            if spans[span].label == "PERSON":
                forms[person].add(spans[span].text)
    assert sum(len(f) >= 3 for f in forms.values()) >= 10
    for person, fs in forms.items():  # each form ends with one of the person's surname spellings
        p = world.people[person]
        assert {f.split()[-1] for f in fs} <= set(p.surnames) | set(p.bare_surnames)


def _purity(pairs) -> float:
    """Of the items, the share that sit in their group's most common other label (B³-style, by group)."""
    groups = defaultdict(Counter)
    for group, label in pairs:
        groups[group][label] += 1
    return sum(c.most_common(1)[0][1] for c in groups.values()) / sum(sum(c.values()) for c in groups.values())


def test_resolve_links_the_spellings_of_a_person_to_one_entity(generated, resolved):
    store, _ = resolved
    entity = {(r["article_id"], r["start"], r["end"]): r["entity_id"] for r in store.mentions()}
    pairs = []  # (person, entity) per mention of a person
    for g in generated:
        for (start, end), person in g.people.items():
            pairs.append((person, entity.get((g.article.article_id, start, end)) or f"none:{g.article.article_id}"))
    assert len(pairs) > 1000
    assert _purity(pairs) >= 0.9  # a person's mentions sit in their largest entity
    assert _purity([(e, p) for p, e in pairs]) >= 0.95  # an entity holds one person's mentions
    by_person = defaultdict(Counter)
    for person, eid in pairs:
        by_person[person][eid] += 1
    spread = [c for c in by_person.values() if sum(c.values()) >= 10]
    assert spread and all(c.most_common(1)[0][1] / sum(c.values()) >= 0.75 for c in spread)


def test_resolve_puts_a_storys_articles_in_one_story(generated, resolved):
    store, report = resolved
    assert report.status == "ok" and report.articles == N
    story_of = store.story_of_articles([g.article.article_id for g in generated])
    assert len(story_of) == N
    pairs = [(g.story, story_of[g.article.article_id]) for g in generated]
    assert _purity(pairs) >= 0.8  # a story's articles sit mostly in one story
    assert _purity([(s, t) for t, s in pairs]) >= 0.8  # a story holds mostly one story's articles
    assert store.resolve_status()["events"] < sum(len(g.annotations.events) for g in generated)  # some fused
