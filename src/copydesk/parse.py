"""Bytes to a DOM: unpack gzip, find the encoding, parse with lexbor (an HTML5 parser).

Encoding order of trust: a byte-order mark; UTF-16 recognised by its NUL pattern; bytes that are (nearly)
valid UTF-8, since legacy-encoded text almost never is; the page's own declaration (`<meta charset>` or
`http-equiv`) when the bytes decode cleanly under it; statistical detection on a bounded sample. Binary
data (images, archives, PDFs) is refused before any of that with `NotHTMLError`.
"""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

from .errors import DecodeError, EmptyInputError, NotHTMLError
from .nesting import TagCounts, cap_depth
from .options import DEFAULT_OPTIONS, Options
from .rules import POPOVER_MAX_SHARE, POPOVER_SELECTOR

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""", re.I)
_GZIP_MAGIC = b"\x1f\x8b"
# Double-compressed responses (a .gz served with Content-Encoding: gzip) happen; deeper nesting does not.
_MAX_GZIP_LAYERS = 2
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
# A declared codec must read printable ASCII as itself, or the declaration could not have been read at all
# (HTML5 prescan); this rules out UTF-7 and EBCDIC labels, which are also an XSS vector.
_ASCII_PROBE = bytes(range(0x20, 0x7F))
# File signatures of binary formats people feed to extractors by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 (legacy Office) document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (_GZIP_MAGIC, "gzip data nested too deep"),
    (b"\x7fELF", "an ELF executable"),
    (b"\x00asm", "a WebAssembly module"),
    (b"wOFF", "a WOFF font"),
    (b"wOF2", "a WOFF2 font"),
    (b"OggS", "an Ogg media file"),
    (b"RIFF", "a RIFF media file (WAV, AVI, WebP)"),
)
# Binary sniffing looks at the head only: file formats announce themselves early, and it keeps it O(1).
_SNIFF_BYTES = 4096
# C0 controls that text never uses (tab, LF, FF, CR and ESC, which ISO-2022 needs, are allowed): random or
# compressed bytes hold about 11% of these, text in any 8-bit encoding next to none.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.08
_MIN_CONTROL_COUNT = 8  # a few stray controls in a short snippet are dirt, not a file format
# UTF-16 without a BOM: ASCII markup leaves a NUL in every other byte, on one side only.
_MIN_UTF16_NUL_SHARE = 0.2
_MAX_UTF16_OTHER_NUL_SHARE = 0.02
# UTF-8 with a few corrupt bytes: legacy encodings misread as UTF-8 have most of their non-ASCII
# sequences invalid (70% and up even for EUC/GB, whose pairs sometimes look like UTF-8), so a page where
# at most this share is invalid is UTF-8 with damage, best read with replacement characters.
_MAX_INVALID_UTF8_SHARE = 0.1
# Detection reads this much, starting near the first non-UTF-8 byte (charset-normalizer is slow).
_DETECT_SAMPLE = 64 * 1024
# Candidates this close to the best count as a tie.
_DETECT_TIE = 0.01
# HTML5's fallback for most locales; among equally good single-byte readings it is the likeliest.
_FALLBACK = "cp1252"
_WINDOWS_1252_ERRORS = "copydesk-windows-1252"


def _c1_controls(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


# HTML5's windows-1252 maps the five bytes Python's cp1252 leaves undefined to the C1 controls of the same
# value, so a stray 0x81 in a page labelled windows-1252 does not throw the whole page to detection.
codecs.register_error(_WINDOWS_1252_ERRORS, _c1_controls)


def unpack(data: bytes, limit: int) -> bytes:
    """Gunzip `data` while it carries the gzip magic; cap the result at `limit` bytes."""
    for _ in range(_MAX_GZIP_LAYERS):
        if not data.startswith(_GZIP_MAGIC):
            break
        data = _gunzip(data, limit)
    return data[:limit]


def _gunzip(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise DecodeError(f"corrupt gzip data: {exc}") from exc
    # Stopping at the cap leaves the stream unfinished on purpose; anywhere else the input was cut short.
    if not inflater.eof and len(out) < limit:
        raise DecodeError("truncated gzip data: the stream ends before its last block")
    return out


def _normalise_label(label: str) -> str | None:
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        # Bytes that reached the meta prescan without a BOM are 8-bit; HTML5 reads this label as UTF-8.
        return "utf-8"
    try:
        ascii_compatible = _ASCII_PROBE.decode(name) == _ASCII_PROBE.decode("ascii")
    except (UnicodeDecodeError, LookupError):  # LookupError: a bytes-to-bytes codec such as base64
        return None
    return name if ascii_compatible else None


def _declared_encoding(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, 4096) or _META_CHARSET.search(data, 0, 65536)
    return _normalise_label(match.group(1).decode("ascii", "ignore")) if match else None


def _reject_binary(head: bytes) -> None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise NotHTMLError(f"input is not HTML: it is {kind}")
    controls = len(_CONTROL_BYTES.findall(head))
    if controls >= _MIN_CONTROL_COUNT and controls > _MAX_CONTROL_SHARE * len(head):
        raise NotHTMLError(f"input is not HTML: {controls} of its first {len(head)} bytes are binary")


def _unmarked_utf16(head: bytes) -> str | None:
    """The UTF-16 byte order of `head` when its NUL pattern shows one, else None."""
    half = len(head) // 2
    if half == 0:
        return None
    even, odd = head[0 : 2 * half : 2].count(0) / half, head[1 : 2 * half : 2].count(0) / half
    if odd >= _MIN_UTF16_NUL_SHARE and even <= _MAX_UTF16_OTHER_NUL_SHARE:
        return "utf-16-le"
    if even >= _MIN_UTF16_NUL_SHARE and odd <= _MAX_UTF16_OTHER_NUL_SHARE:
        return "utf-16-be"
    return None


def _nearly_utf8(data: bytes) -> str | None:
    """`data` read as UTF-8 with replacement characters, if only a tiny share of it is invalid."""
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return text if invalid <= _MAX_INVALID_UTF8_SHARE * non_ascii else None


def _detect(data: bytes, first_bad: int) -> str:
    """Guess the encoding from a sample around the first non-UTF-8 byte (all before it is ASCII)."""
    # Cut at '>' so no multi-byte character is split: '>' is never a trail byte in CJK encodings.
    begin = data.rfind(b">", 0, first_bad) + 1
    end = begin + _DETECT_SAMPLE
    if end < len(data):
        end = data.rfind(b">", begin, end) + 1 or end
    matches = from_bytes(data[begin:end])
    best = matches.best()
    if best is None:
        return _FALLBACK
    for match in matches:
        tied = match.chaos <= best.chaos + _DETECT_TIE and match.coherence >= best.coherence - _DETECT_TIE
        if tied and _FALLBACK in match.could_be_from_charset:
            return _FALLBACK
    return best.encoding


def _decode_8bit(data: bytes) -> str:
    if data.isascii():
        declared = _declared_encoding(data)
        return data.decode(declared or "ascii", "replace")  # 7-bit encodings (ISO-2022-JP) look like ASCII
    try:
        # Valid UTF-8 first, whatever the page declares: other 8-bit text is almost never valid
        # UTF-8, and this is the common case (one decode, no declaration search).
        # final=False: a sequence cut off at the end (a byte cap, a truncated upload) is not an error.
        text, used = codecs.utf_8_decode(data, "strict", False)
        return text if used == len(data) else text + "\ufffd"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    declared = _declared_encoding(data)
    text = _nearly_utf8(data)
    if text is not None:
        return text
    if declared and declared != "utf-8":
        try:
            return _decode_as(data, declared, "strict")
        except UnicodeDecodeError:
            pass  # mislabelled: fall through to detection
    return _decode_as(data, _detect(data, first_bad), "replace")


def _decode_as(data: bytes, name: str, errors: str) -> str:
    return data.decode(name, _WINDOWS_1252_ERRORS if name == "cp1252" else errors)


def decode(data: bytes) -> str:
    """Decode page bytes to text, never raising on a wrong or missing declaration.

    Raises `NotHTMLError` when the bytes are a binary format rather than text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, "replace")
    head = data[:_SNIFF_BYTES]
    utf16 = _unmarked_utf16(head)
    if utf16:
        return data.decode(utf16, "replace")
    _reject_binary(head)
    return _decode_8bit(data)


def prepare(html: str | bytes, options: Options) -> tuple[str, TagCounts]:
    """The markup as a NUL-free str, with its tag counts (for `parse`); `EmptyInputError` if it holds none.

    Whole-input scans run on the bytes when there are bytes: there they cost a tenth of a str scan.
    """
    if isinstance(html, str):
        text = html[: options.max_input_bytes]
        text = text.replace("\x00", "") if "\x00" in text else text
        counts = TagCounts.of_text(text)
    elif not html or html.isspace():
        raise EmptyInputError("empty input: no markup to parse")
    else:
        data = unpack(html, options.max_input_bytes)
        text = decode(data)
        # UTF-8 and the 8-bit encodings keep NUL as a NUL byte; UTF-16 text is checked as text.
        if b"\x00" in data and "\x00" in text:
            text = text.replace("\x00", "")
        counts = TagCounts.of_bytes(data)
    if not text or text.isspace():
        raise EmptyInputError("empty input: only whitespace or NUL characters, no markup to parse")
    return text, counts


def parse(markup: str, counts: TagCounts | None = None) -> LexborHTMLParser:
    """Parse markup into a lexbor tree (never raises on malformed HTML; nesting capped, see `nesting`).

    `counts`: the tag counts `prepare` took on the raw bytes; None counts them on `markup`.
    """
    if counts is None and "\x00" in markup:
        markup = markup.replace("\x00", "")
    return LexborHTMLParser(cap_depth(markup, counts))


def drop_popovers(tree: LexborHTMLParser, markup: str) -> None:
    """Remove from the tree the elements closed until opened over the page (`rules.POPOVER_SELECTOR`),
    unless one holds more than POPOVER_MAX_SHARE of the body's text. `markup` is the parsed text: a
    page without the word is left alone at the cost of a substring search.

    Measured on WCXB dev (5-fold CV, with `classify.raised_cut`; the block model is trained with the
    popovers in, see train.HEURISTIC_OPTIONS): F1 0.8735 to 0.8738, forum 0.8158 to 0.8197 (a thread
    whose notifications prompt was its body, +0.43; three pages +0.01, one -0.02), no type lower; AEB
    unchanged (0.9597). Over seeds 0-3 of the fold models every seed higher: F1 +0.0003 to +0.0010.
    """
    if "popover" not in markup or tree.body is None:
        return
    nodes = tree.css(POPOVER_SELECTOR)
    if not nodes:
        return
    limit = POPOVER_MAX_SHARE * len(tree.body.text(deep=True))
    for node in nodes:
        if node.parent is not None and len(node.text(deep=True)) <= limit:
            node.decompose()


def read_gzip_or_plain(path: str, limit: int = DEFAULT_OPTIONS.max_input_bytes) -> bytes:
    """Read a file's bytes, unpacking `.gz` transparently (used by the CLI and the bench).

    Unpacking stops at `limit` bytes, as `extract` would: a small .gz can hold gigabytes (a gzip bomb).
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if data.startswith(_GZIP_MAGIC):
        try:
            return unpack(data, limit)
        except DecodeError as exc:
            raise DecodeError(f"{path}: {exc}") from exc
    return data
