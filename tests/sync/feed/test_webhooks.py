"""Webhook delivery without HTTP: in order, exactly once, signed; retries with back-off; refusals."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from sync.db import leases
from sync.db.open import open_store
from sync.db.store import Store
from sync.errors import Forbidden, InvalidInput
from sync.feed.events import emit, list_events
from sync.feed.webhooks import DeliveryPolicy, NewWebhook, create_webhook, deliver_due, list_deliveries
from tests.sync.office import Office

SECRET = "s3cret-s3cret-s3cret"
T0 = 1_800_000_000.0


class Receiver:
    """A fake endpoint: answers from a script of status codes (or exceptions), then 200; keeps what it got."""

    def __init__(self, *script: int | Exception) -> None:
        self.script = list(script)
        self.got: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.got.append((url, body, headers))
        answer = self.script.pop(0) if self.script else 200
        if isinstance(answer, Exception):
            raise answer
        return answer

    def seqs(self) -> list[int]:
        return [json.loads(body)["seq"] for _, body, _ in self.got]


def some_events(office: Office, count: int, site: str = "n1") -> None:
    with office.store.transaction() as conn:
        for n in range(count):
            emit(conn, office.users["admin"].org_id, "inspection.submitted", office.sites[site], payload={"n": n})


def test_events_are_delivered_in_order_exactly_once_with_a_verifiable_signature(office: Office) -> None:
    admin = office.users["admin"]
    some_events(office, 2)  # before the webhook: not sent
    hook = create_webhook(office.store, admin, NewWebhook("http://hooks.test/in", ["inspection.submitted"], SECRET))
    some_events(office, 3)
    receiver = Receiver()
    assert deliver_due(office.store, receiver, T0) == 3
    assert deliver_due(office.store, receiver, T0 + 1) == 0
    first = [e.seq for e in list_events(office.store, admin).events][2:]
    assert receiver.seqs() == first
    some_events(office, 2, site="s1")
    assert deliver_due(office.store, receiver, T0 + 2) == 2
    assert receiver.seqs() == [e.seq for e in list_events(office.store, admin).events][2:]
    for url, body, headers in receiver.got:
        assert url == "http://hooks.test/in"
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Xunjian-Signature"], expected)
        assert headers["X-Xunjian-Event"] == "inspection.submitted"
    log = list_deliveries(office.store, admin, hook.id)
    assert [(d.outcome, d.attempt) for d in log] == [("delivered", 1)] * 5


def test_a_failing_endpoint_is_retried_with_backoff_and_holds_up_only_itself(office: Office) -> None:
    admin = office.users["admin"]
    policy = DeliveryPolicy(base_s=10, max_attempts=4)
    kinds = ["inspection.submitted"]
    flaky = create_webhook(office.store, admin, NewWebhook("https://flaky.test/", kinds, SECRET))
    steady = create_webhook(office.store, admin, NewWebhook("https://steady.test/", kinds, SECRET))
    some_events(office, 2)
    down, up = Receiver(503, ConnectionRefusedError("refused")), Receiver()

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return (down if "flaky" in url else up)(url, body, headers)

    assert deliver_due(office.store, post, T0, policy=policy) == 3  # flaky: 1 failure; steady: both events
    assert len(up.seqs()) == 2
    assert deliver_due(office.store, post, T0 + 9, policy=policy) == 0  # not due before 10 s
    assert deliver_due(office.store, post, T0 + 10, policy=policy) == 1  # second failure: next in 20 s
    assert deliver_due(office.store, post, T0 + 29, policy=policy) == 0
    assert deliver_due(office.store, post, T0 + 30, policy=policy) == 2  # succeeds, and the next event follows
    assert down.seqs() == [up.seqs()[0]] * 3 + [up.seqs()[1]]
    log = list(reversed(list_deliveries(office.store, admin, flaky.id)))
    assert [(d.attempt, d.outcome, d.status_code) for d in log] == [
        (1, "retrying", 503),
        (2, "retrying", None),
        (3, "delivered", 200),
        (1, "delivered", 200),
    ]
    assert [d.classification for d in log] == ["http-5xx", "connect-error", "delivered", "delivered"]
    assert (log[0].next_at, log[1].next_at) == ("2027-01-15T08:00:10.000Z", "2027-01-15T08:00:30.000Z")
    assert [d.outcome for d in list_deliveries(office.store, admin, steady.id)] == ["delivered"] * 2


def test_an_event_is_given_up_after_the_last_attempt_and_the_next_one_follows(office: Office) -> None:
    admin = office.users["admin"]
    hook = create_webhook(office.store, admin, NewWebhook("http://down.test/", ["inspection.submitted"], SECRET))
    some_events(office, 2)
    receiver = Receiver(500, 500)
    policy = DeliveryPolicy(base_s=1, max_attempts=2)
    assert deliver_due(office.store, receiver, T0, policy=policy) == 1
    assert deliver_due(office.store, receiver, T0 + 1, policy=policy) == 2
    log = [(d.attempt, d.outcome) for d in reversed(list_deliveries(office.store, admin, hook.id))]
    assert log == [(1, "retrying"), (2, "failed"), (1, "delivered")]


def test_webhooks_take_only_http_urls_known_kinds_and_admins(office: Office, store: Store) -> None:
    admin = office.users["admin"]
    for url in ("ftp://x.test/", "file:///etc/passwd", "javascript:alert(1)", "http://"):
        with pytest.raises(InvalidInput, match="http"):
            create_webhook(store, admin, NewWebhook(url, ["action.closed"], SECRET))
    with pytest.raises(InvalidInput, match=r"inspection\.deleted"):
        create_webhook(store, admin, NewWebhook("http://x.test/", ["inspection.deleted"], SECRET))
    with pytest.raises(Forbidden):
        create_webhook(store, office.users["supervisor"], NewWebhook("http://x.test/", ["action.closed"], SECRET))


# ---- several app servers on one database: each event once, in order per webhook ----


def test_a_second_server_passing_during_a_delivery_sends_nothing_twice(
    office: Office, tmp_path: Path, database_url: str
) -> None:
    admin = office.users["admin"]
    hook = create_webhook(office.store, admin, NewWebhook("http://hooks.test/in", ["inspection.submitted"], SECRET))
    some_events(office, 3)
    other = open_store(database_url, tmp_path / "store")  # the second app server, on the same database
    got: list[int] = []
    made_by_other: list[int] = []

    def receiver(url: str, body: bytes, headers: dict[str, str]) -> int:
        got.append(json.loads(body)["seq"])
        if len(got) == 1:  # while the first server is delivering, the second makes a whole pass
            made_by_other.append(deliver_due(other, receiver, T0))
        return 200

    try:
        made = deliver_due(office.store, receiver, T0)
        assert made_by_other == [0]  # the webhook was claimed: nothing from the second server
        assert made == 3
        assert deliver_due(other, receiver, T0 + 1) == 0  # the cursor moved for both
    finally:
        other.close()
    assert got == [e.seq for e in list_events(office.store, admin).events]
    assert [(d.outcome, d.attempt) for d in list_deliveries(office.store, admin, hook.id)] == [("delivered", 1)] * 3


def test_a_webhook_claimed_by_a_dead_server_is_delivered_once_the_claim_runs_out(
    office: Office, tmp_path: Path, database_url: str
) -> None:
    admin = office.users["admin"]
    hook = create_webhook(office.store, admin, NewWebhook("http://hooks.test/in", ["inspection.submitted"], SECRET))
    some_events(office, 2)
    got: list[int] = []

    def receiver(url: str, body: bytes, headers: dict[str, str]) -> int:
        got.append(json.loads(body)["seq"])
        return 200

    # a server killed mid-pass left its claim behind, already run out
    assert leases.take(office.store, f"webhook:{hook.id}", time.time() - 10, 1, holder="dead-server")
    assert not leases.take(office.store, f"webhook:{hook.id}", time.time() - 10, 1)  # still held back then
    assert deliver_due(office.store, receiver, T0) == 2
    assert got == [e.seq for e in list_events(office.store, admin).events]
