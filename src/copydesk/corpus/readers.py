"""Inputs, streamed: WARC/WET files, folders of .html(.gz) pages and JSONL files become tasks or skip rows.

Nothing here holds more than one record's payload: a WARC is read record by record, a folder file by file,
a JSONL file line by line. Records that are not pages (request, metadata, non-HTML responses) become rows
straight away, without a trip to a worker.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from . import rows

HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".warc.wet.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")

Advance = Callable[[int], None]  # told how many input bytes were consumed, for the progress bar


@dataclass(slots=True)
class Task:
    """One page for a worker: `kind` is "html" (extract) or "text" (WET and JSONL text: text mode)."""

    record_id: str
    url: str | None
    source: str
    kind: str
    payload: bytes | str


Item = Task | dict[str, Any]  # a task, or a finished (skip) row


class InputError(Exception):
    """An input path that is neither a folder nor a known file type."""


def input_size(path: str) -> int:
    """Bytes the readers will consume for `path` (the progress bar's total)."""
    if os.path.isdir(path):
        return sum(os.path.getsize(p) for p in _pages_in(path))
    return os.path.getsize(path)


def read_inputs(paths: list[str], limit: int, advance: Advance) -> Iterator[Item]:
    """Every record of every input, in order. Payloads are cut to `limit` bytes (extract would cut them)."""
    for path in paths:
        yield from reader_for(path)(path, limit, advance)


def reader_for(path: str) -> Callable[[str, int, Advance], Iterator[Item]]:
    name = path.lower()
    if os.path.isdir(path):
        return read_folder
    if name.endswith(WARC_SUFFIXES):
        return read_warc
    if name.endswith(JSONL_SUFFIXES):
        return read_jsonl
    if name.endswith(PAGE_SUFFIXES):
        return read_page_file
    raise InputError(f"{path}: not a folder, WARC/WET (.warc[.gz], .wet[.gz]), JSONL (.jsonl[.gz]) "
                     "or page (.html[.gz])")


# --- WARC and WET -------------------------------------------------------------------------------------


class _Counting:
    """A file wrapper that reports the bytes read from disk (compressed), for the progress bar."""

    def __init__(self, raw: BinaryIO, advance: Advance) -> None:
        self.raw, self.advance = raw, advance

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.advance(len(data))
        return data

    def readable(self) -> bool:
        return True


def read_warc(path: str, limit: int, advance: Advance) -> Iterator[Item]:
    """Response records with an HTML type are pages, conversion (WET) records are texts; the rest is skipped.

    A corrupt or truncated file ends with one error row saying where reading stopped (its id is the path
    and the byte offset, the same on every run), and the run goes on with the next input.
    """
    from fastwarc import ArchiveIterator

    with open_input(path) as raw:
        records = iter(ArchiveIterator(raw, parse_http=True, auto_decode="all", fsspec_args=False))
        seen = 0
        while True:
            try:
                item = _warc_item(next(records), path, limit)
            except StopIteration:
                return
            except (OSError, ValueError) as exc:
                yield rows.row(f"{path}@{raw.tell()}", None, path, "error", error=f"unreadable WARC: {exc}")
                return
            advance(raw.tell() - seen)  # compressed bytes read from disk so far
            seen = raw.tell()
            yield item


def open_input(path: str) -> BinaryIO:
    """A local file, or with a scheme (s3://, gs://, https://) a file opened through fsspec (install it and
    the scheme's package, e.g. s3fs, on the Spark executors)."""
    if "://" not in path:
        return open(path, "rb")
    import fsspec

    return fsspec.open(path, "rb").open()  # type: ignore[no-any-return]


def _warc_item(record: Any, path: str, limit: int) -> Item:
    record_id = record.record_id or f"{path}@{record.stream_pos}"
    url = record.headers.get("WARC-Target-URI")
    kind = str(record.record_type).rsplit(".", 1)[-1]
    if kind == "conversion":
        return Task(record_id, url, path, "text", record.reader.read(limit))
    if kind == "response" and record.is_http:
        status = record.http_headers.status_code if record.http_headers is not None else None
        if status is not None and not 200 <= status < 300:
            return rows.row(record_id, url, path, "skipped", f"HTTP status {status}")
        mime = (record.http_content_type or "").lower()
        if mime and mime not in HTML_TYPES:
            return rows.row(record_id, url, path, "skipped", f"not HTML: {mime}")
        return Task(record_id, url, path, "html", record.reader.read(limit))
    if kind == "resource" and (record.headers.get("Content-Type") or "").split(";")[0].strip() in HTML_TYPES:
        return Task(record_id, url, path, "html", record.reader.read(limit))
    return rows.row(record_id, url, path, "skipped", f"{kind} record")


# --- folders and single pages ---------------------------------------------------------------------------


def _pages_in(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found += [os.path.join(root, name) for name in sorted(files) if name.lower().endswith(PAGE_SUFFIXES)]
    return found


def read_folder(path: str, limit: int, advance: Advance) -> Iterator[Item]:
    for page in _pages_in(path):
        yield from read_page_file(page, limit, advance)


def read_page_file(path: str, limit: int, advance: Advance) -> Iterator[Item]:
    # The raw bytes, gzip and all: unpacking (bounded) is the worker's job, as is decoding.
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit)
    except OSError as exc:
        yield rows.row(path, None, path, "error", error=f"unreadable file: {exc.strerror or exc}")
        return
    advance(os.path.getsize(path))
    yield Task(path, None, path, "html", data)


# --- JSONL -------------------------------------------------------------------------------------------------


def read_jsonl(path: str, limit: int, advance: Advance) -> Iterator[Item]:
    """Lines with `html` (a page) or `text` (text mode), an `id` (else path:line) and optionally a `url`."""
    number = 0
    try:
        with open(path, "rb") as raw:
            for number, line in enumerate(_lines(raw, path, advance), 1):
                if line.strip():
                    yield _jsonl_item(line.decode("utf-8", "replace"), f"{path}:{number}", path, limit)
    except (OSError, EOFError) as exc:  # a truncated .gz: say where reading stopped, go on with the next input
        yield rows.row(f"{path}:{number + 1}", None, path, "error", error=f"unreadable JSONL: {exc}")


def _lines(raw: BinaryIO, path: str, advance: Advance) -> Iterator[bytes]:
    if path.lower().endswith(".gz"):
        with gzip.GzipFile(fileobj=_Counting(raw, advance)) as lines:  # type: ignore[arg-type]
            yield from lines
        return
    for line in raw:
        advance(len(line))
        yield line


def _jsonl_item(line: str, fallback_id: str, path: str, limit: int) -> Item:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return rows.row(fallback_id, None, path, "error", error=f"invalid JSON: {exc}")
    if not isinstance(data, dict):
        return rows.row(fallback_id, None, path, "error", error="a JSONL line must be an object")
    record_id = str(data.get("id", data.get("record_id", fallback_id)))
    url = data.get("url") if isinstance(data.get("url"), str) else None
    for key, kind in (("html", "html"), ("text", "text")):
        if isinstance(data.get(key), str):
            return Task(record_id, url, path, kind, data[key][:limit])
    return rows.row(record_id, url, path, "skipped", "no html or text field")


def all_inputs(paths: list[str]) -> list[str]:
    """The inputs as absolute paths (the manifest records them; a resumed run must name the same ones)."""
    return [str(Path(path).resolve()) for path in paths]
