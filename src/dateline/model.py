"""Plain records passed between the readers, the store and the exports."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

__all__ = ["Article", "Reject", "PublicationDate", "article_id_for", "publication_id_for", "normalize_text"]

Precision = Literal["year", "month", "day", "minute", "second"]

_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Text as compared for identity: Unicode NFC, runs of whitespace as one space, stripped."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def article_id_for(text: str) -> str:
    """Id of a text: the first 16 hex digits of the SHA-256 of its normalized form.

    Two publications whose texts differ only in whitespace or Unicode composition
    (wire copy reprinted by another outlet) get the same article id.
    """
    return _digest(normalize_text(text))


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """A publication date or timestamp as given, with its precision.

    ``day`` is the calendar day in the publication's own time zone (the first day of
    the month or year when the precision is coarser); ``value`` is the ISO 8601 form
    at the given precision: ``2022-02``, ``2022-02-02``, ``2022-02-02T10:30:00+01:00``.
    """

    day: date
    precision: Precision
    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True)
class Article:
    """One publication of a text, as a reader produced it.

    Several publications can share one text (wire copy): they share ``article_id``
    and differ in ``publication_id``.
    """

    text: str
    date: PublicationDate
    source_path: str
    location: str | None = None  # "line 12" / "row 7" inside a multi-record file
    source_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    article_id: str = field(init=False)
    publication_id: str = field(init=False)

    def __post_init__(self) -> None:
        self.article_id = article_id_for(self.text)
        # What makes two records the same publication: same text, outlet, URL, date,
        # title and source id. The path is left out so that re-ingesting the same
        # file from another working directory changes nothing.
        self.publication_id = publication_id_for(
            self.article_id, self.outlet, self.url, self.date.value, self.title, self.source_id
        )


def publication_id_for(article_id: str, *fields: str | None) -> str:
    """Id of one publication of a text (see :class:`Article`)."""
    return _digest(article_id, *(f or "" for f in fields))


@dataclass(slots=True)
class Reject:
    """A file or record that could not be ingested, with the reason."""

    source_path: str
    reason: str  # stable code, one of REJECT_REASONS
    message: str
    location: str | None = None
    snippet: str | None = None


REJECT_REASONS: dict[str, str] = {
    "no_date": "the record has no publication date",
    "bad_date": "the publication date cannot be parsed",
    "empty_text": "the text is empty or only whitespace",
    "undecodable": "the bytes are not valid text in the expected encoding",
    "binary": "the file or text holds binary data (NUL bytes)",
    "too_large": "the file or text is larger than the configured limit",
    "bad_json": "a JSON line or file is malformed or not an object",
    "missing_field": "a required field (text, date) is missing or empty",
    "bad_field": "a field has the wrong type",
    "unsupported": "the file type is not one dateline reads",
    "unreadable": "the file cannot be read (permissions, I/O error)",
    "no_text": "no main text could be extracted from the HTML page",
    "stage_error": "an annotation stage failed on this article (the other stages' results are kept)",
}
