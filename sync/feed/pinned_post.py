"""The real webhook POST: check the URL, resolve, check every address, connect to the checked one.

There is no second resolution between the check and the connection (no DNS rebinding): the
socket is opened to the checked address, while the request carries the URL's ``Host`` and, for
https, the TLS handshake sends the host name (SNI) and verifies the certificate against it.
Redirects are never followed (``http.client`` does not) and no proxy is used. A failure is
reported to the delivery log only as a short classification (:func:`classify`), never as the
target's text.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from sync.errors import WebhookTargetRefused
from sync.feed.targets import IPAddress, Network, Resolver, check_url, resolve_checked, system_resolver

HttpPost = Callable[[str, bytes, dict[str, str]], int]
"""POST ``body`` to ``url`` with ``headers``; returns the status code, raises on a transport error or a refusal."""

CLASSES = (
    "delivered", "http-4xx", "http-5xx", "http-other", "refused-address", "timeout", "connect-error", "tls-error",
)  # fmt: skip
"""What the delivery log says of an attempt."""


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a given address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self.address), self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(_PinnedHTTP):
    """HTTPS to a given address, with SNI and certificate checks against the URL's host name."""

    default_port = 443

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, address, timeout)
        self.context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


def pinned_post(
    timeout_s: float,
    allow: Iterable[Network] = (),
    *,
    resolve: Resolver = system_resolver,
    context: ssl.SSLContext | None = None,
) -> HttpPost:
    """A POST that refuses internal targets after resolution and connects to the address it checked.

    ``resolve`` and ``context`` are parameters so that tests can name what a host resolves to
    and which certificate authority to trust.
    """
    networks = tuple(allow)
    tls = context or ssl.create_default_context()

    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        target = check_url(url, networks)
        address = resolve_checked(target, networks, resolve)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection: _PinnedHTTP = (
            _PinnedHTTPS(target.host, target.port, address, timeout_s, tls)
            if target.scheme == "https"
            else _PinnedHTTP(target.host, target.port, address, timeout_s)
        )
        try:
            connection.request("POST", path, body=body, headers=headers)
            status: int = connection.getresponse().status
        finally:
            connection.close()
        return status

    return post


def classify(status: int | None, error: BaseException | None) -> str:
    """One of :data:`CLASSES` for an attempt's status code or the exception it raised."""
    if error is None and status is not None:
        if 200 <= status < 300:
            return "delivered"
        if 400 <= status < 500:
            return "http-4xx"
        return "http-5xx" if 500 <= status < 600 else "http-other"
    if isinstance(error, WebhookTargetRefused):
        return "refused-address"
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return "tls-error"
    return "connect-error"
