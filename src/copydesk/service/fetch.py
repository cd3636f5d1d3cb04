"""Fetching a page by URL without letting the URL reach inside the network (SSRF).

Every hop goes through the same steps: the scheme must be http or https; the host is read as an
address the way a C resolver would (so `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` are all
127.0.0.1), or else resolved once; every address it resolves to must be public (or inside
`FetchOptions.allow_networks`); and the connection is made to that vetted address, not to the name.
The request goes to `scheme://<vetted ip>:port/path` with the original `Host` header and, for https,
the original name as the TLS server name (httpx's `sni_hostname` extension), so the certificate is still
checked against the name while a second DNS answer (rebinding) can never be used. Redirects are not
followed by httpx: each Location is vetted again as a new hop. The whole fetch has one deadline, the
body is counted while it streams in, and only HTML and text content types are accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from .errors import ServiceError
from .settings import FetchOptions

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    content: bytes
    content_type: str


def refused(status: int, message: str) -> ServiceError:
    return ServiceError(status, "url_refused", message)


async def fetch_page(client: httpx.AsyncClient, url: str, options: FetchOptions) -> Fetched:
    """The page at `url`, or a ServiceError (4xx for a URL the service will not fetch, 502/504 upstream)."""
    try:
        async with asyncio.timeout(options.timeout):
            return await _follow(client, url, options)
    except TimeoutError:
        raise ServiceError(504, "fetch_timeout", f"fetching {url} took longer than {options.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise ServiceError(502, "fetch_failed", f"fetching {url} failed: {exc or type(exc).__name__}") from None


async def _follow(client: httpx.AsyncClient, url: str, options: FetchOptions) -> Fetched:
    for _ in range(options.max_redirects + 1):
        request = await vetted_request(client, url, options)
        response = await client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            return await _read(response, url, options)
        finally:
            await response.aclose()
    raise ServiceError(502, "too_many_redirects", f"more than {options.max_redirects} redirects")


async def vetted_request(client: httpx.AsyncClient, url: str, options: FetchOptions) -> httpx.Request:
    """A GET request for `url` aimed at a vetted address of its host (see the module's docstring)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise refused(400, f"only http and https URLs are fetched, not {parts.scheme or 'a relative URL'!r}")
    if not parts.hostname:
        raise refused(400, f"the URL {url!r} has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise refused(400, f"the URL {url!r} has an invalid port") from None
    address = await vetted_address(parts.hostname, port, options)
    target = httpx.URL(url).copy_with(host=str(address))
    headers = {"Host": parts.netloc.rpartition("@")[2], "User-Agent": options.user_agent,
               "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8"}
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return client.build_request("GET", target, headers=headers, extensions=extensions)


async def vetted_address(host: str, port: int, options: FetchOptions) -> IPAddress:
    """The address to connect to for `host`; refused (403) when any address it names is not allowed."""
    literal = literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        addresses = await _resolve(host, port)
    for address in addresses:
        reason = refusal_reason(address, options.allow_networks)
        if reason:
            raise refused(403, f"{host} is {reason} ({address}); the service only fetches public addresses")
    return addresses[0]


async def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ServiceError(502, "fetch_failed", f"the host {host} could not be resolved") from None
    # A scoped IPv6 answer ("fe80::1%eth0") loses its scope: the address alone decides.
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def literal_address(host: str) -> IPAddress | None:
    """`host` as an IP address when it is one in any notation a resolver accepts, else None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return loose_ipv4(host)


def loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The inet_aton reading of `host`: one to four parts, each decimal, octal (leading 0) or hex (0x),
    the last part filling the remaining bytes (`127.1` = 127.0.0.1, `2130706433` = 127.0.0.1)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_c_number(part) for part in parts]
    if any(number is None for number in numbers):
        return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for number in leading:
        value = value * 256 + number
    return ipaddress.IPv4Address(value * 256 ** (5 - len(numbers)) + last)


def _c_number(text: str) -> int | None:
    lowered = text.lower()
    try:
        if lowered.startswith("0x"):
            return int(lowered[2:] or "0", 16)
        if len(lowered) > 1 and lowered.startswith("0"):
            return int(lowered[1:], 8)
        return int(lowered, 10) if lowered.isdigit() else None
    except ValueError:
        return None


def refusal_reason(address: IPAddress, allow_networks: tuple[str, ...] = ()) -> str | None:
    """Why the fetcher must not connect to `address` (None when it may). IPv6 forms that carry an IPv4
    address (mapped, 6to4, Teredo, NAT64) are judged by the IPv4 address too."""
    candidates = [address, *_embedded_ipv4(address)]
    allowed = [ipaddress.ip_network(block, strict=False) for block in allow_networks]
    if any(candidate in network for candidate in candidates for network in allowed
           if candidate.version == network.version):
        return None
    for candidate in candidates:
        reason = _kind(candidate)
        if reason:
            return reason
    return None


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    if address.version == 4:
        return []
    embedded = [address.ipv4_mapped, address.sixtofour, address.teredo[1] if address.teredo else None]
    if address in _NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [candidate for candidate in embedded if candidate is not None]


def _kind(address: IPAddress) -> str | None:
    checks = (
        ("unspecified", address.is_unspecified), ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local), ("a multicast address", address.is_multicast),
        ("a private address", address.is_private), ("a reserved address", address.is_reserved),
        ("not a public address", not address.is_global),
    )
    return next((reason for reason, matches in checks if matches), None)


async def _read(response: httpx.Response, url: str, options: FetchOptions) -> Fetched:
    if not 200 <= response.status_code < 300:
        raise ServiceError(502, "fetch_failed", f"{url} answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in ACCEPTED_TYPES:
        raise ServiceError(502, "unsupported_content_type",
                           f"{url} is {content_type}, not an HTML or text page")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > options.max_bytes:
        raise _too_big(url, options)
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > options.max_bytes:
            raise _too_big(url, options)
        chunks.append(chunk)
    return Fetched(url, b"".join(chunks), content_type or "text/html")


def _too_big(url: str, options: FetchOptions) -> ServiceError:
    return ServiceError(502, "page_too_large",
                        f"{url} is larger than the {options.max_bytes} bytes the service fetches")
