"""Bytes to a DOM: unpack gzip, find the encoding, parse with lexbor (an HTML5 parser).

Encoding order of trust: a byte-order mark, then the page's own declaration (`<meta charset>` or
`http-equiv`), then statistical detection. A declaration is only believed when the bytes decode under
it; pages that say UTF-8 but are Shift_JIS are common in crawls.
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

from .errors import DecodeError, EmptyInputError
from .options import Options

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.I)
_GZIP_MAGIC = b"\x1f\x8b"
# Labels pages use that Python knows under another name; HTML5 maps these to supersets.
_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "sjis": "shift_jis",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "utf8": "utf-8",
}


def unpack(data: bytes, limit: int) -> bytes:
    """Gunzip `data` when it carries the gzip magic; cap the result at `limit` bytes."""
    if not data.startswith(_GZIP_MAGIC):
        return data[:limit]
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return inflater.decompress(data, limit)
    except zlib.error as exc:
        raise DecodeError(f"corrupt gzip data: {exc}") from exc


def _normalise_label(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared_encoding(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, 4096) or _META_CHARSET.search(data, 0, 65536)
    return _normalise_label(match.group(1).decode("ascii", "ignore")) if match else None


def _detect(data: bytes) -> str:
    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else "utf-8"


def decode(data: bytes) -> str:
    """Decode page bytes to text, never raising on a wrong or missing declaration."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace")
    declared = _declared_encoding(data)
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for name in candidates:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(_detect(data), "replace")


def to_text(html: str | bytes, options: Options) -> str:
    """Any accepted input to a str of markup."""
    if isinstance(html, str):
        return html[: options.max_input_bytes]
    if not html:
        raise EmptyInputError("empty input: no bytes to parse")
    return decode(unpack(html, options.max_input_bytes))


def parse(markup: str) -> LexborHTMLParser:
    """Parse markup into a lexbor tree (never raises on malformed HTML)."""
    return LexborHTMLParser(markup.replace("\x00", ""))


def read_gzip_or_plain(path: str) -> bytes:
    """Read a file's bytes, unpacking `.gz` transparently (used by the CLI and the bench)."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data.startswith(_GZIP_MAGIC):
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DecodeError(f"{path}: corrupt gzip data: {exc}") from exc
    return data
