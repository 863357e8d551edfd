"""Query parameters with their bounds: what a route accepts, checked before anything uses it.

Numbers carry their bounds in their type (a server sequence fits a signed 64-bit integer, as
SQLite's and PostgreSQL's ``bigint`` do), and a number out of them is ``invalid-body`` (400) like
any parameter of the wrong type. Dates, months and quarters are parsed here into real calendar
dates between :data:`FIRST_DAY` and :data:`LAST_DAY`; one that is malformed, does not exist or lies
outside is ``invalid-input`` (422), as a malformed month always was, its detail and ``errors``
naming the parameter and why — never a 500 from a date that does not exist or a year past 9999.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from litestar.params import QueryParameter
from litestar.plugins.problem_details import ProblemDetailsException

from server.problems import problem

SEQ_MAX = 2**63 - 1  # the largest integer SQLite and PostgreSQL (bigint) hold
Seq = Annotated[int, QueryParameter(ge=0, le=SEQ_MAX)]
FIRST_DAY = date(1900, 1, 1)  # a filter may reach far back (the scale benchmark asks for 1998)
LAST_DAY = date(2100, 12, 31)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q[1-4]$")
_RANGE = f"from {FIRST_DAY.year} to {LAST_DAY.year}"


def invalid(name: str, why: str) -> ProblemDetailsException:
    """The ``invalid-input`` problem (422) of parameter (or body field) ``name``: ``why`` it is refused."""
    message = f"{name}: {why}"
    return problem("invalid-input", message, errors=[{"pointer": f"/{name}", "detail": message}])


def optional_day(name: str, text: str | None) -> date | None:
    """:func:`day`, or ``None`` when not given."""
    return None if text is None else day(name, text)


def day(name: str, text: str) -> date:
    """``YYYY-MM-DD``: a real calendar day in range."""
    if not _DAY.match(text):
        raise invalid(name, f"{text!r} is not a date (YYYY-MM-DD)")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise invalid(name, f"{text!r} is not a calendar date") from None
    return in_range(name, value)


def in_range(name: str, value: date) -> date:
    """``value`` if it lies from :data:`FIRST_DAY` to :data:`LAST_DAY`."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise invalid(name, f"{value.isoformat()} is outside the years {_RANGE}")
    return value


def month(name: str, text: str) -> str:
    """``YYYY-MM`` with a month from 01 to 12 and a year in range."""
    match = _MONTH.match(text)
    if match is None:
        raise invalid(name, f"{text!r} is not a month (YYYY-MM)")
    return _year(name, text, int(match[1]))


def quarter(name: str, text: str) -> str:
    """``YYYY-Qn`` with n from 1 to 4 and a year in range."""
    match = _QUARTER.match(text)
    if match is None:
        raise invalid(name, f"{text!r} is not a quarter (YYYY-Qn, n from 1 to 4)")
    return _year(name, text, int(match[1]))


def _year(name: str, text: str, year: int) -> str:
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise invalid(name, f"{text!r} is outside the years {_RANGE}")
    return text
