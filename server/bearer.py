"""The bearer token of an ``Authorization`` header, parsed in one place for the route guard and the fast lane."""

from __future__ import annotations


def bearer_token(value: str | bytes | None) -> str | None:
    """The token of ``Bearer <token>`` (scheme in any case, token trimmed); ``None`` for anything else.

    Raw header bytes (as ASGI sends them) are read as latin-1.
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    scheme, _, token = text.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
