"""Webhook targets: every spelling of an internal address or name is refused, public ones are taken."""

from __future__ import annotations

import ipaddress

import pytest

from sync.errors import WebhookTargetRefused
from sync.feed.targets import check_url, embedded_ipv4, literal_address, parse_networks, resolve_checked

# (url, a word the refusal must name)
REFUSED = [
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://LOCALHOST./hook", "loopback"),
    ("http://api.localhost/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://0/hook", "unspecified"),
    ("http://[::]/hook", "unspecified"),
    ("http://0177.0.0.1/hook", "loopback"),
    ("http://2130706433/hook", "loopback"),
    ("http://0x7f.1/hook", "loopback"),
    ("http://0x7f000001/hook", "loopback"),
    ("http://127.1/hook", "loopback"),
    ("http://127.0.1/hook", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://0251.0376.0251.0376/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fd00:ec2::254]/", "unique-local"),
    ("http://[fc00::1]/", "unique-local"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::ffff:7f00:1]/", "loopback"),
    ("http://[::127.0.0.1]/", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[2002:7f00:1::]/", "loopback"),
    ("http://[64:ff9b::10.0.0.1]/", "private"),
    ("http://10.0.0.5/", "private"),
    ("http://172.16.3.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://100.64.0.1/", "shared"),
    ("http://100.100.100.200/latest/meta-data/", "shared"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),
    ("http://192.0.2.1/", "private"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://METADATA.Google.Internal./", "metadata"),
    ("http://metadata/", "metadata"),
    ("http://metadata。google。internal/", "metadata"),
    ("http://instance-data/latest/", "metadata"),
    ("http://user@example.com/hook", "user"),
    ("http://user:pw@example.com/hook", "user"),
    ("http://example.com@127.0.0.1/hook", "user"),
    ("http://example.com/hook\r\nX-Injected: 1", "control"),
    ("http://example.com/ho ok", "control"),
    ("http://example.com/\thook", "control"),
    ("http://exa\x00mple.com/", "control"),
    ("ftp://example.com/", "http"),
    ("file:///etc/passwd", "http"),
    ("gopher://127.0.0.1:25/", "http"),
    ("http:///hook", "http"),
    ("http://127.0.0.1:99999/", "well-formed"),
    ("http://metadata%2Egoogle%2Einternal/", "percent"),
]


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
