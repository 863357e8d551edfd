"""Keyset pagination: a page ends with an opaque ``cursor`` naming where the next one starts.

A cursor is the sort key of a page's last row (for example ``[updated_seq, id]``), as
URL-safe base64 of its JSON. The next page reads the rows after that key through the index
the listing sorts by, so a deep page costs what the first one does, and rows added or
changed meanwhile neither repeat nor skip what the caller has not reached yet.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import msgspec

from sync.errors import InvalidInput

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(list[int | str])


def encode_cursor(key: list[Any]) -> str:
    """The cursor of a row whose sort key is ``key`` (ints and strings)."""
    return base64.urlsafe_b64encode(_encoder.encode(key)).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> list[Any]:
    """The sort key in ``cursor``, checked against ``shape`` (the type of each part).

    Raises:
        InvalidInput: the cursor was not made by :func:`encode_cursor` for this listing.
    """
    try:
        key = _decoder.decode(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise InvalidInput("cursor is not one this listing gave; start again without it") from None
    if len(key) != len(shape) or not all(type(part) is kind for part, kind in zip(key, shape, strict=True)):
        raise InvalidInput("cursor is not one this listing gave; start again without it")
    if any(isinstance(part, int) and not -(2**63) <= part < 2**63 for part in key):  # past what a column holds
        raise InvalidInput("cursor is not one this listing gave; start again without it")
    return key
