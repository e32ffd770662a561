"""URL sources cannot be turned against the host: HTTPS only, checked addresses, redirects, credentials, deadline.

Every server here is a local HTTPS server on 127.0.0.0/8 started by the test. Private and metadata addresses come
from a stub resolver or from literal URLs, and a guard fails the test if anything tries to connect outside
127.0.0.0/8: refusals happen before any connection.
"""

from __future__ import annotations

import base64
import ipaddress
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.digests.addresses import AddressPolicy, address_kind
from bot.digests.sources import SourceError, check_url, pull
from bot.settings import Settings
from bot.storage.datasets import SourceSpec
from tests.digests.helpers import digest_settings
from tests.digests.https_servers import Answer, HTTPSServer, LocalCA, make_ca, stub_resolver

CSV = b"age,country\n30,DE\n40,FR\n"
PRIVATE_TARGETS = [
    "169.254.169.254",
    "10.0.0.1",
    "192.168.1.1",
    "172.16.5.4",
    "100.64.0.1",
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "224.0.0.251",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:127.0.0.1",
    "64:ff9b::a00:1",
    "2002:a9fe:a9fe::1",
    "2001:db8::1",
]


@pytest.fixture(autouse=True)
def only_loopback_connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Fails the test on any connection outside 127.0.0.0/8 (refusals must come before connecting)."""
    made: list[tuple[str, int]] = []
    real = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if not ipaddress.ip_address(address[0]).is_loopback:
            pytest.fail(f"a source tried to connect to {address}")
        made.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return made


@pytest.fixture(scope="session")
def local_ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def server(local_ca: LocalCA) -> Iterator[HTTPSServer]:
    running = HTTPSServer(local_ca)
    yield running
    running.stop()


@pytest.fixture
def other_host(local_ca: LocalCA) -> Iterator[HTTPSServer]:
    running = HTTPSServer(local_ca, host="127.0.0.2")
    yield running
    running.stop()


def _settings(ca: LocalCA | None, allowed: str = "127.0.0.1", **overrides: Any) -> Settings:
    values: dict[str, Any] = {"SEGBOT_SOURCE_ALLOWED_HOSTS": allowed, "SEGBOT_SOURCE_TIMEOUT": 10, **overrides}
    if ca is not None:
        values["SEGBOT_SOURCE_CA_FILE"] = str(ca.ca_file)
    return digest_settings("sqlite://", "http://127.0.0.1:9/api/", **values)


def _pull(url: str, settings: Settings, resolver: Any = None) -> bytes:
    kwargs = {"resolver": resolver} if resolver is not None else {}
    data = pull(SourceSpec("url", url), settings, **kwargs).data
    assert isinstance(data, bytes)
    return data


def test_an_https_source_on_an_allowed_host_is_downloaded_with_basic_auth(
    server: HTTPSServer, local_ca: LocalCA
) -> None:
    server.answers["/exports/newsletter.csv"] = Answer(body=CSV)
    pulled = pull(
        SourceSpec("url", server.url("/exports/newsletter.csv", credentials="ann:s%40cret@")), _settings(local_ca)
    )
    assert pulled.data == CSV and pulled.file_name == "newsletter.csv"
    assert server.seen[0].authorization == "Basic " + base64.b64encode(b"ann:s@cret").decode()


def test_only_https_is_accepted_even_for_this_machine(local_ca: LocalCA) -> None:
    settings = _settings(local_ca)
    for refused in (
        "http://127.0.0.1:8000/a.csv",
        "http://data.example.com/a.csv",
        "ftp://x/a.csv",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "https:///a.csv",
        "https://x:99999/a.csv",
    ):
        with pytest.raises(SourceError, match=r"is not (an HTTPS|a valid) URL"):
            check_url(refused, settings)
        with pytest.raises(SourceError, match=r"is not (an HTTPS|a valid) URL"):
            _pull(refused, settings)


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_private_loopback_link_local_multicast_and_reserved_literals_are_refused(target: str) -> None:
    host = f"[{target}]" if ":" in target else target
    url = f"https://user:pw@{host}/latest/meta-data/iam/a.csv"
    for call in (check_url, _pull):
        with pytest.raises(SourceError) as raised:
            call(url, _settings(None, allowed=""))
        message = str(raised.value)
        assert "is not fetched" in message and "SEGBOT_SOURCE_ALLOWED_HOSTS" in message
        assert "pw" not in message


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_a_name_resolving_to_a_private_address_is_refused_at_save_and_at_pull(target: str) -> None:
    resolver = stub_resolver({"data.example.com": ["93.184.215.14", target]})
    url = "https://data.example.com/a.csv"
    with pytest.raises(SourceError, match=rf"data\.example\.com resolves to {re.escape(target)}, a"):
        check_url(url, _settings(None, allowed=""), resolver=resolver)
    with pytest.raises(SourceError, match="is not fetched"):
        _pull(url, _settings(None, allowed=""), resolver)


def test_the_address_is_checked_again_at_every_pull_and_the_connection_uses_the_checked_one(
    server: HTTPSServer, local_ca: LocalCA, only_loopback_connections: list[tuple[str, int]]
) -> None:
    server.answers["/a.csv"] = Answer(body=CSV)
    url = f"https://files.test:{server.port}/a.csv"
    answers = {"files.test": ["93.184.215.14"]}
    resolver = stub_resolver(answers)
    assert check_url(url, _settings(local_ca), resolver=resolver) == url  # public when saved
    answers["files.test"] = ["169.254.169.254"]  # DNS changes afterwards
    with pytest.raises(SourceError, match=r"files\.test resolves to 169\.254\.169\.254, a link-local address"):
        _pull(url, _settings(local_ca), resolver)
    # files.test exists only in the stub: the download works because the connection goes to the checked
    # address (the certificate is still verified against the name), and the name is looked up once.
    answers["files.test"] = ["127.0.0.1"]
    resolver.calls.clear()  # type: ignore[attr-defined]
    assert _pull(url, _settings(local_ca), resolver) == CSV
    assert resolver.calls == ["files.test"]  # type: ignore[attr-defined]
    assert only_loopback_connections[-1] == ("127.0.0.1", server.port)
    assert server.seen[-1].host == f"files.test:{server.port}"


def test_the_allow_list_takes_names_addresses_and_networks() -> None:
    policy = AddressPolicy.from_setting(
        ["data.internal", " 10.1.0.0/16", "fd12::/16", "192.168.7.7", ""],
        stub_resolver({"data.internal": ["10.9.9.9"], "crm.corp": ["10.1.2.3"], "nas.corp": ["192.168.7.8"]}),
    )
    assert policy.checked_addresses("data.internal", 443, shown="x", timeout=1) == ["10.9.9.9"]
    assert policy.checked_addresses("crm.corp", 443, shown="x", timeout=1) == ["10.1.2.3"]
    assert policy.checked_addresses("[fd12::5]", 443, shown="x", timeout=1) == ["fd12::5"]
    assert policy.checked_addresses("192.168.7.7", 443, shown="x", timeout=1) == ["192.168.7.7"]
    with pytest.raises(SourceError, match=r"nas\.corp resolves to 192\.168\.7\.8, a private address"):
        policy.checked_addresses("nas.corp", 443, shown="x", timeout=1)
    with pytest.raises(SourceError, match=r"10\.2\.0\.1, a private address"):
        policy.checked_addresses("10.2.0.1", 443, shown="x", timeout=1)


def test_public_addresses_pass_and_embedded_private_ones_do_not() -> None:
    for public in ("93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"):
        assert address_kind(ipaddress.ip_address(public)) is None, public
    for private in PRIVATE_TARGETS:
        assert address_kind(ipaddress.ip_address(private)) is not None, private


def test_redirects_are_followed_on_https_and_rechecked_hop_by_hop(server: HTTPSServer, local_ca: LocalCA) -> None:
    server.answers["/old.csv"] = Answer(301, headers={"Location": "/new.csv"})
    server.answers["/new.csv"] = Answer(body=CSV)
    assert _pull(server.url("/old.csv"), _settings(local_ca)) == CSV
    resolver = stub_resolver({"metadata.test": ["169.254.169.254"], "inside.test": ["::ffff:10.0.0.1"]})
    refusals = {
        "https://169.254.169.254/latest/meta-data/": "169.254.169.254, a link-local address",
        "https://metadata.test/latest/": "metadata.test resolves to 169.254.169.254",
        "https://inside.test/a.csv": "inside.test resolves to ::ffff:10.0.0.1, a private address",
        "https://[fd00::1]/a.csv": "fd00::1, a private address",
        "https://127.0.0.2/a.csv": "127.0.0.2, a loopback address",
        f"http://127.0.0.1:{server.port}/new.csv": "redirected to a http:// address",
        "ftp://127.0.0.1/a.csv": "redirected to a ftp:// address",
        "file:///etc/passwd": "redirected to a file:// address",
    }
    for location, expected in refusals.items():
        server.answers["/hop.csv"] = Answer(302, headers={"Location": location})
        with pytest.raises(SourceError, match=re.escape(expected)):
            _pull(server.url("/hop.csv"), _settings(local_ca), resolver)
    server.answers["/loop.csv"] = Answer(302, headers={"Location": "/loop.csv"})
    with pytest.raises(SourceError, match="redirected more than 5 times"):
        _pull(server.url("/loop.csv"), _settings(local_ca))


def test_credentials_go_only_to_the_host_and_port_they_were_given_for(
    server: HTTPSServer, other_host: HTTPSServer, local_ca: LocalCA
) -> None:
    other_host.answers["/b.csv"] = Answer(body=CSV)
    server.answers["/same.csv"] = Answer(307, headers={"Location": "/b.csv"})
    server.answers["/b.csv"] = Answer(body=CSV)
    server.answers["/away.csv"] = Answer(302, headers={"Location": other_host.url("/b.csv", credentials="x:y@")})
    settings = _settings(local_ca, allowed="127.0.0.0/8")
    assert _pull(server.url("/same.csv", credentials="ann:hunter2@"), settings) == CSV
    assert [s.authorization is not None for s in server.seen] == [True, True]
    assert _pull(server.url("/away.csv", credentials="ann:hunter2@"), settings) == CSV
    assert server.seen[-1].authorization is not None
    assert other_host.seen[-1].authorization is None  # another host: no credentials, not even the Location's
    # Same host name, another port: another origin too.
    third = HTTPSServer(local_ca)
    try:
        third.answers["/c.csv"] = Answer(body=CSV)
        server.answers["/port.csv"] = Answer(302, headers={"Location": third.url("/c.csv")})
        assert _pull(server.url("/port.csv", credentials="ann:hunter2@"), settings) == CSV
        assert third.seen[-1].authorization is None
    finally:
        third.stop()


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_server_dripping_bytes_is_cut_off_at_the_total_deadline(
    server: HTTPSServer, local_ca: LocalCA, in_headers: bool
) -> None:
    # Each byte comes well within the per-read wait a per-read timeout would allow; only a total deadline stops it.
    server.answers["/slow.csv"] = Answer(body=CSV * 50, drip=0.25, drip_headers=in_headers)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"did not send the whole file within 1\.5 s \(SEGBOT_SOURCE_TIMEOUT\)"):
        _pull(server.url("/slow.csv"), _settings(local_ca, SEGBOT_SOURCE_TIMEOUT=1.5))
    assert time.monotonic() - started < 3.0


def test_the_size_cap_holds_with_and_without_a_content_length(server: HTTPSServer, local_ca: LocalCA) -> None:
    settings = _settings(local_ca, SEGBOT_SOURCE_MAX_MB=0.01)
    server.answers["/declared.csv"] = Answer(body=b"x" * 20_000)
    server.answers["/chunked.csv"] = Answer(body=b"x" * 20_000, chunked=True)
    for path in ("/declared.csv", "/chunked.csv"):
        with pytest.raises(SourceError, match=r"larger than the 0\.01 MB limit \(SEGBOT_SOURCE_MAX_MB\)"):
            _pull(server.url(path), settings)
    server.answers["/small.csv"] = Answer(body=b"a,b\n" * 100, chunked=True)
    assert _pull(server.url("/small.csv"), settings) == b"a,b\n" * 100


def test_failures_are_one_sentence_without_the_password(server: HTTPSServer, local_ca: LocalCA) -> None:
    url = server.url("/missing.csv", credentials="ann:hunter2@") + "?token=abc"
    with pytest.raises(SourceError) as raised:
        _pull(url, _settings(local_ca))
    assert "HTTP 404" in str(raised.value)
    assert "hunter2" not in str(raised.value) and "abc" not in str(raised.value)
    server.answers["/page"] = Answer(body=b"<html>sign in</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(SourceError, match="returned a web page"):
        _pull(server.url("/page"), _settings(local_ca))


def test_an_untrusted_certificate_is_refused_and_names_the_ca_setting(server: HTTPSServer) -> None:
    server.answers["/a.csv"] = Answer(body=CSV)
    with pytest.raises(SourceError, match=r"certificate of 127\.0\.0\.1 could not be verified .*SEGBOT_SOURCE_CA_FILE"):
        _pull(server.url("/a.csv"), _settings(None))


def test_a_bad_ca_file_setting_is_one_sentence(server: HTTPSServer, tmp_path: Path) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(Exception, match=r"SEGBOT_SOURCE_CA_FILE=.* is not a readable PEM file"):
        _pull(server.url("/a.csv"), _settings(None, SEGBOT_SOURCE_CA_FILE=str(bogus)))
