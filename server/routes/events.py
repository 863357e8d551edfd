"""The event feed (``/api/events``) and webhooks (``/api/webhooks``); :mod:`server.startup` runs their delivery."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from server.dependencies import Caller
from server.paging import next_link
from server.params import Seq
from server.settings import Settings
from sync.db.store import Store
from sync.feed import events, webhooks
from sync.feed.events import EventPage
from sync.feed.webhooks import Delivery, NewWebhook, WebhookView
from sync.org.sites import require_role
from sync.review.workdays import today_in_china


@get("/events", sync_to_thread=True)
def list_events(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    after: Seq = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=events.MAX_LIMIT)] = 100,
) -> Response[EventPage]:
    """Events after ``after`` at sites in the caller's scope, oldest first; page on with ``last_seq``.

    When there is more, the ``Link: <…>; rel="next"`` header is this URL with ``after`` set to ``last_seq``.
    """
    require_role(caller.user, "supervisor", "admin")
    events.record_overdue(store, today_in_china())
    page = events.list_events(store, caller.user, after=after, limit=limit)
    return Response(page, headers=next_link(request, "after", str(page.last_seq)) if page.has_more else None)


@post("/", status_code=201, sync_to_thread=True)
def create_webhook(
    data: JSONBody[NewWebhook],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    settings: NamedDependency[Settings],
) -> WebhookView:
    """Admin: POST the events of these kinds to an http(s) URL, signed with the secret.

    Internal targets (loopback, private, link-local, metadata …, in any spelling) are refused
    unless ``XUNJIAN_WEBHOOK_ALLOW_NETWORKS`` allows them.
    """
    return webhooks.create_webhook(store, caller.user, data, caller.actor, allow=settings.webhook_networks)


@get("/", sync_to_thread=True)
def list_webhooks(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[WebhookView]:
    """Admin: the organisation's webhooks (never their secrets)."""
    return webhooks.list_webhooks(store, caller.user)


@delete("/{webhook_id:str}", sync_to_thread=True)
def delete_webhook(webhook_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]) -> None:
    """Admin: remove a webhook and its delivery log."""
    webhooks.delete_webhook(store, caller.user, webhook_id, caller.actor)


@get("/{webhook_id:str}/deliveries", sync_to_thread=True)
def list_deliveries(
    webhook_id: FromPath[str],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 200,
) -> list[Delivery]:
    """Admin: the delivery log, newest attempt first: event, attempt, outcome, status code and classification."""
    return webhooks.list_deliveries(store, caller.user, webhook_id, limit=limit)


webhook_router = Router(
    path="/webhooks", route_handlers=[create_webhook, list_webhooks, delete_webhook, list_deliveries]
)
router = Router(path="/api", route_handlers=[list_events, webhook_router])
