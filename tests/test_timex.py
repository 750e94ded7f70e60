"""Time expressions: rules on plain strings (no model), and verb tense on hand-built Docs."""

from datetime import date

import pytest

from dateline.timex import find_timexes, granularity_of, value_range

WED = date(2022, 2, 2)  # a Wednesday


def one(text: str, dct: date = WED, tense=None):
    found = find_timexes(text, dct, tense_of=(lambda s, e: tense) if tense else None)
    assert len(found) == 1, [(t.text, t.value) for t in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "span", "type_", "value", "mod", "tense"),
    [
        # The examples, in an article dated Wednesday 2022-02-02.
        ("Erdogan said late Tuesday.", "late Tuesday", "DATE", "2022-02-01", "END", "past"),
        ("He spoke ahead of his visit on Thursday.", "Thursday", "DATE", "2022-02-03", None, None),
        ("The talks in November failed.", "November", "DATE", "2021-11", None, "past"),
        ("Prices rose last month.", "last month", "DATE", "2022-01", None, None),
        ("An attack could start by mid-February.", "mid-February", "DATE", "2022-02", "MID", None),
        ("the annexation of Crimea in 2014", "2014", "DATE", "2014", None, None),
        ("Troops gathered in recent weeks.", "recent weeks", "DURATION", "PXW", None, None),
        ("Tensions rose this month.", "this month", "DATE", "2022-02", None, None),
        # Deictic days, weeks, years, seasons, quarters.
        ("It happened yesterday.", "yesterday", "DATE", "2022-02-01", None, None),
        ("Talks resume tomorrow.", "tomorrow", "DATE", "2022-02-03", None, None),
        ("Today, officials met.", "Today", "DATE", "2022-02-02", None, None),
        ("They met last week.", "last week", "DATE", "2022-W04", None, None),
        ("They meet next week.", "next week", "DATE", "2022-W06", None, None),
        ("Elections are due next year.", "next year", "DATE", "2023", None, None),
        ("It rained last summer.", "last summer", "DATE", "2021-SU", None, None),
        ("Profits fell in the first quarter of 2021.", "the first quarter of 2021", "DATE", "2021-Q1", None, None),
        ("Four years ago it was different.", "Four years ago", "DATE", "2018", None, None),
        ("It happened three days ago.", "three days ago", "DATE", "2022-01-30", None, None),
        ("He will arrive on Friday.", "Friday", "DATE", "2022-02-04", None, "future"),
        ("He arrived on Friday.", "Friday", "DATE", "2022-01-28", None, "past"),
        ("They met on Wednesday.", "Wednesday", "DATE", "2022-02-02", None, "past"),
        ("He arrived last Friday.", "last Friday", "DATE", "2022-01-28", None, None),
        ("A vote is set for June.", "June", "DATE", "2022-06", None, "future"),
        ("The vote took place in June.", "June", "DATE", "2021-06", None, "past"),
        ("on Feb. 28", "Feb. 28", "DATE", "2022-02-28", None, "future"),
        # Absolute dates.
        ("Signed on February 2, 2022.", "February 2, 2022", "DATE", "2022-02-02", None, None),
        ("Signed on 2 February 2022.", "2 February 2022", "DATE", "2022-02-02", None, None),
        ("It began in May 2010.", "May 2010", "DATE", "2010-05", None, None),
        ("early 2011", "early 2011", "DATE", "2011", "START", None),
        ("the 1990s", "the 1990s", "DATE", "199", None, None),
        ("the 20th century", "the 20th century", "DATE", "19", None, None),
        ("2022-01-15", "2022-01-15", "DATE", "2022-01-15", None, None),
        # Times of day.
        ("The blast came at 3 p.m. Friday.", "3 p.m. Friday", "TIME", "2022-02-04T15", None, "future"),
        ("Officials met this morning.", "this morning", "TIME", "2022-02-02TMO", None, None),
        ("He spoke Friday afternoon.", "Friday afternoon", "TIME", "2022-01-28TAF", None, "past"),
        ("at 16:08 UTC", "16:08 UTC", "TIME", "2022-02-02T16:08Z", None, None),
        # Durations and sets.
        ("The siege lasted 90 days.", "90 days", "DURATION", "P90D", None, None),
        ("for almost seven years", "almost seven years", "DURATION", "P7Y", "LESS_THAN", None),
        ("more than a week", "more than a week", "DURATION", "P1W", "MORE_THAN", None),
        ("a four-week trial", "four-week", "DURATION", "P4W", None, None),
        ("two and a half years", "two and a half years", "DURATION", "P2.5Y", None, None),
        ("An hour later", "An hour", "DURATION", "PT1H", None, None),
        ("the past several months", "the past several months", "DURATION", "PXM", None, None),
        ("a decade", "a decade", "DURATION", "P10Y", None, None),
        ("It runs every morning.", "every morning", "SET", "XXXX-XX-XXTMO", None, None),
        ("It is published weekly.", "weekly", "SET", "P1W", None, None),
        # References.
        ("Prices are now higher.", "now", "DATE", "PRESENT_REF", None, None),
        ("as in the past", "the past", "DATE", "PAST_REF", None, None),
        ("in the near future", "the near future", "DATE", "FUTURE_REF", None, None),
    ],
)
def test_timex_values(sentence, span, type_, value, mod, tense):
    t = one(sentence, tense=tense)
    assert (t.text, t.type, t.value, t.mod) == (span, type_, value, mod)
    assert sentence[t.start : t.end] == t.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Prices may rise.",  # "may" the verb
        "They march on the capital.",  # "march" the verb
        "Some 2000 troops were sent.",  # a count, not a year
        "A 2,014-strong force.",
        "Children ages 6 months and older can be vaccinated.",  # an age
        "Stocks fall sharply.",  # "fall" the verb
        "a second term",  # an ordinal
        "It cost $2014.",
        "turnout of 2010 percent",
    ],
)
def test_timex_not_time_expressions(sentence):
    assert find_timexes(sentence, WED) == []


def test_timex_year_ranges_are_two_years():
    found = find_timexes("the pandemic of 2009-2010 and the 1957-58 season", WED)
    assert [(t.text, t.value) for t in found] == [("2009", "2009"), ("2010", "2010"), ("1957", "1957"), ("58", "1958")]


def test_timex_weekday_without_tense_takes_the_nearer_day():
    assert one("Talks on Thursday.").value == "2022-02-03"  # 1 day ahead vs 6 back
    assert one("Talks on Monday.").value == "2022-01-31"  # 2 days back vs 5 ahead


def test_timex_quarter_without_year_is_the_latest_one():
    assert one("Profits in the fourth quarter rose.", dct=date(2007, 1, 20)).value == "2006-Q4"


@pytest.mark.parametrize(
    ("value", "granularity", "first", "last"),
    [
        ("2022-02-01", "day", date(2022, 2, 1), date(2022, 2, 1)),
        ("2022-W05", "week", date(2022, 1, 31), date(2022, 2, 6)),
        ("2022-02", "month", date(2022, 2, 1), date(2022, 2, 28)),
        ("2022-Q1", "quarter", date(2022, 1, 1), date(2022, 3, 31)),
        ("2021-WI", "season", date(2021, 12, 1), date(2022, 2, 28)),
        ("2022", "year", date(2022, 1, 1), date(2022, 12, 31)),
        ("199", "decade", date(1990, 1, 1), date(1999, 12, 31)),
        ("2022-02-01TAF", "time", date(2022, 2, 1), date(2022, 2, 1)),
    ],
)
def test_timex_granularity_and_range(value, granularity, first, last):
    type_ = "TIME" if "T" in value else "DATE"
    assert granularity_of(type_, value) == granularity
    assert value_range(value) == (first, last)


def test_timex_spans_never_overlap():
    text = "On Friday, February 4, 2022 at 3 p.m. GMT, the week after last week's talks in early February."
    found = find_timexes(text, WED)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    assert found[0].value == "2022-02-04"


def test_timex_trigger_windows_change_nothing(sample_articles, monkeypatch):
    """Rules run only near trigger words (for speed); with windows as wide as the text, the result is the same."""
    from dateline import timex

    texts = [p.read_text(encoding="utf-8") for p in sample_articles]
    texts.append("")
    narrow = [find_timexes(t, WED) for t in texts]
    monkeypatch.setattr(timex, "_REACH", 100_000)
    assert [find_timexes(t, WED) for t in texts] == narrow
