"""Exports: write what the store holds as JSONL, CSV or Parquet.

Formats are a registry (``EXPORTERS``) that our own formats use too; add one with
:func:`register_exporter`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError
from ..store import ArticleQuery, Store

__all__ = ["export", "entity_rows", "register_exporter", "EXPORTERS", "KINDS", "FIELDS"]

#: Fields of each export kind, in order (DESIGN.md's output contract, then extras).
FIELDS: dict[str, list[str]] = {
    "articles": [
        "article_id",
        "source_id",
        "date",
        "url",
        "outlet",
        "title",
        "source_path",
        "story_id",
        "publication_id",
        "date_precision",
        "source_location",
        "num_publications",
        "num_outlets",
        "text",
    ],
    "entities": [
        "entity_id",
        "name",
        "type",
        "country",
        "sector",
        "aliases",
        "mentions",
        "geonames_id",
        "lat",
        "lon",
        "actor_code",
        "role",
    ],
    "events": [
        "event_id",
        "plover_type",
        "plover_mode",
        "cameo_code",
        "quad_class",
        "goldstein",
        "source",
        "target",
        "source_code",
        "target_code",
        "date",
        "date_precision",
        "location",
        "modality",
        "num_mentions",
        "num_sources",
        "num_articles",
        "mentions",
        "plover_context",
        "trigger",
        "modality_cue",
        "reported_by",
        "location_name",
        "sources",
        "targets",
        "confidence",
    ],
    "times": [
        "article_id",
        "text",
        "start",
        "end",
        "type",
        "value",
        "mod",
        "granularity",
        "anchored",
        "range_start",
        "range_end",
    ],
}

_INT_FIELDS = {"num_publications", "num_outlets", "start", "end", "geonames_id", "quad_class", "num_mentions",
               "num_sources", "num_articles"}  # fmt: skip
_FLOAT_FIELDS = {"lat", "lon", "goldstein", "confidence"}
_BOOL_FIELDS = {"anchored"}
# Lists and objects: JSON arrays in JSONL; JSON text in a CSV cell or a Parquet string column.
_NESTED_FIELDS = {"aliases", "mentions", "source", "target", "sources", "targets"}

Rows = Iterable[dict[str, Any]]
Writer = Callable[[Rows, list[str], IO[bytes]], int]


KINDS_OF_LABEL = {"NOMINAL": "PERSON", "PRONOUN": "PERSON"}


def entity_id(label: str, name: str) -> str:
    """The id of the entity a mention with this label and (canonical) name belongs to, until
    cross-document resolution: stable for a kind and a name."""
    from ..model import normalize_text

    kind = KINDS_OF_LABEL.get(label, label)
    return hashlib.sha256(f"{kind}\x1f{normalize_text(name).casefold()}".encode()).hexdigest()[:16]


def _event_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Events in the fields of the output contract; before fusion each mention is its own event."""
    from ..store import EventQuery

    for e in store.events(EventQuery(limit=None)):

        def ids(records):
            return [entity_id(r.get("label", ""), r["text"]) for r in records]

        yield {
            **e,
            "source": ids(e["sources"]),
            "target": ids(e["targets"]),
            "location": entity_id(e["location"].get("label", "GPE"), e["location"]["text"]) if e["location"] else None,
            "location_name": e["location"]["text"] if e["location"] else None,
            "num_mentions": 1,
            "num_sources": 1,
            "num_articles": 1,
            "mentions": [
                {
                    "article_id": e["article_id"],
                    "sentence": e["sentence"],
                    "start": e["start"],
                    "end": e["end"],
                    "confidence": e["confidence"],
                }
            ],  # fmt: skip
        }


def entity_rows(mentions: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Entities from mention rows, until cross-document resolution exists.

    Within an article, a coreference chain is one entity; across articles, chains and names
    with the same canonical name and kind are grouped (a stable ``entity_id`` per kind and
    name). Pronouns and descriptions count as mentions of their chain's entity. Country,
    sector and place fields come from the most frequent value among the mentions.
    """
    from collections import Counter

    from ..model import normalize_text

    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for m in mentions:
        if m["label"] in NOT_ENTITIES:
            continue
        name = normalize_text(m.get("canonical") or m["text"])
        kind = KINDS_OF_LABEL.get(m["label"], m["label"])
        key = (kind, name.casefold())
        entity = groups.get(key)
        if entity is None:
            entity = groups[key] = {"entity_id": entity_id(m["label"], name), "name": name, "type": kind, "aliases": [], "mentions": [],
                                    "_votes": {f: Counter() for f in _VOTED}}  # fmt: skip
        text = normalize_text(m["text"])
        if m["label"] not in ("PRONOUN", "NOMINAL") and text != entity["name"] and text not in entity["aliases"]:
            entity["aliases"].append(text)
        for f in _VOTED:
            if m.get(f) is not None:
                entity["_votes"][f][m[f]] += 1
        entity["mentions"].append(
            {"article_id": m["article_id"], "text": m["text"], "start": m["start"], "end": m["end"]}
        )
    for entity in groups.values():
        votes = entity.pop("_votes")
        for f in _VOTED:
            entity[f] = votes[f].most_common(1)[0][0] if votes[f] else None
        entity["country"] = entity.get("country") or entity.pop("place_country", None)
        entity.pop("place_country", None)
        yield entity


# NER labels that are values, not entities (times have their own table).
NOT_ENTITIES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_VOTED = ("country", "sector", "role", "actor_code", "geonames_id", "lat", "lon", "place_country")


def _time_rows(store: Store) -> Iterator[dict[str, Any]]:
    for row in store.iter_times():
        for key in ("range_start", "range_end"):
            if row[key] is not None:
                row[key] = row[key].isoformat()
        yield row


def _rows(store: Store, kind: str, query: ArticleQuery | None) -> Iterator[dict[str, Any]]:
    if kind == "articles":
        return store.iter_publications(query)
    if kind == "entities":
        return entity_rows(store.mentions())
    if kind == "times":
        return _time_rows(store)
    if kind == "events":
        return _event_rows(store)
    raise ConfigError(f"unknown export kind {kind!r}; choose {', '.join(KINDS)}")


KINDS = tuple(FIELDS)


def write_jsonl(rows: Rows, fields: list[str], out: IO[bytes]) -> int:
    """One JSON object per line, UTF-8, fields in contract order."""
    n = 0
    for row in rows:
        out.write(json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False).encode("utf-8") + b"\n")
        n += 1
    return n


def _cell(field: str, value: Any) -> Any:
    if value is None:
        return ""
    if field in _NESTED_FIELDS:
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: Rows, fields: list[str], out: IO[bytes]) -> int:
    """CSV with a header row; empty cells for missing values."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=fields, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({f: _cell(f, row.get(f)) for f in fields})
        n += 1
    text.flush()
    text.detach()
    return n


def write_parquet(rows: Rows, fields: list[str], out: IO[bytes]) -> int:
    """Apache Parquet, written in row groups of 10,000."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow_type(f: str):
        if f in _INT_FIELDS:
            return pa.int64()
        if f in _FLOAT_FIELDS:
            return pa.float64()
        if f in _BOOL_FIELDS:
            return pa.bool_()
        return pa.string()

    schema = pa.schema([(f, arrow_type(f)) for f in fields])
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        chunk: list[dict[str, Any]] = []

        def flush() -> None:
            if chunk:
                records = [
                    {f: (json.dumps(r.get(f), ensure_ascii=False) if f in _NESTED_FIELDS else r.get(f)) for f in fields}
                    for r in chunk
                ]
                writer.write_table(pa.Table.from_pylist(records, schema=schema))
                chunk.clear()

        for row in rows:
            chunk.append(row)
            n += 1
            if len(chunk) >= 10_000:
                flush()
        flush()
    return n


EXPORTERS: dict[str, Writer] = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}
BINARY_FORMATS = {"parquet"}


def register_exporter(name: str, writer: Writer, binary: bool = False) -> None:
    """Add an export format: ``writer(rows, fields, binary_stream) -> rows written``."""
    EXPORTERS[name] = writer
    if binary:
        BINARY_FORMATS.add(name)


def export(
    store: Store,
    kind: str,
    fmt: str,
    output: str | Path | None = None,
    query: ArticleQuery | None = None,
) -> int:
    """Write one kind of record from the store in one format.

    Args:
        store: the store to read.
        kind: what to export (``articles``; more kinds come with later stages).
        fmt: ``jsonl``, ``csv``, ``parquet`` or a registered format.
        output: a file path; None or ``-`` writes to standard output (not for binary formats).
        query: filters (date range, outlet, text search).

    Returns:
        The number of rows written.

    Raises:
        ConfigError: unknown kind or format, or a binary format to a terminal.
    """
    if kind not in FIELDS:
        raise ConfigError(f"unknown export kind {kind!r}; choose {', '.join(KINDS)}")
    if fmt not in EXPORTERS:
        raise ConfigError(f"unknown export format {fmt!r}; choose {', '.join(EXPORTERS)}")
    to_stdout = output is None or str(output) == "-"
    if to_stdout and fmt in BINARY_FORMATS:
        raise ConfigError(f"{fmt} is a binary format; write it to a file with -o FILE.{fmt}")
    rows = _rows(store, kind, query or ArticleQuery(limit=None))
    if to_stdout:
        return EXPORTERS[fmt](rows, FIELDS[kind], sys.stdout.buffer)
    path = Path(output)
    if not path.parent.exists():
        raise ConfigError(f"cannot write {str(path)!r}: directory {str(path.parent)!r} does not exist")
    tmp = path.with_name(path.name + ".partial")
    try:
        with open(tmp, "wb") as out:
            n = EXPORTERS[fmt](rows, FIELDS[kind], out)
        tmp.replace(path)  # a reader never sees a half-written export
    finally:
        tmp.unlink(missing_ok=True)
    return n
