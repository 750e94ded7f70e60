"""The current schema, as SQLAlchemy Core tables (what queries use).

Tables are created and changed only by the named migrations in
:mod:`dateline.store.migrations`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text

metadata = MetaData()

ID = String(16)  # hex digest prefixes: see dateline.model

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("command", Text, nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("status", String(20), nullable=False),  # running, ok, failed, interrupted
    Column("dateline_version", String(40), nullable=False),
    Column("config", Text, nullable=False),  # JSON of every setting
    Column("counts", Text),  # JSON summary written when the run ends
)

# One row per distinct text (normalized): the unit every later stage annotates.
articles = Table(
    "articles",
    metadata,
    Column("article_id", ID, primary_key=True),
    Column("text", Text, nullable=False),
    # The earliest publication's date: what relative dates in the text are resolved against.
    Column("date", Date, nullable=False),
    Column("date_value", String(40), nullable=False),
    Column("date_precision", String(10), nullable=False),
    Column("title", Text),
    Column("n_chars", Integer, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_articles_date", "date"),
)

# One row per publication of a text: the same wire story in two outlets is one
# article with two publications.
publications = Table(
    "publications",
    metadata,
    Column("publication_id", ID, primary_key=True),
    Column("article_id", ID, ForeignKey("articles.article_id"), nullable=False),
    Column("date", Date, nullable=False),
    Column("date_value", String(40), nullable=False),
    Column("date_precision", String(10), nullable=False),
    Column("url", Text),
    Column("outlet", String(300)),
    Column("title", Text),
    Column("source_path", Text, nullable=False),
    Column("source_location", String(40)),
    Column("source_id", String(300)),
    # This publication's text when it differs (whitespace, composition) from the
    # article's stored text, so that nothing given is lost.
    Column("text_variant", Text),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_publications_article", "article_id"),
    Index("ix_publications_date", "date"),
    Index("ix_publications_outlet", "outlet"),
    Index("ix_publications_source", "source_path", "source_location"),
)

rejects = Table(
    "rejects",
    metadata,
    Column("reject_id", Integer, primary_key=True, autoincrement=True),
    Column("stage", String(40), nullable=False),
    Column("source_path", Text, nullable=False),
    Column("source_location", String(40), nullable=False, server_default=""),
    Column("reason", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("snippet", Text),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    # Set when a later run ingests a good record from the same place.
    Column("resolved_run_id", Integer, ForeignKey("runs.run_id")),
    UniqueConstraint("stage", "source_path", "source_location", "reason", name="uq_rejects_place"),
    Index("ix_rejects_source", "source_path", "source_location"),
)

# Which articles have been annotated, by which run and pipeline (stage versions).
article_annotations = Table(
    "article_annotations",
    metadata,
    Column("article_id", ID, ForeignKey("articles.article_id"), primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Column("pipeline", Text, nullable=False),  # JSON: component -> versioned factory, model
    Column("errors", Text),  # JSON list of stage errors met on this article, if any
    # Resolved (it has a row in resolved_articles); the index finds the few that are not in a large store.
    Column("resolved", Boolean, nullable=False, default=False, server_default=false()),
    Index(
        "ix_article_annotations_pending",
        "article_id",
        sqlite_where=sql_text("resolved = 0"),  # as SQLAlchemy writes the query's test there
        postgresql_where=sql_text("NOT resolved"),
    ),
)

# Named-entity mentions, with character offsets into the article text.
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
    Column("entity_id", ID),  # the entity across articles (set by resolve)
    Index("ix_mentions_article", "article_id"),
    Index("ix_mentions_actor", "actor_code"),
    Index("ix_mentions_text", "text"),
    Index("ix_mentions_entity", "entity_id"),
)

# Time expressions normalized to TIMEX3 values against the article date.
times = Table(
    "times",
    metadata,
    Column("time_id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", ID, ForeignKey("articles.article_id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(10), nullable=False),
    Column("value", String(40), nullable=False),
    Column("mod", String(20)),
    Column("granularity", String(20), nullable=False),
    Column("anchored", Boolean, nullable=False),
    Column("rule", String(40), nullable=False),
    # The calendar days the value covers, when it names a span of days (for date queries).
    Column("range_start", Date),
    Column("range_end", Date),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_times_article", "article_id"),
    Index("ix_times_range", "range_start", "range_end"),
)

# Event mentions: one row per report of an event in one sentence. Resolve fuses the mentions of
# one happening (across articles) into an event (``event_id``), with the reason for each merge.
event_mentions = Table(
    "event_mentions",
    metadata,
    Column("mention_id", String(24), primary_key=True),
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
    Column("event_id", String(24)),  # the fused event (set by resolve)
    Column("merge_reason", Text),  # why this mention joined its event ("first mention" for the seed)
    Index("ix_event_mentions_article", "article_id"),
    Index("ix_event_mentions_type", "plover_type"),
    Index("ix_event_mentions_source", "source_code"),
    Index("ix_event_mentions_target", "target_code"),
    Index("ix_event_mentions_range", "range_start", "range_end"),
    Index("ix_event_mentions_event", "event_id"),
)

# Quotations with their speakers; mention_ids are the event mentions coded inside them.
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
    Column("mention_ids", Text, nullable=False),  # JSON list of event_mentions.mention_id
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_quotes_article", "article_id"),
    Index("ix_quotes_speaker", "speaker_code"),
)


# -- resolve: decisions across articles ------------------------------------------------------

# Articles the resolve step has placed (entities linked, story assigned, events fused).
resolved_articles = Table(
    "resolved_articles",
    metadata,
    Column("article_id", ID, ForeignKey("articles.article_id"), primary_key=True),
    Column("story_id", ID, nullable=False),
    Column("story_score", Float, nullable=False),
    Column("story_reason", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_resolved_articles_story", "story_id"),
)

# The hashed term counts of a resolved article's story vector (its title and text), so that later runs compare new
# articles with an open story's members without tokenizing the members again. ``hashing`` names the settings and
# tokenization they were made with (rows made otherwise are not used).
story_terms = Table(
    "story_terms",
    metadata,
    Column("article_id", ID, ForeignKey("articles.article_id"), primary_key=True),
    Column("hashing", String(60), nullable=False),
    Column("terms", LargeBinary, nullable=False),  # little-endian int32 feature indices, then uint32 counts
)

# One row per entity across articles: a person, organization, place or group, whatever the spelling.
entities = Table(
    "entities",
    metadata,
    Column("entity_id", ID, primary_key=True),
    Column("type", String(20), nullable=False),  # person, organization, place, group, product
    Column("name", Text, nullable=False),  # canonical name: the most frequent full form
    Column("country", String(3)),
    Column("sector", String(10)),
    Column("actor_code", String(40)),
    Column("geonames_id", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("aliases", Text, nullable=False),  # JSON {surface form: count}
    Column("roles", Text, nullable=False),  # JSON [{role, country, sector, first, last, count}]
    Column("profile", Text, nullable=False),  # JSON: what matching needs (name keys, countries, co-occurring)
    Column("num_mentions", Integer, nullable=False),
    Column("num_articles", Integer, nullable=False),
    Column("first_date", Date),
    Column("last_date", Date),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_entities_name", "name"),
    Index("ix_entities_type", "type"),
)

# Blocking keys of entities (surname skeleton, organization key, acronym, GeoNames id...): the
# resolver compares a new mention only with the entities that share one of its keys.
entity_keys = Table(
    "entity_keys",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("entity_id", ID, primary_key=True),
)

# Each in-article entity (a coreference chain, or the mentions of one name) and the entity it was
# linked to, with the score and the reason: the explanation of every resolution decision.
entity_links = Table(
    "entity_links",
    metadata,
    Column("article_id", ID, ForeignKey("articles.article_id"), primary_key=True),
    Column("local_key", String(300), primary_key=True),
    Column("entity_id", ID, nullable=False),
    Column("name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_entity_links_entity", "entity_id"),
)

stories = Table(
    "stories",
    metadata,
    Column("story_id", ID, primary_key=True),
    Column("title", Text, nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("num_articles", Integer, nullable=False),
    Column("num_events", Integer, nullable=False),
    Column("outlets", Text, nullable=False),  # JSON list
    Column("entities", Text, nullable=False),  # JSON [{entity_id, name, count}] most named first
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_stories_dates", "start_date", "end_date"),
)

# Fused events: one row per happening, with all its mentions in event_mentions.
events = Table(
    "events",
    metadata,
    Column("event_id", String(24), primary_key=True),
    Column("story_id", ID),
    Column("cameo_code", String(4), nullable=False),
    Column("plover_type", String(12)),
    Column("plover_mode", String(30)),
    Column("plover_context", String(60)),
    Column("quad_class", Integer, nullable=False),
    Column("goldstein", Float, nullable=False),
    Column("source_code", String(40)),
    Column("target_code", String(40)),
    Column("sources", Text, nullable=False),  # JSON [{entity_id, name, code}]
    Column("targets", Text, nullable=False),
    Column("modality", String(15), nullable=False),
    Column("date", String(40), nullable=False),
    Column("date_precision", String(15), nullable=False),
    Column("range_start", Date),
    Column("range_end", Date),
    Column("location_entity_id", ID),
    Column("location", Text),  # JSON {entity_id, name, geonames_id, lat, lon, country}
    Column("location_country", String(3)),
    Column("num_mentions", Integer, nullable=False),
    Column("num_sources", Integer, nullable=False),
    Column("num_articles", Integer, nullable=False),
    Column("conflicts", Text, nullable=False),  # JSON {field: [{value, mention_ids, outlets}]}
    Column("confidence", Float, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.run_id"), nullable=False),
    Index("ix_events_type", "plover_type"),
    Index("ix_events_source", "source_code"),
    Index("ix_events_target", "target_code"),
    Index("ix_events_range", "range_start", "range_end"),
    Index("ix_events_story", "story_id"),
)

# Actor entities of fused events, one row each, so that timelines by actor or dyad use an index.
event_actors = Table(
    "event_actors",
    metadata,
    Column("event_id", String(24), primary_key=True),
    Column("entity_id", ID, primary_key=True),
    Column("role", String(8), primary_key=True),  # source, target, location
    # The event's days, so that "this entity's events in this window" is one index range (0006).
    Column("range_start", Date),
    Column("range_end", Date),
    Index("ix_event_actors_entity", "entity_id", "role"),
    Index("ix_event_actors_range", "entity_id", "range_end"),
)
