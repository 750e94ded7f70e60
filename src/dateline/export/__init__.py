"""Exports: write what the store holds as JSONL, CSV or Parquet.

Formats are a registry (``EXPORTERS``) that our own formats use too; add one with
:func:`register_exporter`.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import ConfigError
from ..store import ArticleQuery, Store

__all__ = ["export", "event_record", "register_exporter", "EXPORTERS", "KINDS", "FIELDS"]

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
        "roles",
        "num_mentions",
        "num_articles",
        "first_date",
        "last_date",
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
        "story_id",
        "location_name",
        "sources",
        "targets",
        "conflicts",
        "confidence",
    ],
    "stories": [
        "story_id",
        "title",
        "start_date",
        "end_date",
        "article_ids",
        "event_ids",
        "num_articles",
        "num_events",
        "outlets",
        "entities",
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
               "num_sources", "num_articles", "num_events"}  # fmt: skip
_FLOAT_FIELDS = {"lat", "lon", "goldstein", "confidence"}
_BOOL_FIELDS = {"anchored"}
# Lists and objects: JSON arrays in JSONL; JSON text in a CSV cell or a Parquet string column.
_NESTED_FIELDS = {"aliases", "mentions", "source", "target", "sources", "targets", "roles", "conflicts", "article_ids",
                  "event_ids", "outlets", "entities"}  # fmt: skip

Rows = Iterable[dict[str, Any]]
Writer = Callable[[Rows, list[str], IO[bytes]], int]


def _event_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Fused events in the fields of the output contract, each with all its mentions."""
    from ..store import EventQuery

    events = store.fused_events(EventQuery(limit=None))
    for start in range(0, len(events), 2000):
        chunk = events[start : start + 2000]
        found = store.mentions_of_events([e["event_id"] for e in chunk])
        for e in chunk:
            yield event_record(e, found.get(e["event_id"], []))


def event_record(e: dict[str, Any], mentions: list[dict[str, Any]]) -> dict[str, Any]:
    """A fused event (a ``Store.fused_events`` row) and its mentions as the contract's record."""
    return {
        **e,
        "source": [x["entity_id"] for x in e["sources"]],
        "target": [x["entity_id"] for x in e["targets"]],
        "location": e["location_entity_id"],
        "location_name": e["location"]["name"] if e["location"] else None,
        "range_start": _iso(e["range_start"]),
        "range_end": _iso(e["range_end"]),
        "mentions": [
            {
                "mention_id": m["mention_id"],
                "article_id": m["article_id"],
                "outlet": m["outlet"],
                "sentence": m["sentence"],
                "start": m["start"],
                "end": m["end"],
                "sentence_start": m["sentence_start"],
                "sentence_end": m["sentence_end"],
                "trigger": m["trigger"],
                "cameo_code": m["cameo_code"],
                "modality": m["modality"],
                "modality_cue": m["modality_cue"],
                "reported_by": m["reported_by"],
                "date": m["date"],
                "date_precision": m["date_precision"],
                "confidence": m["confidence"],
                "merge_reason": m["merge_reason"],
            }
            for m in mentions
        ],
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _entity_rows(store: Store) -> Iterator[dict[str, Any]]:
    for e in store.iter_entities():
        e["aliases"] = sorted(e["aliases"], key=lambda a: (-e["aliases"][a], a))
        e["first_date"], e["last_date"] = _iso(e["first_date"]), _iso(e["last_date"])
        yield e


def _story_rows(store: Store) -> Iterator[dict[str, Any]]:
    for s in store.iter_stories():
        s["start_date"], s["end_date"] = _iso(s["start_date"]), _iso(s["end_date"])
        yield s


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
        return _entity_rows(store)
    if kind == "times":
        return _time_rows(store)
    if kind == "events":
        return _event_rows(store)
    if kind == "stories":
        return _story_rows(store)
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
        kind: what to export: articles, entities, times, events or stories.
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
