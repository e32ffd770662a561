"""Which network addresses a dataset source may reach: public ones, plus what the operator allows.

A URL source is a request the bot makes on a user's behalf from inside the operator's network, so it must not
reach the machine itself, the cloud metadata service (169.254.169.254) or private hosts. Every address a host
name resolves to is checked, IPv4 addresses hidden in IPv6 ones (::ffff:10.0.0.1, 6to4, NAT64) included; the
connection is then made to the address that was checked, so a second DNS answer cannot swap it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from bot.digests.source_errors import SourceError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
"""`(host, port) -> addresses as text`; the default asks the system resolver (getaddrinfo)."""

ALLOW_SETTING = "SEGBOT_SOURCE_ALLOWED_HOSTS"


class HostLookupError(SourceError):
    """The host name of a source could not be resolved (in time)."""


# IANA special-purpose ranges (RFC 6890 and successors) by what to call them in a message. `ipaddress`'s own
# is_global is checked as well; this list keeps the answer the same on every Python 3.11+ patch release.
_SPECIAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("a loopback address (this machine)", ("127.0.0.0/8", "::1/128")),
    ("a private address", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")),
    ("a link-local address", ("169.254.0.0/16", "fe80::/10")),
    ("a multicast address", ("224.0.0.0/4", "ff00::/8")),
    (
        "a reserved address",
        (
            "0.0.0.0/8", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "240.0.0.0/4", "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
            "3fff::/20", "5f00::/16", "fec0::/10",
        ),
    ),
)  # fmt: skip
_NETWORKS = tuple((kind, ipaddress.ip_network(net)) for kind, nets in _SPECIAL for net in nets)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, 6to4, Teredo client, NAT64), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address: IPAddress) -> str | None:
    """What makes `address` off limits ("a private address", ...), or None for a public address."""
    inner = embedded_ipv4(address)
    if inner is not None and (kind := address_kind(inner)) is not None:
        return kind
    for kind, network in _NETWORKS:
        if address.version == network.version and address in network:
            return kind
    if not address.is_global:
        return "an address that is not publicly routable"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses, plus the host names and networks of SEGBOT_SOURCE_ALLOWED_HOSTS."""

    allowed_names: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    @classmethod
    def from_setting(cls, entries: Iterable[str], resolver: Resolver = system_resolver) -> AddressPolicy:
        """Entries are host names (any address they resolve to is allowed), IP addresses or CIDR networks."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                names.add(entry.lower().rstrip("."))
        return cls(frozenset(names), tuple(networks), resolver)

    def checked_addresses(self, host: str, port: int, *, shown: str, timeout: float) -> list[str]:
        """The addresses `host` resolves to, all of them allowed; a `SourceError` when any is not."""
        literal = _literal(host)
        addresses = [host.strip("[]")] if literal is not None else self._resolve(host, port, shown, timeout)
        if host.lower().rstrip(".") in self.allowed_names:
            return addresses
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            kind = address_kind(address)
            if kind is not None and not self._allows(address):
                via = "" if literal is not None else f"{host} resolves to "
                raise SourceError(
                    f"{shown} is not fetched: {via}{text}, {kind}. Segbot only fetches sources on public "
                    f"addresses; an operator can allow an internal host with {ALLOW_SETTING}."
                )
        return addresses

    def _allows(self, address: IPAddress) -> bool:
        inner = embedded_ipv4(address)
        return any(address in network or (inner is not None and inner in network) for network in self.allowed_networks)

    def _resolve(self, host: str, port: int, shown: str, timeout: float) -> list[str]:
        # getaddrinfo has no timeout of its own: wait for it in a worker thread for the time that is left.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="segbot-resolve")
        try:
            addresses = pool.submit(self.resolver, host, port).result(timeout=max(timeout, 0.001))
        except FutureTimeout as error:
            raise HostLookupError(f"Looking up {host} for {shown} took too long; check the address.") from error
        except (OSError, UnicodeError) as error:
            raise HostLookupError(f"Could not find the host {host} of {shown}; check the address.") from error
        finally:
            pool.shutdown(wait=False)
        if not addresses:
            raise HostLookupError(f"Could not find the host {host} of {shown}; check the address.")
        return addresses


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
