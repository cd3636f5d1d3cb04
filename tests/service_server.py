"""The service running for real (uvicorn on a loopback port, in a thread), for the tests that need a
socket: bodies the in-process client would read whole, concurrent requests, the browser."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from copydesk.service import ServiceOptions, create_app


@contextlib.contextmanager
def running_service(options: ServiceOptions) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT) while the service runs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(options), log_level="warning", limit_concurrency=options.max_connections)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
