"""Tables as earlier migrations created them, frozen.

A migration must replay the same history on a new database as it did on an old one, so the
migrations that created these tables use these copies, never the current :mod:`schema`
(which later migrations changed: ``events`` became ``event_mentions`` in 0005, for example).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

from .schema import ID, articles, runs  # noqa: F401  (foreign keys resolve through the shared metadata)

metadata = MetaData()
# The referenced tables, so that foreign keys resolve in this metadata.
runs.to_metadata(metadata)
articles.to_metadata(metadata)

article_annotations = Table(  # as 0002 created it; 0007 added ``resolved``
    "article_annotations",
    metadata,
    Column("article_id", ID, ForeignKey("articles.article_id"), primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Column("pipeline", Text, nullable=False),
    Column("errors", Text),
)

mentions = Table(
    "mentions",
    metadata,
    Column("mention_id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", ID, ForeignKey("articles.article_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(40), nullable=False),  # NER label, or GROUP / NOMINAL / PRONOUN
    Column("sentence", Integer, nullable=False),
    Column("actor_code", String(40)),  # CAMEO-style: country or organization + sector (TURGOV, IGONAT)
    Column("country", String(3)),
    Column("sector", String(10)),
    Column("role", String(100)),
    Column("chain", Integer),  # in-document coreference chain (same number = same entity in this article)
    Column("canonical", Text),  # the chain's full name
    Column("usage", String(10)),  # places: actor, location, other
    Column("geonames_id", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("place_country", String(3)),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_mentions_article", "article_id"),
    Index("ix_mentions_actor", "actor_code"),
    Index("ix_mentions_text", "text"),
)

events = Table(
    "events",
    metadata,
    Column("event_id", String(24), primary_key=True),
    Column("article_id", ID, ForeignKey("articles.article_id"), nullable=False),
    Column("start", Integer, nullable=False),  # trigger span
    Column("end", Integer, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("sentence", Integer, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("cameo_code", String(4), nullable=False),
    Column("plover_type", String(12)),
    Column("plover_mode", String(30)),
    Column("plover_context", String(60)),
    Column("quad_class", Integer, nullable=False),
    Column("goldstein", Float, nullable=False),
    Column("source_code", String(40)),  # the first source's actor code (for filters)
    Column("target_code", String(40)),
    Column("sources", Text, nullable=False),  # JSON list of {code, text, start, end, chain}
    Column("targets", Text, nullable=False),
    Column("modality", String(15), nullable=False),
    Column("modality_cue", Text),
    Column("reported_by", String(40)),
    Column("date", String(40), nullable=False),  # TIMEX3 value of the event's date
    Column("date_precision", String(15), nullable=False),  # granularity, or "article"
    Column("date_text", Text),
    Column("range_start", Date),
    Column("range_end", Date),
    Column("location", Text),  # JSON {text, start, end, geonames_id, lat, lon, country}
    Column("location_country", String(3)),
    Column("confidence", Float, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_events_article", "article_id"),
    Index("ix_events_type", "plover_type"),
    Index("ix_events_source", "source_code"),
    Index("ix_events_target", "target_code"),
    Index("ix_events_range", "range_start", "range_end"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("quote_id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", ID, ForeignKey("articles.article_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(10), nullable=False),  # direct, indirect
    Column("sentence", Integer, nullable=False),
    Column("speaker_code", String(40)),
    Column("speaker", Text),
    Column("speaker_start", Integer),
    Column("cue", String(40)),
    Column("cue_start", Integer),
    Column("event_ids", Text, nullable=False),  # JSON list of events.event_id
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_quotes_article", "article_id"),
    Index("ix_quotes_speaker", "speaker_code"),
)

# As 0005_resolve created it (0006 added the event's days).
event_actors = Table(
    "event_actors",
    metadata,
    Column("event_id", String(24), primary_key=True),
    Column("entity_id", ID, primary_key=True),
    Column("role", String(6), primary_key=True),
    Index("ix_event_actors_entity", "entity_id", "role"),
)
