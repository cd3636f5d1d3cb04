"""Common Crawl WET files as text pages: `read_wet(path)` yields (record id, URL, text).

A WET file is a WARC file whose `conversion` records hold each crawled page's visible text, one
block per line, with the page's URL in `WARC-Target-URI`. The `warcinfo` record and any other
record type are skipped. Gzip (per-record, as Common Crawl writes it) is detected by FastWARC.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def read_wet(source: str | Path | BinaryIO) -> Iterator[tuple[str, str | None, str]]:
    """Each conversion record of a WET file (a path or a binary stream, gzip or plain) as
    (record id, target URL or None, text). Text is decoded as UTF-8, as WET files are written."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType  # imported here: only corpus runs need it

    stream = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
    try:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.conversion, parse_http=False):
            headers = record.headers
            text = record.reader.read().decode("utf-8", errors="replace")
            yield headers.get("WARC-Record-ID") or "", headers.get("WARC-Target-URI"), text
    finally:
        if stream is not source:
            stream.close()
