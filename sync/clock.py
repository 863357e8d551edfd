"""Time and ids: the server's clock as RFC 3339 text or milliseconds, China dates, random ids, time-ordered op ids.

Every module takes the time from here, so a timestamp written anywhere has the same form
(UTC, milliseconds, ``Z``) and an op made on the server gets its id from one maker.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def now_ms() -> int:
    """The current time in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def iso(moment: datetime) -> str:
    """An aware datetime as RFC 3339 UTC text with milliseconds (``2026-12-05T02:15:36.000Z``), as the store writes."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(moment: str) -> datetime:
    """RFC 3339 text (``Z`` or an offset) as an aware datetime."""
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def china_date(moment: datetime | str) -> date:
    """The calendar date in China (UTC+8, no daylight saving) of a moment (an aware datetime or RFC 3339 text)."""
    if isinstance(moment, str):
        moment = from_iso(moment)
    return moment.astimezone(CHINA).date()


def iso_from_epoch(epoch: float) -> str:
    """Seconds since the epoch as RFC 3339 UTC text with milliseconds."""
    return iso(datetime.fromtimestamp(epoch, UTC))


def iso_from_ms(millis: int) -> str:
    """Milliseconds since the epoch as RFC 3339 UTC text."""
    return iso_from_epoch(millis / 1000)


def ms_from_iso(moment: str) -> int:
    """RFC 3339 text (``Z`` or an offset) as milliseconds since the epoch."""
    return int(from_iso(moment).timestamp() * 1000)


def now_iso() -> str:
    """The current UTC time as RFC 3339 with milliseconds."""
    return iso(datetime.now(UTC))


def new_id() -> str:
    """A random UUID for server-made rows (users, sites, uploads …; findings take :func:`uuid7`)."""
    return str(uuid.uuid4())


def uuid7(millis: int | None = None) -> str:
    """A UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits, so ids sort by creation time."""
    millis = now_ms() if millis is None else millis
    raw = bytearray((millis & 0xFFFF_FFFF_FFFF).to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def new_op_id() -> str:
    """The id of an op made on the server (a review action, a resolution, a verification): a UUIDv7."""
    return uuid7()
