"""The client's address: the peer, or what a trusted proxy says the client was.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only when the
peer is a proxy named in TRUSTED_PROXIES, and then only up to the first hop that is not
one: each trusted proxy appends the address it saw, so reading from the right stops at
the first address no trusted proxy vouches for. Trusting it blindly would let any client
pick a fresh address per request and escape every per-address limit.
"""

from collections.abc import Iterable, Sequence
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network

#: Where the ASGI server gives no peer (some test transports).
UNKNOWN_CLIENT = "unknown"


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """`TRUSTED_PROXIES` entries ("10.0.0.1", "10.0.0.0/8", "::1") as networks."""
    return tuple(ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _is_trusted(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ip_address(address)
    except ValueError:
        return False
    return True


def client_address(
    peer: tuple[str, int] | Sequence[object] | None,
    forwarded_for: str | None,
    proxies: Sequence[str],
) -> str:
    host = str(peer[0]) if peer else UNKNOWN_CLIENT
    networks = trusted_networks(tuple(proxies))
    if not forwarded_for or not _is_trusted(host, networks):
        return host
    for hop in reversed([hop.strip() for hop in forwarded_for.split(",")]):
        if not _is_trusted(hop, networks):
            # A trusted proxy wrote it; still, only an address is a usable key.
            return hop if _valid(hop) else host
    return host
