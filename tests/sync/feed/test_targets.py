"""Webhook targets: every spelling of an internal address or name is refused, public ones are taken."""

from __future__ import annotations

import ipaddress

import pytest

from sync.errors import WebhookTargetRefused
from sync.feed.targets import check_url, embedded_ipv4, literal_address, parse_networks, resolve_checked
from tests.ssrf import REFUSED


@pytest.mark.parametrize(("url", "why"), REFUSED)
def test_every_spelling_of_an_internal_target_is_refused_naming_why(url: str, why: str) -> None:
    with pytest.raises(WebhookTargetRefused, match=why):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/in",
        "http://93.184.216.34:8080/x?y=1",
        "https://[2606:4700::1111]/",
        "http://1.1.1.1/",
    ],
)
def test_public_targets_are_taken(url: str) -> None:
    assert check_url(url).scheme in ("http", "https")


def test_allowed_networks_open_an_intranet_but_never_multicast_or_unspecified() -> None:
    allow = parse_networks("10.20.0.0/16, 127.0.0.0/8,fd12::/16")
    assert check_url("http://10.20.3.4/hook", allow).address == ipaddress.ip_address("10.20.3.4")
    assert check_url("http://0x7f.1/hook", allow).port == 80
    assert check_url("http://[fd12::5]/", allow).host == "fd12::5"
    with pytest.raises(WebhookTargetRefused, match="private"):
        check_url("http://10.21.0.1/", allow)
    with pytest.raises(WebhookTargetRefused, match="unspecified"):
        check_url("http://0.0.0.0/", parse_networks("0.0.0.0/0"))
    with pytest.raises(WebhookTargetRefused, match="multicast"):
        check_url("http://224.0.0.1/", parse_networks("0.0.0.0/0"))
    with pytest.raises(ValueError, match="does not appear"):
        parse_networks("10.0.0.0/8,intranet")


def test_legacy_ipv4_forms_are_read_as_inet_aton_reads_them() -> None:
    for spelling in ("127.1", "0177.0.0.1", "0x7f.1", "2130706433", "0x7f000001", "127.0.0.1"):
        assert literal_address(spelling) == ipaddress.IPv4Address("127.0.0.1"), spelling
    assert literal_address("hooks.example.com") is None
    assert literal_address("1e100.net") is None
    assert embedded_ipv4(ipaddress.IPv6Address("::ffff:10.0.0.1")) == ipaddress.IPv4Address("10.0.0.1")
    assert embedded_ipv4(ipaddress.IPv6Address("::1")) is None


def test_at_delivery_every_address_a_name_resolves_to_is_checked() -> None:
    target = check_url("https://hooks.example.com/in")
    public = resolve_checked(target, (), lambda host, port: ["93.184.216.34"])
    assert public == ipaddress.IPv4Address("93.184.216.34")
    for answer in (["127.0.0.1"], ["93.184.216.34", "10.0.0.7"], ["::ffff:169.254.169.254"], ["fe80::1%eth0"]):

        def resolve(host: str, port: int, answer: list[str] = answer) -> list[str]:
            return answer

        with pytest.raises(WebhookTargetRefused):
            resolve_checked(target, (), resolve)
