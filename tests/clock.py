"""The guard against date-bound tests: the whole run sees a wall clock shifted ahead (``--clock-shift``).

No test may depend on the real date: "now" comes from a clock the test controls (a fixed ``now=``, the chat's
clock, ``time_machine.travel``). A test that quietly compares a fixed date with the real clock passes on the day
it was written and fails weeks later for everyone. So every run moves the real clock far ahead (the default in
pyproject's addopts, ``+1111d``: three years, a different weekday and day of the month) from before collection
to the end; such a test fails on the day it is written instead. ``--clock-shift=0`` runs on the real clock,
``--clock-shift=+5y`` five years ahead (``d`` days, ``y`` years of 365 days).

The clock ticks (``tick=True``); tests that travel themselves nest inside the shift. Only this process is
shifted: a subprocess a test starts and the database server's ``now()`` keep the real clock.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

_SHIFT = re.compile(r"^\+?(\d+)([dy]?)$")
_traveller: time_machine.travel | None = None


def parse_shift(text: str) -> dt.timedelta:
    """'+1111d', '+5y', '0' → the shift; anything else is a usage error."""
    found = _SHIFT.match(text.strip())
    if found is None:
        raise pytest.UsageError(f"--clock-shift: expected e.g. +400d or +5y or 0, got {text!r}")
    count, unit = int(found.group(1)), found.group(2) or "d"
    return dt.timedelta(days=count * (365 if unit == "y" else 1))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--clock-shift", default="0", metavar="+NNNd|+Ny",
                     help="run the tests with the wall clock shifted this far ahead (0: the real clock)")


def pytest_configure(config: pytest.Config) -> None:
    global _traveller
    shift = parse_shift(config.getoption("--clock-shift"))
    if shift:
        _traveller = time_machine.travel(dt.datetime.now(dt.UTC) + shift, tick=True)
        _traveller.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config: pytest.Config) -> str:
    return f"wall clock for this run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC " \
           f"(--clock-shift={config.getoption('--clock-shift')})"
