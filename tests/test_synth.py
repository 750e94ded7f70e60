"""The synthetic news world: deterministic, consistent gold, invented names, wording apart from structure."""

import json
from collections import Counter

import pytest

from dateline.kb import load_kb
from dateline.synth import SynthSettings, annotated, iter_articles, write_world
from dateline.synth import news as news_module
from dateline.synth.world import _taken_names

SMALL = SynthSettings(seed=3, people=60, countries=6)


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    write_world(folder, 400, SMALL)
    return folder


def test_synth_same_seed_same_bytes_other_seed_other_world(world_dir, tmp_path):
    write_world(tmp_path / "again", 400, SMALL)
    for name in ("articles.jsonl", "gold/articles.jsonl", "gold/events.jsonl", "gold/stories.jsonl",
                 "gold/entities.jsonl", "kb/countries.tsv", "kb/regions.tsv"):  # fmt: skip
        assert (tmp_path / "again" / name).read_bytes() == (world_dir / name).read_bytes(), name
    write_world(tmp_path / "other", 400, SynthSettings(seed=4, people=60, countries=6))
    assert (tmp_path / "other" / "articles.jsonl").read_bytes() != (world_dir / "articles.jsonl").read_bytes()


def test_synth_gold_spans_point_at_their_text(world_dir):
    rows = {r["id"]: r for r in _lines(world_dir / "articles.jsonl")}
    golds = _lines(world_dir / "gold" / "articles.jsonl")
    assert len(golds) == 400
    for g in golds:
        text = rows[g["id"]]["text"]
        for m in g["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
        for t in g["times"]:
            assert text[t["start"] : t["end"]] == t["text"]
        for e in g["events"]:
            assert text[e["start"] : e["end"]] == e["trigger"]
            s, end = e["sentence"]
            assert s <= e["start"] < e["end"] <= end
            for span in e["source_spans"] + e["target_spans"]:
                assert s <= span[0] < span[1] <= end
        for q in g["quotes"]:
            assert text[q["start"] : q["end"]].strip()
        for copy in g["copies"]:  # wire copies: the same text from another outlet
            assert rows[copy]["text"] == text and rows[copy]["outlet"] != rows[g["id"]]["outlet"]


def test_synth_gold_files_agree(world_dir):
    golds = {g["id"]: g for g in _lines(world_dir / "gold" / "articles.jsonl")}
    stories = _lines(world_dir / "gold" / "stories.jsonl")
    members = [a for s in stories for a in s["articles"]]
    assert sorted(members) == sorted(golds)  # every article in exactly one story
    events = {e["event_id"]: e for e in _lines(world_dir / "gold" / "events.jsonl")}
    reported = {(e["event"], g["id"]) for g in golds.values() for e in g["events"]}
    assert reported == {(eid, a) for eid, e in events.items() for a in e["articles"]}
    entities = {e["entity_id"]: e for e in _lines(world_dir / "gold" / "entities.jsonl")}
    for g in golds.values():
        for m in g["mentions"]:
            assert m["entity"] in entities
            if m["kind"] == "NAM" and m["type"] == "person":
                assert m["text"] in entities[m["entity"]]["variants"], m["text"]
    summary = json.loads((world_dir / "world.json").read_text())
    assert summary["counts"]["articles"] == 400 and summary["counts"]["events"] == len(events)


def test_synth_world_has_what_the_issue_asks(world_dir):
    golds = _lines(world_dir / "gold" / "articles.jsonl")
    modalities = Counter(e["modality"] for g in golds for e in g["events"])
    assert {"asserted", "negated", "future", "hypothetical"} <= set(modalities)
    assert sum(len(g["copies"]) for g in golds) > 20  # wire copies
    assert any(g["story"].startswith("d") for g in golds)  # distractors
    assert sum(len(g["quotes"]) for g in golds) > 100
    values = {t["text"].split()[0] for g in golds for t in g["times"]}
    assert {"yesterday", "today"} & values and any(v in values for v in news_module.WEEKDAYS)
    entities = _lines(world_dir / "gold" / "entities.jsonl")
    people = [e for e in entities if e["type"] == "person"]
    assert any(len(p["used"]) >= 3 for p in people)  # spelled several ways
    assert any(len(p["roles"]) == 2 for p in people)  # a change of role


def test_synth_names_are_invented_and_the_kb_knows_the_countries(world_dir):
    taken = _taken_names()
    world = SMALL.world()
    for c in world.countries:
        assert c.name.casefold() not in taken
        assert all(city.name.casefold() not in taken for city in c.cities)
    kb = load_kb(str(world_dir / "kb"))
    for c in world.countries:
        assert kb.countries[c.name] == c.code and kb.demonyms[c.demonym] == c.code
        assert kb.seats[c.capital.name] == (c.code, "GOV")
        place = kb.geocode(c.cities[1].name)
        assert place is not None and place.geonames_id == c.cities[1].geonames_id


def test_synth_wording_change_leaves_the_structure(monkeypatch):
    """Changing one template rewrites its sentences only: stories, events, entities of every article stay."""

    def structure(n=300):
        out = []
        for a, _story in iter_articles(n, SMALL):
            g = a.gold
            # The sentences of the changed wording (asserted visits) may name people otherwise: left out.
            changed = [e["sentence"] for e in g["events"] if e["cameo"] == "042" and e["modality"] == "asserted"]
            people = Counter(m["entity"] for m in g["mentions"] if m["type"] == "person" and m["kind"] == "NAM"
                             and not any(s <= m["start"] < end for s, end in changed))  # fmt: skip
            out.append((g["id"], g["story"], g["date"], g["copies"], sorted(e["event"] for e in g["events"]),
                        sorted(e["modality"] for e in g["events"]), sorted(t["value"] for t in g["times"]),
                        people))  # fmt: skip
        return out

    before = structure()
    key = ("visit", "asserted")
    monkeypatch.setitem(news_module.TEMPLATES, key, ["{S} {V:landed} in {P}{W} after a long flight"])
    after = structure()
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    assert changed == 0
    texts = [a.rows[0]["text"] for a, _ in iter_articles(300, SMALL)]
    assert any(" landed in " in t for t in texts)


def test_synth_annotations_are_the_gold():
    """What a perfect annotator gives: spans that index into the text, actors that point at mentions, one
    chain per person in an article whose canonical is the fullest name used."""
    for a, article, ann in annotated(80, SMALL):
        text = article.text
        assert text == a.rows[0]["text"] and ann.article_id == article.article_id
        assert len(ann.mentions) == len(a.gold["mentions"]) and len(ann.events) == len(a.gold["events"])
        spans = {(m.start, m.end): m for m in ann.mentions}
        for t in ann.times:
            assert text[t.start : t.end] == t.text
        for e in ann.events:
            assert text[e.start : e.end] == e.trigger and text[e.sentence_end - 1] == "."
            for actor in e.sources + e.targets:
                m = spans[(actor["start"], actor["end"])]  # resolve finds the entity by this span
                assert actor["text"] in (m.text, m.canonical)
            if e.location:
                assert (e.location["start"], e.location["end"]) in spans
        chains = {}
        for g in a.gold["mentions"]:
            if g["type"] == "person":
                m = spans[(g["start"], g["end"])]
                assert chains.setdefault(g["entity"], m.chain) == m.chain
                if m.label == "PERSON":
                    assert len(m.canonical.split()) >= len(m.text.split())


def test_synth_streams(tmp_path):
    """Articles come one at a time from a generator (nothing is held: 1,000,000 fit on a laptop)."""
    gen = iter_articles(10**6, SMALL)
    first = [next(gen) for _ in range(5)]
    assert [a.gold["id"] for a, _ in first] == [f"a{i:07d}" for i in range(5)]
