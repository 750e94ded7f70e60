"""Publication dates: parse what inputs give (ISO dates, timestamps, RFC 2822, prose) and keep the precision."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from .model import PublicationDate

__all__ = ["parse_publication_date"]

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")
# An ISO 8601 timestamp: date, 'T' or space, time, optional fraction and offset.
_ISO_TS = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ](\d{2}):(\d{2})(:\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}")


def _from_datetime(dt: datetime, with_seconds: bool) -> PublicationDate:
    if with_seconds:
        dt = dt.replace(microsecond=0)
        value = dt.isoformat()
        precision = "second"
    else:
        dt = dt.replace(second=0, microsecond=0)
        value = dt.isoformat(timespec="minutes")
        precision = "minute"
    value = value.replace("+00:00", "Z") if dt.tzinfo is not None else value
    return PublicationDate(dt.date(), precision, value)


def _day(y: int, m: int, d: int) -> PublicationDate:
    day = date(y, m, d)
    return PublicationDate(day, "day", day.isoformat())


def parse_publication_date(value: object, date_order: str = "MDY") -> PublicationDate:
    """Parse a publication date as inputs give it, keeping its precision.

    Accepts ISO dates at year, month or day precision (``2022``, ``2022-02``,
    ``2022-02-02``), ISO 8601 timestamps with or without offset, RFC 2822
    (``Wed, 02 Feb 2022 10:30:00 GMT``), Unix epoch seconds given as a number, and
    absolute dates in prose (``2 February 2022``, ``Feb. 2, 2022``) through
    dateparser. Relative dates ("yesterday") and dates without a year are refused:
    they would be resolved against today, not against the article.

    Args:
        value: the date as found in the input (a string, or a number of epoch seconds).
        date_order: how to read all-numeric dates such as ``02/03/2022`` (``MDY``,
            ``DMY`` or ``YMD``).

    Returns:
        The parsed :class:`PublicationDate`.

    Raises:
        ValueError: the value is empty or cannot be read as an absolute date; the
            message says why.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a date, got {value!r}")
    if isinstance(value, int | float):
        try:
            dt = datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"epoch seconds {value!r} out of range") from exc
        return _from_datetime(dt, with_seconds=True)
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError("the date is empty")
    try:
        if m := _YEAR.fullmatch(text):
            return PublicationDate(date(int(m[1]), 1, 1), "year", m[1])
        if m := _MONTH.fullmatch(text):
            y, mo = int(m[1]), int(m[2])
            day = date(y, mo, 1)
            return PublicationDate(day, "month", f"{y:04d}-{mo:02d}")
        if m := _DAY.fullmatch(text) or _COMPACT_DAY.fullmatch(text):
            return _day(int(m[1]), int(m[2]), int(m[3]))
        if m := _ISO_TS.fullmatch(text):
            iso = text.replace(",", ".")
            if iso[-1:] in "zZ":
                iso = iso[:-1] + "+00:00"
            return _from_datetime(datetime.fromisoformat(iso), with_seconds=bool(m[3]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from exc
    if _RFC2822.match(text):
        try:
            return _from_datetime(parsedate_to_datetime(text), with_seconds=True)
        except (TypeError, ValueError):
            pass
    return _parse_prose(text, date_order)


@lru_cache(maxsize=4)
def _prose_parser(date_order: str):
    import dateparser  # slow to import: only when a date is not in a standard form

    return dateparser.DateDataParser(
        languages=None,
        settings={
            "DATE_ORDER": date_order,
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["year"],
            # No 'relative-time': "yesterday" must not become today's date minus one.
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        },
    )


def _parse_prose(text: str, date_order: str) -> PublicationDate:
    if len(text) > 64:
        raise ValueError(f"{text[:40]!r}... is too long to be a date")
    data = _prose_parser(date_order).get_date_data(text)
    dt = data.date_obj
    if dt is None:
        raise ValueError(f"{text!r} is not a date dateline can read; use ISO 8601 (2022-02-02 or 2022-02-02T10:30:00Z)")
    if data.period == "time":
        return _from_datetime(dt, with_seconds=dt.second != 0)
    if data.period == "year":
        return PublicationDate(date(dt.year, 1, 1), "year", f"{dt.year:04d}")
    if data.period == "month":
        return PublicationDate(date(dt.year, dt.month, 1), "month", f"{dt.year:04d}-{dt.month:02d}")
    return _day(dt.year, dt.month, dt.day)
