"""The Store's reads and writes for the resolve step (entities, stories, fused events)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, delete, false, func, or_, select, update

from .schema import (
    article_annotations,
    articles,
    entities,
    entity_keys,
    entity_links,
    event_actors,
    event_mentions,
    events,
    mentions,
    publications,
    quotes,
    resolved_articles,
    stories,
    story_terms,
)

CHUNK = 500
RESOLVE_TABLES = (resolved_articles, entities, entity_keys, entity_links, stories, events, event_actors)


#: The event mention columns fusion reads back from the store (see ``resolve.run._fusion_mention``).
FUSION_COLUMNS = ("mention_id", "article_id", "start", "cameo_code", "modality", "sources", "targets", "date",
                  "date_precision", "range_start", "range_end", "location", "location_country", "confidence",
                  "event_id", "merge_reason")  # fmt: skip


def _decode(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Decode a row's JSON columns in place (an empty column stays None); return the row."""
    for key in keys:
        row[key] = json.loads(row[key]) if row[key] else None
    return row


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[list]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


class ResolveTables:
    """Mixed into :class:`~dateline.store.Store`: what ``dateline resolve`` reads and writes."""

    # -- what to resolve ------------------------------------------------------------------

    def articles_to_resolve(self) -> list[tuple[str, date]]:
        """(article id, date) of annotated articles not resolved yet, by date then id."""
        stmt = (
            select(article_annotations.c.article_id, articles.c.date)
            .join(articles, articles.c.article_id == article_annotations.c.article_id)
            .where(article_annotations.c.resolved == false())  # read from a partial index of these
            .order_by(articles.c.date, articles.c.article_id)
        )
        with self._read() as conn:
            return [(r.article_id, r.date) for r in conn.execute(stmt)]

    def resolution_is_stale(self, pending: Sequence[str] | None = None) -> bool:
        """True when an article was annotated again after it was resolved (its links point nowhere).

        Such an article is one to resolve (its resolution was forgotten) that still has entity links:
        ``pending`` are the ids of :meth:`articles_to_resolve`, when the caller has them.
        """
        if pending is None:
            pending = [a for a, _ in self.articles_to_resolve()]
        with self._read() as conn:
            for chunk in _chunks(pending):
                stmt = select(entity_links.c.article_id).where(entity_links.c.article_id.in_(chunk)).limit(1)
                if conn.execute(stmt).first() is not None:
                    return True
        return False

    def clear_resolution(self) -> None:
        """Forget every resolve decision (for ``dateline resolve --rerun``)."""
        with self._write() as conn:
            for table in RESOLVE_TABLES:
                conn.execute(delete(table))
            conn.execute(update(article_annotations).values(resolved=False))
            conn.execute(update(mentions).values(entity_id=None))
            conn.execute(update(event_mentions).values(event_id=None, merge_reason=None))

    def resolution_inputs(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """For each article: date, title, text, original outlet, mention rows and event mention rows."""
        out: dict[str, dict[str, Any]] = {}
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = select(articles.c.article_id, articles.c.date, articles.c.title, articles.c.text).where(
                    articles.c.article_id.in_(chunk)
                )
                for r in conn.execute(stmt):
                    out[r.article_id] = {"date": r.date, "title": r.title, "text": r.text, "outlet": None,
                                         "mentions": [], "events": []}  # fmt: skip
                for aid, outlet in self._original_outlets(conn, chunk).items():
                    out[aid]["outlet"] = outlet
                stmt = select(mentions).where(mentions.c.article_id.in_(chunk)).order_by(mentions.c.mention_id)
                for r in conn.execute(stmt).mappings():
                    out[r["article_id"]]["mentions"].append(dict(r))
                stmt = select(event_mentions).where(event_mentions.c.article_id.in_(chunk))
                for r in conn.execute(stmt.order_by(event_mentions.c.start)).mappings():
                    out[r["article_id"]]["events"].append(_decode(dict(r), "sources", "targets", "location"))
        return out

    def _original_outlets(self, conn, article_ids: Sequence[str]) -> dict[str, str | None]:
        """Article id -> the outlet of its first publication (a wire copy counts once, as its origin)."""
        stmt = (
            select(publications.c.article_id, publications.c.outlet)
            .where(publications.c.article_id.in_(list(article_ids)))
            .order_by(publications.c.article_id, publications.c.date, publications.c.publication_id)
        )
        out: dict[str, str | None] = {}
        for r in conn.execute(stmt):
            out.setdefault(r.article_id, r.outlet)
        return out

    def original_outlets(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        with self._read() as conn:
            out = {}
            for chunk in _chunks(article_ids):
                out.update(self._original_outlets(conn, chunk))
            return out

    # -- entities ---------------------------------------------------------------------------

    def entities_by_keys(self, keys: Iterable[str]) -> list[tuple[dict, list[str]]]:
        """Stored entities that have any of these blocking keys: (row, all its keys)."""
        ids: set[str] = set()
        with self._read() as conn:
            for chunk in _chunks(sorted(keys)):
                stmt = select(entity_keys.c.entity_id).where(entity_keys.c.key.in_(chunk))
                ids.update(conn.execute(stmt).scalars())
            out = []
            for chunk in _chunks(sorted(ids)):
                rows = {r["entity_id"]: dict(r) for r in conn.execute(
                    select(entities).where(entities.c.entity_id.in_(chunk))).mappings()}  # fmt: skip
                keys_of: dict[str, list[str]] = {}
                for k in conn.execute(select(entity_keys).where(entity_keys.c.entity_id.in_(chunk))):
                    keys_of.setdefault(k.entity_id, []).append(k.key)
                out += [(rows[i], keys_of.get(i, [])) for i in sorted(rows)]
        return out

    def save_entities(self, run_id: int, changed: Sequence[Any], new_keys: dict[str, set[str]], links: Sequence[Any],
                      mention_entities: dict[Any, str]) -> None:  # fmt: skip
        """Write the entities a batch created or changed, their new keys, the links and the mentions' entity ids."""

        def iso(d):
            return d.isoformat() if d else None

        # Each article is resolved once (a rerun starts from nothing), so its links add new articles.
        linked = {(x.entity_id, x.article_id) for x in links}
        new_articles = Counter(e for e, _ in linked)
        rows = []
        for e in changed:
            roles = [{**r, "first": iso(r["first"]), "last": iso(r["last"])} for r in e.role_history()]
            rows.append({
                "entity_id": e.entity_id, "type": e.type, "name": e.name, "country": e.country, "sector": e.sector,
                "actor_code": e.actor_code, "geonames_id": e.geonames_id, "lat": e.lat, "lon": e.lon,
                "aliases": json.dumps(dict(e.aliases.most_common()), ensure_ascii=False),
                "roles": json.dumps(roles, ensure_ascii=False),
                "profile": json.dumps(e.profile(), ensure_ascii=False, sort_keys=True),
                "num_mentions": e.num_mentions, "num_articles": e.num_articles + new_articles[e.entity_id],
                "first_date": e.first_date,
                "last_date": e.last_date, "run_id": run_id,
            })  # fmt: skip
        with self._write() as conn:
            ids = [r["entity_id"] for r in rows]
            for chunk in _chunks(ids):
                conn.execute(delete(entities).where(entities.c.entity_id.in_(chunk)))
            if rows:
                conn.execute(entities.insert(), rows)
            key_rows = [{"key": k, "entity_id": e} for e, ks in sorted(new_keys.items()) for k in sorted(ks)]
            if key_rows:
                conn.execute(self._insert(entity_keys).on_conflict_do_nothing(), key_rows)
            if links:
                conn.execute(entity_links.insert(), [
                    {"article_id": x.article_id, "local_key": x.local_key, "entity_id": x.entity_id,
                     "name": x.name, "score": x.score, "reason": x.reason, "run_id": run_id}
                    for x in sorted(links, key=lambda x: (x.article_id, x.local_key))  # in key order
                ])  # fmt: skip
            if mention_entities:
                stmt = (
                    update(mentions).where(mentions.c.mention_id == bindparam("mid")).values(entity_id=bindparam("eid"))
                )
                rows = [{"mid": m, "eid": e} for m, e in sorted(mention_entities.items())]  # in key order
                conn.execute(stmt, rows)

    def entity_rows(self, entity_ids: Sequence[str] | None = None, *, query: str | None = None,
                    type: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """Entities (JSON fields decoded), most mentioned first; ``query`` matches a name or alias."""
        stmt = select(entities).order_by(entities.c.num_mentions.desc(), entities.c.entity_id)
        if entity_ids is not None:
            stmt = stmt.where(entities.c.entity_id.in_(list(entity_ids)))
        if query:
            stmt = stmt.where(or_(entities.c.name.ilike(f"%{query}%"), entities.c.aliases.ilike(f"%{query}%"),
                                  entities.c.entity_id == query, entities.c.actor_code == query.upper()))  # fmt: skip
        if type:
            stmt = stmt.where(entities.c.type == type)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        return [_decode(r, "aliases", "roles", "profile") for r in rows]

    def entity_mentions(self, entity_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Entity id -> its mentions [{article_id, text, start, end, label}] in article and text order."""
        out: dict[str, list[dict[str, Any]]] = {}
        cols = (mentions.c.entity_id, mentions.c.article_id, mentions.c.text, mentions.c.start, mentions.c.end,
                mentions.c.label)  # fmt: skip
        with self._read() as conn:
            for chunk in _chunks(entity_ids):
                stmt = select(*cols).where(mentions.c.entity_id.in_(chunk))
                for r in conn.execute(stmt.order_by(mentions.c.article_id, mentions.c.start)).mappings():
                    row = dict(r)
                    out.setdefault(row.pop("entity_id"), []).append(row)
        return out

    def entity_links_of(self, entity_id: str, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """Why each article's mentions were linked to this entity, latest articles first (at most ``limit``), and
        how many links there are in all."""
        where = entity_links.c.entity_id == entity_id
        stmt = (
            select(entity_links, articles.c.date)
            .join(articles, articles.c.article_id == entity_links.c.article_id)
            .where(where)
            .order_by(articles.c.date.desc(), entity_links.c.article_id, entity_links.c.local_key)
            .limit(limit)
        )
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
            total = conn.execute(select(func.count()).select_from(entity_links).where(where)).scalar_one()
        return rows, total

    def iter_entities(self) -> Iterable[dict[str, Any]]:
        """Every entity with its mentions; for exports (in chunks, by id)."""
        with self._read() as conn:
            ids = list(conn.execute(select(entities.c.entity_id).order_by(entities.c.entity_id)).scalars())
        for chunk in _chunks(ids, 2000):
            rows = self.entity_rows(chunk)
            found = self.entity_mentions(chunk)
            for r in sorted(rows, key=lambda r: r["entity_id"]):
                r["mentions"] = found.get(r["entity_id"], [])
                yield r

    # -- stories ------------------------------------------------------------------------------

    def story_members(self, since: date, until: date, per_story: int = 30) -> list[tuple[str, str, date]]:
        """(story id, article id, date) of the latest members of stories active between two dates."""
        stmt = select(stories.c.story_id).where(and_(stories.c.end_date >= since, stories.c.start_date <= until))
        with self._read() as conn:
            ids = list(conn.execute(stmt).scalars())
            out = []
            for chunk in _chunks(ids):
                stmt = (
                    select(resolved_articles.c.story_id, resolved_articles.c.article_id, articles.c.date)
                    .join(articles, articles.c.article_id == resolved_articles.c.article_id)
                    .where(resolved_articles.c.story_id.in_(chunk))
                    .order_by(resolved_articles.c.story_id, articles.c.date.desc(), articles.c.article_id)
                )
                seen: Counter = Counter()
                for r in conn.execute(stmt):
                    if seen[r.story_id] < per_story:
                        seen[r.story_id] += 1
                        out.append((r.story_id, r.article_id, r.date))
        return out

    def titles_and_texts(self, article_ids: Sequence[str]) -> dict[str, tuple[str | None, str]]:
        """Article id -> (title, text)."""
        out: dict[str, tuple[str | None, str]] = {}
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = select(articles.c.article_id, articles.c.title, articles.c.text).where(
                    articles.c.article_id.in_(chunk)
                )
                out.update({r.article_id: (r.title, r.text) for r in conn.execute(stmt)})
        return out

    def entity_ids_of_articles(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """Article id -> the entities it names (people, organizations, places, groups)."""
        out: dict[str, list[str]] = {}
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = select(entity_links.c.article_id, entity_links.c.entity_id).where(
                    entity_links.c.article_id.in_(chunk)
                )
                for r in conn.execute(stmt.order_by(entity_links.c.article_id, entity_links.c.entity_id)):
                    out.setdefault(r.article_id, []).append(r.entity_id)
        return out

    def save_story_assignments(self, run_id: int, assignments: Sequence[Any], terms: dict[str, bytes] | None = None,
                               hashing: str = "") -> None:  # fmt: skip
        """Record each article's story, and the term counts made for the story vectors (``hashing`` names how)."""
        with self._write() as conn:
            if assignments:
                conn.execute(resolved_articles.insert(), [
                    {"article_id": a.article_id, "story_id": a.story_id, "story_score": round(a.score, 4),
                     "story_reason": a.reason, "run_id": run_id}
                    for a in sorted(assignments, key=lambda a: a.article_id)  # in key order
                ])  # fmt: skip
                for chunk in _chunks(sorted(a.article_id for a in assignments)):
                    conn.execute(
                        update(article_annotations)
                        .where(article_annotations.c.article_id.in_(chunk))
                        .values(resolved=True)
                    )
            if terms:  # an article's row made with other settings is replaced
                stmt = self._insert(story_terms)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[story_terms.c.article_id],
                    set_={"hashing": stmt.excluded.hashing, "terms": stmt.excluded.terms},
                )
                conn.execute(
                    stmt,
                    [{"article_id": aid, "hashing": hashing, "terms": blob} for aid, blob in sorted(terms.items())],
                )

    def story_terms(self, article_ids: Sequence[str], hashing: str) -> dict[str, bytes]:
        """Article id -> its stored term counts, where they were made as ``hashing`` names."""
        out: dict[str, bytes] = {}
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = select(story_terms.c.article_id, story_terms.c.terms).where(
                    story_terms.c.article_id.in_(chunk), story_terms.c.hashing == hashing
                )
                out.update({r.article_id: bytes(r.terms) for r in conn.execute(stmt)})
        return out

    def refresh_stories(self, run_id: int, story_ids: Iterable[str]) -> None:
        """Recompute the rows of these stories from their members: title, dates, outlets, entities, events.

        The counting is done by the database (one grouped query per table), so a large story costs a few
        rows per entity and outlet it holds, not a row per mention of every member.
        """
        story_ids = sorted(set(story_ids))
        member = resolved_articles.c
        with self._write() as conn:
            for chunk in _chunks(story_ids):
                # Dates, size and title: the first member's (by date, then id) that has one, else the first
                # member's first sentence.
                members: dict[str, list[tuple]] = {}  # story id -> (untitled, date, article id, title) of each
                stmt = (
                    select(member.story_id, articles.c.date, articles.c.article_id, articles.c.title)
                    .join(articles, articles.c.article_id == member.article_id)
                    .where(member.story_id.in_(chunk))
                )
                for sid, day, aid, title in conn.execute(stmt):
                    members.setdefault(sid, []).append((not title, day, aid, title))
                first = {sid: min(ms) for sid, ms in members.items()}
                titles = {sid: title for sid, (_, _, _, title) in first.items() if title}
                untitled = {aid: sid for sid, (_, _, aid, title) in first.items() if not title}
                for sub in _chunks(sorted(untitled)):
                    stmt = select(articles.c.article_id, func.substr(articles.c.text, 1, 200)).where(
                        articles.c.article_id.in_(sub))  # fmt: skip
                    for aid, head in conn.execute(stmt):
                        titles[untitled[aid]] = _headline(head) or aid
                stmt = (
                    select(member.story_id, publications.c.outlet)
                    .distinct()
                    .select_from(resolved_articles.join(publications, publications.c.article_id == member.article_id))
                    .where(member.story_id.in_(chunk), publications.c.outlet.is_not(None), publications.c.outlet != "")
                )
                outlets: dict[str, list[str]] = {}
                for sid, outlet in conn.execute(stmt):
                    outlets.setdefault(sid, []).append(outlet)
                stmt = (
                    select(member.story_id, mentions.c.entity_id, func.count())
                    .select_from(resolved_articles.join(mentions, mentions.c.article_id == member.article_id))
                    .where(member.story_id.in_(chunk), mentions.c.entity_id.is_not(None))
                    .group_by(member.story_id, mentions.c.entity_id)
                )
                named: dict[str, list[tuple[int, str]]] = {}
                for sid, eid, n in conn.execute(stmt):
                    named.setdefault(sid, []).append((n, eid))
                names: dict[str, str] = {}
                for sub in _chunks(sorted({eid for counts in named.values() for _, eid in counts})):
                    stmt = select(entities.c.entity_id, entities.c.name).where(entities.c.entity_id.in_(sub))
                    names.update(conn.execute(stmt).all())
                top = {  # the most mentioned ten, ties by name
                    sid: sorted((-n, names[e], e) for n, e in counts if e in names)[:10]
                    for sid, counts in named.items()
                }
                n_events = dict(conn.execute(
                    select(events.c.story_id, func.count()).where(events.c.story_id.in_(chunk)).group_by(
                        events.c.story_id)).all())  # fmt: skip
                conn.execute(delete(stories).where(stories.c.story_id.in_(chunk)))
                rows = [{
                    "story_id": sid, "title": titles[sid], "start_date": min(m[1] for m in ms),
                    "end_date": max(m[1] for m in ms), "num_articles": len(ms), "num_events": n_events.get(sid, 0),
                    "outlets": json.dumps(sorted(outlets.get(sid, ()))),
                    "entities": json.dumps([{"entity_id": e, "name": name, "count": -n} for n, name, e in top.get(sid, ())],
                                           ensure_ascii=False),
                    "run_id": run_id,
                } for sid, ms in members.items()]  # fmt: skip
                if rows:
                    conn.execute(stories.insert(), rows)

    def story_rows(self, story_ids: Sequence[str] | None = None, *, since: date | None = None,
                   until: date | None = None, entity: str | None = None, limit: int | None = None
                   ) -> list[dict[str, Any]]:  # fmt: skip
        """Stories, largest first (then latest); JSON fields decoded."""
        stmt = select(stories).order_by(stories.c.num_articles.desc(), stories.c.end_date.desc(), stories.c.story_id)
        if story_ids is not None:
            stmt = stmt.where(stories.c.story_id.in_(list(story_ids)))
        if since:
            stmt = stmt.where(stories.c.end_date >= since)
        if until:
            stmt = stmt.where(stories.c.start_date <= until)
        if entity:
            stmt = stmt.where(stories.c.entities.like(f'%"{entity}"%'))
        if limit is not None:
            stmt = stmt.limit(limit)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        return [_decode(r, "outlets", "entities") for r in rows]

    def find_story(self, story_id: str) -> dict[str, Any] | None:
        """A story by id or unique id prefix, with its article ids (by date) and event ids."""
        key = story_id.strip().lower()
        with self._read() as conn:
            found = conn.execute(select(stories.c.story_id).where(stories.c.story_id.like(key + "%")).limit(2)).all()
        if len(found) != 1:
            return None
        [row] = self.story_rows([found[0].story_id])
        with self._read() as conn:
            stmt = (
                select(resolved_articles.c.article_id)
                .join(articles, articles.c.article_id == resolved_articles.c.article_id)
                .where(resolved_articles.c.story_id == row["story_id"])
                .order_by(articles.c.date, articles.c.article_id)
            )
            row["article_ids"] = list(conn.execute(stmt).scalars())
            stmt = select(events.c.event_id).where(events.c.story_id == row["story_id"])
            row["event_ids"] = list(conn.execute(stmt.order_by(events.c.range_start, events.c.event_id)).scalars())
        return row

    def article_heads(self, article_ids: Sequence[str]) -> list[dict[str, Any]]:
        """(article id, date, headline: the title, else the text's start) of these articles, by date."""
        out = []
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = select(articles.c.article_id, articles.c.date, articles.c.title,
                              func.substr(articles.c.text, 1, 120).label("head")).where(
                    articles.c.article_id.in_(chunk))  # fmt: skip
                for r in conn.execute(stmt):
                    out.append({"article_id": r.article_id, "date": r.date,
                                "headline": r.title or " ".join(r.head.split())[:90]})  # fmt: skip
        return sorted(out, key=lambda r: (r["date"], r["article_id"]))

    def iter_stories(self) -> Iterable[dict[str, Any]]:
        """Every story with its article and event ids; for exports."""
        with self._read() as conn:
            ids = list(conn.execute(select(stories.c.story_id).order_by(stories.c.start_date, stories.c.story_id))
                       .scalars())  # fmt: skip
        for sid in ids:
            yield self.find_story(sid)

    def story_of_articles(self, article_ids: Sequence[str]) -> dict[str, str]:
        out = {}
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = select(resolved_articles.c.article_id, resolved_articles.c.story_id).where(
                    resolved_articles.c.article_id.in_(chunk)
                )
                out.update({r.article_id: r.story_id for r in conn.execute(stmt)})
        return out

    # -- fused events ---------------------------------------------------------------------------

    def fused_event_ids(self, entity_ids: Iterable[str], since: date, until: date) -> set[str]:
        """The stored events that involve any of these entities within a date range."""
        event_ids: set[str] = set()
        with self._read() as conn:
            for chunk in _chunks(sorted(set(entity_ids))):
                stmt = (  # one index range per entity: ix_event_actors_range (entity_id, range_end)
                    select(event_actors.c.event_id)
                    .where(event_actors.c.entity_id.in_(chunk))
                    .where(event_actors.c.range_end >= since)
                    .where(event_actors.c.range_start <= until)
                )
                event_ids.update(conn.execute(stmt).scalars())
        return event_ids

    def fused_event_mentions(self, event_ids: Iterable[str]) -> list[dict[str, Any]]:
        """The mentions of these stored events, with their article's date: the columns fusion compares."""
        rows = []
        columns = [event_mentions.c[name] for name in FUSION_COLUMNS]
        with self._read() as conn:
            for chunk in _chunks(sorted(set(event_ids))):
                stmt = (
                    select(*columns, articles.c.date.label("article_date"))
                    .join(articles, articles.c.article_id == event_mentions.c.article_id)
                    .where(event_mentions.c.event_id.in_(chunk))
                )
                for r in conn.execute(stmt).mappings():
                    rows.append(_decode(dict(r), "sources", "targets", "location"))
        return rows

    def save_fusion(self, run_id: int, assignments: Sequence[tuple[str, str, str]], resolved_actors: dict[str, dict],
                    summaries: dict[str, Any]) -> None:  # fmt: skip
        """Record each mention's event and reason, its actors' entity ids, and the events' rows."""
        with self._write() as conn:
            if assignments:
                stmt = update(event_mentions).where(event_mentions.c.mention_id == bindparam("mid")).values(
                    event_id=bindparam("eid"), merge_reason=bindparam("why"),
                    sources=bindparam("src"), targets=bindparam("tgt"), location=bindparam("loc"))  # fmt: skip
                conn.execute(stmt, [
                    {"mid": m, "eid": e, "why": why,
                     "src": json.dumps(resolved_actors[m]["sources"], ensure_ascii=False),
                     "tgt": json.dumps(resolved_actors[m]["targets"], ensure_ascii=False),
                     "loc": json.dumps(resolved_actors[m]["location"], ensure_ascii=False)
                     if resolved_actors[m]["location"] else None}
                    for m, e, why in sorted(assignments)  # in key order
                ])  # fmt: skip
            ids = sorted(summaries)
            for chunk in _chunks(ids):
                conn.execute(delete(events).where(events.c.event_id.in_(chunk)))
                conn.execute(delete(event_actors).where(event_actors.c.event_id.in_(chunk)))
            rows, actor_rows = [], []
            for eid in ids:
                s = summaries[eid]
                rows.append(s["row"] | {"event_id": eid, "run_id": run_id})
                days = {"range_start": s["row"]["range_start"], "range_end": s["row"]["range_end"]}
                for role in ("source", "target", "location"):
                    for ent in s["actors"][role]:
                        actor_rows.append({"event_id": eid, "entity_id": ent, "role": role, **days})
            if rows:
                conn.execute(events.insert(), rows)
            if actor_rows:
                conn.execute(self._insert(event_actors).on_conflict_do_nothing(), actor_rows)

    def fused_events(self, query: Any = None, *, event_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Fused events matching an :class:`~dateline.store.EventQuery` (or these ids), by date; JSON decoded."""
        from .store import EventQuery, event_filters

        q = query or EventQuery()
        stmt = select(events).order_by(events.c.range_start, events.c.event_id)
        conds = []
        if event_ids is not None:
            conds.append(events.c.event_id.in_(list(event_ids)))

        def involves(ids, roles):
            sub = select(event_actors.c.event_id).where(event_actors.c.entity_id.in_(list(ids)))
            return events.c.event_id.in_(sub.where(event_actors.c.role.in_(roles)))

        x, y = q.actor_entities, q.partner_entities
        if x and y:  # a dyad: one acts on the other, either way
            conds.append(or_(and_(involves(x, ["source"]), involves(y, ["target"])),
                             and_(involves(y, ["source"]), involves(x, ["target"]))))  # fmt: skip
        elif x:
            conds.append(involves(x, ["source", "target"]))
        conds += event_filters(events, q, codes=not q.actor_entities)
        if q.article_id:
            sub = select(event_mentions.c.event_id).where(event_mentions.c.article_id == q.article_id)
            conds.append(events.c.event_id.in_(sub))
        if q.story_id:
            conds.append(events.c.story_id == q.story_id)
        if conds:
            stmt = stmt.where(and_(*conds))
        if q.limit is not None:
            stmt = stmt.limit(q.limit)
        with self._read() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        return [_decode(r, "sources", "targets", "location", "conflicts") for r in rows]

    def mentions_of_events(self, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Event id -> its mentions (article, sentence, spans, outlet, merge reason), by date then position."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self._read() as conn:
            for chunk in _chunks(event_ids):
                stmt = (
                    select(event_mentions, articles.c.date.label("article_date"))
                    .join(articles, articles.c.article_id == event_mentions.c.article_id)
                    .where(event_mentions.c.event_id.in_(chunk))
                    .order_by(articles.c.date, event_mentions.c.article_id, event_mentions.c.start)
                )
                rows = [dict(r) for r in conn.execute(stmt).mappings()]
                outlets = self._original_outlets(conn, sorted({r["article_id"] for r in rows}))
                for r in rows:
                    _decode(r, "sources", "targets", "location")
                    r["outlet"] = outlets.get(r["article_id"])
                    out.setdefault(r["event_id"], []).append(r)
        return out

    def quotes_of_articles(self, article_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Quotations in these articles, by article then position."""
        rows = []
        with self._read() as conn:
            for chunk in _chunks(article_ids):
                stmt = (
                    select(quotes).where(quotes.c.article_id.in_(chunk)).order_by(quotes.c.article_id, quotes.c.start)
                )
                rows += [dict(r) for r in conn.execute(stmt).mappings()]
        return [_decode(r, "mention_ids") for r in rows]

    def resolve_status(self) -> dict[str, int]:
        with self._read() as conn:

            def count(table) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar_one()

            return {"resolved": count(resolved_articles), "entities": count(entities), "stories": count(stories),
                    "events": count(events)}  # fmt: skip


def _headline(text: str | None) -> str:
    """The first sentence of a text (shortened): the title of a story none of whose articles has one."""
    head = " ".join((text or "").split())
    cut = head.find(". ")
    return head[: cut + 1] if 0 < cut < 160 else head[:160]
