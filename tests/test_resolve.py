"""The resolve step through the store: entities, stories and fused events, incremental and repeatable."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from dateline import Config, ingest
from dateline.annotations import DocAnnotations, EventMention, Mention
from dateline.dates import parse_publication_date
from dateline.model import Article
from dateline.resolve.run import resolve
from dateline.store import EventQuery
from dateline.store.schema import resolved_articles, story_terms


@pytest.mark.slow
def test_resolve_on_the_samples(sample_articles, fresh_store):
    """The issue's bar on the two sample articles (both backends: event places make location actor rows)."""
    ingest([str(p) for p in sample_articles], fresh_store, Config())
    from dateline.pipeline.annotate import annotate

    annotate(fresh_store, Config())
    report = resolve(fresh_store, Config())
    assert report.articles == 2
    [story] = fresh_store.story_rows()
    assert story["num_articles"] == 2
    # Every Erdogan/Erdoğan mention is one entity; Zelensky another; Ankara a place of the same country.
    people = {}
    for m in fresh_store.mentions(label="PERSON"):
        people.setdefault(m["canonical"] or m["text"], set()).add(m["entity_id"])
    erdogan = {e for name, ids in people.items() if "Erdo" in name for e in ids}
    zelensky = {e for name, ids in people.items() if "Zelensk" in name for e in ids}
    assert len(erdogan) == 1 and len(zelensky) == 1 and erdogan != zelensky
    ankara = {m["entity_id"] for m in fresh_store.mentions() if m["text"] == "Ankara"}
    assert len(ankara) == 1 and ankara != erdogan
    [e_row] = fresh_store.entity_rows(list(erdogan))
    [a_row] = fresh_store.entity_rows(list(ankara))
    assert (e_row["type"], a_row["type"], e_row["country"], a_row["country"]) == ("person", "place", "TUR", "TUR")
    assert {"Erdogan", "Erdoğan"} <= set(e_row["aliases"])
    # The Kyiv visit is one event with two sources.
    visits = [e for e in fresh_store.fused_events(EventQuery(type="042", limit=None))
              if e["location"] and e["location"]["name"] == "Kyiv" and e["sources"]]  # fmt: skip
    [visit] = visits
    assert (visit["num_articles"], visit["num_sources"], visit["modality"], visit["date"]) == (
        2,
        2,
        "asserted",
        "2022-02-03",
    )
    assert [s["entity_id"] for s in visit["sources"]] == list(erdogan)
    # Asserted and denied invasions never fuse.
    for e in fresh_store.fused_events(EventQuery(type="ASSAULT", limit=None)):
        assert e["modality"] != "asserted"


def _article(text, day, outlet="outlet.example", title=None):
    return Article(text, parse_publication_date(day), "in.jsonl", None, None, None, outlet, title)


def _annotations(article_id, day, text, person, place):
    """Hand-made annotations: a person visits a place (no model needed)."""
    p0 = text.index(person)
    c0 = text.index(place)
    v0 = text.index("visited")
    mentions = [
        Mention(p0, p0 + len(person), person, "PERSON", 0, actor_code="UKRGOV", country="UKR", sector="GOV", chain=0,
                canonical=person),
        Mention(c0, c0 + len(place), place, "GPE", 0, usage="location", geonames_id=3067696, lat=50.08, lon=14.42,
                place_country="CZE", country="CZE"),
    ]  # fmt: skip
    event = EventMention(v0, v0 + 7, "visited", 0, 0, len(text), "042", "CONSULT", "visit", None, 1, 1.9,
                         sources=[{"code": "UKRGOV", "text": person, "start": p0, "end": p0 + len(person), "chain": 0}],
                         targets=[{"code": "CZE", "text": place, "start": c0, "end": c0 + len(place), "chain": None}],
                         date=day, date_precision="day", confidence=0.8)  # fmt: skip
    return DocAnnotations(date.fromisoformat(day), article_id, mentions, [], [event])


def _add(store, text, day, person, place="Prague", title=None):
    run = store.begin_run("test", {})
    store.add_batch(run, [_article(text, day, title=title)])
    [row] = [a for a in store.articles() if a["date"] == date.fromisoformat(day) and a["preview"] in text]
    store.save_annotations(run, {}, [_annotations(row["article_id"], day, text, person, place)])
    return row["article_id"]


def test_resolve_is_incremental_stable_and_repeatable(fresh_store):
    a1 = _add(fresh_store, "Volodymyr Zelenskyy visited Prague on Monday to meet officials.", "2022-05-02",
              "Volodymyr Zelenskyy")  # fmt: skip
    first = resolve(fresh_store, Config())
    assert first.articles == 1
    [entity] = fresh_store.entity_rows(type="person")
    [story] = fresh_store.story_rows()
    [event] = fresh_store.fused_events()
    a2 = _add(fresh_store, "Vladimir Zelensky visited Prague on Monday, meeting officials there.", "2022-05-03",
              "Vladimir Zelensky")  # fmt: skip
    second = resolve(fresh_store, Config())
    assert second.articles == 1  # only the new article
    [entity2] = fresh_store.entity_rows(type="person")
    assert entity2["entity_id"] == entity["entity_id"] and entity2["num_articles"] == 2
    assert set(entity2["aliases"]) == {"Volodymyr Zelenskyy", "Vladimir Zelensky"}
    [story2] = fresh_store.story_rows()
    assert story2["story_id"] == story["story_id"] and story2["num_articles"] == 2
    [event2] = fresh_store.fused_events()
    assert event2["event_id"] == event["event_id"]
    assert (event2["num_mentions"], event2["num_articles"], event2["num_sources"]) == (2, 2, 1)  # one outlet
    mentions = fresh_store.mentions_of_events([event2["event_id"]])[event2["event_id"]]
    assert [m["article_id"] for m in mentions] == [a1, a2]
    assert "shared source Volodymyr Zelenskyy" in mentions[1]["merge_reason"]
    # Nothing new: nothing done. Redoing everything gives the same ids.
    assert resolve(fresh_store, Config()).run_id is None
    again = resolve(fresh_store, Config(), rerun=True)
    assert again.redone and again.articles == 2
    assert [e["event_id"] for e in fresh_store.fused_events()] == [event["event_id"]]
    assert [s["story_id"] for s in fresh_store.story_rows()] == [story["story_id"]]


def test_a_story_row_sums_up_its_members(fresh_store):
    """Dates, size, every outlet that published a member, the first title, entities by mentions, events."""
    texts = [
        f"Volodymyr Zelenskyy visited Prague on Monday to meet officials, report {n}. More follows." for n in range(4)
    ]
    for text, day in zip(texts[:2], ("2022-05-02", "2022-05-03"), strict=True):
        _add(fresh_store, text, day, "Volodymyr Zelenskyy")
    resolve(fresh_store, Config())
    [story] = fresh_store.story_rows()
    assert story["title"] == texts[0].split(" More")[0]  # no member has a title: the first one's first sentence
    _add(fresh_store, texts[3], "2022-05-05", "Volodymyr Zelenskyy", title="Visit ends")
    _add(fresh_store, texts[2], "2022-05-04", "Volodymyr Zelenskyy", title="Visit to Prague")
    run = fresh_store.begin_run("test", {})  # a wire copy of the second article from another outlet
    fresh_store.add_batch(run, [_article(texts[1], "2022-05-06", "wire.example")])
    resolve(fresh_store, Config())
    [story] = fresh_store.story_rows()
    assert (story["start_date"], story["end_date"]) == (date(2022, 5, 2), date(2022, 5, 5))
    assert story["num_articles"] == 4
    assert story["num_events"] == len(fresh_store.fused_events()) == 2  # five days apart: two visits
    assert story["outlets"] == ["outlet.example", "wire.example"]
    assert story["title"] == "Visit to Prague"  # the first member (by date) that has a title
    assert [(e["name"], e["count"]) for e in story["entities"]] == [("Prague", 4), ("Volodymyr Zelenskyy", 4)]


def test_a_year_later_is_another_story_and_another_event(fresh_store):
    _add(fresh_store, "Volodymyr Zelenskyy visited Prague on Monday to meet officials.", "2022-05-02",
         "Volodymyr Zelenskyy")  # fmt: skip
    _add(fresh_store, "Volodymyr Zelenskyy visited Prague on Monday to meet officials again.", "2023-05-08",
         "Volodymyr Zelenskyy")  # fmt: skip
    resolve(fresh_store, Config())
    assert len(fresh_store.story_rows()) == 2
    assert len(fresh_store.fused_events()) == 2
    assert len(fresh_store.entity_rows(type="person")) == 1


def test_annotating_again_redoes_resolution(memory_store):
    a1 = _add(memory_store, "Volodymyr Zelenskyy visited Prague on Monday to meet officials.", "2022-05-02",
              "Volodymyr Zelenskyy")  # fmt: skip
    resolve(memory_store, Config())
    run = memory_store.begin_run("test", {})
    memory_store.save_annotations(run, {}, [_annotations(a1, "2022-05-02", "Volodymyr Zelenskyy visited Prague on "
                                                         "Monday to meet officials.", "Volodymyr Zelenskyy", "Prague")])  # fmt: skip
    assert memory_store.resolution_is_stale()
    report = resolve(memory_store, Config())
    assert report.redone and report.articles == 1
    assert memory_store.resolve_status() == {"resolved": 1, "entities": 2, "stories": 1, "events": 1}


def test_later_runs_read_the_members_term_counts_not_their_texts(fresh_store, monkeypatch):
    """Each run stores the term counts it made; the next run compares its articles with the open story's
    members through those counts, without reading the members' texts, and decides as one run would."""
    texts = [f"Volodymyr Zelenskyy visited Prague on Monday to meet officials, report {n}." for n in range(3)]
    asked: list[str] = []
    titles_and_texts = fresh_store.titles_and_texts
    monkeypatch.setattr(fresh_store, "titles_and_texts", lambda ids: asked.extend(ids) or titles_and_texts(ids))
    for text, day in zip(texts, ("2022-05-02", "2022-05-03", "2022-05-04"), strict=True):
        _add(fresh_store, text, day, "Volodymyr Zelenskyy")
        resolve(fresh_store, Config())
    assert asked == []
    [story] = fresh_store.story_rows()
    assert story["num_articles"] == 3
    with fresh_store.engine.connect() as conn:
        reasons = conn.execute(select(resolved_articles.c.story_reason)).scalars().all()
        stored = conn.execute(select(story_terms.c.article_id)).scalars().all()
    assert len(stored) == 3
    cosines = [float(m) for r in reasons for m in re.findall(r"text cosine (\d\.\d+)", r)]
    assert len(cosines) == 2 and min(cosines) > 0.5, reasons  # the members' words were there


def test_batches_reuse_the_last_batch_term_counts_and_events(fresh_store):
    """Batches of one article: each is placed with the last one's members, whose texts are not read again, and
    its event mention joins the event of the last batch, taken from memory."""
    for n, day in enumerate(("2022-05-02", "2022-05-03", "2022-05-04")):
        _add(fresh_store, f"Volodymyr Zelenskyy visited Prague on Monday to meet officials, report {n}.", day,
             "Volodymyr Zelenskyy")  # fmt: skip
    report = resolve(fresh_store, Config({"resolve.batch_size": 1}))
    assert report.articles == 3 and report.new_stories == 1
    with fresh_store.engine.connect() as conn:  # stored once, by the last batch, which held the other two
        assert len(conn.execute(select(story_terms.c.article_id)).all()) == 3
    [story] = fresh_store.story_rows()
    assert story["num_articles"] == 3
    with fresh_store.engine.connect() as conn:
        reasons = conn.execute(select(resolved_articles.c.story_reason)).scalars().all()
    cosines = [float(m) for r in reasons for m in re.findall(r"text cosine (\d\.\d+)", r)]
    assert len(cosines) == 2 and min(cosines) > 0.5, reasons  # the members' words were there
    [event] = fresh_store.fused_events()
    assert (event["num_mentions"], event["num_articles"]) == (3, 3)
