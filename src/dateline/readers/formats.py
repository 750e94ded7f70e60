"""Readers: turn one input (a file or stdin) into Article records and Rejects.

A reader never raises for bad content: every bad file or record becomes a
:class:`~dateline.model.Reject` with a stable reason code, and reading goes on
with the next record.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

from ..config import Config
from ..dates import parse_publication_date
from ..model import Article, Reject

__all__ = ["Source", "read_source", "FORMATS", "outlet_from_url"]

#: Input formats and the file name endings that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".text"),
    "jsonl": (".jsonl", ".ndjson"),
    "json": (".json",),
    "csv": (".csv", ".tsv"),
    "html": (".html", ".htm", ".xhtml"),
}
_BY_SUFFIX = {suffix: fmt for fmt, suffixes in FORMATS.items() for suffix in suffixes}

# Endings of files that are certainly not articles: rejected as unsupported without reading.
_NOT_ARTICLES = frozenset(
    ".png .jpg .jpeg .gif .webp .svg .ico .pdf .doc .docx .xls .xlsx .ppt .pptx .zip .tar .tgz "
    ".bz2 .xz .7z .rar .mp3 .mp4 .wav .avi .mov .exe .dll .so .bin .pyc .db .sqlite .parquet".split()
)

# Field names accepted for each record field in JSONL/JSON/CSV, canonical name first.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime", "timestamp"),
    "id": ("id", "source_id", "doc_id", "document_id", "uuid"),
    "url": ("url", "link", "uri"),
    "outlet": ("outlet", "source", "site", "publisher", "domain"),
    "title": ("title", "headline"),
}

# A dateline text file: " date YYYY-MM-DD " (or an ISO timestamp) then the body, on the
# same line or the next; a header on a line of its own may hold any date form.
_INLINE_HEADER = re.compile(
    r"\A[ \t]*date[ \t]*:?[ \t]*"
    r"(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)(?=\s|\Z)",
    re.IGNORECASE,
)
_LINE_HEADER = re.compile(r"\A[ \t]*date\b[ \t]*:?[ \t]*([^\r\n]*)", re.IGNORECASE)
_SNIFF_TEXT = re.compile(rb"\A\s*date\b", re.IGNORECASE)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(slots=True)
class Source:
    """One input to read: a file path (as given) or ``-`` for stdin, and its format."""

    path: str
    format: str | None = None  # None: from the file name ending, else from the content
    size: int | None = None
    stream: IO[bytes] | None = None  # stdin


Progress = Callable[[int], None]


def _noop(_: int) -> None:
    pass


def outlet_from_url(url: str | None) -> str | None:
    """The outlet's host name from a URL, without ``www.``/``m.``/``amp.``: ``reuters.com``."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    for prefix in ("www.", "m.", "amp.", "mobile."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    return host


def _snippet(data: bytes | str, limit: int = 120) -> str:
    if isinstance(data, bytes):
        data = data[:limit].decode("utf-8", "replace")
    data = data[:limit]
    return "".join(c if c.isprintable() else " " for c in data)


def _decode(data: bytes, encoding: str) -> tuple[str | None, str | None]:
    """Bytes to text: a byte-order mark wins over ``encoding``. Returns (text, error)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding = enc
            if enc == "utf-8":
                data = data[len(bom) :]
            break
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        return None, (
            f"not valid {exc.encoding} at byte {exc.start}; convert the file to UTF-8 "
            f"or set ingest.encoding (e.g. --set ingest.encoding=cp1252)"
        )
    except LookupError:
        return None, f"unknown encoding {encoding!r} in ingest.encoding"


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if any(head.startswith(bom) for bom, enc in _BOMS if enc != "utf-8"):
        return False  # UTF-16/32 text is full of NUL bytes
    return b"\x00" in head


class _Checker:
    """Validates one record's fields and builds the Article, or the Reject saying why not."""

    def __init__(self, config: Config) -> None:
        self.max_chars = config["ingest.max_chars"]
        self.date_order = config["ingest.date_order"]

    def article(
        self, path: str, location: str | None, fields: dict[str, Any], raw: str | bytes = ""
    ) -> Article | Reject:
        def reject(reason: str, message: str) -> Reject:
            return Reject(path, reason, message, location, _snippet(raw) if raw else None)

        text = fields.get("text")
        if text is None:
            return reject("missing_field", "no 'text' field; every record needs text and date")
        if not isinstance(text, str):
            return reject("bad_field", f"'text' is a {type(text).__name__}, not a string")
        if not text.strip():
            return reject("empty_text", "the text is empty")
        if len(text) > self.max_chars:
            return reject(
                "too_large",
                f"text has {len(text):,} characters, over ingest.max_chars={self.max_chars:,}; "
                "raise it with --set ingest.max_chars=N if the article is real",
            )
        if "\x00" in text:
            return reject("binary", "the text contains NUL characters (binary data?)")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return reject(
                "undecodable",
                f"the text has an invalid character at position {exc.start} "
                "(undecodable byte or lone surrogate); fix the file's encoding",
            )
        raw_date = fields.get("date")
        if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
            return reject("no_date", "no publication date; every record needs a 'date' field")
        try:
            date = parse_publication_date(raw_date, self.date_order)
        except ValueError as exc:
            return reject("bad_date", f"bad date: {exc}")
        values: dict[str, str | None] = {}
        for name in ("id", "url", "outlet", "title"):
            value = fields.get(name)
            if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
                return reject("bad_field", f"'{name}' is a {type(value).__name__}, not a string")
            if value is not None:
                value = str(value).strip() or None
            if value is not None:
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return reject("undecodable", f"'{name}' has an invalid character; fix the file's encoding")
                if "\x00" in value:
                    return reject("binary", f"'{name}' contains NUL characters")
            values[name] = value
        return Article(
            text=text,
            date=date,
            source_path=path,
            location=location,
            source_id=values["id"],
            url=values["url"],
            outlet=values["outlet"] or outlet_from_url(values["url"]),
            title=values["title"],
        )


def _canonical_fields(record: dict[str, Any]) -> dict[str, Any]:
    """Map a record's keys (any case, aliases) to the canonical field names."""
    lowered: dict[str, Any] = {}
    for key, value in record.items():
        lowered.setdefault(str(key).strip().lower(), value)
    out: dict[str, Any] = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in lowered and lowered[alias] not in (None, ""):
                out[name] = lowered[alias]
                break
        else:
            for alias in aliases:
                if alias in lowered:
                    out[name] = lowered[alias]
                    break
    return out


def _open_bytes(source: Source) -> tuple[IO[bytes], IO[bytes]]:
    """(stream to read, stream to close): gzip is undone whatever the file's name."""
    outer = source.stream if source.stream is not None else open(source.path, "rb")  # noqa: SIM115
    head = outer.peek(2)[:2] if hasattr(outer, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=outer), outer  # type: ignore[return-value]
    return outer, outer


def detect_format(path: str, head: bytes) -> str | None:
    """The input format from the file name ending, else from the first bytes; None if unknown."""
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix, fmt in _BY_SUFFIX.items():
        if name.endswith(suffix):
            return fmt
    if any(name.endswith(s) for s in _NOT_ARTICLES):
        return None
    return sniff_format(head)


def sniff_format(head: bytes) -> str | None:
    """Guess the format of an unnamed input from its first bytes."""
    for bom, _ in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    stripped = head.lstrip()
    if _SNIFF_TEXT.match(stripped):
        return "text"
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"<"):
        return "html"
    first_line = stripped.split(b"\n", 1)[0].lower()
    if b"text" in first_line and b"date" in first_line and any(d in first_line for d in (b",", b"\t", b";")):
        return "csv"
    return None


def read_source(source: Source, config: Config, progress: Progress = _noop) -> Iterator[Article | Reject]:
    """Read one input and yield an Article or a Reject for each record in it.

    Args:
        source: the file or stream to read.
        config: settings (``ingest.*``).
        progress: called with the number of input bytes consumed, as reading goes on.

    Yields:
        One :class:`Article` or :class:`Reject` per record (one for a single-article file).
    """
    path = source.path
    try:
        raw, outer = _open_bytes(source)
    except OSError as exc:
        yield Reject(path, "unreadable", f"cannot open: {exc.strerror or exc}")
        progress(source.size or 0)
        return
    try:
        head = raw.peek(4096)[:4096] if hasattr(raw, "peek") else b""
        fmt = source.format or detect_format(path, head)
        if fmt is None:
            yield Reject(
                path,
                "unsupported",
                "not a file type dateline reads; use .txt (dateline text), .jsonl, .json, .csv or .html",
                snippet=_snippet(head[:60]) if head and not _is_binary(head) else None,
            )
            progress(source.size or 0)
            return
        if _is_binary(head):
            yield Reject(path, "binary", "binary file (NUL bytes); dateline reads text, JSONL, CSV and HTML")
            progress(source.size or 0)
            return
        yield from _READERS[fmt](raw, path, config, progress)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Reject(path, "unreadable", f"read failed: {exc}")
    finally:
        if source.stream is None:
            raw.close()
            outer.close()


def _read_single(raw: IO[bytes], path: str, config: Config, progress: Progress) -> tuple[bytes | None, Reject | None]:
    limit = config["ingest.max_file_bytes"]
    data = raw.read(limit + 1)
    progress(len(data))
    if len(data) > limit:
        return None, Reject(
            path,
            "too_large",
            f"file is over ingest.max_file_bytes={limit:,} bytes; raise it with --set ingest.max_file_bytes=N "
            "or split the file",
        )
    if _is_binary(data):
        return None, Reject(path, "binary", "binary file (NUL bytes); dateline reads text, JSONL, CSV and HTML")
    return data, None


def _read_text(raw: IO[bytes], path: str, config: Config, progress: Progress) -> Iterator[Article | Reject]:
    data, rejected = _read_single(raw, path, config, progress)
    if rejected:
        yield rejected
        return
    text, error = _decode(data, config["ingest.encoding"])
    if text is None:
        yield Reject(path, "undecodable", error, snippet=_snippet(data))
        return
    yield parse_text_file(text, path, _Checker(config))


def parse_text_file(content: str, path: str, checker: _Checker) -> Article | Reject:
    """Split a dateline text file into its date header and its body."""
    content = content.lstrip("\ufeff")
    body_start = None
    if m := _INLINE_HEADER.match(content):
        raw_date, body_start = m[1], m.end()
    elif m := _LINE_HEADER.match(content):
        raw_date, body_start = m[1].strip(), m.end()
        if not raw_date:
            return Reject(path, "no_date", "the 'date' header has no value; write ' date YYYY-MM-DD ' first")
    else:
        return Reject(
            path,
            "no_date",
            "no date header; a dateline text file starts with ' date YYYY-MM-DD ' then the text",
            snippet=_snippet(content),
        )
    body = content[body_start:].strip()
    return checker.article(path, None, {"text": body, "date": raw_date}, raw=content[:120])


def _iter_lines(raw: IO[bytes], progress: Progress) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(raw, start=1):
        progress(len(line))
        yield number, line


def _read_jsonl(raw: IO[bytes], path: str, config: Config, progress: Progress) -> Iterator[Article | Reject]:
    checker = _Checker(config)
    encoding = config["ingest.encoding"]
    for number, line in _iter_lines(raw, progress):
        location = f"line {number}"
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        text, error = _decode(line, encoding)
        if text is None:
            yield Reject(path, "undecodable", error, location, _snippet(line))
            continue
        yield _json_record(text, path, location, checker)


def _json_record(text: str, path: str, location: str, checker: _Checker) -> Article | Reject:
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        message = f"{exc.msg} at column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "too deeply nested"
        return Reject(path, "bad_json", f"malformed JSON: {message}", location, _snippet(text))
    if not isinstance(record, dict):
        return Reject(
            path, "bad_json", f"expected a JSON object, got {type(record).__name__}", location, _snippet(text)
        )
    return checker.article(path, location, _canonical_fields(record), raw=text)


def _read_json(raw: IO[bytes], path: str, config: Config, progress: Progress) -> Iterator[Article | Reject]:
    """A .json file: an array of article objects, one object, or JSON lines."""
    data = raw.read()
    progress(len(data))
    text, error = _decode(data, config["ingest.encoding"])
    if text is None:
        yield Reject(path, "undecodable", error, snippet=_snippet(data))
        return
    checker = _Checker(config)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{") and exc.msg == "Extra data":
            yield from _read_jsonl(io.BytesIO(data), path, config, _noop)
            return
        yield Reject(path, "bad_json", f"malformed JSON: {exc.msg} at line {exc.lineno}", snippet=_snippet(text))
        return
    except RecursionError:
        yield Reject(path, "bad_json", "malformed JSON: too deeply nested")
        return
    records = parsed if isinstance(parsed, list) else [parsed]
    for index, record in enumerate(records, start=1):
        location = f"item {index}" if isinstance(parsed, list) else None
        if not isinstance(record, dict):
            yield Reject(path, "bad_json", f"expected a JSON object, got {type(record).__name__}", location)
            continue
        yield checker.article(path, location, _canonical_fields(record), raw=json.dumps(record)[:120])


def _read_csv(raw: IO[bytes], path: str, config: Config, progress: Progress) -> Iterator[Article | Reject]:
    checker = _Checker(config)
    encoding = config["ingest.encoding"]
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            encoding = "utf-8-sig" if enc == "utf-8" else enc
            break

    class _Counting(io.RawIOBase):
        """Reports bytes consumed as the CSV module reads on."""

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[override]
            chunk = raw.read(len(buffer))
            buffer[: len(chunk)] = chunk
            progress(len(chunk))
            return len(chunk)

    # Bad bytes become lone surrogates (surrogateescape), so one bad row is rejected
    # on its own and the rows after it are still read.
    stream = io.TextIOWrapper(io.BufferedReader(_Counting()), encoding=encoding, errors="surrogateescape", newline="")
    first = stream.readline()
    delimiter = _csv_delimiter(first, path)
    if isinstance(delimiter, Reject):
        yield delimiter
        return
    header = [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter))]
    required = {name: next((a for a in FIELD_ALIASES[name] if a in header), None) for name in ("text", "date")}
    missing = [name for name, col in required.items() if col is None]
    if missing:
        yield Reject(
            path,
            "missing_field",
            f"CSV header has no {' or '.join(missing)} column; found: {', '.join(header)[:200]}",
            "row 0",
        )
        return
    reader = csv.reader(stream, delimiter=delimiter)
    row_number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_number += 1
            yield Reject(path, "bad_field", f"malformed CSV: {exc}", f"row {row_number}")
            continue
        row_number += 1
        location = f"row {row_number}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            present = dict(zip(header, row, strict=False))
            absent = [h for h in header[len(row) :] if h in required.values()]
            if absent:
                yield Reject(
                    path,
                    "missing_field",
                    f"row has {len(row)} of {len(header)} columns; missing {', '.join(absent)}",
                    location,
                    _snippet(delimiter.join(row)),
                )
                continue
        else:
            present = dict(zip(header, row, strict=False))
        yield checker.article(path, location, _canonical_fields(present), raw=delimiter.join(row))


def _csv_delimiter(first_line: str, path: str) -> str | Reject:
    line = first_line.lower()
    best = max((",", "\t", ";", "|"), key=line.count)
    if not line.strip():
        return Reject(path, "empty_text", "the CSV file is empty")
    if line.count(best) == 0:
        return Reject(path, "missing_field", "CSV header has a single column; need at least text and date", "row 0")
    return best


def _read_html(raw: IO[bytes], path: str, config: Config, progress: Progress) -> Iterator[Article | Reject]:
    data, rejected = _read_single(raw, path, config, progress)
    if rejected:
        yield rejected
        return
    from trafilatura import bare_extraction  # heavy import: only when there is HTML to read

    try:
        doc = bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        yield Reject(path, "no_text", f"HTML extraction failed: {type(exc).__name__}: {exc}")
        return
    if doc is None or not (doc.text or "").strip():
        yield Reject(path, "no_text", "no main text found in the HTML page")
        return
    if not doc.date:
        yield Reject(
            path,
            "no_date",
            "no publication date found in the page's metadata or text; "
            "ingest it as JSONL or CSV with a date field instead",
        )
        return
    fields = {
        "text": doc.text,
        "date": doc.date,
        "url": doc.url,
        "outlet": doc.sitename or doc.hostname or None,
        "title": doc.title,
    }
    yield _Checker(config).article(path, None, fields)


_READERS = {"text": _read_text, "jsonl": _read_jsonl, "json": _read_json, "csv": _read_csv, "html": _read_html}
