"""Every download from a URL someone else chose: a provider's take, a member's Discord attachment.

A take URL comes from a vendor's answer. Fetched blindly, it could make the bot read a service on its
own machine or network (127.0.0.1, 10.x, the cloud metadata address) and post whatever decodes as
audio in a public channel. So one policy decides for every such download: https only; never to a
loopback, private, link-local, multicast or otherwise non-public address, checked on the addresses DNS
returns and on the very address connected to (no DNS-rebinding gap), again on every redirect; at most
MAX_REDIRECTS hops; a size cap and a total time cap. Whatever the policy refuses fails at once and for
good: retrying a file:// link cannot help.

Tests serve takes from fakes on 127.0.0.1; `allowed_hosts` (DOWNLOAD_ALLOWED_HOSTS) names exactly those
host:port pairs, which may then be fetched over plain http. Every other address stays refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from domain.errors import ErrorKind, ProviderError, Reason
from providers.http import TooLarge, default_error

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
# A whole download, every redirect included; takes can be large, but not endless.
TOTAL_SECONDS = 600.0
# A stalled connection is given up on sooner (and may be retried: the next attempt may be quicker).
STALL_SECONDS = 60.0
CHUNK = 256 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden_class(address: IpAddress) -> str | None:
    """Why the bot may not connect to `address` (e.g. "loopback"), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 reaches 127.0.0.1; judge the IPv4 address inside.
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return forbidden_class(inner)
    # Most specific first: Python counts link-local, reserved and more as "private" too.
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    if not address.is_global:  # e.g. 100.64.0.0/10, carrier-grade NAT: somebody's internal network
        return "non-public"
    return None


class Refused(ProviderError):
    """The policy refused a URL or an address. Permanent: the same link fails the same way again."""

    def __init__(self, reason: Reason, detail: str, **params: object) -> None:
        super().__init__(ErrorKind.GENERATION_FAILED, reason, params=params, detail=detail)


@dataclass(frozen=True)
class DownloadPolicy:
    """Where a download may go and how much it may take. Pure checks, plus `fetch`."""

    # "host:port" pairs a test fake listens on; plain http and any address are allowed for exactly these.
    allowed_hosts: frozenset[str] = frozenset()
    max_redirects: int = MAX_REDIRECTS
    total_seconds: float = TOTAL_SECONDS
    stall_seconds: float = STALL_SECONDS

    @staticmethod
    def parse_hosts(value: str) -> frozenset[str]:
        """DOWNLOAD_ALLOWED_HOSTS: comma-separated host:port; raises ValueError on anything else."""
        hosts = set()
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            host, sep, port = item.rpartition(":")
            if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"{item!r} is not host:port")
            hosts.add(f"{host.strip('[]').lower()}:{int(port)}")
        return frozenset(hosts)

    @classmethod
    def from_setting(cls, value: str) -> DownloadPolicy:
        """The policy with DOWNLOAD_ALLOWED_HOSTS applied, warned about loudly since it is for tests."""
        allowed = cls.parse_hosts(value)
        if allowed:
            log.warning(
                "DOWNLOAD_ALLOWED_HOSTS is set: downloads may reach %s over http (test use only)",
                ", ".join(sorted(allowed)),
            )
        return cls(allowed_hosts=allowed)

    def exempt(self, host: str, port: int) -> bool:
        return f"{host.strip('[]').lower()}:{port}" in self.allowed_hosts

    def check_url(self, url: URL) -> None:
        """Scheme and, for a literal IP, the address. Hostnames are checked once resolved."""
        host = url.raw_host
        exempt = host is not None and url.port is not None and self.exempt(host, url.port)
        if url.scheme != "https" and not (url.scheme == "http" and exempt):
            raise Refused(Reason.DOWNLOAD_SCHEME, f"scheme {url.scheme or 'none'!r} refused: {_safe(url)}")
        if not host:
            raise Refused(Reason.DOWNLOAD_SCHEME, f"no host: {_safe(url)}")
        if exempt:
            return
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return
        self.check_address(host, url.port or 443, literal)

    def check_address(self, host: str, port: int, address: IpAddress) -> None:
        if self.exempt(host, port):
            return
        if why := forbidden_class(address):
            raise Refused(Reason.DOWNLOAD_ADDRESS, f"{host} resolves to a {why} address ({address})")

    async def fetch(self, url: str, dest: Path, *, max_bytes: int) -> int:
        """Stream `url` to `dest` under the policy; the number of bytes written."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        connector = aiohttp.TCPConnector(resolver=_PolicyResolver(self), use_dns_cache=False)
        timeout = aiohttp.ClientTimeout(sock_connect=self.stall_seconds, sock_read=self.stall_seconds)
        try:
            # The deadline shows inside as a cancellation, so a TimeoutError caught within is a stall.
            async with (
                asyncio.timeout(self.total_seconds),
                aiohttp.ClientSession(connector=connector, timeout=timeout) as session,
            ):
                try:
                    return await self._fetch(session, URL(url), part, dest, max_bytes)
                except (TimeoutError, aiohttp.ClientError) as exc:
                    raise _broke_off(exc) from exc
        except TimeoutError as exc:
            # Permanent: a link this slow now will be as slow on the next attempt.
            raise ProviderError(
                ErrorKind.GENERATION_FAILED,
                Reason.DOWNLOAD_TOO_SLOW,
                params={"limit": self.total_seconds},
                detail=f"over {self.total_seconds:g} s",
            ) from exc
        finally:
            part.unlink(missing_ok=True)

    async def _fetch(
        self, session: aiohttp.ClientSession, url: URL, part: Path, dest: Path, max_bytes: int
    ) -> int:
        for _hop in range(self.max_redirects + 1):
            self.check_url(url)
            async with session.get(url, allow_redirects=False) as resp:
                if resp.status in REDIRECTS and "Location" in resp.headers:
                    url = resp.url.join(URL(resp.headers["Location"]))
                    continue
                if resp.status in (401, 403, 410):
                    raise ProviderError(ErrorKind.EXPIRED, Reason.LINK_EXPIRED, status=resp.status)
                if resp.status >= 400:
                    raise default_error(resp.status, None, resp.headers)
                declared = resp.content_length
                if declared is not None and declared > max_bytes:
                    raise TooLarge(max_bytes, declared)
                size = 0
                with part.open("wb") as fh:
                    async for chunk in resp.content.iter_chunked(CHUNK):
                        size += len(chunk)
                        if size > max_bytes:
                            raise TooLarge(max_bytes)
                        fh.write(chunk)
            os.replace(part, dest)
            return size
        raise Refused(
            Reason.DOWNLOAD_REDIRECTS,
            f"more than {self.max_redirects} redirects from {_safe(url)}",
            limit=self.max_redirects,
        )


class _PolicyResolver(ThreadedResolver):
    """DNS through loop.getaddrinfo, every answer checked; aiohttp then connects to exactly these."""

    def __init__(self, policy: DownloadPolicy) -> None:
        super().__init__()
        self.policy = policy

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        for result in results:
            # A link-local IPv6 answer comes back with its %zone; the address is what is judged.
            self.policy.check_address(host, port, ipaddress.ip_address(result["host"].split("%")[0]))
        return results


def _broke_off(exc: BaseException) -> ProviderError:
    """A dropped or stalled connection: transient, the next attempt may get through."""
    return ProviderError(
        ErrorKind.UNAVAILABLE, Reason.DOWNLOAD_BROKE_OFF, detail=f"{type(exc).__name__}: {exc}"
    )


def _safe(url: URL) -> str:
    """A URL for the log: no query string (signed links carry tokens there), no credentials."""
    return str(url.with_query(None).with_fragment(None).with_user(None)) if url.absolute else "(relative)"


# Production's policy: no exceptions. The default wherever a policy is not passed in.
STRICT = DownloadPolicy()
