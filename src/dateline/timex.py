"""Time expressions: find them in text and normalize them to TIMEX3 values against the article date.

This is the rule layer of the ``dateline.time_expressions`` pipeline stage, kept free of
spaCy so that every rule can be tested on plain strings. The stage adds what only a
parse can tell: the tense of the verb that governs an expression ("said on Thursday"
is the Thursday before the article, "will arrive on Thursday" the one after) and
whether a number is a year or a count ("in 2014" vs "2000 troops").

Values follow TimeML's TIMEX3: ``2022-02-01`` (day), ``2022-W05`` (week), ``2022-02``
(month), ``2022-Q1`` (quarter), ``2021-SU`` (season), ``2022`` (year), ``201`` (decade),
``20`` (century), ``2022-02-01TAF`` / ``2022-02-01T15:00`` (times), ``P3D`` / ``PXW``
(durations), ``XXXX-XX-XXTMO`` / ``P1W`` (sets), ``PRESENT_REF`` / ``PAST_REF`` /
``FUTURE_REF``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = ["Timex", "find_timexes", "Tense", "granularity_of", "value_range"]

Tense = Literal["past", "future"] | None
TenseOf = Callable[[int, int], Tense]


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: character span, TIMEX3 type and value, modifier, granularity."""

    start: int
    end: int
    text: str
    type: str  # DATE, TIME, DURATION, SET
    value: str
    mod: str | None = None  # START, MID, END, APPROX, LESS_THAN, MORE_THAN, EQUAL_OR_MORE
    granularity: str = "day"
    anchored: bool = False  # the value was computed from the article date
    rule: str = ""


# -- vocabulary -----------------------------------------------------------------------

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "single": 1, "couple": 2, "a couple of": 2, "couple of": 2, "a dozen": 12, "dozen": 12,
}  # fmt: skip
VAGUE = {"several", "a few", "few", "some", "many", "a number of", "numerous", "multiple"}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "final": 4,
    "last": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
UNITS = {  # unit word -> (TIMEX3 letter, is a time-of-day unit, granularity)
    "second": ("S", True, "second"), "minute": ("M", True, "minute"), "hour": ("H", True, "hour"),
    "day": ("D", False, "day"), "week": ("W", False, "week"), "weekend": ("WE", False, "week"),
    "month": ("M", False, "month"), "quarter": ("Q", False, "quarter"), "year": ("Y", False, "year"),
    "decade": ("DE", False, "decade"), "century": ("CE", False, "century"),
}  # fmt: skip
MODS = {
    "early": "START", "the beginning of": "START", "the start of": "START", "beginning of": "START",
    "start of": "START", "mid": "MID", "mid-": "MID", "middle": "MID", "the middle of": "MID",
    "middle of": "MID", "late": "END", "the end of": "END", "end of": "END",
}  # fmt: skip
APPROX = {
    "about": "APPROX", "around": "APPROX", "roughly": "APPROX", "some": "APPROX", "nearly": "LESS_THAN",
    "almost": "LESS_THAN", "less than": "LESS_THAN", "under": "LESS_THAN", "more than": "MORE_THAN",
    "over": "MORE_THAN", "at least": "EQUAL_OR_MORE", "a mere": None, "just": None, "only": None,
}  # fmt: skip

# Cues in the words just before an expression that say which way it points.
_FUTURE_CUES = re.compile(
    r"\b(?:ahead\s+of|will|'ll|shall|going\s+to|due\s+to|scheduled\s+(?:for|to)|expected\s+to|plans?\s+to|"
    r"planned\s+for|set\s+to|upcoming|coming|until|starting|from\s+next)\b[^.;!?]{0,40}$",
    re.IGNORECASE,
)
_PAST_CUES = re.compile(r"\b(?:since|ago|earlier|previously|was|were|had|did)\b[^.;!?]{0,25}$", re.IGNORECASE)


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_MONTH = rf"(?P<month>(?:{_alt(k for k in MONTHS if len(k) > 3 or k == 'may')})\b|(?:{_alt(k for k in MONTHS if len(k) <= 4 and k != 'may')})\.?(?!\w))"
_WEEKDAY = rf"(?P<weekday>{_alt(WEEKDAYS)})"
_SEASON = rf"(?P<season>{_alt(SEASONS)})"
_POD = rf"(?P<pod>{_alt(PARTS_OF_DAY)})"
_NUMWORD = rf"(?:\d+(?:[.,]\d+)?|(?:{_alt(k for k in NUMBERS if ' ' not in k)})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|{_alt(k for k in NUMBERS if ' ' in k)})"
_NUM = rf"(?P<num>{_NUMWORD}(?:\s+and\s+a\s+half)?|{_alt(VAGUE)})"
_UNIT = r"(?P<unit>seconds?|minutes?|hours?|days?|weeks?|weekends?|months?|quarters?|years?|decades?|centuries|century)"
_DAYNUM = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_MOD = rf"(?P<mod>{_alt(k for k in MODS if not k.endswith('-'))}|mid-)"
_REL = r"(?P<rel>last|next|this|past|coming|previous|following|current)"
_APPROX = rf"(?:(?P<approx>{_alt(APPROX)})\s+)"
_TZ_PLAIN = r"(?:GMT|UTC|Z|[ECMP][SD]T|ET|BST|CET|CEST|MSK)"
_TZ = rf"(?P<tz>{_TZ_PLAIN[3:-1]})"

# Words after a number that make it a count, not a year or a duration.
_NOT_A_YEAR_AFTER = re.compile(
    r"\s*(?:%|percent|per\s+cent|people|persons|troops|soldiers|km|kilomet|miles|metres|meters|tons|tonnes|"
    r"dollars|euros|pounds|votes|members|units|cases|deaths|times|hectares|feet|barrels|points|[-–]?\s*(?:year|month|week|day)s?[-\s]old)",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(r"\s*(?:-|\s)?(?:and\s+|or\s+)?(?:old|older|of\s+age|younger|of\s+age)\b", re.IGNORECASE)


# -- calendar helpers -------------------------------------------------------------------


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _quarter(month: int) -> int:
    return (month - 1) // 3 + 1


def _season_of(d: date) -> tuple[int, str]:
    """(year, code) of the season a date is in; winter belongs to the year it starts in (December)."""
    m = d.month
    if m in (3, 4, 5):
        return d.year, "SP"
    if m in (6, 7, 8):
        return d.year, "SU"
    if m in (9, 10, 11):
        return d.year, "FA"
    return (d.year if m == 12 else d.year - 1), "WI"


_SEASON_ORDER = ["SP", "SU", "FA", "WI"]


def _shift_season(year: int, code: str, steps: int) -> tuple[int, str]:
    index = year * 4 + _SEASON_ORDER.index(code) + steps
    return index // 4, _SEASON_ORDER[index % 4]


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _weekday_date(dct: date, weekday: int, direction: Tense) -> date:
    """The date of a weekday named in an article: the latest on or before the article date when
    the text speaks of the past, the first on or after it for the future, else the nearer one."""
    back = (dct.isoweekday() - weekday) % 7
    forward = (weekday - dct.isoweekday()) % 7
    if direction == "past":
        return dct - timedelta(days=back)
    if direction == "future":
        return dct + timedelta(days=forward)
    return dct - timedelta(days=back) if back <= forward else dct + timedelta(days=forward)


def _month_year(dct: date, month: int, direction: Tense, day: int | None = None) -> int:
    """The year of a month (and day) named without one."""
    here = (dct.month, dct.day if day is not None else 0)
    there = (month, day or 0)
    past_year = dct.year if there <= here else dct.year - 1
    future_year = dct.year if there >= here else dct.year + 1
    if direction == "past":
        return past_year
    if direction == "future":
        return future_year
    if past_year == future_year:
        return past_year
    # No tense: the nearer of the two.
    past_gap = (dct.year * 12 + dct.month) - (past_year * 12 + month)
    future_gap = (future_year * 12 + month) - (dct.year * 12 + dct.month)
    return past_year if past_gap <= future_gap else future_year


def _number(text: str) -> float | None:
    t = text.lower().strip()
    half = 0.0
    if t.endswith(" and a half"):
        half, t = 0.5, t[: -len(" and a half")].strip()
    if t in VAGUE:
        return None
    if t in NUMBERS:
        return NUMBERS[t] + half
    if "-" in t:
        tens, _, unit = t.partition("-")
        if tens in NUMBERS and unit in NUMBERS:
            return NUMBERS[tens] + NUMBERS[unit] + half
    try:
        return float(t.replace(",", "")) + half
    except ValueError:
        return None


def _fmt_number(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _duration(num: float | None, unit: str) -> str:
    unit = unit.lower().rstrip("s") if unit.lower() != "centuries" else "century"
    letter, is_time, _ = UNITS[unit]
    if unit == "decade" and num is not None:
        letter, num = "Y", num * 10
    if unit == "century" and num is not None:
        letter, num = "Y", num * 100
    if unit == "weekend":
        letter = "WE"
    amount = "X" if num is None else _fmt_number(num)
    return f"P{'T' if is_time else ''}{amount}{letter}"


def granularity_of(type_: str, value: str) -> str:
    """The calendar granularity a TIMEX3 value is given at."""
    if type_ == "DURATION":
        return "duration"
    if type_ == "SET":
        return "set"
    if value.endswith("_REF"):
        return "reference"
    if "T" in value:
        return "time"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if re.fullmatch(r"\d{4}-W\d{2}(-WE)?", value):
        return "week"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}-Q\d", value):
        return "quarter"
    if re.fullmatch(r"\d{4}-(SP|SU|FA|WI)", value):
        return "season"
    if re.fullmatch(r"\d{4}", value):
        return "year"
    if re.fullmatch(r"\d{3}", value):
        return "decade"
    if re.fullmatch(r"\d{2}", value):
        return "century"
    return "other"


def value_range(value: str) -> tuple[date, date] | None:
    """The first and last calendar day a DATE/TIME value covers, when it names one span of days."""
    v = value.split("T", 1)[0]
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", v):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3]:
                return monday + timedelta(days=5), monday + timedelta(days=6)
            return monday, monday + timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", v):
            y, mo = int(m[1]), int(m[2])
            ny, nm = _add_months(y, mo, 1)
            return date(y, mo, 1), date(ny, nm, 1) - timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})-Q(\d)", v):
            y, q = int(m[1]), int(m[2])
            ny, nm = _add_months(y, 3 * q - 2, 3)
            return date(y, 3 * q - 2, 1), date(ny, nm, 1) - timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", v):
            y, start = int(m[1]), {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[m[2]]
            ny, nm = _add_months(y, start, 3)
            return date(y, start, 1), date(ny, nm, 1) - timedelta(days=1)
        if m := re.fullmatch(r"(\d{4})", v):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
        if m := re.fullmatch(r"(\d{3})", v):
            return date(int(m[1]) * 10, 1, 1), date(int(m[1]) * 10 + 9, 12, 31)
    except ValueError:
        return None
    return None


# -- rules ------------------------------------------------------------------------------


@dataclass
class _Ctx:
    text: str
    dct: date
    tense_of: TenseOf | None

    def direction(self, start: int, end: int) -> Tense:
        """Which way an expression points: cue words just before it, else the governing verb's tense."""
        before = self.text[max(0, start - 60) : start]
        if _FUTURE_CUES.search(before):
            return "future"
        if self.text[end : end + 5].lower().startswith(" ago"):
            return "past"
        tense = self.tense_of(start, end) if self.tense_of else None
        if tense is None and _PAST_CUES.search(before):
            return "past"
        return tense


Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str], _Ctx], tuple | None]]
RULES: list[Rule] = []


def rule(name: str, pattern: str):
    """Register a rule: a pattern, and a function from its match to (type, value, mod, anchored)."""

    def wrap(fn):
        RULES.append((name, re.compile(pattern, re.IGNORECASE), fn))
        return fn

    return wrap


def _month_num(m: re.Match[str]) -> int | None:
    word = m["month"]
    key = word.lower().rstrip(".")
    # "may" and "march" are also a verb and a noun: only capitalized ones are months.
    if not word[0].isupper():
        return None
    return MONTHS.get(key)


def _mod(m: re.Match[str]) -> str | None:
    word = (m.groupdict().get("mod") or "").lower().strip()
    return MODS.get(word) if word else None


@rule("iso-date", r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b(?!-)")
def _iso_date(m, ctx):
    d = _safe_date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return ("DATE", d.isoformat(), None, False) if d else None


@rule("month-day-year", rf"\b{_MONTH}\s*{_DAYNUM}(?:\s*,)?\s+{_YEAR}\b")
@rule("day-month-year", rf"\b{_DAYNUM}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")
def _full_date(m, ctx):
    month = _month_num(m)
    d = _safe_date(int(m["year"]), month, int(m["day"])) if month else None
    return ("DATE", d.isoformat(), None, False) if d else None


@rule("month-year", rf"\b(?:{_MOD}[\s-]*)?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b")
def _month_year_rule(m, ctx):
    month = _month_num(m)
    return ("DATE", f"{int(m['year']):04d}-{month:02d}", _mod(m), False) if month else None


@rule("month-day", rf"\b{_MONTH}\s*{_DAYNUM}\b(?!\s*(?:%|,?\s*\d{{4}}|:\d|\d))")
@rule("day-month", rf"\b{_DAYNUM}\s+(?:of\s+)?{_MONTH}(?!\s*,?\s*\d{{4}})")
def _month_day(m, ctx):
    month = _month_num(m)
    day = int(m["day"])
    if not month or not 1 <= day <= 31:
        return None
    year = _month_year(ctx.dct, month, ctx.direction(m.start(), m.end()), day)
    d = _safe_date(year, month, day)
    return ("DATE", d.isoformat(), None, True) if d else None


@rule("month", rf"\b(?:{_MOD}[\s-]*)?(?:{_REL}\s+)?{_MONTH}(?!\s*[-/]?\d)")
def _month(m, ctx):
    month = _month_num(m)
    if not month:
        return None
    rel = (m["rel"] or "").lower()
    if rel in ("last", "past", "previous"):
        year = ctx.dct.year if month < ctx.dct.month else ctx.dct.year - 1
    elif rel in ("next", "coming", "following"):
        year = ctx.dct.year if month > ctx.dct.month else ctx.dct.year + 1
    elif rel in ("this", "current"):
        year = ctx.dct.year
    else:
        year = _month_year(ctx.dct, month, ctx.direction(m.start(), m.end()))
    return ("DATE", f"{year:04d}-{month:02d}", _mod(m), True)


@rule("year", rf"(?<![\d$€£#.,/])\b(?:{_MOD}[\s-]*)?(?:the\s+year\s+)?{_YEAR}\b(?![.,]\d)")
def _year(m, ctx):
    if _NOT_A_YEAR_AFTER.match(ctx.text, m.end()):
        return None
    return ("DATE", m["year"], _mod(m), False)


@rule("year-span-end", r"(?<=\b(?:1[6-9]|20)\d\d[-–/])(?P<yy>\d\d)\b(?![-/.,]\d)")
def _year_span_end(m, ctx):
    # The "58" of "1957-58": the same century as the year before it.
    first = ctx.text[m.start() - 5 : m.start() - 1]
    year = int(first[:2]) * 100 + int(m["yy"])
    if year <= int(first):
        year += 100
    return ("DATE", f"{year:04d}", None, False)


@rule("decade", rf"\b(?:the\s+)?(?:{_MOD}[\s-]*)?(?:(?P<full>1[6-9]\d0|20\d0)|'?(?P<short>[1-9]0))'?s\b")
def _decade(m, ctx):
    if m["full"]:
        return ("DATE", m["full"][:3], _mod(m), False)
    short = int(m["short"])
    prefix = ctx.dct.year // 100 if short <= ctx.dct.year % 100 else ctx.dct.year // 100 - 1
    return ("DATE", f"{prefix}{short // 10}", _mod(m), True)


@rule("century", r"\b(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)[\s-]+century\b")
def _century(m, ctx):
    return ("DATE", f"{int(m['n']) - 1:02d}", None, False)


@rule(
    "quarter",
    rf"\b(?:the\s+)?(?:(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[\s-]+quarter|(?P<q>Q[1-4]))"
    rf"(?:\s+(?:of\s+)?(?:{_YEAR}|(?P<rel>this|last|next)\s+year))?",
)
def _quarter_rule(m, ctx):
    q = ORDINALS[m["ord"].lower()] if m["ord"] else int(m["q"][1])
    if m["year"]:
        return ("DATE", f"{m['year']}-Q{q}", None, False)
    year = ctx.dct.year + {"last": -1, "next": 1}.get((m["rel"] or "").lower(), 0)
    if not m["rel"]:
        direction = ctx.direction(m.start(), m.end())
        here = _quarter(ctx.dct.month)
        # Quarters are reported after they end: without a tense, the latest one of that number.
        if direction in ("past", None) and q > here:
            year -= 1
        elif direction == "future" and q < here:
            year += 1
    return ("DATE", f"{year}-Q{q}", None, True)


@rule(
    "weekday",
    rf"\b(?:{_MOD}\s+)?(?:(?P<rel>last|next|this|coming|past)\s+)?{_WEEKDAY}(?:\s+{_POD})?(?:\s*,?\s*{_MONTH}\s*{_DAYNUM}(?:\s*,?\s*{_YEAR})?)?\b",
)
def _weekday(m, ctx):
    if m["month"]:  # "Tuesday, February 1" is the explicit date
        month = _month_num(m)
        if not month:
            return None
        year = (
            int(m["year"])
            if m["year"]
            else _month_year(ctx.dct, month, ctx.direction(m.start(), m.end()), int(m["day"]))
        )
        d = _safe_date(year, month, int(m["day"]))
        if d is None:
            return None
        anchored = not m["year"]
    else:
        wd = WEEKDAYS[m["weekday"].lower()]
        rel = (m["rel"] or "").lower()
        if rel in ("last", "past"):
            back = (ctx.dct.isoweekday() - wd) % 7 or 7
            d = ctx.dct - timedelta(days=back)
        elif rel in ("next", "coming"):
            forward = (wd - ctx.dct.isoweekday()) % 7 or 7
            d = ctx.dct + timedelta(days=forward)
        else:
            d = _weekday_date(ctx.dct, wd, ctx.direction(m.start(), m.end()))
        anchored = True
    mod = _mod(m)
    if m["pod"]:
        return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[m['pod'].lower()]}", mod, anchored)
    return ("DATE", d.isoformat(), mod, anchored)


@rule("deictic-day", rf"\b(?:(?P<early>earlier|later)\s+)?(?P<word>today|yesterday|tomorrow|tonight)(?:\s+{_POD})?\b")
def _deictic_day(m, ctx):
    word = m["word"].lower()
    d = ctx.dct + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(word, 0))
    if word == "tonight":
        return ("TIME", f"{d.isoformat()}TNI", None, True)
    if m["pod"]:
        return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[m['pod'].lower()]}", None, True)
    return ("DATE", d.isoformat(), None, True)


@rule("this-part-of-day", rf"\b(?P<rel>this|last)\s+{_POD}\b")
def _this_pod(m, ctx):
    d = ctx.dct - timedelta(days=1 if m["rel"].lower() == "last" else 0)
    return ("TIME", f"{d.isoformat()}T{PARTS_OF_DAY[m['pod'].lower()]}", None, True)


@rule(
    "present-ref",
    r"\b(?:(?:right\s+|just\s+|until\s+|by\s+|for\s+)?now|currently|at\s+present|presently|nowadays|these\s+days|"
    r"at\s+the\s+moment|the\s+present(?:\s+day)?|present-day)\b",
)
def _present(m, ctx):
    return ("DATE", "PRESENT_REF", None, True)


@rule(
    "past-ref",
    r"\b(?:(?:more\s+|most\s+|until\s+|as\s+)?recently|lately|the\s+past|once\s+upon\s+a\s+time)\b(?!\s+(?:\d|few|several|two|three|year|month|week|day|decade))",
)
def _past(m, ctx):
    return ("DATE", "PAST_REF", None, True)


@rule(
    "future-ref",
    r"\b(?:the\s+(?:near\s+|distant\s+|foreseeable\s+)?future|the\s+long\s+term|the\s+coming\s+(?:days|weeks|months|years))\b",
)
def _future(m, ctx):
    if "coming" in m[0].lower():
        return ("DURATION", _duration(None, m[0].split()[-1]), None, False)
    return ("DATE", "FUTURE_REF", None, True)


@rule(
    "relative-unit",
    rf"\b(?:(?P<early>earlier|later)\s+)?(?:the\s+)?(?P<rel>this|last|next|past|previous|coming|current|following)\s+"
    rf"(?:(?P<fiscal>fiscal|financial|calendar|school|academic)\s+)?(?P<unit>week|weekend|month|quarter|year|decade|century|{_alt(SEASONS)})\b",
)
def _relative_unit(m, ctx):
    rel = m["rel"].lower()
    unit = m["unit"].lower()
    step = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}[
        rel
    ]
    has_the = m[0].lower().lstrip().startswith(("the ", "earlier the", "later the"))
    if unit == "decade" and (has_the or rel in ("past", "coming", "next")) and rel != "this":
        return ("DURATION", "P10Y", None, False)
    dct = ctx.dct
    mod = {"earlier": "START", "later": "END"}.get((m["early"] or "").lower()) if step == 0 else None
    if unit == "week":
        return ("DATE", _iso_week(dct + timedelta(weeks=step)), mod, True)
    if unit == "weekend":
        return ("DATE", _iso_week(dct + timedelta(weeks=step)) + "-WE", mod, True)
    if unit == "month":
        y, mo = _add_months(dct.year, dct.month, step)
        return ("DATE", f"{y:04d}-{mo:02d}", mod, True)
    if unit == "quarter":
        y, mo = _add_months(dct.year, dct.month, 3 * step)
        return ("DATE", f"{y:04d}-Q{_quarter(mo)}", mod, True)
    if unit == "year":
        return ("DATE", f"{dct.year + step:04d}", mod, True)
    if unit == "decade":
        return ("DATE", f"{dct.year // 10 + step:03d}", mod, True)
    if unit == "century":
        return ("DATE", f"{dct.year // 100 + step:02d}", mod, True)
    # Seasons: "last summer" is the latest summer before the one we are in.
    code = SEASONS[unit]
    year, current = _season_of(dct)
    if step == 0:
        target_year = year if _SEASON_ORDER.index(code) >= _SEASON_ORDER.index(current) else year + 1
        if code == "WI" and dct.month <= 2:
            target_year = dct.year - 1
        if _SEASON_ORDER.index(code) < _SEASON_ORDER.index(current) and code != "WI":
            target_year = dct.year
        return ("DATE", f"{target_year}-{code}", mod, True)
    y, c = year, current
    while True:
        y, c = _shift_season(y, c, step)
        if c == code:
            return ("DATE", f"{y}-{c}", mod, True)


@rule(
    "season",
    rf"\b(?P<prep>(?:in|during|by|until|since|over|through)\s+)?(?:{_MOD}[\s-]*)?(?P<the>the\s+)?{_SEASON}(?:\s+(?:of\s+)?{_YEAR})?\b(?!\s+of\s+(?!\d))",
)
def _season(m, ctx):
    # "fall" and "spring" are also a verb and a noun: a season needs "in", "the", a modifier or a year.
    if not (m["prep"] or m["the"] or m["mod"] or m["year"]):
        return None
    code = SEASONS[m["season"].lower()]
    if m["year"]:
        return ("DATE", f"{m['year']}-{code}", _mod(m), False)
    direction = ctx.direction(m.start(), m.end())
    year, current = _season_of(ctx.dct)
    if code == current:
        return ("DATE", f"{year}-{code}", _mod(m), True)
    step = 1 if direction == "future" else -1
    y, c = year, current
    while c != code:
        y, c = _shift_season(y, c, step)
    return ("DATE", f"{y}-{c}", _mod(m), True)


@rule("ago", rf"\b{_APPROX}?{_NUM}[\s-]+{_UNIT}\s+ago\b")
def _ago(m, ctx):
    n = _number(m["num"])
    unit = m["unit"].lower().rstrip("s")
    unit = "century" if unit == "centurie" else unit
    mod = APPROX.get((m["approx"] or "").lower()) if m["approx"] else None
    dct = ctx.dct
    if n is None:
        return ("DATE", "PAST_REF", None, True)
    k = int(n)
    if unit == "day":
        return ("DATE", (dct - timedelta(days=k)).isoformat(), mod, True)
    if unit == "week":
        return ("DATE", _iso_week(dct - timedelta(weeks=k)), mod, True)
    if unit == "month":
        y, mo = _add_months(dct.year, dct.month, -k)
        return ("DATE", f"{y:04d}-{mo:02d}", mod, True)
    if unit == "year":
        return ("DATE", f"{dct.year - k:04d}", mod, True)
    if unit == "decade":
        return ("DATE", f"{(dct.year - 10 * k) // 10:03d}", mod, True)
    if unit in ("hour", "minute", "second"):
        return ("DATE", dct.isoformat(), mod, True)
    return None


@rule(
    "duration",
    rf"\b(?:the\s+(?P<rel>past|last|next|coming|previous|following|first|final|remaining)\s+)?{_APPROX}?"
    rf"(?:(?P<recent>recent)\s+)?{_NUM}[\s-]+(?:(?P<more>more|further|additional|consecutive|straight|trading|business)\s+)?{_UNIT}\b(?:\s+and\s+a\s+half)?",
)
def _duration_rule(m, ctx):
    if _AGE_AFTER.match(ctx.text, m.end()):
        return None
    num_text = m["num"]
    if num_text.lower() in ("a", "an") and m["unit"].lower() == "second":
        return None  # "a second" is an ordinal ("a second term") far more often than a duration
    n = _number(num_text)
    if n is not None and n > 1000:
        return None
    if m[0].lower().endswith("and a half") and n is not None:
        n += 0.5
    unit = m["unit"]
    mod = APPROX.get((m["approx"] or "").lower()) if m["approx"] else None
    return ("DURATION", _duration(n, unit), mod, False)


_TAKES = re.compile(
    r"\b(?:take|takes|took|taken|taking|last|lasts|lasted|lasting|spent|spend|spends|wait|waited|waiting)\s+$",
    re.IGNORECASE,
)
_BEFORE_AFTER = re.compile(
    r"\s+(?:before|after|later|earlier|ago|long|away|of\s+(?:talks|negotiations|fighting|protests))\b", re.IGNORECASE
)


@rule(
    "vague-duration",
    r"\b(?:(?:in|for|over|within|during|after|of|since)\s+)?(?:(?:the\s+)?(?P<rel>past|last|next|coming|previous|recent)\s+|(?P<recent>recent)\s+)?"
    r"(?P<unit>seconds|minutes|hours|days|weeks|months|years|decades|centuries)\b",
)
def _vague_duration(m, ctx):
    # Bare "weeks" is a time expression in "for weeks", "recent weeks", "took weeks", "days before".
    head = m[0].lower()
    has_context = (
        m["rel"]
        or m["recent"]
        or re.match(r"(in|for|over|within|during|after|of|since)\s", head)
        or _TAKES.search(ctx.text, max(0, m.start() - 12), m.start())
        or _BEFORE_AFTER.match(ctx.text, m.end())
    )
    if not has_context or _AGE_AFTER.match(ctx.text, m.end()):
        return None
    return ("DURATION", _duration(None, m["unit"]), None, False)


@rule(
    "set",
    rf"\b(?:(?P<every>every|each|per)\s+(?:other\s+)?(?:(?P<unit>day|week|month|year|quarter|hour|minute|season)|{_POD}|{_WEEKDAY})|"
    r"(?P<adv>daily|weekly|monthly|quarterly|annually|yearly|hourly|nightly))\b",
)
def _set(m, ctx):
    if m["adv"]:
        letter = {"daily": "P1D", "nightly": "XXXX-XX-XXTNI", "weekly": "P1W", "monthly": "P1M", "quarterly": "P1Q",
                  "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H"}[m["adv"].lower()]  # fmt: skip
        return ("SET", letter, None, False)
    if m["pod"]:
        return ("SET", f"XXXX-XX-XXT{PARTS_OF_DAY[m['pod'].lower()]}", None, False)
    if m["weekday"]:
        return ("SET", f"XXXX-WXX-{WEEKDAYS[m['weekday'].lower()]}", None, False)
    unit = m["unit"].lower()
    if unit == "season":
        return ("SET", "XXXX", None, False)
    return ("SET", _duration(1, unit), None, False)


@rule(
    "clock-time",
    rf"\b(?:(?P<pre>(?:at|around|about|before|after|by)\s+))?(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?(?::(?P<s>[0-5]\d))?\s*"
    rf"(?:(?P<ampm>[ap]\.?\s?m\b\.?)|(?=\s*{_TZ_PLAIN}\b)|(?P<oclock>o'clock))(?:\s*(?:local\s+time|{_TZ}))?"
    rf"(?:\s*(?:on\s+)?(?:{_WEEKDAY}|(?P<deictic>today|yesterday|tomorrow)))?",
)
def _clock(m, ctx):
    h = int(m["h"])
    if m["ampm"]:
        pm = m["ampm"].lower().startswith("p")
        if h == 12:
            h = 12 if pm else 0
        elif pm:
            h += 12
        if not 0 <= h <= 23:
            return None
    elif not (m["tz"] or m["oclock"]):
        return None
    if m["weekday"]:
        d = _weekday_date(ctx.dct, WEEKDAYS[m["weekday"].lower()], ctx.direction(m.start(), m.end()))
    else:
        d = ctx.dct + timedelta(days={"yesterday": -1, "tomorrow": 1}.get((m["deictic"] or "").lower(), 0))
    clock = f"{h:02d}:{m['mi']}" if m["mi"] else f"{h:02d}"
    if m["s"]:
        clock += f":{m['s']}"
    zone = "Z" if (m["tz"] or "").upper() in ("GMT", "UTC", "Z") else ""
    return ("TIME", f"{d.isoformat()}T{clock}{zone}", None, True)


# -- finding ---------------------------------------------------------------------------

_LEADING = re.compile(
    r"^(?:(?:in|on|at|by|since|until|during|from|for|of|over|within|after|before)\s+)+", re.IGNORECASE
)


# Every rule's match contains one of these words: rules run only on windows around them.
_TRIGGERS = re.compile(
    r"\d|\b(?:"
    + _alt(
        [*MONTHS, *WEEKDAYS, *SEASONS, *PARTS_OF_DAY, *UNITS, "centuries", "today", "yesterday", "tomorrow",
         "tonight", "now", "currently", "present", "presently", "nowadays", "recent", "recently", "lately",
         "past", "future", "long term", "ago", "daily", "weekly", "monthly", "quarterly", "annually", "yearly",
         "hourly", "nightly", "o'clock", "moment", "these days", "once upon", "season"]
    )
    + r")",
    re.IGNORECASE,
)  # fmt: skip
# Longest reach of a rule's match on either side of its trigger word, in characters.
_REACH = 40


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged character ranges around the trigger words, where rules can match."""
    windows: list[tuple[int, int]] = []
    for m in _TRIGGERS.finditer(text):
        start, end = max(0, m.start() - _REACH), min(len(text), m.end() + _REACH)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _candidates(text: str, dct: date, tense_of: TenseOf | None) -> Iterator[Timex]:
    ctx = _Ctx(text, dct, tense_of)
    windows = _windows(text)
    for name, pattern, fn in RULES:
        for m in (m for start, end in windows for m in pattern.finditer(text, start, end)):
            if not m[0].strip():
                continue
            try:
                out = fn(m, ctx)
            except (ValueError, KeyError, OverflowError):
                out = None
            if out is None:
                continue
            type_, value, mod, anchored = out
            start, end = m.start(), m.end()
            # Prepositions before an expression are not part of it ("in recent weeks" -> "recent weeks").
            lead = _LEADING.match(m[0])
            if lead and name not in ("present-ref",):
                start += lead.end()
            elif lead and name == "present-ref" and m[0].lower().split()[0] in ("until", "by", "for"):
                start += lead.end()
            pre = m.groupdict().get("pre")
            if pre:
                start = m.start("pre") + len(pre)
            while end > start and text[end - 1] in " ,":
                end -= 1
            yield Timex(start, end, text[start:end], type_, value, mod, granularity_of(type_, value), anchored, name)


def find_timexes(
    text: str, dct: date, tense_of: TenseOf | None = None, veto: Callable[[int, int], bool] | None = None
) -> list[Timex]:
    """Find and normalize the time expressions in ``text`` against the article date ``dct``.

    Args:
        text: the article text.
        dct: the article's date (document creation time).
        tense_of: optional ``(start, end) -> "past" | "future" | None`` telling which way the
            verb governing a span points; the pipeline stage derives it from the parse.
        veto: optional ``(start, end) -> bool``: True drops a candidate (the pipeline uses it
            for numbers that the parse shows are counts, not years).

    Returns:
        Non-overlapping expressions in text order; where candidates overlap, the longest wins.
    """
    found = sorted(_candidates(text, dct, tense_of), key=lambda t: (t.start, -(t.end - t.start), RULE_ORDER[t.rule]))
    chosen: list[Timex] = []
    for t in sorted(found, key=lambda t: (-(t.end - t.start), t.start, RULE_ORDER[t.rule])):
        if any(t.start < c.end and c.start < t.end for c in chosen):
            continue
        if veto is not None and t.rule in ("year", "duration") and veto(t.start, t.end):
            continue
        chosen.append(t)
    return sorted(chosen, key=lambda t: t.start)


RULE_ORDER = {name: i for i, (name, _, _) in enumerate(RULES)}
