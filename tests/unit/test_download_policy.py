"""The download policy's pure checks: which URLs and addresses a take or attachment download may reach."""

from __future__ import annotations

import ipaddress

import pytest
from yarl import URL

from domain.errors import ErrorKind, ProviderError, Reason
from domain.tracking import Note
from engine.downloads import DownloadPolicy, TooLarge, forbidden_class
from face import texts
from tests.wording import spoken

FORBIDDEN = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.20": "private",
    "fc00::5": "private",
    "169.254.169.254": "link-local",  # the cloud metadata service
    "fe80::1": "link-local",
    "224.0.0.251": "multicast",
    "ff02::1": "multicast",
    "240.0.0.1": "reserved",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "::ffff:127.0.0.1": "loopback",  # IPv4-mapped IPv6 reaches the IPv4 address inside
    "::ffff:10.0.0.7": "private",
    "2002:7f00:1::": "loopback",  # 6to4 wrapping 127.0.0.1
    "100.64.0.1": "non-public",  # carrier-grade NAT
}


@pytest.mark.parametrize(("address", "why"), FORBIDDEN.items())
def test_every_non_public_address_class_is_refused(address: str, why: str):
    assert forbidden_class(ipaddress.ip_address(address)) == why
    with pytest.raises(ProviderError) as refused:
        DownloadPolicy().check_address("cdn.example", 443, ipaddress.ip_address(address))
    assert refused.value.reason == Reason.DOWNLOAD_ADDRESS and not refused.value.transient


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str):
    assert forbidden_class(ipaddress.ip_address(address)) is None
    DownloadPolicy().check_address("cdn.example", 443, ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://files.example/take.mp3",
        "data:audio/mpeg;base64,SUQz",
        "gopher://cdn.example/take.mp3",
        "http://cdn.example/take.mp3",  # plain http: anyone on the path could swap the take
        "/relative/take.mp3",
    ],
)
def test_anything_but_https_is_refused_for_good(url: str):
    with pytest.raises(ProviderError) as refused:
        DownloadPolicy().check_url(URL(url))
    assert refused.value.reason == Reason.DOWNLOAD_SCHEME and not refused.value.transient


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1/x", "https://[::1]:8443/x", "https://[::ffff:127.0.0.1]/x", "https://10.0.0.1/x"],
)
def test_a_literal_forbidden_address_is_refused_before_any_connection(url: str):
    with pytest.raises(ProviderError) as refused:
        DownloadPolicy().check_url(URL(url))
    assert refused.value.reason == Reason.DOWNLOAD_ADDRESS


def test_https_to_a_hostname_passes_the_url_check():
    DownloadPolicy().check_url(URL("https://cdn.example.com/take.mp3?token=abc"))


def test_allowed_hosts_open_exactly_those_host_port_pairs_and_nothing_else():
    policy = DownloadPolicy(allowed_hosts=DownloadPolicy.parse_hosts(" 127.0.0.1:8081, localhost:9000 "))
    assert policy.allowed_hosts == {"127.0.0.1:8081", "localhost:9000"}
    policy.check_url(URL("http://127.0.0.1:8081/take.mp3"))
    policy.check_url(URL("http://localhost:9000/take.mp3"))
    policy.check_address("127.0.0.1", 8081, ipaddress.ip_address("127.0.0.1"))
    for url in (
        "http://127.0.0.1:8082/x",
        "https://127.0.0.1:8082/x",
        "http://10.0.0.1:8081/x",
        "http://cdn.example/x",
    ):
        with pytest.raises(ProviderError):
            policy.check_url(URL(url))
    with pytest.raises(ProviderError):
        policy.check_address("127.0.0.1", 8082, ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(ProviderError):
        policy.check_url(URL("file://127.0.0.1:8081/etc/passwd"))


@pytest.mark.parametrize("value", ["127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:http", "127.0.0.1:70000"])
def test_malformed_allowed_hosts_are_an_error(value: str):
    with pytest.raises(ValueError):
        DownloadPolicy.parse_hosts(value)


def test_an_empty_setting_allows_nothing_extra():
    assert DownloadPolicy.from_setting("") == DownloadPolicy()


def test_a_refused_take_is_worded_in_the_note_the_member_reads():
    """The reason codes travel up as codes; face/texts.py words them, naming no address."""
    with pytest.raises(ProviderError) as refused:
        DownloadPolicy().check_url(URL("https://10.0.0.1/take.mp3"))
    error = refused.value
    note = Note(
        reason=Reason.TAKE_NOT_DOWNLOADED,
        params={"kind": error.kind.value, "cause": error.reason, **error.params, "index": 2},
    )
    assert texts.note(note, "MusicGPT") == (
        "Take 2 could not be downloaded: The download link points somewhere the bot does not download from."
    )
    assert spoken(TooLarge(200 * 1024 * 1024), "MusicGPT") == "The file is larger than 200 MB."
    slow = ProviderError(ErrorKind.GENERATION_FAILED, Reason.DOWNLOAD_TOO_SLOW, params={"limit": 600.0})
    assert spoken(slow, "MusicGPT") == "The download took longer than 10:00, so I gave up on it."
