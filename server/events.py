"""The event feed (`/api/events`), webhooks (`/api/webhooks`) and the background delivery task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from typing import Annotated

from litestar import Litestar, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from server.auth import Caller
from server.settings import Settings
from sync.db.store import Store
from sync.feed import events, webhooks
from sync.feed.events import EventPage
from sync.feed.webhooks import Delivery, DeliveryPolicy, NewWebhook, WebhookView
from sync.org.sites import require_role
from sync.review.workdays import today_in_china

log = logging.getLogger("xunjian.webhooks")


@get("/api/events")
async def list_events(
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    after: Annotated[int, QueryParameter(ge=0)] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=events.MAX_LIMIT)] = 100,
) -> EventPage:
    """Events after ``after`` at sites in the caller's scope, oldest first; page on with ``last_seq``."""
    require_role(caller.user, "supervisor", "admin")
    events.record_overdue(store, today_in_china())
    return events.list_events(store, caller.user, after=after, limit=limit)


@post("/", status_code=201)
async def create_webhook(
    data: JSONBody[NewWebhook], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> WebhookView:
    """Admin: POST the events of these kinds to an http(s) URL, signed with the secret."""
    return webhooks.create_webhook(store, caller.user, data)


@get("/")
async def list_webhooks(caller: NamedDependency[Caller], store: NamedDependency[Store]) -> list[WebhookView]:
    """Admin: the organisation's webhooks (never their secrets)."""
    return webhooks.list_webhooks(store, caller.user)


@delete("/{webhook_id:str}")
async def delete_webhook(
    webhook_id: FromPath[str], caller: NamedDependency[Caller], store: NamedDependency[Store]
) -> None:
    """Admin: remove a webhook and its delivery log."""
    webhooks.delete_webhook(store, caller.user, webhook_id)


@get("/{webhook_id:str}/deliveries")
async def list_deliveries(
    webhook_id: FromPath[str],
    caller: NamedDependency[Caller],
    store: NamedDependency[Store],
    limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 200,
) -> list[Delivery]:
    """Admin: the delivery log, newest attempt first: event, attempt, outcome, status code or error."""
    return webhooks.list_deliveries(store, caller.user, webhook_id, limit=limit)


webhook_router = Router(
    path="/api/webhooks", route_handlers=[create_webhook, list_webhooks, delete_webhook, list_deliveries]
)


async def _deliver_forever(store: Store, settings: Settings, stop: threading.Event, wake: asyncio.Event) -> None:
    """Loop over :func:`sync.feed.webhooks.deliver_due` in a worker thread until stopped."""
    policy = DeliveryPolicy(settings.webhook_backoff_s, settings.webhook_max_attempts)
    http_post = webhooks.urllib_post(settings.webhook_timeout_s)
    while not stop.is_set():
        try:
            await asyncio.to_thread(events.record_overdue, store, today_in_china())
            await asyncio.to_thread(webhooks.deliver_due, store, http_post, time.time(), policy=policy, stop=stop)
        except Exception:  # a broken pass is logged; the next one tries again
            log.exception("webhook delivery pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), settings.webhook_poll_s)


async def start_delivery(app: Litestar) -> None:
    """on_startup: start the delivery task (unless ``webhook_poll_s`` is 0)."""
    settings: Settings = app.state.settings
    if settings.webhook_poll_s <= 0:
        return
    stop, wake = threading.Event(), asyncio.Event()
    app.state.webhook_stop = (stop, wake)
    app.state.webhook_task = asyncio.create_task(_deliver_forever(app.state.store, settings, stop, wake))


async def stop_delivery(app: Litestar) -> None:
    """on_shutdown, before the store closes: let the current pass end (at most one POST), then stop."""
    task: asyncio.Task[None] | None = app.state.get("webhook_task")
    if task is None:
        return
    stop, wake = app.state.webhook_stop
    stop.set()
    wake.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), app.state.settings.webhook_timeout_s + 5)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
