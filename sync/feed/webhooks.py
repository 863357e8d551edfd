"""Webhooks: an organisation's subscriptions to event kinds, and delivering events to them.

Each webhook has a cursor: the last event it was given (delivered, or given up
after ``max_attempts``). :func:`deliver_due` makes one pass: every webhook whose
next attempt is due gets its events in order, one POST each, signed with
``X-Xunjian-Signature: sha256=<HMAC-SHA256 of the body with the secret>``. A
failure (an error or a non-2xx status) is logged and retried after
``base_s × 2^(attempt-1)`` seconds; webhooks are posted to side by side, so a
slow or failing endpoint holds up only itself. The HTTP call and the clock are
parameters: tests pass a fake clock, the server :func:`sync.feed.pinned_post.pinned_post` (which
refuses internal targets after DNS resolution) and ``time.time()``. The delivery log keeps the
status code and a short classification (:func:`sync.feed.pinned_post.classify`), never the
target's response or error text (no response oracle).

Several app servers on one database deliver side by side: each webhook is claimed for a pass
with a lease (``webhook:<id>``, :mod:`sync.db.leases`), renewed before each POST, so one server at a
time posts a webhook's events and the order per webhook holds; its cursor is read again once
claimed. Different webhooks may go from different servers.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated
from weakref import WeakKeyDictionary

import msgspec
from msgspec import Meta, Struct

from sync.clock import iso_from_epoch, new_id, now_iso
from sync.db import leases
from sync.db.named import rows_as
from sync.db.store import Store
from sync.errors import InvalidInput, NotFound
from sync.feed.events import KINDS, Event, events_for, last_seq
from sync.feed.pinned_post import HttpPost, classify
from sync.feed.targets import Network, check_url
from sync.org import audit
from sync.org.accounts import User
from sync.org.audit import Actor
from sync.org.sites import require_role

PER_PASS = 50  # events per webhook in one pass
CLAIM_S = 120.0  # a webhook's claim lasts this long past its last renewal (a dead server's claim runs out)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retries: the first retry after ``base_s`` seconds, doubling; an event is given up after ``max_attempts``."""

    base_s: float = 5.0
    max_attempts: int = 8

    def delay(self, attempt: int) -> float:
        """Seconds to wait before the retry after failed attempt number ``attempt``."""
        return float(self.base_s * 2 ** (attempt - 1))


class NewWebhook(Struct, forbid_unknown_fields=True):
    """A webhook to add: where to post, which event kinds, the secret that signs each body."""

    url: Annotated[str, Meta(min_length=1, max_length=2000)]
    kinds: Annotated[list[str], Meta(min_length=1, max_length=len(KINDS))]
    secret: Annotated[str, Meta(min_length=16, max_length=200)]


class WebhookView(Struct):
    """A webhook as listed: never its secret."""

    id: str
    url: str
    kinds: list[str]
    created_by: str
    created_at: str
    cursor: int
    attempts: int


class Delivery(Struct):
    """One attempt to deliver one event: ``delivered``, ``retrying`` (with when) or ``failed`` (given up).

    ``classification`` says what happened: ``delivered``, ``http-4xx``, ``http-5xx``, ``http-other``,
    ``refused-address``, ``timeout``, ``connect-error`` or ``tls-error`` (never the target's text).
    """

    event_seq: int
    attempt: int
    outcome: str
    status_code: int | None
    classification: str
    at: str
    next_at: str | None


def create_webhook(
    store: Store, user: User, body: NewWebhook, actor: Actor | None = None, *, allow: Iterable[Network] = ()
) -> WebhookView:
    """Subscribe an http(s) URL to some event kinds; it gets the events recorded from now on.

    An internal target (see :mod:`sync.feed.targets`) is refused unless ``allow`` holds its network.
    """
    require_role(user, "admin")
    check_url(body.url, allow)
    unknown = sorted(set(body.kinds) - set(KINDS))
    if unknown:
        raise InvalidInput(f"unknown event kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    kinds = [k for k in KINDS if k in body.kinds]
    webhook_id, now = new_id(), now_iso()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO webhook (id, org_id, url, kinds_json, secret, created_by, created_at, cursor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [webhook_id, user.org_id, body.url, msgspec.json.encode(kinds).decode(), body.secret, user.id, now,
             last_seq(conn)],
        )  # fmt: skip
        audit.record(conn, actor, "webhook.create", "webhook", webhook_id, org_id=user.org_id,
                     after={"url": body.url, "kinds": kinds})  # fmt: skip
    return get_webhook(store, user, webhook_id)


_VIEW = "SELECT id, url, kinds_json AS kinds, created_by, created_at, cursor, attempts FROM webhook"


def get_webhook(store: Store, user: User, webhook_id: str) -> WebhookView:
    """One webhook of the caller's organisation (admins only)."""
    require_role(user, "admin")
    found = rows_as(
        store.db.execute(f"{_VIEW} WHERE id = ? AND org_id = ?", [webhook_id, user.org_id]),
        WebhookView,
        json=("kinds",),
    )
    if not found:
        raise NotFound(f"no webhook {webhook_id!r}")
    return found[0]


def list_webhooks(store: Store, user: User) -> list[WebhookView]:
    """The organisation's webhooks, oldest first (admins only)."""
    require_role(user, "admin")
    rows = store.db.execute(f"{_VIEW} WHERE org_id = ? ORDER BY created_at, id", [user.org_id])
    return rows_as(rows, WebhookView, json=("kinds",))


def delete_webhook(store: Store, user: User, webhook_id: str, actor: Actor | None = None) -> None:
    """Remove a webhook and its delivery log; nothing more is sent to it."""
    held = get_webhook(store, user, webhook_id)
    with store.transaction() as conn:
        audit.record(conn, actor, "webhook.delete", "webhook", webhook_id, org_id=user.org_id,
                     before={"url": held.url, "kinds": held.kinds})  # fmt: skip
        conn.execute("DELETE FROM webhook_delivery WHERE webhook_id = ?", [webhook_id])
        conn.execute("DELETE FROM webhook WHERE id = ?", [webhook_id])


def list_deliveries(store: Store, user: User, webhook_id: str, *, limit: int = 200) -> list[Delivery]:
    """The webhook's delivery log, newest attempt first."""
    get_webhook(store, user, webhook_id)
    rows = store.db.execute(
        "SELECT event_seq, attempt, outcome, status_code, classification, at, next_at FROM webhook_delivery"
        " WHERE webhook_id = ? ORDER BY id DESC LIMIT ?",
        [webhook_id, max(1, min(limit, 1000))],
    )
    return rows_as(rows, Delivery)


def sign(secret: str, body: bytes) -> str:
    """The ``X-Xunjian-Signature`` header's value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class _Due:
    id: str
    org_id: str
    url: str
    kinds: list[str]
    secret: str
    cursor: int
    attempts: int


_pass_locks: WeakKeyDictionary[Store, threading.Lock] = WeakKeyDictionary()


def deliver_due(
    store: Store,
    http_post: HttpPost,
    now: float,
    *,
    policy: DeliveryPolicy | None = None,
    stop: threading.Event | None = None,
) -> int:
    """One delivery pass at time ``now`` (epoch seconds); returns the number of attempts made.

    Passes never overlap (a second one waits), so an event is never sent twice at once.
    """
    policy = policy or DeliveryPolicy()
    lock = _pass_locks.setdefault(store, threading.Lock())
    with lock:
        rows = store.db.execute(
            "SELECT id, org_id, url, kinds_json AS kinds, secret, cursor, attempts FROM webhook"
            " WHERE next_at <= ? ORDER BY created_at, id",
            [now],
        )
        due = rows_as(rows, _Due, json=("kinds",))
        if not due:
            return 0
        with ThreadPoolExecutor(max_workers=min(8, len(due))) as pool:
            counts = pool.map(lambda hook: _deliver_one(store, http_post, now, policy, hook, stop), due)
            return sum(counts)


def _deliver_one(
    store: Store, http_post: HttpPost, now: float, policy: DeliveryPolicy, hook: _Due, stop: threading.Event | None
) -> int:
    """Deliver one webhook's pending events in order until one fails or the pass's share is done.

    Only under the webhook's claim (another server may hold it: then nothing here), from its cursor
    as stored once claimed.
    """
    if not events_for(store.db.conn, hook.org_id, hook.kinds, hook.cursor, 1):
        return 0  # nothing to send: no claim written (an idle webhook costs one read per pass)
    claim = f"webhook:{hook.id}"
    if not leases.take(store, claim, time.time(), CLAIM_S):  # leases run on the wall clock, whatever ``now`` is
        return 0
    try:
        return _deliver_claimed(store, http_post, now, policy, hook, stop, claim)
    finally:
        leases.release(store, claim)


def _deliver_claimed(
    store: Store,
    http_post: HttpPost,
    now: float,
    policy: DeliveryPolicy,
    hook: _Due,
    stop: threading.Event | None,
    claim: str,
) -> int:
    row = store.db.execute("SELECT cursor, attempts, next_at FROM webhook WHERE id = ?", [hook.id]).fetchone()
    if row is None or row[2] > now:
        return 0  # deleted, or delivered (and now waiting to retry) by another server since the pass began
    hook.cursor, hook.attempts = row[0], row[1]
    pending = events_for(store.db.conn, hook.org_id, hook.kinds, hook.cursor, PER_PASS)
    made = 0
    for event in pending:
        if stop is not None and stop.is_set():
            break
        if made and not leases.take(store, claim, time.time(), CLAIM_S):
            break  # the claim ran out (a very slow pass) and another server took it
        body = msgspec.json.encode(event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "xunjian-webhooks",
            "X-Xunjian-Event": event.kind,
            "X-Xunjian-Delivery": f"{hook.id}:{event.seq}",
            "X-Xunjian-Signature": sign(hook.secret, body),
        }
        attempt = hook.attempts + 1
        status: int | None = None
        error: Exception | None = None
        try:
            status = http_post(hook.url, body, headers)
        except Exception as exc:  # any transport failure or refusal is classified and retried, never raised
            error = exc
        made += 1
        outcome = classify(status, error)
        if not _record(store, hook, event, attempt, outcome, status, now, policy):
            break
    return made


def _record(
    store: Store,
    hook: _Due,
    event: Event,
    attempt: int,
    classification: str,
    status: int | None,
    now: float,
    policy: DeliveryPolicy,
) -> bool:
    """Log one attempt and move the webhook on; ``True`` when the next event may follow now."""
    ok = classification == "delivered"
    if ok or attempt >= policy.max_attempts:
        outcome, retry_at = ("delivered" if ok else "failed"), None
        hook.cursor, hook.attempts = event.seq, 0
    else:
        outcome, retry_at = "retrying", now + policy.delay(attempt)
        hook.attempts = attempt
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM webhook WHERE id = ?", [hook.id]).fetchone() is None:
            return False  # deleted during the pass
        conn.execute(
            "INSERT INTO webhook_delivery"
            " (webhook_id, event_seq, attempt, outcome, status_code, classification, at, next_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [hook.id, event.seq, attempt, outcome, status, classification, iso_from_epoch(now),
             None if retry_at is None else iso_from_epoch(retry_at)],
        )  # fmt: skip
        conn.execute(
            "UPDATE webhook SET cursor = ?, attempts = ?, next_at = ? WHERE id = ?",
            [hook.cursor, hook.attempts, retry_at or 0, hook.id],
        )
    return retry_at is None
