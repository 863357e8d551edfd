"""The real webhook POST against real receivers on 127.0.0.1: refusal after resolution, pinning, TLS, no redirects."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from sync.feed.events import emit
from sync.feed.pinned_post import pinned_post
from sync.feed.targets import parse_networks
from sync.feed.webhooks import NewWebhook, create_webhook, deliver_due, list_deliveries
from tests.sync.office import Office

SECRET = "s3cret-s3cret-s3cret"
T0 = 1_800_000_000.0
LOOPBACK = parse_networks("127.0.0.0/8")
NAME = "hooks.example.test"  # not in any DNS: only the injected resolver knows it


class Receiver:
    """A real HTTP(S) server on 127.0.0.1 answering ``status`` (with ``Location`` when redirecting)."""

    def __init__(self, status: int = 200, tls: ssl.SSLContext | None = None, location: str = "") -> None:
        self.got: list[dict[str, str]] = []
        self.sni: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.got.append(dict(self.headers.items()))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "17")
                self.end_headers()
                self.wfile.write(b"secret-internals!")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        if tls is not None:
            tls.sni_callback = lambda sock, name, ctx: outer.sni.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    opened = Receiver()
    yield opened
    opened.close()


class Resolver:
    """A resolver the test controls (the system's would not know ``NAME``); counts its calls."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return self.addresses if host == NAME else []


def hook_to(office: Office, url: str, allow: tuple[Any, ...] = ()) -> str:
    body = NewWebhook(url, ["inspection.submitted"], SECRET)
    hook = create_webhook(office.store, office.users["admin"], body, allow=allow)
    with office.store.transaction() as conn:
        emit(conn, office.users["admin"].org_id, "inspection.submitted", office.sites["n1"], payload={})
    return hook.id


def log_of(office: Office, hook_id: str) -> list[tuple[str, int | None]]:
    return [(d.classification, d.status_code) for d in list_deliveries(office.store, office.users["admin"], hook_id)]


def test_a_name_that_resolves_to_loopback_is_refused_at_delivery(office: Office, receiver: Receiver) -> None:
    hook_id = hook_to(office, f"http://{NAME}:{receiver.port}/in")  # a public-looking name: taken at creation
    post = pinned_post(5, (), resolve=Resolver("127.0.0.1"))
    assert deliver_due(office.store, post, T0) == 1
    assert receiver.got == []
    assert log_of(office, hook_id) == [("refused-address", None)]
    mixed = pinned_post(5, (), resolve=Resolver("93.184.216.34", "127.0.0.1"))  # one bad address refuses all
    assert deliver_due(office.store, mixed, T0 + 3600) == 1
    assert receiver.got == []


def test_an_allowed_network_is_reached_at_the_checked_address_with_the_urls_host(
    office: Office, receiver: Receiver
) -> None:
    hook_id = hook_to(office, f"http://{NAME}:{receiver.port}/in?x=1", LOOPBACK)
    resolver = Resolver("127.0.0.1")
    assert deliver_due(office.store, pinned_post(5, LOOPBACK, resolve=resolver), T0) == 1
    assert [h["Host"] for h in receiver.got] == [f"{NAME}:{receiver.port}"]  # connected to 127.0.0.1 all the same
    assert resolver.calls == 1  # resolved once, checked, connected: no second resolution to rebind
    assert log_of(office, hook_id) == [("delivered", 200)]


def test_a_literal_loopback_receiver_is_reached_only_when_its_network_is_allowed(
    office: Office, receiver: Receiver
) -> None:
    hook_id = hook_to(office, f"http://127.0.0.1:{receiver.port}/in", LOOPBACK)
    assert deliver_due(office.store, pinned_post(5, ()), T0) == 1  # the setting was taken away since
    assert receiver.got == []
    assert deliver_due(office.store, pinned_post(5, LOOPBACK), T0 + 3600) == 1
    assert len(receiver.got) == 1
    assert log_of(office, hook_id) == [("delivered", 200), ("refused-address", None)]


@pytest.mark.sqlite_only(reason="reads the whole database back as SQL text (sqlite3 iterdump)")
def test_redirects_are_not_followed_and_the_targets_text_is_never_logged(office: Office) -> None:
    elsewhere = Receiver()
    redirecting = Receiver(302, location=f"http://127.0.0.1:{elsewhere.port}/stolen")
    failing = Receiver(503)
    try:
        moved = hook_to(office, f"http://127.0.0.1:{redirecting.port}/in", LOOPBACK)
        down = hook_to(office, f"http://127.0.0.1:{failing.port}/in", LOOPBACK)
        assert deliver_due(office.store, pinned_post(5, LOOPBACK), T0) == 2
        assert (len(redirecting.got), elsewhere.got) == (1, [])
        assert log_of(office, moved) == [("http-other", 302)]
        assert log_of(office, down) == [("http-5xx", 503)]
        dump = "\n".join(office.store.db.iterdump())
        assert "secret-internals" not in dump
    finally:
        for server in (elsewhere, redirecting, failing):
            server.close()


def test_https_sends_the_host_name_and_checks_the_certificate_against_it(office: Office) -> None:
    ca = trustme.CA()
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    served: list[Receiver] = []
    for name in (NAME, "other.example.test"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert(name).configure_cert(context)
        served.append(Receiver(tls=context))
    try:
        good = hook_to(office, f"https://{NAME}:{served[0].port}/in", LOOPBACK)
        post = pinned_post(5, LOOPBACK, resolve=Resolver("127.0.0.1"), context=trusting)
        assert deliver_due(office.store, post, T0) == 1
        assert served[0].sni == [NAME]
        assert log_of(office, good) == [("delivered", 200)]
        wrong = hook_to(office, f"https://{NAME}:{served[1].port}/in", LOOPBACK)  # its certificate names another
        assert deliver_due(office.store, post, T0 + 1) == 2  # the good one gets this event too
        assert served[0].sni == [NAME, NAME]
        assert served[1].got == []
        assert log_of(office, wrong) == [("tls-error", None)]
    finally:
        for server in served:
            server.close()


def test_a_silent_or_closed_endpoint_is_a_timeout_or_a_connect_error(office: Office) -> None:
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (backlog), never answers
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        mute = hook_to(office, f"http://127.0.0.1:{silent.getsockname()[1]}/", LOOPBACK)
        gone = hook_to(office, f"http://127.0.0.1:{closed_port}/", LOOPBACK)
        assert deliver_due(office.store, pinned_post(0.5, LOOPBACK), T0) == 2
        assert log_of(office, mute) == [("timeout", None)]
        assert log_of(office, gone) == [("connect-error", None)]
    finally:
        silent.close()
