"""A limit on how deeply a JSON body nests, checked before anything decodes it.

A decoder recurses once per level: a body nested ~1,000 deep (a few kilobytes) made every JSON
route fail with ``RecursionError`` (a 500), and values kept as sent (answers, signatures) could
carry a deep structure into code that walks it later. No request this API takes nests deeper than
a few levels, so a body deeper than :data:`MAX_DEPTH` is refused with a ``too-deeply-nested``
problem (400) before it is decoded: by :class:`CheckedRequest` (the app's request class, so every
route that takes a JSON body) and by the routes that decode their body themselves (the push, its
fast lane, checklist publishing) through :func:`check_nesting`.

The scan runs at C speed (a few milliseconds for a megabyte): strings are cut out, everything but
brackets is deleted (:func:`_brackets`), then each pass removes the innermost empty pairs (one level a pass), so a
body of depth *d* is empty after *d* passes; one still holding pairs after :data:`MAX_DEPTH`
passes is too deep, and so is one holding more unclosed openers in a row than that (a truncated
deep body). Any other body that is not balanced JSON is left for the decoder to refuse.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request

from server.problems import problem

MAX_DEPTH = 64
_STRING = re.compile(rb'"[^"]*"')
_INNERMOST = re.compile(rb"\[\]|\{\}")
_OPENERS = re.compile(rb"[\[{]{%d}" % (MAX_DEPTH + 1))  # unclosed, as deep: a decoder would recurse into it
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects more than ``limit`` levels deep."""
    brackets = _brackets(body)
    if len(brackets) <= 2 * limit:
        return _depth(brackets) > limit
    for _ in range(limit):
        brackets = _INNERMOST.sub(b"", brackets)
        if not brackets:
            return False
    return _INNERMOST.search(brackets) is not None or _OPENERS.search(brackets) is not None


def _brackets(body: bytes) -> bytes:
    """The brackets of ``body`` outside its strings, in order.

    Escaped backslashes and quotes go first (left to right, as JSON reads them), then everything
    but brackets and quotes; strings with no bracket in them are then adjacent quotes, dropped in
    one pass (two strings in a row merge, which keeps every bracket on its side), and the few
    strings left, holding brackets, are cut out whole.
    """
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = body.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    return _STRING.sub(b"", structure) if b'"' in structure else structure


def _depth(brackets: bytes) -> int:
    """The deepest nesting of a short run of brackets."""
    depth = deepest = 0
    for b in brackets:
        depth += 1 if b in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def check_nesting(body: bytes) -> None:
    """Refuse ``body`` with a ``too-deeply-nested`` problem (400) if it nests deeper than :data:`MAX_DEPTH`."""
    if too_deep(body):
        raise problem("too-deeply-nested", f"the JSON body nests deeper than {MAX_DEPTH} levels")


class CheckedRequest(Request[Any, Any, Any]):
    """The app's request: its JSON body is checked for depth before it is decoded."""

    async def json(self) -> Any:
        """The decoded JSON body, once :func:`check_nesting` has passed it."""
        check_nesting(await self.body())
        return await super().json()
