"""Paged listings over HTTP: the body is the page's list; the next page is a ``Link: <…>; rel="next"`` header.

RFC 8288 web linking, as GitHub's API pages: a client follows ``rel="next"`` until a
response has none. The next URL is the request's own, with ``cursor`` set to the page's
last sort key (see :mod:`sync.db.paging`), so every other filter carries over.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response

T = TypeVar("T")


def paged(request: Request[Any, Any, Any], items: list[T], next_cursor: str | None) -> Response[list[T]]:
    """``items`` as the response body, with a ``Link`` to the next page when ``next_cursor`` is given."""
    if next_cursor is None:
        return Response(items)
    return Response(items, headers=next_link(request, "cursor", next_cursor))


def next_link(request: Request[Any, Any, Any], param: str, value: str) -> dict[str, str]:
    """The ``Link`` header to the request's own URL with ``param`` set to ``value`` (every other filter kept)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != param] + [(param, value)]
    return {"Link": f'<{request.url.path}?{urlencode(query)}>; rel="next"'}
