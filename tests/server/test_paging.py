"""Paged responses: the list as the body, the next page in a Link header that keeps every other filter."""

from __future__ import annotations

from typing import Annotated

from litestar import Litestar, Request, Response, get
from litestar.params import QueryParameter
from litestar.testing import TestClient

from server.paging import paged


@get("/items", sync_to_thread=False)
def items(request: Request, last: Annotated[bool, QueryParameter()] = False) -> Response[list[int]]:  # type: ignore[type-arg]
    return paged(request, [1, 2], None if last else "NEXT")


def test_the_next_page_link_keeps_the_filters_and_replaces_the_cursor() -> None:
    with TestClient(Litestar([items])) as client:
        response = client.get("/items", params={"site_id": "s 1", "cursor": "OLD"})
        assert response.json() == [1, 2]
        assert response.headers["link"] == '</items?site_id=s+1&cursor=NEXT>; rel="next"'
        last = client.get("/items", params={"last": "true"})
        assert last.json() == [1, 2] and "link" not in last.headers
