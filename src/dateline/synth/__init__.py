"""``dateline synth``: a fictional news world at any size, with exact gold for every stage.

    from dateline.synth import write_world
    summary = write_world("world/", articles=5000, seed=1)

writes, streaming (nothing of size grows with the number of articles except the per-entity and
per-story bookkeeping):

- ``articles.jsonl``: the input, one publication a line (``id, date, url, outlet, title, text``), wire
  copies included; ``dateline ingest world/articles.jsonl --config world/dateline.toml`` reads it;
- ``kb/`` and ``dateline.toml``: the world's general knowledge (countries, demonyms, capitals, cities)
  as a ``kb.path`` folder, and a settings file that points at it;
- ``gold/articles.jsonl``: per original article, its story, wire copies, sentences, entity mentions,
  time expressions, event mentions and quotes with their spans;
- ``gold/events.jsonl``, ``gold/stories.jsonl``, ``gold/entities.jsonl``: the world's events with the
  articles that report them, its stories with their articles and events, and its entities with every
  spelling of their names (possible and used) and their roles over time;
- ``world.json``: the seed, the settings and the counts.

The same seed and settings give the same files, byte for byte. :func:`annotated` yields the same
articles with the annotations a perfect annotator would give, for benchmarks of the resolve step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .news import Story, SynthArticle, annotations, articles
from .world import World, build_world, write_kb

__all__ = [
    "SynthSettings",
    "World",
    "Truth",
    "build_world",
    "write_world",
    "iter_articles",
    "annotated",
    "load_annotated",
    "kb_config",
    "GOLD_VERSION",
]

GOLD_VERSION = 1


@dataclass(frozen=True)
class SynthSettings:
    """The size of the world; the number of articles is given separately."""

    seed: int = 1
    countries: int = 12
    people: int = 400
    orgs: int = 60
    outlets: int = 24
    span_days: int = 730
    distractors: float = 0.08  # share of articles outside every story

    def world(self) -> World:
        return build_world(self.seed, countries=self.countries, people=self.people, orgs=self.orgs,
                           outlets=self.outlets, span_days=self.span_days)  # fmt: skip


def iter_articles(n: int, settings: SynthSettings = SynthSettings(), world: World | None = None, on_story=None
                  ) -> Iterator[tuple[SynthArticle, Story | None]]:  # fmt: skip
    """``n`` generated articles with their gold (and their story, None for a distractor)."""
    world = world or settings.world()
    return articles(world, n, settings.seed, distractors=settings.distractors, on_story=on_story)


def annotated(n: int, settings: SynthSettings = SynthSettings()) -> Iterator[tuple[SynthArticle, object, object]]:
    """``n`` articles as (SynthArticle, Article, DocAnnotations): the gold as a perfect annotator's output."""
    from ..ontology import load_ontology

    onto = load_ontology()
    for a, _story in iter_articles(n, settings):
        art, ann = annotations(a, onto)
        yield a, art, ann


@dataclass
class Truth:
    """What the generator knows of articles loaded with :func:`load_annotated`: each article's story, the
    person of each person mention and the event of each event mention (keys: article id, start, end)."""

    story: dict[str, str] = field(default_factory=dict)
    person: dict[tuple[str, int, int], str] = field(default_factory=dict)
    event: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def add(self, article_id: str, gold: dict) -> None:
        self.story[article_id] = gold["story"]
        for m in gold["mentions"]:
            if m["type"] == "person":
                self.person[(article_id, m["start"], m["end"])] = m["entity"]
        for e in gold["events"]:
            self.event[(article_id, e["start"], e["end"])] = e["event"]

    def scores(self, store) -> dict[str, float]:
        """B³ precision, recall and F1 of the stored stories, person entities and fused events."""
        from sqlalchemy import select

        from ..evaluation.coref import b_cubed
        from ..store.schema import event_mentions, mentions

        story_of = store.story_of_articles(sorted(self.story))
        entity_of, event_of = {}, {}
        with store.engine.connect() as conn:
            m = mentions.c
            for aid, start, end, eid in conn.execute(
                select(m.article_id, m.start, m.end, m.entity_id).where(m.label.in_(("PERSON", "NOMINAL")))
            ):
                entity_of[(aid, start, end)] = eid
            e = event_mentions.c
            for aid, start, end, eid in conn.execute(select(e.article_id, e.start, e.end, e.event_id)):
                event_of[(aid, start, end)] = eid
        out: dict[str, float] = {}
        for name, gold, pred in (("stories", self.story, story_of), ("people", self.person, entity_of),
                                 ("events", self.event, event_of)):  # fmt: skip
            pred = {k: pred.get(k) or f"unresolved:{k}" for k in gold}
            s = b_cubed(gold, pred)
            out |= {f"{name}_b3_precision": s.precision, f"{name}_b3_recall": s.recall, f"{name}_b3_f1": s.f1}
        out["true_stories"] = len(set(self.story.values()))
        return out


def kb_config(settings: SynthSettings = SynthSettings(), folder: str | Path | None = None):
    """Settings that give the pipeline the world's knowledge base, written into ``folder`` (by default a
    folder per seed and size in the temporary directory, written once)."""
    import tempfile

    from ..config import Config

    if folder is None:
        key = "-".join(str(v) for v in asdict(settings).values())
        folder = Path(tempfile.gettempdir()) / f"dateline-synth-kb-{key}"
    folder = Path(folder)
    if not (folder / "countries.tsv").exists():
        write_kb(settings.world(), folder)
    return Config({"kb.path": str(folder)})


def load_annotated(store, n: int, settings: SynthSettings = SynthSettings(), *, batch: int = 1000,
                   truth: Truth | None = None, skip: int = 0, command: str | None = None,
                   transform=None) -> int:  # fmt: skip
    """Store ``n`` generated articles (wire copies as further publications) with the gold as their
    annotations, in batches, without parsing; return the run id. Resolve them with :func:`kb_config`'s
    settings. ``skip``: leave out the first articles of the stream (to add a later part of the same world).
    ``truth``, when given, receives what the generator knows of each stored article; ``transform``, when
    given, may change each article's annotations before they are stored (to inject errors in a test)."""
    from dataclasses import replace

    run_id = store.begin_run(command or f"synth load {n}", {"n": n, "skip": skip, **asdict(settings)})
    pipeline = {"synth": "gold annotations"}
    articles: list = []
    anns: list = []

    def flush() -> None:
        store.add_batch(run_id, articles)
        store.save_annotations(run_id, pipeline, anns)
        articles.clear()
        anns.clear()

    for i, (a, article, ann) in enumerate(annotated(skip + n, settings)):
        if i < skip:
            continue
        articles.append(article)
        articles.extend(replace(article, outlet=r["outlet"], url=r["url"], source_id=r["id"], title=r["title"],
                                source_path=f"synth/{r['id']}") for r in a.rows[1:])  # fmt: skip
        if transform is not None:
            transform(ann)
        anns.append(ann)
        if truth is not None:
            truth.add(article.article_id, a.gold)
        if len(anns) >= batch:
            flush()
    if anns:
        flush()
    store.end_run(run_id, "ok", {"articles": n})
    return run_id


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_world(folder: str | Path, articles: int, settings: SynthSettings = SynthSettings(), *, progress=None) -> dict:
    """Write ``articles`` articles of the world of ``settings`` and their gold into ``folder`` (see module doc).

    ``progress``, when given, is called with the number of articles written so far (every 100).
    Returns the summary also written to ``world.json``.
    """
    folder = Path(folder)
    gold_dir = folder / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    world = settings.world()
    write_kb(world, folder / "kb")
    (folder / "dateline.toml").write_text(
        "# Settings for the synthetic world: its countries, capitals and cities are in kb/.\n"
        f"[kb]\npath = {json.dumps(str((folder / 'kb').resolve()))}\n",
        encoding="utf-8",
    )
    entity_names: dict[str, set[str]] = {}
    entity_mentions: dict[str, int] = {}
    counts = {"articles": 0, "publications": 0, "wire_copies": 0, "distractors": 0, "stories": 0, "events": 0,
              "event_mentions": 0, "entity_mentions": 0, "times": 0, "quotes": 0}  # fmt: skip
    files = {
        name: (gold_dir / f"{name}.jsonl").open("w", encoding="utf-8") for name in ("articles", "events", "stories")
    }
    inputs = (folder / "articles.jsonl").open("w", encoding="utf-8")

    def on_story(story: Story, written: list[SynthArticle]) -> None:
        reports: dict[str, list[str]] = {}
        for a in written:
            for e in a.gold["events"]:
                ids = reports.setdefault(e["event"], [])
                if a.gold["id"] not in ids:
                    ids.append(a.gold["id"])
        events = []
        for h in story.happenings:
            if h.event_id not in reports:
                continue  # no article of this run reports it
            events.append(h.event_id)
            counts["events"] += 1
            files["events"].write(_dump({
                "event_id": h.event_id, "story": story.story_id, "kind": h.kind, "modality": h.modality,
                "announced": h.announced, "date": h.day.isoformat(), "source": _actor(h.source),
                "target": _actor(h.target) if h.target else None,
                "place": h.place.entity if h.place else None, "articles": reports[h.event_id],
            }))  # fmt: skip
        ids = [a.gold["id"] for a in written]
        dates = sorted(a.gold["date"] for a in written)
        counts["stories"] += 1
        files["stories"].write(_dump({"story_id": story.story_id, "start": dates[0], "end": dates[-1],
                                      "place": story.place.entity, "topic": story.topic, "articles": ids,
                                      "events": events}))  # fmt: skip

    try:
        for a, story in iter_articles(articles, settings, world, on_story):
            for row in a.rows:
                inputs.write(_dump(row))
            files["articles"].write(_dump(a.gold))
            if story is None:
                counts["distractors"] += 1
                counts["stories"] += 1
                files["stories"].write(_dump({"story_id": a.gold["story"], "start": a.gold["date"],
                                              "end": a.gold["date"], "articles": [a.gold["id"]], "events": [],
                                              "distractor": True}))  # fmt: skip
            counts["articles"] += 1
            counts["publications"] += len(a.rows)
            counts["wire_copies"] += len(a.rows) - 1
            counts["event_mentions"] += len(a.gold["events"])
            counts["entity_mentions"] += len(a.gold["mentions"])
            counts["times"] += len(a.gold["times"])
            counts["quotes"] += len(a.gold["quotes"])
            for m in a.gold["mentions"]:
                entity_mentions[m["entity"]] = entity_mentions.get(m["entity"], 0) + 1
                if m["kind"] in ("NAM", "ACR"):
                    entity_names.setdefault(m["entity"], set()).add(m["text"])
            if progress is not None and counts["articles"] % 100 == 0:
                progress(counts["articles"])
    finally:
        inputs.close()
        for f in files.values():
            f.close()
    with (gold_dir / "entities.jsonl").open("w", encoding="utf-8") as out:
        for record in _entities(world):
            eid = record["entity_id"]
            if eid in entity_mentions:
                record["used"] = sorted(entity_names.get(eid, ()))
                record["mentions"] = entity_mentions[eid]
                out.write(_dump(record))
    summary = {"generator": "dateline synth", "gold_version": GOLD_VERSION, "settings": asdict(settings),
               "counts": counts, "entities": len(entity_mentions)}  # fmt: skip
    (folder / "world.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _actor(spec: tuple) -> dict:
    kind = spec[0]
    if kind == "group":
        return {"entity": f"group:{spec[1].code}{spec[2]}", "code": spec[1].code + spec[2]}
    if kind == "person":
        return {"entity": spec[1].entity, "code": spec[1].country}
    return {"entity": spec[1].entity, "code": spec[1].country if kind == "place" else spec[1].code}


def _entities(world: World) -> Iterator[dict]:
    """Every entity of the world with all the spellings of its name."""
    for c in world.countries:
        yield {"entity_id": c.entity, "type": "place", "name": c.name, "country": c.code, "kind": "country",
               "variants": [c.name], "demonyms": [c.demonym]}  # fmt: skip
        for sector in ("MIL", "COP", "CVL"):
            yield {"entity_id": f"group:{c.code}{sector}", "type": "group", "name": f"{c.demonym} {sector}",
                   "country": c.code, "sector": sector, "variants": []}  # fmt: skip
    for city in world.cities:
        yield {"entity_id": city.entity, "type": "place", "name": city.name, "country": city.country, "kind": "city",
               "capital": city.capital, "geonames_id": city.geonames_id, "lat": city.lat, "lon": city.lon,
               "variants": [city.name]}  # fmt: skip
        yield {"entity_id": f"team:{city.idx}", "type": "organization", "name": f"{city.name} United",
               "country": city.country, "variants": [f"{city.name} United"]}  # fmt: skip
    for p in world.people:
        full = [f"{g} {s}" for g in p.givens for s in p.surnames]
        initials = sorted({f"{g[0]}. {s}" for g in p.givens for s in p.surnames})
        bare = sorted({s.split("-", 1)[1] if s[:3] in ("al-", "el-") else s for s in p.surnames})
        yield {"entity_id": p.entity, "type": "person", "name": p.name, "country": p.country, "public": p.public,
               "roles": [{"role": t, "sector": s or None, "from": d.isoformat()} for t, s, d in p.roles],
               "variants": full + initials + sorted(set(p.surnames) | set(bare))}  # fmt: skip
    for o in world.orgs:
        yield {"entity_id": o.entity, "type": "organization", "name": o.name, "country": o.country,
               "code": o.code, "variants": [o.name, o.acronym]}  # fmt: skip
