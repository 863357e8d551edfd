"""Where a webhook may post: refusing internal targets (SSRF) in every spelling, at creation and after DNS.

A webhook URL is refused when it is not plain ``http``/``https`` with a host, carries userinfo,
a control character or a space, names a metadata service or ``localhost``, or its host is an
address (in any spelling ``inet_aton`` reads: ``127.1``, ``0177.0.0.1``, ``0x7f.1``,
``2130706433``; IPv6 with an IPv4 inside) that is not a public one. At delivery the host's every
address is checked again after resolution, and the POST connects to the address that was
checked (see :mod:`sync.feed.pinned_post`). Networks an intranet deployment names in
``XUNJIAN_WEBHOOK_ALLOW_NETWORKS`` are allowed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sync.errors import WebhookTargetRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
"""Every address a host name resolves to (as text), for a port."""

METADATA_NAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.com",
        "metadata.tencentyun.com",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.packet.net",
        "metadata.platformequinix.com",
    }
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT (Alibaba Cloud's metadata lives here)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIXTOFOUR = ipaddress.ip_network("2002::/16")


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: scheme, host (lower case, IDNA), port, and the address when the host is one."""

    scheme: str
    host: str
    port: int
    address: IPAddress | None


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (``10.20.0.0/16, fd12::/48``) as networks; a bad one raises ``ValueError``."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def check_url(url: str, allow: Iterable[Network] = ()) -> Target:
    """The URL's target when a webhook may post there; :class:`WebhookTargetRefused` naming why otherwise."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise WebhookTargetRefused("a webhook URL may not hold spaces or control characters (CR, LF, tab …)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookTargetRefused("a webhook URL must be a well-formed http:// or https:// URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookTargetRefused(f"a webhook URL must be http:// or https:// with a host, not {url!r}")
    if "@" in parts.netloc:
        raise WebhookTargetRefused("a webhook URL may not carry a user name or password (user@host)")
    host = _normal_host(parts.hostname)
    address = literal_address(host)
    if address is None:
        _check_name(host, allow)
    else:
        check_address(address, allow)
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), address)


def _normal_host(hostname: str) -> str:
    """Lower case, IDNA (full-width dots become dots), without a trailing dot or an IPv6 zone."""
    if ":" in hostname:  # an IPv6 literal (urlsplit dropped the brackets)
        return hostname.lower()
    if "%" in hostname or "\\" in hostname:
        raise WebhookTargetRefused("a webhook host may not be percent-encoded or hold a backslash")
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise WebhookTargetRefused(f"{hostname!r} is not a valid host name") from exc
    return ascii_host.lower().rstrip(".")


def literal_address(host: str) -> IPAddress | None:
    """The address a host spells, in any form ``inet_aton`` reads (``127.1``, octal, hex, one number); else ``None``."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as exc:
            raise WebhookTargetRefused(f"{host!r} is not a valid IPv6 address") from exc
    if host and all(c in "0123456789abcdefx." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _check_name(host: str, allow: Iterable[Network]) -> None:
    if host in METADATA_NAMES or host.endswith(".metadata.google.internal"):
        raise WebhookTargetRefused(f"{host!r} is a cloud metadata service")
    if host == "localhost" or host.endswith(".localhost"):
        check_address(ipaddress.IPv4Address("127.0.0.1"), allow)  # loopback by definition (RFC 6761)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries: mapped, compatible (``::a.b.c.d``), NAT64 or 6to4."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = address.packed
    if packed[:12] == bytes(12) and int(address) > 1:  # IPv4-compatible (deprecated), not :: or ::1
        return ipaddress.IPv4Address(packed[12:])
    if address in _NAT64:
        return ipaddress.IPv4Address(packed[12:])
    return None


def refusal(address: IPAddress, allow: Iterable[Network] = ()) -> str | None:
    """Why a webhook may not connect to ``address`` (``None`` when it may): the kind of address it is."""
    inner = embedded_ipv4(address)
    if inner is not None:
        why = refusal(inner, allow)
        return None if why is None else f"{why} (inside the IPv6 address {address})"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if any(address.version == net.version and address in net for net in allow):
        return None
    kinds = (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address (cloud metadata lives here)"),
        (address in _SHARED, "a shared (carrier-grade NAT) address"),
        (address.version == 6 and address in ipaddress.ip_network("fc00::/7"), "a unique-local address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    )
    return next((why for hit, why in kinds if hit), None)


def check_address(address: IPAddress, allow: Iterable[Network] = ()) -> None:
    """Raise :class:`WebhookTargetRefused` naming why, unless a webhook may connect to ``address``."""
    why = refusal(address, allow)
    if why is not None:
        raise WebhookTargetRefused(f"{address} is {why}; webhooks post only to public addresses")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolves ``host`` to (``getaddrinfo``, TCP)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve_checked(target: Target, allow: Iterable[Network], resolve: Resolver) -> IPAddress:
    """The address to connect to: the literal one, or the first of the host's, once every one is checked."""
    if target.address is not None:
        check_address(target.address, allow)
        return target.address
    found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolve(target.host, target.port)]
    if not found:
        raise OSError(f"{target.host} resolves to no address")
    for address in found:
        check_address(address, allow)
    return found[0]
