"""The service's settings: one frozen, typed object built once (by `copydesk serve` or a test) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..options import DEFAULT_OPTIONS, Options

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How the service fetches a page given by URL.

    Attributes:
        allow_networks: CIDR blocks the fetcher may reach although they are not public (loopback,
            private, link-local, ...), e.g. ("10.0.0.0/8",) for an intranet. Empty: public addresses only.
        max_redirects: redirects followed before giving up (each one vetted again).
        max_bytes: the page's size cap, counted on the decoded body while it streams in.
        timeout: seconds for the whole fetch, redirects included.
        user_agent: sent with every request.
    """

    allow_networks: tuple[str, ...] = ()
    max_redirects: int = 5
    max_bytes: int = 10 * MB
    timeout: float = 15.0
    user_agent: str = "copydesk (+https://pypi.org/project/copydesk/)"


@dataclass(frozen=True, slots=True)
class ServiceOptions:
    """How `copydesk serve` behaves. Every limit a hostile client could push against is here.

    Attributes:
        host, port: where to listen.
        max_body_bytes: largest request body; larger ones get 413 before the body is read (declared
            Content-Length) or as soon as the count passes it (chunked bodies).
        workers: extraction processes; also the number of extractions running at once.
        max_waiting: extractions allowed to wait for a free worker; more get 503 at once.
        wait_timeout: seconds an extraction may wait for a worker before 503.
        extract_timeout: seconds one extraction may run; then its worker process is killed (504).
        max_batch: items in one batch request.
        max_connections: open connections the HTTP server accepts; more get 503 from uvicorn.
        extract: the extraction options every worker uses.
        fetch: how pages given by URL are fetched.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 20 * MB
    workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    max_waiting: int = 256
    wait_timeout: float = 60.0
    extract_timeout: float = 10.0
    max_batch: int = 32
    max_connections: int = 1024
    extract: Options = DEFAULT_OPTIONS
    fetch: FetchOptions = field(default_factory=FetchOptions)
