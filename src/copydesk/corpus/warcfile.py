"""Write small WARC files (Common Crawl layout: one gzip member per record) for the bench and the tests.

Reading goes through fastwarc (`readers.py`); writing needs no library, the format is a header block
and a payload, and writing it here keeps the test fixtures independent of the reader under test.
"""

from __future__ import annotations

import gzip
import uuid
from datetime import UTC, datetime
from typing import BinaryIO


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


class WarcWriter:
    """Append records to an open binary file, each gzipped on its own (so readers can stream and seek)."""

    def __init__(self, stream: BinaryIO, compress: bool = True) -> None:
        self.stream = stream
        self.compress = compress

    def record(self, warc_type: str, block: bytes, url: str | None = None, content_type: str | None = None,
               record_id: str | None = None) -> str:
        """Write one record; returns its WARC-Record-ID."""
        record_id = record_id or new_record_id()
        headers = [("WARC-Type", warc_type), ("WARC-Record-ID", record_id),
                   ("WARC-Date", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))]
        if url:
            headers.append(("WARC-Target-URI", url))
        if content_type:
            headers.append(("Content-Type", content_type))
        headers.append(("Content-Length", str(len(block))))
        head = "WARC/1.0\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
        data = head.encode("utf-8") + block + b"\r\n\r\n"
        self.stream.write(gzip.compress(data, compresslevel=5) if self.compress else data)
        return record_id

    def response(self, url: str, body: bytes, mime: str = "text/html; charset=utf-8", status: int = 200) -> str:
        """An HTTP response record, as a crawler saves a fetched page."""
        http = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Other'}\r\nContent-Type: {mime}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body
        return self.record("response", http, url, "application/http; msgtype=response")

    def request(self, url: str) -> str:
        http = f"GET / HTTP/1.1\r\nHost: {url.split('/')[2] if '//' in url else url}\r\n\r\n".encode("ascii")
        return self.record("request", http, url, "application/http; msgtype=request")

    def conversion(self, url: str, text: str) -> str:
        """A WET record: the page's plain text."""
        return self.record("conversion", text.encode("utf-8"), url, "text/plain")

    def warcinfo(self, fields: str = "software: copydesk\r\n") -> str:
        return self.record("warcinfo", fields.encode("utf-8"), content_type="application/warc-fields")
