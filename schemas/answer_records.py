"""Checks of the answers that are records or stamps: signatures, GPS positions, dates and times.

Also the pieces every answer check shares: :class:`AnswerError`, JSON Pointer tokens, what a number is.
:mod:`schemas.answers` checks the rest and dispatches here by kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from schemas.json_schema import DATE_PATTERN, DATETIME_PATTERN, NAME_MAX, REASON_MAX, SHA256_PATTERN
from schemas.template import DateTime

SHA256 = re.compile(SHA256_PATTERN)
# The published patterns are matched whole (``fullmatch``: Python's ``$`` also matches before a
# trailing newline) and with ASCII digits, as a JSON Schema validator reads them.
_DATE = re.compile(DATE_PATTERN, re.ASCII)
_DATETIME = re.compile(DATETIME_PATTERN, re.ASCII)
# White space as the schema's ``\S`` pattern reads it (ECMA-262), which differs from str.strip().
_BLANK = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*")
_SIGNED_KEYS = {"status", "image_sha256", "signer_name", "signer_role", "signed_at", "content_hash"}
_REFUSED_KEYS = {"status", "signer_name", "signer_role", "reason", "refused_at", "content_hash"}
_REFUSED_OPTIONAL = {"witness_name", "witness_image_sha256"}
_TEXT_MAX = {"reason": REASON_MAX}


class AnswerError(Struct, frozen=True):
    """One problem with one answer: where (JSON Pointer) and what, in Chinese and English."""

    pointer: str
    detail: str


def pointer_token(key: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def error(at: str, zh: str, en: str) -> AnswerError:
    """An error at ``at``, said in Chinese then English."""
    return AnswerError(at, f"{zh} ({en})")


def is_number(value: Any) -> bool:
    """A JSON number: an int or a finite float, never a bool."""
    if isinstance(value, bool):
        return False
    # An int is always finite; math.isfinite would overflow on one too large for a float.
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def has_decimals(value: float, decimals: int) -> bool:
    """Whether ``value`` has at most ``decimals`` decimal places: rounding it there leaves it unchanged.

    ``round`` is correctly rounded, so a reading typed as ``36.6`` (stored as the nearest double) passes
    with 1 decimal while ``36.65`` or ``0.1 + 0.2`` do not. The phone checks the same way
    (``Number(v.toFixed(d)) === v``), and so does the ``x-decimals`` keyword of the published vocabulary.
    """
    return isinstance(value, int) or round(value, decimals) == value


def _within(value: float, lo: float, hi: float | None) -> bool:
    return value >= lo and (hi is None or value <= hi)


def check_signature(value: Any, at: str) -> Iterator[AnswerError]:
    """What is wrong with a signature: signed (image, signer, time) or refused (reason, maybe a witness)."""
    if not isinstance(value, dict) or value.get("status") not in ("signed", "refused"):
        yield error(at, "签名格式无效", "expected a signature with status signed or refused")
        return
    needed = _SIGNED_KEYS if value["status"] == "signed" else _REFUSED_KEYS
    optional = set() if value["status"] == "signed" else _REFUSED_OPTIONAL
    for key in sorted(needed - value.keys()):
        yield error(f"{at}/{key}", "缺少此项", "missing")
    for key in sorted(value.keys() - needed - optional):
        yield error(f"{at}/{pointer_token(key)}", "多余的字段", "unexpected field")
    for key in sorted((needed | optional) & value.keys()):
        if key != "status":
            yield from _check_signature_field(key, value[key], f"{at}/{key}")


def _check_signature_field(key: str, field: Any, at: str) -> Iterator[AnswerError]:
    if key.endswith("sha256") or key == "content_hash":
        if not isinstance(field, str) or not SHA256.fullmatch(field):
            yield error(at, "哈希无效", "expected a lowercase hex SHA-256")
    elif key.endswith("_at"):
        if _parse_datetime(field) is None:
            yield error(at, "时间格式无效", "expected an RFC 3339 date-time with offset")
    else:
        limit = _TEXT_MAX.get(key, NAME_MAX)
        if not isinstance(field, str) or _BLANK.fullmatch(field) or len(field) > limit:
            yield error(at, f"应为非空文字，最多 {limit} 字", f"expected text of 1 to {limit} characters")


def check_gps(value: Any, at: str) -> Iterator[AnswerError]:
    """What is wrong with a position: latitude and longitude, optional accuracy and capture time."""
    if not isinstance(value, dict):
        yield error(at, "应为定位", "expected {lat, lon}")
        return
    limits = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "accuracy_m": (0.0, None)}
    for key in ("lat", "lon"):
        if key not in value:
            yield error(f"{at}/{key}", "缺少此项", "missing")
    for key, field in value.items():
        if key == "captured_at":
            if _parse_datetime(field) is None:
                yield error(f"{at}/{key}", "时间格式无效", "expected an RFC 3339 date-time with offset")
        elif key not in limits:
            yield error(f"{at}/{pointer_token(key)}", "多余的字段", "unexpected field")
        elif not is_number(field) or not _within(field, *limits[key]):
            yield error(f"{at}/{key}", "坐标无效", f"expected a number in range for {key}")


def check_datetime(item: DateTime, value: Any, at: str) -> Iterator[AnswerError]:
    """What is wrong with a date (YYYY-MM-DD) or an RFC 3339 date-time with its offset."""
    if item.date_only:
        if _parse_date(value) is None:
            yield error(at, "日期格式应为 YYYY-MM-DD", "expected a date YYYY-MM-DD")
    elif _parse_datetime(value) is None:
        yield error(at, "时间格式无效", "expected an RFC 3339 date-time with offset")


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        return None
    if value[-3] == ":" and int(value[-2:]) > 59:
        return None  # an offset's minutes; Python would read +08:60 as +09:00
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
