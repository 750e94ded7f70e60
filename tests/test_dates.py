from datetime import date

import pytest

from dateline.dates import parse_publication_date


@pytest.mark.parametrize(
    ("given", "day", "precision", "value"),
    [
        ("2022", date(2022, 1, 1), "year", "2022"),
        ("2022-02", date(2022, 2, 1), "month", "2022-02"),
        ("2022-02-02", date(2022, 2, 2), "day", "2022-02-02"),
        (" 2022/2/2 ", date(2022, 2, 2), "day", "2022-02-02"),
        ("20220202", date(2022, 2, 2), "day", "2022-02-02"),
        ("2022-02-02T10:30:00Z", date(2022, 2, 2), "second", "2022-02-02T10:30:00Z"),
        ("2022-02-02 10:30", date(2022, 2, 2), "minute", "2022-02-02T10:30"),
        ("2022-02-02T23:30:15.250-05:00", date(2022, 2, 2), "second", "2022-02-02T23:30:15-05:00"),
        ("Wed, 02 Feb 2022 10:30:00 GMT", date(2022, 2, 2), "second", "2022-02-02T10:30:00Z"),
        ("2 February 2022", date(2022, 2, 2), "day", "2022-02-02"),
        ("Feb. 2, 2022", date(2022, 2, 2), "day", "2022-02-02"),
        ("February 2022", date(2022, 2, 1), "month", "2022-02"),
        (1643797800, date(2022, 2, 2), "second", "2022-02-02T10:30:00Z"),
    ],
)
def test_dates_parse_keeps_precision(given, day, precision, value):
    parsed = parse_publication_date(given)
    assert (parsed.day, parsed.precision, parsed.value) == (day, precision, value)


def test_dates_numeric_order_is_configurable():
    assert parse_publication_date("02/03/2022").day == date(2022, 2, 3)
    assert parse_publication_date("02/03/2022", date_order="DMY").day == date(2022, 3, 2)


@pytest.mark.parametrize(
    "given",
    ["", "   ", "yesterday", "3 days ago", "Feb 2", "not a date", "2022-13-01", "2021-02-30", True, None, [2022]],
)
def test_dates_refuses_what_is_not_an_absolute_date(given):
    with pytest.raises(ValueError):
        parse_publication_date(given)
