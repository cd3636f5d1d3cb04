"""Limits against a running service: a huge body refused before it is read, a chunked one cut while it
streams, a page engineered to be slow stopped at the time limit while other requests are served, and a
full queue answered with 503 at once."""

from __future__ import annotations

import gzip
import json
import re
import socket
import threading
import time

import httpx
import pytest

from conftest import NEWS_PAGE
from copydesk.service import ServiceOptions
from service_server import running_service

MB = 1024 * 1024


def slow_page() -> bytes:
    """About 12 MB of small linked blocks (seconds of work), sent gzipped (~1.3 MB)."""
    units = "".join(f"<div class=c{i % 7}><p>word {i} and some more text</p><a href=/x{i}>link {i}</a></div>"
                    for i in range(140_000))
    return gzip.compress(f"<html><body>{units}</body></html>".encode(), 6)


def _response(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


@pytest.fixture(scope="module")
def service():
    with running_service(ServiceOptions(workers=2, max_body_bytes=2 * MB, extract_timeout=1.0)) as url:
        yield url


def test_declared_50_mb_body_is_refused_before_it_is_read(service):
    port = int(service.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\n"
                     b"Content-Length: 52428800\r\n\r\n" + b"<p>" + b"a" * 65536)
        # Only 64 kB of the 50 MB are ever sent: an answer at all means the server did not wait for the rest.
        status, body = _response(sock)
    assert status == 413
    assert body["error"]["code"] == "body_too_large"


def test_chunked_body_is_cut_once_it_passes_the_limit(service):
    port = int(service.rsplit(":", 1)[1])
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: text/html\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"<p>" + b"a" * (64 * 1024 - 3)
        try:
            while sent < 4 * MB:  # never the final zero-size chunk: the body never ends
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed while we were still sending
        status, body = _response(sock)
    assert status == 413
    assert "2097152 bytes" in body["error"]["message"]


def _in_progress(client: httpx.Client) -> float:
    text = client.get("/metrics").text
    return float(re.search(r"^copydesk_extractions_in_progress (\S+)$", text, re.M).group(1))


def test_slow_page_is_stopped_while_other_requests_are_served(service):
    news = NEWS_PAGE.read_bytes()
    slow_status = []

    def post_slow():
        with httpx.Client(base_url=service, timeout=60) as slow_client:
            response = slow_client.post("/v1/extract", content=slow_page(), headers={"content-type": "text/html"})
            slow_status.append((response.status_code, response.json()["error"]["code"]))

    slow = threading.Thread(target=post_slow)
    with httpx.Client(base_url=service, timeout=60) as client:
        slow.start()
        while _in_progress(client) < 1 and slow.is_alive():
            time.sleep(0.02)
        served_meanwhile = 0
        while slow.is_alive():
            response = client.post("/v1/extract", content=news, headers={"content-type": "text/html"})
            assert response.status_code == 200
            served_meanwhile += slow.is_alive()
        slow.join()
        assert slow_status == [(504, "extraction_timeout")]
        assert served_meanwhile >= 1
        # The killed worker is replaced and the service goes on at full strength.
        while client.get("/healthz").json()["workers"] < 2:
            time.sleep(0.05)
        assert client.post("/v1/extract", content=news, headers={"content-type": "text/html"}).status_code == 200
        metrics = client.get("/metrics").text
    assert re.search(r"^copydesk_worker_restarts_total 1\.0$", metrics, re.M)
    assert re.search(r'^copydesk_extractions_total\{outcome="timeout"\} 1\.0$', metrics, re.M)


def test_full_queue_is_503_at_once():
    options = ServiceOptions(workers=1, max_waiting=0, extract_timeout=1.0)
    with running_service(options) as url, httpx.Client(base_url=url, timeout=60) as client:
        slow = threading.Thread(target=lambda: httpx.post(f"{url}/v1/extract", content=slow_page(), timeout=60,
                                                          headers={"content-type": "text/html"}))
        slow.start()
        while _in_progress(client) < 1:
            time.sleep(0.02)
        busy = client.post("/v1/extract", content=b"<p>hello</p>", headers={"content-type": "text/html"})
        slow.join()
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.json()["error"]["code"] == "overloaded"
