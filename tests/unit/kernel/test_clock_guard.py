"""The guard against date-bound tests (tests/clock.py): the run's wall clock is shifted as the option says."""

import datetime as dt

import pytest
from time_machine import escape_hatch

from tests.clock import parse_shift


def test_shifts_are_read_in_days_or_years() -> None:
    assert parse_shift("+1111d") == dt.timedelta(days=1111)
    assert parse_shift("5y") == dt.timedelta(days=5 * 365)
    assert parse_shift("0") == dt.timedelta(0)
    with pytest.raises(pytest.UsageError):
        parse_shift("-3d")


def test_this_run_sees_the_clock_the_option_asked_for(pytestconfig: pytest.Config) -> None:
    shift = parse_shift(pytestconfig.getoption("--clock-shift"))
    real = dt.datetime.fromtimestamp(escape_hatch.time.time() if escape_hatch.is_travelling() else 0, dt.UTC)
    if not shift:
        real = dt.datetime.now(dt.UTC)
    seen = dt.datetime.now(dt.UTC)
    assert abs((seen - real) - shift) < dt.timedelta(minutes=30)
