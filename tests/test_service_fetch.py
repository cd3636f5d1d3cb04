"""Fetching by URL: every forbidden address form refused before any connection, redirects vetted again,
the connection made to the vetted address, caps on redirects, bytes and content types. The pages come
from a small HTTP server on loopback that the test starts."""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from copydesk.service.errors import ServiceError
from copydesk.service.fetch import fetch_page, literal_address, refusal_reason, vetted_request
from copydesk.service.settings import FetchOptions

PAGE = b"<html><head><title>Local</title></head><body><article><h1>Local</h1><p>Served on loopback.</p></article>"
PUBLIC_ONLY = FetchOptions()
LOOPBACK_ONLY = FetchOptions(allow_networks=("127.0.0.1/32",), max_redirects=3, max_bytes=64 * 1024)


class _Handler(BaseHTTPRequestHandler):
    """Routes: /page, /png, /big (no length), /loop, /to?where=URL (302)."""

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.server.seen.append((self.path, self.headers.get("Host")))
        path, _, query = self.path.partition("?")
        if path == "/page":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif path == "/png":
            self._send(200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(512))
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>" + b"x" * 4096 + b"</p>")
        elif path in ("/loop", "/to"):
            self.send_response(302)
            self.send_header("Location", query.removeprefix("where=") if path == "/to" else "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.protocol_version = "HTTP/1.0"
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def base(server):
    server.seen.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


def fetch(url: str, options: FetchOptions = LOOPBACK_ONLY):
    async def run():
        async with httpx.AsyncClient(trust_env=False) as client:
            return await fetch_page(client, url, options)
    return asyncio.run(run())


def refused(url: str, options: FetchOptions = PUBLIC_ONLY) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        fetch(url, options)
    return caught.value


# Every way of writing a non-public address that a resolver or a browser accepts.
FORBIDDEN_HOSTS = [
    "127.0.0.1", "127.0.0.2", "localhost", "2130706433", "0x7f000001", "0x7f.1", "0x7f.0.0.1", "0177.0.0.1",
    "017700000001", "127.1", "127.0.1", "0", "0.0.0.0", "[::1]", "[::]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:127.0.0.1]", "10.0.0.1", "012.0.0.1", "172.16.0.1", "192.168.1.1", "0xc0.0xa8.1.1",
    "169.254.169.254", "2852039166", "[::ffff:169.254.169.254]", "100.64.0.1", "224.0.0.1", "239.255.255.250",
    "255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "[fe80::1]", "[fc00::1]", "[fd12:3456::1]",
    "[ff02::1]", "[2002:7f00:1::]", "[64:ff9b::7f00:1]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]", "[::127.0.0.1]",
    "127.0.0.1.",
]


@pytest.mark.parametrize("host", FORBIDDEN_HOSTS)
def test_forbidden_address_forms_are_refused_before_connecting(server, base, host):
    port = server.server_address[1]
    error = refused(f"http://{host}:{port}/page")
    assert error.status == 403 and error.code == "url_refused"
    assert server.seen == []


@pytest.mark.parametrize(("host", "address"), [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0xc0.0xa8.0x01.0x01", "192.168.1.1"), ("10.1", "10.0.0.1"), ("[::ffff:7f00:1]", "::ffff:7f00:1"),
    ("1.2.3", "1.2.0.3"),
])
def test_numeric_forms_read_as_a_resolver_would(host, address):
    assert literal_address(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", ["example.com", "0x7g.1", "1.2.3.4.5", "256.1.1.1", "08.1.1.1", "127.0.0.1x"])
def test_names_are_not_read_as_numbers(host):
    assert literal_address(host) is None


def test_public_addresses_pass_and_networks_can_be_allowed():
    assert refusal_reason(ipaddress.ip_address("93.184.215.14")) is None
    assert refusal_reason(ipaddress.ip_address("2606:4700::1111")) is None
    assert refusal_reason(ipaddress.ip_address("10.1.2.3")) == "a private address"
    assert refusal_reason(ipaddress.ip_address("10.1.2.3"), ("10.0.0.0/8",)) is None
    assert refusal_reason(ipaddress.ip_address("::ffff:10.1.2.3"), ("10.0.0.0/8",)) is None


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example/a", "gopher://x.example/",
                                 "javascript:alert(1)", "/relative/path", "http:///no-host"])
def test_only_http_and_https_urls_with_a_host(url):
    error = refused(url)
    assert error.status == 400


def test_allowed_network_is_fetched(base, server):
    fetched = fetch(f"{base}/page")
    assert fetched.content == PAGE
    assert fetched.content_type == "text/html"
    assert server.seen == [("/page", base.removeprefix("http://"))]


def test_redirects_are_followed_and_vetted_again(base, server):
    assert fetch(f"{base}/to?where=/page").url == f"{base}/page"
    for target in ("http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
                   "http://0x7f.0.0.2/", "file:///etc/passwd"):
        server.seen.clear()
        error = refused(f"{base}/to?where={target}", LOOPBACK_ONLY)
        assert error.status in (400, 403), target
        assert [path for path, _ in server.seen] == [f"/to?where={target}"]


def test_redirect_cap(base, server):
    error = refused(f"{base}/loop", LOOPBACK_ONLY)
    assert error.code == "too_many_redirects"
    assert len(server.seen) == LOOPBACK_ONLY.max_redirects + 1


def test_only_html_and_text_content_types(base):
    assert refused(f"{base}/png", LOOPBACK_ONLY).code == "unsupported_content_type"


def test_byte_cap_while_streaming(base):
    assert refused(f"{base}/big", LOOPBACK_ONLY).code == "page_too_large"


def test_upstream_errors_are_502(base):
    error = refused(f"{base}/missing", LOOPBACK_ONLY)
    assert error.status == 502 and "404" in error.message


def test_request_goes_to_the_vetted_address_with_the_name_kept():
    options = FetchOptions(allow_networks=("127.0.0.0/8", "::1/128"))

    async def build(url):
        async with httpx.AsyncClient() as client:
            return await vetted_request(client, url, options)

    request = asyncio.run(build("https://localhost:8443/a?b=1"))
    assert ipaddress.ip_address(request.url.host).is_loopback
    assert request.headers["host"] == "localhost:8443"
    assert request.extensions["sni_hostname"] == "localhost"
    assert request.url.path == "/a" and request.url.query == b"b=1"
