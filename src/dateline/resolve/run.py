"""The resolve step: what is new in the store, in date order and in batches, gets its entities
linked, its story and its events fused with those already stored.

Deterministic: articles are taken by (date, id) in batches of ``resolve.batch_size``, so the
result does not depend on the order they were ingested in. Incremental: a batch reads from the
store only the entities, stories and events its articles could join (by blocking keys and the
story window), and what is resolved is never redone unless asked (``--rerun``) or an article was
annotated again since (then everything is redone, since decisions across articles depend on it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..kb import load_kb
from ..ontology import load_ontology
from .entities import Entity, EntityIndex, load_rules, local_entities, resolve_entities
from .fusion import REACH, EventIndex, FusedEvent, FusionMention, aggregate, fuse_events
from .stories import StoryDoc, StorySettings, TermCounts, cluster_stories, decode_terms, encode_terms, hashing_name

__all__ = ["ResolveReport", "resolve"]


@dataclass
class ResolveReport:
    run_id: int | None = None
    status: str = "running"
    articles: int = 0
    entities: int = 0  # distinct entities created or changed
    links: int = 0  # in-article entities linked
    new_stories: int = 0
    events: int = 0  # distinct events created or changed
    event_mentions: int = 0
    merged_mentions: int = 0  # mentions that joined an event another mention started
    redone: bool = False  # everything was resolved again (--rerun, or an article was annotated again)
    touched: dict[str, set[str]] = field(default_factory=lambda: {"entities": set(), "events": set()}, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("run_id", "status", "touched")}


def resolve(store, config: Mapping[str, Any], *, rerun: bool = False, progress=None,
            command: str = "resolve") -> ResolveReport:  # fmt: skip
    """Resolve every annotated article not resolved yet, in batches of ``resolve.batch_size``.

    Args:
        store: the store to read annotations from and write decisions to.
        config: settings (``resolve.*``, ``kb.path``).
        rerun: forget every decision and resolve everything again.
        progress: receives ``start(total, total)`` and ``advance(n)`` after each batch.
        command: the command line to record with the run.

    Returns:
        A :class:`ResolveReport` (``run_id`` None when there was nothing to do).
    """
    from ..pipeline.runs import recorded

    pending = store.articles_to_resolve()
    redo = rerun or store.resolution_is_stale([a for a, _ in pending])
    if redo:
        store.clear_resolution()
        pending = store.articles_to_resolve()
    if not pending:
        return ResolveReport(status="ok", redone=redo)
    kb_path = config.get("kb.path") or None
    kb = load_kb(kb_path)
    onto = load_ontology(kb_path)
    rules = load_rules(kb_path)
    settings = StorySettings(window_days=config.get("resolve.story_window_days", 10))
    size = config.get("resolve.batch_size", 10000)
    report = ResolveReport(run_id=store.begin_run(command, dict(config.items())), redone=redo)
    if progress is not None:
        progress.start(len(pending), len(pending))
    carry = _Carry()
    with recorded(store, report):
        for start in range(0, len(pending), size):
            batch = pending[start : start + size]
            last = start + size >= len(pending)
            _resolve_batch(store, report.run_id, batch, kb, onto, rules, settings, report, carry, last)
            report.articles += len(batch)
            if progress is not None:
                progress.advance(len(batch))
    return report


@dataclass
class _Carry:
    """What one batch hands to the next, so that it is not read from the store or made again: the story
    documents' term counts and entity ids (the next batch's open-story members are mostly these), and the
    fused events as stored."""

    counts: TermCounts = field(default_factory=TermCounts)
    entities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fused: dict[str, FusedEvent] = field(default_factory=dict)


def _resolve_batch(store, run_id, batch, kb, onto, rules, settings, report, carry: _Carry, last: bool) -> None:
    counts, fused = carry.counts, carry.fused
    ids = [a for a, _ in batch]
    inputs = store.resolution_inputs(ids)

    # 1. Entities.
    all_locals, local_of_mention = [], {}
    for aid in ids:
        found, of_mention = local_entities(aid, inputs[aid]["date"], inputs[aid]["mentions"], kb.country_geonames)
        all_locals += found
        local_of_mention.update({mid: (aid, key) for mid, key in of_mention.items()})
    index = EntityIndex(lambda keys: [Entity.from_row(row, ks) for row, ks in store.entities_by_keys(keys)])
    links = resolve_entities(all_locals, index, rules)
    entity_of_local = {(x.article_id, x.local_key): x.entity_id for x in links}
    mention_entities = {mid: entity_of_local[loc] for mid, loc in local_of_mention.items()}
    changed = [index.entities[i] for i in sorted(index.touched)]
    store.save_entities(run_id, changed, index.new_keys, links, mention_entities)
    report.touched["entities"].update(e.entity_id for e in changed)
    report.entities = len(report.touched["entities"])
    report.links += len(links)

    # 2. Stories.
    named: dict[str, set[str]] = {}
    for x in links:
        named.setdefault(x.article_id, set()).add(x.entity_id)
    docs = [
        StoryDoc(aid, inputs[aid]["date"], inputs[aid]["title"], inputs[aid]["text"], tuple(sorted(named.get(aid, ()))))
        for aid in ids
    ]
    window = timedelta(days=settings.window_days or 0)
    lo, hi = min(d for _, d in batch), max(d for _, d in batch)
    members = store.story_members(lo - window, hi + window)
    member_ids = [a for _, a, _ in members]
    # Term counts kept from the last batch, or stored by an earlier run, are not made again from the texts.
    hashing = hashing_name(settings)
    stored = store.story_terms([a for a in (*member_ids, *ids) if a not in counts], hashing)
    counts.add({aid: decode_terms(blob) for aid, blob in stored.items()})
    texts = store.titles_and_texts([a for a in member_ids if a not in counts])
    member_entities = carry.entities
    member_entities.update(store.entity_ids_of_articles([a for a in member_ids if a not in member_entities]))
    existing = [
        (sid, StoryDoc(aid, day, *texts.get(aid, (None, "")), tuple(member_entities.get(aid, ()))))
        for sid, aid, day in members
    ]
    assignments = cluster_stories(docs, existing, settings=settings, cache=counts)
    carry.entities = {d.article_id: d.entities for d in (*docs, *(doc for _, doc in existing))}
    # The last batch stores its articles' term counts, and those of the open stories' members it compared them
    # with: what the next run reads back. (Those of earlier batches are not read again, unless a later run adds
    # articles of their days: then the members' texts are read.)
    terms = {aid: encode_terms(raw) for aid, raw in counts.unsaved().items()} if last else {}
    store.save_story_assignments(run_id, assignments, terms, hashing)
    known = {sid for sid, _, _ in members}
    report.new_stories += len({a.story_id for a in assignments} - known)
    story_of = {a.article_id: a.story_id for a in assignments}

    # 3. Events.
    by_span = {}
    for aid in ids:
        for m in inputs[aid]["mentions"]:
            eid = mention_entities.get(m["mention_id"])
            if eid:
                by_span[(aid, m["start"], m["end"])] = eid
    resolved_actors, todo = {}, []
    for aid in ids:
        for row in inputs[aid]["events"]:
            actors = _resolve_actors(aid, row, by_span)
            resolved_actors[row["mention_id"]] = actors
            todo.append(_fusion_mention(row, inputs[aid]["date"], actors, kb.country_geonames))
    report.event_mentions += len(todo)

    def load(keys: set[str]) -> list[FusedEvent]:
        entities = {k.rsplit(":", 1)[1] for k in keys}
        ids = store.fused_event_ids(entities, lo - 2 * REACH, hi + REACH)
        # The last batch's events are read from memory, the others from the store.
        grouped = {i: _as_stored(fused[i]) for i in sorted(ids & fused.keys())}
        rows = store.fused_event_mentions(ids - fused.keys())
        for row in sorted(rows, key=lambda r: (r["article_date"], r["article_id"], r["start"])):
            ev = grouped.setdefault(row["event_id"], FusedEvent(row["event_id"]))
            ev.add(_fusion_mention(row, row["article_date"], row, kb.country_geonames), row["merge_reason"] or "")
        return list(grouped.values())

    events = EventIndex(onto, load)
    assigned = fuse_events(todo, onto, events, names={i: e.name for i, e in index.entities.items()})
    report.merged_mentions += sum(1 for _, _, why in assigned if not why.startswith("first mention"))
    touched = [events.events[i] for i in sorted(events.touched)]
    article_ids = sorted({m.article_id for e in touched for m in e.mentions})
    outlets = store.original_outlets(article_ids)
    stories_of = store.story_of_articles([a for a in article_ids if a not in story_of]) | story_of
    wanted = {x for e in touched for m in e.mentions for x in (*m.sources, *m.targets, m.location) if x}
    missing = sorted(wanted - set(index.entities))
    rows_by_id = {r["entity_id"]: r for r in store.entity_rows(missing)} if missing else {}
    summaries = {e.event_id: _event_row(e, aggregate(e, outlets, stories_of), onto, index.entities, rows_by_id)
                 for e in touched}  # fmt: skip
    store.save_fusion(run_id, assigned, resolved_actors, summaries)
    fused.clear()
    fused.update(events.events)
    report.touched["events"].update(e.event_id for e in touched)
    report.events = len(report.touched["events"])

    # 4. The stories' rows (dates, outlets, entities, event counts).
    touched_stories = set(story_of.values()) | {
        s["row"]["story_id"] for s in summaries.values() if s["row"]["story_id"]
    }
    store.refresh_stories(run_id, touched_stories)


def _as_stored(event: FusedEvent) -> FusedEvent:
    """A copy of an event as it loads from the store (its mentions by article date, article and position)."""
    copy = FusedEvent(event.event_id)
    for m in sorted(event.mentions, key=lambda m: (m.article_date, m.article_id, m.start)):
        copy.add(m, event.reasons[m.mention_id])
    return copy


def _resolve_actors(article_id: str, row: dict, by_span: dict) -> dict:
    """The event mention's sources, targets and location with the entity id of each."""

    def one(x: dict | None) -> dict | None:
        if not x:
            return None
        x = {k: v for k, v in x.items() if k != "entity_id"}
        eid = by_span.get((article_id, x.get("start"), x.get("end")))
        return x | {"entity_id": eid} if eid else x

    return {
        "sources": [one(x) for x in row["sources"] or []],
        "targets": [one(x) for x in row["targets"] or []],
        "location": one(row["location"]),
    }


def _fusion_mention(row: dict, article_date: date, actors: dict, country_geonames: dict[str, int]) -> FusionMention:
    def ids(xs):
        return tuple(dict.fromkeys(x["entity_id"] for x in xs or [] if x and x.get("entity_id")))

    def codes(xs):
        return tuple(x["code"] for x in xs or [] if x and x.get("code"))

    loc = actors.get("location") or None
    return FusionMention(
        mention_id=row["mention_id"],
        article_id=row["article_id"],
        article_date=article_date,
        start=row["start"],
        cameo_code=row["cameo_code"],
        modality=row["modality"],
        sources=ids(actors.get("sources")),
        targets=ids(actors.get("targets")),
        source_codes=codes(actors.get("sources")),
        target_codes=codes(actors.get("targets")),
        date=row["date"],
        date_precision=row["date_precision"],
        range_start=row["range_start"],
        range_end=row["range_end"],
        location=loc.get("entity_id") if loc else None,
        location_country=(loc.get("country") if loc else None) or row.get("location_country"),
        location_is_country=bool(loc) and loc.get("geonames_id") == country_geonames.get(loc.get("country") or ""),
        confidence=row["confidence"],
    )


def _event_row(event: FusedEvent, s, onto, entities: dict[str, Entity], rows: dict[str, dict]) -> dict:
    """The events table row of a fused event, and its actors for the event_actors table."""

    def describe(eid: str) -> dict:
        if eid in entities:
            e = entities[eid]
            return {"entity_id": eid, "name": e.name, "code": e.actor_code, "country": e.country}
        r = rows.get(eid, {})
        return {"entity_id": eid, "name": r.get("name"), "code": r.get("actor_code"), "country": r.get("country")}

    code = onto.code(s.cameo_code)
    location = None
    if s.location:
        loc = describe(s.location)
        e = entities.get(s.location)
        r = rows.get(s.location, {})
        location = loc | {
            "geonames_id": e.geonames_id if e else r.get("geonames_id"),
            "lat": e.lat if e else r.get("lat"),
            "lon": e.lon if e else r.get("lon"),
            "country": s.location_country,
        }
    confidence = 1 - math.prod(1 - min(m.confidence, 0.99) for m in event.mentions)
    row = {
        "story_id": s.story_id,
        "cameo_code": s.cameo_code,
        "plover_type": code.plover_type,
        "plover_mode": code.plover_mode,
        "plover_context": code.plover_context,
        "quad_class": code.quad_class,
        "goldstein": code.goldstein,
        "source_code": s.source_code,
        "target_code": s.target_code,
        "sources": _json([describe(e) for e in s.sources]),
        "targets": _json([describe(e) for e in s.targets]),
        "modality": s.modality,
        "date": s.date,
        "date_precision": s.date_precision,
        "range_start": s.range_start,
        "range_end": s.range_end,
        "location_entity_id": s.location,
        "location": _json(location) if location else None,
        "location_country": s.location_country,
        "num_mentions": s.num_mentions,
        "num_sources": s.num_sources,
        "num_articles": s.num_articles,
        "conflicts": _json(s.conflicts),
        "confidence": round(confidence, 3),
    }
    actors = {"source": s.sources, "target": s.targets, "location": [s.location] if s.location else []}
    return {"row": row, "actors": actors}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
